"""An admin builds a survey in the browser from nothing but an engagement: questions, a
follow-up on a second page, Spanish and Arabic side by side, a preview in a phone frame, a
warning for the languages left incomplete, and opening it; then a family answers in Arabic.

The journey of every kind, two versions and the export is
tests/browser/test_engagement_start_to_finish.py."""

import pytest

from engage.engagements.services import create_engagement
from engage.extensions import db
from tests.factories import make_user

pytestmark = pytest.mark.browser


def test_an_admin_builds_translates_previews_and_opens_a_survey(app, live_server, browser):
    with app.app_context():
        email = make_user("admin").email
        create_engagement(None, name={"en": "Listening 2027"}, slug="listening-2027")
        db.session.commit()
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    page = context.new_page()
    page.goto(f"{live_server}/staff/sign-in")
    page.fill("#email", email)
    page.fill("#password", "correct horse battery")
    page.click("button[type=submit]")

    page.goto(f"{live_server}/staff/engagements/")
    page.get_by_role("link", name="Surveys").click()
    page.fill("#slug", "pulse")
    page.fill("#title", "What matters to you?")
    page.get_by_role("button", name="Create the survey").click()
    draft_url = page.url.split("#")[0]
    assert "/staff/editor/drafts/" in draft_url

    def add(kind, **fields):
        page.select_option("#new-kind", kind)
        page.get_by_role("button", name="Add", exact=True).click()
        for name, value in fields.items():
            if value is True:
                page.check(f"#{name}")
            else:
                page.fill(f"#{name}", value)
        page.get_by_role("button", name="Save the question").click()
        assert page.locator(".notice", has_text="Question saved.").is_visible()

    add("single", text="Who are you?", options="family | A family\nstudent | A student")
    # An empty question is refused beside the field, with the choices typed kept.
    page.select_option("#new-kind", "multiple")
    page.get_by_role("button", name="Add", exact=True).click()
    page.fill("#options", "a | Reading\na | Maths")
    page.get_by_role("button", name="Save the question").click()
    assert page.locator("#text-error").inner_text() == "Write the question."
    assert "is used twice" in page.locator("#options-error").inner_text()
    assert page.input_value("#options") == "a | Reading\na | Maths"
    page.fill("#text", "What matters most?")
    page.fill("#options", "a | Reading\nb | Maths")
    page.get_by_role("button", name="Save the question").click()
    page.select_option("#new-kind", "open")
    page.get_by_role("button", name="Add", exact=True).click()
    page.fill("#text", "Why do you say that, as a student?")
    page.check("#new_page")
    page.get_by_label("A student").check()
    page.get_by_role("button", name="Save the question").click()
    assert page.locator("#question-q3", has_text="shown only after q1").is_visible()

    for code, prefix in (("es", "ES"), ("ar", "عربي")):
        page.goto(f"{draft_url}/translate/{code}")
        boxes = page.locator("textarea[name^='t:']")
        for index in range(boxes.count()):
            boxes.nth(index).fill(f"{prefix} {index + 1}")
        page.get_by_role("button", name="Save the translation").click()
        assert page.locator(".progress", has_text="100%").first.is_visible()

    page.goto(f"{draft_url}/preview/ar")
    frame = page.frame_locator("iframe.phone-frame")
    assert frame.locator("html[dir=rtl]").count() == 1
    assert frame.locator("h1").inner_text() == "عربي 1"
    box = page.locator("iframe.phone-frame").bounding_box()
    assert box["width"] == 384  # 360 inside its border

    page.goto(f"{draft_url}/open")
    assert page.get_by_text("Open anyway without Tiếng Việt").is_visible()
    page.get_by_role("button", name="Open the survey").click()
    assert "Tick each language" in page.locator("#open-error").inner_text()
    for label in page.locator("input[name=without]").all():
        label.check()
    page.get_by_role("button", name="Open the survey").click()
    assert page.locator(".flag", has_text="Opened without:").is_visible()

    family = browser.new_context(viewport={"width": 360, "height": 740}, locale="ar")
    phone = family.new_page()
    phone.goto(f"{live_server}/ar/surveys/pulse")
    assert phone.locator("h1").inner_text() == "عربي 1"
    phone.locator("input[value=student]").check()
    phone.get_by_role("button").last.click()
    # A student is asked the follow-up on page 2 before anything is stored.
    phone.locator("textarea[name=q_q3]").fill("لأنني طالب")
    phone.get_by_role("button", name="إرسال إجاباتي").click()
    assert "/ar/receipt/" in phone.url
    family.close()
    context.close()
