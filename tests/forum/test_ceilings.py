"""Per-address ceilings on endorsements and answer ratings: a person who takes a fresh cookie for
every click is still one address, and cannot add dozens of endorsements or ratings in seconds."""

from sqlalchemy import func, select

from engage.extensions import db
from engage.forum import services
from engage.forum.models import AnswerRating, Endorsement
from tests.conftest import hidden_fields
from tests.factories import import_default_survey, make_response
from tests.forum.conftest import make_thread, thread_url

ADDRESS = "192.0.2.77"


def _fresh_browser(app, address=ADDRESS):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def _count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(model.id)))


def test_fresh_cookies_from_one_address_cannot_add_60_endorsements(app):
    with app.app_context():
        thread = make_thread()
        ids = [services.submit_post(thread, f"Idea {n}.", "en").id for n in range(3)]
        slug = thread.slug
        db.session.commit()
    statuses = []
    for number in range(60):
        browser = _fresh_browser(app)
        data = hidden_fields(browser.get(thread_url(slug)).get_data(as_text=True))
        url = f"/en/conversations/posts/{ids[number % 3]}/endorse"
        statuses.append(browser.post(url, data=data).status_code)
    assert statuses.count(303) == 20 and statuses[20:] == [429] * 40
    assert _count(app, Endorsement) == 20
    # Another address (another school) is not held back.
    other = _fresh_browser(app, "198.51.100.3")
    data = hidden_fields(other.get(thread_url(slug)).get_data(as_text=True))
    assert other.post(f"/en/conversations/posts/{ids[0]}/endorse", data=data).status_code == 303


def test_fresh_cookies_from_one_address_cannot_push_40_answer_ratings_through(app):
    with app.app_context():
        survey = import_default_survey()
        for number in range(45):
            make_response(survey, "en", hopes=f"Answer number {number} to rate.")
        code = make_response(survey, "en", hopes="The rater's own answer.").receipt_code
        db.session.commit()
    url = f"/en/conversations/rate/{code}"
    statuses = []
    for _ in range(8):  # five answers a visit: forty ratings in all
        browser = _fresh_browser(app)
        page = browser.get(url).get_data(as_text=True)
        data = hidden_fields(page)
        ids = data["answer_ids"].split(",")
        assert len(ids) == 5
        statuses.append(
            browser.post(url, data=data | {f"answer_{i}": "1" for i in ids}).status_code
        )
    # Each rated answer counts against the ceiling (30 a minute): six visits, then refused.
    assert statuses == [303] * 6 + [429] * 2
    assert _count(app, AnswerRating) == 30
