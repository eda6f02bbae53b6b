"""The community evidence behind a framework: each competency's themes, whose voices the draft
covers and whose it misses, and the public "you said, we did" figures.

`coverage` is a pure function over plain tuples, so its figures can be checked by hand.
"""

from dataclasses import dataclass, field

from sqlalchemy import select

from ..extensions import db
from ..forum.models import Post
from ..privacy import (
    SMALL_CELL,
    Suppressed,
    is_shown,
    line_is_safe,
    listing_allowed,
    suppress_breakdown,
    suppress_table,
    suppressed_total,
)
from ..review.models import AnalysisRun, RunStatus, ThemeAssignment
from ..surveys.models import Answer, Response

#: A group is flagged when its coverage is below this fraction of everyone's.
WELL_BELOW = 0.75
DIMENSIONS = ("language", "role", "school")


def latest_run(engagement_id: int) -> AnalysisRun | None:
    return db.session.scalar(
        select(AnalysisRun)
        .filter_by(engagement_id=engagement_id, status=RunStatus.DONE)
        .order_by(AnalysisRun.id.desc())
        .limit(1)
    )


@dataclass(frozen=True)
class Membership:
    """One contribution: its groups and the key of its theme (None: no theme)."""

    language: str | None
    role: str | None
    school: str | None
    theme_key: str | None
    theme_label: str = ""


@dataclass
class GroupCoverage:
    group: str
    total: int
    covered: int
    share: float | None  #: None when its covered or uncovered count is hidden
    below: bool = False
    missing_theme: str | None = None  #: the group's largest theme no competency reflects
    shown_total: object = 0  #: `total` as it may be shown: an int or hidden
    #: contributions in this language the run could not place across languages; while there
    #: are any, the group's share says how its words were grouped, not what it thinks, so no
    #: share, flag or "missing theme" is shown for it
    not_understood: int = 0
    #: `not_understood` as it may be shown beside the shown total: hidden when the total minus
    #: it (the understood ones) would be a small count
    not_understood_shown: object = 0


@dataclass
class Coverage:
    overall: float
    by_dimension: dict[str, list[GroupCoverage]] = field(default_factory=dict)


def coverage(
    memberships: list[Membership],
    linked_keys: set[str],
    not_understood: dict[str, int] | None = None,
) -> Coverage:
    """For each language, role and school group: the share of its contributions that sit in
    themes linked to some competency; groups well below everyone's share are flagged.

    A share gives back the group's covered and uncovered counts, so each dimension is
    suppressed as a cross-tab group x (covered, uncovered): a share is shown only when both
    its counts are, and only a shown share is compared with everyone's.

    `not_understood` (base language -> contributions, from the run's record) names languages
    the engine could not read: their rows carry that count instead of a share, so a language
    outside the encoder is never reported as a community whose views no competency reflects.
    """
    from ..themes.encoders import base_language

    unread = not_understood or {}
    total = len(memberships)
    covered = sum(1 for m in memberships if m.theme_key in linked_keys)
    overall = covered / total if total else 0.0
    result = Coverage(overall=overall)
    for dimension in DIMENSIONS:
        groups: dict[str, list[Membership]] = {}
        for membership in memberships:
            group = getattr(membership, dimension)
            if group:
                groups.setdefault(group, []).append(membership)
        cells = {}
        for group, members in groups.items():
            in_linked = sum(1 for m in members if m.theme_key in linked_keys)
            cells[(group, "covered")] = in_linked
            cells[(group, "uncovered")] = len(members) - in_linked
        table = suppress_table(cells)
        rows = []
        for group, members in sorted(groups.items()):
            in_linked = cells[(group, "covered")]
            visible = all(is_shown(table.cells[(group, c)]) for c in ("covered", "uncovered"))
            share = in_linked / len(members) if visible and is_shown(table.rows[group]) else None
            unreflected: dict[str, int] = {}
            labels: dict[str, str] = {}
            for m in members:
                if m.theme_key and m.theme_key not in linked_keys:
                    unreflected[m.theme_key] = unreflected.get(m.theme_key, 0) + 1
                    labels[m.theme_key] = m.theme_label
            unread_here = unread.get(base_language(group), 0) if dimension == "language" else 0
            if unread_here:
                share = None
            named = unreflected and listing_allowed(table.rows[group]) and not unread_here
            missing = max(unreflected, key=unreflected.get) if named else None
            rows.append(
                GroupCoverage(
                    group=group,
                    total=len(members),
                    covered=in_linked,
                    share=share,
                    below=share is not None and share < overall * WELL_BELOW,
                    missing_theme=labels.get(missing) if missing else None,
                    shown_total=table.rows[group],
                    not_understood=unread_here,
                    not_understood_shown=_unread_shown(
                        unread_here, len(members), table.rows[group]
                    ),
                )
            )
        result.by_dimension[dimension] = rows
    return result


def _unread_shown(unread: int, total: int, shown_total):
    """The unread count of a group, hidden when it and the group's shown total would give
    back a small count of understood contributions by subtraction."""
    if not unread:
        return 0
    if is_shown(shown_total) and 0 < total - unread < SMALL_CELL:
        return Suppressed.HIDDEN
    return unread


def memberships(run: AnalysisRun) -> list[Membership]:
    """Every contribution of a run with its groups and theme, in two queries."""
    from ..review.models import Theme

    keys = {
        t.id: (t.key, t.label) for t in db.session.scalars(select(Theme).filter_by(run_id=run.id))
    }
    result = []
    for theme_id, language, role, school in db.session.execute(
        select(ThemeAssignment.theme_id, Response.language, Response.role, Response.school)
        .join(Answer, Answer.id == ThemeAssignment.answer_id)
        .join(Response, Response.id == Answer.response_id)
        .where(ThemeAssignment.run_id == run.id)
    ):
        key, label = keys.get(theme_id, (None, ""))
        result.append(Membership(language, role, school if school != "none" else None, key, label))
    for theme_id, language in db.session.execute(
        select(ThemeAssignment.theme_id, Post.language)
        .join(Post, Post.id == ThemeAssignment.post_id)
        .where(ThemeAssignment.run_id == run.id)
    ):
        key, label = keys.get(theme_id, (None, ""))
        result.append(Membership(language, None, None, key, label))
    return result


@dataclass
class CompetencyEvidence:
    """What stands behind one competency, as staff and the public may see it."""

    themes: list = field(default_factory=list)  #: (label, size or Suppressed, theme or None)
    people: object = 0  #: distinct respondents and posters, or a Suppressed reason
    by_language: dict = field(default_factory=dict)
    by_role: dict = field(default_factory=dict)
    by_school: dict = field(default_factory=dict)
    quotes: list = field(default_factory=list)  #: (text, language, translations)
    #: For families (public=True only): the people behind it as a plain count or "small", the
    #: languages with their counts, largest first, and the languages whose counts are only
    #: given together (each small, or joined to a small one so none can be worked out).
    public_people: object = 0
    heard: list = field(default_factory=list)  #: [(language, count)]
    heard_together: tuple | None = None  #: (count, [language, ...]) or None


def family_languages(counts: dict) -> tuple[list, tuple | None]:
    """Counts by language as a family reads them, beside the total of `counts`: each language
    of 5 or more people with its count, largest first; the small ones (1 to 4 people, and an
    unnamed remainder) given only together, with the smallest others joined to them until their
    sum gives none of them back (privacy.line_is_safe). Nothing when the total is small."""
    total = sum(counts.values())
    if total < SMALL_CELL:
        return [], None
    ordered = sorted(
        ((group, n) for group, n in counts.items() if n), key=lambda item: (-item[1], item[0])
    )
    together = [(group, n) for group, n in ordered if n < SMALL_CELL or not group]
    alone = [(group, n) for group, n in ordered if n >= SMALL_CELL and group]
    while together and not line_is_safe([n for _group, n in together]):
        if not alone:
            return [], None
        together.append(alone.pop())
    named = sorted((group for group, _n in together if group))
    return alone, ((sum(n for _g, n in together), named) if together else None)


def _public_refs(refs: list) -> set:
    """The contributions that may be quoted to the public: answers their writers allowed to be
    shown (and no automatic check holds back), and forum posts that are visible."""
    from ..forum.models import PostStatus

    answer_ids = [int(ref[2:]) for ref in refs if ref.startswith("a:")]
    post_ids = [int(ref[2:]) for ref in refs if ref.startswith("p:")]
    allowed = set()
    if answer_ids:
        allowed |= {
            f"a:{answer_id}"
            for answer_id in db.session.scalars(
                select(Answer.id).where(
                    Answer.id.in_(answer_ids),
                    Answer.shareable.is_(True),
                    Answer.hold_reason.is_(None),
                )
            )
        }
    if post_ids:
        allowed |= {
            f"p:{post_id}"
            for post_id in db.session.scalars(
                select(Post.id).where(Post.id.in_(post_ids), Post.status == PostStatus.VISIBLE)
            )
        }
    return allowed


def _same_text(text: str) -> str:
    return " ".join(text.casefold().split()).strip(" .!?¡¿,;:")


def competency_evidence(
    competency, run: AnalysisRun | None, public: bool = False
) -> CompetencyEvidence:
    from ..review.contributions import texts_for
    from ..review.models import Theme

    found = CompetencyEvidence()
    keys = [e.theme_key for e in competency.evidence]
    if run is None or not keys:
        found.themes = [(e.theme_label, 0, None) for e in competency.evidence]
        return found
    themes = {
        t.key: t
        for t in db.session.scalars(
            select(Theme).where(Theme.run_id == run.id, Theme.key.in_(keys))
        )
    }
    theme_ids = [t.id for t in themes.values()]
    assignments = (
        db.session.scalars(
            select(ThemeAssignment).where(ThemeAssignment.theme_id.in_(theme_ids))
        ).all()
        if theme_ids
        else []
    )
    from ..review.theme_community import theme_sizes

    # The run's own suppression of theme sizes: a size hidden on the run page stays hidden here.
    sizes = theme_sizes(run)
    found.themes = [
        (themes[k].label, sizes.get(themes[k].id, 0), themes[k])
        if k in themes
        else (e.theme_label, 0, None)
        for k, e in ((e.theme_key, e) for e in competency.evidence)
    ]
    answer_ids = [a.answer_id for a in assignments if a.answer_id]
    groups = {"language": {}, "role": {}, "school": {}}
    respondents = set()
    for start in range(0, len(answer_ids), 900):
        for response_id, language, role, school in db.session.execute(
            select(Response.id, Response.language, Response.role, Response.school)
            .join(Answer, Answer.response_id == Response.id)
            .where(Answer.id.in_(answer_ids[start : start + 900]))
        ):
            if response_id in respondents:
                continue  # a person counts once, whatever number of their answers
            respondents.add(response_id)
            for name, value in (("language", language), ("role", role), ("school", school)):
                if value and value != "none":
                    groups[name][value] = groups[name].get(value, 0) + 1
    posts = [a.post_id for a in assignments if a.post_id]
    for start in range(0, len(posts), 900):
        for (language,) in db.session.execute(
            select(Post.language).where(Post.id.in_(posts[start : start + 900]))
        ):
            groups["language"][language] = groups["language"].get(language, 0) + 1
    people = len(respondents) + len(posts)
    # Each breakdown adds up to the people shown: what names no group is a cell too ("").
    for name in DIMENSIONS:
        named = sum(groups[name].values())
        if people > named:
            groups[name][""] = people - named
    found.people = suppressed_total(groups["language"]) if people else 0
    total_shown = is_shown(found.people)
    found.by_language = _named(suppress_breakdown(groups["language"], total_shown))
    found.by_role = _named(suppress_breakdown(groups["role"], total_shown))
    found.by_school = _named(suppress_breakdown(groups["school"], total_shown))
    if public:
        found.public_people = people if people >= SMALL_CELL else Suppressed.HIDDEN
        found.heard, found.heard_together = family_languages(groups["language"])
    pinned = [a.contribution for a in assignments if a.pinned]
    representative = [a.contribution for a in assignments if a.representative and not a.pinned]
    candidates = list(dict.fromkeys(pinned + representative))
    if public:
        allowed = _public_refs(candidates)
        candidates = [ref for ref in candidates if ref in allowed]
    texts = texts_for(candidates)
    seen = set()
    for ref in candidates:
        if ref not in texts or len(found.quotes) == 3:
            continue
        key = _same_text(texts[ref].text)
        if not key or key in seen:
            continue  # the same words twice under one competency say nothing more
        seen.add(key)
        found.quotes.append((texts[ref].text, texts[ref].language, texts[ref].translations))
    return found


def _named(shown: dict) -> dict:
    """A suppressed breakdown without its unnamed remainder and zeros, largest group first."""
    kept = [(group, value) for group, value in shown.items() if group and value != 0]
    # Largest first; the hidden ones last, in a fixed order that says nothing of their size.
    kept.sort(key=lambda item: (0, -item[1], item[0]) if is_shown(item[1]) else (1, 0, item[0]))
    return dict(kept)
