"""A database outage for tests: every new connection is refused, as when the server is down."""

from contextlib import contextmanager

from sqlalchemy import event

from engage.extensions import db


@contextmanager
def database_down(app):
    """Drop every pooled connection and refuse new ones until the block ends."""
    with app.app_context():
        engine = db.engine
        db.session.remove()
    dbapi = engine.dialect.loaded_dbapi

    def refuse(dialect, conn_rec, cargs, cparams):
        raise dbapi.OperationalError("connection refused: the database is down (test)")

    event.listen(engine, "do_connect", refuse)
    engine.dispose()
    try:
        yield
    finally:
        event.remove(engine, "do_connect", refuse)
        engine.dispose()
