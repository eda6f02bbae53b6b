"""Which communities each theme comes from, with small cells suppressed, and two warnings:
a theme heard almost only from one language community, and a community's most frequent theme
that no other community mentions."""

from dataclasses import dataclass, field

from sqlalchemy import func, select

from ..extensions import db
from ..forum.models import Post
from ..privacy import suppress_breakdown
from ..surveys.models import Answer, Response
from .models import AnalysisRun, ThemeAssignment

#: A theme this concentrated in one language, from a language that is not this dominant overall.
ONE_COMMUNITY_SHARE = 0.9
#: Other communities' share of a group's top theme below which it counts as "only theirs".
ONLY_THEIRS_SHARE = 0.1
MIN_THEME_SIZE = 10
MIN_GROUP_SIZE = 5


@dataclass
class ThemeCommunities:
    by_language: dict = field(default_factory=dict)
    by_role: dict = field(default_factory=dict)
    by_school: dict = field(default_factory=dict)
    one_language: str | None = None
    only_theirs: list[str] = field(default_factory=list)


def raw_counts(run: AnalysisRun, column) -> dict[int, dict[str, int]]:
    """theme id -> {group: members}, counted in SQL; forum posts count by language only."""
    counts: dict[int, dict[str, int]] = {}
    answer_rows = db.session.execute(
        select(ThemeAssignment.theme_id, column, func.count(ThemeAssignment.id))
        .join(Answer, Answer.id == ThemeAssignment.answer_id)
        .join(Response, Response.id == Answer.response_id)
        .where(ThemeAssignment.run_id == run.id, ThemeAssignment.theme_id.is_not(None))
        .group_by(ThemeAssignment.theme_id, column)
    )
    rows = list(answer_rows)
    if column is Response.language:
        rows += list(
            db.session.execute(
                select(ThemeAssignment.theme_id, Post.language, func.count(ThemeAssignment.id))
                .join(Post, Post.id == ThemeAssignment.post_id)
                .where(ThemeAssignment.run_id == run.id, ThemeAssignment.theme_id.is_not(None))
                .group_by(ThemeAssignment.theme_id, Post.language)
            )
        )
    for theme_id, group, count in rows:
        if group == "none":  # "prefer not to say" is not a group
            continue
        bucket = counts.setdefault(theme_id, {})
        bucket[group or ""] = bucket.get(group or "", 0) + count
    return counts


def communities(run: AnalysisRun) -> dict[int, ThemeCommunities]:
    languages = raw_counts(run, Response.language)
    roles = raw_counts(run, Response.role)
    schools = raw_counts(run, Response.school)
    result: dict[int, ThemeCommunities] = {}
    for theme in run.themes:
        result[theme.id] = ThemeCommunities(
            by_language=suppress_breakdown(languages.get(theme.id, {})),
            by_role=suppress_breakdown(roles.get(theme.id, {})),
            by_school=suppress_breakdown(schools.get(theme.id, {})),
        )
    _flag_one_language(languages, result)
    _flag_only_theirs(languages, result)
    return result


def _flag_one_language(languages: dict, result: dict) -> None:
    overall: dict[str, int] = {}
    for counts in languages.values():
        for group, count in counts.items():
            overall[group] = overall.get(group, 0) + count
    everyone = sum(overall.values()) or 1
    for theme_id, counts in languages.items():
        size = sum(counts.values())
        if size < MIN_THEME_SIZE:
            continue
        group, top = max(counts.items(), key=lambda item: item[1])
        if top / size >= ONE_COMMUNITY_SHARE and overall[group] / everyone < ONE_COMMUNITY_SHARE:
            result[theme_id].one_language = group


def _flag_only_theirs(languages: dict, result: dict) -> None:
    per_group: dict[str, dict[int, int]] = {}
    for theme_id, counts in languages.items():
        for group, count in counts.items():
            per_group.setdefault(group, {})[theme_id] = count
    everyone = sum(sum(themes.values()) for themes in per_group.values()) or 1
    for group, themes in per_group.items():
        size = sum(themes.values())
        # The majority's top theme is everyone's; the warning is for smaller communities.
        if size < MIN_GROUP_SIZE or size / everyone > 0.5:
            continue
        top_theme = max(themes, key=themes.get)
        members = languages[top_theme]
        others = sum(count for other, count in members.items() if other != group)
        if others / sum(members.values()) < ONLY_THEIRS_SHARE:
            result[top_theme].only_theirs.append(group)
