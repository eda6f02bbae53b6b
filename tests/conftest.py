"""Test set-up: an app from TestConfig with a temporary instance folder, one database per run
(SQLite by default, PostgreSQL when DATABASE_URL is set), emptied after every test."""

import itertools
import re

import pytest
from flask.testing import FlaskClient
from sqlalchemy import text

from config import TestConfig
from engage import create_app
from engage.catalogs import compile_stale
from engage.cli import stamp_database
from engage.extensions import db, limiter

HIDDEN_INPUT = re.compile(r'<input[^>]*type="hidden"[^>]*>')
NAME_VALUE = re.compile(r'name="([^"]+)"[^>]*value="([^"]*)"')


_addresses = itertools.count(1)


class OneBrowserClient(FlaskClient):
    """A test client with an address of its own, as every real browser has: rate limits stay
    on in tests, and each client is limited on its own."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        number = next(_addresses)
        self.environ_base["REMOTE_ADDR"] = (
            f"10.{number // 65536 % 256}.{number // 256 % 256}.{number % 256}"
        )


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    compile_stale()
    instance = tmp_path_factory.mktemp("instance")
    overrides = {"INSTANCE_PATH": str(instance)}
    if not TestConfig.SQLALCHEMY_DATABASE_URI:
        overrides["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{instance / 'test.sqlite'}"
    app = create_app(TestConfig, overrides)
    app.test_client_class = OneBrowserClient
    with app.app_context():
        # Tables from the models, marked as migrated; tests/test_migrations.py proves the
        # migrations build the same schema.
        db.drop_all()
        with db.engine.begin() as connection:
            connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
        db.create_all()
        stamp_database()
    yield app
    with app.app_context():
        db.session.remove()
        db.drop_all()
        with db.engine.begin() as connection:
            connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
        db.engine.dispose()


@pytest.fixture(autouse=True)
def _empty_database(request):
    yield
    if "app" not in request.fixturenames:
        return
    app = request.getfixturevalue("app")
    with app.app_context():
        limiter.reset()
        db.session.remove()
        with db.engine.begin() as connection:
            for table in reversed(db.metadata.sorted_tables):
                connection.execute(table.delete())


@pytest.fixture
def app_context(app):
    with app.app_context():
        yield
        db.session.remove()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def hidden_fields(html: str) -> dict[str, str]:
    """The hidden inputs of a page (CSRF and submission tokens), as form data."""
    fields = {}
    for tag in HIDDEN_INPUT.findall(html):
        match = NAME_VALUE.search(tag)
        if match:
            fields[match.group(1)] = match.group(2)
    return fields


@pytest.fixture
def sign_in(client, app):
    """Sign in as a new staff member with `role`; returns the user's email."""
    from tests.factories import make_user

    def _sign_in(role: str) -> str:
        with app.app_context():
            email = make_user(role).email
            db.session.commit()
        page = client.get("/staff/sign-in").get_data(as_text=True)
        data = hidden_fields(page) | {"email": email, "password": "correct horse battery"}
        response = client.post("/staff/sign-in", data=data)
        assert response.status_code == 302, response.get_data(as_text=True)
        return email

    return _sign_in
