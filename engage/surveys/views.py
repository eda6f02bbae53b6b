"""The public answering flow: landing page, a survey in the reader's language, the receipt."""

import re

from flask import Blueprint, abort, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import IntegrityError

from ..errors import render_error
from ..extensions import db, limiter
from ..i18n import KNOWN_LANGUAGES, select_language
from ..limits import address_key, browser_key, config_limit
from ..outreach.channels import channel_tag
from . import services
from .forms import (
    build_survey_form,
    cleaned_answers,
    field_name,
    share_field_name,
    shared_questions,
)

bp = Blueprint("surveys", __name__)

TOKEN_PATTERN = re.compile(r"^[0-9a-f]{32}$")
#: Session key: the receipt of each survey this browser has sent (slug -> code). It lives only
#: in the browser's session cookie, which ends when the browser is closed.
ANSWERED_KEY = "answered"


@bp.get("/")
def choose_language():
    return redirect(url_for("surveys.list_surveys", lang_code=select_language().code))


@bp.get("/<lang_code>/")
def list_surveys():
    return render_template("surveys/index.html", surveys=services.open_surveys())


@bp.route("/<lang_code>/surveys/<slug>", methods=["GET", "POST"])
@limiter.limit(config_limit("SUBMIT_RATE_LIMIT"), methods=["POST"], key_func=browser_key)
@limiter.limit(config_limit("SUBMIT_ADDRESS_RATE_LIMIT"), methods=["POST"], key_func=address_key)
def answer_survey(slug: str):
    survey = services.find_open_survey(slug) or abort(404)
    language = select_language()
    answered_code = session.get(ANSWERED_KEY, {}).get(survey.slug)
    if request.method == "GET" and answered_code:
        # Back after sending re-fetches the page: say it was sent rather than offer a blank
        # form whose Send would store a second response.
        return render_template("surveys/answered.html", survey=survey, code=answered_code)
    formdata = request.form if request.method == "POST" else None
    form = build_survey_form(survey, language, formdata, sharing=True)
    if request.method == "GET" or not TOKEN_PATTERN.match(form.submission_token.data or ""):
        # A form that arrived without its token still keeps what was typed; it gets a new one.
        form.submission_token.data = services.new_submission_token()
    if request.method == "POST" and form.validate():
        token = form.submission_token.data
        response = services.response_for_token(token)
        if response is None:
            try:
                response = services.submit_response(
                    survey,
                    language.code,
                    cleaned_answers(survey, form),
                    token,
                    shared=shared_questions(survey, form),
                    channel=channel_tag(request.form.get("via")),
                )
                db.session.commit()
            except IntegrityError:
                # The same form arrived twice at once: the other request stored it.
                db.session.rollback()
                response = services.response_for_token(token)
                if response is None:
                    raise
        session[ANSWERED_KEY] = session.get(ANSWERED_KEY, {}) | {survey.slug: response.receipt_code}
        return redirect(url_for("surveys.show_receipt", code=response.receipt_code), code=303)
    status = 400 if request.method == "POST" else 200
    return _render_survey(survey, form, via=channel_tag(request.form.get("via"))), status


@bp.post("/<lang_code>/surveys/<slug>/again")
def answer_again(slug: str):
    """On a shared device: forget this browser's last answer so the next person gets a form."""
    answered = dict(session.get(ANSWERED_KEY, {}))
    answered.pop(slug, None)
    session[ANSWERED_KEY] = answered
    return redirect(url_for("surveys.answer_survey", slug=slug), code=303)


def _render_survey(survey, form, form_error: str | None = None, via: str | None = None):
    language = select_language()
    fields = [
        (question, form[field_name(question)], _share_field(form, question))
        for question in survey.questions
    ]
    return render_template(
        "surveys/survey.html",
        survey=survey,
        form=form,
        fields=fields,
        sharing=any(share is not None for _q, _f, share in fields),
        form_error=form_error,
        content_fallback=language.code not in survey.languages,
        survey_language_name=KNOWN_LANGUAGES[survey.default_language].name,
        # The outreach tag rides along in the form (never a cookie); unknown tags are dropped.
        # Only the query string is read here: after a 413 the form itself cannot be read.
        via=via or channel_tag(request.args.get("via")),
    )


def _share_field(form, question):
    name = share_field_name(question)
    return form[name] if name in form else None


@bp.get("/<lang_code>/receipt/<code>")
def show_receipt(code: str):
    response = services.response_for_receipt(code) or abort(404)
    return render_template("surveys/receipt.html", response=response, survey=response.survey)


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
    survey = services.find_open_survey((request.view_args or {}).get("slug", ""))
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


def _give_form_back(message: str, status: int):
    if request.endpoint != "surveys.answer_survey" or request.method != "POST":
        return render_error(status)
    survey = services.find_open_survey((request.view_args or {}).get("slug", ""))
    if survey is None:
        return render_error(404)
    form = build_survey_form(survey, select_language(), request.form, sharing=True)
    if not TOKEN_PATTERN.match(form.submission_token.data or ""):
        form.submission_token.data = services.new_submission_token()
    return _render_survey(
        survey, form, form_error=message, via=channel_tag(request.form.get("via"))
    ), status
