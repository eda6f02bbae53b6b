"""Rate-limit keys and shared limits: who counts as one person, without tracking anyone.

Three kinds of key, all keyed hashes so neither memory nor Redis ever holds an address or a
browser id. `address_key` is the client's address (behind `PROXY_COUNT` trusted proxies, the
address they report). `browser_key` is the random id in the signed session cookie combined with
the address: the per-person limits use it, so a school network of families behind one address is
not one person, while a browser that keeps its cookie is. A script that drops its cookie gets a
new browser each time, so every public form also has a generous per-address ceiling.
`account_key` is a hash of the normalised email, so sign-in guessing is limited per account.
"""

import hashlib
import hmac
import re
import secrets

from flask import current_app, request, session

BROWSER_ID = re.compile(r"^[0-9a-f]{32}$")


def _digest(kind: str, value: str) -> str:
    secret = (current_app.config.get("SECRET_KEY") or "").encode()
    return hmac.new(secret, f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()[:32]


def address_key() -> str:
    """The client's address as a keyed hash (the address itself is never stored)."""
    address = request.remote_addr or "unknown"
    secret = (current_app.config.get("SECRET_KEY") or "").encode()
    # The same hash as before the other keys existed, so running limits carry over.
    return hmac.new(secret, address.encode(), hashlib.sha256).hexdigest()[:32]


def browser_id() -> str:
    """This browser's random id, kept in its signed session cookie (created on first use)."""
    if not BROWSER_ID.match(session.get("browser_id") or ""):
        session["browser_id"] = secrets.token_hex(16)
    return session["browser_id"]


def browser_key() -> str:
    """One browser at one address: the per-person key of the public limits."""
    return f"browser:{address_key()[:16]}:{_digest('browser', browser_id())[:16]}"


def account_key() -> str:
    """The account a sign-in names (known or not: the same key either way)."""
    email = (request.form.get("email") or "").strip().lower()
    return f"account:{_digest('account', email)}"


def account_address_key() -> str:
    """The account a sign-in names, from this address."""
    return f"{account_key()}:{address_key()[:16]}"


def config_limit(name: str):
    """A limit read from the configuration at request time (tests and operators can change it)."""
    return lambda: current_app.config[name]


def failed(response) -> bool:
    """Count only refused attempts (a wrong password, a form sent back with errors)."""
    return response.status_code >= 400


def accepted(response) -> bool:
    return response.status_code < 400
