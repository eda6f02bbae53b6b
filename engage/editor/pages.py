"""What the editor's pages share: finding the draft, saving with the revision check, the
draft page (also shown with a refusal), and reading an uploaded survey file."""

from flask import flash, render_template
from flask_babel import format_datetime
from flask_babel import gettext as _
from flask_login import current_user

from ..extensions import db
from ..i18n import KNOWN_LANGUAGES
from . import document as doc
from . import services
from .forms import KIND_NAMES, ImportForm, RevisionForm
from .models import SurveyDraft
from .translation import completeness


def find_draft(draft_id: int) -> SurveyDraft:
    return db.get_or_404(SurveyDraft, draft_id)


def working_language(draft) -> str:
    return draft.document.get("default_language") or "en"


def conflict_message(draft) -> str:
    who = draft.updated_by.email if draft.updated_by else _("someone")
    return _(
        "This survey was changed by someone else (%(who)s, %(when)s) after you opened this "
        "page. Nothing of yours was saved: your edit is still below. Check their change, "
        "then save again to apply yours.",
        who=who,
        when=format_datetime(draft.updated_at, "short"),
    )


def save(draft, form, document, action, details=None) -> str | None:
    """Save and commit; the conflict message when someone saved in between."""
    try:
        services.save_document(
            draft, current_user, form.revision_number(), document, action, details
        )
    except services.DraftConflict:
        db.session.rollback()
        form.revision.data = str(draft.revision)  # a second save applies this edit
        return conflict_message(draft)
    db.session.commit()
    return None


def overview(draft, error=None, status=200):
    document = draft.document
    working = working_language(draft)
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


def uploaded_text(form) -> tuple[str, str] | tuple[None, str]:
    upload = form.file.data
    if upload is None or not getattr(upload, "filename", ""):
        return None, _("Choose a .toml file to read in.")
    try:
        return upload.read().decode("utf-8"), upload.filename
    except UnicodeDecodeError:
        return None, _("The file is not UTF-8 text, so it is not a survey file.")


def flash_import(complaint):
    flash(_("The file was read into the draft."))
    if complaint:
        flash(_("It cannot open as it is yet: %(problem)s", problem=complaint))
