"""What families are told about who sees their open answers, the per-answer choice to let other
participants read and rate one, and answers cleaned before they are stored."""

import re

import pytest
from sqlalchemy import select

from engage.extensions import db
from engage.i18n import KNOWN_LANGUAGES
from engage.surveys import services
from engage.surveys.loader import load_survey_file
from engage.surveys.models import Answer, Response
from tests.conftest import hidden_fields
from tests.factories import import_default_survey, write_survey

URL = "/{lang}/surveys/graduate-profile"
NOTICE = "participants may be asked to rate a few written answers by other people"
BOX = "Other participants may read this answer, without my name, to rate it."
OPEN_QUESTIONS = ("hopes", "missing", "anything_else")


@pytest.fixture
def survey(app):
    with app.app_context():
        import_default_survey()
        db.session.commit()


def submit(client, lang="en", **answers):
    page = client.get(URL.format(lang=lang)).get_data(as_text=True)
    return client.post(URL.format(lang=lang), data=hidden_fields(page) | answers)


def stored_answers(app) -> dict[str, Answer]:
    with app.app_context():
        response = db.session.scalar(select(Response))
        answers = {a.question.key: a for a in response.answers if a.text}
        db.session.expunge_all()
        return answers


@pytest.mark.parametrize("code", list(KNOWN_LANGUAGES))
def test_before_sending_the_survey_says_who_may_see_open_answers_in_every_language(
    client, survey, code
):
    page = client.get(URL.format(lang=code)).get_data(as_text=True)
    notice = re.search(r'<p class="notice sharing-notice"[^>]*>([^<]+)</p>', page)
    assert notice and page.index("sharing-notice") < page.index('type="submit"')
    for key in OPEN_QUESTIONS:  # one box beside each open question, not ticked
        box = re.search(rf'<input type="checkbox" id="share_{key}" name="share_{key}"[^>]*>', page)
        assert box and "checked" not in box.group(0)
        assert page.index(f'id="q_{key}"') < box.start()
    assert 'name="share_role"' not in page and 'name="share_home_language"' not in page
    if code != "en":  # translated, not left in English
        assert NOTICE not in notice.group(1) and BOX not in page


def test_an_answer_is_shown_to_others_only_when_its_box_is_ticked(app, client, survey):
    response = submit(
        client,
        q_competencies="communication",
        q_hopes="Kindness and courage.",
        share_hopes="y",
        q_missing="Something private.",
    )
    assert response.status_code == 303
    answers = stored_answers(app)
    assert answers["hopes"].shareable and answers["hopes"].hold_reason is None
    assert not answers["missing"].shareable


def test_a_ticked_box_comes_back_ticked_after_a_mistake(app, client, survey):
    response = submit(client, "es", q_hopes="Que sean amables.", share_hopes="y", q_missing="No.")
    page = response.get_data(as_text=True)
    assert response.status_code == 400  # the required choice question was left out
    assert re.search(r'<input type="checkbox" id="share_hopes" [^>]*checked>', page)
    assert not re.search(r'<input type="checkbox" id="share_missing" [^>]*checked>', page)
    with app.app_context():
        assert db.session.scalar(select(Response)) is None


def test_an_answer_with_a_link_or_contact_details_is_held_even_when_shared(app, client, survey):
    submit(
        client,
        q_competencies="communication",
        q_hopes="Win a prize at https://bank-login.test/verify",
        share_hopes="y",
        q_missing="Text me on 617-555-0123",
        share_missing="y",
    )
    answers = stored_answers(app)
    assert answers["hopes"].shareable and answers["hopes"].hold_reason == "link"
    assert answers["missing"].hold_reason == "contact"


def test_a_nul_byte_and_bidi_overrides_are_cleaned_and_the_response_is_stored(app, client, survey):
    # On PostgreSQL a NUL byte in a text column used to raise, a 500 that lost the response.
    response = submit(
        client,
        q_competencies="communication",
        q_hopes="Read\x00ing and\u202e writing\u200b",
        q_missing="\x00",
    )
    assert response.status_code == 303
    answers = stored_answers(app)
    assert answers["hopes"].text == "Reading and writing"
    assert "missing" not in answers


def test_a_nul_byte_in_a_receipt_code_or_a_web_address_is_not_found(client, survey):
    assert client.get("/en/receipt/AB%00C-DEFG").status_code == 404
    assert client.get("/en/surveys/graduate%00-profile").status_code == 404
    assert client.get("/en/conversations/a%00b").status_code == 404


REQUIRED_OPEN = """
slug = "one-question"
version = 1
languages = ["en", "es"]

[title]
en = "One question"
es = "Una pregunta"

[[questions]]
key = "why"
kind = "open"
required = true
text.en = "Why?"
text.es = "¿Por qué?"
"""


def test_a_required_answer_of_only_invisible_characters_is_refused_beside_the_field(
    app, client, tmp_path
):
    with app.app_context():
        path = write_survey(tmp_path, REQUIRED_OPEN)
        services.import_surveys([load_survey_file(path, KNOWN_LANGUAGES)])
        db.session.commit()
    url = "/es/surveys/one-question"
    form = hidden_fields(client.get(url).get_data(as_text=True))
    response = client.post(url, data=form | {"q_why": "\u200b\u200d\u2060 \u202e"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    error = re.search(r'<p class="error" id="q_why-error">([^<]+)</p>', page)
    assert error and "invisibles" in error.group(1)
    with app.app_context():
        assert db.session.scalar(select(Response)) is None


def test_answers_staff_type_in_from_paper_are_never_shown_to_others(app, client, sign_in, survey):
    with app.app_context():
        survey_id = services.find_open_survey("graduate-profile").id
    sign_in("facilitator")
    url = f"/staff/review/surveys/{survey_id}/enter"
    page = client.get(url).get_data(as_text=True)
    assert "share_hopes" not in page  # only the person can consent, not staff for them
    data = hidden_fields(page) | {
        "source": "paper",
        "answered_in": "en",
        "q_competencies": "wellbeing",
        "q_hopes": "Written on paper.",
        "share_hopes": "y",
    }
    assert client.post(url, data=data).status_code == 302
    assert not stored_answers(app)["hopes"].shareable
