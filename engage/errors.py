"""Error pages in the visitor's language; domain errors become 409 pages."""

from urllib.parse import urlsplit

from flask import Flask, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import HTTPException

from .models_base import DomainError

MESSAGES = {
    400: (
        _l("Something in the request was not right"),
        _l("Please go back, check the page and try again."),
    ),
    403: (_l("You cannot do that"), _l("Your account does not allow this action.")),
    404: (_l("Page not found"), _l("We could not find that page. It may have moved or closed.")),
    405: (_l("Not allowed"), _l("This page cannot be used that way.")),
    409: (_l("That cannot be done right now"), _l("The record is not in a state that allows it.")),
    413: (
        _l("Too much was sent"),
        _l(
            "What was sent was larger than this site accepts, so nothing was saved. "
            "Please go back, shorten the longest text and send it again."
        ),
    ),
    429: (
        _l("Too many attempts"),
        _l("Please wait a few minutes and try again. Nothing you typed was sent."),
    ),
    500: (
        _l("Something went wrong on our side"),
        _l("Please try again in a moment. If it keeps happening, contact the district."),
    ),
}


#: A URL argument naming a record, and the endpoint of that record's page: where a refused
#: action sends the person back to when the browser gave no page of this site to return to.
RECORD_PAGES = {"version_id": "framework.show_version"}


def back_link() -> tuple[str, str]:
    """(address, kind) of where the person was: the page of this site they came from
    ("referrer"), else the page of the record the request names ("record"), else the start of
    their side of the site ("start")."""
    try:
        referrer = urlsplit(request.referrer or "")
        here = urlsplit(request.url)
    except ValueError:
        referrer = here = None
    if (
        referrer is not None
        and referrer.scheme in ("http", "https")
        and referrer.netloc == here.netloc
        and (referrer.path, referrer.query) != (here.path, here.query)
    ):
        return referrer.path + (f"?{referrer.query}" if referrer.query else ""), "referrer"
    args = request.view_args or {}
    for key, endpoint in RECORD_PAGES.items():
        if isinstance(args.get(key), int):
            page = url_for(endpoint, **{key: args[key]})
            if page != request.path:  # not the page that just failed
                return page, "record"
    if request.path.startswith("/staff/"):
        return url_for("auth.staff_home"), "start"
    from .i18n import select_language

    return url_for("surveys.list_surveys", lang_code=select_language().code), "start"


def render_error(status: int, detail: str | None = None):
    title, message = MESSAGES.get(status, MESSAGES[500])
    try:
        back, back_kind = back_link()
    except Exception:  # an error page must render even when the request is odd
        back, back_kind = "/", "start"
    return render_template(
        "errors/error.html",
        status=status,
        title=title,
        message=detail or message,
        back=back,
        back_kind=back_kind,
    ), status


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def handle_http_error(error: HTTPException):
        return render_error(error.code or 500)

    @app.errorhandler(DomainError)
    def handle_domain_error(error: DomainError):
        detail = error.args[0] if error.args else None
        return render_error(409, str(detail) if detail else None)

    @app.errorhandler(500)
    def handle_server_error(error):
        return render_error(500)
