"""Staff pages to write a survey, translate it, preview it as a family and open it.

Every edit goes through `services.save_document` with the revision the form was opened at: a
save made over someone else's newer save is refused and the page gives the person's edit back.
"""

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import format_datetime
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from ..auth.models import Role
from ..auth.permissions import require_role
from ..engagements.models import Engagement
from ..extensions import db
from ..i18n import KNOWN_LANGUAGES, localized, speaking
from ..surveys.models import Survey
from . import document as doc
from . import files, preview, services
from .forms import (
    KIND_NAMES,
    ImportForm,
    NewDraftForm,
    OpenForm,
    QuestionForm,
    RevisionForm,
    SettingsForm,
)
from .models import SurveyDraft
from .translation import completeness, set_translations, units

bp = Blueprint("editor", __name__)


@bp.context_processor
def _helpers():
    return {"format_datetime": format_datetime}


def _draft(draft_id: int) -> SurveyDraft:
    return db.get_or_404(SurveyDraft, draft_id)


def _working(draft) -> str:
    return draft.document.get("default_language") or "en"


def _conflict_message(draft) -> str:
    who = draft.updated_by.email if draft.updated_by else _("someone")
    return _(
        "This survey was changed by someone else (%(who)s, %(when)s) after you opened this "
        "page. Nothing of yours was saved: your edit is still below. Check their change, "
        "then save again to apply yours.",
        who=who,
        when=format_datetime(draft.updated_at, "short"),
    )


def _save(draft, form, document, action, details=None) -> str | None:
    """Save and commit; the conflict message when someone saved in between."""
    try:
        services.save_document(
            draft, current_user, form.revision_number(), document, action, details
        )
    except services.DraftConflict:
        db.session.rollback()
        form.revision.data = str(draft.revision)  # a second save applies this edit
        return _conflict_message(draft)
    db.session.commit()
    return None


# ---- The engagement's surveys ----


@bp.get("/engagements/<int:engagement_id>/surveys")
@require_role(Role.FACILITATOR)
def list_surveys(engagement_id: int):
    engagement = db.get_or_404(Engagement, engagement_id)
    return _list_page(engagement, _new_draft_form(), ImportForm())


def _new_draft_form(**kwargs) -> NewDraftForm:
    form = NewDraftForm(**kwargs)
    starters = files.starter_files(current_app.config["SURVEYS_FOLDER"])
    form.starter.choices = [SelectChoice("", _("A blank survey"))] + [
        SelectChoice(name, title) for name, title in starters
    ]
    return form


def _list_page(engagement, form, import_form, error=None, status=200):
    drafts, surveys = services.engagement_surveys(engagement)
    return render_template(
        "editor/list.html",
        engagement=engagement,
        drafts=drafts,
        surveys=surveys,
        form=form,
        import_form=import_form,
        error=error,
        title_of=services.title_of,
    ), status


@bp.post("/engagements/<int:engagement_id>/surveys")
@require_role(Role.FACILITATOR)
def create_draft(engagement_id: int):
    engagement = db.get_or_404(Engagement, engagement_id)
    form = _new_draft_form()
    if not form.validate_on_submit():
        return _list_page(engagement, form, ImportForm(), status=400)
    try:
        draft = services.create_draft(
            engagement,
            current_user,
            slug=form.slug.data or "",
            title=form.title.data or "",
            starter=form.starter.data or "",
        )
    except services.EditorError as error:
        db.session.rollback()
        return _list_page(engagement, form, ImportForm(), error=str(error), status=400)
    db.session.commit()
    return redirect(url_for("editor.show_draft", draft_id=draft.id), code=303)


def _uploaded_text(form) -> tuple[str, str] | tuple[None, str]:
    upload = form.file.data
    if upload is None or not getattr(upload, "filename", ""):
        return None, _("Choose a .toml file to read in.")
    try:
        return upload.read().decode("utf-8"), upload.filename
    except UnicodeDecodeError:
        return None, _("The file is not UTF-8 text, so it is not a survey file.")


@bp.post("/engagements/<int:engagement_id>/surveys/import")
@require_role(Role.FACILITATOR)
def import_new_draft(engagement_id: int):
    engagement = db.get_or_404(Engagement, engagement_id)
    form = ImportForm()
    if not form.validate_on_submit():
        return _list_page(engagement, _new_draft_form(), form, status=400)
    text, name = _uploaded_text(form)
    if text is None:
        return _list_page(engagement, _new_draft_form(), form, error=name, status=400)
    try:
        draft, complaint = services.import_new_draft(engagement, current_user, text, name)
    except (services.EditorError, files.SurveyTextError, files.SurveyFileError) as error:
        db.session.rollback()
        return _list_page(engagement, _new_draft_form(), form, error=str(error), status=400)
    db.session.commit()
    _flash_import(complaint)
    return redirect(url_for("editor.show_draft", draft_id=draft.id), code=303)


def _flash_import(complaint):
    flash(_("The file was read into the draft."))
    if complaint:
        flash(_("It cannot open as it is yet: %(problem)s", problem=complaint))


# ---- One draft ----


def _overview(draft, error=None, status=200):
    document = draft.document
    working = _working(draft)
    items = doc.questions(document)
    progress = []
    for code in services.offered_languages(draft.engagement):
        overall, _groups = completeness(document, code, working)
        progress.append((KNOWN_LANGUAGES[code], overall))
    return render_template(
        "editor/draft.html",
        draft=draft,
        document=document,
        working=working,
        questions=list(zip(items, doc.page_numbers(items), strict=True)),
        problems=doc.problems(document, working),
        progress=progress,
        kinds=KIND_NAMES,
        form=RevisionForm(revision=str(draft.revision)),
        import_form=ImportForm(revision=str(draft.revision)),
        title=services.title_of(document, working),
        latest=services.latest_version(draft.slug),
        error=error,
        text_in=doc.text_in,
    ), status


@bp.get("/drafts/<int:draft_id>")
@require_role(Role.FACILITATOR)
def show_draft(draft_id: int):
    return _overview(_draft(draft_id))


@bp.route("/drafts/<int:draft_id>/settings", methods=["GET", "POST"])
@require_role(Role.FACILITATOR)
def edit_settings(draft_id: int):
    draft = _draft(draft_id)
    working = _working(draft)
    form = SettingsForm()
    conflict = None
    if not form.is_submitted():
        form.revision.data = str(draft.revision)
        for name in ("title", "intro", "next_steps"):
            form[name].data = doc.text_in(draft.document.get(name), working)
    elif form.validate():
        if not (form.title.data or "").strip():
            form.title.errors.append(_("Give the survey a title."))
        else:
            document = doc.set_survey_texts(
                draft.document,
                working,
                title=form.title.data,
                intro=form.intro.data,
                next_steps=form.next_steps.data,
            )
            conflict = _save(draft, form, document, "settings_changed")
            if conflict is None:
                flash(_("Saved."))
                return redirect(url_for("editor.show_draft", draft_id=draft.id), code=303)
    failed = bool(conflict or form.errors or form.title.errors)
    return render_template(
        "editor/settings.html", draft=draft, form=form, conflict=conflict, working=working
    ), 400 if failed and form.is_submitted() else 200


def _scale_choices(document, working):
    choices = [SelectChoice("", _("Its own list (below)"))]
    for name in document.get("scales") or {}:
        options = doc.scale_options(document, name)
        shown = ", ".join(doc.text_in(o.get("text"), working) for o in options[:4])
        choices.append(
            SelectChoice(name, f"{name}: {shown}…" if len(options) > 4 else f"{name}: {shown}")
        )
    return choices


def _condition_groups(document, index, working):
    """Earlier questions a condition may use: (question, [(value, label)])."""
    items = doc.questions(document)
    end = len(items) if index is None else index
    groups = []
    for question in items[:end]:
        values = doc.answer_values(document, question)
        if not values:
            continue
        labels = {"yes": _("Yes"), "no": _("No"), doc.OTHER_VALUE: _("Other")} | {
            str(o.get("value")): doc.text_in(o.get("text"), working)
            for o in doc.choices_of(document, question)
        }
        groups.append((question, [(f"{question['key']}:{v}", labels.get(v, v)) for v in values]))
    return groups


def _fill(form, question, document, working):
    form.key.data = question.get("key", "")
    for name in ("text", "help", "section"):
        form[name].data = doc.text_in(question.get(name), working)
    for name in ("required", "demographic", "allow_other", "new_page"):
        form[name].data = bool(question.get(name))
    form.maps_to.data = question.get("maps_to") or ""
    form.options_from.data = question.get("options_from") or ""
    form.options.data = doc.lines_of(question.get("options") or [], working)
    form.statements.data = doc.lines_of(question.get("statements") or [], working)
    for name in ("max_choices", "max_length", "min_value", "max_value"):
        value = question.get(name)
        form[name].data = "" if value is None else str(value)
    condition = question.get("show_if") or {}
    form.show_if.data = [f"{condition.get('question')}:{v}" for v in condition.get("equals", [])]


def _question_page(draft, index, kind):
    """Add (index None) or edit the question at `index`."""
    document = draft.document
    working = _working(draft)
    items = doc.questions(document)
    form = QuestionForm()
    form.options_from.choices = _scale_choices(document, working)
    conflict = None
    errors: dict[str, str] = {}
    if not form.is_submitted():
        form.revision.data = str(draft.revision)
        if index is not None:
            _fill(form, items[index], document, working)
    elif form.validate():
        question, errors = doc.build_question(document, index, form.question_input(kind), working)
        if question is not None:
            try:
                changed = doc.put_question(document, index, question)
            except doc.DocumentError as error:
                errors = {"show_if": str(error)}
            else:
                action = "question_added" if index is None else "question_changed"
                conflict = _save(draft, form, changed, action, {"question": question["key"]})
                if conflict is None:
                    flash(_("Question saved."))
                    anchor = f"question-{question['key']}"
                    return redirect(
                        url_for("editor.show_draft", draft_id=draft.id, _anchor=anchor), code=303
                    )
    for name, message in errors.items():
        form[name].errors = list(form[name].errors or []) + [message]
    failed = form.is_submitted() and bool(conflict or form.errors or errors)
    return render_template(
        "editor/question.html",
        draft=draft,
        form=form,
        kind=kind,
        kind_name=KIND_NAMES[kind],
        number=None if index is None else index + 1,
        conflict=conflict,
        condition_groups=_condition_groups(document, index, working),
        working=working,
        has_scales=bool(document.get("scales")),
        max_options=doc.MAX_OPTIONS,
    ), 400 if failed else 200


@bp.route("/drafts/<int:draft_id>/questions/new", methods=["GET", "POST"])
@require_role(Role.FACILITATOR)
def add_question(draft_id: int):
    draft = _draft(draft_id)
    kind = request.args.get("kind", "")
    if kind not in doc.KINDS:
        abort(404)
    return _question_page(draft, None, kind)


def _index(draft, number: int) -> int:
    if number > len(doc.questions(draft.document)):
        abort(404)
    return number - 1


@bp.route("/drafts/<int:draft_id>/questions/<int:number>", methods=["GET", "POST"])
@require_role(Role.FACILITATOR)
def edit_question(draft_id: int, number: int):
    draft = _draft(draft_id)
    index = _index(draft, number)
    kind = doc.questions(draft.document)[index].get("kind")
    if kind not in doc.KINDS:
        abort(404)
    return _question_page(draft, index, kind)


def _list_change(draft_id, number, change, action):
    draft = _draft(draft_id)
    index = _index(draft, number)
    form = RevisionForm()
    if not form.validate_on_submit():
        abort(400)
    key = doc.questions(draft.document)[index].get("key")
    try:
        changed = change(draft.document, index)
    except doc.DocumentError as error:
        return _overview(draft, error=str(error), status=409)
    conflict = _save(draft, form, changed, action, {"question": key})
    if conflict is not None:
        return _overview(draft, error=conflict, status=409)
    return redirect(
        url_for("editor.show_draft", draft_id=draft.id, _anchor=f"question-{key}"), code=303
    )


@bp.post("/drafts/<int:draft_id>/questions/<int:number>/move")
@require_role(Role.FACILITATOR)
def move_question(draft_id: int, number: int):
    step = -1 if request.form.get("direction") == "up" else 1
    return _list_change(
        draft_id, number, lambda d, i: doc.move_question(d, i, step), "question_moved"
    )


@bp.post("/drafts/<int:draft_id>/questions/<int:number>/delete")
@require_role(Role.FACILITATOR)
def delete_question(draft_id: int, number: int):
    return _list_change(draft_id, number, doc.delete_question, "question_deleted")


# ---- Translation and preview ----


def _target_language(draft, code):
    if code not in services.offered_languages(draft.engagement) or code == _working(draft):
        abort(404)
    return KNOWN_LANGUAGES[code]


@bp.route("/drafts/<int:draft_id>/translate/<code>", methods=["GET", "POST"])
@require_role(Role.FACILITATOR)
def translate(draft_id: int, code: str):
    draft = _draft(draft_id)
    language = _target_language(draft, code)
    working = _working(draft)
    form = RevisionForm()
    conflict = None
    typed: dict[str, str] = {}
    if not form.is_submitted():
        form.revision.data = str(draft.revision)
    elif form.validate():
        typed = {name[2:]: value for name, value in request.form.items() if name.startswith("t:")}
        too_long = [uid for uid, text in typed.items() if len(text) > doc.MAX_TEXT]
        if not too_long:
            document = set_translations(draft.document, code, typed, working)
            conflict = _save(draft, form, document, "translated", {"language": code})
            if conflict is None:
                flash(_("Translation saved."))
                return redirect(url_for("editor.translate", draft_id=draft.id, code=code), code=303)
        else:
            conflict = _("A text is longer than %(limit)s characters.", limit=doc.MAX_TEXT)
    document = draft.document
    overall, per_group = completeness(document, code, working)
    return render_template(
        "editor/translate.html",
        draft=draft,
        form=form,
        language=language,
        working_language=KNOWN_LANGUAGES[working],
        rows=_translation_rows(document, working, code, typed),
        overall=overall,
        per_group=per_group,
        conflict=conflict,
        kinds=KIND_NAMES,
        kinds_by_index=[q.get("kind") for q in doc.questions(document)],
        max_text=doc.MAX_TEXT,
    ), 400 if conflict else 200


def _translation_rows(document, working, code, typed):
    """[(group, heading, [(unit, target text to show)])] in reading order."""
    items = doc.questions(document)
    groups: dict = {}
    for unit in units(document, working):
        text = typed.get(unit.id, unit.text(code))
        groups.setdefault(unit.group, []).append((unit, text))
    rows = []
    for group, entries in groups.items():
        kind, which = group
        if kind == "survey":
            heading = _("The survey")
        elif kind == "question":
            heading = _("Question %(number)s", number=which + 1)
            heading += f" · {KIND_NAMES.get(items[which].get('kind'), '')}"
        else:
            heading = _("Shared list %(name)s", name=which)
        rows.append((group, heading, entries))
    return rows


@bp.get("/drafts/<int:draft_id>/preview/<code>")
@require_role(Role.FACILITATOR)
def show_preview(draft_id: int, code: str):
    draft = _draft(draft_id)
    if code not in services.offered_languages(draft.engagement):
        abort(404)
    overall, _groups = completeness(draft.document, code, _working(draft))
    return render_template(
        "editor/preview.html",
        draft=draft,
        language=KNOWN_LANGUAGES[code],
        overall=overall,
        working_language=KNOWN_LANGUAGES[_working(draft)],
        languages=[KNOWN_LANGUAGES[c] for c in services.offered_languages(draft.engagement)],
    )


@bp.get("/drafts/<int:draft_id>/preview/<code>/frame")
@require_role(Role.FACILITATOR)
def preview_frame(draft_id: int, code: str):
    draft = _draft(draft_id)
    if code not in services.offered_languages(draft.engagement):
        abort(404)
    with speaking(code) as language:
        html = preview.render(draft.document, language)
    response = Response(html)
    # Shown in a frame of the staff page beside it, and nowhere else.
    response.headers["X-Frame-Options"] = "SAMEORIGIN"
    response.headers["Content-Security-Policy"] = (
        "default-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
        "base-uri 'self'; form-action 'none'; frame-ancestors 'self'"
    )
    return response


# ---- Opening, files ----


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
    draft = _draft(draft_id)
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
        return _open_page(draft, form, error=_conflict_message(draft), status=409)
    except services.LanguagesIncomplete:
        db.session.rollback()
        message = _("Tick each language the survey may open without, or finish its translation.")
        return _open_page(draft, form, error=message, status=400)
    except (services.EditorError, files.SurveyFileError, files.SurveyTextError) as error:
        db.session.rollback()
        return _open_page(draft, form, error=str(error), status=400)
    db.session.commit()
    flash(_("The survey is open: version %(version)s.", version=survey.version))
    return redirect(url_for("editor.show_survey", survey_id=survey.id), code=303)


def _toml_download(text: str, name: str) -> Response:
    response = Response(text, mimetype="application/toml")
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@bp.get("/drafts/<int:draft_id>/export.toml")
@require_role(Role.FACILITATOR)
def export_draft(draft_id: int):
    draft = _draft(draft_id)
    return _toml_download(files.survey_text(draft.document), f"{draft.slug}-draft.toml")


@bp.post("/drafts/<int:draft_id>/import")
@require_role(Role.FACILITATOR)
def import_into_draft(draft_id: int):
    draft = _draft(draft_id)
    form = ImportForm()
    if not form.validate_on_submit():
        abort(400)
    text, name = _uploaded_text(form)
    if text is None:
        return _overview(draft, error=name, status=400)
    try:
        complaint = services.import_into_draft(
            draft, current_user, form.revision_number(), text, name
        )
    except services.DraftConflict:
        db.session.rollback()
        return _overview(draft, error=_conflict_message(draft), status=409)
    except (files.SurveyTextError, files.SurveyFileError) as error:
        db.session.rollback()
        return _overview(draft, error=str(error), status=400)
    db.session.commit()
    _flash_import(complaint)
    return redirect(url_for("editor.show_draft", draft_id=draft.id), code=303)


# ---- Published versions ----


@bp.get("/surveys/<int:survey_id>")
@require_role(Role.FACILITATOR)
def show_survey(survey_id: int):
    survey = db.get_or_404(Survey, survey_id)
    from sqlalchemy import select

    from ..surveys.services import count_responses

    versions = list(
        db.session.scalars(
            select(Survey).filter_by(slug=survey.slug).order_by(Survey.version.desc())
        )
    )
    return render_template(
        "editor/survey.html",
        survey=survey,
        versions=[(v, count_responses(v)) for v in versions],
        openings=services.openings([v.id for v in versions]),
        draft=db.session.scalar(select(SurveyDraft).filter_by(slug=survey.slug)),
        form=RevisionForm(),
        languages=KNOWN_LANGUAGES,
        title=localized(survey.title, None, survey.default_language)[0],
    )


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
