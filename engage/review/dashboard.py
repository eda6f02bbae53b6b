"""Participation and equity figures for an engagement, from the kept response counts
(engage/review/counts.py) rather than scans of the responses table.

Every count that reaches a staff page goes through `engage.privacy` (one rule: no count of 1
to 4 people is shown or can be worked out from the total and the other cells).
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import func, select

from ..engagements.models import Engagement, TargetDimension
from ..engagements.services import all_target_shares
from ..extensions import db
from ..forum.models import Post, Thread
from ..privacy import is_shown, suppress_breakdown, suppressed_total
from ..surveys.models import Question, Response, Survey
from .counts import counts_for

#: A group is under-heard when it has at least this many answers fewer than its share of
#: enrollment would give it (its share of enrollment times the answers that name a group). The
#: rule is stated on the dashboard and checkable from the figures shown beside it.
UNDER_HEARD_GAP = 5
NOT_ANSWERED = ""


@dataclass
class GroupRow:
    group: str
    label: str
    count: object  #: an int, or a privacy.Suppressed reason
    share: float | None  #: share of the answers that name a group; None when suppressed
    target_share: float | None = None
    under_heard: bool = False
    #: hidden, with a target: whether it is under-heard would hint at its size, so it is
    #: always listed as "may be under-heard"
    may_be_under_heard: bool = False
    #: answers the group would have if heard in proportion to its enrollment (rounded); None
    #: when the group is hidden or has no target
    expected: int | None = None
    #: how many answers fewer than `expected` it has (0 when it has as many or more)
    gap: int | None = None


@dataclass
class Breakdown:
    dimension: str
    rows: list[GroupRow]
    total: object
    not_answered: object = 0
    has_targets: bool = False
    under_heard: list[str] = field(default_factory=list)
    #: the answers shares are taken of (the rule multiplies shares of enrollment by it); None
    #: when it is not shown
    denominator: int | None = None


def survey_ids(engagement: Engagement) -> list[int]:
    return list(db.session.scalars(select(Survey.id).filter_by(engagement_id=engagement.id)))


def response_counts(engagement: Engagement, surveys=None) -> dict[str, dict[str, int]]:
    """The engagement's kept response counts by dimension (engage/review/counts.py): one
    small query, whatever the number of responses. `surveys`: the engagement's surveys, when
    the caller already has them."""
    if surveys is None:
        return counts_for(survey_ids(engagement))
    return counts_for([survey.id for survey in surveys])


def response_breakdown(
    engagement: Engagement,
    column,
    labels: dict[str, str],
    targets: dict[str, float] | None = None,
    unanswered_values: tuple[str, ...] = (),
    counts: dict[str, dict[str, int]] | None = None,
) -> Breakdown:
    """Responses counted by one Response column (language, role, school), against targets.

    `unanswered_values` are options that mean "prefer not to say"; they count as not answered.
    `counts` are the engagement's `response_counts`, when the caller already has them.
    """
    if counts is None:
        counts = response_counts(engagement)
    grouped: dict[str, int] = {}
    for group, count in counts.get(column.key, {}).items():
        key = NOT_ANSWERED if not group or group in unanswered_values else group
        grouped[key] = grouped.get(key, 0) + count
    return build_breakdown(column.key, grouped, labels, targets or {})


def build_breakdown(dimension: str, counts: dict, labels: dict, targets: dict) -> Breakdown:
    """Shares, target comparison and suppression for one set of group counts (pure).

    "Not answered" is one of the cells the rule protects. Shares are of the people who named a
    group only when the "not answered" count is shown; otherwise that denominator would give
    the hidden count back (total minus it), so shares are of everyone.
    """
    counts = dict(counts)
    for group in targets:  # a group nobody from has answered is the most under-heard of all
        counts.setdefault(group, 0)
    for group in labels:
        counts.setdefault(group, 0)
    shown = suppress_breakdown(counts)
    total = suppressed_total(counts)
    not_answered = shown.get(NOT_ANSWERED, 0)
    if is_shown(not_answered):
        denominator = sum(count for group, count in counts.items() if group != NOT_ANSWERED)
    else:
        denominator = sum(counts.values())
    rows, under_heard = [], []
    for group in sorted(counts, key=lambda g: (g == NOT_ANSWERED, -counts[g], str(g))):
        if group == NOT_ANSWERED:
            continue
        visible = is_shown(shown[group]) and is_shown(total)
        actual = counts[group] / denominator if denominator else 0.0
        target = targets.get(group)
        # A hidden group is never compared: "under-heard" or not, or a gap, would bound its
        # count. A shown group's gap comes from shown figures only (its count, the total and
        # the "not answered" count when that is the denominator), so it gives nothing away.
        expected = gap = None
        if target and visible:
            expected = round(target * denominator)
            gap = max(0, round(target * denominator - counts[group]))
        flagged = gap is not None and gap >= UNDER_HEARD_GAP
        if flagged:
            under_heard.append(group)
        rows.append(
            GroupRow(
                group=group,
                label=labels.get(group, group),
                count=shown[group],
                share=actual if visible else None,
                target_share=target,
                under_heard=flagged,
                may_be_under_heard=bool(target) and not visible,
                expected=expected,
                gap=gap,
            )
        )
    return Breakdown(
        dimension=dimension,
        rows=rows,
        total=total,
        not_answered=not_answered,
        has_targets=bool(targets),
        under_heard=under_heard,
        denominator=denominator if is_shown(total) else None,
    )


def responses_by_week(
    engagement: Engagement, counts: dict[str, dict[str, int]] | None = None
) -> list[tuple[date, object]]:
    """Responses per week (weeks start on Monday), small weeks suppressed."""
    if counts is None:
        counts = response_counts(engagement)
    return _weekly(counts.get("day", {}).items())


def posts_by_week(engagement: Engagement, daily=None) -> list[tuple[date, object]]:
    """Forum posts and replies per week, small weeks suppressed. `daily`: the engagement's
    `post_counts`, when the caller already has them."""
    if daily is None:
        daily = post_counts(engagement)
    by_day: dict = {}
    for day, _language, count in daily:
        by_day[day] = by_day.get(day, 0) + count
    return _weekly(by_day.items())


def posts_breakdown(engagement: Engagement, labels: dict[str, str], daily=None) -> Breakdown:
    """Forum posts by the language they were written in."""
    if daily is None:
        daily = post_counts(engagement)
    counts: dict = {}
    for _day, language, count in daily:
        counts[language] = counts.get(language, 0) + count
    return build_breakdown("post_language", counts, labels, {})


def post_counts(engagement: Engagement) -> list[tuple]:
    """(day, language, posts) of the engagement's forum posts and replies: one statement
    serves both the weekly chart and the language breakdown."""
    day = func.date(Post.created_at)
    return db.session.execute(
        select(day, Post.language, func.count(Post.id))
        .join(Thread, Thread.id == Post.thread_id)
        .where(Thread.engagement_id == engagement.id)
        .group_by(day, Post.language)
    ).all()


def _weekly(daily) -> list[tuple[date, object]]:
    weekly: dict[date, int] = {}
    for raw_day, count in daily:
        when = raw_day if isinstance(raw_day, date) else date.fromisoformat(str(raw_day)[:10])
        monday = when - timedelta(days=when.weekday())
        weekly[monday] = weekly.get(monday, 0) + count
    if not weekly:
        return []
    first, last = min(weekly), max(weekly)
    weeks = {first + timedelta(weeks=i): 0 for i in range((last - first).days // 7 + 1)}
    weeks.update(weekly)
    shown = suppress_breakdown({monday.isoformat(): count for monday, count in weeks.items()})
    return [(monday, shown[monday.isoformat()]) for monday in sorted(weeks)]


def option_labels(
    engagement: Engagement, maps_to: str, language, localized, surveys=None
) -> dict[str, str]:
    """Readable names of a mapped question's options (role, school), in the reader's language:
    the engagement's schools or groups first (they are the source), then any other choice of
    its surveys, as the newest version names it.

    With `surveys` (the engagement's Survey rows) the questions come from the per-process
    survey cache (engage/surveys/cache.py): a version never changes, so no query is needed."""
    from ..engagements.groups import group_names
    from ..engagements.models import GroupKind

    labels: dict[str, str] = {}
    if maps_to in tuple(GroupKind):
        labels.update(group_names(engagement, GroupKind(maps_to), language, localized))
    if surveys is not None:
        from ..surveys import cache

        for survey in sorted(surveys, key=lambda s: (-s.version, s.id)):
            version = cache.version(survey.id, survey.content_hash)
            for question in version.questions if version else ():
                if question.maps_to != maps_to:
                    continue
                for option in question.options:
                    labels.setdefault(
                        option.value,
                        localized(dict(option.text), language, version.default_language)[0],
                    )
        return labels
    questions = db.session.scalars(
        select(Question)
        .join(Survey)
        .where(Survey.engagement_id == engagement.id, Question.maps_to == maps_to)
        .order_by(Survey.version.desc())
    )
    for question in questions:
        for option in question.options:
            labels.setdefault(
                option.value,
                localized(option.text, language, question.survey.default_language)[0],
            )
    return labels


def participation(engagement: Engagement, language, localized, counts=None, surveys=None) -> dict:
    """Everything the dashboard shows, by dimension. `counts` (the engagement's
    `response_counts`) and `surveys` (its Survey rows) when the caller already has them."""
    from ..i18n import KNOWN_LANGUAGES

    language_labels = {code: lang.name for code, lang in KNOWN_LANGUAGES.items()}
    school_labels = option_labels(engagement, "school", language, localized, surveys)
    school_labels.pop("none", None)
    if counts is None:
        counts = response_counts(engagement, surveys)
    posts = post_counts(engagement)
    targets = all_target_shares(engagement)
    return {
        "weeks": responses_by_week(engagement, counts),
        "post_weeks": posts_by_week(engagement, posts),
        "posts": posts_breakdown(engagement, language_labels, posts),
        "language": response_breakdown(
            engagement,
            Response.language,
            language_labels,
            targets[TargetDimension.LANGUAGE],
            counts=counts,
        ),
        "role": response_breakdown(
            engagement,
            Response.role,
            option_labels(engagement, "role", language, localized, surveys),
            counts=counts,
        ),
        "school": response_breakdown(
            engagement,
            Response.school,
            school_labels,
            targets[TargetDimension.SCHOOL],
            unanswered_values=("none",),
            counts=counts,
        ),
    }
