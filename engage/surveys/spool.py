"""The spool: survey answers kept on the app server while the database is unreachable.

A submission whose POST cannot reach the database is written to a local SQLite file
(`SPOOL_PATH`, by default `spool.sqlite` in the instance folder; synchronous=FULL, so it is on
disk before the family sees a receipt). The submission token is the key: sending the same form
again while the database is down keeps one entry and gives back the same receipt code.

`drain` moves entries into the database when it is back, exactly once: each entry is stored
with its token (unique in `responses`), committed, and only then deleted from the spool. A
crash between the commit and the delete leaves the entry; the next drain finds its token
already stored and only deletes it. Two drains at once (two workers) collide on the token the
same way. The app drains in a background thread (`SPOOL_DRAINER = "thread"`) and
`engage spool drain` does it by hand.
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import time
from contextlib import closing
from datetime import datetime
from pathlib import Path

from flask import Flask, current_app
from sqlalchemy import select
from sqlalchemy.exc import (
    DBAPIError,
    IntegrityError,
    InterfaceError,
    OperationalError,
)
from sqlalchemy.exc import (
    TimeoutError as PoolTimeoutError,
)

from ..background import start_once

log = logging.getLogger(__name__)

SCHEMA = """
CREATE TABLE IF NOT EXISTS spooled (
    token TEXT PRIMARY KEY,
    receipt_code TEXT NOT NULL UNIQUE,
    survey_id INTEGER NOT NULL,
    content_hash TEXT NOT NULL,
    language TEXT NOT NULL,
    submitted_at TEXT NOT NULL,
    payload TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT
)
"""


class SpoolUnavailable(Exception):
    """The spool could not be written (disk full, no permission, missing folder)."""


def database_unreachable(error: BaseException) -> bool:
    """Whether an error means the database cannot be reached (rather than a bug or bad data)."""
    if isinstance(error, IntegrityError):
        return False
    if isinstance(error, OperationalError | InterfaceError | PoolTimeoutError):
        return True
    return isinstance(error, DBAPIError) and bool(error.connection_invalidated)


def spool_path(app: Flask | None = None) -> Path:
    app = app or current_app
    configured = app.config.get("SPOOL_PATH")
    return Path(configured) if configured else Path(app.instance_path) / "spool.sqlite"


def _connect(path: Path, create: bool = True) -> sqlite3.Connection:
    new = not path.exists()
    if new and not create:
        raise FileNotFoundError(path)
    connection = sqlite3.connect(path, timeout=10, isolation_level=None)
    if new:
        os.chmod(path, 0o600)  # answers wait here: only the app's own user reads them
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=FULL")  # fsync before a receipt is shown
    connection.execute(SCHEMA)
    return connection


def write(
    survey,
    language: str,
    answers: dict,
    token: str,
    *,
    shared=(),
    channel: str | None = None,
    receipt_code: str,
    submitted_at: datetime,
    app: Flask | None = None,
) -> str:
    """Keep one submission; returns its receipt code (the first one, for a resent form)."""
    payload = json.dumps(
        {"answers": answers, "shared": sorted(shared), "channel": channel}, ensure_ascii=False
    )
    try:
        with closing(_connect(spool_path(app))) as connection:
            connection.execute(
                "INSERT OR IGNORE INTO spooled (token, receipt_code, survey_id, content_hash,"
                " language, submitted_at, payload) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    token,
                    receipt_code,
                    survey.id,
                    survey.content_hash,
                    language,
                    submitted_at.isoformat(),
                    payload,
                ),
            )
            row = connection.execute(
                "SELECT receipt_code FROM spooled WHERE token = ?", (token,)
            ).fetchone()
    except (sqlite3.Error, OSError) as error:
        raise SpoolUnavailable(str(error)) from error
    if row is None:  # pragma: no cover - the row was just written
        raise SpoolUnavailable("spooled entry not found after writing it")
    return row[0]


def holds_receipt(code: str, app: Flask | None = None) -> bool:
    """Whether a receipt code belongs to an answer waiting in the spool."""
    try:
        with closing(_connect(spool_path(app), create=False)) as connection:
            row = connection.execute(
                "SELECT 1 FROM spooled WHERE receipt_code = ?", (code.strip().upper(),)
            ).fetchone()
    except (sqlite3.Error, OSError):
        return False
    return row is not None


def status(app: Flask | None = None) -> dict:
    """How many answers wait, since when, and how many failed to drain at least once."""
    path = spool_path(app)
    summary = {"path": str(path), "waiting": 0, "oldest": None, "failing": 0, "last_error": None}
    try:
        with closing(_connect(path, create=False)) as connection:
            waiting, oldest, failing = connection.execute(
                "SELECT count(*), min(submitted_at), sum(attempts > 0) FROM spooled"
            ).fetchone()
            last = connection.execute(
                "SELECT last_error FROM spooled WHERE last_error IS NOT NULL"
                " ORDER BY submitted_at DESC LIMIT 1"
            ).fetchone()
    except FileNotFoundError:
        return summary
    summary.update(waiting=waiting, oldest=oldest, failing=failing or 0)
    summary["last_error"] = last[0] if last else None
    return summary


def _delete(connection: sqlite3.Connection, token: str) -> None:
    connection.execute("DELETE FROM spooled WHERE token = ?", (token,))


def drain(app: Flask | None = None, limit: int | None = None) -> dict:
    """Move spooled answers into the database, exactly once each (see the module docstring).

    Stops at the first sign that the database is still unreachable. Returns counts: `stored`
    (new responses), `already` (the token was stored before: a retry or an earlier drain cut
    short), `failed` (kept in the spool with the error), `waiting` (left afterwards).
    """
    from ..extensions import db
    from . import cache, services

    app = app or current_app
    outcome = {"stored": 0, "already": 0, "failed": 0, "waiting": 0}
    try:
        connection = _connect(spool_path(app), create=False)
    except FileNotFoundError:
        return outcome
    with closing(connection):
        query = "SELECT * FROM spooled ORDER BY submitted_at, token"
        if limit:
            query += f" LIMIT {int(limit)}"
        connection.row_factory = sqlite3.Row
        entries = connection.execute(query).fetchall()
        for start in range(0, len(entries), BATCH):
            batch = entries[start : start + BATCH]
            try:
                results = _store_batch(batch, db, cache, services)
            except Exception as error:
                db.session.rollback()
                if database_unreachable(error):
                    log.warning("spool drain: database still unreachable (%s)", error)
                    break
                results = None  # one entry is in the way: take them one at a time
            if results is None and not _drain_one_by_one(batch, connection, outcome):
                break
            if results:
                # Committed (or found stored): only now may the entries go, in one transaction.
                connection.execute("BEGIN")
                for token in results:
                    _delete(connection, token)
                connection.execute("COMMIT")
                for result in results.values():
                    outcome[result] += 1
        outcome["waiting"] = connection.execute("SELECT count(*) FROM spooled").fetchone()[0]
    return outcome


#: Spooled answers stored per transaction while draining.
BATCH = 100


def _store_batch(batch, db, cache, services) -> dict[str, str]:
    """Store a batch in one transaction: token -> "stored" or "already"."""
    from .models import Response

    tokens = [entry["token"] for entry in batch]
    stored = set(
        db.session.scalars(
            select(Response.submission_token).where(Response.submission_token.in_(tokens))
        )
    )
    results, submissions = {}, []
    for entry in batch:
        if entry["token"] in stored or entry["token"] in results:
            results[entry["token"]] = "already"
            continue
        submissions.append(_submission(entry, cache))
        results[entry["token"]] = "stored"
    services.store_submissions(submissions)
    db.session.commit()
    return results


def _drain_one_by_one(batch, connection, outcome) -> bool:
    """The slow path for a batch that failed as a whole; False when the database is away."""
    from ..extensions import db
    from . import cache, services

    for entry in batch:
        try:
            result = _store(entry, db, cache, services)
        except Exception as error:
            db.session.rollback()
            if database_unreachable(error):
                log.warning("spool drain: database still unreachable (%s)", error)
                return False
            log.exception("spool drain: entry %s failed", entry["token"][:8])
            connection.execute(
                "UPDATE spooled SET attempts = attempts + 1, last_error = ? WHERE token = ?",
                (str(error)[:500], entry["token"]),
            )
            outcome["failed"] += 1
            continue
        _delete(connection, entry["token"])
        outcome[result] += 1
    return True


def _submission(entry, cache) -> dict:
    """A spooled entry as `services.store_submission(s)` takes it."""
    version = cache.version(entry["survey_id"], entry["content_hash"])
    if version is None:
        raise LookupError(f"survey version {entry['survey_id']} is no longer in the database")
    payload = json.loads(entry["payload"])
    return {
        "survey": version,
        "language": entry["language"],
        "answers": payload["answers"],
        "submission_token": entry["token"],
        "shared": set(payload.get("shared") or ()),
        "channel": payload.get("channel"),
        "receipt_code": entry["receipt_code"],
        "submitted_at": datetime.fromisoformat(entry["submitted_at"]),
    }


def _insert(entry, cache, services) -> None:
    submission = _submission(entry, cache)
    services.store_submission(submission.pop("survey"), **submission, only_if_open=False)


def _store(entry, db, cache, services) -> str:
    token = entry["token"]
    if services.receipt_for_token(token) is not None:
        db.session.rollback()
        return "already"
    try:
        _insert(entry, cache, services)
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        if services.receipt_for_token(token) is None:
            raise
        db.session.rollback()
        return "already"
    return "stored"


def start_drainer_thread(app: Flask) -> None:
    """With SPOOL_DRAINER = "thread", one background drainer per app process (started once)."""
    if app.config.get("SPOOL_DRAINER", "thread") == "thread":
        start_once(app, "engage-spool", _loop)


def _loop(app: Flask) -> None:
    while True:
        time.sleep(float(app.config.get("SPOOL_POLL_SECONDS", 5)))
        try:
            drain_round(app)
        except Exception:  # keep the drainer alive through anything
            log.exception("spool drain round failed")


def drain_round(app: Flask) -> dict | None:
    """One round of the background drainer: nothing at all unless answers are waiting."""
    if not spool_path(app).exists() or not status(app)["waiting"]:
        return None
    from ..extensions import db

    with app.app_context():
        try:
            outcome = drain(app)
        finally:
            db.session.remove()
    if outcome["stored"] or outcome["already"]:
        log.info("spool drained: %s", outcome)
    return outcome
