"""Security headers on every response, `Cache-Control: no-store` on everything staff see, and
the request class that holds every form to `MAX_FORM_PARTS` fields.

Staff pages and exports hold responses, names and votes: a shared computer's cache or a proxy
must never keep them. Public pages stay cacheable.
"""

from urllib.parse import parse_qsl

from flask import Flask, Request, request, session
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.formparser import FormDataParser

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


class _CountingFormDataParser(FormDataParser):
    """Werkzeug counts fields of multipart forms only; this counts urlencoded ones too."""

    def _parse_urlencoded(self, stream, mimetype, content_length, options):
        try:
            items = parse_qsl(
                stream.read().decode(),
                keep_blank_values=True,
                errors="werkzeug.url_quote",
                max_num_fields=self.max_form_parts,
            )
        except ValueError as error:  # more fields than max_num_fields
            raise RequestEntityTooLarge() from error
        return stream, self.cls(items), self.cls()


class LimitedRequest(Request):
    form_data_parser_class = _CountingFormDataParser


#: Where staff work; everything under it is sent with `Cache-Control: no-store`.
STAFF_PREFIX = "/staff"


def _is_staff_response(app: Flask) -> bool:
    if request.path == STAFF_PREFIX or request.path.startswith(STAFF_PREFIX + "/"):
        return True
    # A signed-in session rides on every response it refreshes, public pages included. (The
    # cookie is checked first so that a visitor without one never has the session opened.)
    return app.config["SESSION_COOKIE_NAME"] in request.cookies and "_user_id" in session


def register_security_headers(app: Flask) -> None:
    @app.after_request
    def add_security_headers(response):
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "same-origin")
        headers.setdefault("X-Frame-Options", "DENY")
        if _is_staff_response(app):
            headers["Cache-Control"] = "no-store"
        if app.config.get("SESSION_COOKIE_SECURE"):
            headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        return response
