"""Flask extensions, created unbound here and bound to an app in `create_app`."""

import hashlib
import hmac
import sqlite3

from flask import current_app, request
from flask_babel import Babel
from flask_limiter import Limiter
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData, event
from sqlalchemy.engine import Engine

# Named constraints: Alembic can only alter them on SQLite when they have names.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def client_key() -> str:
    """Rate-limit key for a browser or client that stores nothing about the person.

    The address is replaced by a keyed hash before it reaches the limiter's storage, so
    neither memory nor Redis ever holds an IP address.
    """
    address = (request.remote_addr or "unknown").encode()
    secret = (current_app.config.get("SECRET_KEY") or "").encode()
    return hmac.new(secret, address, hashlib.sha256).hexdigest()[:32]


db = SQLAlchemy(metadata=MetaData(naming_convention=NAMING_CONVENTION))
migrate = Migrate()
babel = Babel()
csrf = CSRFProtect()
login_manager = LoginManager()
limiter = Limiter(key_func=client_key, default_limits=[])


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, _record):
    """SQLite on one machine: readers never block the writer, writers wait instead of failing."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()
