"""Outreach: a facilitator opens the Somali kit and prints the flyer; a family follows the flyer's
QR code to the survey and answers; the dashboard counts the answer under the Somali flyer."""

import io

import numpy as np
import pytest
import zxingcpp
from PIL import Image

from engage.engagements.models import Engagement, EngagementStatus
from engage.extensions import db
from engage.surveys.models import Response
from tests.factories import import_default_survey, make_user

pytestmark = pytest.mark.browser


def test_a_flyer_in_somali_brings_an_answer_the_dashboard_counts(app, live_server, browser, phone):
    with app.app_context():
        engagement = Engagement(
            slug="gp", name={"en": "Graduate profile"}, status=EngagementStatus.OPEN
        )
        db.session.add(engagement)
        survey = import_default_survey()
        survey.engagement = engagement
        email = make_user("facilitator").email
        db.session.commit()
        engagement_id = engagement.id
    app.config["PUBLIC_BASE_URL"] = live_server
    try:
        staff = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
        staff.goto(f"{live_server}/staff/sign-in")
        staff.fill("#email", email)
        staff.fill("#password", "correct horse battery")
        staff.click("button[type=submit]")
        staff.goto(f"{live_server}/staff/review/engagements/{engagement_id}")
        staff.click("text=Outreach kit: short links")
        staff.click(".kit-languages a:has-text('Soomaali')")
        assert "Soomaali" in staff.locator("h1").inner_text()
        sms = staff.locator("#sms-text").input_value()
        assert 0 < len(sms) <= 160 and "/s/" in sms

        staff.click("text=Flyer, A4")
        assert staff.locator("html").get_attribute("lang") == "so"
        # What goes to paper: print media, one A4 page, the tools bar gone, the code on it.
        staff.emulate_media(media="print")
        assert not staff.locator(".flyer-tools").is_visible()
        pdf = staff.pdf(prefer_css_page_size=True)
        assert pdf.startswith(b"%PDF")
        assert pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages") == 1, (
            "the flyer is not one page"
        )
        shot = staff.locator(".flyer-qr svg").screenshot()
        image = np.asarray(Image.open(io.BytesIO(shot)).convert("L"))
        decoded = zxingcpp.read_barcodes(image)
        assert decoded, "the flyer's QR code does not scan"
        flyer_url = decoded[0].text
        assert flyer_url.startswith(f"{live_server}/s/")
        assert staff.locator(".flyer-link").inner_text().strip() == flyer_url

        # A family scans the code on a phone.
        phone.goto(flyer_url)
        assert "/so/surveys/graduate-profile?via=flyer-so" in phone.url
        phone.locator("input[name=q_competencies]").first.check()
        phone.locator("form.survey-form button[type=submit]").last.click()
        phone.wait_for_url("**/receipt/**")
        with app.app_context():
            stored = db.session.scalars(db.select(Response)).all()
            assert [(r.language, r.channel) for r in stored] == [("so", "flyer-so")]

        staff.emulate_media(media="screen")
        staff.goto(f"{live_server}/staff/review/engagements/{engagement_id}")
        table = staff.locator("[data-table=channels-by-language]")
        assert "Flyer" in table.inner_text()
        # One answer: its cell is hidden (a small cell), never "1".
        assert table.locator("td[data-cell='flyer|so']").inner_text() == "hidden"
    finally:
        app.config["PUBLIC_BASE_URL"] = ""
