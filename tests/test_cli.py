"""The `engage` command: demo data, staff accounts, catalogs."""

from sqlalchemy import func, select

from engage.auth.models import Role, User
from engage.extensions import db
from engage.surveys.models import Response


def test_demo_seeds_responses_in_several_languages_and_accounts(app, runner):
    result = runner.invoke(args=["demo", "--no-serve", "--responses", "60"])
    assert result.exit_code == 0, result.output
    assert "facilitator@demo.engage.test  password: " in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count(Response.id))) == 60
        languages = set(db.session.scalars(select(Response.language).distinct()))
        roles = set(db.session.scalars(select(User.role)))
    assert len(languages) >= 3
    assert roles == set(Role)
    again = runner.invoke(args=["demo", "--no-serve", "--responses", "60"])
    assert again.exit_code == 0
    with app.app_context():
        assert db.session.scalar(select(func.count(Response.id))) == 60  # not seeded twice


def test_create_user_makes_the_first_admin(app, runner):
    result = runner.invoke(
        args=["create-user", "first.admin@district.org", "--role", "admin",
              "--password", "a long enough password"]
    )
    assert result.exit_code == 0, result.output
    short = runner.invoke(
        args=["create-user", "x@district.org", "--role", "admin", "--password", "short"]
    )
    assert short.exit_code == 1 and "12 characters" in short.output
    with app.app_context():
        user = db.session.scalar(select(User).filter_by(email="first.admin@district.org"))
        assert user.role == Role.ADMIN and user.check_password("a long enough password")
        assert user.password_hash.startswith("$argon2")
