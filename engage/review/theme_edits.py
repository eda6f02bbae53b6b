"""A person's edits to themes: rename, accept, merge, split, move answers, off-topic, pin.

Every edit is audited with what the engine had said, marks the theme as edited so it keeps its
identity on the next run, and, for single contributions, leaves a ThemeDecision that is laid
over every later run.
"""

import uuid

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..audit import record_event
from ..extensions import db
from ..models_base import DomainError
from ..text import clean_text
from .models import DecisionKind, Theme, ThemeAssignment, ThemeDecision, ThemeStatus


def _latest_guard(theme: Theme) -> None:
    if theme.status == ThemeStatus.MERGED:
        raise DomainError(_l("This theme was merged into another one."))


def rename_theme(theme: Theme, label: str, language: str | None, actor) -> Theme:
    """Rename in the working language, or give the label in another language."""
    _latest_guard(theme)
    label = clean_text(label, multiline=False)[:200]
    if not label:
        raise DomainError(_l("A theme needs a name."))
    before = theme.label
    if language:
        theme.translations = dict(theme.translations or {}) | {language: label}
    else:
        theme.label = label
    theme.edited = True
    record_event(
        actor,
        "theme.renamed",
        theme,
        {
            "from": before,
            "to": label,
            "language": language or "",
            "engine_label": theme.engine_label,
        },
    )
    return theme


def accept_theme(theme: Theme, actor) -> Theme:
    _latest_guard(theme)
    theme.status, theme.edited = ThemeStatus.ACCEPTED, True
    record_event(actor, "theme.accepted", theme, {"engine_label": theme.engine_label})
    return theme


def mark_theme_off_topic(theme: Theme, actor) -> Theme:
    _latest_guard(theme)
    theme.status, theme.edited = ThemeStatus.OFF_TOPIC, True
    record_event(actor, "theme.off_topic", theme, {"engine_label": theme.engine_label})
    return theme


def merge_themes(target: Theme, others: list[Theme], actor) -> Theme:
    """Move every member of `others` into `target`; the others are marked merged."""
    others = [t for t in others if t.id != target.id]
    if not others:
        raise DomainError(_l("Choose at least one other theme to merge."))
    for theme in [target, *others]:
        _latest_guard(theme)
        if theme.run_id != target.run_id:
            raise DomainError(_l("Only themes of the same run can be merged."))
    for theme in others:
        for assignment in list(theme.assignments):
            assignment.theme, assignment.source = target, "person"
        theme.status, theme.merged_into_id = ThemeStatus.MERGED, target.id
    target.edited = True
    record_event(
        actor,
        "theme.merged",
        target,
        {"merged": [t.label for t in others], "engine_labels": [t.engine_label for t in others]},
    )
    return target


def split_theme(theme: Theme, contributions: list[str], label: str, actor) -> Theme:
    """Move the chosen members of `theme` into a new theme called `label`."""
    _latest_guard(theme)
    chosen = [a for a in theme.assignments if a.contribution in set(contributions)]
    if not chosen or len(chosen) == len(theme.assignments):
        raise DomainError(_l("Choose some, but not all, of the theme's answers to split off."))
    label = clean_text(label, multiline=False)[:200] or theme.label
    new = Theme(
        run_id=theme.run_id,
        key=uuid.uuid4().hex,
        position=theme.position,
        label=label,
        engine_label="",
        keywords=[],
        edited=True,
        status=ThemeStatus.CANDIDATE,
        centroid=None,
        threshold=None,
    )
    db.session.add(new)
    for assignment in chosen:
        assignment.theme, assignment.source = new, "person"
    theme.edited = True
    db.session.flush()
    _centre_of(new)
    _centre_of(theme)
    record_event(
        actor,
        "theme.split",
        theme,
        {"new_theme": label, "moved": len(chosen), "engine_label": theme.engine_label},
    )
    return new


def split_theme_by_engine(theme: Theme, actor, encoder_name: str) -> Theme:
    """Let the engine cut the theme in two; the larger part keeps the theme's identity."""
    from .. import themes as engine
    from .theme_runs import Source, cached_vectors

    members = [a for a in theme.assignments if not a.off_topic]
    if len(members) < 6:
        raise DomainError(_l("A theme needs at least 6 answers to be split by the engine."))
    texts = _texts([a.contribution for a in members])
    sources = [Source(a.contribution, *texts[a.contribution]) for a in members]
    encoder = engine.get_encoder(encoder_name)
    vectors = cached_vectors(sources, encoder)
    result = engine.discover(
        [engine.Contribution(s.ref, s.text, s.language) for s in sources],
        n_themes=2,
        encoder=encoder,
        vectors=vectors,
    )
    parts = sorted(result.themes, key=lambda t: -t.size)
    if len(parts) < 2:
        raise DomainError(_l("The engine found no clear way to split this theme."))
    second = set(parts[1].member_ids)
    return split_theme(
        theme, [a.contribution for a in members if a.contribution in second], parts[1].label, actor
    )


def move_contribution(assignment: ThemeAssignment, target: Theme, actor) -> ThemeAssignment:
    _latest_guard(target)
    engine_key = assignment.theme.key if assignment.theme else None
    assignment.theme, assignment.off_topic, assignment.source = target, False, "person"
    target.edited = True
    _decide(
        target.run.engagement_id,
        assignment.contribution,
        DecisionKind.MOVE,
        target.key,
        engine_key,
        actor,
    )
    _forget(target.run.engagement_id, assignment.contribution, DecisionKind.OFF_TOPIC)
    record_event(
        actor,
        "theme.answer_moved",
        target,
        {"contribution": assignment.contribution, "from_theme": engine_key or ""},
    )
    return assignment


def mark_contribution_off_topic(assignment: ThemeAssignment, actor) -> ThemeAssignment:
    engagement_id = (
        assignment.theme.run.engagement_id if assignment.theme else _engagement_of(assignment)
    )
    engine_key = assignment.theme.key if assignment.theme else None
    assignment.theme, assignment.off_topic, assignment.source = None, True, "person"
    _decide(engagement_id, assignment.contribution, DecisionKind.OFF_TOPIC, None, engine_key, actor)
    _forget(engagement_id, assignment.contribution, DecisionKind.MOVE)
    record_event(
        actor,
        "theme.answer_off_topic",
        assignment,
        {"contribution": assignment.contribution, "from_theme": engine_key or ""},
    )
    return assignment


def pin_quote(assignment: ThemeAssignment, pinned: bool, actor) -> ThemeAssignment:
    if assignment.theme is None:
        raise DomainError(_l("Only an answer in a theme can be pinned."))
    assignment.pinned = pinned
    engagement_id = assignment.theme.run.engagement_id
    if pinned:
        _decide(
            engagement_id,
            assignment.contribution,
            DecisionKind.PIN,
            assignment.theme.key,
            None,
            actor,
        )
    else:
        _forget(engagement_id, assignment.contribution, DecisionKind.PIN)
    record_event(
        actor,
        "theme.quote_pinned" if pinned else "theme.quote_unpinned",
        assignment.theme,
        {"contribution": assignment.contribution},
    )
    return assignment


def _decide(engagement_id, contribution, kind, theme_key, engine_key, actor) -> None:
    decision = db.session.scalar(
        select(ThemeDecision).filter_by(
            engagement_id=engagement_id, contribution=contribution, kind=kind
        )
    )
    if decision is None:
        decision = ThemeDecision(engagement_id=engagement_id, contribution=contribution, kind=kind)
        db.session.add(decision)
    decision.theme_key, decision.engine_theme_key = theme_key, engine_key
    decision.actor_id = getattr(actor, "id", None)


def _forget(engagement_id, contribution, kind) -> None:
    decision = db.session.scalar(
        select(ThemeDecision).filter_by(
            engagement_id=engagement_id, contribution=contribution, kind=kind
        )
    )
    if decision is not None:
        db.session.delete(decision)


def _engagement_of(assignment: ThemeAssignment) -> int:
    from .models import AnalysisRun

    return db.session.get(AnalysisRun, assignment.run_id).engagement_id


def _centre_of(theme: Theme) -> None:
    """A theme made by hand gets a centre from its members' cached vectors, so the next run can
    bring new answers to it; without cached vectors it simply keeps its members."""
    import numpy as np

    from .models import ContributionVector

    refs = [a.contribution for a in theme.assignments]
    rows = db.session.scalars(
        select(ContributionVector.vector).where(
            ContributionVector.contribution.in_(refs),
            ContributionVector.encoder == theme.run.encoder,
        )
    ).all()
    if not rows:
        return
    matrix = np.stack([np.frombuffer(row, dtype=np.float32) for row in rows])
    centre = matrix.mean(axis=0)
    norm = float(np.linalg.norm(centre)) or 1.0
    theme.centroid = (centre / norm).astype(float).tolist()
    similarities = matrix @ (centre / norm)
    theme.threshold = float(np.quantile(similarities, 0.1))


def _texts(refs: list[str]) -> dict[str, tuple[str, str]]:
    """Text and language of contributions by reference."""
    from .contributions import texts_for

    return {ref: (item.text, item.language) for ref, item in texts_for(refs).items()}
