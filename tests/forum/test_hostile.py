"""Hostile posts are shown as inert text or refused with a clear message, never a server error."""

from pathlib import Path

import pytest
from sqlalchemy import select

from engage.extensions import db
from engage.forum.models import Post
from engage.forum.text import MAX_BODY_LENGTH
from tests.forum.conftest import csrf, post, thread_url

HOSTILE = (
    (Path(__file__).parents[1] / "data" / "hostile_answers.txt")
    .read_text(encoding="utf-8")
    .splitlines()
)


def bodies(app):
    with app.app_context():
        return [p.body for p in db.session.scalars(select(Post).order_by(Post.id))]


@pytest.mark.parametrize("line", HOSTILE)
def test_hostile_lines_are_stored_and_shown_as_text(app, client, thread, line):
    response = post(client, thread, line, display_name=line[:60])
    assert response.status_code == 303
    page = app.test_client().get(thread_url(thread)).get_data(as_text=True)
    if "<" in line or ">" in line or '"' in line:
        assert line not in page
    assert "<script>window" not in page and "<svg" not in page and "<iframe" not in page
    assert "<img src=x" not in page and 'href="javascript' not in page
    assert "{{" in page if "{{" in line else True  # template syntax is text, not evaluated
    assert "\u202e" not in page  # the right-to-left override is removed


def test_script_survives_only_as_escaped_text(app, client, thread):
    post(client, thread, "<script>alert(document.cookie)</script>", display_name="<b>Boss</b>")
    page = client.get(thread_url(thread)).get_data(as_text=True)
    assert "&lt;script&gt;alert(document.cookie)&lt;/script&gt;" in page
    assert "&lt;b&gt;Boss&lt;/b&gt;" in page and "<b>Boss</b>" not in page


def test_a_body_over_the_limit_is_refused_with_the_text_kept(app, client, thread):
    body = "ā" * (MAX_BODY_LENGTH + 1)
    response = post(client, thread, body)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "the limit is 5,000" in page and "your text is still here" in page
    assert body in page
    assert 'id="body-error"' in page and 'aria-describedby="body-help body-error"' in page
    assert bodies(app) == []


def test_a_huge_request_gets_a_clear_page_not_a_server_error(client, thread):
    data = csrf(client, thread) | {"body": "x" * 3_000_000, "language": "en"}
    response = client.post(thread_url(thread), data=data)
    assert response.status_code in (400, 413)
    assert "Something went wrong" not in response.get_data(as_text=True)


def test_control_characters_are_removed_and_newlines_kept(app, client, thread):
    assert post(client, thread, "line one\x00\x08\x1b\r\nline two\tend").status_code == 303
    assert bodies(app) == ["line one\nline two\tend"]


@pytest.mark.parametrize(
    "control",
    ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069"],
)
def test_bidi_embeddings_overrides_and_isolates_are_neutralised(app, client, thread, control):
    assert post(client, thread, f"txt.exe{control}gpj.evil").status_code == 303
    assert bodies(app) == ["txt.exegpj.evil"]


def test_a_post_of_only_invisible_characters_is_refused(app, client, thread):
    response = post(client, thread, "\u202e\x00 \n\t \u2066")
    assert response.status_code == 400
    assert "Please write something before sending." in response.get_data(as_text=True)
    assert bodies(app) == []


def test_too_many_links_are_refused_with_the_text_kept(app, client, thread):
    body = "https://a.test https://b.test www.c.test http://d.test"
    response = post(client, thread, body)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "at most 3 links" in page and body in page
    assert bodies(app) == []
    assert post(client, thread, "https://a.test https://b.test www.c.test").status_code == 303


def test_links_are_made_safe(app, client, thread):
    post(client, thread, "Read https://district.test/plan?a=1&b=2 and javascript:alert(1)")
    page = client.get(thread_url(thread)).get_data(as_text=True)
    assert (
        '<a href="https://district.test/plan?a=1&amp;b=2" rel="nofollow ugc noopener" '
        'class="post-link">' in page
    )
    assert 'href="javascript' not in page


@pytest.mark.parametrize(
    "fields",
    [
        {"language": "xx"},
        {"language": ""},
        {"parent_id": "abc"},
        {"parent_id": "-1"},
        {"display_name": "n" * 200},
        {"sort": "<script>"},
    ],
)
def test_tampered_fields_are_refused_or_ignored_never_a_server_error(client, thread, fields):
    data = csrf(client, thread) | {"body": "A fair point.", "language": "en"} | fields
    response = client.post(thread_url(thread), data=data)
    assert response.status_code in (303, 400, 409)


def test_tampered_query_strings_never_break_the_page(client, thread):
    for query in ("?sort=<script>", "?page=-5", "?page=abc", "?reply_to=abc", "?reply_to=999"):
        assert client.get(thread_url(thread) + query).status_code == 200, query
