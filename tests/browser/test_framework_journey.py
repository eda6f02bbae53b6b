"""From demo themes to an approved graduate profile, with the community and the board."""

import pytest

from config import BASE_DIR
from engage.demo import seed_demo
from engage.engagements.services import current_engagement
from engage.extensions import db
from engage.review import runner, theme_edits, theme_runs
from engage.review.models import AnalysisRun
from tests.factories import make_user

pytestmark = pytest.mark.browser
PASSWORD = "correct horse battery"


def signed_in(browser, live_server, email):
    page = browser.new_context().new_page()
    page.goto(f"{live_server}/staff/sign-in")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server}/staff/")
    return page


def post_step(page, label):
    page.get_by_role("button", name=label).click()


def test_draft_comment_review_revise_approve_publish(app, live_server, browser):
    with app.app_context():
        seed_demo(BASE_DIR / "surveys", n_responses=120)
        engagement = current_engagement()
        run = theme_runs.start_run(engagement, {"seed": 0, "n_themes": 6}, actor=None)
        db.session.commit()
        runner.claim(run.id)
        runner.work(run.id, app.config["THEME_ENCODER"])
        themes = sorted(db.session.get(AnalysisRun, run.id).themes, key=lambda t: t.position)
        for theme in themes[:2]:
            theme_edits.accept_theme(theme, None)
        facilitator = make_user("facilitator").email
        board = [make_user("board").email for _ in range(3)]
        admin = make_user("admin").email
        db.session.commit()

    staff = signed_in(browser, live_server, facilitator)
    staff.click("text=Profile drafts")
    staff.fill("#title", "Portrait of a graduate")
    staff.click("button:has-text('Create')")
    from playwright.sync_api import expect  # here: without playwright the journey is skipped

    for made in (1, 2):  # each click reloads the page: wait for it before the next one
        staff.get_by_role("button", name="Make it a competency").first.click()
        expect(staff.locator("article.competency")).to_have_count(made, timeout=20_000)
    staff.locator("article.competency").first.get_by_role("link", name="Edit").click()
    staff.fill("#name_en", "Thinking for yourself")
    staff.fill("#description_en", "Asks good questions and weighs evidence.")
    staff.locator("summary", has_text="Español").click()
    staff.fill("#name_es", "Pensar por sí mismo")
    staff.fill("#description_es", "Hace buenas preguntas y sopesa la evidencia.")
    staff.locator("summary", has_text="العربية").click()
    staff.fill("#name_ar", "التفكير المستقل")
    staff.click("button:has-text('Save competency')")
    # Not every language is written: opening for comment warns and asks for a choice.
    assert staff.locator("#gaps").is_visible()
    assert "Tiếng Việt" in staff.locator("#gaps").inner_text()
    post_step(staff, "Open for public comment")
    assert "not yet written in every language" in staff.locator("#refused-step").inner_text()
    assert "open for comment" not in staff.locator(".lead").inner_text()
    staff.get_by_label("Open it although some languages are missing").check()
    post_step(staff, "Open for public comment")
    share = staff.locator("#share")
    assert share.is_visible()
    assert share.locator('a[href$="/es/profile/draft"]').is_visible()
    assert share.locator('a[href$="/ar/profile/draft"]').is_visible()
    assert "opened it for public comment" in staff.locator("#language-choices").inner_text()

    family = browser.new_context().new_page()
    family.goto(f"{live_server}/es/profile/draft")
    family.locator("textarea").first.fill("Me encanta. Que también aprendan a escuchar.")
    family.locator("section.competency button[type=submit]").first.click()
    assert family.locator(".notice").first.is_visible()

    staff.reload()
    assert "Me encanta" in staff.locator("article.competency").first.inner_text()
    staff.get_by_label("Send it although some languages are missing").check()
    post_step(staff, "Send to the board")

    member = signed_in(browser, live_server, board[0])
    member.click("text=Profile drafts")
    member.locator("a", has_text="Portrait of a graduate").click()
    # No vote yet: no approval button, and the page says what approval needs.
    assert member.get_by_role("button", name="Record the board's approval").count() == 0
    assert "a quorum (3 of 4 members)" in member.locator(".board").inner_text()
    # The board sees that the facilitator went on without every language.
    choices = member.locator("#language-choices").inner_text()
    assert "sent it to the board" in choices and "Español" in choices
    member.get_by_label("Request changes").check()
    member.fill("#comment", "Please add listening to the first competency.")
    member.click("button:has-text('Cast my vote')")

    staff.reload()
    assert member.get_by_role("button", name="Record the board's approval").count() == 0
    post_step(staff, "Take back for changes")
    post_step(staff, "Start a new draft from this version")
    assert "version 2" in staff.locator(".lead").inner_text()
    staff.locator("article.competency").first.get_by_role("link", name="Edit").click()
    staff.fill("#description_en", "Asks good questions, listens, and weighs evidence.")
    # Languages with a name are open already.
    staff.fill("#description_es", "Hace buenas preguntas, escucha y sopesa la evidencia.")
    staff.fill("#description_ar", "يطرح أسئلة جيدة ويستمع ويزن الأدلة.")
    staff.click("button:has-text('Save competency')")
    staff.get_by_label("Send it although some languages are missing").check()
    post_step(staff, "Send to the board")

    # Compare shows what changed in every language, with a switch to one of them.
    member.goto(staff.url)
    member.get_by_role("link", name="compare").first.click()
    changes = member.locator("main").inner_text()
    assert "Asks good questions, listens" in changes
    assert "Hace buenas preguntas, escucha" in changes
    assert "يطرح أسئلة جيدة ويستمع" in changes
    member.locator(".text-switch").get_by_role("link", name="Español").click()
    changes = member.locator("main").inner_text()
    assert "Hace buenas preguntas, escucha" in changes and "listens" not in changes

    # Four board members (three here and the demo's own): three approvals are a majority. Two
    # vote in Engage; the third voted at the public meeting, and an admin records it for them.
    for email in board[:2]:
        voter = signed_in(browser, live_server, email)
        voter.click("text=Profile drafts")
        voter.locator("a", has_text="Portrait of a graduate").click()
        voter.get_by_label("Approve", exact=True).check()
        voter.click("button:has-text('Cast my vote')")
    clerk = signed_in(browser, live_server, admin)
    clerk.goto(staff.url)
    assert clerk.get_by_role("button", name="Cast my vote").count() == 0
    assert clerk.get_by_role("button", name="Record the board's approval").count() == 0
    # This vote decides: the page says so before it is cast, and asks about the languages.
    assert "approves and publishes the profile" in clerk.locator("#deciding-vote").inner_text()
    clerk.select_option("#record-member", label=board[2])
    clerk.get_by_label("Approve", exact=True).check()
    clerk.fill("#record-comment", "Voted yes at the March meeting.")
    clerk.click('button:has-text("Record this member\'s vote")')
    assert "not yet written in every language" in clerk.locator("main").inner_text()
    clerk.get_by_label("Publish it although some languages are missing").check()
    clerk.click('button:has-text("Record this member\'s vote")')
    assert "now published" in clerk.locator(".notice").first.inner_text()
    assert "recorded on their behalf" in clerk.locator("main").inner_text()
    assert "published it on" in clerk.locator("#language-choices").inner_text()
    staff.reload()
    assert "approved" in staff.locator(".lead").inner_text()

    public = browser.new_context().new_page()
    public.goto(f"{live_server}/en/profile/")
    assert (
        "3 of 4 members voted; 3 approve, 0 ask for changes, 0 abstain"
        in public.locator("#board-decision").inner_text()
    )
    # Written for families: no privacy jargon, no quote twice under one competency.
    for section in public.locator(".you-said").all():
        assert "hidden" not in section.inner_text()
        quotes = section.locator("blockquote").all_inner_texts()
        assert len(quotes) == len(set(quotes))
    public.goto(f"{live_server}/es/profile/")
    assert public.locator("h2", has_text="Pensar por sí mismo").is_visible()
    assert public.locator(".you-said").first.is_visible()
    public.goto(f"{live_server}/ar/profile/")
    assert public.locator("html").get_attribute("dir") == "rtl"
    assert public.locator("h2", has_text="التفكير المستقل").is_visible()
    assert public.locator(".you-said").count() == 2
