"""The outreach kit: short links, QR codes that decode to them, messages that fit, and channel
tags that are stored only when they are exactly a known tag."""

import io
import re

import numpy as np
import pytest
import zxingcpp
from PIL import Image

from engage.engagements.models import Engagement, EngagementStatus
from engage.extensions import db
from engage.i18n import KNOWN_LANGUAGES
from engage.outreach import services
from engage.outreach.channels import all_tags, channel_tag, parse_channel
from engage.outreach.models import ShortLink
from engage.surveys import services as survey_services
from engage.surveys.models import Response
from tests.conftest import hidden_fields
from tests.factories import import_default_survey


@pytest.fixture
def survey_id(app):
    with app.app_context():
        engagement = Engagement(
            slug="gp", name={"en": "Graduate profile"}, status=EngagementStatus.OPEN
        )
        db.session.add(engagement)
        survey = import_default_survey()
        survey.engagement = engagement
        db.session.commit()
        return survey.id


def decode_png(data: bytes) -> str:
    image = np.asarray(Image.open(io.BytesIO(data)).convert("L"))
    results = zxingcpp.read_barcodes(image)
    assert results, "no QR code found in the image"
    return results[0].text


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("flyer-so", "flyer-so"),
        ("SMS-HMN", "sms-hmn"),
        ("flyer-zh-hans", "flyer-zh-hans"),
        ("email-pt-br", "email-pt-br"),
        ("flyer-xx", None),
        ("poster-so", None),
        ("flyer-so-family42", None),
        ("flyer so", None),
        ("", None),
        (None, None),
        ("flyer-" + "s" * 200, None),
        ("<script>", None),
    ],
)
def test_only_known_tags_are_kept(value, expected):
    assert channel_tag(value) == expected


def test_every_known_tag_round_trips_and_fits_the_column():
    for tag in all_tags():
        assert parse_channel(tag).tag == tag
        assert len(tag) <= 24


def test_a_tagged_link_stores_the_tag_and_nothing_else(client, app, survey_id):
    page = client.get("/so/surveys/graduate-profile?via=flyer-so")
    html = page.get_data(as_text=True)
    assert 'name="via" value="flyer-so"' in html
    data = hidden_fields(html) | {"q_competencies": "wellbeing"}
    response = client.post("/so/surveys/graduate-profile", data=data)
    assert response.status_code == 303
    with app.app_context():
        stored = db.session.scalars(db.select(Response)).one()
        assert stored.channel == "flyer-so"
        assert stored.language == "so"
    assert "Set-Cookie" not in page.headers or "via" not in page.headers["Set-Cookie"]


def test_an_unknown_or_tampered_tag_is_refused_but_the_answer_is_kept(client, app, survey_id):
    html = client.get("/es/surveys/graduate-profile?via=flyer-family-42").get_data(as_text=True)
    assert 'name="via"' not in html
    data = hidden_fields(html) | {"q_competencies": "wellbeing", "via": "sms-es-jane.doe@mail.test"}
    assert client.post("/es/surveys/graduate-profile", data=data).status_code == 303
    with app.app_context():
        stored = db.session.scalars(db.select(Response)).one()
        assert stored.channel is None


def test_a_short_link_leads_to_the_survey_in_its_language_with_its_tag(
    client, app, survey_id, sign_in
):
    sign_in("facilitator")
    page = client.get(f"/staff/outreach/surveys/{survey_id}/so/")
    assert page.status_code == 200
    with app.app_context():
        link = db.session.scalars(db.select(ShortLink).filter_by(channel="flyer-so")).one()
        code = link.code
    assert re.fullmatch(r"[23456789a-hjkmnp-z]{6}", code)
    followed = client.get(f"/s/{code}")
    assert followed.status_code == 302
    assert followed.headers["Location"].endswith("/so/surveys/graduate-profile?via=flyer-so")
    # Opening the kit again reuses the same links.
    client.get(f"/staff/outreach/surveys/{survey_id}/so/")
    with app.app_context():
        assert (
            db.session.scalar(db.select(db.func.count(ShortLink.id)).filter_by(channel="flyer-so"))
            == 1
        )


def test_an_unknown_short_link_says_so(client, survey_id):
    response = client.get("/s/zzzzzz")
    assert response.status_code == 404
    assert "short link is not known" in response.get_data(as_text=True)


def test_the_qr_code_decodes_to_the_tagged_short_link(client, app, survey_id, sign_in, monkeypatch):
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", "https://engage.district.example/")
    sign_in("facilitator")
    png = client.get(f"/staff/outreach/surveys/{survey_id}/so/qr.png?via=flyer")
    assert png.status_code == 200 and png.mimetype == "image/png"
    url = decode_png(png.data)
    with app.app_context():
        code = db.session.scalars(db.select(ShortLink.code).filter_by(channel="flyer-so")).one()
    assert url == f"https://engage.district.example/s/{code}"
    followed = client.get(url.removeprefix("https://engage.district.example"))
    assert followed.headers["Location"].endswith("?via=flyer-so")
    svg = client.get(f"/staff/outreach/surveys/{survey_id}/so/qr.svg")
    assert svg.mimetype == "image/svg+xml" and svg.data.startswith(b"<?xml")


def test_without_a_public_address_links_use_the_address_staff_are_using(app, monkeypatch):
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", "")
    with app.test_request_context("/", base_url="http://engage.local:8080"):
        assert services.public_url("/s/abc234") == "http://engage.local:8080/s/abc234"


@pytest.mark.parametrize("via", ["billboard", "paper", "flyer-so", "FLYER", "<b>x</b>", "x\x00"])
@pytest.mark.parametrize("fmt", ["png", "svg"])
def test_an_unknown_channel_for_a_qr_code_is_refused(app, client, survey_id, sign_in, via, fmt):
    sign_in("facilitator")
    response = client.get(
        f"/staff/outreach/surveys/{survey_id}/so/qr.{fmt}", query_string={"via": via}
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and response.mimetype == "text/html"
    assert "That channel is not one Engage knows." in html
    assert "<b>x</b>" not in html
    with app.app_context():  # no short link is made for it
        assert db.session.scalar(db.select(db.func.count(ShortLink.id))) == 0


@pytest.mark.parametrize("code", list(KNOWN_LANGUAGES))
def test_the_text_message_fits_in_160_characters_in_every_language(
    client, app, survey_id, sign_in, code
):
    sign_in("facilitator")
    with app.app_context():
        from engage.surveys.models import Survey

        survey = db.session.get(Survey, survey_id)
        survey.engagement.closes_at = __import__("datetime").datetime(
            2027, 1, 31, tzinfo=__import__("datetime").UTC
        )
        db.session.commit()
    html = client.get(f"/staff/outreach/surveys/{survey_id}/{code}/").get_data(as_text=True)
    sms = re.search(r'<textarea id="sms-text"[^>]*>(.*?)</textarea>', html, re.S).group(1)
    import html as html_module

    text = html_module.unescape(sms)
    assert 0 < len(text) <= 160
    assert "/s/" in text


def test_the_flyer_is_in_the_family_language_with_question_link_and_date(
    client, app, survey_id, sign_in
):
    import datetime

    sign_in("facilitator")
    with app.app_context():
        from engage.surveys.models import Survey

        survey = db.session.get(Survey, survey_id)
        survey.engagement.closes_at = datetime.datetime(2027, 1, 31, tzinfo=datetime.UTC)
        question = survey_services.find_open_survey("graduate-profile")
        expected_question = services.main_question(question, "es")
        db.session.commit()
    for paper in ("letter", "a4"):
        html = client.get(f"/staff/outreach/surveys/{survey_id}/es/flyer?paper={paper}").get_data(
            as_text=True
        )
        assert '<html lang="es" dir="ltr">' in html
        assert f"flyer-{paper}.css" in html
        assert "31 de enero de 2027" in html
        assert "<svg" in html and "/s/" in html
        import html as html_module

        assert (
            html_module.escape(expected_question, quote=False) in html or expected_question in html
        )
    arabic = client.get(f"/staff/outreach/surveys/{survey_id}/ar/flyer").get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in arabic


def test_families_and_board_members_cannot_open_the_kit(client, survey_id, sign_in):
    assert client.get(f"/staff/outreach/surveys/{survey_id}/so/").status_code in (302, 401, 403)
    sign_in("board")
    assert client.get(f"/staff/outreach/surveys/{survey_id}/so/").status_code == 403


def test_the_channel_table_suppresses_small_cells(client, app, survey_id, sign_in):
    with app.app_context():
        from engage.surveys.models import Survey

        survey = db.session.get(Survey, survey_id)
        for language, tag, number in [
            ("so", "flyer-so", 9),
            ("so", None, 2),
            ("en", None, 30),
            ("es", "sms-es", 3),
        ]:
            for _ in range(number):
                survey_services.submit_response(
                    survey,
                    language,
                    {"competencies": ["wellbeing"]},
                    survey_services.new_submission_token(),
                    channel=tag,
                )
        engagement_id = survey.engagement_id
        db.session.commit()
    sign_in("facilitator")
    html = client.get(f"/staff/outreach/engagements/{engagement_id}").get_data(as_text=True)
    table = html[html.index('id="channels"') :]
    cells = re.findall(r"<td[^>]*>\s*([^<]*?)\s*</td>", table)
    assert len(cells) >= 6 and "hidden" in cells
    for small in ("2", "3"):
        assert small not in cells
