"""A facilitator's day with the demo data: who is under-heard, themes run, reviewed, re-run."""

import pytest
from sqlalchemy import select

from config import BASE_DIR
from engage.demo import seed_demo
from engage.extensions import db
from engage.review import runner
from engage.review.models import AnalysisRun, ThemeAssignment
from engage.surveys import services as survey_services
from tests.factories import make_user

pytestmark = pytest.mark.browser


def work_queue(app):
    """Play the separate theme worker (THEME_RUNNER=worker in tests)."""
    with app.app_context():
        assert runner.work_forever(app.config["THEME_ENCODER"], once=True) == 1
        db.session.remove()


def test_facilitator_reviews_themes_and_the_edits_survive_a_rerun(app, live_server, browser):
    with app.app_context():
        seed_demo(BASE_DIR / "surveys", n_responses=150)
        email = make_user("facilitator").email
        db.session.commit()
    page = browser.new_context().new_page()
    page.goto(f"{live_server}/staff/sign-in")
    page.fill("#email", email)
    page.fill("#password", "correct horse battery")
    page.click("button[type=submit]")

    page.click("text=Who is being heard")
    notice = page.locator(".notice", has_text="Under-heard")
    assert notice.is_visible() and "Eastside High School" in notice.inner_text()

    page.click("nav.staff-nav >> text=Themes")
    page.fill("#n_themes", "6")
    page.click("text=Run the theme engine")
    assert page.locator("progress").is_visible()
    work_queue(app)
    page.reload()
    cards = page.locator(".theme-card h3 a")
    assert cards.count() >= 4
    second_label = cards.nth(1).inner_text()
    cards.first.click()

    page.fill("#rename-label", "Thinking for themselves")
    page.click("button:has-text('Rename')")
    assert page.locator("h1").inner_text() == "Thinking for themselves"
    page.locator("details.merge-details summary").click()  # the merge choices fold away
    page.get_by_label(second_label).first.check()
    page.click("button:has-text('Merge')")
    assert page.locator(".notice", has_text="Themes merged").is_visible()
    page.locator("button:has-text('Pin as quote')").first.click()
    pinned_text = page.locator("li.member.pinned blockquote").first.inner_text()
    boxes = page.locator("input[name=split-members]")
    boxes.nth(boxes.count() - 1).check()
    boxes.nth(boxes.count() - 2).check()
    page.fill("#split-label", "Split by hand")
    page.click("text=Split the chosen answers into a new theme")
    assert page.locator(".notice", has_text="Split by hand").is_visible()

    with app.app_context():  # new answers arrive from families
        survey = survey_services.find_open_survey("graduate-profile")
        for text in ["Que aprendan a pensar por sí mismos", "Think for yourself, ask questions"]:
            survey_services.submit_response(
                survey,
                "es" if text.startswith("Que") else "en",
                {"competencies": ["critical_thinking"], "hopes": text},
                survey_services.new_submission_token(),
            )
        db.session.commit()
    page.click("nav.staff-nav >> text=Themes")
    page.click("text=Run the theme engine")
    work_queue(app)
    page.reload()
    assert page.get_by_role("heading", name="Compared with run").is_visible()
    labels = page.locator(".theme-card h3 a").all_inner_texts()
    assert "Thinking for themselves" in labels and "Split by hand" in labels
    assert second_label not in labels  # it stayed merged
    page.locator(".theme-card h3 a", has_text="Thinking for themselves").click()
    assert page.locator("li.member.pinned blockquote").first.inner_text() == pinned_text
    with app.app_context():
        latest = db.session.scalars(select(AnalysisRun).order_by(AnalysisRun.id.desc())).first()
        assert (
            db.session.scalar(select(db.func.count(ThemeAssignment.id)).filter_by(run_id=latest.id))
            == latest.metrics["contributions"]
        )
