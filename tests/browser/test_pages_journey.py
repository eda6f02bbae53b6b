"""A family answers a two-page survey in Arabic on a 360-pixel phone with JavaScript off:
a grid, a number, "Other" with its text, a follow-up shown only after "Yes", and Back and
Next without losing anything typed."""

import re

import pytest
from sqlalchemy import select

from engage.extensions import db
from engage.i18n import KNOWN_LANGUAGES
from engage.surveys import cache, services
from engage.surveys.loader import load_survey_file
from engage.surveys.models import Question, Response
from tests.surveys.test_new_kinds import EVERY_KIND

pytestmark = pytest.mark.browser


@pytest.fixture
def survey(app):
    cache.clear()
    with app.app_context():
        services.import_surveys([load_survey_file(EVERY_KIND, KNOWN_LANGUAGES)])
        db.session.commit()


@pytest.fixture
def phone_without_script(browser):
    context = browser.new_context(
        viewport={"width": 360, "height": 740},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        java_script_enabled=False,
    )
    page = context.new_page()
    yield page
    context.close()


def fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= 360


def test_arabic_family_answers_two_pages_going_back_and_forth(
    app, live_server, phone_without_script, survey
):
    phone = phone_without_script
    phone.goto(f"{live_server}/ar/surveys/every-kind")
    assert phone.locator("html").get_attribute("dir") == "rtl"
    assert phone.get_by_role("heading", name="عن مدرستكم").is_visible()
    assert phone.locator("select[name=q_child_grade]").count() == 0  # not before "Yes"

    other_text = "ملصق في المكتبة العامة"
    phone.locator("input[name=q_how_heard][value=other]").check()
    phone.locator("#other_how_heard").fill(other_text)
    phone.locator("input[name=q_has_child][value=yes]").check()
    # The grid stacks on a phone: each choice shows its own text under the statement.
    first_choice = phone.locator("label[for='q_school_life-1-1']")
    assert first_choice.is_visible() and first_choice.inner_text() == "أوافق"
    assert not phone.locator(".likert-grid thead").is_visible()
    phone.locator("#q_school_life-1-1").check()
    # Each radio is named by its statement and its column.
    phone.get_by_role("radio", name="يُستمع إلى الأسر لا أوافق", exact=True).check()
    phone.locator("#q_children").fill("٣")
    assert fits(phone)

    phone.locator("button[name=nav][value=next]").click()
    grade = phone.locator("select[name=q_child_grade]")
    assert grade.is_visible(), "the follow-up appears on page 2 after Yes"
    grade.select_option("high")
    ideas = "نريد المزيد من الأنشطة بعد المدرسة"
    phone.locator("#q_ideas").fill(ideas)
    assert fits(phone)

    phone.locator("button[name=nav][value=back]").click()
    assert phone.locator("#other_how_heard").input_value() == other_text
    assert phone.locator("input[name=q_how_heard][value=other]").is_checked()
    assert phone.locator("#q_school_life-1-1").is_checked()
    assert phone.locator("#q_school_life-2-3").is_checked()
    assert phone.locator("#q_children").input_value() == "٣"

    phone.locator("button[name=nav][value=next]").click()
    assert phone.locator("#q_ideas").input_value() == ideas
    assert phone.locator("select[name=q_child_grade]").input_value() == "high"
    phone.locator("button[name=nav][value=send]").click()
    code = phone.locator("#receipt-code").inner_text()
    assert re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}", code)

    with app.app_context():
        response = db.session.scalar(select(Response).filter_by(receipt_code=code))
        keys = {q.id: q.key for q in db.session.scalars(select(Question))}
        rows = {
            (keys[a.question_id], a.statement, a.option_value, a.number, a.text)
            for a in response.answers
        }
    assert response.language == "ar"
    assert ("how_heard", None, "other", None, other_text) in rows
    assert ("school_life", "safe", "agree", None, None) in rows
    assert ("school_life", "heard", "disagree", None, None) in rows
    assert ("children", None, None, 3, None) in rows
    assert ("child_grade", None, "high", None, None) in rows
    assert ("ideas", None, None, None, ideas) in rows


def test_a_wrong_number_shows_its_error_in_place_on_the_phone(
    live_server, phone_without_script, survey
):
    phone = phone_without_script
    phone.goto(f"{live_server}/ar/surveys/every-kind")
    phone.locator("input[name=q_how_heard][value=school]").check()
    phone.locator("input[name=q_has_child][value=no]").check()
    phone.locator("#q_children").fill("99")
    phone.locator("button[name=nav][value=next]").click()
    error = phone.locator("#q_children-error")
    assert error.is_visible()
    assert phone.locator("#q_children").get_attribute("aria-invalid") == "true"
    assert phone.locator("#q_children").input_value() == "99"
    assert phone.locator("input[name=q_has_child][value=no]").is_checked()
    assert fits(phone)
