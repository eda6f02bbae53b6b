"""The newer question kinds answered on the web: grid, number, yes/no, drop-down, heading and
"Other, please specify", over two pages with a conditional follow-up, with no script."""

import re

import pytest
from sqlalchemy import select

from config import BASE_DIR
from engage.extensions import db
from engage.i18n import KNOWN_LANGUAGES
from engage.surveys import cache, services
from engage.surveys.loader import load_survey_file
from engage.surveys.models import Answer, Question, Response
from tests.conftest import hidden_fields

EVERY_KIND = BASE_DIR / "tests" / "data" / "surveys" / "every-kind.toml"
URL = "/{lang}/surveys/every-kind"
PAGE_ONE = {
    "q_how_heard": "school",
    "q_has_child": "yes",
    "q_school_life-1": "agree",
    "q_school_life-2": "disagree",
    "q_children": "2",
}


@pytest.fixture
def survey(app):
    cache.clear()
    with app.app_context():
        services.import_surveys([load_survey_file(EVERY_KIND, KNOWN_LANGUAGES)])
        db.session.commit()


def page(client, lang="en"):
    response = client.get(URL.format(lang=lang))
    assert response.status_code == 200
    return response.get_data(as_text=True)


def post(client, data, lang="en"):
    return client.post(URL.format(lang=lang), data=data)


def form_values(html: str) -> dict:
    """Every hidden input of the page (tokens, page number and carried answers)."""
    return hidden_fields(html)


def stored(app):
    with app.app_context():
        response = db.session.scalar(select(Response))
        if response is None:
            return None
        keys = {q.id: q.key for q in db.session.scalars(select(Question))}
        return [
            (keys[a.question_id], a.statement, a.option_value, a.number, a.text)
            for a in sorted(response.answers, key=lambda a: (a.question_id, a.id))
        ]


def test_first_page_shows_page_one_only_with_every_new_kind(client, survey):
    html = page(client)
    assert "Page 1 of 2" in html
    assert '<h2 class="section-heading">About your school</h2>' in html
    assert "These questions take about three minutes." in html
    assert 'name="q_how_heard"' in html and 'value="other"' in html
    assert 'name="other_how_heard"' in html
    assert 'name="q_has_child"' in html and ">Yes</label>" in html and ">No</label>" in html
    assert '<table class="likert-grid">' in html
    assert 'name="q_school_life-1"' in html and 'name="q_school_life-2"' in html
    assert 'scope="row"' in html and 'scope="col"' in html
    assert 'inputmode="numeric"' in html and 'name="q_children"' in html
    assert 'name="q_child_grade"' not in html  # the follow-up is on page 2
    assert 'name="nav" value="next"' in html and 'value="back"' not in html


def test_next_keeps_page_one_and_shows_the_follow_up(app, client, survey):
    data = form_values(page(client)) | PAGE_ONE | {"nav": "next"}
    second = post(client, data)
    assert second.status_code == 200
    html = second.get_data(as_text=True)
    assert "Page 2 of 2" in html
    assert "<select" in html and 'name="q_child_grade"' in html
    carried = form_values(html)
    assert carried["q_has_child"] == "yes" and carried["q_children"] == "2"
    assert carried["q_school_life-2"] == "disagree" and carried["page"] == "2"
    assert 'name="nav" value="send"' in html and 'name="nav" value="back"' in html
    assert stored(app) is None  # nothing is stored before the last page


def test_back_brings_page_one_back_filled_in(client, survey):
    data = form_values(page(client)) | PAGE_ONE | {"nav": "next"}
    second = form_values(post(client, data).get_data(as_text=True))
    typed = {"q_ideas": "Más clubes después de clases", "nav": "back"}
    first = post(client, second | typed).get_data(as_text=True)
    assert "Page 1 of 2" in first
    assert re.search(r'value="school"\s+checked', first)
    assert re.search(r'name="q_school_life-2"[^>]*value="disagree"[^>]*checked', first)
    assert 'value="2"' in first
    assert form_values(first)["q_ideas"] == "Más clubes después de clases"


def test_sending_stores_one_row_per_grid_statement_number_and_other_text(app, client, survey):
    data = form_values(page(client)) | PAGE_ONE | {"q_how_heard": "other"}
    data |= {"other_how_heard": "A poster at the library", "nav": "next"}
    second = form_values(post(client, data).get_data(as_text=True))
    final = second | {
        "q_child_grade": "other",
        "other_child_grade": "Pre-K",
        "q_helps": ["meals"],
        "other_helps": "After-school care",
        "q_ideas": "More clubs",
        "nav": "send",
    }
    sent = post(client, final)
    assert sent.status_code == 303, sent.get_data(as_text=True)
    rows = stored(app)
    assert ("how_heard", None, "other", None, "A poster at the library") in rows
    assert ("has_child", None, "yes", None, None) in rows
    assert ("school_life", "safe", "agree", None, None) in rows
    assert ("school_life", "heard", "disagree", None, None) in rows
    assert ("children", None, None, 2, None) in rows
    assert ("child_grade", None, "other", None, "Pre-K") in rows
    assert ("helps", None, "meals", None, None) in rows
    # Text beside "Other" chooses it: nothing written is lost.
    assert ("helps", None, "other", None, "After-school care") in rows


def test_a_follow_up_whose_condition_is_not_met_is_skipped_and_not_stored(app, client, survey):
    data = form_values(page(client)) | PAGE_ONE | {"q_has_child": "no", "nav": "next"}
    html = post(client, data).get_data(as_text=True)
    assert 'name="q_child_grade"' not in html
    # Even a value sent for it (an old page, a crafted post) is not stored.
    sent = post(client, form_values(html) | {"q_child_grade": "high", "nav": "send"})
    assert sent.status_code == 303
    assert not [row for row in stored(app) if row[0] == "child_grade"]


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        ({"q_children": "twelve"}, "Please write a whole number"),
        ({"q_children": "40"}, "Please write a number from 0 to 15."),
        ({"q_how_heard": "other"}, "You chose “Other”: please write your answer in the box."),
        (
            {"other_how_heard": "x" * 121},
            "Your answer is 121 characters long; the limit is 120.",
        ),
        ({"q_how_heard": "friend", "other_how_heard": "A poster"}, "You wrote an answer beside"),
        ({"q_has_child": ""}, "Please answer this question."),
        ({"q_school_life-1": "maybe"}, "Please choose from the answers listed."),
    ],
)
def test_bad_answers_keep_the_page_with_the_error_beside_the_field(
    client, survey, answers, message
):
    data = form_values(page(client)) | PAGE_ONE | answers | {"nav": "next"}
    response = post(client, data)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert message in html and "Page 1 of 2" in html
    assert 'class="error-summary"' in html
    for name, value in answers.items():
        if value and name.startswith("other_"):
            assert f'value="{value}"' in html  # what was typed comes back


def test_arabic_digits_are_read_as_a_number(app, client, survey):
    data = form_values(page(client, "ar")) | PAGE_ONE | {"q_children": "٣"}
    data |= {"page": "2", "nav": "send"}  # sent from the last page, the one asking it
    sent = post(client, data, "ar")
    assert sent.status_code == 303
    assert ("children", None, None, 3, None) in stored(app)


def test_send_from_page_one_shows_the_page_holding_an_error(client, survey):
    data = form_values(page(client)) | PAGE_ONE
    data |= {"q_has_child": "yes", "page": "2", "q_children": "99", "nav": "send"}
    response = post(client, data)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Page 1 of 2" in html and "Please write a number from 0 to 15." in html


def test_the_submission_token_sends_once_across_pages(app, client, survey):
    first = form_values(page(client))
    second = form_values(post(client, first | PAGE_ONE | {"nav": "next"}).get_data(as_text=True))
    assert second["submission_token"] == first["submission_token"]
    final = second | {"nav": "send"}
    assert post(client, final).status_code == 303
    client.post("/en/surveys/every-kind/again")
    assert post(client, final).status_code == 303
    with app.app_context():
        assert len(db.session.scalars(select(Response)).all()) == 1


def test_turning_pages_is_not_counted_as_sending(app, client, survey):
    data = form_values(page(client)) | PAGE_ONE | {"nav": "next"}
    for _ in range(40):  # more than SUBMIT_RATE_LIMIT's 30 a minute
        assert post(client, data).status_code == 200


def test_answers_listed_for_staff_and_exported(app, client, survey, sign_in):
    for number in range(5):  # five responses, so the listing and export are not suppressed
        data = form_values(page(client)) | PAGE_ONE | {"q_how_heard": "other"}
        data |= {"other_how_heard": f'=HYPERLINK("x{number}") <b>', "page": "2", "nav": "send"}
        assert post(client, data).status_code == 303
        client.post("/en/surveys/every-kind/again")
    with app.app_context():
        survey_id = db.session.scalar(select(Response.survey_id))
        response_id = db.session.scalar(select(Response.id))
    sign_in("facilitator")
    listing = client.get(f"/staff/review/responses?survey={survey_id}")
    assert listing.status_code == 200
    html = listing.get_data(as_text=True)
    assert "Students feel safe at school: Agree" in html
    assert "&lt;b&gt;" in html and "<b>" not in html.split("<main", 1)[1]
    assert client.get(f"/staff/review/responses/{response_id}").status_code == 200
    export = client.get(f"/staff/review/surveys/{survey_id}/responses.csv")
    assert export.status_code == 200
    text = export.get_data(as_text=True)
    header = text.splitlines()[0]
    assert "school_life.safe: How much do you agree?: Students feel safe at school" in header
    assert "school_life.heard:" in header and "welcome" not in header
    assert "'Other: =HYPERLINK" not in text  # the cell starts with the label, not a formula
    assert 'Other: =HYPERLINK(""x0"") <b>' in text
    row = text.splitlines()[1]
    assert ",Yes," in row and ",Agree,Disagree,2," in row


def test_staff_enter_a_response_with_every_kind(app, client, survey, sign_in):
    with app.app_context():
        survey_id = db.session.scalar(select(Question.survey_id))
    sign_in("facilitator")
    url = f"/staff/review/surveys/{survey_id}/enter"
    html = client.get(url).get_data(as_text=True)
    assert "About your school" in html and 'name="q_child_grade"' in html
    data = hidden_fields(html) | PAGE_ONE | {"source": "phone", "answered_in": "es"}
    data |= {"q_has_child": "no", "q_child_grade": "high"}
    assert client.post(url, data=data).status_code == 302
    rows = stored(app)
    assert ("children", None, None, 2, None) in rows
    assert not [row for row in rows if row[0] == "child_grade"]  # its condition is not met


def test_pages_and_the_outage_spool_work_together(app, client, survey, tmp_path, monkeypatch):
    from engage.surveys import spool
    from tests.surveys.outage import database_down

    monkeypatch.setitem(app.config, "SPOOL_PATH", str(tmp_path / "spool.sqlite"))
    first = form_values(page(client, "ar"))
    with database_down(app):
        # The version is cached: pages turn and the answers are spooled with no database.
        second = post(client, first | PAGE_ONE | {"nav": "next"}, "ar")
        assert second.status_code == 200
        final = form_values(second.get_data(as_text=True)) | {
            "q_child_grade": "other",
            "other_child_grade": "روضة",
            "nav": "send",
        }
        sent = post(client, final, "ar")
        assert sent.status_code == 303
        assert spool.status(app)["waiting"] == 1
    with app.app_context():
        assert spool.drain()["stored"] == 1
    rows = stored(app)
    assert ("school_life", "heard", "disagree", None, None) in rows
    assert ("children", None, None, 2, None) in rows
    assert ("child_grade", None, "other", None, "روضة") in rows


def test_the_blank_first_page_is_cached_and_stays_valid(app, survey):
    one = app.test_client().get(URL.format(lang="es")).get_data(as_text=True)
    two_client = app.test_client()
    two = two_client.get(URL.format(lang="es")).get_data(as_text=True)
    first, second = form_values(one), form_values(two)
    assert first["submission_token"] != second["submission_token"]
    assert first["page"] == "1"
    sent = two_client.post(
        URL.format(lang="es"), data=second | PAGE_ONE | {"page": "2", "nav": "send"}
    )
    assert sent.status_code == 303


def test_demo_answers_fit_every_kind(app, survey):
    import random

    from engage.demo import _demo_answer

    rng = random.Random(7)
    with app.app_context():
        version = services.find_open_survey("every-kind")
        for _ in range(20):
            answers = {q.key: _demo_answer(q, {}, rng) for q in version.questions}
            services.submit_response(version, "en", answers, services.new_submission_token())
        numbers = db.session.scalars(select(Answer.number).where(Answer.number.is_not(None)))
        assert all(0 <= n <= 15 for n in numbers)
        statements = db.session.scalars(
            select(Answer.statement).where(Answer.statement.is_not(None))
        )
        assert set(statements) == {"safe", "heard"}


def test_send_on_a_page_before_a_page_in_view_turns_the_page_and_stores_nothing(
    app, client, survey
):
    """Page 1 ends with Send while every later page is hidden, and an answer on it can bring
    one into view: a Send from a page before the last page in view shows the next one rather
    than storing without it (the browser journey walks the real case)."""
    data = form_values(page(client)) | PAGE_ONE | {"nav": "send"}
    assert data["page"] == "1"
    response = post(client, data)
    assert response.status_code == 200
    assert "Page 2 of 2" in response.get_data(as_text=True)
    assert stored(app) is None
