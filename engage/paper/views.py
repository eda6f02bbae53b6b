"""Staff pages of the paper desk: the printable survey, batches of numbered sheets, and the
entry screen a returned stack is typed in on."""

import re

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy.exc import IntegrityError
from wtforms.fields.choices import SelectChoice

from ..auth.models import Role
from ..auth.permissions import require_role
from ..engagements.services import is_closed
from ..extensions import db
from ..i18n import (
    KNOWN_LANGUAGES,
    language_for,
    localized,
    offered_languages,
    select_language,
    speaking,
)
from ..ids import db_id
from ..surveys import services as survey_services
from ..surveys.forms import option_label
from ..surveys.models import Survey, SurveyStatus
from . import services
from .forms import BatchCodeForm, BatchForm, build_entry_form, field_name, typed_answers
from .models import PaperBatch

bp = Blueprint("paper", __name__)

#: A submission token as `surveys.services.new_submission_token` makes them.
TOKEN = re.compile(r"[0-9a-f]{32}")

PAPER_SIZES = ("letter", "a4")


def _paper_size() -> str:
    paper = request.args.get("paper", "letter")
    return paper if paper in PAPER_SIZES else "letter"


def _batch_or_404(code: str) -> PaperBatch:
    batch = services.find_batch(code)
    if batch is None or batch.code != code:
        abort(404)
    return batch


def _print_page(survey: Survey, paper_language, sheet_codes: list[str | None], back_url: str):
    """The survey laid out for pen in `paper_language`, one copy per sheet code."""
    staff_language = select_language()
    questions = services.paper_questions(survey)
    # The tools bar above the sheets speaks the staff member's language, the sheets the family's.
    tools = {
        "label": _("Paper survey"),
        "back": _("Back"),
        "hint": _(
            "Print with your browser's Print command (Ctrl+P or ⌘P). This bar is not printed."
        ),
        "letter": _("US Letter"),
        "a4": _("A4"),
        "sheets": ngettext("%(num)d sheet", "%(num)d sheets", len(sheet_codes)),
    }
    with speaking(paper_language.code):

        def text(texts):
            return localized(texts, paper_language, survey.default_language)[0]

        return render_template(
            "paper/sheets.html",
            survey=survey,
            questions=questions,
            text=text,
            sheet_codes=sheet_codes,
            paper=_paper_size(),
            paper_language=paper_language,
            staff_language=staff_language,
            tools=tools,
            back_url=back_url,
            sizes_url={
                size: url_for(request.endpoint, **(request.view_args or {}), paper=size, lang=None)
                for size in PAPER_SIZES
            },
        )


@bp.get("/surveys/<int:survey_id>/<paper_language>/print")
@require_role(Role.FACILITATOR)
def print_survey(survey_id: int, paper_language: str):
    """The blank paper survey from the outreach kit: no sheet code printed on it."""
    survey = db.get_or_404(Survey, survey_id)
    language = language_for(paper_language) or abort(404)
    back = url_for("outreach.show_kit", survey_id=survey.id, kit_language=language.code)
    return _print_page(survey, language, [None], back)


@bp.get("/batches/<code>/print")
@require_role(Role.FACILITATOR)
def print_batch(code: str):
    """Every sheet of a batch, each with its own sheet code."""
    batch = _batch_or_404(code)
    language = language_for(batch.language) or KNOWN_LANGUAGES[batch.language]
    codes = [services.sheet_code(batch, number) for number in range(1, batch.sheets + 1)]
    return _print_page(batch.survey, language, codes, url_for("paper.show_batch", code=batch.code))


def _survey_choices() -> list[SelectChoice]:
    return [
        SelectChoice(survey.id, f"{localized(survey.title)[0]} (v{survey.version})")
        for survey in survey_services.open_surveys()
    ]


def _language_choices() -> list[SelectChoice]:
    return [SelectChoice(lang.code, lang.name) for lang in offered_languages()]


def _desk(batch_form: BatchForm, code_form: BatchCodeForm, status: int = 200):
    batches = services.list_batches()
    return render_template(
        "paper/desk.html",
        batch_form=batch_form,
        code_form=code_form,
        batches=batches,
        entered=services.entered_counts(batches),
        language_names={code: lang.name for code, lang in KNOWN_LANGUAGES.items()},
    ), status


@bp.get("/")
@require_role(Role.FACILITATOR)
def show_desk():
    """Batches made so far, a form for a new one, and a box to type a batch code in."""
    form = BatchForm(formdata=None)
    form.survey_id.choices = _survey_choices()
    form.language.choices = _language_choices()
    survey_id = request.args.get("survey", type=db_id)
    if survey_id is not None:
        form.survey_id.data = survey_id
    if language_for(request.args.get("language")):
        form.language.data = language_for(request.args.get("language")).code
    return _desk(form, BatchCodeForm(formdata=None))


@bp.post("/batches")
@require_role(Role.FACILITATOR)
def create_batch():
    form = BatchForm()
    form.survey_id.choices = _survey_choices()
    form.language.choices = _language_choices()
    if not form.validate():
        return _desk(form, BatchCodeForm(formdata=None), 400)
    survey = db.get_or_404(Survey, form.survey_id.data)
    batch = services.create_batch(
        survey, form.language.data, form.place.data, form.sheets.data, current_user
    )
    db.session.commit()
    flash(_("Batch %(code)s made: print its sheets and hand them out.", code=batch.code))
    return redirect(url_for("paper.show_batch", code=batch.code), code=303)


@bp.get("/batches/<code>")
@require_role(Role.FACILITATOR)
def show_batch(code: str):
    batch = _batch_or_404(code)
    entered = services.entered_sheet_numbers(batch)
    return render_template(
        "paper/batch.html",
        batch=batch,
        language=KNOWN_LANGUAGES.get(batch.language),
        entered=entered,
        missing=[number for number in range(1, batch.sheets + 1) if number not in entered],
        survey_closed=batch.survey.status != SurveyStatus.OPEN
        or is_closed(batch.survey.engagement),
    )


@bp.get("/enter")
@require_role(Role.FACILITATOR)
def choose_batch():
    """Type (or pick) the batch code printed on the returned sheets."""
    if "batch" not in request.args:
        return _desk(_new_batch_form(), BatchCodeForm(formdata=None))
    form = BatchCodeForm(request.args)
    if form.validate():
        return redirect(url_for("paper.enter_sheet", code=form.found.code), code=303)
    return _desk(_new_batch_form(), form, 400)


def _new_batch_form() -> BatchForm:
    form = BatchForm(formdata=None)
    form.survey_id.choices = _survey_choices()
    form.language.choices = _language_choices()
    return form


@bp.route("/batches/<code>/enter", methods=["GET", "POST"])
@require_role(Role.FACILITATOR)
def enter_sheet(code: str):
    """One sheet at a time, in the paper's order; after a save, the next sheet's empty form."""
    batch = _batch_or_404(code)
    survey = batch.survey
    staff_language = select_language()
    questions = services.paper_questions(survey)

    def label_for(paper_question):
        return localized(paper_question.question.text, staff_language, survey.default_language)[0]

    posted = request.method == "POST"
    form = build_entry_form(batch, questions, label_for, request.form if posted else None)
    if not posted:
        form.submission_token.data = survey_services.new_submission_token()
        number = services.next_sheet_number(batch, request.args.get("after", 0, type=int))
        form.sheet.data = "" if number is None else str(number)
    form_error = None
    if posted:
        saved = _saved_before(batch, form.submission_token.data)
        if saved is not None:  # the same form sent twice (a double Enter): it is saved
            return _saved(batch, saved)
    if posted and form.validate():
        answers = typed_answers(form, questions)
        number = form.sheet.number
        if all(value in (None, "", []) for value in answers.values()):
            form_error = _(
                "Every question on this sheet is blank, so there is nothing to save. "
                "If the sheet came back empty, set it aside and go on with the next one."
            )
        else:
            form_error = _save_sheet(batch, number, answers, form)
            if form_error is None:
                return _saved(batch, number)
    elif posted and not (form.submission_token.data or "").strip():
        form.submission_token.data = survey_services.new_submission_token()
    status = 400 if posted else 200
    return render_template(
        "paper/enter.html",
        batch=batch,
        form=form,
        form_error=form_error,
        fields=[(pq, form[field_name(pq)]) for pq in questions],
        option_list=lambda pq: " · ".join(
            f"{number} {option_label(pq.question, option, staff_language, survey.default_language)}"
            for number, option in pq.options
        ),
        language=KNOWN_LANGUAGES.get(batch.language),
        entered=len(services.entered_sheet_numbers(batch)),
        first_error=next((field.id for field in form if field.errors), None),
    ), status


def _saved(batch, number: int):
    flash(_("Sheet %(code)s saved.", code=services.sheet_code(batch, number)))
    return redirect(url_for("paper.enter_sheet", code=batch.code, after=number), code=303)


def _saved_before(batch, token: str | None) -> int | None:
    """The number of the sheet of `batch` this very form (its submission token) was saved
    as already, or None."""
    if not token or not TOKEN.fullmatch(token):  # PostgreSQL refuses a NUL in a query
        return None
    existing = survey_services.response_for_token(token)
    if existing is None or not existing.paper_sheet:
        return None
    batch_code, _dash, number = existing.paper_sheet.rpartition("-")
    return int(number) if batch_code == batch.code and number.isdecimal() else None


def _save_sheet(batch, number, answers, form) -> str | None:
    """Store the sheet; None when it is saved, else the message to show. The same form sent
    twice (a double Enter) counts as saved."""
    code = services.sheet_code(batch, number)
    token = form.submission_token.data or ""
    if not TOKEN.fullmatch(token):  # missing or tampered with: this is a new form
        token = survey_services.new_submission_token()
    existing = survey_services.response_for_token(token)
    if existing is None:
        try:
            services.enter_sheet(batch, number, answers, token, current_user)
            db.session.commit()
            return None
        except IntegrityError:
            db.session.rollback()
            existing = survey_services.response_for_token(token)
            if existing is None:  # another request stored this sheet first
                form.sheet.errors = [
                    _("Sheet %(code)s is already entered: it was typed in before.", code=code)
                ]
                return _("Please look at the sheet number.")
    if existing.paper_sheet == code:
        return None
    form.submission_token.data = survey_services.new_submission_token()
    return _(
        "This form was saved before, as sheet %(code)s. Check the answers below and save "
        "again to store them as another sheet.",
        code=existing.paper_sheet or "",
    )
