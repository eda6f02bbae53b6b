"""Paper: a staff member types a batch of 30 sheets by keyboard alone; the printed sheets
render in print media for Somali and Arabic."""

import re

import pytest

from engage.engagements.models import Engagement, EngagementStatus
from engage.extensions import db
from engage.paper import services
from engage.surveys.models import Response, Survey
from tests.factories import import_default_survey, make_user

pytestmark = pytest.mark.browser

#: How long a save may take on a busy machine (the CI box is shared) before the test fails.
WAIT = 20_000

#: The sheet-number box has the focus and holds `number`: the next sheet is ready to type.
SHEET_READY = (
    "number => document.activeElement && document.activeElement.id === 'sheet'"
    " && document.activeElement.value === String(number)"
)


def test_thirty_sheets_typed_by_keyboard_alone(app, live_server, browser):
    from playwright.sync_api import expect

    with app.app_context():
        engagement = Engagement(slug="gp", name={"en": "GP"}, status=EngagementStatus.OPEN)
        db.session.add(engagement)
        survey = import_default_survey()
        survey.engagement = engagement
        user = make_user("facilitator")
        email = user.email
        db.session.flush()
        survey_id = survey.id
        code = services.create_batch(survey, "so", "Mosque", 30, user).code
        ar_code = services.create_batch(survey, "ar", "Library", 2, user).code
        db.session.commit()
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    page.goto(f"{live_server}/staff/sign-in")
    page.fill("#email", email)
    page.fill("#password", "correct horse battery")
    page.click("button[type=submit]")
    page.goto(f"{live_server}/staff/paper/batches/{code}/enter")
    for sheet in range(1, 31):
        # Keys typed before the browser has moved the focus to the autofocus box land on the
        # page itself (Tab then walks the site links, and Enter follows one): as a person
        # would, look at the screen first, and type once the sheet box has the focus.
        page.wait_for_function(SHEET_READY, arg=sheet)
        # Sheet number is prefilled and focused: Tab to question 1 (role), then on down.
        page.keyboard.press("Tab")
        page.keyboard.type(str(sheet % 4 + 1))  # 1. role
        page.keyboard.press("Tab")
        page.keyboard.press("Tab")  # 2. school left blank
        page.keyboard.type("1 3")  # 3. competencies
        page.keyboard.press("Tab")
        page.keyboard.type("3 1 2")  # 4. top three
        page.keyboard.press("Enter")
        saved = f"Sheet {code}-{sheet:02d} saved."
        expect(page.locator("[role=status]")).to_have_text(saved, timeout=WAIT)
        # Read out with the next sheet's box when it takes the focus, for a screen reader.
        expect(page.locator("#sheet")).to_have_accessible_description(
            re.compile("^" + saved), timeout=WAIT
        )
    page.wait_for_function("document.activeElement && document.activeElement.id === 'sheet'")
    assert page.locator("#sheet").input_value() == ""  # all 30 typed in: no next sheet
    with app.app_context():
        survey = db.session.get(Survey, survey_id)
        stored = db.session.scalars(db.select(Response)).all()
        assert len(stored) == 30
        assert {r.channel for r in stored} == {"paper-so"}
        assert sorted(r.paper_sheet for r in stored) == [f"{code}-{n:02d}" for n in range(1, 31)]
        for response in stored:
            number = int(response.paper_sheet[-2:])
            assert response.role == survey.questions[0].options[number % 4].value
            ranks = sorted((a.rank, a.option_value) for a in response.answers if a.rank)
            assert [value for _rank, value in ranks] == [
                "collaboration",
                "critical_thinking",
                "communication",
            ]
    for batch_code, lang, direction in ((code, "so", "ltr"), (ar_code, "ar", "rtl")):
        page.goto(f"{live_server}/staff/paper/batches/{batch_code}/print?paper=a4")
        assert page.locator("html").get_attribute("lang") == lang
        assert page.locator("html").get_attribute("dir") == direction
        page.emulate_media(media="print")
        assert not page.locator(".paper-tools").is_visible()
        assert page.pdf(prefer_css_page_size=True).startswith(b"%PDF")
        assert page.locator(".sheet").first.screenshot()
        page.emulate_media(media="screen")
