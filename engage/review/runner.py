"""Runs queued theme runs outside the web request.

The AnalysisRun table is the queue. With THEME_RUNNER = "thread" (one machine) a staff button
starts a background thread in the same process; with "worker" the app only queues, and
`engage themes worker` (any number of them, on any machine sharing the database) claims runs
one at a time with an atomic UPDATE, so two workers never take the same run.
"""

import logging
import threading
import time

from sqlalchemy import select, update

from ..audit import record_event
from ..extensions import db
from . import theme_runs
from .models import AnalysisRun, RunStatus

log = logging.getLogger(__name__)


def launch(app, run_id: int) -> None:
    """Called after the queued run is committed."""
    if app.config.get("THEME_RUNNER", "thread") == "thread":
        threading.Thread(target=_work_in_app, args=(app, run_id), daemon=True).start()


def _work_in_app(app, run_id: int) -> None:
    with app.app_context():
        if claim(run_id):
            work(run_id, app.config["THEME_ENCODER"])
        db.session.remove()


def claim(run_id: int) -> bool:
    """Take a queued run; False if another worker already has it."""
    taken = db.session.execute(
        update(AnalysisRun)
        .where(AnalysisRun.id == run_id, AnalysisRun.status == RunStatus.QUEUED)
        .values(status=RunStatus.RUNNING, progress=0, message="")
    ).rowcount
    db.session.commit()
    return taken == 1


def claim_next() -> int | None:
    """The oldest queued run, claimed; None when the queue is empty."""
    while True:
        run_id = db.session.scalar(
            select(AnalysisRun.id)
            .where(AnalysisRun.status == RunStatus.QUEUED)
            .order_by(AnalysisRun.id)
            .limit(1)
        )
        db.session.commit()
        if run_id is None:
            return None
        if claim(run_id):
            return run_id


def work(run_id: int, encoder_name: str) -> None:
    """Carry out a claimed run, committing progress as it goes; failures are recorded."""
    run = db.session.get(AnalysisRun, run_id)
    theme_runs.mark_running(run)
    db.session.commit()

    def report(progress: int, message: str) -> None:
        run.progress, run.message = progress, message
        db.session.commit()

    try:
        theme_runs.execute_run(run, encoder_name, report)
        theme_runs.mark_finished(run)
        record_event(None, "themes.run_finished", run, {"themes": len(run.themes)})
        db.session.commit()
    except Exception as error:  # a failed run must say so, not stay "running" forever
        log.exception("theme run %s failed", run_id)
        db.session.rollback()
        run = db.session.get(AnalysisRun, run_id)
        theme_runs.mark_finished(run, error=f"{type(error).__name__}: {error}")
        record_event(None, "themes.run_failed", run, {"error": run.message})
        db.session.commit()


def work_forever(encoder_name: str, poll_seconds: float = 2.0, once: bool = False) -> int:
    """The separate worker's loop; returns how many runs it did (with `once`, until empty)."""
    done = 0
    while True:
        run_id = claim_next()
        if run_id is not None:
            work(run_id, encoder_name)
            done += 1
            continue
        if once:
            return done
        time.sleep(poll_seconds)
