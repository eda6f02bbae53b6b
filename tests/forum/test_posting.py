"""Posting and reading a thread through the public pages, in any language, without JavaScript."""

import re

from sqlalchemy import select

from engage.audit import AuditEvent
from engage.extensions import db
from engage.forum.models import Moderation, Post, PostStatus, ThreadStatus
from tests.conftest import hidden_fields
from tests.forum.conftest import csrf, make_thread, post, thread_url


def stored_posts(app):
    with app.app_context():
        return [(p.body, p.language, p.status) for p in db.session.scalars(select(Post))]


def test_list_shows_open_threads_in_the_readers_language(client, thread):
    page = client.get("/es/conversations/").get_data(as_text=True)
    assert "¿Cómo es un graduado exitoso de nuestras escuelas?" in page
    assert f'href="/es/conversations/{thread}"' in page


def test_a_vietnamese_post_is_stored_labelled_and_shown_to_others_with_its_language(
    app, client, thread
):
    body = "Học sinh biết tự suy nghĩ.\nVà biết quan tâm người khác."
    response = post(client, thread, body, lang="vi")
    assert response.status_code == 303
    assert stored_posts(app) == [(body, "vi", PostStatus.VISIBLE)]
    own = client.get(response.location).get_data(as_text=True)
    assert "Học sinh biết tự suy nghĩ.<br>\nVà biết quan tâm người khác." in own
    assert "Written in" not in own  # the reader's own language is not labelled
    english = app.test_client().get(thread_url(thread)).get_data(as_text=True)
    assert 'lang="vi">Written in Tiếng Việt</span>' in english
    assert "Anonymous" in english


def test_a_display_name_is_optional_and_shown(app, client, thread):
    post(client, thread, "Curiosity matters.", display_name="  Ana  María ")
    page = client.get(thread_url(thread)).get_data(as_text=True)
    assert ">Ana María</span>" in page


def test_posts_in_the_readers_language_come_first_then_newest(app, client, thread):
    post(client, thread, "Primero en español.", lang="es")
    post(client, thread, "Second in English.")
    post(client, thread, "Tercero en español.", lang="es")
    page = app.test_client().get(thread_url(thread, "es")).get_data(as_text=True)
    bodies = ("Tercero en español.", "Primero en español.", "Second in English.")
    order = [page.index(text) for text in bodies]
    assert order == sorted(order)


def test_most_endorsed_sort_puts_the_most_endorsed_first(app, client, thread):
    post(client, thread, "Older but endorsed.")
    post(client, thread, "Newer, not endorsed.")
    with app.app_context():
        older = db.session.scalar(select(Post).filter_by(body="Older but endorsed."))
        older_id = older.id
    for _ in range(2):
        other = app.test_client()
        other.get(thread_url(thread))
        data = {"csrf_token": _csrf_token(other, thread)}
        assert (
            other.post(f"/en/conversations/posts/{older_id}/endorse", data=data).status_code == 303
        )
    newest = client.get(thread_url(thread)).get_data(as_text=True)
    assert newest.index("Newer, not") < newest.index("Older but")
    endorsed = client.get(thread_url(thread) + "?sort=endorsed").get_data(as_text=True)
    assert endorsed.index("Older but") < endorsed.index("Newer, not")
    assert "2 people say this matters" in endorsed


def test_a_reply_is_shown_under_its_post_and_replies_stay_one_level_deep(app, client, thread):
    post(client, thread, "The first post.")
    with app.app_context():
        first = db.session.scalar(select(Post)).id
    page = client.get(thread_url(thread) + f"?reply_to={first}").get_data(as_text=True)
    assert f'name="parent_id" type="hidden" value="{first}"' in page
    assert post(client, thread, "A reply.", parent_id=str(first)).status_code == 303
    with app.app_context():
        reply = db.session.scalar(select(Post).filter_by(body="A reply."))
        assert reply.parent_id == first
        reply_id = reply.id
    post(client, thread, "A reply to the reply.", parent_id=str(reply_id))
    with app.app_context():
        assert db.session.scalar(
            select(Post).filter_by(body="A reply to the reply.")
        ).parent_id == (first)
    page = client.get(thread_url(thread)).get_data(as_text=True)
    replies = page[page.index('class="replies"') :]
    assert "A reply." in replies and "A reply to the reply." in replies


def test_a_reply_to_a_post_that_is_not_visible_is_refused(app, client, thread):
    response = post(client, thread, "Replying to nothing.", parent_id="999999")
    assert response.status_code == 409
    assert stored_posts(app) == []


def test_pre_moderated_posts_wait_for_approval(app, client):
    with app.app_context():
        slug = make_thread(moderation=Moderation.PRE).slug
        db.session.commit()
    response = post(client, slug, "Please read me first.")
    assert response.status_code == 303
    page = client.get(response.location).get_data(as_text=True)
    assert "A moderator will read your post before it appears." in page
    assert "Please read me first." not in page
    assert stored_posts(app) == [("Please read me first.", "en", PostStatus.PENDING)]


def test_a_closed_thread_can_be_read_but_not_posted_to(app, client):
    with app.app_context():
        slug = make_thread(status=ThreadStatus.CLOSED).slug
        db.session.commit()
    page = client.get(thread_url(slug)).get_data(as_text=True)
    assert "This conversation is closed" in page and 'name="body"' not in page
    data = hidden_fields(client.get("/staff/sign-in").get_data(as_text=True))
    response = client.post(thread_url(slug), data=data | {"body": "Too late.", "language": "en"})
    assert response.status_code == 409
    assert "closed to new posts" in response.get_data(as_text=True)
    assert stored_posts(app) == []


def test_an_exact_repeat_of_a_recent_post_is_refused_with_the_text_kept(app, client, thread):
    assert post(client, thread, "Buy cheap pills now").status_code == 303
    again = app.test_client()
    response = post(again, thread, "  buy CHEAP pills   now ")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "The same text was posted recently" in page
    assert "  buy CHEAP pills   now </textarea>" in page
    assert len(stored_posts(app)) == 1


def test_posting_is_audited_without_any_browser_identity(app, client, thread):
    post(client, thread, "Audited post.")
    with client.session_transaction() as session:
        browser_id = session.get("browser_id")
    with app.app_context():
        event = db.session.scalar(select(AuditEvent).filter_by(action="post.created"))
        assert event.actor_id is None and event.details["language"] == "en"
        assert browser_id is None or browser_id not in str(event.details)


def test_posting_is_rate_limited_per_browser_and_keeps_the_text(app, client, thread):
    for number in range(5):
        assert post(client, thread, f"Idea number {number}.").status_code == 303
    response = post(client, thread, "One idea too many.")
    assert response.status_code == 429
    page = response.get_data(as_text=True)
    assert "Too many posts were sent from this device" in page
    assert "\nOne idea too many.</textarea>" in page
    # Another browser is not held back by this one.
    assert post(app.test_client(), thread, "Someone else.").status_code == 303


def test_refused_posts_do_not_use_up_the_browsers_limit(client, thread):
    for _ in range(6):
        assert post(client, thread, "   ").status_code == 400
    assert post(client, thread, "Now a real post.").status_code == 303


def test_an_expired_form_comes_back_filled_in(client, thread):
    client.get(thread_url(thread))
    response = client.post(
        thread_url(thread), data={"body": "Typed before it expired.", "language": "en"}
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "the page had expired" in page and "\nTyped before it expired.</textarea>" in page
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
    assert token and token.group(1)


def test_unknown_thread_is_not_found(client):
    assert client.get("/en/conversations/no-such-thread").status_code == 404


def _csrf_token(client, slug):
    page = client.get(thread_url(slug)).get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def test_every_attempt_counts_against_the_address_limit(client, thread):
    data = csrf(client, thread) | {"body": " ", "language": "en"}
    codes = {client.post(thread_url(thread), data=data).status_code for _ in range(60)}
    assert codes == {400}
    assert client.post(thread_url(thread), data=data).status_code == 429
