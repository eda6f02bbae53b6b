"""A required question cannot be passed with an answer that is no answer: an empty string,
blanks, an empty option value, or a choice that is not on the list, for every kind."""

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from engage.extensions import db
from engage.i18n import KNOWN_LANGUAGES
from engage.surveys import services
from engage.surveys.loader import load_survey_file
from engage.surveys.models import Response
from tests.conftest import hidden_fields
from tests.factories import write_survey

OPTIONS = """
[[questions.options]]
value = "a"
text.en = "First"

[[questions.options]]
value = "b"
text.en = "Second"
"""

SURVEY = """
slug = "needs-answers"
version = 1
languages = ["en"]

[title]
en = "Every kind, required"
""" + "".join(
    f"""
[[questions]]
key = "{kind}"
kind = "{kind}"
required = true
{"max_choices = 2" if kind == "rank" else ""}
text.en = "A {kind} question"
{OPTIONS if kind != "open" else ""}"""
    for kind in ("single", "multiple", "likert", "rank", "open")
)

URL = "/en/surveys/needs-answers"
GOOD = {
    "q_single": "a",
    "q_multiple": "b",
    "q_likert": "a",
    "q_rank-1": "a",
    "q_open": "A real answer.",
}
# Answers that are no answer (or, for a choice, not one on the list).
BAD_VALUES = ["", "   ", "\t\n", "zzz", "a "]


@pytest.fixture
def survey(app, tmp_path):
    with app.app_context():
        services.import_surveys([load_survey_file(write_survey(tmp_path, SURVEY), KNOWN_LANGUAGES)])
        db.session.commit()


def _count(app):
    with app.app_context():
        return db.session.scalar(select(func.count(Response.id)))


def test_a_complete_answer_is_stored(app, client, survey):
    data = hidden_fields(client.get(URL).get_data(as_text=True)) | GOOD
    response = client.post(URL, data=data)
    assert response.status_code == 303
    assert _count(app) == 1


@pytest.mark.parametrize("field", list(GOOD))
@pytest.mark.parametrize("value", BAD_VALUES)
def test_a_required_question_cannot_be_passed_with_an_empty_or_unknown_value(
    app, client, survey, field, value
):
    if field == "q_open" and value.strip():
        pytest.skip("any text is a real answer to an open question")
    data = hidden_fields(client.get(URL).get_data(as_text=True)) | GOOD | {field: value}
    response = client.post(URL, data=data)
    assert response.status_code == 400, field
    page = response.get_data(as_text=True)
    assert f'id="{field.removesuffix("-1")}-error"' in page
    assert _count(app) == 0


@pytest.mark.parametrize("field", ["q_multiple", "q_rank-1", "q_rank-2"])
def test_several_empty_choices_are_still_no_answer(app, client, survey, field):
    data = hidden_fields(client.get(URL).get_data(as_text=True)) | GOOD
    data = {key: value for key, value in data.items() if not key.startswith(field[:6])}
    body = MultiDict(list(data.items()) + [(field, ""), (field, " "), (field, "")])
    assert client.post(URL, data=body).status_code == 400
    assert _count(app) == 0
