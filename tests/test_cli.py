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
        args=[
            "create-user",
            "first.admin@district.org",
            "--role",
            "admin",
            "--password",
            "a long enough password",
        ]
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


def test_a_district_starts_an_engagement_and_attaches_its_surveys(app, runner):
    from engage.engagements.models import Engagement
    from engage.surveys.models import Survey

    created = runner.invoke(args=["create-engagement", "gp-2027", "--name", "Graduate Profile"])
    assert created.exit_code == 0, created.output
    again = runner.invoke(args=["create-engagement", "gp-2027", "--name", "Twice"])
    assert again.exit_code == 1 and "already exists" in again.output
    imported = runner.invoke(args=["import-surveys", "--engagement", "gp-2027"])
    assert imported.exit_code == 0, imported.output
    with app.app_context():
        engagement = db.session.scalar(select(Engagement).filter_by(slug="gp-2027"))
        survey = db.session.scalar(select(Survey).filter_by(slug="graduate-profile"))
        assert engagement.status == "open" and survey.engagement_id == engagement.id
