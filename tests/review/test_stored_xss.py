"""Whatever a respondent types is shown to staff as text, never as markup."""

import re
from pathlib import Path

import pytest
from sqlalchemy import select

from engage.extensions import db
from engage.surveys import services as survey_services
from engage.surveys.models import Response
from tests.conftest import hidden_fields
from tests.factories import import_default_survey

HOSTILE = (
    (Path(__file__).parents[1] / "data" / "hostile_answers.txt")
    .read_text(encoding="utf-8")
    .splitlines()
)
SURVEY_URL = "/en/surveys/graduate-profile"


@pytest.fixture
def hostile_response(app):
    with app.app_context():
        import_default_survey()
        db.session.commit()
    client = app.test_client()
    data = hidden_fields(client.get(SURVEY_URL).get_data(as_text=True))
    answer = "\n".join(HOSTILE)
    response = client.post(
        SURVEY_URL,
        data=data | {"q_competencies": "communication", "q_hopes": answer, "q_missing": HOSTILE[1]},
    )
    assert response.status_code == 303
    with app.app_context():
        stored = db.session.scalar(select(Response))
        # Stored as typed, less the bidi override (engage.text.clean_text).
        assert answer.replace("\u202e", "") in [a.text for a in stored.answers]
        survey = stored.survey
        for _n in range(4):  # staff read responses once there are 5 of them
            survey_services.submit_response(
                survey,
                "en",
                {"competencies": ["wellbeing"]},
                survey_services.new_submission_token(),
            )
        db.session.commit()
        return stored.id


def staff_pages(response_id):
    return [
        "/staff/review/responses",
        f"/staff/review/responses/{response_id}",
        "/staff/",
        "/staff/admin/audit",
    ]


def test_staff_pages_escape_every_hostile_answer(client, sign_in, hostile_response):
    sign_in("admin")
    for url in staff_pages(hostile_response):
        page = client.get(url)
        assert page.status_code == 200, url
        html = page.get_data(as_text=True)
        for line in HOSTILE:
            if "<" in line or ">" in line:
                assert line not in html, (url, line)
        assert "<script>window.__xss" not in html
        assert "onerror=" not in html.replace("onerror=&#34;", "")
    detail = client.get(f"/staff/review/responses/{hostile_response}").get_data(as_text=True)
    assert "&lt;script&gt;window.__xss = &#34;script&#34;&lt;/script&gt;" in detail
    # Not evaluated: the text is shown as typed (an id or count may contain "49" elsewhere).
    assert "{{ 7*7 }}" in detail and not re.search(r">\s*49\s*<", detail)


def test_receipt_page_shows_no_answer_at_all(app, hostile_response):
    with app.app_context():
        code = db.session.get(Response, hostile_response).receipt_code
    page = app.test_client().get(f"/en/receipt/{code}").get_data(as_text=True)
    assert "__xss" not in page
