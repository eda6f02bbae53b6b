"""Profile the participation dashboard in-process at a given number of responses.

    python bench/profile_dashboard.py [--responses 100000] [--count 50] [--database-url URL]

Seeds as `bench/dashboard.py` does (SQLite in a temporary folder, or DATABASE_URL's server in a
database `engage_profile_dash` made afresh), signs one staff member in through the production
app, then loads the dashboard `--count` times under cProfile. Prints each SQL statement with
its time per page, and the top of the profile.
"""

import argparse
import cProfile
import os
import pstats
import secrets
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(BENCH.parent))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--responses", type=int, default=100_000)
    parser.add_argument("--count", type=int, default=50)
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"))
    parser.add_argument("--sort", default="cumulative")
    parser.add_argument("--lines", type=int, default=60)
    args = parser.parse_args()
    import dashboard
    import load

    folder = Path(tempfile.mkdtemp(prefix="engage-profile-dashboard-"))
    if args.database_url:
        uri = load.fresh_database(args.database_url, "engage_profile_dash")
    else:
        uri = f"sqlite:///{folder}/engage.sqlite"
    began = time.perf_counter()
    engagement_id = dashboard.seed(uri, folder, args.responses, 1)
    print(f"seeded {args.responses:,} responses in {time.perf_counter() - began:.1f} s")
    from sqlalchemy import event

    from config import ProductionConfig
    from engage import create_app
    from engage.extensions import db

    app = create_app(  # as bench/load.py serves it (its environment, read by the config class)
        ProductionConfig,
        {
            "INSTANCE_PATH": str(folder),
            "SQLALCHEMY_DATABASE_URI": uri,
            "SECRET_KEY": secrets.token_hex(32),
            "RATELIMIT_ENABLED": False,
            "SESSION_COOKIE_SECURE": False,
        },
    )
    with app.app_context():
        engine = db.engine
    statements: dict[str, list[float]] = {}
    recording = {"on": False}

    @event.listens_for(engine, "before_cursor_execute")
    def _before(_connection, _cursor, _sql, _parameters, context, _executemany):
        context._bench_began = time.perf_counter()

    @event.listens_for(engine, "after_cursor_execute")
    def _after(_connection, _cursor, sql, _parameters, context, _executemany):
        if recording["on"]:
            took = time.perf_counter() - context._bench_began
            statements.setdefault(" ".join(sql.split())[:150], []).append(took)

    client = app.test_client()
    page = client.get("/staff/sign-in").get_data(True)
    hidden = load.hidden_values(page)
    signed = client.post(
        "/staff/sign-in",
        data=urlencode(
            {
                **hidden,
                "email": dashboard.STAFF_EMAIL.format(0),
                "password": dashboard.STAFF_PASSWORD,
            }
        ),
        content_type="application/x-www-form-urlencoded",
    )
    assert signed.status_code in (302, 303), signed.status_code
    path = f"/staff/review/engagements/{engagement_id}"
    for _ in range(3):
        assert client.get(path).status_code == 200
    recording["on"] = True
    profile = cProfile.Profile()
    began, cpu = time.perf_counter(), time.process_time()
    profile.enable()
    for _ in range(args.count):
        assert client.get(path).status_code == 200
    profile.disable()
    recording["on"] = False
    wall, used = time.perf_counter() - began, time.process_time() - cpu
    print(
        f"{args.count} pages under the profiler: {wall / args.count * 1000:.1f} ms each "
        f"(CPU {used / args.count * 1000:.1f} ms)"
    )
    total = 0.0
    for sql, times in sorted(statements.items(), key=lambda item: -sum(item[1])):
        total += sum(times)
        print(
            f"  {sum(times) / args.count * 1000:7.2f} ms/page"
            f"  x{len(times) / args.count:.0f}  {sql}"
        )
    print(f"SQL: {total / args.count * 1000:.1f} ms per page")
    began = time.perf_counter()
    for _ in range(args.count):
        client.get(path)
    print(f"without the profiler: {(time.perf_counter() - began) / args.count * 1000:.1f} ms")
    pstats.Stats(profile).sort_stats(args.sort).print_stats(args.lines)


if __name__ == "__main__":
    main()
