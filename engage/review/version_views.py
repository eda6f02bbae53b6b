"""Staff pages about the versions of a survey: their history with its audit events, and two
versions compared side by side. Read-only; the comparison itself is `surveys.versions`."""

from flask import Blueprint, abort, render_template, request
from sqlalchemy import select

from ..audit import AuditEvent
from ..auth.models import Role, User
from ..auth.permissions import require_role
from ..extensions import db
from ..i18n import KNOWN_LANGUAGES
from ..surveys.models import Survey
from ..surveys.versions import compare_versions
from . import services

bp = Blueprint("survey_versions", __name__)


@bp.app_template_filter("lang_name")
def language_name(code: str) -> str:
    """A language's own name ("Español") for its code; the code when Engage does not know it."""
    known = KNOWN_LANGUAGES.get(code)
    return known.name if known else code


def _versions(slug: str) -> list[Survey]:
    if "\x00" in slug:
        abort(404)
    versions = list(
        db.session.scalars(select(Survey).filter_by(slug=slug).order_by(Survey.version))
    )
    if not versions:
        abort(404)
    return versions


def survey_events(versions: list[Survey]) -> list[AuditEvent]:
    """The audit events about these versions, newest first."""
    ids = [str(version.id) for version in versions]
    return list(
        db.session.scalars(
            select(AuditEvent)
            .where(AuditEvent.target_type == "Survey", AuditEvent.target_id.in_(ids))
            .order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())
        )
    )


@bp.get("/<slug>")
@require_role(Role.FACILITATOR)
def history(slug: str):
    versions = _versions(slug)
    events = survey_events(versions)
    actor_ids = {event.actor_id for event in events if event.actor_id}
    actors = (
        {user.id: user for user in db.session.scalars(select(User).where(User.id.in_(actor_ids)))}
        if actor_ids
        else {}
    )
    counts = {}
    for version in versions:  # the same suppressed figures the responses listing shows
        counts[version.id] = services.listing_count(
            services.language_table(version), version, None
        )[0]
    return render_template(
        "versions/history.html",
        slug=slug,
        versions=list(reversed(versions)),
        newest=versions[-1],
        events=events,
        number_of={str(version.id): version.version for version in versions},
        actors=actors,
        counts=counts,
    )


@bp.get("/<slug>/compare")
@require_role(Role.FACILITATOR)
def compare(slug: str):
    versions = _versions(slug)
    by_number = {version.version: version for version in versions}
    older_number = request.args.get("from", type=int)
    newer_number = request.args.get("to", type=int)
    if older_number is None or newer_number is None:
        newer_number = versions[-1].version
        older_number = versions[-2].version if len(versions) > 1 else newer_number
    if older_number not in by_number or newer_number not in by_number:
        abort(404)
    comparison = compare_versions(by_number[older_number], by_number[newer_number])
    return render_template(
        "versions/compare.html",
        slug=slug,
        versions=versions,
        comparison=comparison,
        older=comparison.older,
        newer=comparison.newer,
        language_names={code: lang.name for code, lang in KNOWN_LANGUAGES.items()},
    )
