"""Paper surveys: batches of coded sheets, the printed layout, and the keyboard entry screen
that refuses what a sheet cannot say."""

import re

import pytest

from engage.engagements.models import Engagement, EngagementStatus
from engage.extensions import db
from engage.outreach.channels import channel_tag, parse_channel
from engage.paper import services
from engage.paper.models import PaperBatch
from engage.surveys.models import Response, ResponseSource
from tests.conftest import hidden_fields
from tests.factories import import_default_survey

XSS = "<script>alert(1)</script>"


@pytest.fixture
def survey_id(app):
    with app.app_context():
        engagement = Engagement(slug="gp", name={"en": "GP"}, status=EngagementStatus.OPEN)
        db.session.add(engagement)
        survey = import_default_survey()
        survey.engagement = engagement
        db.session.commit()
        return survey.id


def make_batch(client, survey_id, language="so", place="Laundromat", sheets="3"):
    page = client.get("/staff/paper/").get_data(as_text=True)
    data = {"survey_id": survey_id, "language": language, "place": place, "sheets": sheets}
    response = client.post("/staff/paper/batches", data=hidden_fields(page) | data)
    assert response.status_code == 303
    return response.location.rstrip("/").split("/")[-1]


def errors(html):
    return re.findall(r'class="error"[^>]*>([^<]*)', html)


def test_paper_is_a_channel_no_link_may_claim():
    assert parse_channel("paper-so").kind == "paper"
    assert channel_tag("paper-so") is None


def test_batch_codes_avoid_look_alikes():
    for _ in range(200):
        code = services.new_batch_code()
        assert len(code) == 4 and not set(code) & set("01OIL")


def test_kit_links_the_paper_survey_in_arabic_right_to_left(client, sign_in, survey_id):
    sign_in("facilitator")
    kit = client.get(f"/staff/outreach/surveys/{survey_id}/ar/").get_data(as_text=True)
    assert f"/staff/paper/surveys/{survey_id}/ar/print" in kit
    html = client.get(f"/staff/paper/surveys/{survey_id}/ar/print?paper=a4").get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in html
    assert "paper-a4.css" in html
    assert 'class="box write"' in html and 'class="lines"' in html


def test_a_sheet_typed_in_is_stored_as_paper_with_its_code(app, client, sign_in, survey_id):
    sign_in("facilitator")
    code = make_batch(client, survey_id, place=XSS)
    for url in (
        f"/staff/paper/batches/{code}",
        "/staff/paper/",
        f"/staff/paper/batches/{code}/enter",
    ):
        html = client.get(url).get_data(as_text=True)
        assert XSS not in html and "&lt;script&gt;" in html
    printed = client.get(f"/staff/paper/batches/{code}/print").get_data(as_text=True)
    assert printed.count('class="sheet"') == 3 and f"{code}-03" in printed
    html = client.get(f"/staff/paper/batches/{code}/enter").get_data(as_text=True)
    data = {
        "sheet": "1",
        "q_role": "2",
        "q_competencies": "1 3",
        "q_top_three": "3 1 2",
        "q_agree_real_life": "5",
        "q_hopes": "Kind teachers",
    }
    response = client.post(f"/staff/paper/batches/{code}/enter", data=hidden_fields(html) | data)
    assert response.status_code == 303
    after = client.get(response.location).get_data(as_text=True)
    assert f"Sheet {code}-01 saved." in after and 'value="2"' in after
    with app.app_context():
        stored = db.session.scalars(db.select(Response)).one()
        assert (stored.channel, stored.source, stored.language) == (
            "paper-so",
            ResponseSource.PAPER,
            "so",
        )
        assert stored.paper_sheet == f"{code}-01"
        answers = {(a.question.key, a.option_value, a.rank) for a in stored.answers}
        assert ("top_three", "collaboration", 1) in answers
        assert ("top_three", "critical_thinking", 2) in answers
        assert ("agree_real_life", "strongly_disagree", None) in answers
    # The same sheet again, and values no sheet can hold: refused, beside each field, refilled.
    bad = data | {"q_role": "9", "q_competencies": "1 1", "q_top_three": "x", "q_hopes": XSS}
    response = client.post(f"/staff/paper/batches/{code}/enter", data=hidden_fields(after) | bad)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    found = " ".join(errors(html))
    assert "already entered" in found and "not on the sheet" in found
    assert "typed twice" in found and "numbers printed" in found
    assert XSS not in html and 'value="9"' in html
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Response.id))) == 1


def test_unknown_batch_code_is_refused(client, sign_in, survey_id):
    sign_in("facilitator")
    response = client.get("/staff/paper/enter?batch=ZZ9Z")
    assert response.status_code == 400 and "No batch has this code" in response.get_data(
        as_text=True
    )


def test_board_members_cannot_make_batches(app, client, sign_in, survey_id):
    sign_in("board")
    assert client.get("/staff/paper/").status_code == 403
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(PaperBatch.id))) == 0


def test_a_double_enter_saves_the_sheet_once_and_says_it_is_saved(app, client, sign_in, survey_id):
    sign_in("facilitator")
    code = make_batch(client, survey_id)
    html = client.get(f"/staff/paper/batches/{code}/enter").get_data(as_text=True)
    data = hidden_fields(html) | {"sheet": "1", "q_role": "2"}
    first = client.post(f"/staff/paper/batches/{code}/enter", data=data)
    again = client.post(f"/staff/paper/batches/{code}/enter", data=data)
    assert first.status_code == again.status_code == 303
    assert again.location == first.location
    assert f"Sheet {code}-01 saved." in client.get(again.location).get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Response.id))) == 1


def test_a_tampered_submission_token_is_a_new_form(app, client, sign_in, survey_id):
    sign_in("facilitator")
    code = make_batch(client, survey_id)
    html = client.get(f"/staff/paper/batches/{code}/enter").get_data(as_text=True)
    data = hidden_fields(html) | {"sheet": "1", "q_role": "2", "submission_token": "x\x00" * 40}
    assert client.post(f"/staff/paper/batches/{code}/enter", data=data).status_code == 303
    with app.app_context():
        stored = db.session.scalars(db.select(Response)).one()
        assert stored.paper_sheet == f"{code}-01" and "\x00" not in stored.submission_token


@pytest.mark.parametrize(
    ("key", "typed", "message"),
    [
        ("role", "9", "9 is not on the sheet: this question has options 1 to"),
        ("role", "0", "0 is not on the sheet"),
        ("role", "1 2", "This question takes one box only."),
        ("role", "two", "Type the numbers printed beside the boxes on the sheet"),
        ("role", "-1", "Type the numbers printed beside the boxes on the sheet"),
        ("agree_real_life", "6", "6 is not on the sheet"),
        ("competencies", "1 1", "Option 1 is typed twice: type each ticked box once."),
        ("competencies", "1 2 3 4 5 6", "At most 5 answers can be given here"),
        ("top_three", "1 2 3 4", "At most 3 answers can be given here"),
        ("top_three", "2 2", "Option 2 is typed twice: each option can have only one place."),
        ("hopes", "x" * 5000, "This answer is longer than the"),
    ],
)
def test_a_value_the_question_does_not_allow_is_refused_with_its_reason(
    app, survey_id, key, typed, message
):
    with app.test_request_context("/"):
        from engage.surveys.models import Survey

        survey = db.session.get(Survey, survey_id)
        question = next(pq for pq in services.paper_questions(survey) if pq.question.key == key)
        with pytest.raises(services.PaperEntryError) as refused:
            services.read_typed_answer(question, typed)
        assert message in str(refused.value.args[0])


def test_sheet_numbers_that_are_not_this_batchs_unentered_sheets_are_refused(
    app, client, sign_in, survey_id
):
    sign_in("facilitator")
    code = make_batch(client, survey_id)
    other = make_batch(client, survey_id, language="es")
    url = f"/staff/paper/batches/{code}/enter"
    html = client.get(url).get_data(as_text=True)
    for sheet, message in [
        ("", "Please type the sheet number printed at the top."),
        ("4", f"Batch {code} has sheets 1 to 3: no sheet 4 was printed."),
        (f"{other}-02", f"This sheet belongs to another batch: this screen types in batch {code}."),
        ("seven", "Type the sheet number printed at the top, such as 7 or"),
    ]:
        response = client.post(url, data=hidden_fields(html) | {"sheet": sheet, "q_role": "1"})
        page = response.get_data(as_text=True)
        assert response.status_code == 400, sheet
        assert message in " ".join(errors(page)), sheet
        assert 'aria-invalid="true"' in page and "This sheet was not saved" in page
    # The whole code, as printed, is taken; typed again, it is refused.
    data = hidden_fields(html) | {"sheet": f"{code.lower()}-02", "q_role": "1"}
    assert client.post(url, data=data).status_code == 303
    html = client.get(url).get_data(as_text=True)
    again = client.post(url, data=hidden_fields(html) | {"sheet": "2", "q_role": "3"})
    assert again.status_code == 400
    assert f"Sheet {code}-02 is already entered" in " ".join(errors(again.get_data(as_text=True)))
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Response.id))) == 1


def test_a_blank_sheet_is_not_saved_and_says_why(app, client, sign_in, survey_id):
    sign_in("facilitator")
    code = make_batch(client, survey_id)
    url = f"/staff/paper/batches/{code}/enter"
    html = client.get(url).get_data(as_text=True)
    response = client.post(url, data=hidden_fields(html) | {"sheet": "1"})
    assert response.status_code == 400
    assert "Every question on this sheet is blank" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Response.id))) == 0


@pytest.mark.parametrize("typed", ["ZZ9Z", "K7QMK7QM", "K7QM K7QM", "<b>", "x\x00"])
def test_a_batch_code_no_batch_has_is_refused(client, sign_in, survey_id, typed):
    sign_in("facilitator")
    response = client.get("/staff/paper/enter", query_string={"batch": typed})
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "No batch has this code" in html
    assert "<b>" not in html.split("<main", 1)[1]
