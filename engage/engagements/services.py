"""Engagement verbs: enrollment targets for the equity view."""

import csv
import io
import re
import unicodedata
from datetime import UTC, date, datetime, time

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..audit import record_event
from ..extensions import db
from ..models_base import DomainError, utcnow
from .models import Engagement, EngagementStatus, EngagementTarget, TargetDimension


class TargetsFileError(DomainError):
    pass


def parse_targets_csv(text: str) -> dict[TargetDimension, dict[str, int]]:
    """Read `dimension,group,enrolled` rows (a header row is required).

    `dimension` is "language" (group: a language code such as es) or "school" (group: the
    school's code as in the survey). Raises TargetsFileError naming the line at fault.
    """
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    if not reader.fieldnames or {"dimension", "group", "enrolled"} - set(reader.fieldnames):
        raise TargetsFileError(_l("The first line must be: dimension,group,enrolled"))
    targets: dict[TargetDimension, dict[str, int]] = {}
    for line_number, row in enumerate(reader, start=2):
        try:
            dimension = TargetDimension((row["dimension"] or "").strip().lower())
            group = (row["group"] or "").strip()
            enrolled = int((row["enrolled"] or "").strip().replace(",", ""))
        except ValueError as error:
            raise TargetsFileError(
                _l("Line %(line)s is not a valid target.", line=line_number)
            ) from error
        if not group or enrolled < 0:
            raise TargetsFileError(_l("Line %(line)s is not a valid target.", line=line_number))
        targets.setdefault(dimension, {})[group] = enrolled
    return targets


def set_targets(engagement: Engagement, targets: dict, actor) -> list[EngagementTarget]:
    """Replace the engagement's targets for each dimension given."""
    rows = []
    for dimension, groups in targets.items():
        for old in db.session.scalars(
            select(EngagementTarget).filter_by(engagement_id=engagement.id, dimension=dimension)
        ):
            db.session.delete(old)
        db.session.flush()
        for group, enrolled in groups.items():
            row = EngagementTarget(
                engagement_id=engagement.id, dimension=dimension, group=group, enrolled=enrolled
            )
            db.session.add(row)
            rows.append(row)
    db.session.flush()
    record_event(
        actor, "engagement.targets_set", engagement, {"dimensions": sorted(str(d) for d in targets)}
    )
    return rows


def target_shares(engagement: Engagement, dimension: TargetDimension) -> dict[str, float]:
    """Each group's share of enrollment (0 to 1)."""
    rows = db.session.execute(
        select(EngagementTarget.group, EngagementTarget.enrolled).filter_by(
            engagement_id=engagement.id, dimension=dimension
        )
    ).all()
    total = sum(enrolled for _group, enrolled in rows)
    return {group: enrolled / total for group, enrolled in rows} if total else {}


def all_target_shares(engagement: Engagement) -> dict[TargetDimension, dict[str, float]]:
    """`target_shares` of every dimension at once (one statement)."""
    rows = db.session.execute(
        select(
            EngagementTarget.dimension, EngagementTarget.group, EngagementTarget.enrolled
        ).filter_by(engagement_id=engagement.id)
    ).all()
    shares: dict[TargetDimension, dict[str, float]] = {}
    for dimension in TargetDimension:
        enrolled = {group: count for kind, group, count in rows if kind == dimension}
        total = sum(enrolled.values())
        shares[dimension] = {g: n / total for g, n in enrolled.items()} if total else {}
    return shares


def list_engagements() -> list[Engagement]:
    """Every engagement, newest first (archived ones too: their dashboards stay readable)."""
    return list(db.session.scalars(select(Engagement).order_by(Engagement.created_at.desc())))


def current_engagement() -> Engagement | None:
    """The open engagement (newest first), or the newest of any status."""
    engagements = list_engagements()
    for engagement in engagements:
        if engagement.status == EngagementStatus.OPEN:
            return engagement
    return engagements[0] if engagements else None


# ---- Creating, editing, closing and archiving (the staff pages call these) ----

SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
NAME_LIMIT = 200
DESCRIPTION_LIMIT = 2000
#: Statuses staff may choose on the form; closing has its own button.
FORM_STATUSES = (EngagementStatus.DRAFT, EngagementStatus.OPEN)


class EngagementError(DomainError):
    pass


def slug_from_name(name: str) -> str:
    """A URL slug from a name: lower-case ASCII letters, digits and hyphens."""
    decomposed = unicodedata.normalize("NFKD", name)
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")[:80].strip("-")


def end_of_day(day: date | None) -> datetime | None:
    return datetime.combine(day, time(23, 59), tzinfo=UTC) if day else None


def start_of_day(day: date | None) -> datetime | None:
    return datetime.combine(day, time(0, 0), tzinfo=UTC) if day else None


def _aware(moment: datetime | None) -> datetime | None:
    if moment is not None and moment.tzinfo is None:  # SQLite gives naive UTC back
        return moment.replace(tzinfo=UTC)
    return moment


def is_closed(engagement: Engagement | None, now: datetime | None = None) -> bool:
    """Closed by staff, or its closing date has passed."""
    if engagement is None:
        return False
    if engagement.status == EngagementStatus.CLOSED:
        return True
    closes_at = _aware(engagement.closes_at)
    return closes_at is not None and closes_at <= (now or utcnow())


def _clean_texts(texts: dict | None, limit: int) -> dict[str, str]:
    languages = current_app.config["LANGUAGES"]
    cleaned = {}
    for code, text in (texts or {}).items():
        text = (text or "").strip()
        if code in languages and text:
            if len(text) > limit:
                raise EngagementError(
                    _l("A text is longer than %(limit)s characters.", limit=limit)
                )
            cleaned[code] = text
    return cleaned


def _checked(
    *, name, description, working_language, opens_on, closes_on, status
) -> dict[str, object]:
    if working_language not in current_app.config["LANGUAGES"]:
        raise EngagementError(_l("Choose a working language this site offers."))
    names = _clean_texts(name, NAME_LIMIT)
    if not names.get(working_language):
        raise EngagementError(_l("Give the engagement a name in its working language."))
    if opens_on and closes_on and closes_on < opens_on:
        raise EngagementError(_l("The closing date cannot be before the opening date."))
    status = EngagementStatus(status)
    if status not in FORM_STATUSES:
        raise EngagementError(_l("Use the Close button to close an engagement."))
    return {
        "name": names,
        "description": _clean_texts(description, DESCRIPTION_LIMIT),
        "default_language": working_language,
        "opens_at": start_of_day(opens_on),
        "closes_at": end_of_day(closes_on),
        "status": status,
    }


def create_engagement(
    actor,
    *,
    name: dict[str, str],
    description: dict[str, str] | None = None,
    slug: str = "",
    working_language: str = "en",
    opens_on: date | None = None,
    closes_on: date | None = None,
    status: str = EngagementStatus.DRAFT,
) -> Engagement:
    """A new engagement; the slug is made from the working-language name when none is typed."""
    values = _checked(
        name=name,
        description=description,
        working_language=working_language,
        opens_on=opens_on,
        closes_on=closes_on,
        status=status,
    )
    slug = (slug or "").strip().lower() or slug_from_name(values["name"][working_language])
    if not SLUG_PATTERN.match(slug) or len(slug) > 80:
        raise EngagementError(
            _l("The address name may hold only small letters a to z, digits and hyphens.")
        )
    if db.session.scalar(select(Engagement.id).filter_by(slug=slug)) is not None:
        raise EngagementError(
            _l("Another engagement already uses the address %(slug)s.", slug=slug)
        )
    engagement = Engagement(slug=slug, **values)
    db.session.add(engagement)
    db.session.flush()
    record_event(actor, "engagement.created", engagement, {"slug": slug, "status": str(status)})
    return engagement


def update_engagement(
    engagement: Engagement,
    actor,
    *,
    name: dict[str, str],
    description: dict[str, str] | None = None,
    working_language: str | None = None,
    opens_on: date | None = None,
    closes_on: date | None = None,
    status: str | None = None,
) -> Engagement:
    """Change an engagement that is not closed or archived (the slug stays: links use it)."""
    if engagement.archived_at is not None or engagement.status == EngagementStatus.CLOSED:
        raise EngagementError(_l("A closed or archived engagement cannot be changed."))
    values = _checked(
        name=name,
        description=description,
        working_language=working_language or engagement.default_language,
        opens_on=opens_on,
        closes_on=closes_on,
        status=status or engagement.status,
    )
    changed = sorted(key for key, value in values.items() if getattr(engagement, key) != value)
    for key, value in values.items():
        setattr(engagement, key, value)
    db.session.flush()
    record_event(actor, "engagement.updated", engagement, {"changed": changed})
    return engagement


def close_engagement(engagement: Engagement, actor) -> Engagement:
    """Stop taking answers: the engagement and each of its open surveys are closed."""
    from ..surveys.models import Survey, SurveyStatus

    if engagement.status == EngagementStatus.CLOSED:
        raise EngagementError(_l("This engagement is already closed."))
    engagement.status = EngagementStatus.CLOSED
    closed = []
    for survey in db.session.scalars(
        select(Survey).filter_by(engagement_id=engagement.id, status=SurveyStatus.OPEN)
    ):
        survey.status = SurveyStatus.CLOSED
        closed.append(survey.id)
    db.session.flush()
    record_event(actor, "engagement.closed", engagement, {"surveys_closed": closed})
    return engagement


def archive_engagement(engagement: Engagement, actor) -> Engagement:
    """Put a closed engagement away: out of the staff lists; its public links keep working."""
    if engagement.archived_at is not None:
        raise EngagementError(_l("This engagement is already archived."))
    if engagement.status != EngagementStatus.CLOSED:
        raise EngagementError(_l("Close the engagement before archiving it."))
    engagement.archived_at = utcnow()
    db.session.flush()
    record_event(actor, "engagement.archived", engagement)
    return engagement


def closed_engagement_of(slug: str) -> Engagement | None:
    """The closed engagement of the newest version of survey `slug` (None if it has none, or
    it is not closed)."""
    from ..surveys.models import Survey

    if "\x00" in slug:
        return None
    survey = db.session.scalar(
        select(Survey).filter_by(slug=slug).order_by(Survey.version.desc()).limit(1)
    )
    if survey is None or survey.engagement is None:
        return None
    return survey.engagement if is_closed(survey.engagement) else None
