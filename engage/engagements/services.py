"""Engagement verbs: enrollment targets for the equity view."""

import csv
import io

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..audit import record_event
from ..extensions import db
from ..models_base import DomainError
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


def list_engagements() -> list[Engagement]:
    return list(db.session.scalars(select(Engagement).order_by(Engagement.created_at.desc())))


def current_engagement() -> Engagement | None:
    """The open engagement (newest first), or the newest of any status."""
    engagements = list_engagements()
    for engagement in engagements:
        if engagement.status == EngagementStatus.OPEN:
            return engagement
    return engagements[0] if engagements else None
