"""Translating a draft side by side, and previewing it as a family in a phone-sized frame."""

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import format_datetime
from flask_babel import gettext as _

from ..auth.models import Role
from ..auth.permissions import require_role
from ..i18n import KNOWN_LANGUAGES, speaking
from . import document as doc
from . import preview, services
from .forms import KIND_NAMES, RevisionForm
from .pages import find_draft, save, working_language
from .translation import completeness, set_translations, units

bp = Blueprint("survey_translation", __name__)


@bp.context_processor
def _helpers():
    return {"format_datetime": format_datetime}


def _target_language(draft, code):
    if code not in services.offered_languages(draft.engagement) or code == working_language(draft):
        abort(404)
    return KNOWN_LANGUAGES[code]


@bp.route("/drafts/<int:draft_id>/translate/<code>", methods=["GET", "POST"])
@require_role(Role.FACILITATOR)
def translate(draft_id: int, code: str):
    draft = find_draft(draft_id)
    language = _target_language(draft, code)
    working = working_language(draft)
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
            conflict = save(draft, form, document, "translated", {"language": code})
            if conflict is None:
                flash(_("Translation saved."))
                return redirect(
                    url_for("survey_translation.translate", draft_id=draft.id, code=code), code=303
                )
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
    draft = find_draft(draft_id)
    if code not in services.offered_languages(draft.engagement):
        abort(404)
    overall, _groups = completeness(draft.document, code, working_language(draft))
    return render_template(
        "editor/preview.html",
        draft=draft,
        language=KNOWN_LANGUAGES[code],
        overall=overall,
        working_language=KNOWN_LANGUAGES[working_language(draft)],
        languages=[KNOWN_LANGUAGES[c] for c in services.offered_languages(draft.engagement)],
    )


@bp.get("/drafts/<int:draft_id>/preview/<code>/frame")
@require_role(Role.FACILITATOR)
def preview_frame(draft_id: int, code: str):
    draft = find_draft(draft_id)
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
