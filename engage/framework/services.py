"""Framework verbs: drafting, evidence, versions, public comment (the board's are in board.py).

Services take explicit arguments, flush rather than commit, record an audit event, and raise
DomainError (a 409 page) for what the version's state does not allow.
"""

import uuid

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..audit import record_event
from ..extensions import db
from ..forum.text import MAX_BODY_LENGTH
from ..models_base import DomainError, utcnow
from ..text import clean_text
from .models import (
    Competency,
    DismissedSuggestion,
    Evidence,
    Framework,
    FrameworkVersion,
    PublicComment,
    VersionStatus,
)
from .workflow import Action, can, transition


def frameworks_of(engagement_id: int) -> list[Framework]:
    return list(db.session.scalars(select(Framework).filter_by(engagement_id=engagement_id)))


def create_framework(engagement, title: dict, actor) -> Framework:
    framework = Framework(engagement_id=engagement.id, title=title)
    db.session.add(framework)
    db.session.flush()
    db.session.add(FrameworkVersion(framework=framework, number=1))
    db.session.flush()
    record_event(actor, "framework.created", framework)
    return framework


def latest_version(framework: Framework) -> FrameworkVersion:
    return db.session.scalar(
        select(FrameworkVersion)
        .filter_by(framework_id=framework.id)
        .order_by(FrameworkVersion.number.desc())
        .limit(1)
    )


def approved_version(framework: Framework) -> FrameworkVersion | None:
    return db.session.scalar(
        select(FrameworkVersion)
        .filter_by(framework_id=framework.id, status=VersionStatus.APPROVED)
        .order_by(FrameworkVersion.number.desc())
        .limit(1)
    )


def save_competency(version, competency, name: dict, description: dict, indicators, actor):
    """Add (competency None) or change a competency of a draft."""
    transition(version, Action.EDIT)
    name = {code: clean_text(text, multiline=False) for code, text in name.items()}
    name = {code: text for code, text in name.items() if text}
    if not name:
        raise DomainError(_l("A competency needs a name in at least one language."))
    if competency is None:
        competency = Competency(
            version=version, lineage=uuid.uuid4().hex, position=len(version.competencies)
        )
        db.session.add(competency)
    competency.name = name
    competency.description = {
        code: clean_text(text) for code, text in description.items() if clean_text(text)
    }
    indicators = {
        code: [line for line in (clean_text(raw, multiline=False) for raw in lines) if line]
        for code, lines in (indicators or {}).items()
    }
    competency.indicators = {code: lines for code, lines in indicators.items() if lines}
    db.session.flush()
    record_event(actor, "competency.saved", competency, {"version": version.number})
    return competency


def delete_competency(competency: Competency, actor) -> None:
    transition(competency.version, Action.EDIT)
    record_event(actor, "competency.deleted", competency, {"name": competency.name})
    db.session.delete(competency)
    db.session.flush()


def link_theme(competency: Competency, theme, actor) -> Evidence:
    transition(competency.version, Action.EDIT)
    existing = next((e for e in competency.evidence if e.theme_key == theme.key), None)
    if existing is not None:
        return existing
    evidence = Evidence(competency=competency, theme_key=theme.key, theme_label=theme.label)
    db.session.add(evidence)
    db.session.flush()
    record_event(actor, "competency.evidence_linked", competency, {"theme": theme.label})
    return evidence


def unlink_theme(evidence: Evidence, actor) -> None:
    transition(evidence.competency.version, Action.EDIT)
    record_event(
        actor, "competency.evidence_unlinked", evidence.competency, {"theme": evidence.theme_label}
    )
    db.session.delete(evidence)
    db.session.flush()


def suggestions(framework: Framework, version: FrameworkVersion, run) -> list:
    """Accepted themes of the latest run that no competency of `version` uses yet."""
    from ..review.models import ThemeStatus

    if run is None:
        return []
    used = {e.theme_key for c in version.competencies for e in c.evidence}
    dismissed = set(
        db.session.scalars(
            select(DismissedSuggestion.theme_key).filter_by(framework_id=framework.id)
        )
    )
    return [
        t
        for t in run.themes
        if t.status == ThemeStatus.ACCEPTED and t.key not in used and t.key not in dismissed
    ]


def accept_suggestion(version: FrameworkVersion, theme, working_language: str, actor):
    """A new competency named after the theme, with the theme as its evidence."""
    name = {working_language: theme.label} | dict(theme.translations or {})
    competency = save_competency(version, None, name, {}, {}, actor)
    link_theme(competency, theme, actor)
    return competency


def dismiss_suggestion(framework: Framework, theme, actor) -> None:
    """Stop offering `theme`; dismissing it again (a second tab, a double click) changes nothing."""
    already = db.session.scalar(
        select(DismissedSuggestion.id).filter_by(framework_id=framework.id, theme_key=theme.key)
    )
    if already is not None:
        return
    db.session.add(DismissedSuggestion(framework_id=framework.id, theme_key=theme.key))
    db.session.flush()
    record_event(actor, "framework.suggestion_dismissed", framework, {"theme": theme.label})


def _freeze(version: FrameworkVersion) -> None:
    if version.frozen_at is None:
        version.frozen_at = utcnow()


class IncompleteTranslations(DomainError):
    """A step that would show the profile to the community or the board while some competency
    lacks its name or description in an offered language. `gaps` says which."""

    def __init__(self, gaps: dict):
        super().__init__(
            _l(
                "Some competencies are not yet written in every language. Tick the box to go "
                "on anyway, or finish the translations first."
            )
        )
        self.gaps = gaps


def translation_gaps(version: FrameworkVersion, language_codes) -> dict[str, list]:
    """{language: [(competency, "name" or "description"), ...]} for each offered language in
    which a competency has no name (so readers get another language's) or no description."""
    gaps: dict[str, list] = {}
    for code in language_codes:
        for competency in version.competencies:
            if not (competency.name or {}).get(code):
                gaps.setdefault(code, []).append((competency, "name"))
            elif not (competency.description or {}).get(code):
                gaps.setdefault(code, []).append((competency, "description"))
    return gaps


def check_languages(version, language_codes, accept_incomplete: bool) -> dict | None:
    """The gaps' summary to keep in the audit trail when a person chose to go on with them;
    None when there are none. Raises IncompleteTranslations when there are and no one chose.
    `language_codes` None: the caller does not check (scripts and tests of other rules)."""
    if language_codes is None:
        return None
    gaps = translation_gaps(version, language_codes)
    if not gaps:
        return None
    if not accept_incomplete:
        raise IncompleteTranslations(gaps)
    return {code: len(items) for code, items in gaps.items()}


def _step_details(version, incomplete) -> dict:
    details = {"number": version.number}
    if incomplete:
        details["went_on_without"] = incomplete
    return details


def open_for_comment(
    version: FrameworkVersion, actor, languages=None, accept_incomplete=False
) -> FrameworkVersion:
    if not version.competencies:
        raise DomainError(_l("Add at least one competency first."))
    incomplete = None
    if can(version.status, Action.OPEN_FOR_COMMENT):  # else the transition says why not
        incomplete = check_languages(version, languages, accept_incomplete)
    transition(version, Action.OPEN_FOR_COMMENT)
    _freeze(version)
    record_event(actor, "version.opened_for_comment", version, _step_details(version, incomplete))
    return version


def send_to_board(
    version: FrameworkVersion, actor, languages=None, accept_incomplete=False
) -> FrameworkVersion:
    if not version.competencies:
        raise DomainError(_l("Add at least one competency first."))
    incomplete = None
    if can(version.status, Action.SEND_TO_BOARD):  # else the transition says why not
        incomplete = check_languages(version, languages, accept_incomplete)
    transition(version, Action.SEND_TO_BOARD)
    _freeze(version)
    record_event(actor, "version.sent_to_board", version, _step_details(version, incomplete))
    return version


LANGUAGE_CHOICES = ("version.opened_for_comment", "version.sent_to_board", "version.approved")


def language_choices(version: FrameworkVersion) -> list:
    """The audited choices to go on although the version was not in every language: the
    events of `version` whose details carry "went_on_without", oldest first."""
    from ..audit import AuditEvent

    events = db.session.scalars(
        select(AuditEvent)
        .where(
            AuditEvent.target_type == "FrameworkVersion",
            AuditEvent.target_id == str(version.id),
            AuditEvent.action.in_(LANGUAGE_CHOICES),
        )
        .order_by(AuditEvent.id)
    )
    return [e for e in events if (e.details or {}).get("went_on_without")]


def start_revision(version: FrameworkVersion, actor) -> FrameworkVersion:
    """A new draft copied from a version the board sent back or approved."""
    if version.status not in (VersionStatus.CHANGES_REQUESTED, VersionStatus.APPROVED):
        raise DomainError(_l("A new draft starts from a version the board has decided on."))
    newest = latest_version(version.framework)
    if newest.status == VersionStatus.DRAFT:
        raise DomainError(_l("There is already a draft."))
    draft = FrameworkVersion(
        framework=version.framework, number=newest.number + 1, based_on_id=version.id
    )
    db.session.add(draft)
    old_competencies = [(old, list(old.evidence)) for old in version.competencies]
    for old, old_evidence in old_competencies:
        copy = Competency(
            version=draft,
            position=old.position,
            lineage=old.lineage,
            name=dict(old.name),
            description=dict(old.description),
            indicators=dict(old.indicators),
        )
        copy.evidence = [
            Evidence(theme_key=e.theme_key, theme_label=e.theme_label) for e in old_evidence
        ]
        db.session.add(copy)
    db.session.flush()
    record_event(actor, "version.revision_started", draft, {"from": version.number})
    return draft


def add_public_comment(version, competency, language: str, body: str) -> PublicComment:
    transition(version, Action.COMMENT)
    body = clean_text(body)
    if not body:
        raise DomainError(_l("Please write a comment."))
    if len(body) > MAX_BODY_LENGTH:
        raise DomainError(_l("Comments can be at most 5,000 characters."))
    if competency.version_id != version.id:
        raise DomainError(_l("That competency is not part of this version."))
    comment = PublicComment(
        version_id=version.id, competency_id=competency.id, language=language, body=body
    )
    db.session.add(comment)
    db.session.flush()
    return comment


def hide_public_comment(comment: PublicComment, actor) -> PublicComment:
    from .models import CommentStatus

    comment.status = CommentStatus.HIDDEN
    record_event(actor, "public_comment.hidden", comment)
    return comment


def compare_versions(old: FrameworkVersion, new: FrameworkVersion) -> dict:
    """Competencies added, removed, reworded and unchanged between two versions (matched by
    lineage, which a competency keeps from draft to draft)."""
    before = {c.lineage: c for c in old.competencies}
    after = {c.lineage: c for c in new.competencies}

    def same(a, b) -> bool:
        return (a.name, a.description, a.indicators) == (b.name, b.description, b.indicators)

    kept = [k for k in after if k in before]
    return {
        "added": [after[k] for k in after if k not in before],
        "removed": [before[k] for k in before if k not in after],
        "reworded": [(before[k], after[k]) for k in kept if not same(before[k], after[k])],
        "unchanged": [after[k] for k in kept if same(before[k], after[k])],
    }


def changed_languages(before: Competency, after: Competency, language_codes) -> list[str]:
    """Which of `language_codes` (in their order) a competency's name, description or
    indicators differ in between two versions."""
    found = []
    for code in language_codes:
        old = (before.name.get(code), before.description.get(code), before.indicators.get(code))
        new = (after.name.get(code), after.description.get(code), after.indicators.get(code))
        if old != new:
            found.append(code)
    return found
