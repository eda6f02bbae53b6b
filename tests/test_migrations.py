"""The Alembic migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""

import os

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, text

from config import TestConfig
from engage import create_app
from engage.cli import upgrade_database
from engage.extensions import db


def _upgrade_and_compare(tmp_path, uri, engine_options=None):
    overrides = {"INSTANCE_PATH": str(tmp_path), "SQLALCHEMY_DATABASE_URI": uri}
    if engine_options:
        overrides["SQLALCHEMY_ENGINE_OPTIONS"] = engine_options
    app = create_app(TestConfig, overrides)
    with app.app_context():
        upgrade_database()
        with db.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            differences = compare_metadata(context, db.metadata)
        db.engine.dispose()
    return differences


def test_migrations_match_the_models_on_sqlite(tmp_path):
    assert _upgrade_and_compare(tmp_path, f"sqlite:///{tmp_path / 'migrated.sqlite'}") == []


@pytest.mark.skipif(
    not (os.environ.get("DATABASE_URL") or "").startswith("postgres"),
    reason="runs when DATABASE_URL points at PostgreSQL (as in .ci/run)",
)
def test_migrations_match_the_models_on_postgresql(tmp_path):
    url = os.environ["DATABASE_URL"].replace("postgresql://", "postgresql+psycopg://", 1)
    admin = create_engine(url)
    with admin.begin() as connection:
        connection.execute(text("DROP SCHEMA IF EXISTS migration_check CASCADE"))
        connection.execute(text("CREATE SCHEMA migration_check"))
    try:
        options = {"connect_args": {"options": "-csearch_path=migration_check"}}
        assert _upgrade_and_compare(tmp_path, url, options) == []
    finally:
        with admin.begin() as connection:
            connection.execute(text("DROP SCHEMA migration_check CASCADE"))
        admin.dispose()


def test_test_config_reads_database_url_from_the_environment():
    assert TestConfig.SQLALCHEMY_DATABASE_URI == os.environ.get("DATABASE_URL")
