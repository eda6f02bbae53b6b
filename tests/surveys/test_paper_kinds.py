"""Paper sheets and their keyboard entry for the newer kinds: nothing breaks, answers land
in the same rows as web answers."""

import pytest
from sqlalchemy import select

from engage.engagements.models import Engagement, EngagementStatus
from engage.extensions import db
from engage.i18n import KNOWN_LANGUAGES
from engage.surveys import services
from engage.surveys.loader import load_survey_file
from engage.surveys.models import Response
from tests.conftest import hidden_fields
from tests.paper.test_paper import errors
from tests.surveys.test_new_kinds import EVERY_KIND


@pytest.fixture
def survey_id(app):
    with app.app_context():
        engagement = Engagement(slug="ek", name={"en": "EK"}, status=EngagementStatus.OPEN)
        db.session.add(engagement)
        services.import_surveys([load_survey_file(EVERY_KIND, KNOWN_LANGUAGES)], engagement)
        survey = services.find_open_survey("every-kind")
        db.session.commit()
        return survey.id


def make_batch(client, survey_id, language):
    page = client.get("/staff/paper/").get_data(as_text=True)
    data = {"survey_id": survey_id, "language": language, "place": "Library", "sheets": "2"}
    response = client.post("/staff/paper/batches", data=hidden_fields(page) | data)
    assert response.status_code == 303
    return response.location.rstrip("/").split("/")[-1]


def test_sheets_print_every_kind_and_entry_stores_them(app, client, sign_in, survey_id):
    sign_in("facilitator")
    code = make_batch(client, survey_id, "es")
    printed = client.get(f"/staff/paper/batches/{code}/print").get_data(as_text=True)
    assert "Los estudiantes se sienten seguros en la escuela" in printed
    assert "Sobre su escuela" not in printed  # a heading is not a numbered question
    # The follow-up is printed with when to answer it (question 2 is "has_child").
    condition = printed.split('class="q-how q-condition">', 1)[1].split("</p>", 1)[0]
    assert printed.count("q-condition") == 2 and " 2 " in condition  # once per sheet
    url = f"/staff/paper/batches/{code}/enter"
    html = client.get(url).get_data(as_text=True)
    assert "1 Yes · 2 No" in html
    data = {
        "sheet": "1",
        "q_has_child": "1",
        "q_school_life": "1 3",
        "q_children": "٤",
        "q_child_grade": "2",
    }
    response = client.post(url, data=hidden_fields(html) | data)
    assert response.status_code == 303, errors(response.get_data(as_text=True))
    with app.app_context():
        stored = db.session.scalars(select(Response)).one()
        rows = {(a.question.key, a.statement, a.option_value, a.number) for a in stored.answers}
    assert ("has_child", None, "yes", None) in rows
    assert ("school_life", "safe", "agree", None) in rows
    assert ("school_life", "heard", "disagree", None) in rows
    assert ("children", None, None, 4) in rows
    assert ("child_grade", None, "middle", None) in rows


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ({"q_children": "40"}, "Please write a number from 0 to 15."),
        ({"q_children": "two"}, "Please write a whole number"),
        ({"q_school_life": "1 2 3"}, "At most 2 answers can be given here"),
        ({"q_school_life": "4"}, "4 is not on the sheet"),
    ],
)
def test_bad_entries_are_refused_with_their_reason(client, sign_in, survey_id, typed, message):
    sign_in("facilitator")
    code = make_batch(client, survey_id, "en")
    url = f"/staff/paper/batches/{code}/enter"
    html = client.get(url).get_data(as_text=True)
    response = client.post(url, data=hidden_fields(html) | {"sheet": "1"} | typed)
    assert response.status_code == 400
    assert any(message in error for error in errors(response.get_data(as_text=True)))
