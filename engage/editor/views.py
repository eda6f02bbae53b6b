"""Staff pages to write a survey: the engagement's surveys, a draft, its texts and questions.
(Translating and previewing are in translation_views.py; opening and files in opening_views.py.)

Every edit goes through `services.save_document` with the revision the form was opened at: a
save made over someone else's newer save is refused and the page gives the person's edit back.
"""

from flask import (
    Blueprint,
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
from . import document as doc
from . import files, services
from .forms import (
    KIND_NAMES,
    ImportForm,
    NewDraftForm,
    QuestionForm,
    RevisionForm,
    SettingsForm,
)
from .pages import find_draft, flash_import, overview, save, uploaded_text, working_language

bp = Blueprint("editor", __name__)


@bp.context_processor
def _helpers():
    return {"format_datetime": format_datetime}


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


@bp.post("/engagements/<int:engagement_id>/surveys/new")
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


@bp.post("/engagements/<int:engagement_id>/surveys/import")
@require_role(Role.FACILITATOR)
def import_new_draft(engagement_id: int):
    engagement = db.get_or_404(Engagement, engagement_id)
    form = ImportForm()
    if not form.validate_on_submit():
        return _list_page(engagement, _new_draft_form(), form, status=400)
    text, name = uploaded_text(form)
    if text is None:
        return _list_page(engagement, _new_draft_form(), form, error=name, status=400)
    try:
        draft, complaint = services.import_new_draft(engagement, current_user, text, name)
    except (services.EditorError, files.SurveyTextError, files.SurveyFileError) as error:
        db.session.rollback()
        return _list_page(engagement, _new_draft_form(), form, error=str(error), status=400)
    db.session.commit()
    flash_import(complaint)
    return redirect(url_for("editor.show_draft", draft_id=draft.id), code=303)


# ---- One draft ----


@bp.get("/drafts/<int:draft_id>")
@require_role(Role.FACILITATOR)
def show_draft(draft_id: int):
    return overview(find_draft(draft_id))


@bp.route("/drafts/<int:draft_id>/settings", methods=["GET", "POST"])
@require_role(Role.FACILITATOR)
def edit_settings(draft_id: int):
    draft = find_draft(draft_id)
    working = working_language(draft)
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
            conflict = save(draft, form, document, "settings_changed")
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
    working = working_language(draft)
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
                conflict = save(draft, form, changed, action, {"question": question["key"]})
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
    draft = find_draft(draft_id)
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
    draft = find_draft(draft_id)
    index = _index(draft, number)
    kind = doc.questions(draft.document)[index].get("kind")
    if kind not in doc.KINDS:
        abort(404)
    return _question_page(draft, index, kind)


def _list_change(draft_id, number, change, action):
    draft = find_draft(draft_id)
    index = _index(draft, number)
    form = RevisionForm()
    if not form.validate_on_submit():
        abort(400)
    key = doc.questions(draft.document)[index].get("key")
    try:
        changed = change(draft.document, index)
    except doc.DocumentError as error:
        return overview(draft, error=str(error), status=409)
    conflict = save(draft, form, changed, action, {"question": key})
    if conflict is not None:
        return overview(draft, error=conflict, status=409)
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
