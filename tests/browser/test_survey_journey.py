"""A family answers the default survey on a phone, in Spanish and in Arabic."""

import re

import pytest
from sqlalchemy import select

from engage.extensions import db
from engage.surveys.models import Response
from tests.factories import import_default_survey

pytestmark = pytest.mark.browser


@pytest.fixture
def survey(app):
    with app.app_context():
        import_default_survey()
        db.session.commit()


def test_spanish_family_trips_an_error_keeps_answers_and_gets_a_receipt(
    app, live_server, phone, survey
):
    phone.goto(f"{live_server}/es/surveys/graduate-profile")
    assert phone.locator("html").get_attribute("lang") == "es"
    hopes = "Que sepan pensar por sí mismos y cuidar a los demás."
    parent = phone.locator("input[name=q_role][value=parent]")
    parent.check()
    phone.locator("#q_hopes").fill(hopes)
    phone.locator("input[name='q_top_three-1'][value=languages]").check()
    phone.get_by_role("button", name="Enviar mis respuestas").click()

    # The required question was skipped: the form comes back, filled in, with the error beside it.
    assert phone.get_by_role("alert").is_visible()
    summary = phone.locator("#error-summary").bounding_box()
    assert summary["y"] + 60 < 740, "the error summary starts in the phone's first screen"
    error = phone.locator("#q_competencies-error")
    assert error.is_visible() and "responda" in error.inner_text()
    assert phone.locator("#q_hopes").input_value() == hopes
    assert parent.is_checked()
    assert phone.locator("input[name='q_top_three-1'][value=languages]").is_checked()
    assert _fits_the_screen(phone)

    phone.locator("input[name=q_competencies][value=critical_thinking]").check()
    phone.get_by_role("button", name="Enviar mis respuestas").click()
    code = phone.locator("#receipt-code").inner_text()
    assert re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}", code)
    with app.app_context():
        stored = db.session.scalar(select(Response).filter_by(receipt_code=code))
        assert stored.language == "es" and stored.role == "parent"
        assert hopes in [answer.text for answer in stored.answers]

    # The page fetched again (Back on a phone that dropped it from memory): the receipt, no form.
    phone.goto(f"{live_server}/es/surveys/graduate-profile")
    assert phone.locator("#receipt-code").inner_text() == code
    assert phone.locator("button.primary").count() == 0
    with app.app_context():
        assert db.session.query(Response).count() == 1
    phone.get_by_role("button", name=re.compile("Empezar nuevas respuestas")).click()
    assert phone.locator("#q_competencies-0").count() == 1  # someone else may answer now


@pytest.mark.parametrize("lang", ["en", "es", "ar", "vi", "so", "hmn"])
def test_the_header_is_small_on_a_phone_and_the_language_menu_works(
    live_server, phone, survey, lang
):
    phone.goto(f"{live_server}/{lang}/surveys/graduate-profile")
    header = phone.locator("header").bounding_box()
    assert header["height"] < 120, header
    assert phone.locator(".language-menu a").first.is_hidden()  # closed until asked for
    phone.locator(".language-menu summary").click()
    target = "es" if lang != "es" else "en"
    phone.locator(f".language-menu a[hreflang={target}]").click()
    assert phone.locator("html").get_attribute("lang") == target
    assert _fits_the_screen(phone)


def test_arabic_survey_reads_right_to_left_on_a_phone(live_server, phone, survey):
    phone.goto(f"{live_server}/ar/surveys/graduate-profile")
    assert phone.locator("html").get_attribute("dir") == "rtl"
    direction = phone.locator("main").evaluate("element => getComputedStyle(element).direction")
    assert direction == "rtl"
    assert _fits_the_screen(phone)


def _fits_the_screen(page) -> bool:
    """No sideways scrolling on a 360-pixel-wide phone."""
    return page.evaluate("document.documentElement.scrollWidth") <= 360
