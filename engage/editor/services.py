"""Draft verbs: start a draft, save an edit (never over someone else's), open it as a version,
read a file into it. Explicit arguments, flush not commit, an audit event for each change."""

import copy
import hashlib
import tomllib
from pathlib import Path

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update

from ..audit import AuditEvent, record_event
from ..extensions import db
from ..i18n import KNOWN_LANGUAGES
from ..models_base import DomainError, utcnow
from ..surveys import services as survey_services
from ..surveys.models import Survey
from . import files
from .document import KEY_PATTERN, blank_document, text_in
from .models import SurveyDraft
from .translation import missing_by_language


class EditorError(DomainError):
    """An action on a draft that cannot be done; the message says why."""


class DraftConflict(Exception):
    """Someone saved the draft since this edit's form was opened."""

    def __init__(self, draft: SurveyDraft):
        super().__init__("draft changed")
        self.draft = draft


class LanguagesIncomplete(Exception):
    """Opening would leave out languages the person has not agreed to leave out."""

    def __init__(self, missing: dict[str, int]):
        super().__init__("languages incomplete")
        self.missing = missing


def offered_languages(engagement) -> list[str]:
    """The languages an engagement offers: today every language this site offers."""
    return list(current_app.config["LANGUAGES"])


def _with_offered(document, engagement) -> dict:
    result = copy.deepcopy(document)
    languages = list(result.get("languages") or [])
    for code in offered_languages(engagement):
        if code not in languages:
            languages.append(code)
    result["languages"] = languages
    result.setdefault("default_language", languages[0] if languages else "en")
    return result


def _check_slug(slug: str, engagement) -> None:
    if not KEY_PATTERN.match(slug) or "_" in slug:
        raise EditorError(
            _l("The address name may hold only small letters a to z, digits and hyphens.")
        )
    if db.session.scalar(select(SurveyDraft.id).filter_by(slug=slug)) is not None:
        raise EditorError(
            _l("A survey with the address %(slug)s is already being written.", slug=slug)
        )
    if db.session.scalar(select(Survey.id).filter_by(slug=slug).limit(1)) is not None:
        raise EditorError(
            _l("A survey with the address %(slug)s exists: open it and choose Edit.", slug=slug)
        )


def create_draft(engagement, actor, *, slug: str, title: str = "", starter: str = ""):
    """A new draft: blank (with `title` in the working language) or from a starter file."""
    slug = (slug or "").strip().lower()
    working = engagement.default_language
    if starter:
        try:
            document = files.read_starter(current_app.config["SURVEYS_FOLDER"], starter)
        except files.SurveyTextError as error:
            raise EditorError(_l("Choose one of the starter surveys listed.")) from error
        slug = slug or document.get("slug", "")
        document["slug"] = slug
        document["version"] = 1
    else:
        if not (title or "").strip():
            raise EditorError(_l("Give the survey a title."))
        document = blank_document(slug, offered_languages(engagement), working, title.strip())
    _check_slug(slug, engagement)
    draft = SurveyDraft(
        engagement=engagement,
        slug=slug,
        document=_with_offered(document, engagement),
        revision=1,
        updated_by_id=getattr(actor, "id", None),
        updated_at=utcnow(),
    )
    db.session.add(draft)
    db.session.flush()
    record_event(actor, "survey_draft.created", draft, {"slug": slug, "starter": starter or None})
    return draft


def save_document(draft, actor, expected_revision: int, document, action: str, details=None):
    """Store `document` as the draft's next revision, only if nobody saved since
    `expected_revision` (raises DraftConflict with the draft as it now is)."""
    now = utcnow()
    result = db.session.execute(
        update(SurveyDraft)
        .where(SurveyDraft.id == draft.id, SurveyDraft.revision == expected_revision)
        .values(
            document=copy.deepcopy(document),
            revision=expected_revision + 1,
            updated_by_id=getattr(actor, "id", None),
            updated_at=now,
        )
        .execution_options(synchronize_session=False)
    )
    db.session.expire(draft)
    if result.rowcount != 1:
        raise DraftConflict(draft)
    record_event(
        actor,
        f"survey_draft.{action}",
        draft,
        {"revision": expected_revision + 1} | (details or {}),
    )
    return draft


def draft_for_survey(survey: Survey, actor) -> SurveyDraft:
    """The draft to edit `survey` in: its own draft, or a new one from the version's file."""
    draft = db.session.scalar(select(SurveyDraft).filter_by(slug=survey.slug))
    if draft is not None:
        return draft
    if survey.engagement is None:
        raise EditorError(_l("Attach this survey to an engagement before editing it."))
    draft = SurveyDraft(
        engagement=survey.engagement,
        slug=survey.slug,
        document=_with_offered(document_of_version(survey), survey.engagement),
        revision=1,
        based_on_version=survey.version,
        opened_revision=1,
        updated_by_id=getattr(actor, "id", None),
        updated_at=utcnow(),
    )
    db.session.add(draft)
    db.session.flush()
    record_event(actor, "survey_draft.created", draft, {"from_version": survey.version})
    return draft


def document_of_version(survey: Survey) -> dict:
    """A published version as a document: its stored source, else its file if unchanged, else
    rebuilt from its questions."""
    if survey.source_text:
        return tomllib.loads(survey.source_text)
    path = Path(current_app.config["SURVEYS_FOLDER"]) / survey.source_file
    if path.is_file():
        raw = path.read_bytes()
        if hashlib.sha256(raw).hexdigest() == survey.content_hash:
            return tomllib.loads(raw.decode("utf-8"))
    return _rebuilt(survey)


def _rebuilt(survey: Survey) -> dict:
    document = {
        "slug": survey.slug,
        "version": survey.version,
        "default_language": survey.default_language,
        "languages": list(survey.languages),
        "title": dict(survey.title),
        "questions": [],
    }
    for name in ("intro", "next_steps"):
        if getattr(survey, name):
            document[name] = dict(getattr(survey, name))
    for question in survey.questions:
        item = {"key": question.key, "kind": str(question.kind), "text": dict(question.text)}
        for name in ("help", "section"):
            if getattr(question, name):
                item[name] = dict(getattr(question, name))
        for name in ("required", "demographic"):
            if getattr(question, name):
                item[name] = True
        for name in ("maps_to", "max_choices", "max_length"):
            if getattr(question, name) is not None:
                item[name] = getattr(question, name)
        if question.options:
            item["options"] = [
                {"value": option.value, "text": dict(option.text)} for option in question.options
            ]
        document["questions"].append(item)
    return document


def latest_version(slug: str) -> Survey | None:
    return db.session.scalar(
        select(Survey).filter_by(slug=slug).order_by(Survey.version.desc()).limit(1)
    )


def opening_plan(draft) -> dict:
    """What opening would do: the version number, whether it replaces one, the languages."""
    document = draft.document
    working = document.get("default_language")
    offered = offered_languages(draft.engagement)
    missing = missing_by_language(document, offered, working)
    latest = latest_version(draft.slug)
    responses = survey_services.count_responses(latest) if latest is not None else 0
    if latest is None:
        version, replaces = 1, False
    elif responses:
        version, replaces = latest.version + 1, False
    else:
        version, replaces = latest.version, True
    return {
        "working": working,
        "missing": missing,
        "complete": [code for code in offered if code not in missing],
        "version": version,
        "replaces": replaces,
        "latest": latest,
        "responses": responses,
    }


def open_draft(draft, actor, expected_revision: int, without: set[str] = frozenset()):
    """Open the draft for answers as a survey version: a new version when the newest has
    responses, else that version replaced. Languages the engagement offers that are
    incomplete must each be in `without` (LanguagesIncomplete otherwise); the survey then
    opens in its complete languages only, and the choice is audited. The loader's refusal
    (SurveyFileError) is raised as it comes."""
    from ..engagements.services import is_closed

    if draft.revision != expected_revision:
        raise DraftConflict(draft)
    if is_closed(draft.engagement) or draft.engagement.archived_at is not None:
        raise EditorError(_l("The engagement is closed: its surveys cannot open."))
    plan = opening_plan(draft)
    latest = plan["latest"]
    if latest is not None and latest.engagement_id not in (None, draft.engagement_id):
        raise EditorError(_l("Another engagement's survey uses this address."))
    if plan["working"] in plan["missing"]:
        raise EditorError(
            _l("Some texts are not written in the working language yet: write them first.")
        )
    left_out = {code: n for code, n in plan["missing"].items() if code not in without}
    if left_out:
        raise LanguagesIncomplete(left_out)
    opened = files.for_opening(draft.document, plan["complete"], plan["version"])
    text = files.survey_text(opened)
    definition = files.check_text(text, KNOWN_LANGUAGES, files.file_name(opened))
    survey_services.import_surveys([definition], engagement=draft.engagement, actor=actor)
    survey = db.session.scalar(select(Survey).filter_by(slug=draft.slug, version=plan["version"]))
    survey.source_text = text
    draft.based_on_version = plan["version"]
    draft.opened_revision = draft.revision
    db.session.flush()
    went_on_without = dict(plan["missing"])
    record_event(
        actor,
        "survey.opened",
        survey,
        {
            "draft": draft.id,
            "revision": draft.revision,
            "version": plan["version"],
            "replaced": plan["replaces"],
            "languages": plan["complete"],
            "went_on_without": went_on_without,
        },
    )
    return survey


def import_into_draft(draft, actor, expected_revision: int, text: str, source_name: str):
    """Replace the draft's document with a survey file's (the draft keeps its address).

    A file whose TOML is broken, or that the loader refuses even in its working language
    alone, is refused (SurveyTextError / SurveyFileError). Missing translations are not an
    error here: a draft may be incomplete. Returns the loader's complaint about the whole file
    (None when it would open as it is)."""
    document = files.read_text(text, source_name)
    document["slug"] = draft.slug
    document = _with_offered(document, draft.engagement)
    _check_working(document, source_name)
    save_document(draft, actor, expected_revision, document, "imported", {"file": source_name})
    return _whole_file_complaint(document)


def import_new_draft(engagement, actor, text: str, source_name: str):
    """A new draft from a survey file (its slug from the file)."""
    document = files.read_text(text, source_name)
    slug = str(document.get("slug") or "")
    _check_slug(slug, engagement)
    document = _with_offered(document, engagement)
    _check_working(document, source_name)
    draft = SurveyDraft(
        engagement=engagement,
        slug=slug,
        document=document,
        revision=1,
        updated_by_id=getattr(actor, "id", None),
        updated_at=utcnow(),
    )
    db.session.add(draft)
    db.session.flush()
    record_event(actor, "survey_draft.imported", draft, {"file": source_name, "revision": 1})
    return draft, _whole_file_complaint(document)


def _check_working(document, source_name):
    working = document.get("default_language") or (document.get("languages") or ["en"])[0]
    if working not in KNOWN_LANGUAGES:
        raise files.SurveyFileError(source_name, "unknown language code", language=working)
    alone = files.for_opening(document, [working], int(document.get("version") or 1))
    files.check_text(files.survey_text(alone), KNOWN_LANGUAGES, source_name)


def _whole_file_complaint(document) -> str | None:
    try:
        files.check_text(files.survey_text(document), KNOWN_LANGUAGES, files.file_name(document))
    except (files.SurveyFileError, files.SurveyTextError) as error:
        return str(error)
    return None


def openings(survey_ids) -> dict[int, AuditEvent]:
    """The "survey.opened" event of each version id given."""
    if not survey_ids:
        return {}
    events = db.session.scalars(
        select(AuditEvent)
        .where(
            AuditEvent.action == "survey.opened",
            AuditEvent.target_type == "Survey",
            AuditEvent.target_id.in_([str(i) for i in survey_ids]),
        )
        .order_by(AuditEvent.occurred_at)
    )
    return {int(event.target_id): event for event in events}


def engagement_surveys(engagement) -> tuple[list[SurveyDraft], list[Survey]]:
    drafts = list(
        db.session.scalars(
            select(SurveyDraft).filter_by(engagement_id=engagement.id).order_by(SurveyDraft.slug)
        )
    )
    newest = (
        select(Survey.slug, func.max(Survey.version).label("version"))
        .where(Survey.engagement_id == engagement.id)
        .group_by(Survey.slug)
        .subquery()
    )
    surveys = list(
        db.session.scalars(
            select(Survey)
            .join(newest, (Survey.slug == newest.c.slug) & (Survey.version == newest.c.version))
            .order_by(Survey.slug)
        )
    )
    return drafts, surveys


def title_of(document, language: str) -> str:
    working = document.get("default_language", "en")
    return text_in(document.get("title"), language) or text_in(document.get("title"), working)
