"""Opening a draft as a survey version, survey files in and out, and a survey's versions."""

from flask import Blueprint, Response, abort, flash, redirect, render_template, url_for
from flask_babel import format_datetime
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from ..auth.models import Role
from ..auth.permissions import require_role
from ..extensions import db
from ..i18n import KNOWN_LANGUAGES, localized
from ..surveys.models import Survey
from ..surveys.services import count_responses
from . import document as doc
from . import files, services
from .forms import ImportForm, OpenForm, RevisionForm
from .models import SurveyDraft
from .pages import conflict_message, find_draft, flash_import, overview, uploaded_text

bp = Blueprint("survey_opening", __name__)


@bp.context_processor
def _helpers():
    return {"format_datetime": format_datetime}


def _open_page(draft, form, error=None, status=200):
    plan = services.opening_plan(draft)
    form.without.choices = [
        SelectChoice(code, KNOWN_LANGUAGES[code].name) for code in plan["missing"]
    ]
    return render_template(
        "editor/open.html",
        draft=draft,
        form=form,
        plan=plan,
        languages=KNOWN_LANGUAGES,
        problems=doc.problems(draft.document, plan["working"]),
        error=error,
    ), status


@bp.route("/drafts/<int:draft_id>/open", methods=["GET", "POST"])
@require_role(Role.FACILITATOR)
def open_survey(draft_id: int):
    draft = find_draft(draft_id)
    form = OpenForm()
    if not form.is_submitted():
        form.revision.data = str(draft.revision)
        return _open_page(draft, form)
    if not form.validate():
        return _open_page(draft, form, status=400)
    try:
        survey = services.open_draft(
            draft, current_user, form.revision_number(), set(form.without.data or ())
        )
    except services.DraftConflict:
        db.session.rollback()
        form.revision.data = str(draft.revision)
        return _open_page(draft, form, error=conflict_message(draft), status=409)
    except services.LanguagesIncomplete:
        db.session.rollback()
        message = _("Tick each language the survey may open without, or finish its translation.")
        return _open_page(draft, form, error=message, status=400)
    except (services.EditorError, files.SurveyFileError, files.SurveyTextError) as error:
        db.session.rollback()
        return _open_page(draft, form, error=str(error), status=400)
    db.session.commit()
    flash(_("The survey is open: version %(version)s.", version=survey.version))
    return redirect(url_for("survey_opening.show_survey", survey_id=survey.id), code=303)


def _toml_download(text: str, name: str) -> Response:
    response = Response(text, mimetype="application/toml")
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@bp.get("/drafts/<int:draft_id>/export.toml")
@require_role(Role.FACILITATOR)
def export_draft(draft_id: int):
    draft = find_draft(draft_id)
    return _toml_download(files.survey_text(draft.document), f"{draft.slug}-draft.toml")


@bp.post("/drafts/<int:draft_id>/import")
@require_role(Role.FACILITATOR)
def import_into_draft(draft_id: int):
    draft = find_draft(draft_id)
    form = ImportForm()
    if not form.validate_on_submit():
        abort(400)
    text, name = uploaded_text(form)
    if text is None:
        return overview(draft, error=name, status=400)
    try:
        complaint = services.import_into_draft(
            draft, current_user, form.revision_number(), text, name
        )
    except services.DraftConflict:
        db.session.rollback()
        return overview(draft, error=conflict_message(draft), status=409)
    except (files.SurveyTextError, files.SurveyFileError) as error:
        db.session.rollback()
        return overview(draft, error=str(error), status=400)
    db.session.commit()
    flash_import(complaint)
    return redirect(url_for("editor.show_draft", draft_id=draft.id), code=303)


# ---- Published versions ----


@bp.get("/surveys/<int:survey_id>")
@require_role(Role.FACILITATOR)
def show_survey(survey_id: int):
    survey = db.get_or_404(Survey, survey_id)
    versions = list(
        db.session.scalars(
            select(Survey).filter_by(slug=survey.slug).order_by(Survey.version.desc())
        )
    )
    openings = services.openings([v.id for v in versions])
    return render_template(
        "editor/survey.html",
        survey=survey,
        versions=[(v, count_responses(v)) for v in versions],
        openings=openings,
        openers=_emails({event.actor_id for event in openings.values()}),
        draft=db.session.scalar(select(SurveyDraft).filter_by(slug=survey.slug)),
        form=RevisionForm(),
        languages=KNOWN_LANGUAGES,
        title=localized(survey.title, None, survey.default_language)[0],
    )


def _emails(user_ids) -> dict[int, str]:
    from ..auth.models import User

    ids = [i for i in user_ids if i is not None]
    if not ids:
        return {}
    return {u.id: u.email for u in db.session.scalars(select(User).where(User.id.in_(ids)))}


@bp.post("/surveys/<int:survey_id>/edit")
@require_role(Role.FACILITATOR)
def edit_survey(survey_id: int):
    survey = db.get_or_404(Survey, survey_id)
    if not RevisionForm().validate_on_submit():
        abort(400)
    draft = services.draft_for_survey(survey, current_user)
    db.session.commit()
    return redirect(url_for("editor.show_draft", draft_id=draft.id), code=303)


@bp.get("/surveys/<int:survey_id>/export.toml")
@require_role(Role.FACILITATOR)
def export_version(survey_id: int):
    survey = db.get_or_404(Survey, survey_id)
    text = survey.source_text or files.survey_text(services.document_of_version(survey))
    return _toml_download(text, f"{survey.slug}-v{survey.version}.toml")
