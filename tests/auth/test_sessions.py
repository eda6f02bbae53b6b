"""Staff sessions end on the server: a cookie copied before sign-out is refused afterwards.
Sign-in guessing is limited per account as well as per address, the same for unknown emails,
and every staff page and export is sent with `Cache-Control: no-store`."""

import re

import pytest
from werkzeug.routing import Rule

from engage.auth.models import Role, User
from engage.extensions import db
from tests.auth.test_sign_in import PASSWORD, post_sign_in
from tests.conftest import hidden_fields
from tests.factories import make_user


@pytest.fixture
def staff(app):
    with app.app_context():
        user = make_user("admin")
        db.session.commit()
        return user.email


def _session_cookie(client) -> str:
    return client.get_cookie("session").value


def test_a_cookie_copied_before_sign_out_is_refused_afterwards(app, client, staff):
    assert post_sign_in(client, staff, PASSWORD).status_code == 302
    copied = _session_cookie(client)
    thief = app.test_client()
    thief.set_cookie("session", copied)
    assert thief.get("/staff/review/responses").status_code == 200  # the copy works ...
    data = hidden_fields(client.get("/staff/").get_data(as_text=True))
    client.post("/staff/sign-out", data=data)
    # ... until the owner signs out: then it is refused, with no data, and does not renew.
    for path in ("/staff/review/responses", "/staff/admin/staff", "/staff/"):
        response = thief.get(path)
        assert response.status_code == 302, path
        assert response.location.startswith("/staff/sign-in")
        assert staff not in response.get_data(as_text=True)
    page = thief.get("/staff/admin/staff")
    assert page.status_code == 302
    changed = thief.post(
        "/staff/admin/staff",
        data={"csrf_token": "x", "email": "new@district.test", "role": "admin"},
    )
    assert changed.status_code in (302, 400)
    with app.app_context():
        assert db.session.query(User).filter_by(email="new@district.test").count() == 0
    # The owner can sign in again at once.
    assert post_sign_in(client, staff, PASSWORD).status_code == 302


def test_guessing_one_account_from_many_addresses_meets_a_per_account_limit(app, staff):
    statuses = []
    for number in range(31):
        guesser = app.test_client()  # a new address each time
        statuses.append(post_sign_in(guesser, staff, f"guess {number}").status_code)
    assert statuses == [400] * 30 + [429]


def test_an_unknown_email_is_limited_the_same_way(app):
    statuses = []
    for number in range(31):
        guesser = app.test_client()
        statuses.append(post_sign_in(guesser, "nobody@district.test", f"g {number}").status_code)
    assert statuses == [400] * 30 + [429]
    known, unknown = app.test_client(), app.test_client()
    for _ in range(5):
        post_sign_in(known, "Someone@District.test ", "wrong")
    with app.app_context():
        make_user("board")
        db.session.commit()
    page = post_sign_in(known, "someone@district.test", "wrong")  # normalised: same account
    assert page.status_code == 429
    assert post_sign_in(unknown, "someone@district.test", "wrong").status_code == 400


def test_the_owner_still_signs_in_after_guesses_from_another_address(app, staff):
    attacker = app.test_client()
    for number in range(6):
        post_sign_in(attacker, staff, f"guess {number}")
    assert post_sign_in(attacker, staff, PASSWORD).status_code == 429
    assert post_sign_in(app.test_client(), staff, PASSWORD).status_code == 302
    # Successes do not count: the owner signing in again and again is not locked out.
    owner = app.test_client()
    for _ in range(6):
        assert post_sign_in(owner, staff, PASSWORD).status_code == 302


def _staff_get_urls(app) -> list[str]:
    urls = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/staff") or "GET" not in (rule.methods or ()):
            continue
        urls.append(_fill(rule))
    return urls


def _fill(rule: Rule) -> str:
    path = rule.rule
    for name in rule.arguments:
        converter = rule._converters[name]
        value = "1" if type(converter).__name__ == "DatabaseIdConverter" else "x"
        path = re.sub(rf"<(?:[^:<>]+:)?{name}>", value, path)
    return path


@pytest.mark.parametrize("role", [None, *Role])
def test_every_staff_page_and_export_is_never_stored(app, client, sign_in, role):
    if role is not None:
        sign_in(role)
    urls = _staff_get_urls(app)
    assert "/staff/review/surveys/1/responses.csv" in urls
    for url in urls:
        response = client.get(url)
        assert response.headers.get("Cache-Control") == "no-store", (url, response.status_code)
    post = client.post("/staff/sign-in", data={})
    assert post.headers.get("Cache-Control") == "no-store"


def test_public_pages_stay_cacheable(client):
    for url in ("/en/", "/en/conversations/", "/en/profile/"):
        assert "no-store" not in (client.get(url).headers.get("Cache-Control") or ""), url


def test_a_signed_in_staff_members_public_pages_are_not_stored(client, sign_in):
    sign_in("facilitator")
    assert client.get("/en/").headers.get("Cache-Control") == "no-store"
