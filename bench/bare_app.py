"""A bare Flask form app: the yardstick `bench/load.py` measures Engage against.

    BARE_DATABASE_URL=sqlite:////tmp/x/bare.sqlite BARE_SECRET_KEY=... \
        gunicorn -w 2 --pythonpath bench bare_app:app

GET /form serves a small form with a CSRF-like token (an HMAC of a per-browser cookie) and a
submission token; POST /form checks both, inserts one row in one transaction and answers 303 to
/receipt/<code>; GET /receipt/<code> reads the row back. The same submission token sent twice
gets the first receipt, as in Engage. SQLite gets Engage's pragmas (WAL, busy timeout).
"""

import hashlib
import hmac
import os
import re
import secrets
import sqlite3
from datetime import UTC, datetime
from html import escape

from flask import Flask, abort, redirect, request
from sqlalchemy import (
    Column,
    DateTime,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    event,
    insert,
    select,
)
from sqlalchemy.exc import IntegrityError

metadata = MetaData()
responses = Table(
    "bare_responses",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("receipt_code", String(16), unique=True, nullable=False),
    Column("submission_token", String(64), unique=True, nullable=False),
    Column("choice", String(40)),
    Column("answer", Text, nullable=False),
    Column("submitted_at", DateTime(timezone=True), nullable=False),
)

TOKEN = re.compile(r"^[0-9a-f]{32}$")
CHOICES = ("parent", "student", "staff", "community")
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def database_url(url: str) -> str:
    if url.startswith("postgresql://"):
        return "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


def make_engine(url: str):
    url = database_url(url)
    options = {"pool_pre_ping": True}
    if url.startswith("sqlite"):
        options["connect_args"] = {"timeout": 30}
    engine = create_engine(url, **options)

    @event.listens_for(engine, "connect")
    def _pragmas(connection, _record):
        if isinstance(connection, sqlite3.Connection):
            cursor = connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()

    return engine


def create_schema(url: str) -> None:
    engine = make_engine(url)
    metadata.drop_all(engine)
    metadata.create_all(engine)
    engine.dispose()


PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Survey</title></head><body>
<h1>What should our graduates be able to do?</h1>
{error}
<form method="post" action="/form">
<input type="hidden" name="csrf_token" value="{csrf}">
<input type="hidden" name="submission_token" value="{token}">
<fieldset><legend>You are</legend>
{choices}
</fieldset>
<label for="answer">Your answer</label>
<textarea id="answer" name="answer" rows="5">{answer}</textarea>
<button type="submit">Send</button>
</form></body></html>"""


def create_app() -> Flask:
    app = Flask(__name__)
    secret = os.environ["BARE_SECRET_KEY"].encode()
    engine = make_engine(os.environ["BARE_DATABASE_URL"])

    def csrf_for(browser: str) -> str:
        return hmac.new(secret, browser.encode(), hashlib.sha256).hexdigest()

    def page(browser, token, answer="", choice="", error=""):
        choices = "\n".join(
            f'<input type="radio" id="c-{value}" name="choice" value="{value}"'
            f'{" checked" if value == choice else ""}><label for="c-{value}">{value}</label>'
            for value in CHOICES
        )
        return PAGE.format(
            error=f"<p>{escape(error)}</p>" if error else "",
            csrf=csrf_for(browser),
            token=token,
            choices=choices,
            answer=escape(answer),
        )

    @app.get("/form")
    def show_form():
        browser = request.cookies.get("browser") or secrets.token_hex(16)
        response = app.make_response(page(browser, secrets.token_hex(16)))
        response.set_cookie("browser", browser, httponly=True, samesite="Lax")
        return response

    @app.post("/form")
    def send_form():
        browser = request.cookies.get("browser", "")
        form = request.form
        if not browser or not hmac.compare_digest(form.get("csrf_token", ""), csrf_for(browser)):
            abort(400)
        token = form.get("submission_token", "")
        answer = form.get("answer", "").strip()
        choice = form.get("choice") if form.get("choice") in CHOICES else None
        if not TOKEN.match(token) or not answer:
            return page(browser, secrets.token_hex(16), answer, choice or "", "Please answer."), 400
        raw = "".join(secrets.choice(ALPHABET) for _ in range(8))
        code = f"{raw[:4]}-{raw[4:]}"
        try:
            with engine.begin() as connection:
                connection.execute(
                    insert(responses).values(
                        receipt_code=code,
                        submission_token=token,
                        choice=choice,
                        answer=answer,
                        submitted_at=datetime.now(UTC),
                    )
                )
        except IntegrityError:
            with engine.connect() as connection:
                code = connection.scalar(
                    select(responses.c.receipt_code).where(responses.c.submission_token == token)
                )
            if code is None:
                raise
        return redirect(f"/receipt/{code}", code=303)

    @app.get("/receipt/<code>")
    def receipt(code):
        with engine.connect() as connection:
            row = connection.execute(
                select(responses.c.receipt_code, responses.c.submitted_at).where(
                    responses.c.receipt_code == code
                )
            ).first()
        if row is None:
            abort(404)
        return f"<!doctype html><html><body><p>Thank you. Your receipt: {escape(row[0])}</p>"

    return app


app = create_app() if "BARE_DATABASE_URL" in os.environ else None
