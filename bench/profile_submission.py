"""Profile full survey submissions in-process: the production app, the load client's requests.

    python bench/profile_submission.py [--count 300] [--database-url URL] [--sort tottime]

Sets up a fresh Engage (SQLite in a temporary folder, or DATABASE_URL's database made afresh as
engage_profile), then makes `--count` full submissions (GET the survey, POST it, GET the
receipt) through the WSGI app under cProfile, as `bench/load.py` makes them over HTTP. Prints
the SQL statements per request kind, the time per submission and the top of the profile.
"""

import argparse
import cProfile
import os
import pstats
import random
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
    parser.add_argument("--count", type=int, default=300)
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"))
    parser.add_argument("--sort", default="tottime")
    parser.add_argument("--lines", type=int, default=40)
    parser.add_argument(
        "--only", choices=["GET", "POST", "receipt"], help="profile only these requests"
    )
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="engage-profile-"))
    import load

    url = None
    if args.database_url:
        url = load.fresh_database(args.database_url, "engage_profile")
    env = load.engage_environment(folder, url)
    load.set_up_engage(env)
    os.environ.update(env)
    from sqlalchemy import event

    from config import config_from_environment
    from engage import create_app
    from engage.extensions import db

    app = create_app(config_from_environment())
    statements = {"kind": None, "counts": {}, "uncached": {}, "profile": None}
    with app.app_context():
        engine = db.engine

    @event.listens_for(engine, "before_cursor_execute")
    def _count(_connection, _cursor, sql, _parameters, context, _executemany):
        kind = statements["kind"]
        statements["counts"][kind] = statements["counts"].get(kind, 0) + 1
        stats = context._get_cache_stats() if context is not None else ""
        if not stats.startswith("cached"):  # compiled afresh: worth building once
            key = (kind, stats.split(" ")[0], sql[:60])
            statements["uncached"][key] = statements["uncached"].get(key, 0) + 1

    timings = {}
    inner = app.wsgi_app

    def timed(environ, start_response):
        began, cpu = time.perf_counter(), time.thread_time()
        only = statements["profile"] if args.only == statements["kind"] else None
        if only is not None:
            only.enable()
        try:
            return inner(environ, start_response)
        finally:
            if only is not None:
                only.disable()
            kind = statements["kind"]
            wall, used = timings.get(kind, (0.0, 0.0))
            timings[kind] = (
                wall + time.perf_counter() - began,
                used + time.thread_time() - cpu,
            )

    app.wsgi_app = timed
    client = app.test_client()
    rng = random.Random(1)
    form_cache = {}

    def submission():
        client._cookies.clear()
        statements["kind"] = "GET"
        page = client.get(load.SURVEY_PATH, headers={"Accept-Language": "en"}).get_data(True)
        form = form_cache.get("form") or form_cache.setdefault("form", load.parse_form(page))
        pairs, _typed = load.fill(form, load.hidden_values(page), rng)
        statements["kind"] = "POST"
        posted = client.post(
            form.action or load.SURVEY_PATH,
            data=urlencode(pairs),
            content_type="application/x-www-form-urlencoded",
        )
        assert posted.status_code == 303, (posted.status_code, posted.get_data(True)[:2000])
        statements["kind"] = "receipt"
        receipt = client.get(posted.headers["Location"])
        assert receipt.status_code == 200

    for _ in range(20):  # warm the caches
        submission()
    statements["counts"].clear()
    statements["uncached"].clear()
    timings.clear()
    profile = cProfile.Profile()
    began = time.perf_counter()
    if args.only:
        statements["profile"] = profile
    else:
        profile.enable()
    for _ in range(args.count):
        submission()
    profile.disable()
    statements["profile"] = None
    elapsed = time.perf_counter() - began
    print(
        f"{args.count} submissions in {elapsed:.2f} s under the profiler: "
        f"{elapsed / args.count * 1000:.2f} ms each"
    )
    for kind, count in statements["counts"].items():
        print(f"SQL statements per {kind}: {count / args.count:.1f}")
    for (kind, stats, sql), count in statements["uncached"].items():
        print(f"  not from the compiled cache ({stats}) in {kind} x{count}: {sql}")
    timings.clear()
    began = time.perf_counter()
    for _ in range(args.count):
        submission()
    plain = time.perf_counter() - began
    print(f"without the profiler: {plain / args.count * 1000:.2f} ms each, in the app:")
    for kind, (wall, used) in timings.items():
        print(
            f"  {kind}: {wall / args.count * 1000:.2f} ms, "
            f"of which CPU {used / args.count * 1000:.2f} ms"
        )
    pstats.Stats(profile).sort_stats(args.sort).print_stats(args.lines)


if __name__ == "__main__":
    main()
