"""Theme sizes and which communities each theme comes from, with small cells suppressed, and
two warnings: a theme heard almost only from one language community, and a community's most
frequent theme that no other community mentions.

Sizes and languages are one cross-tab (theme x language, with "no clear theme" as a row and
the run's total as its total), suppressed once by `engage.privacy.suppress_table`, so a
theme's size, its languages and the run's total cannot be played against each other."""

from dataclasses import dataclass, field

from sqlalchemy import func, select

from ..extensions import db
from ..forum.models import Post
from ..privacy import Table, is_shown, suppress_breakdown, suppress_table
from ..surveys.models import Answer, Response
from .models import AnalysisRun, ThemeAssignment

#: A theme this concentrated in one language, from a language that is not this dominant overall.
ONE_COMMUNITY_SHARE = 0.9
#: Other communities' share of a group's top theme below which it counts as "only theirs".
ONLY_THEIRS_SHARE = 0.1
MIN_THEME_SIZE = 10
MIN_GROUP_SIZE = 5
#: The row of contributions without a theme.
UNCLEAR = "unclear"


@dataclass
class ThemeCommunities:
    by_language: dict = field(default_factory=dict)
    by_role: dict = field(default_factory=dict)
    by_school: dict = field(default_factory=dict)
    one_language: str | None = None
    only_theirs: list[str] = field(default_factory=list)
    #: Languages a flag would have named, but whose answers the engine could not read across
    #: languages: the theme says nothing about what that community thinks, only about words.
    not_understood: list[str] = field(default_factory=list)


def not_understood(run: AnalysisRun) -> dict[str, int]:
    """Contributions per base language that the run could not place across languages (no
    encoder coverage and no translation), from the run's own record."""
    understanding = (run.metrics or {}).get("understanding") or {}
    return {
        language: figures.get("not_understood", 0)
        for language, figures in understanding.items()
        if figures.get("not_understood", 0)
    }


def _unread(group: str, unread: dict) -> bool:
    from ..themes.encoders import base_language

    return base_language(group or "") in unread


def raw_counts(run: AnalysisRun, column, unclear: bool = False) -> dict:
    """theme id -> {group: members}, counted in SQL; forum posts count by language only.
    With `unclear`, contributions without a theme are counted too, under `UNCLEAR`."""
    counts: dict = {}
    themed = ThemeAssignment.theme_id.is_not(None) if not unclear else True
    answer_rows = db.session.execute(
        select(ThemeAssignment.theme_id, column, func.count(ThemeAssignment.id))
        .join(Answer, Answer.id == ThemeAssignment.answer_id)
        .join(Response, Response.id == Answer.response_id)
        .where(ThemeAssignment.run_id == run.id, themed)
        .group_by(ThemeAssignment.theme_id, column)
    )
    rows = list(answer_rows)
    if column is Response.language:
        rows += list(
            db.session.execute(
                select(ThemeAssignment.theme_id, Post.language, func.count(ThemeAssignment.id))
                .join(Post, Post.id == ThemeAssignment.post_id)
                .where(ThemeAssignment.run_id == run.id, themed)
                .group_by(ThemeAssignment.theme_id, Post.language)
            )
        )
    for theme_id, group, count in rows:
        if group == "none":  # "prefer not to say" is not a group
            group = ""
        bucket = counts.setdefault(UNCLEAR if theme_id is None else theme_id, {})
        bucket[group or ""] = bucket.get(group or "", 0) + count
    return counts


def language_table(run: AnalysisRun) -> Table:
    """Contributions by theme (and `UNCLEAR`) and language, suppressed as one cross-tab."""
    by_theme = raw_counts(run, Response.language, unclear=True)
    by_theme.setdefault(UNCLEAR, {})
    for theme in run.themes:
        by_theme.setdefault(theme.id, {})
    languages = {group for counts in by_theme.values() for group in counts}
    return suppress_table(
        {
            (theme_id, language): counts.get(language, 0)
            for theme_id, counts in by_theme.items()
            for language in languages or {""}
        }
    )


def theme_sizes(run: AnalysisRun, table: Table | None = None) -> dict:
    """Members per theme and `UNCLEAR` (an int or hidden), with "total": the run's total as
    it may be shown. The same figures wherever a theme's size appears."""
    table = table or language_table(run)
    return dict(table.rows) | {"total": table.total}


def communities(run: AnalysisRun, table: Table | None = None) -> dict[int, ThemeCommunities]:
    """Each theme's members by language (from the cross-tab), role and school (each against
    the theme's size, with what names no group as a cell of its own)."""
    table = table or language_table(run)
    languages = raw_counts(run, Response.language)
    roles = raw_counts(run, Response.role)
    schools = raw_counts(run, Response.school)
    result: dict[int, ThemeCommunities] = {}
    for theme in run.themes:
        size = table.rows.get(theme.id, 0)
        result[theme.id] = ThemeCommunities(
            by_language={g: v for g, v in table.row(theme.id).items() if g and v != 0},
            by_role=_against_size(roles.get(theme.id, {}), languages.get(theme.id, {}), size),
            by_school=_against_size(schools.get(theme.id, {}), languages.get(theme.id, {}), size),
        )
    unread = not_understood(run)
    _flag_one_language(languages, result, unread)
    _flag_only_theirs(languages, result, unread)
    return result


def _against_size(counts: dict, languages: dict, size) -> dict:
    counts = dict(counts)
    counts.pop("", None)
    rest = sum(languages.values()) - sum(counts.values())
    counts[""] = counts.get("", 0) + max(rest, 0)  # posts, and people who named no group
    shown = suppress_breakdown(counts, total_shown=is_shown(size))
    return {group: value for group, value in shown.items() if group and value != 0}


def _flag_one_language(languages: dict, result: dict, unread: dict) -> None:
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
            if _unread(group, unread):
                result[theme_id].not_understood.append(group)
            else:
                result[theme_id].one_language = group


def _flag_only_theirs(languages: dict, result: dict, unread: dict) -> None:
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
            if _unread(group, unread):
                if group not in result[top_theme].not_understood:
                    result[top_theme].not_understood.append(group)
            else:
                result[top_theme].only_theirs.append(group)
