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


def test_engagement_groups_are_seeded_from_existing_school_and_role_choices(tmp_path):
    """f140000001 gives each engagement the schools and groups its surveys already offered."""
    from flask_migrate import upgrade

    from config import BASE_DIR

    uri = f"sqlite:///{tmp_path / 'seeded.sqlite'}"
    app = create_app(TestConfig, {"INSTANCE_PATH": str(tmp_path), "SQLALCHEMY_DATABASE_URI": uri})
    with app.app_context():
        upgrade(directory=str(BASE_DIR / "migrations"), revision="e700000001")
        with db.engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO engagements (id, slug, name, status, default_language,"
                    " created_at) VALUES (1, 'e', '{}', 'OPEN', 'en', '2026-01-01')"
                )
            )
            connection.execute(
                text(
                    "INSERT INTO surveys (id, slug, version, engagement_id, status,"
                    " default_language, languages, title, intro, next_steps, content_hash,"
                    " source_file, imported_at) VALUES (1, 's', 1, 1, 'OPEN', 'en', '[\"en\"]',"
                    " '{}', '{}', '{}', 'h', 'f', '2026-01-01')"
                )
            )
            connection.execute(
                text(
                    "INSERT INTO questions (id, survey_id, key, position, kind, required,"
                    " demographic, maps_to, section, text, help) VALUES"
                    " (1, 1, 'school', 0, 'SINGLE', 0, 0, 'school', '{}', '{}', '{}'),"
                    " (2, 1, 'hopes', 1, 'OPEN', 0, 0, NULL, '{}', '{}', '{}')"
                )
            )
            connection.execute(
                text(
                    "INSERT INTO options (question_id, value, position, text) VALUES"
                    ' (1, \'north\', 0, \'{"en": "North", "es": "Norte"}\'),'
                    " (1, 'none', 1, '{\"en\": \"Prefer not to say\"}')"
                )
            )
        upgrade(directory=str(BASE_DIR / "migrations"))
        with db.engine.connect() as connection:
            rows = connection.execute(
                text("SELECT engagement_id, kind, code, name FROM engagement_groups")
            ).all()
        db.engine.dispose()
    assert [(r[0], r[1], r[2]) for r in rows] == [(1, "SCHOOL", "north")]
    assert "Norte" in rows[0][3]
