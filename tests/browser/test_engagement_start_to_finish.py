"""Issue 12's whole journey, from an empty database with only an admin account: the admin
creates an engagement with two schools, builds a survey with one question of each kind (a
follow-up on a second page among them), translates it into Spanish and Arabic and previews
both, is warned that Vietnamese is incomplete, and opens it. A family answers in Arabic; the
admin edits the survey (a new version, since it has an answer), a second family answers, and
the responses export shows both versions."""

import csv
import io
from pathlib import Path

import pytest
from sqlalchemy import select

from engage.extensions import db
from engage.surveys.models import Answer, Response, Survey
from tests.factories import make_user

pytestmark = pytest.mark.browser


def test_a_district_runs_an_engagement_from_the_browser(app, live_server, browser):
    with app.app_context():
        email = make_user("admin").email
        db.session.commit()
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    page = context.new_page()
    page.goto(f"{live_server}/staff/sign-in")
    page.fill("#email", email)
    page.fill("#password", "correct horse battery")
    page.click("button[type=submit]")

    # 1. The engagement, then its two schools, each named in English and Arabic.
    page.goto(f"{live_server}/staff/engagements/")
    page.get_by_role("link", name="New engagement").click()
    page.fill("#slug", "listening-2027")
    page.fill("#name_en", "Listening 2027")
    page.select_option("#status", "open")
    page.get_by_role("button", name="Save").click()
    assert "/groups" in page.url
    for code, english, arabic in (
        ("lincoln", "Lincoln Elementary", "مدرسة لينكولن الابتدائية"),
        ("westview", "Westview High", "مدرسة ويستفيو الثانوية"),
    ):
        form = page.locator("#school form.add-group")
        if not form.is_visible():
            page.locator("#school .add-group-details summary").click()
        form.locator("input[name$='code']").fill(code)
        form.locator("input[name$='name_en']").fill(english)
        form.locator("input[name$='name_ar']").fill(arabic)
        form.get_by_role("button", name="Add").click()
        assert page.locator(f"#school [data-code={code}]").count() == 1

    # 2. A survey with one question of each kind, a follow-up on a second page among them.
    page.goto(f"{live_server}/staff/engagements/")
    page.get_by_role("link", name="Surveys").first.click()
    page.fill("#slug", "every-kind")
    page.fill("#title", "Tell us")
    page.get_by_role("button", name="Create the survey").click()
    draft_url = page.url.split("#")[0].split("?")[0]

    def add(kind, **fields):
        page.goto(draft_url)
        page.select_option("#new-kind", kind)
        page.get_by_role("button", name="Add", exact=True).click()
        for name, value in fields.items():
            if name == "key":  # folded away: most people leave the code to the editor
                page.locator("summary", has_text="Code of the question").click()
            if value is True:
                page.check(f"#{name}")
            else:
                page.fill(f"#{name}", value)
        page.get_by_role("button", name="Save the question").click()
        assert page.locator(".notice", has_text="Question saved.").is_visible(), page.content()

    add("heading", text="About your school", help="A few questions first.")
    add("single", key="role", text="Who are you?", options="family | A family\nstaff | Staff")
    add("multiple", key="matters", text="What matters?", options="read | Reading\nmath | Maths")
    add("likert", key="safe", text="School is safe", options="yes | Agree\nno | Disagree")
    add("rank", key="order", text="Rank these", options="a | Arts\nb | Sport\nc | Science")
    add(
        "grid",
        key="feel",
        text="How true?",
        options="t | True\nf | Not true",
        statements="welcome | I feel welcome\nheard | I feel heard",
    )
    add("number", key="children", text="How many children?", min_value="0", max_value="12")
    add("dropdown", key="bus", text="How do you travel?", options="bus | Bus\nwalk | On foot")
    add("yesno", key="drives", text="Do you drive?")
    # The follow-up: on a second page, only for those who drive.
    page.goto(draft_url)
    page.select_option("#new-kind", "open")
    page.get_by_role("button", name="Add", exact=True).click()
    page.locator("summary", has_text="Code of the question").click()
    page.fill("#key", "why")
    page.fill("#text", "Why do you drive?")
    page.check("#new_page")
    page.locator("input[name=show_if][value='drives:yes']").check()
    page.get_by_role("button", name="Save the question").click()
    assert page.locator(".notice", has_text="Question saved.").is_visible()

    # 3. Spanish and Arabic, side by side, then a preview of each.
    for code, prefix in (("es", "ES"), ("ar", "عربي")):
        page.goto(f"{draft_url}/translate/{code}")
        boxes = page.locator("textarea[name^='t:']")
        for index in range(boxes.count()):
            boxes.nth(index).fill(f"{prefix} {index + 1}")
        page.get_by_role("button", name="Save the translation").click()
        assert page.locator(".progress", has_text="100%").first.is_visible()
        page.goto(f"{draft_url}/preview/{code}")
        frame = page.frame_locator("iframe.phone-frame")
        assert frame.locator(f"html[lang={code}]").count() == 1
        assert frame.locator("h1").inner_text() == f"{prefix} 1"

    # 4. Vietnamese (and the others) are incomplete: a warning, then 5. opening anyway.
    page.goto(f"{draft_url}/open")
    assert page.get_by_text("Open anyway without Tiếng Việt").is_visible()
    page.get_by_role("button", name="Open the survey").click()
    assert "Tick each language" in page.locator("#open-error").inner_text()
    for box in page.locator("input[name=without]").all():
        box.check()
    page.get_by_role("button", name="Open the survey").click()
    assert page.locator(".flag", has_text="Opened without:").is_visible()

    def family_answers(number: int):
        family = browser.new_context(viewport={"width": 360, "height": 740}, locale="ar")
        phone = family.new_page()
        phone.goto(f"{live_server}/ar/surveys/every-kind")
        assert phone.locator("html").get_attribute("dir") == "rtl"
        phone.locator("input[name=q_role][value=family]").check()
        phone.locator("input[name=q_children]").fill(str(number))
        phone.locator("input[name=q_drives][value=yes]").check()
        # In version 1 page 2 holds only the follow-up for drivers: hidden until "yes", so
        # Send on page 1 brings it into view rather than storing without it. Version 2 adds a
        # question there for everyone, so page 1 ends with Next.
        primary = phone.locator(".actions button.primary").first
        # Version 1's page 1 says "Continue" (its follow-up page may come next), not "Send".
        assert primary.inner_text() == ("متابعة" if number == 2 else "الصفحة التالية")
        primary.click()
        assert phone.locator("textarea[name=q_why]").is_visible()
        phone.locator("textarea[name=q_why]").fill(f"سبب {number}")
        phone.get_by_role("button", name="إرسال إجاباتي").click()
        assert "/ar/receipt/" in phone.url
        family.close()

    family_answers(2)

    # The admin edits the answered survey: it opens as version 2, the answer stays with 1.
    add("open", key="more", text="Anything else?")
    page.goto(f"{draft_url}/open")
    for box in page.locator("input[name=without]").all():
        box.check()
    page.get_by_role("button", name="Open the survey").click()
    assert page.locator(".flag", has_text="Version 2 · Opened without:").is_visible()
    family_answers(3)

    with app.app_context():
        versions = db.session.scalars(select(Survey).filter_by(slug="every-kind")).all()
        assert sorted(v.version for v in versions) == [1, 2]
        by_version = {
            v.version: db.session.scalars(select(Response).filter_by(survey_id=v.id)).all()
            for v in versions
        }
        assert [len(by_version[1]), len(by_version[2])] == [1, 1]
        why = db.session.scalars(select(Answer.text).where(Answer.text.like("سبب%"))).all()
        assert sorted(why) == ["سبب 2", "سبب 3"]
        newest_id = max(versions, key=lambda v: v.version).id

    # The export: the answers file leaves out versions of fewer than 5 (and says so); the
    # admin's full export has a row per version, each saying which.
    page.goto(f"{live_server}/staff/review/surveys/{newest_id}/export")
    assert "Left out of the answers export" in page.content()
    page.fill("#reason", "Checking the journey's two versions")
    with page.expect_download() as download:
        page.get_by_role("button", name="Download answers with demographics").click()
    exported = Path(download.value.path()).read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(exported)))
    header, body = rows[0], rows[1:]
    assert sorted(row[header.index("version")] for row in body) == ["1", "2"]
    more = next(i for i, name in enumerate(header) if name.startswith("more:"))
    assert "asked in version 2" in header[more]
    children = next(i for i, name in enumerate(header) if name.startswith("children:"))
    assert sorted(row[children] for row in body) == ["2", "3"]
    assert sum(name.startswith("feel.") for name in header) == 2  # a column per statement
    context.close()
