"""'This matters to me': one per browser, counted, and stored without the browser's id."""

import re

from sqlalchemy import inspect, select

from engage.extensions import db
from engage.forum.models import Endorsement, Post, ThreadStatus
from tests.conftest import hidden_fields
from tests.forum.conftest import post, thread_url


def endorse(client, slug, post_id, sort=None):
    data = hidden_fields(client.get(thread_url(slug)).get_data(as_text=True))
    if sort:
        data["sort"] = sort
    return client.post(f"/en/conversations/posts/{post_id}/endorse", data=data)


def first_post(app):
    with app.app_context():
        return db.session.scalar(select(Post.id))


def test_one_endorsement_per_browser_with_the_count_shown(app, client, thread):
    post(app.test_client(), thread, "Graduates should know how to learn.")
    post_id = first_post(app)
    response = endorse(client, thread, post_id, sort="endorsed")
    assert response.status_code == 303
    assert response.location == f"/en/conversations/{thread}?sort=endorsed#post-{post_id}"
    assert endorse(client, thread, post_id).status_code == 303  # again: nothing new
    page = client.get(thread_url(thread)).get_data(as_text=True)
    assert "1 person says this matters" in page and "You said this matters to you" in page
    endorse(app.test_client(), thread, post_id)
    assert "2 people say this matters" in client.get(thread_url(thread)).get_data(as_text=True)
    with app.app_context():
        assert db.session.query(Endorsement).count() == 2


def test_a_browser_cannot_endorse_the_post_it_wrote(app, client, thread):
    post(client, thread, "Graduates should know how to cook.")
    post_id = first_post(app)
    page = client.get(thread_url(thread)).get_data(as_text=True)
    assert "Your post" in page and f"/posts/{post_id}/endorse" not in page
    response = endorse(client, thread, post_id)  # sent anyway, by hand
    assert response.status_code == 303
    assert "only other people" in client.get(response.location).get_data(as_text=True)
    with app.app_context():
        assert db.session.query(Endorsement).count() == 0
    assert endorse(app.test_client(), thread, post_id).status_code == 303  # someone else may
    with app.app_context():
        assert db.session.query(Endorsement).count() == 1


def test_only_a_keyed_hash_of_the_browser_is_stored_and_no_address(app, client, thread):
    post(app.test_client(), thread, "Hash me.")
    endorse(client, thread, first_post(app))
    with client.session_transaction() as session:
        browser_id = session["browser_id"]
    with app.app_context():
        key = db.session.scalar(select(Endorsement.browser_key))
        assert re.fullmatch(r"[0-9a-f]{64}", key) and browser_id not in key
        address = client.environ_base["REMOTE_ADDR"]
        for table in ("forum_threads", "forum_posts", "forum_endorsements", "forum_reports"):
            columns = {c["name"] for c in inspect(db.engine).get_columns(table)}
            assert not {"ip", "ip_address", "remote_addr"} & columns
            rows = db.session.execute(db.text(f"SELECT * FROM {table}")).all()  # noqa: S608
            assert address not in str(rows)


def test_a_closed_thread_takes_no_endorsements(app, client, thread):
    post(app.test_client(), thread, "Closing soon.")
    post_id = first_post(app)
    data = hidden_fields(client.get(thread_url(thread)).get_data(as_text=True))
    with app.app_context():
        db.session.get(Post, post_id).thread.status = ThreadStatus.CLOSED
        db.session.commit()
    page = client.get(thread_url(thread)).get_data(as_text=True)
    assert "endorse-button" not in page
    response = client.post(f"/en/conversations/posts/{post_id}/endorse", data=data)
    assert response.status_code == 409


def test_endorsing_a_missing_post_is_not_found(client, thread):
    data = hidden_fields(client.get(thread_url(thread)).get_data(as_text=True))
    assert client.post("/en/conversations/posts/424242/endorse", data=data).status_code == 404


def test_endorsing_needs_a_valid_form(client, thread, app):
    post(app.test_client(), thread, "CSRF check.")
    response = client.post(f"/en/conversations/posts/{first_post(app)}/endorse")
    assert response.status_code == 400
    with app.app_context():
        assert db.session.query(Endorsement).count() == 0
