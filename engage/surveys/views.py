"""The public answering flow: landing page, a survey in the reader's language, the receipt.

The survey comes from the per-process cache (engage/surveys/cache.py): a GET asks the
database one thing (which version is open) and a POST stores in three statements. While the
database is unreachable the page is served from the cache and answers go to the spool
(engage/surveys/spool.py).
"""

import logging
import re

from flask import (
    Blueprint,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import CSRFError, generate_csrf
from markupsafe import escape
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from werkzeug.exceptions import HTTPException

from ..errors import render_error
from ..extensions import db, limiter
from ..i18n import KNOWN_LANGUAGES, select_language
from ..limits import address_key, browser_key, config_limit
from ..models_base import utcnow
from ..outreach.channels import channel_tag
from . import cache, services, spool
from .flow import page_of, visible_keys, visible_pages
from .forms import (
    build_survey_form,
    cleaned_answers,
    field_name,
    input_names,
    other_field_name,
    share_field_name,
    shared_questions,
    validate_answers,
)
from .models import QuestionKind

bp = Blueprint("surveys", __name__)
log = logging.getLogger(__name__)

TOKEN_PATTERN = re.compile(r"^[0-9a-f]{32}$")
#: Session key: the receipt of each survey this browser has sent (slug -> code). It lives only
#: in the browser's session cookie, which ends when the browser is closed.
ANSWERED_KEY = "answered"


@bp.get("/")
def choose_language():
    return redirect(url_for("surveys.list_surveys", lang_code=select_language().code))


@bp.get("/<lang_code>/")
def list_surveys():
    try:
        surveys = services.open_surveys()
    except SQLAlchemyError as error:
        _unreachable_or_raise(error)
        surveys = cache.open_versions()  # the database is away: the surveys last seen open
    return render_template("surveys/index.html", surveys=surveys)


class DatabaseUnavailable(Exception):
    """The database cannot be reached and nothing cached can stand in for it."""


def _unreachable_or_raise(error: Exception) -> None:
    """Carry on after an error that only says the database is away; raise anything else."""
    if not spool.database_unreachable(error):
        raise error
    log.warning("database unreachable on %s: %s", request.path, str(error).splitlines()[0])
    try:
        db.session.rollback()
    except SQLAlchemyError:  # the connection is gone; the session is reset either way
        pass


def find_version(slug: str):
    """The newest open version of `slug` (one statement); while the database is unreachable,
    the version this process last saw open."""
    try:
        return cache.current_open(slug)
    except SQLAlchemyError as error:
        _unreachable_or_raise(error)
        version = cache.last_open(slug)
        if version is None:
            raise DatabaseUnavailable() from error
        return version


def _turning_page() -> bool:
    """Back or Next between pages stores nothing, so it does not count against the limit on
    sending answers (a long survey would otherwise run into it)."""
    return request.form.get("nav") in ("back", "next")


@bp.route("/<lang_code>/surveys/<slug>", methods=["GET", "POST"])
@limiter.limit(
    config_limit("SUBMIT_RATE_LIMIT"),
    methods=["POST"],
    key_func=browser_key,
    exempt_when=_turning_page,
)
@limiter.limit(
    config_limit("SUBMIT_ADDRESS_RATE_LIMIT"),
    methods=["POST"],
    key_func=address_key,
    exempt_when=_turning_page,
)
def answer_survey(slug: str):
    language = select_language()
    posted = request.method == "POST"
    # The form names the version it was built from, so its POST needs no look-up.
    version = cache.from_hint(request.form.get("v"), slug) if posted else None
    version = version or find_version(slug)
    if version is None:
        return _closed_or_404(slug)
    answered_code = session.get(ANSWERED_KEY, {}).get(slug)
    if not posted and answered_code:
        # Back after sending re-fetches the page: say it was sent rather than offer a blank
        # form whose Send would store a second response.
        return render_template("surveys/answered.html", survey=version, code=answered_code)
    if not posted and _plain_get():
        return _blank_page(version, language)
    page = None
    for attempt in range(2):
        form = build_survey_form(version, language, request.form if posted else None, sharing=True)
        if not posted or not TOKEN_PATTERN.match(form.submission_token.data or ""):
            # A form that arrived without its token still keeps what was typed; it gets a new one.
            form.submission_token.data = services.new_submission_token()
        if not posted:
            break
        turned = _turn_page(version, form)
        if turned is not None:
            page, valid = turned
            return _render_survey(version, form, via=_via(), page=page), 200 if valid else 400
        if not validate_answers(version, form):
            page = _first_page_with_errors(version, form)
            break
        try:
            receipt_code = _store(version, language, form)
        except spool.SpoolUnavailable as error:
            log.error("spool unavailable, answers given back: %s", error)
            message = _(
                "Your answers could not be saved just now. Everything you typed is still "
                "here: please try again in a minute."
            )
            return _render_survey(version, form, form_error=message, via=_via()), 503
        if receipt_code is not None:
            session[ANSWERED_KEY] = session.get(ANSWERED_KEY, {}) | {slug: receipt_code}
            return redirect(url_for("surveys.show_receipt", code=receipt_code), code=303)
        # The version was closed or replaced since the form was opened: use the open one.
        version = find_version(slug) if attempt == 0 else None
        if version is None:
            return _closed_or_404(slug)
    if not posted:
        return _render_survey(version, form, via=_via())
    return _render_survey(version, form, via=_via(), page=page), 400


def posted_page(version, form) -> tuple[int, list[int]]:
    """The page the form was sent from, and the pages shown for its answers."""
    pages = visible_pages(version.questions, cleaned_answers(version, form))
    try:
        page = int(request.form.get("page", "1"))
    except ValueError:
        page = 1
    if page not in pages:  # a page whose questions are no longer shown: the one before it
        page = max([p for p in pages if p <= page] or [1])
    return page, pages


def _turn_page(version, form) -> tuple[int, bool] | None:
    """Back or Next: (the page to show, whether the answers checked so far are valid); None
    when the form is being sent. Back keeps everything unchecked; Next checks the page's
    answers and stays on it if one is wrong; Next on the last page only shows it again."""
    nav = request.form.get("nav")
    if nav not in ("back", "next") and "page" not in request.form:
        return None  # a survey of one page: nothing to turn
    page, pages = posted_page(version, form)
    if nav not in ("back", "next"):
        if page >= pages[-1]:
            return None
        # Sent from a page that is no longer the last: an answer on it (or before it) brought
        # a follow-up page into view, so that page comes next and nothing is stored yet.
        nav = "next"
    position = pages.index(page)
    if nav == "back":
        return pages[max(position - 1, 0)], True
    on_page = [
        q.key
        for q, p in zip(version.questions, page_of(version.questions), strict=True)
        if p == page
    ]
    if not validate_answers(version, form, on_page):
        return page, False
    return pages[min(position + 1, len(pages) - 1)], True


def _first_page_with_errors(version, form) -> int:
    for question, page in zip(version.questions, page_of(version.questions), strict=True):
        names = [field_name(question)] + input_names(question)
        if any(name in form and form[name].errors for name in names):
            return page
    return posted_page(version, form)[0]


def _closed_or_404(slug: str):
    """The page of a survey whose engagement has closed (its links keep working), else 404."""
    from ..engagements.services import closed_engagement_of

    engagement = closed_engagement_of(slug)
    if engagement is None:
        abort(404)
    return render_template("surveys/closed.html", engagement=engagement), 410


CSRF_SLOT = "\x00csrf\x00"
TOKEN_SLOT = "\x00token\x00"  # noqa: S105 - a placeholder, not a secret
CODE_SLOT = "\x00code\x00"
VIA_SLOT = "\x00via\x00"


def _plain_get() -> bool:
    """The public page as anyone first opens it: no query but the outreach tag, no message
    waiting to be shown, nobody signed in."""
    return (
        set(request.args) <= {"via"}
        and "_flashes" not in session
        and not current_user.is_authenticated
    )


def _blank_page(version, language):
    """The blank survey, rendered once per version and language, then served with this
    request's CSRF and submission tokens and outreach tag put in (no form is built)."""
    via = channel_tag(request.args.get("via"))
    csrf = generate_csrf()
    token = services.new_submission_token()
    key = (id(current_app), tuple(current_app.config["LANGUAGES"]), language.code)
    page = version.pages.get(key)
    if page is None:
        form = build_survey_form(version, language, None, sharing=True)
        form.submission_token.data = token
        html = _render_survey(version, form, via=VIA_SLOT)
        if html.count(csrf) != 1 or html.count(token) != 1 or html.count(VIA_SLOT) != 1:
            return _render_survey(version, form, via=via)  # pragma: no cover - never cached
        page = version.pages[key] = html.replace(csrf, CSRF_SLOT).replace(token, TOKEN_SLOT)
    via_input = f'<input type="hidden" name="via" value="{escape(via)}">' if via else ""
    page = page.replace(f'<input type="hidden" name="via" value="{VIA_SLOT}">', via_input)
    return page.replace(CSRF_SLOT, csrf).replace(TOKEN_SLOT, token)


def _via():
    return channel_tag(request.form.get("via"))


def _store(version, language, form) -> str | None:
    """Store a checked form: its receipt code; None when the version is no longer open.

    When the database cannot be reached the answers go to the spool, and the family gets a
    receipt all the same (SpoolUnavailable if even that fails).
    """
    token = form.submission_token.data
    answers = cleaned_answers(version, form)
    shared = shared_questions(version, form)
    try:
        receipt_code = services.store_submission(
            version, language.code, answers, token, shared=shared, channel=_via()
        )
        if receipt_code is None:
            db.session.rollback()
            return None
        db.session.commit()
        return receipt_code
    except IntegrityError:
        # The same form arrived twice (a double tap, or at once): the other request stored it.
        db.session.rollback()
        receipt_code = services.receipt_for_token(token)
        if receipt_code is None:
            raise
        return receipt_code
    except SQLAlchemyError as error:
        _unreachable_or_raise(error)
    return spool.write(
        version,
        language.code,
        answers,
        token,
        shared=shared,
        channel=_via(),
        receipt_code=services.new_receipt_code(),
        submitted_at=utcnow(),
    )


@bp.post("/<lang_code>/surveys/<slug>/again")
def answer_again(slug: str):
    """On a shared device: forget this browser's last answer so the next person gets a form."""
    answered = dict(session.get(ANSWERED_KEY, {}))
    answered.pop(slug, None)
    session[ANSWERED_KEY] = answered
    return redirect(url_for("surveys.answer_survey", slug=slug), code=303)


def _render_survey(
    survey, form, form_error: str | None = None, via: str | None = None, page: int | None = None
):
    """The survey page: on a survey in pages, `page` (default: the one the form was sent
    from), with every other question's answers carried along as hidden inputs."""
    language = select_language()
    numbers = page_of(survey.questions)
    answers = cleaned_answers(survey, form)
    pages = visible_pages(survey.questions, answers)
    if page is None:
        page = posted_page(survey, form)[0] if request.method == "POST" and _form_readable() else 1
    shown = visible_keys(survey.questions, answers)
    fields, carried = [], []
    for question, number in zip(survey.questions, numbers, strict=True):
        if number == page and question.key in shown:
            if question.kind == QuestionKind.HEADING:
                fields.append((question, None, None, None))
                continue
            other = form[other_field_name(question)] if question.allow_other else None
            fields.append(
                (question, form[field_name(question)], _share_field(form, question), other)
            )
        elif request.method == "POST" and _form_readable():
            # Answers on other pages ride along as typed, so Back and Next lose nothing.
            carried.extend(
                (name, value)
                for name in input_names(question)
                for value in request.form.getlist(name)
            )
    return render_template(
        "surveys/survey.html",
        survey=survey,
        form=form,
        fields=fields,
        carried=carried,
        page=page,
        page_index=pages.index(page) + 1 if page in pages else 1,
        page_total=len(pages),
        # A survey in pages always says which page was sent, even while its later pages are
        # all hidden: an answer on this one may bring a follow-up page into view.
        in_pages=numbers[-1] > 1 if numbers else False,
        last_page=page == pages[-1],
        # The last page in view, with later pages of follow-ups still hidden: its button may
        # bring one of them into view rather than send, so it says "Continue".
        follow_ups_may_follow=page == pages[-1] and bool(numbers) and page < numbers[-1],
        sharing=any(share is not None for _q, _f, share, _o in fields),
        form_error=form_error,
        content_fallback=language.code not in survey.languages,
        survey_language_name=KNOWN_LANGUAGES[survey.default_language].name,
        # The outreach tag rides along in the form (never a cookie); unknown tags are dropped.
        # Only the query string is read here: after a 413 the form itself cannot be read.
        via=via or channel_tag(request.args.get("via")),
    )


def _form_readable() -> bool:
    """False after a 413: the body was too large to be read at all."""
    try:
        request.form  # noqa: B018 - reading it is the test
    except HTTPException:  # RequestEntityTooLarge
        return False
    return True


def _share_field(form, question):
    name = share_field_name(question)
    return form[name] if name in form else None


@bp.get("/<lang_code>/receipt/<code>")
def show_receipt(code: str):
    away = False
    try:
        found = services.receipt_survey(code)
        survey = cache.version(*found) if found else None
    except SQLAlchemyError as error:
        _unreachable_or_raise(error)
        survey, away = None, True
    code = code.strip().upper()
    if survey is None:
        # Answers sent while the database was away wait in the spool, with their receipt. While
        # it is away, a receipt cannot be checked: the family who was just given it sees it.
        if services.RECEIPT_PATTERN.match(code) and (away or spool.holds_receipt(code)):
            return render_template("surveys/receipt.html", receipt_code=code, pending=True)
        abort(404)
    if not _plain_get():
        return render_template(
            "surveys/receipt.html", receipt_code=code, survey=survey, pending=False
        )
    # The same page for every receipt of a version in a language: rendered once.
    key = ("receipt", id(current_app), tuple(current_app.config["LANGUAGES"]))
    key += (select_language().code,)
    page = survey.pages.get(key)
    if page is None:
        html = render_template(
            "surveys/receipt.html", receipt_code=code, survey=survey, pending=False
        )
        page = survey.pages[key] = html.replace(code, CODE_SLOT)
    return page.replace(CODE_SLOT, code)


@bp.errorhandler(DatabaseUnavailable)
def database_unavailable(error):
    return render_error(503)


@bp.errorhandler(SQLAlchemyError)
def database_error(error):
    """Anything else the database refused while it is away: a 503 page and one log line."""
    _unreachable_or_raise(error)
    return render_error(503)


@bp.before_app_request
def _start_drainer():
    spool.start_drainer_thread(current_app._get_current_object())


@bp.errorhandler(CSRFError)
def csrf_failed(error):
    """A stale or missing CSRF token on a survey gives the form back, filled in, to resend."""
    message = _(
        "Your answers were not saved yet because the page had expired or could not be checked. "
        "Everything you typed is still here: please check it and send it again."
    )
    return _give_form_back(message, 400)


@bp.errorhandler(429)
def too_many_submissions(error):
    message = _(
        "Too many answers were sent from this device in a short time, so yours was not saved "
        "yet. Everything you typed is still here: please wait a minute and send it again."
    )
    return _give_form_back(message, 429)


@bp.errorhandler(413)
def too_large(error):
    """Too much was sent to be read at all: the survey page again, saying what happened."""
    if request.endpoint != "surveys.answer_survey" or request.method != "POST":
        return render_error(413)
    survey = _version_for_error_page()
    if survey is None:
        return render_error(404)
    # The form could not be read, so it cannot be filled in again (request.form would fail).
    form = build_survey_form(survey, select_language(), None)
    form.submission_token.data = services.new_submission_token()
    message = _(
        "Your answers were not saved: what was sent was far larger than any answer to this "
        "survey can be, so it could not be read. If your browser's Back button shows your "
        "answers, go back, shorten the longest ones and send again."
    )
    return _render_survey(survey, form, form_error=message), 413


def _version_for_error_page():
    """The version an error page shows again; None (a plain error page) if there is none or the
    database is away with nothing cached."""
    try:
        return find_version((request.view_args or {}).get("slug", ""))
    except DatabaseUnavailable:
        return None


def _give_form_back(message: str, status: int):
    if request.endpoint != "surveys.answer_survey" or request.method != "POST":
        return render_error(status)
    survey = cache.from_hint(request.form.get("v"), (request.view_args or {}).get("slug", ""))
    survey = survey or _version_for_error_page()
    if survey is None:
        return render_error(404)
    form = build_survey_form(survey, select_language(), request.form, sharing=True)
    if not TOKEN_PATTERN.match(form.submission_token.data or ""):
        form.submission_token.data = services.new_submission_token()
    return _render_survey(
        survey, form, form_error=message, via=channel_tag(request.form.get("via"))
    ), status
