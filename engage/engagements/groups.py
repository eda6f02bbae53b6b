"""An engagement's schools and groups of people: adding, renaming per language, removing one
nobody has named, and keeping its surveys' school and role questions in step with them.

The engagement is the source: a survey's question mapped to "school" (or "role") offers the
engagement's schools (or groups) in their order, followed by the file's own choices that are
not one (such as "none": prefer not to say). A survey file still works as before: importing it
adds the choices the engagement does not have yet (`seed_from_survey`).
"""

import hashlib
import json

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, select

from ..audit import record_event
from ..extensions import db
from ..models_base import DomainError
from .models import Engagement, EngagementGroup, EngagementTarget, GroupKind, TargetDimension
from .services import NAME_LIMIT, SLUG_PATTERN, is_closed, slug_from_name

#: Choices of a mapped question that are not a school or group ("prefer not to say").
NOT_A_GROUP = frozenset({"none"})


class GroupError(DomainError):
    def __init__(self, message, field: str = "code"):
        super().__init__(message)
        self.field = field


def groups_of(engagement: Engagement, kind: GroupKind) -> list[EngagementGroup]:
    return [group for group in engagement.groups if group.kind == kind]


def group_names(engagement: Engagement, kind: GroupKind, language, localized) -> dict[str, str]:
    """Code -> name in the reader's language (the working language when it has none)."""
    return {
        group.code: localized(group.name, language, engagement.default_language)[0] or group.code
        for group in groups_of(engagement, kind)
    }


def _checked_names(engagement: Engagement, names: dict) -> dict[str, str]:
    languages = current_app.config["LANGUAGES"]
    cleaned = {}
    for code, text in (names or {}).items():
        text = " ".join((text or "").split())
        if code in languages and text:
            if len(text) > NAME_LIMIT:
                raise GroupError(
                    _l("A name is longer than %(limit)s characters.", limit=NAME_LIMIT),
                    field=f"name_{code}",
                )
            cleaned[code] = text
    working = engagement.default_language
    if not cleaned.get(working):
        raise GroupError(_l("Give it a name in the working language."), field=f"name_{working}")
    return cleaned


def _editable(engagement: Engagement) -> None:
    if engagement.archived_at is not None or is_closed(engagement):
        raise GroupError(_l("A closed or archived engagement cannot be changed."), field="")


def add_group(
    engagement: Engagement, kind: GroupKind, actor, *, names: dict, code: str = ""
) -> EngagementGroup:
    """A new school or group at the end of the list; the code is made from the working
    language's name when none is typed. Its surveys offer it at once."""
    _editable(engagement)
    kind = GroupKind(kind)
    cleaned = _checked_names(engagement, names)
    code = (code or "").strip().lower() or slug_from_name(cleaned[engagement.default_language])
    if not code or not SLUG_PATTERN.match(code) or len(code) > 80:
        raise GroupError(_l("The code may hold only small letters a to z, digits and hyphens."))
    if code in NOT_A_GROUP:
        raise GroupError(_l("“%(code)s” is kept for “prefer not to say”.", code=code))
    if any(group.code == code for group in groups_of(engagement, kind)):
        raise GroupError(_l("This engagement already has the code %(code)s.", code=code))
    position = max((group.position for group in groups_of(engagement, kind)), default=-1) + 1
    group = EngagementGroup(kind=kind, code=code, name=cleaned, position=position)
    engagement.groups.append(group)
    db.session.flush()
    record_event(actor, "engagement.group_added", engagement, {"kind": str(kind), "code": code})
    apply_to_surveys(engagement, actor)
    return group


def rename_group(group: EngagementGroup, actor, *, names: dict) -> EngagementGroup:
    """New names, in any of the languages; the working language's may not be emptied."""
    engagement = group.engagement
    _editable(engagement)
    cleaned = _checked_names(engagement, names)
    changed = sorted(
        code
        for code in set(cleaned) | set(group.name or {})
        if cleaned.get(code) != (group.name or {}).get(code)
    )
    if not changed:
        return group
    group.name = cleaned
    db.session.flush()
    record_event(
        actor,
        "engagement.group_renamed",
        engagement,
        {"kind": str(group.kind), "code": group.code, "languages": changed},
    )
    apply_to_surveys(engagement, actor)
    return group


def is_used(group: EngagementGroup) -> bool:
    """Whether any response to the engagement's surveys names it, or it has a target."""
    from ..surveys.models import Response, Survey

    column = Response.school if group.kind == GroupKind.SCHOOL else Response.role
    answered = db.session.scalar(
        select(
            exists().where(
                column == group.code,
                Response.survey_id.in_(
                    select(Survey.id).filter_by(engagement_id=group.engagement_id)
                ),
            )
        )
    )
    if answered:
        return True
    if group.kind != GroupKind.SCHOOL:
        return False
    return bool(
        db.session.scalar(
            select(
                exists().where(
                    EngagementTarget.engagement_id == group.engagement_id,
                    EngagementTarget.dimension == TargetDimension.SCHOOL,
                    EngagementTarget.group == group.code,
                )
            )
        )
    )


def remove_group(group: EngagementGroup, actor) -> None:
    """Remove a school or group nobody has named and no target counts."""
    engagement = group.engagement
    _editable(engagement)
    if is_used(group):
        raise GroupError(
            _l(
                "%(code)s cannot be removed: responses name it, or it has an enrollment target.",
                code=group.code,
            ),
            field="",
        )
    engagement.groups.remove(group)
    db.session.flush()
    record_event(
        actor,
        "engagement.group_removed",
        engagement,
        {"kind": str(group.kind), "code": group.code},
    )
    apply_to_surveys(engagement, actor)


def seed_from_survey(engagement: Engagement, survey, actor=None) -> list[str]:
    """Add the school and role choices of `survey` the engagement does not have yet (as the
    file names them), then give the survey the engagement's list. Returns the codes added."""
    added = []
    for question in survey.questions:
        if question.maps_to not in (GroupKind.SCHOOL, GroupKind.ROLE):
            continue
        kind = GroupKind(question.maps_to)
        have = {group.code for group in groups_of(engagement, kind)}
        position = max((group.position for group in groups_of(engagement, kind)), default=-1)
        for option in question.options:
            if option.value in NOT_A_GROUP or option.value in have:
                continue
            position += 1
            engagement.groups.append(
                EngagementGroup(
                    kind=kind, code=option.value, name=dict(option.text or {}), position=position
                )
            )
            have.add(option.value)
            added.append(f"{kind}:{option.value}")
    db.session.flush()
    if added:
        record_event(actor, "engagement.groups_seeded", engagement, {"added": added})
    apply_to_surveys(engagement, actor, surveys=[survey])
    return added


def apply_to_surveys(engagement: Engagement, actor=None, surveys=None) -> list[int]:
    """Give every survey of the engagement (or those given) the engagement's schools and
    groups as the choices of its mapped questions; returns the ids of the surveys changed."""
    from ..surveys.models import Option, Survey

    if surveys is None:
        surveys = db.session.scalars(select(Survey).filter_by(engagement_id=engagement.id))
    changed_ids = []
    for survey in surveys:
        changes = {}
        for question in survey.questions:
            if question.maps_to not in (GroupKind.SCHOOL, GroupKind.ROLE):
                continue
            groups = groups_of(engagement, GroupKind(question.maps_to))
            existing = {option.value: option for option in question.options}
            wanted = [(group.code, dict(group.name or {})) for group in groups] + [
                (option.value, dict(option.text or {}))
                for option in question.options
                if option.value not in {group.code for group in groups}
                and option.value in NOT_A_GROUP
            ]
            before = [(option.value, dict(option.text or {})) for option in question.options]
            if before == wanted:
                continue
            wanted_values = {value for value, _text in wanted}
            for option in list(question.options):
                if option.value not in wanted_values:
                    question.options.remove(option)
            db.session.flush()
            for position, (value, text) in enumerate(wanted):
                option = existing.get(value)
                if option is None or option not in question.options:
                    question.options.append(Option(value=value, position=position, text=text))
                else:
                    option.position, option.text = position, text
            changes[question.key] = {
                "added": sorted(wanted_values - set(existing)),
                "removed": sorted(set(existing) - wanted_values),
            }
        if not changes:
            continue
        _rehash(survey)
        db.session.flush()
        record_event(actor, "survey.options_from_engagement", survey, {"questions": changes})
        changed_ids.append(survey.id)
    return changed_ids


def _rehash(survey) -> None:
    """A new content hash covering the mapped choices, so every process reloads the version
    (the answering pages keep versions by id and hash); the file's own hash is kept apart so
    importing the same file again still reads as unchanged."""
    survey.file_hash = survey.file_hash or survey.content_hash
    choices = [
        [question.key, [[option.value, option.text] for option in question.options]]
        for question in survey.questions
        if question.maps_to in (GroupKind.SCHOOL, GroupKind.ROLE)
    ]
    digest = hashlib.sha256(survey.file_hash.encode())
    digest.update(json.dumps(choices, sort_keys=True, ensure_ascii=False).encode())
    survey.content_hash = digest.hexdigest()
