"""Sign-in, sessions that end, passwords, invitations and the admin's staff screens."""

import pytest
from sqlalchemy import select

from config import ProductionConfig
from engage import create_app
from engage.audit import AuditEvent
from engage.auth.models import Role, User
from engage.extensions import db
from tests.conftest import hidden_fields
from tests.factories import make_user

PASSWORD = "correct horse battery"


@pytest.fixture
def staff(app):
    with app.app_context():
        user = make_user("facilitator")
        db.session.commit()
        return user.email


def post_sign_in(client, email, password):
    data = hidden_fields(client.get("/staff/sign-in").get_data(as_text=True))
    return client.post("/staff/sign-in", data=data | {"email": email, "password": password})


def test_sign_in_and_out(client, staff):
    assert post_sign_in(client, staff, PASSWORD).status_code == 302
    assert client.get("/staff/").status_code == 200
    data = hidden_fields(client.get("/staff/").get_data(as_text=True))
    client.post("/staff/sign-out", data=data)
    assert client.get("/staff/").status_code == 302


def test_wrong_password_and_unknown_email_get_the_same_message(client, staff):
    wrong = post_sign_in(client, staff, "not the password").get_data(as_text=True)
    unknown = post_sign_in(client, "nobody@district.test", PASSWORD).get_data(as_text=True)
    message = "That email and password do not match an active account."
    assert message in wrong and message in unknown


def test_deactivated_account_cannot_sign_in_and_its_sessions_end(app, client, staff):
    assert post_sign_in(client, staff, PASSWORD).status_code == 302
    with app.app_context():
        from engage.auth.services import set_active

        user = db.session.scalar(select(User).filter_by(email=staff))
        set_active(user, False, actor=None)
        db.session.commit()
    assert client.get("/staff/").status_code == 302  # the open session has ended
    other = app.test_client()
    page = post_sign_in(other, staff, PASSWORD)
    assert page.status_code == 400
    assert "do not match an active account" in page.get_data(as_text=True)


def test_changing_password_ends_other_sessions(app, staff):
    first, second = app.test_client(), app.test_client()
    post_sign_in(first, staff, PASSWORD)
    post_sign_in(second, staff, PASSWORD)
    data = hidden_fields(first.get("/staff/account").get_data(as_text=True))
    response = first.post(
        "/staff/account",
        data=data
        | {
            "password-current": PASSWORD,
            "password-password": "a much longer secret",
            "password-confirm": "a much longer secret",
            "password-submit": "1",
        },
    )
    assert response.status_code == 302
    assert first.get("/staff/").status_code == 200
    assert second.get("/staff/").status_code == 302
    assert post_sign_in(second, staff, "a much longer secret").status_code == 302


def test_staff_choose_their_interface_language(app, client, staff):
    post_sign_in(client, staff, PASSWORD)
    data = hidden_fields(client.get("/staff/account").get_data(as_text=True))
    client.post("/staff/account", data=data | {"prefs-language": "vi", "prefs-submit": "1"})
    assert '<html lang="vi"' in client.get("/staff/").get_data(as_text=True)


def test_admin_invites_changes_role_and_deactivates(app, client, sign_in):
    sign_in("admin")
    data = hidden_fields(client.get("/staff/admin/staff").get_data(as_text=True))
    page = client.post(
        "/staff/admin/staff",
        data=data
        | {"email": "New.Leader@Springfield-Schools.org", "role": "facilitator", "language": "es"},
    )
    html = page.get_data(as_text=True)
    link = html.split('class="invitation-link">')[1].split("</code>")[0]
    path = link.split("localhost", 1)[1]
    newcomer = app.test_client()
    form = hidden_fields(newcomer.get(path).get_data(as_text=True))
    newcomer.post(
        path, data=form | {"password": "my own long password", "confirm": "my own long password"}
    )
    assert newcomer.get(path).status_code == 404  # the link works once
    assert (
        post_sign_in(
            newcomer, "new.leader@springfield-schools.org", "my own long password"
        ).status_code
        == 302
    )
    with app.app_context():
        user_id = db.session.scalar(
            select(User.id).filter_by(email="new.leader@springfield-schools.org")
        )
    client.post(f"/staff/admin/staff/{user_id}/role", data=data | {"role": "board"})
    assert newcomer.get("/staff/review/responses").status_code == 302  # role change: sign in again
    client.post(f"/staff/admin/staff/{user_id}/deactivate", data=data)
    with app.app_context():
        user = db.session.get(User, user_id)
        assert user.role == Role.BOARD and not user.active
        actions = db.session.scalars(
            select(AuditEvent.action).filter_by(target_type="User", target_id=str(user_id))
        ).all()
    assert {
        "user.invited",
        "user.password_changed",
        "user.role_changed",
        "user.deactivated",
    } <= set(actions)
    audit = client.get(f"/staff/admin/audit?target_type=User&target_id={user_id}")
    assert "user.deactivated" in audit.get_data(as_text=True)


def test_next_parameter_cannot_send_staff_to_another_site(app, staff):
    for target in ["https://evil.example/", "//evil.example/", "/\\evil.example", "/staff/account"]:
        client = app.test_client()
        data = hidden_fields(client.get("/staff/sign-in").get_data(as_text=True))
        response = client.post(
            f"/staff/sign-in?next={target}", data=data | {"email": staff, "password": PASSWORD}
        )
        expected = target if target == "/staff/account" else "/staff/"
        assert response.location == expected


def test_security_headers_and_cookie_flags(client, staff):
    response = post_sign_in(client, staff, PASSWORD)
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Expires=" in cookie


def test_production_refuses_to_start_without_a_real_secret_key(tmp_path, monkeypatch):
    monkeypatch.setattr(ProductionConfig, "SECRET_KEY", None)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(ProductionConfig, {"INSTANCE_PATH": str(tmp_path)})
    monkeypatch.setattr(ProductionConfig, "SECRET_KEY", "short")
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(ProductionConfig, {"INSTANCE_PATH": str(tmp_path)})
    assert ProductionConfig.SESSION_COOKIE_SECURE is True


def test_repeated_failures_are_rate_limited_with_a_clear_message(app, client, staff):
    statuses = [post_sign_in(client, staff, "wrong password").status_code for _ in range(6)]
    assert statuses == [400] * 5 + [429]  # failures per (account, address)
    page = post_sign_in(client, staff, PASSWORD)
    assert page.status_code == 429
    html = page.get_data(as_text=True)
    assert "Too many attempts" in html
    assert f'value="{staff}"' in html and PASSWORD not in html  # the email comes back
    assert post_sign_in(app.test_client(), staff, PASSWORD).status_code == 302  # others unaffected
    address = client.environ_base["REMOTE_ADDR"]
    keys = _limiter_keys(app)
    assert keys and not any(address in key for key in keys)  # the address is never stored
    assert not any(staff in key for key in keys)  # nor the email


def test_every_attempt_from_one_address_counts_whatever_the_account(client):
    statuses = [
        post_sign_in(client, f"guess{n}@district.test", "wrong password").status_code
        for n in range(11)
    ]
    assert statuses == [400] * 10 + [429]


def _limiter_keys(app) -> list[str]:
    """What the rate limiter's storage holds: in memory by default, in Redis in CI's second run."""
    from engage.extensions import limiter

    storage = limiter.storage
    if app.config["RATELIMIT_STORAGE_URI"].startswith("redis"):
        return [key.decode() for key in storage.storage.scan_iter("*")]
    return list(storage.storage) + list(storage.events)  # fixed and moving windows
