"""See and rate what others said: drawing answers, storing ratings, and support with small
counts suppressed."""

import re

import pytest
from sqlalchemy import select

from engage.extensions import db
from engage.forum import ratings
from engage.forum.models import AnswerRating
from engage.models_base import DomainError
from engage.privacy import Suppressed
from tests.conftest import hidden_fields
from tests.factories import import_default_survey, make_response


@pytest.fixture
def survey(app_context):
    return import_default_survey()


def open_answer(response, key="hopes"):
    return next(a for a in response.answers if a.question.key == key)


def test_answers_to_rate_are_open_answers_in_the_raters_language_not_their_own(survey):
    own = make_response(survey, "es", hopes="Mi propia respuesta.")
    other = make_response(survey, "es", hopes="Que piensen.", missing="Arte.")
    make_response(survey, "en", hopes="In English.")
    make_response(survey, "es", hopes="   ")
    drawn = ratings.answers_to_rate("es", own.id, "browser")
    assert sorted(a.text for a in drawn) == ["Arte.", "Que piensen."]
    assert all(a.response_id == other.id for a in drawn)


def test_at_most_a_handful_and_never_one_already_rated(survey):
    rater = make_response(survey, "en", hopes="Mine.")
    for number in range(8):
        make_response(survey, "en", hopes=f"Answer {number}.")
    drawn = ratings.answers_to_rate("en", rater.id, "browser")
    assert len(drawn) == ratings.HANDFUL
    ratings.rate_answers({a.id: ratings.AGREE for a in drawn}, "en", rater.id, "browser")
    again = ratings.answers_to_rate("en", rater.id, "browser")
    assert len(again) == 3 and not {a.id for a in again} & {a.id for a in drawn}


def test_a_second_rating_replaces_the_first(survey):
    rater = make_response(survey, "en")
    answer = open_answer(make_response(survey, "en", hopes="Kindness."))
    ratings.rate_answers({answer.id: ratings.AGREE}, "en", rater.id, "b")
    ratings.rate_answers({answer.id: ratings.DISAGREE}, "en", rater.id, "b")
    assert [r.value for r in db.session.scalars(select(AnswerRating))] == [ratings.DISAGREE]


def test_only_answers_the_person_may_rate_are_accepted(survey):
    rater = make_response(survey, "en", hopes="My own.")
    english = open_answer(make_response(survey, "en", hopes="Theirs."))
    spanish = open_answer(make_response(survey, "es", hopes="Suya."))
    choice = next(a for a in rater.answers if a.option_value)
    for answer_id in (open_answer(rater).id, spanish.id, choice.id, 10**9):
        with pytest.raises(DomainError):
            ratings.rate_answers({answer_id: ratings.AGREE}, "en", rater.id, "b")
    with pytest.raises(DomainError):
        ratings.rate_answers({english.id: 5}, "en", rater.id, "b")


def rate(answer, agree: int, total: int, prefix: str):
    for number in range(total):
        value = ratings.AGREE if number < agree else ratings.UNSURE
        db.session.add(
            AnswerRating(answer_id=answer.id, value=value, browser_key=f"{prefix}{number}")
        )
    db.session.flush()


def test_support_per_answer_withholds_the_share_while_counts_are_small(survey):
    popular = open_answer(make_response(survey, "en", hopes="Popular."))
    rare = open_answer(make_response(survey, "en", hopes="Rare."))
    rate(popular, agree=6, total=8, prefix="p")
    rate(rare, agree=1, total=3, prefix="r")
    support = ratings.support_for_answers([popular.id, rare.id])
    assert support[popular.id].share == 0.75 and support[popular.id].ratings_shown == "8"
    assert support[rare.id].share is None
    assert support[rare.id].ratings_shown == "fewer than 5"


def test_support_by_group_uses_the_answers_group_and_suppresses_small_cells(survey):
    answers = []
    for number in range(6):
        response = make_response(survey, "es", role="parent", hopes=f"Respuesta {number}.")
        answers.append(open_answer(response))
    lone = open_answer(make_response(survey, "en", role="student", hopes="Lonely answer."))
    for index, answer in enumerate(answers):
        rate(answer, agree=1, total=1, prefix=f"a{index}-")
    rate(lone, agree=1, total=2, prefix="lone")
    groups = ratings.support_by_group([a.id for a in answers] + [lone.id])
    by_language = {row.group: row for row in groups["language"]}
    assert by_language["en"].answerers == Suppressed.SMALL
    assert by_language["en"].ratings == Suppressed.SMALL
    assert by_language["en"].share is None
    # With one small group, the other is hidden too, or the total would give the small one away.
    assert by_language["es"].answerers == Suppressed.PARTNER
    by_role = {row.group: row for row in groups["role"]}
    assert set(by_role) == {"parent", "student"}
    assert ratings.support_by_group([]) == {"language": [], "role": []}


def test_support_by_group_shows_counts_of_five_or_more(survey):
    answers = [
        open_answer(make_response(survey, lang, role="parent", hopes=f"{lang} {n}"))
        for lang in ("en", "es")
        for n in range(5)
    ]
    for index, answer in enumerate(answers):
        rate(answer, agree=1, total=1, prefix=f"x{index}-")
    groups = ratings.support_by_group([a.id for a in answers])
    for row in groups["language"]:
        assert (row.answerers, row.ratings, row.agree, row.share) == (5, 5, 5, 1.0)
    assert [(row.group, row.answerers) for row in groups["role"]] == [("parent", 10)]


def test_the_rating_flow_from_the_receipt(app, client):
    with app.app_context():
        survey = import_default_survey()
        own = make_response(survey, "vi", role="parent", school="westview-high", hopes="Của tôi.")
        other = make_response(
            survey, "vi", role="student", school="eastside", hopes="Tư duy <b>độc lập</b>."
        )
        code, other_code, answer_id = own.receipt_code, other.receipt_code, open_answer(other).id
        db.session.commit()
    receipt = client.get(f"/vi/receipt/{code}").get_data(as_text=True)
    assert f'href="/vi/conversations/rate/{code}"' in receipt
    page = client.get(f"/vi/conversations/rate/{code}").get_data(as_text=True)
    assert "Tư duy &lt;b&gt;độc lập&lt;/b&gt;." in page and "Của tôi." not in page
    for detail in (other_code, "student", "eastside"):
        assert detail not in page
    data = hidden_fields(page) | {f"answer_{answer_id}": "1"}
    response = client.post(f"/vi/conversations/rate/{code}", data=data)
    assert response.status_code == 303
    with client.session_transaction() as session:
        browser_id = session["browser_id"]
    with app.app_context():
        stored = db.session.scalar(select(AnswerRating))
        assert (stored.answer_id, stored.value) == (answer_id, 1)
        assert browser_id not in stored.browser_key and re.fullmatch(
            r"[0-9a-f]{64}", stored.browser_key
        )
    after = client.get(f"/vi/conversations/rate/{code}").get_data(as_text=True)
    assert "Tư duy" not in after  # already rated by this browser


def test_the_rating_flow_refuses_tampering(app, client):
    with app.app_context():
        survey = import_default_survey()
        own = make_response(survey, "en", hopes="Mine.")
        code, own_answer = own.receipt_code, open_answer(own).id
        db.session.commit()
    assert "no other answers" in client.get(f"/en/conversations/rate/{code}").get_data(as_text=True)
    token = hidden_fields(client.get("/staff/sign-in").get_data(as_text=True))["csrf_token"]
    url = f"/en/conversations/rate/{code}"
    assert client.post(url, data={"csrf_token": token, "answer_ids": "x"}).status_code == 400
    rating_own = {"csrf_token": token, "answer_ids": str(own_answer), f"answer_{own_answer}": "1"}
    assert client.post(url, data=rating_own).status_code == 409
    assert client.get("/en/conversations/rate/NOPE-NOPE").status_code == 404
    with app.app_context():
        assert db.session.scalar(select(AnswerRating)) is None


def test_staff_see_the_most_supported_answers_with_small_counts_suppressed(app, client, sign_in):
    with app.app_context():
        survey = import_default_survey()
        listed = open_answer(make_response(survey, "en", role="parent", hopes="Listed answer."))
        unlisted = open_answer(make_response(survey, "en", hopes="Too few ratings."))
        rate(listed, agree=3, total=6, prefix="l")
        rate(unlisted, agree=4, total=4, prefix="u")
        db.session.commit()
    sign_in("facilitator")
    page = client.get("/staff/forum/support").get_data(as_text=True)
    assert "Listed answer." in page and "Too few ratings." not in page
    assert "Rated by 6 people; fewer than 5 agree" in page
    assert "50%" not in page  # the share would reveal the small count
