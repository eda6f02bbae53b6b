"""Benchmark: full survey submissions against Engage and a bare Flask form app, side by side.

    python bench/load.py [--clients 8] [--seconds 20] [--rounds 2] [--fault kill-worker|db-outage]

A full submission is what a phone does: GET the survey, POST it with its CSRF token, GET the
receipt. Engage (`engage.wsgi:app`) and a bare form app (`bench/bare_app.py`: a form with a
CSRF-like token, one row inserted, a redirect to a receipt) each run under gunicorn with the
same settings (2 sync workers, production config, rate limits off since every client shares one
address) on 127.0.0.1, against SQLite in a temporary folder and, when DATABASE_URL is set, against
PostgreSQL in a database of its own (`--pg-database`, dropped and created again; never `test`).
The same client threads drive both apps in interleaved rounds (Engage, bare, bare, Engage, ...),
each round `--seconds / --rounds` long per app.

It prints, per database and app: full submissions per second, p50/p95/p99 of a full submission
(acknowledged ones), errors, answers lost (acknowledged with a receipt but not stored, counted
in the database after the run), duplicates, stored answers never acknowledged, Engage's rate and
p99 ratios to the bare app, and the 1-minute load average at the end of each round: the machine
may be shared, so read the figures beside it.

Faults (both apps get the same fault in their middle round, default one round of 30 s):
- `kill-worker`: kill -9 one gunicorn worker mid-round (gunicorn starts a new one).
- `db-outage`: both apps use a PostgreSQL instance of the benchmark's own (initdb into a
  temporary folder, port 55433 or the next free one, run as the postgres OS user when root); it
  is stopped for `--outage` seconds mid-round, then started again. The machine's own database is
  never stopped. It also prints how many clients saw a 5xx page, how many got a receipt for a
  POST sent while the database was down (a spooled receipt), how many got their form back and
  whether it still held what they typed, and how much the server log grew. Afterwards, if
  `engage spool drain` exists it is run and everything is counted again.

A client that gets a 5xx or a broken connection to its POST sends the same form again once
(`--resend`), as a family pressing Send again would: the submission token makes that safe.
"""

import argparse
import contextlib
import glob
import html
import http.client
import os
import random
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parents[1]
BENCH = Path(__file__).resolve().parent
SURVEY_PATH = "/en/surveys/graduate-profile"
RECEIPT_IN_PAGE = re.compile(r"\b[A-Z0-9]{4}-[A-Z0-9]{4}\b")
INPUT_TAG = re.compile(r"<input\b[^>]*>", re.IGNORECASE | re.DOTALL)
ATTRIBUTE = re.compile(r"([\w-]+)\s*=\s*\"([^\"]*)\"")
ANSWERS = [
    "Think for themselves and manage money",
    "Speak up for others and listen well",
    "Know how to cook, fix things and find a job",
    "Read carefully and write clearly in two languages",
    "Work with people who are different from them",
]


# ---------------------------------------------------------------- the client


def request(port: int, method: str, path: str, jar: dict, body: str | None = None):
    """One HTTP request on a new connection (gunicorn's sync workers close each one)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"User-Agent": "engage-bench-load", "Accept-Language": "en"}
    if jar:
        headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in jar.items())
    if body is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        data = response.read().decode("utf-8", "replace")
        for cookie in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = cookie.partition("=")
            jar[name.strip()] = rest.split(";", 1)[0]
        return response.status, response.headers, data
    finally:
        connection.close()


@dataclass
class FormField:
    tag: str  # input, select, textarea
    kind: str  # the input's type; "select"; "textarea"
    name: str
    value: str = ""
    options: list[str] = field(default_factory=list)


@dataclass
class Form:
    action: str
    fields: list[FormField]


class FormParser(HTMLParser):
    """Every input, select (with its options) and textarea of the form holding `marker`."""

    def __init__(self, marker: str):
        super().__init__(convert_charrefs=True)
        self.marker = marker
        self.forms: list[Form] = []
        self.current: Form | None = None
        self.select: FormField | None = None

    def handle_starttag(self, tag, attrs):
        attrs = {name: value or "" for name, value in attrs}
        if tag == "form":
            self.current = Form(attrs.get("action", ""), [])
            self.forms.append(self.current)
        elif self.current is None or not attrs.get("name") and tag != "option":
            return
        elif tag == "input":
            kind = attrs.get("type", "text").lower()
            self.current.fields.append(
                FormField("input", kind, attrs["name"], attrs.get("value", "on"))
            )
        elif tag == "select":
            self.select = FormField("select", "select", attrs["name"])
            self.current.fields.append(self.select)
        elif tag == "option" and self.select is not None and attrs.get("value"):
            self.select.options.append(attrs["value"])
        elif tag == "textarea":
            self.current.fields.append(FormField("textarea", "textarea", attrs["name"]))
        elif tag == "button" and attrs.get("value"):
            self.current.fields.append(FormField("input", "submit", attrs["name"], attrs["value"]))

    def handle_endtag(self, tag):
        if tag == "form":
            self.current = None
        elif tag == "select":
            self.select = None


def parse_form(page: str, marker: str = "submission_token") -> Form | None:
    parser = FormParser(marker)
    parser.feed(page)
    for form in parser.forms:
        if any(f.name == marker for f in form.fields):
            return form
    return None


def hidden_values(page: str) -> dict[str, str]:
    """The hidden inputs of a page, by regular expression (a full parse costs the client ~3 ms)."""
    values = {}
    for tag in INPUT_TAG.findall(page):
        attrs = dict(ATTRIBUTE.findall(tag))
        if attrs.get("type", "").lower() == "hidden" and "name" in attrs:
            values[attrs["name"]] = html.unescape(attrs.get("value", ""))
    return values


def fill(form: Form, hidden: dict[str, str], rng: random.Random) -> tuple[list, list[str]]:
    """Valid answers for every field: one radio per group, 1-3 boxes per group of checkboxes, a
    coin toss for a lone checkbox, distinct values for selects or radio groups offering the same
    options (the ranking places: a grid of radio groups, one per place), a sentence in every
    textarea. Returns the pairs and the texts typed."""
    pairs, typed = [], []
    groups: dict[tuple[str, str], list[FormField]] = {}
    for f in form.fields:
        if f.kind in ("radio", "checkbox"):
            groups.setdefault((f.kind, f.name), []).append(f)
    selects: dict[tuple, list[FormField]] = {}
    for f in form.fields:
        if f.tag == "select":
            selects.setdefault(tuple(f.options), []).append(f)
    radio_sets: dict[tuple, list[str]] = {}
    for (kind, name), members in groups.items():
        if kind == "radio":
            radio_sets.setdefault(tuple(m.value for m in members), []).append(name)
    chosen_radio: dict[str, str] = {}
    for values, names in radio_sets.items():
        picks = rng.sample(values, min(len(values), len(names)))
        for name, pick in zip(names, picks, strict=False):
            chosen_radio[name] = pick
    chosen_select: dict[str, str] = {}
    for options, members in selects.items():
        picks = rng.sample(options, min(len(options), len(members)))
        for member, pick in zip(members, picks, strict=False):
            chosen_select[member.name] = pick
    done = set()
    for f in form.fields:
        if f.kind == "hidden":
            pairs.append((f.name, hidden.get(f.name, f.value)))
        elif f.kind in ("radio", "checkbox"):
            key = (f.kind, f.name)
            if key in done:
                continue
            done.add(key)
            members = groups[key]
            if f.kind == "radio":
                pick = chosen_radio[f.name] if f.name in chosen_radio else rng.choice(members).value
                pairs.append((f.name, pick))
            elif len(members) == 1:
                if rng.random() < 0.5:
                    pairs.append((f.name, f.value))
            else:
                for member in rng.sample(members, rng.randint(1, min(3, len(members)))):
                    pairs.append((f.name, member.value))
        elif f.tag == "select":
            if f.name in chosen_select:
                pairs.append((f.name, chosen_select[f.name]))
        elif f.tag == "textarea":
            text = rng.choice(ANSWERS)
            typed.append(text)
            pairs.append((f.name, text))
        elif f.kind == "submit":
            pairs.append((f.name, f.value))
        elif f.kind in ("text", "email", "search", "tel", "number"):
            pairs.append((f.name, "3" if f.kind == "number" else "bench"))
    return pairs, typed


@dataclass
class Result:
    started: float  # time.perf_counter() when the submission began
    seconds: float  # the whole submission: GET, POST (and resend), GET receipt
    outcome: str  # ok, form-back, 5xx, error
    token: str | None = None
    receipt: str | None = None
    saw_5xx: bool = False
    text_kept: bool | None = None
    resent: bool = False
    posted: float | None = None  # time.perf_counter() when the (last) POST was sent
    detail: str = ""


class App:
    """One app under gunicorn, as the client sees it."""

    def __init__(self, name: str, port: int, form_path: str):
        self.name = name
        self.port = port
        self.form_path = form_path
        self.form: Form | None = None  # parsed once: the form's structure never changes
        self.lock = threading.Lock()

    def form_of(self, page: str) -> Form | None:
        if self.form is None:
            form = parse_form(page)
            with self.lock:
                self.form = self.form or form
        return self.form


def submit_once(app: App, rng: random.Random, resend: int) -> Result:
    jar: dict[str, str] = {}
    began = time.perf_counter()

    def result(outcome, **kwargs):
        return Result(began, time.perf_counter() - began, outcome, **kwargs)

    try:
        status, _headers, page = request(app.port, "GET", app.form_path, jar)
    except OSError as error:
        return result("error", detail=f"GET {type(error).__name__}")
    if status >= 500:
        return result("5xx", saw_5xx=True, detail=f"GET {status}")
    form = app.form_of(page) if status == 200 else None
    if form is None or 'name="submission_token"' not in page:
        return result("error", detail=f"GET {status} without a form")
    pairs, typed = fill(form, hidden_values(page), rng)
    token = dict(pairs).get("submission_token")
    body = urlencode(pairs)
    saw_5xx, resent, attempts, status, posted = False, False, 0, None, None
    while True:
        posted = time.perf_counter()
        try:
            status, headers, page = request(
                app.port, "POST", form.action or app.form_path, jar, body
            )
        except OSError:
            status = None
        if status is not None and status < 500:
            break
        saw_5xx = saw_5xx or status is not None
        if attempts >= resend:
            break
        attempts += 1
        resent = True
        time.sleep(1)
    common = {"token": token, "saw_5xx": saw_5xx, "resent": resent, "posted": posted}
    if status is None:
        return result("error", detail="POST connection failed", **common)
    location = headers.get("Location", "") if status in (301, 302, 303) else ""
    if "/receipt/" in location:
        code = location.rstrip("/").rsplit("/", 1)[-1]
        try:
            got, _h, _page = request(app.port, "GET", urlsplit(location).path, jar)
        except OSError:
            got = None
        if got == 200:
            return result("ok", receipt=code, **common)
        common["saw_5xx"] = saw_5xx or (got is not None and got >= 500)
        # Acknowledged all the same: the family has the code in the address bar.
        return result("ok", receipt=code, detail=f"receipt page {got}", **common)
    if status >= 500:
        return result("5xx", detail=f"POST {status}", **common)
    if 'name="submission_token"' in page:
        text = html.unescape(page)
        kept = all(t in text for t in typed)
        return result("form-back", text_kept=kept, detail=f"POST {status}", **common)
    found = RECEIPT_IN_PAGE.search(page) if status == 200 else None
    if found:  # a receipt page answered directly (a spool may do that)
        return result("ok", receipt=found.group(0), **common)
    return result("error", detail=f"POST {status}", **common)


def drive(app: App, clients: int, seconds: float, resend: int, fault=None) -> tuple:
    """`clients` threads submitting back to back for `seconds`; `fault(phase_start)` runs in a
    thread of its own. Returns the results and the phase's length."""
    stop_at = time.perf_counter() + seconds
    phase_start = time.perf_counter()
    per_thread: list[list[Result]] = [[] for _ in range(clients)]

    def client(index):
        rng = random.Random(f"{app.name}-{index}-{phase_start}")
        while time.perf_counter() < stop_at:
            per_thread[index].append(submit_once(app, rng, resend))

    threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(clients)]
    fault_thread = None
    if fault is not None:
        fault_thread = threading.Thread(target=fault, args=(phase_start,), daemon=True)
        fault_thread.start()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if fault_thread is not None:
        fault_thread.join()
    elapsed = time.perf_counter() - phase_start
    return [r for results in per_thread for r in results], elapsed


# ---------------------------------------------------------------- servers and databases


def free_port(preferred: int | None = None) -> int:
    import socket

    for port in [preferred] if preferred else []:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) != 0:
                return port
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def engage_command() -> list[str]:
    script = Path(sys.executable).with_name("engage")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "from engage.cli import main; main()"]


def run(command: list[str], env: dict, quiet: bool = True) -> subprocess.CompletedProcess:
    done = subprocess.run(command, env=env, capture_output=True, text=True, cwd=ROOT)  # noqa: S603
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed:\n{done.stdout}\n{done.stderr}")
    if not quiet:
        print(done.stdout.strip())
    return done


class Gunicorn:
    def __init__(self, name, target, env, folder, workers, extra=()):
        self.name = name
        self.port = free_port()
        self.log = Path(folder) / f"{name}-gunicorn.log"
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "-w",
            str(workers),
            "-b",
            f"127.0.0.1:{self.port}",
            "--chdir",
            str(ROOT),
            *extra,
            target,
        ]
        with open(self.log, "wb") as log:
            self.process = subprocess.Popen(  # noqa: S603
                command, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )

    def wait_ready(self, path: str, timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited:\n{self.log.read_text()[-3000:]}")
            try:
                if request(self.port, "GET", path, {})[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.3)
        raise RuntimeError(
            f"{self.name} not ready after {timeout} s:\n{self.log.read_text()[-3000:]}"
        )

    def workers(self) -> list[int]:
        children = []
        for stat in glob.glob("/proc/[0-9]*/stat"):
            try:
                fields = Path(stat).read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == self.process.pid:
                children.append(int(Path(stat).parent.name))
        return sorted(children)

    def log_bytes(self) -> int:
        return self.log.stat().st_size if self.log.exists() else 0

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


class OwnPostgres:
    """A PostgreSQL instance of the benchmark's own, in a temporary folder, on its own port."""

    def __init__(self, folder: Path, preferred_port: int = 55433):
        found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
        if not found:
            raise RuntimeError("initdb not found under /usr/lib/postgresql/*/bin")
        self.bin = Path(found[-1]).parent
        self.folder = folder
        self.data = folder / "data"
        self.port = free_port(preferred_port)
        self.as_user = []
        if os.geteuid() == 0:
            shutil.chown(folder, "postgres", "postgres")
            self.as_user = ["runuser", "-u", "postgres", "--"]
        self._pg(["initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "--no-sync"])
        self.start()
        self._pg(
            ["createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "engage_load"]
        )

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/engage_load"

    def _pg(self, command):
        done = subprocess.run(  # noqa: S603
            [*self.as_user, str(self.bin / command[0]), *command[1:]],
            capture_output=True,
            text=True,
        )
        if done.returncode != 0:
            raise RuntimeError(f"{command[0]} failed:\n{done.stdout}\n{done.stderr}")

    def start(self):
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1"
        log = self.folder / "postgres.log"
        self._pg(["pg_ctl", "-D", str(self.data), "-l", str(log), "-o", options, "-w", "start"])

    def stop(self):
        self._pg(["pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop"])

    def close(self):
        with contextlib.suppress(RuntimeError):
            self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)


def fresh_database(server_url: str, name: str) -> str:
    """Drop and create database `name` on DATABASE_URL's server; its URL."""
    import psycopg
    from sqlalchemy.engine import make_url

    if name in ("test", "postgres", "template0", "template1"):
        raise SystemExit(f"refusing to use the database {name!r}")
    url = make_url(server_url)
    with psycopg.connect(
        host=url.host or "127.0.0.1",
        port=url.port or 5432,
        user=url.username or "postgres",
        password=url.password,
        dbname="postgres",
        autocommit=True,
    ) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')
    return url.set(drivername="postgresql", database=name).render_as_string(hide_password=False)


def engage_environment(folder: Path, database_url: str | None) -> dict:
    env = dict(os.environ)
    env.pop("DATABASE_URL", None)
    env.update(
        ENGAGE_ENV="production",
        SECRET_KEY=secrets.token_hex(32),
        ENGAGE_INSTANCE_PATH=str(folder),
        RATELIMIT_ENABLED="0",
        # Plain HTTP on 127.0.0.1: a browser would not send a Secure cookie back.
        SESSION_COOKIE_SECURE="0",
    )
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def set_up_engage(env: dict) -> None:
    engage = engage_command()
    run([*engage, "init-db"], env)
    run([*engage, "create-engagement", "bench", "--name", "Bench"], env)
    run([*engage, "import-surveys", "--engagement", "bench"], env)


def stored(url: str, table: str) -> list[tuple[str, str]]:
    """(submission token, receipt code) of every stored row; None if the database is down."""
    from sqlalchemy import create_engine, text

    sys.path.insert(0, str(BENCH))
    from bare_app import database_url

    engine = create_engine(database_url(url))
    try:
        with engine.connect() as connection:
            rows = connection.execute(text(f"SELECT submission_token, receipt_code FROM {table}"))  # noqa: S608
            return [(row[0], row[1]) for row in rows]
    finally:
        engine.dispose()


# ---------------------------------------------------------------- figures


def percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered) + 0.5) - 1))]


@dataclass
class Run:
    app: str
    results: list[Result] = field(default_factory=list)
    seconds: float = 0.0
    loads: list[float] = field(default_factory=list)
    outages: list[tuple[float, float]] = field(default_factory=list)  # (down, up), perf_counter
    notes: list[str] = field(default_factory=list)
    log_growth: int = 0

    def acked(self) -> list[Result]:
        return [r for r in self.results if r.outcome == "ok"]

    def rate(self) -> float:
        return len(self.acked()) / self.seconds if self.seconds else 0.0

    def p(self, share: float) -> float:
        return percentile([r.seconds for r in self.acked()], share) * 1000


def integrity(run_: Run, rows: list[tuple[str, str]]) -> dict[str, int]:
    tokens: dict[str, int] = {}
    codes = set()
    for token, code in rows:
        tokens[token] = tokens.get(token, 0) + 1
        codes.add(code)
    acked = run_.acked()
    acked_tokens = {r.token for r in acked}
    # One form (one submission token) acknowledged with two different receipts is a duplicate.
    receipts_per_token = Counter(token for token, _code in {(r.token, r.receipt) for r in acked})
    sent = {r.token for r in run_.results if r.token}
    return {
        "lost": sum(1 for r in acked if r.receipt not in codes or r.token not in tokens),
        "duplicates": sum(count - 1 for count in tokens.values() if count > 1)
        + sum(count - 1 for count in receipts_per_token.values() if count > 1),
        "unacked": sum(1 for token in sent - acked_tokens if token in tokens),
    }


def during_outage(run_: Run, result: Result) -> bool:
    return result.posted is not None and any(
        down <= result.posted <= up for down, up in run_.outages
    )


def print_table(title: str, runs: dict[str, Run], checks: dict[str, dict], fault: str | None):
    print(f"\n== {title} ==")
    head = (
        f"{'app':<8}{'load 1m':>14}{'subs':>7}{'rate/s':>8}{'p50 ms':>8}{'p95 ms':>8}"
        f"{'p99 ms':>8}{'errors':>8}{'5xx':>6}{'form back':>10}{'lost':>6}{'dup':>5}"
        f"{'unacked':>9}{'resent':>8}"
    )
    print(head)
    for name, r in runs.items():
        loads = "/".join(f"{load:.1f}" for load in r.loads)
        errors = sum(1 for x in r.results if x.outcome == "error")
        fives = sum(1 for x in r.results if x.saw_5xx or x.outcome == "5xx")
        back = sum(1 for x in r.results if x.outcome == "form-back")
        c = checks[name]
        print(
            f"{name:<8}{loads:>14}{len(r.acked()):>7}{r.rate():>8.1f}{r.p(0.50):>8.0f}"
            f"{r.p(0.95):>8.0f}{r.p(0.99):>8.0f}{errors:>8}{fives:>6}{back:>10}"
            f"{c['lost']:>6}{c['duplicates']:>5}{c['unacked']:>9}"
            f"{sum(x.resent for x in r.results):>8}"
        )
    if "engage" in runs and "bare" in runs and runs["bare"].rate():
        engage, bare = runs["engage"], runs["bare"]
        print(
            f"Engage / bare: rate {engage.rate() / bare.rate():.2f}x, "
            f"p99 {engage.p(0.99) / bare.p(0.99):.1f}x"
        )
    if fault:
        for name, r in runs.items():
            for note in r.notes:
                print(f"  {name}: {note}")
        if fault == "db-outage":
            print(
                f"{'app':<8}{'5xx clients':>12}{'receipts while down':>20}{'form back':>10}"
                f"{'text kept':>10}{'resent':>8}{'errors':>8}{'log growth':>12}"
            )
            for name, r in runs.items():
                inside = [x for x in r.results if during_outage(r, x)]
                fives = sum(1 for x in r.results if x.saw_5xx or x.outcome == "5xx")
                spooled = sum(1 for x in inside if x.outcome == "ok")
                back = [x for x in r.results if x.outcome == "form-back"]
                print(
                    f"{name:<8}{fives:>12}{spooled:>20}{len(back):>10}"
                    f"{sum(1 for x in back if x.text_kept):>10}"
                    f"{sum(1 for x in r.results if x.resent):>8}"
                    f"{sum(1 for x in r.results if x.outcome == 'error'):>8}"
                    f"{r.log_growth / 1e6:>10.1f}MB"
                )
    details: dict[str, dict[str, int]] = {}
    for name, r in runs.items():
        for x in r.results:
            if x.outcome != "ok" and x.detail:
                details.setdefault(name, {}).setdefault(x.detail, 0)
                details[name][x.detail] += 1
    for name, counts in details.items():
        print(f"  {name} failures: " + ", ".join(f"{d} x{n}" for d, n in sorted(counts.items())))


# ---------------------------------------------------------------- one database


def bench_database(label: str, engage_url: str | None, args, folder: Path, outage_db=None):
    """Start both apps on one database kind, drive them in rounds, print the table."""
    engage_env = engage_environment(folder / "engage", engage_url)
    (folder / "engage").mkdir()
    set_up_engage(engage_env)
    bare_url = engage_url or f"sqlite:///{folder}/bare.sqlite"
    sys.path.insert(0, str(BENCH))
    from bare_app import create_schema

    create_schema(bare_url)
    bare_env = dict(os.environ, BARE_DATABASE_URL=bare_url, BARE_SECRET_KEY=secrets.token_hex(32))
    servers = {}
    try:
        settings = worker_settings(args)  # the same for both apps
        servers["engage"] = Gunicorn(
            "engage", "engage.wsgi:app", engage_env, folder, args.workers, settings
        )
        servers["bare"] = Gunicorn(
            "bare",
            "bare_app:app",
            bare_env,
            folder,
            args.workers,
            [*settings, "--pythonpath", str(BENCH)],
        )
        servers["engage"].wait_ready(SURVEY_PATH)
        servers["bare"].wait_ready("/form")
        apps = {
            "engage": App("engage", servers["engage"].port, SURVEY_PATH),
            "bare": App("bare", servers["bare"].port, "/form"),
        }
        runs = {"bare": Run("bare"), "engage": Run("engage")}
        slice_seconds = args.seconds / args.rounds
        fault_round = args.rounds // 2 if args.fault else -1
        if args.fault == "db-outage":
            slice_seconds = max(slice_seconds, args.outage + 15)
        for round_ in range(args.rounds):
            order = ["engage", "bare"] if round_ % 2 == 0 else ["bare", "engage"]
            for name in order:
                r = runs[name]
                fault = None
                if round_ == fault_round:
                    fault = make_fault(args, servers[name], outage_db, slice_seconds, r)
                log_before = servers[name].log_bytes()
                results, elapsed = drive(
                    apps[name], args.clients, slice_seconds, args.resend, fault
                )
                r.log_growth += servers[name].log_bytes() - log_before
                for _down, up in r.outages[-1:] if fault and args.fault == "db-outage" else []:
                    back = [x.started + x.seconds - up for x in results if x.outcome == "ok"]
                    back = [t for t in back if t >= 0]
                    r.notes.append(
                        f"first full submission {min(back):.1f} s after the database came back"
                        if back
                        else "no full submission after the database came back"
                    )
                r.results += results
                r.seconds += elapsed
                r.loads.append(os.getloadavg()[0])
                print(
                    f"  {label} round {round_ + 1} {name}: "
                    f"{sum(x.outcome == 'ok' for x in results)} submissions in {elapsed:.1f} s, "
                    f"load {r.loads[-1]:.1f}",
                    file=sys.stderr,
                )
        checks = {
            "bare": integrity(runs["bare"], stored(bare_url, "bare_responses")),
            "engage": integrity(
                runs["engage"], stored(engage_url or engage_sqlite(folder), "responses")
            ),
        }
        title = (
            f"{label}: gunicorn -w {args.workers}{threads_label(args)} each, "
            f"{args.clients} clients, "
            f"{args.rounds} round(s) of {slice_seconds:.0f} s per app"
            + (f", fault {args.fault}" if args.fault else "")
        )
        print_table(title, runs, checks, args.fault)
        drained = drain(engage_env)
        if drained is not None:
            print(f"engage spool drain: {drained}")
            after = integrity(
                runs["engage"], stored(engage_url or engage_sqlite(folder), "responses")
            )
            print(
                f"after the drain, engage: lost {after['lost']}, duplicates {after['duplicates']}, "
                f"stored but unacknowledged {after['unacked']}"
            )
        elif args.fault == "db-outage":
            print("no `engage spool drain` command: nothing drained")
        return runs
    finally:
        for server in servers.values():
            server.stop()


def worker_settings(args) -> list[str]:
    """gunicorn's worker class: sync (the default), or gthread with `--threads` per worker."""
    if args.threads > 1:
        return ["--worker-class", "gthread", "--threads", str(args.threads)]
    return []


def threads_label(args) -> str:
    return f" --threads {args.threads}" if args.threads > 1 else ""


def engage_sqlite(folder: Path) -> str:
    return f"sqlite:///{folder}/engage/engage.sqlite"


def drain(env: dict) -> str | None:
    """Run `engage spool drain` if that command exists; its output, or None."""
    engage = engage_command()
    probe = subprocess.run(  # noqa: S603
        [*engage, "spool", "--help"], env=env, capture_output=True, text=True, cwd=ROOT
    )
    if probe.returncode != 0:
        return None
    done = subprocess.run(  # noqa: S603
        [*engage, "spool", "drain"], env=env, capture_output=True, text=True, cwd=ROOT
    )
    return (done.stdout + done.stderr).strip() or f"exit {done.returncode}"


def make_fault(args, server: Gunicorn, outage_db, slice_seconds: float, run_: Run):
    if args.fault == "kill-worker":

        def kill_worker(phase_start):
            time.sleep(slice_seconds / 2)
            workers = server.workers()
            if not workers:
                run_.notes.append("no worker found to kill")
                return
            victim = random.choice(workers)
            os.kill(victim, signal.SIGKILL)
            at = time.perf_counter() - phase_start
            run_.notes.append(f"worker {victim} killed with SIGKILL at {at:.1f} s")

        return kill_worker
    if args.fault == "db-outage":

        def outage(phase_start):
            time.sleep(min(5.0, slice_seconds / 4))
            down = time.perf_counter()
            outage_db.stop()
            time.sleep(args.outage)
            outage_db.start()
            up = time.perf_counter()
            run_.outages.append((down, up))
            run_.notes.append(
                f"database stopped at {down - phase_start:.1f} s, back at {up - phase_start:.1f} s"
            )

        return outage
    return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=8, help="concurrent clients (threads)")
    parser.add_argument(
        "--seconds", type=float, default=None, help="per app (default 20; 30 with a fault)"
    )
    parser.add_argument(
        "--rounds", type=int, default=None, help="interleaved rounds (default 2; 1 with a fault)"
    )
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers per app")
    parser.add_argument(
        "--threads", type=int, default=1, help="threads per worker (gthread) for both apps"
    )
    parser.add_argument("--resend", type=int, default=1, help="resends after a 5xx or broken POST")
    parser.add_argument("--fault", choices=["kill-worker", "db-outage"])
    parser.add_argument("--outage", type=float, default=10.0, help="seconds the database is down")
    parser.add_argument(
        "--databases",
        default=None,
        help="sqlite,postgresql (default: sqlite, and postgresql with DATABASE_URL)",
    )
    parser.add_argument(
        "--pg-database", default="engage_load", help="database made on DATABASE_URL's server"
    )
    args = parser.parse_args()
    args.seconds = args.seconds or (30.0 if args.fault else 20.0)
    args.rounds = args.rounds or (1 if args.fault else 2)
    if args.databases:
        kinds = args.databases.split(",")
    else:
        kinds = ["sqlite"] + (["postgresql"] if os.environ.get("DATABASE_URL") else [])
    if args.fault == "db-outage":
        kinds = ["own-postgresql"]
    print(
        f"load average before: {' '.join(f'{x:.1f}' for x in os.getloadavg())} "
        f"on {os.cpu_count()} cores",
        file=sys.stderr,
    )
    for kind in kinds:
        folder = Path(tempfile.mkdtemp(prefix=f"engage-load-{kind}-"))
        pg = None
        try:
            if kind == "sqlite":
                bench_database("SQLite", None, args, folder)
            elif kind == "postgresql":
                if not os.environ.get("DATABASE_URL"):
                    raise SystemExit("postgresql needs DATABASE_URL (its server is used)")
                url = fresh_database(os.environ["DATABASE_URL"], args.pg_database)
                bench_database(f"PostgreSQL ({args.pg_database})", url, args, folder)
            else:
                pg_folder = Path(tempfile.mkdtemp(prefix="engage-load-pg-"))
                pg = OwnPostgres(pg_folder)
                label = f"PostgreSQL (own instance on port {pg.port})"
                bench_database(label, pg.url, args, folder, outage_db=pg)
        finally:
            if pg is not None:
                pg.close()
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
