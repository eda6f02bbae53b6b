"""Benchmark: the participation dashboard under gunicorn, with 1 and 8 staff at once, by size.

    python bench/dashboard.py [--sizes 100000,1000000] [--staff 1,8] [--seconds 10]

For each size, seeds a fresh database (SQLite in a temporary folder, or with DATABASE_URL a
database of its own on that server, `--pg-database`, dropped and made again) with that many
responses by set-based SQL (generate_series; a recursive CTE on SQLite), brings the response
counts in step with `rebuild_counts`, and serves Engage as `bench/load.py` does (gunicorn -w 2,
production config, rate limits off). Then:
- each number of staff in `--staff` signs in and reloads the dashboard back to back for
  `--seconds`: p50 and p99 of a page, pages served, and the landing page with one client beside
  it as a baseline;
- survey submissions (GET, POST, GET receipt, `--clients` clients) for `--seconds` with nobody
  watching, then for `--seconds` while one staff member reloads the dashboard back to back.
The 1-minute load average is printed beside each figure: the machine may be shared.
"""

import argparse
import os
import random
import secrets
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import load  # noqa: E402

from config import TestConfig  # noqa: E402
from engage import create_app  # noqa: E402
from engage.extensions import db  # noqa: E402

STAFF_EMAIL = "bench{}@district.org"
STAFF_PASSWORD = "bench password 123"  # noqa: S105
LANGUAGES = ["en", "es", "zh-Hans", "vi", "ar", "pt-BR", "ht", "so", "hmn"]
ROLES = ["parent", "student", "staff", "community", None]
SCHOOLS = [
    "lincoln-elementary",
    "riverside-elementary",
    "jefferson-middle",
    "westview-high",
    "eastside-high",
    None,
]
CHANNELS = [None, None, None, "flyer-es", "sms-en", "qr-so", "meeting-vi"]


def seed(uri: str, folder: Path, n_responses: int, n_staff: int) -> int:
    """Schema by migrations, the survey, targets, staff, then `n_responses` by bulk insert."""
    from engage.auth.services import create_user
    from engage.cli import upgrade_database
    from engage.engagements.models import Engagement, EngagementStatus, TargetDimension
    from engage.engagements.services import set_targets
    from engage.i18n import KNOWN_LANGUAGES
    from engage.review.counts import rebuild_counts
    from engage.surveys.loader import load_survey_file
    from engage.surveys.services import find_open_survey, import_surveys

    app = create_app(
        TestConfig,
        {"INSTANCE_PATH": str(folder), "SQLALCHEMY_DATABASE_URI": uri, "RATELIMIT_ENABLED": False},
    )
    rng = random.Random(7)
    with app.app_context():
        upgrade_database()
        engagement = Engagement(slug="bench", name={"en": "Bench"}, status=EngagementStatus.OPEN)
        db.session.add(engagement)
        survey_file = Path(__file__).resolve().parents[1] / "surveys" / "graduate-profile.toml"
        import_surveys([load_survey_file(survey_file, KNOWN_LANGUAGES)], engagement=engagement)
        survey = find_open_survey("graduate-profile")
        hopes = next(q for q in survey.questions if q.key == "hopes")
        set_targets(
            engagement,
            {
                TargetDimension.LANGUAGE: {code: rng.randint(300, 9000) for code in LANGUAGES},
                TargetDimension.SCHOOL: {"westview-high": 4000, "eastside-high": 3500},
            },
            actor=None,
        )
        for i in range(n_staff):
            create_user(STAFF_EMAIL.format(i), STAFF_PASSWORD, "facilitator")
        db.session.commit()
        bulk_responses(survey.id, hopes.id, n_responses, rng)
        rebuild_counts()
        db.session.commit()
        engagement_id = engagement.id
    with app.app_context():
        db.engine.dispose()
    return engagement_id


def bulk_responses(survey_id: int, question_id: int, n: int, rng: random.Random) -> None:
    """Responses with one open answer each, by set-based SQL (generate_series on PostgreSQL,
    a recursive CTE on SQLite): the database makes the rows, nothing passes through Python.
    Languages, roles, schools, channels and answers are drawn at random, times over 60 days."""
    sqlite = db.session.get_bind().dialect.name == "sqlite"
    first = (db.session.scalar(db.text("SELECT max(id) FROM responses")) or 0) + 1
    first_answer = (db.session.scalar(db.text("SELECT max(id) FROM answers")) or 0) + 1
    start = datetime.now(UTC) - timedelta(days=60)
    values = {
        "survey": survey_id,
        "question": question_id,
        "first": first,
        "last": first + n - 1,
        "offset": first_answer - first,
    }
    pools = {
        "languages": LANGUAGES,
        "channels": CHANNELS,
        "roles": ROLES,
        "schools": SCHOOLS,
        "answers": load.ANSWERS,
    }
    if sqlite:
        import json

        values |= {name: json.dumps(pool) for name, pool in pools.items()}
        values["start"] = start.replace(tzinfo=None).isoformat(" ")

        def pick(name):
            return f"json_extract(:{name}, '$[' || (abs(random()) % {len(pools[name])}) || ']')"

        numbers = (
            "WITH RECURSIVE seq(i) AS (SELECT :first UNION ALL SELECT i + 1 FROM seq "
            "WHERE i < :last) "
        )
        responses = (
            numbers + "INSERT INTO responses (id, survey_id, language, submitted_at, source, "  # noqa: S608
            "receipt_code, submission_token, channel, role, school) "
            f"SELECT i, :survey, {pick('languages')}, "
            "datetime(:start, '+' || (abs(random()) % 5184000) || ' seconds'), 'WEB', "
            "'B' || printf('%09d', i), printf('%032x', i), "
            f"{pick('channels')}, {pick('roles')}, {pick('schools')} FROM seq"
        )
        answers = (
            numbers + "INSERT INTO answers (id, response_id, question_id, text, shareable) "  # noqa: S608
            f"SELECT i + :offset, i, :question, {pick('answers')}, 0 FROM seq"
        )
    else:
        values |= pools
        values["start"] = start

        def pick(name):
            return f"(CAST(:{name} AS text[]))[1 + floor(random() * {len(pools[name])})::int]"

        responses = (
            "INSERT INTO responses (id, survey_id, language, submitted_at, source, "  # noqa: S608
            "receipt_code, submission_token, channel, role, school) "
            f"SELECT g, :survey, {pick('languages')}, "
            "CAST(:start AS timestamptz) + random() * interval '60 days', 'WEB', "
            "'B' || lpad(g::text, 9, '0'), lpad(to_hex(g), 32, '0'), "
            f"{pick('channels')}, {pick('roles')}, {pick('schools')} "
            "FROM generate_series(CAST(:first AS bigint), CAST(:last AS bigint)) AS g"
        )
        answers = (
            "INSERT INTO answers (id, response_id, question_id, text, shareable) "  # noqa: S608
            f"SELECT g + :offset, g, :question, {pick('answers')}, false "
            "FROM generate_series(CAST(:first AS bigint), CAST(:last AS bigint)) AS g"
        )
    db.session.execute(db.text(responses), values)
    db.session.execute(db.text(answers), values)
    if not sqlite:
        for table in ("responses", "answers"):
            db.session.execute(
                db.text(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
                    f"(SELECT max(id) FROM {table}))"
                )
            )
    db.session.commit()
    if not sqlite:
        # Vacuumed and analysed as autovacuum would leave a table that has lived a while, so
        # the measurement does not run beside autovacuum's first pass over the new rows.
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(db.text("VACUUM (ANALYZE) responses"))
            connection.execute(db.text("VACUUM (ANALYZE) answers"))


def sign_in(port: int, index: int) -> dict:
    jar: dict[str, str] = {}
    status, _h, page = load.request(port, "GET", "/staff/sign-in", jar)
    hidden = load.hidden_values(page)
    body = urlencode({**hidden, "email": STAFF_EMAIL.format(index), "password": STAFF_PASSWORD})
    status, headers, _page = load.request(port, "POST", "/staff/sign-in", jar, body)
    if status not in (302, 303):
        raise RuntimeError(f"sign-in answered {status}")
    return jar


def watch(port: int, path: str, jars: list[dict], seconds: float, stop=None) -> tuple:
    """Each jar's staff member reloads `path` back to back; (latencies, failures)."""
    stop_at = time.perf_counter() + seconds
    times: list[list[float]] = [[] for _ in jars]
    failures: dict[str, int] = {}

    def staff(i):
        while time.perf_counter() < stop_at and not (stop and stop.is_set()):
            began = time.perf_counter()
            try:
                status = load.request(port, "GET", path, jars[i])[0]
            except OSError as error:
                status = type(error).__name__
            if status == 200:
                times[i].append(time.perf_counter() - began)
            else:
                failures[str(status)] = failures.get(str(status), 0) + 1

    threads = [threading.Thread(target=staff, args=(i,), daemon=True) for i in range(len(jars))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return [t for each in times for t in each], failures


def settle(port: int, timeout: float = 300) -> float:
    """Wait until the landing page answers within a second again: requests a timed-out client
    gave up on may still be queued in gunicorn, and would weigh on the next measurement."""
    began = time.perf_counter()
    while time.perf_counter() - began < timeout:
        start = time.perf_counter()
        try:
            if load.request(port, "GET", "/en/", {})[0] == 200 and time.perf_counter() - start < 1:
                break
        except OSError:
            pass
        time.sleep(1)
    return time.perf_counter() - began


def bench_size(label, uri, env, folder, n, args) -> None:
    began = time.perf_counter()
    engagement_id = seed(uri, folder, n, max(args.staff))
    seeded = time.perf_counter() - began
    server = load.Gunicorn(
        "engage", "engage.wsgi:app", env, folder, args.workers, load.worker_settings(args)
    )
    try:
        server.wait_ready(load.SURVEY_PATH)
        dashboard = f"/staff/review/engagements/{engagement_id}"
        jars = [sign_in(server.port, i) for i in range(max(args.staff))]
        watch(server.port, dashboard, jars[:1], 1.0)  # warm a worker's caches
        print(
            f"\n== {label}, {n:,} responses (seeded in {seeded:.0f} s), "
            f"gunicorn -w {args.workers}{load.threads_label(args)} =="
        )
        print(f"{'page':<22}{'staff':>6}{'pages':>7}{'p50 ms':>8}{'p99 ms':>8}{'load 1m':>9}")
        for staff in args.staff:
            settle(server.port)
            times, failures = watch(server.port, dashboard, jars[:staff], args.seconds)
            _row("dashboard", staff, times, failures)
        settle(server.port)
        times, failures = watch(server.port, "/en/", [{}], args.seconds / 2)
        _row("landing (baseline)", 1, times, failures)
        app = load.App("engage", server.port, load.SURVEY_PATH)
        settle(server.port)
        alone, alone_s = load.drive(app, args.clients, args.seconds, 0)
        alone_load = os.getloadavg()[0]
        stop = threading.Event()
        watcher = threading.Thread(
            target=watch, args=(server.port, dashboard, jars[:1], args.seconds + 5, stop)
        )
        watcher.start()
        watched, watched_s = load.drive(app, args.clients, args.seconds, 0)
        stop.set()
        watcher.join()
        rate_alone = sum(r.outcome == "ok" for r in alone) / alone_s
        rate_watched = sum(r.outcome == "ok" for r in watched) / watched_s
        print(
            f"survey submissions/s ({args.clients} clients): nobody watching {rate_alone:.1f} "
            f"(load {alone_load:.1f}), one staff watching {rate_watched:.1f} "
            f"(load {os.getloadavg()[0]:.1f}): {rate_watched / rate_alone:.2f}x"
        )
    finally:
        server.stop()


def _row(name, staff, times, failures):
    p50 = load.percentile(times, 0.5) * 1000
    p99 = load.percentile(times, 0.99) * 1000
    failed = ""
    if failures:
        # RemoteDisconnected: gunicorn killed the worker at its timeout (30 s by default).
        failed = "  failed: " + ", ".join(f"{kind} x{n}" for kind, n in sorted(failures.items()))
    print(
        f"{name:<22}{staff:>6}{len(times):>7}{p50:>8.0f}{p99:>8.0f}"
        f"{os.getloadavg()[0]:>9.1f}{failed}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100000,1000000", help="numbers of responses")
    parser.add_argument("--staff", default="1,8", help="staff reloading the dashboard at once")
    parser.add_argument("--seconds", type=float, default=10.0, help="per measurement")
    parser.add_argument("--clients", type=int, default=8, help="survey clients")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--threads", type=int, default=1, help="threads per worker (gthread)")
    parser.add_argument("--pg-database", default="engage_load", help="with DATABASE_URL")
    args = parser.parse_args()
    args.staff = [int(s) for s in args.staff.split(",")]
    sizes = [int(s.replace("_", "")) for s in args.sizes.split(",")]
    print(f"load average before: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    for n in sizes:
        folder = Path(tempfile.mkdtemp(prefix="engage-bench-dashboard-"))
        try:
            if os.environ.get("DATABASE_URL"):
                uri = load.fresh_database(os.environ["DATABASE_URL"], args.pg_database)
                label = f"PostgreSQL ({args.pg_database})"
            else:
                uri = f"sqlite:///{folder}/engage.sqlite"
                label = "SQLite"
            env = load.engage_environment(folder, uri if uri.startswith("postgresql") else None)
            env["SECRET_KEY"] = secrets.token_hex(32)
            bench_size(label, uri, env, folder, n, args)
        finally:
            import shutil

            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
