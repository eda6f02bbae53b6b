"""What other participants may see: the rating page draws only answers their writers allowed
and that passed moderation, a fixed small sample, rate-limited; reports hold a post only when
they come from different addresses; posts of invisible characters are refused."""

import re

import pytest
from sqlalchemy import select

from engage.extensions import db
from engage.forum import ratings, reports, services
from engage.forum.models import Post, PostStatus, ReportReason
from tests.conftest import hidden_fields
from tests.factories import import_default_survey, make_response
from tests.forum.conftest import make_thread, post, thread_url

BLOCKQUOTE = re.compile(r'<blockquote class="answer"[^>]*>(.*?)</blockquote>', re.DOTALL)


def rate_url(code: str, lang: str = "en") -> str:
    return f"/{lang}/conversations/rate/{code}"


def shown_answers(client, code: str) -> list[str]:
    page = client.get(rate_url(code))
    assert page.status_code == 200
    return BLOCKQUOTE.findall(page.get_data(as_text=True))


def test_only_answers_their_writers_allowed_and_that_passed_the_checks_are_shown(app, client):
    with app.app_context():
        survey = import_default_survey()
        rater = make_response(survey, "en", hopes="Mine.").receipt_code
        make_response(survey, "en", hopes="Shared and clean.")
        make_response(survey, "en", shared=(), hopes="Kept private.")
        make_response(survey, "en", hopes="Free prize: https://bank-login.test/verify")
        make_response(survey, "en", hopes="Email me at ana@example.test")
        make_response(survey, "en", hopes="Try www.phish.test for help")
        make_response(survey, "en", hopes="Read the notes on example.test today")
        db.session.commit()
    shown = shown_answers(client, rater)
    assert sorted(shown) == ["Read the notes on example.test today", "Shared and clean."]
    page = client.get(rate_url(rater)).get_data(as_text=True)
    assert "<a " not in "".join(BLOCKQUOTE.findall(page))  # an address stays inert text


def test_an_inert_address_is_never_rendered_as_a_link_even_if_stored(app, client):
    with app.app_context():
        survey = import_default_survey()
        rater = make_response(survey, "en").receipt_code
        stored = make_response(survey, "en", hopes="Older answer https://x.test/phish")
        answer = next(a for a in stored.answers if a.text)
        answer.hold_reason = None  # as if it slipped past the checks
        db.session.commit()
    (shown,) = shown_answers(client, rater)
    assert shown == "Older answer https://x.test/phish" and "href" not in shown


def test_the_page_shows_a_small_fixed_sample_never_the_whole_set(app, client):
    with app.app_context():
        survey = import_default_survey()
        rater = make_response(survey, "en", shared=()).receipt_code
        for number in range(30):
            make_response(survey, "en", hopes=f"Answer number {number}.", missing=None)
        db.session.commit()
    first = shown_answers(client, rater)
    assert len(first) == ratings.HANDFUL
    seen = set(first)
    for _ in range(5):  # reloading, even with fresh cookies, shows the same answers
        fresh = app.test_client()
        fresh.environ_base["REMOTE_ADDR"] = client.environ_base["REMOTE_ADDR"]
        assert shown_answers(fresh, rater) == first
        seen |= set(shown_answers(client, rater))
    assert seen == set(first)


def test_rating_one_answer_brings_in_exactly_one_new_answer(app_context):
    survey = import_default_survey()
    rater = make_response(survey, "en", shared=())
    for number in range(12):
        make_response(survey, "en", hopes=f"Answer {number}.", missing=None)
    first = ratings.answers_to_rate("en", rater.id, "browser", seed="receipt")
    ratings.rate_answers({first[0].id: ratings.AGREE}, "en", rater.id, "browser")
    second = ratings.answers_to_rate("en", rater.id, "browser", seed="receipt")
    assert second[: ratings.HANDFUL - 1] == first[1:] and second[-1] not in first


def test_rating_everything_offered_never_reaches_more_than_a_few_answers(app_context):
    survey = import_default_survey()
    rater = make_response(survey, "en", shared=())
    for number in range(60):
        make_response(survey, "en", hopes=f"Answer {number}.", missing=None)
    offered = set()
    while drawn := ratings.answers_to_rate("en", rater.id, "browser", seed="receipt"):
        offered |= {a.id for a in drawn}
        ratings.rate_answers({a.id: ratings.AGREE for a in drawn}, "en", rater.id, "browser")
    assert len(offered) == ratings.REACH < 60


def test_the_rating_page_is_rate_limited_per_address(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "RATE_PAGE_RATE_LIMIT", "3 per minute")
    with app.app_context():
        survey = import_default_survey()
        code = make_response(survey, "en").receipt_code
        db.session.commit()
    for _ in range(3):
        assert client.get(rate_url(code)).status_code == 200
    fresh = app.test_client()  # new cookies, same address
    fresh.environ_base["REMOTE_ADDR"] = client.environ_base["REMOTE_ADDR"]
    assert fresh.get(rate_url(code)).status_code == 429
    assert app.test_client().get(rate_url(code)).status_code == 200  # another address


def report(client, post_id: int):
    url = f"/en/conversations/posts/{post_id}/report"
    page = client.get(url).get_data(as_text=True)
    response = client.post(url, data=hidden_fields(page) | {"reason": "spam"})
    assert response.status_code == 303


def status_of(app, post_id: int) -> PostStatus:
    with app.app_context():
        return db.session.get(Post, post_id).status


@pytest.fixture
def post_id(app, thread):
    post(app.test_client(), thread, "A post someone dislikes.")
    with app.app_context():
        return db.session.scalar(select(Post.id))


def test_three_reports_from_one_address_with_fresh_cookies_leave_the_post_visible(app, post_id):
    address = app.test_client().environ_base["REMOTE_ADDR"]
    for _ in range(3):
        reporter = app.test_client()
        reporter.environ_base["REMOTE_ADDR"] = address
        report(reporter, post_id)
    assert status_of(app, post_id) == PostStatus.VISIBLE
    with app.app_context():
        stored = db.session.get(Post, post_id).reports
        assert len(stored) == 3 and len({r.address_key for r in stored}) == 1
        assert all(address not in r.address_key and len(r.address_key) == 64 for r in stored)


def test_three_reports_from_three_addresses_hold_the_post(app, post_id):
    for _ in range(3):
        report(app.test_client(), post_id)
    assert status_of(app, post_id) == PostStatus.PENDING


def test_the_service_counts_addresses_not_browsers(app_context):
    made = services.submit_post(make_thread(), "Counted by address.", "en")
    for browser in ("b1", "b2", "b3"):
        reports.report_post(made, ReportReason.SPAM, None, browser, 3, address="same")
    assert made.status == PostStatus.VISIBLE
    reports.report_post(made, ReportReason.SPAM, None, "b4", 3, address="second")
    reports.report_post(made, ReportReason.SPAM, None, "b5", 3, address="third")
    assert made.status == PostStatus.PENDING


@pytest.mark.parametrize("body", ["\u200b\u200b\u200b", "\u2060\ufeff", "\u200d \u200c\n\u202e"])
def test_a_post_of_only_invisible_characters_is_refused_beside_the_field(app, client, thread, body):
    response = post(client, thread, body)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert re.search(r'id="body-error"[^>]*>[^<]*only invisible characters', page)
    with app.app_context():
        assert db.session.scalar(select(Post)) is None


def test_a_reply_of_only_invisible_characters_is_refused(app, client, thread):
    post(app.test_client(), thread, "Parent post.")
    with app.app_context():
        parent_id = db.session.scalar(select(Post.id))
    page = client.get(thread_url(thread) + f"?reply_to={parent_id}").get_data(as_text=True)
    data = hidden_fields(page) | {"body": "\u200b\u3164", "language": "en"}
    response = client.post(thread_url(thread), data=data)
    assert response.status_code == 400
    assert "only invisible characters" in response.get_data(as_text=True)
