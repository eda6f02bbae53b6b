"""Theme runs: gathering contributions, caching vectors, calling the theme engine, and storing
what it says with every person's earlier decisions laid back on top.

This is the only place that translates between the database and `engage.themes`, which takes
and returns plain dataclasses. Functions flush; the job runner commits.
"""

import hashlib
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from sqlalchemy import select

from ..audit import record_event
from ..extensions import db
from ..forum.services import visible_posts
from ..models_base import utcnow
from ..surveys.models import Answer, Question, QuestionKind, Response, Survey
from .models import (
    AnalysisRun,
    ContributionVector,
    DecisionKind,
    RunStatus,
    Theme,
    ThemeAssignment,
    ThemeDecision,
    ThemeStatus,
)

#: Two themes of consecutive runs are "the same" when they share this much of the older one.
SAME_THEME_OVERLAP = 0.5
#: A kept theme that gained this share of members counts as grown.
GROWN_BY = 0.1


@dataclass(frozen=True)
class Source:
    """Where a contribution came from, for storing assignments and counting by group."""

    ref: str
    text: str
    language: str
    answer_id: int | None = None
    post_id: int | None = None
    translation: str | None = None  #: from the desk, when the engine needs one to place it
    translation_locale: str | None = None


def open_questions(engagement_id: int) -> list[Question]:
    return list(
        db.session.scalars(
            select(Question)
            .join(Survey)
            .where(Survey.engagement_id == engagement_id, Question.kind == QuestionKind.OPEN)
            .order_by(Survey.id, Question.position)
        )
    )


def open_question_groups(engagement_id: int) -> list:
    """The engagement's open questions, one entry per survey and key (`QuestionAcross`): a
    question kept across versions of a survey is one choice, and one set of answers."""
    from ..surveys.versions import questions_across

    surveys = db.session.scalars(
        select(Survey).filter_by(engagement_id=engagement_id).order_by(Survey.slug, Survey.version)
    ).all()
    groups = []
    for slug in dict.fromkeys(survey.slug for survey in surveys):
        versions = [survey for survey in surveys if survey.slug == slug]
        groups += questions_across(versions, lambda q: q.kind == QuestionKind.OPEN)
    return groups


def same_questions(engagement_id: int, question_ids) -> list[int]:
    """`question_ids` with the same question (survey and key) of every other version."""
    chosen = set(question_ids)
    return [
        question_id
        for group in open_question_groups(engagement_id)
        if chosen & set(group.question_ids)
        for question_id in group.question_ids
    ]


def start_run(engagement, parameters: dict, actor) -> AnalysisRun:
    """Queue a run; the runner (a thread or a separate worker) picks it up."""
    run = AnalysisRun(engagement_id=engagement.id, parameters=parameters, started_by=actor)
    db.session.add(run)
    db.session.flush()
    record_event(actor, "themes.run_started", run, parameters)
    return run


def collect_sources(engagement_id: int, parameters: dict) -> list[Source]:
    """Open answers to the chosen questions in the chosen languages, and visible forum posts."""
    question_ids = parameters.get("question_ids")
    if question_ids:  # a question chosen in one version is chosen in all of them
        question_ids = same_questions(engagement_id, question_ids)
    else:
        question_ids = [q.id for q in open_questions(engagement_id)]
    languages = set(parameters.get("languages") or [])
    query = (
        select(Answer.id, Answer.text, Response.language)
        .join(Response, Response.id == Answer.response_id)
        .where(Answer.question_id.in_(question_ids), Answer.text.is_not(None))
        .order_by(Answer.id)
    )
    if languages:
        query = query.where(Response.language.in_(languages))
    sources = [
        Source(f"a:{answer_id}", text, language, answer_id=answer_id)
        for answer_id, text, language in db.session.execute(query)
        if text and text.strip()
    ]
    if parameters.get("include_forum", True):
        sources += [
            Source(f"p:{post.id}", post.body, post.language, post_id=post.id)
            for post in visible_posts(engagement_id)
            if not languages or post.language in languages
        ]
    return _with_translations(sources)


def _with_translations(sources: list[Source]) -> list[Source]:
    """Each source the engine cannot place by itself carries its best desk translation."""
    from dataclasses import replace

    from ..desk.services import placement, translations_for

    found = translations_for([s.ref for s in sources])
    result = []
    for source in sources:
        chosen = placement(found.get(source.ref), source.language)
        if chosen is not None:
            source = replace(source, translation=chosen.text, translation_locale=chosen.language)
        result.append(source)
    return result


def as_contributions(sources: list[Source]):
    from .. import themes as engine

    return [
        engine.Contribution(
            s.ref,
            s.text,
            s.language,
            translation=s.translation,
            translation_locale=s.translation_locale,
        )
        for s in sources
    ]


def cached_vectors(sources: list[Source], encoder) -> np.ndarray:
    """Vectors for every source, encoding (and storing) only texts not seen before. The text is
    the one the engine places a source by: its translation, where the engine needs one."""
    from ..themes import placement_text

    placed = [placement_text(c, encoder) for c in as_contributions(sources)]
    hashes = [hashlib.sha256(text.encode("utf-8")).hexdigest() for text in placed]
    stored = {
        row.contribution: row
        for row in db.session.scalars(
            select(ContributionVector).where(ContributionVector.encoder == encoder.name)
        )
    }
    matrix = np.zeros((len(sources), encoder.dim), dtype=np.float32)
    missing = []
    for index, (source, text_hash) in enumerate(zip(sources, hashes, strict=True)):
        row = stored.get(source.ref)
        if row is not None and row.text_hash == text_hash:
            matrix[index] = np.frombuffer(row.vector, dtype=np.float32)
        else:
            missing.append(index)
    if missing:
        fresh = encoder.encode([placed[i] for i in missing]).astype(np.float32)
        for index, vector in zip(missing, fresh, strict=True):
            matrix[index] = vector
            row = stored.get(sources[index].ref)
            if row is None:
                row = ContributionVector(contribution=sources[index].ref, encoder=encoder.name)
                db.session.add(row)
            row.text_hash, row.vector = hashes[index], vector.tobytes()
        db.session.flush()
    return matrix


def previous_run(run: AnalysisRun) -> AnalysisRun | None:
    return db.session.scalar(
        select(AnalysisRun)
        .where(
            AnalysisRun.engagement_id == run.engagement_id,
            AnalysisRun.status == RunStatus.DONE,
            AnalysisRun.id != run.id,
        )
        .order_by(AnalysisRun.id.desc())
        .limit(1)
    )


def kept_themes(previous: AnalysisRun | None):
    """Themes a person accepted or edited, as engine themes that keep their identity."""
    from .. import themes as engine

    if previous is None:
        return [], {}
    kept, originals = [], {}
    for theme in previous.themes:
        if not theme.edited and theme.status not in (ThemeStatus.ACCEPTED, ThemeStatus.OFF_TOPIC):
            continue
        if theme.status == ThemeStatus.MERGED:
            continue
        members = [a.contribution for a in theme.assignments if not a.off_topic]
        kept.append(
            engine.Theme(
                label=theme.label,
                keywords=list(theme.keywords),
                member_ids=members,
                key=theme.key,
                status=engine.model.KEPT,
                centroid=theme.centroid,
                threshold=theme.threshold,
            )
        )
        originals[theme.key] = theme
    return kept, originals


def execute_run(run: AnalysisRun, encoder_name: str, report: Callable[[int, str], None]) -> None:
    """Do the work of a queued run: gather, encode, discover, store, re-apply decisions."""
    from .. import themes as engine

    parameters = run.parameters or {}
    report(5, "gathering contributions")
    _machine_drafts(run, report)
    sources = collect_sources(run.engagement_id, parameters)
    encoder = engine.get_encoder(encoder_name)
    report(15, "encoding new contributions")
    matrix = cached_vectors(sources, encoder)
    previous = previous_run(run)
    keep, originals = kept_themes(previous)
    report(55, "finding themes")
    contributions = as_contributions(sources)
    result = engine.discover(
        contributions,
        n_themes=parameters.get("n_themes"),
        seed=parameters.get("seed", 0),
        encoder=encoder,
        vectors=matrix,
        keep=keep,
        working_language=parameters.get("working_language", "en"),
    )
    report(85, "saving themes")
    by_ref = {s.ref: s for s in sources}
    stored = _store_result(run, result, originals, by_ref)
    apply_decisions(run, stored)
    run.comparison = compare_runs(previous, run)
    run.engine_version, run.encoder = result.engine_version, result.encoder
    run.metrics = dict(result.metrics) | {
        "contributions": len(sources),
        "understanding": {
            language: {
                "total": u.total,
                "by_encoder": u.by_encoder,
                "by_translation": u.by_translation,
                "not_understood": u.not_understood,
            }
            for language, u in engine.understanding(contributions, encoder).items()
        },
    }
    report(100, "done")


def _machine_drafts(run: AnalysisRun, report) -> None:
    """With a machine service configured, drafts for what the engine cannot place. A service
    that fails only means fewer translations: the run goes on."""
    from ..desk.services import machine_fill
    from ..engagements.models import Engagement

    engagement = db.session.get(Engagement, run.engagement_id)
    try:
        stored, error = machine_fill(engagement)
    except Exception:  # noqa: BLE001  (a theme run never fails because of the machine)
        import logging

        logging.getLogger(__name__).exception("machine translation before run %s failed", run.id)
        return
    if stored or error:
        report(10, f"machine drafts: {stored}" + (f" (service: {error})" if error else ""))


def _store_result(run, result, originals, by_ref) -> dict[str, Theme]:
    stored: dict[str, Theme] = {}
    themes = []
    for position, found in enumerate(result.themes):
        original = originals.get(found.key)
        theme = Theme(
            run_id=run.id,
            key=found.key,
            position=position,
            label=found.label[:200],
            engine_label=(original.engine_label if original else found.label)[:200],
            keywords=list(found.keywords),
            centroid=found.centroid,
            threshold=found.threshold,
            engine_labels={k: v[:200] for k, v in (found.labels or {}).items()},
            label_share=found.label_share,
            cohesion=found.cohesion,
            mixed=found.mixed,
            similar_to=found.similar_to,
        )
        if original is not None:
            theme.label, theme.translations = original.label, dict(original.translations)
            theme.status, theme.edited = original.status, original.edited
        themes.append(theme)
        stored[found.key] = theme
    db.session.add_all(themes)
    db.session.flush()
    representatives = {ref for t in result.themes for ref in t.representative_ids}
    rows = []
    for ref, index in result.assignment.items():
        source = by_ref[ref]
        theme = themes[index] if index is not None else None
        rows.append(
            {
                "run_id": run.id,
                "theme_id": theme.id if theme else None,
                "contribution": ref,
                "answer_id": source.answer_id,
                "post_id": source.post_id,
                "source": "engine",
                "representative": ref in representatives,
                "off_topic": False,
                "pinned": False,
            }
        )
    if rows:
        db.session.execute(ThemeAssignment.__table__.insert(), rows)
    db.session.expire(run, ["themes"])
    return stored


def apply_decisions(run: AnalysisRun, themes_by_key: dict[str, Theme]) -> None:
    """Lay every person's earlier word (moves, off-topic, pins) over the engine's result."""
    decisions = db.session.scalars(
        select(ThemeDecision).filter_by(engagement_id=run.engagement_id).order_by(ThemeDecision.id)
    ).all()
    if not decisions:
        return
    assignments = {
        a.contribution: a
        for a in db.session.scalars(select(ThemeAssignment).filter_by(run_id=run.id))
    }
    for decision in decisions:
        assignment = assignments.get(decision.contribution)
        if assignment is None:
            continue  # the answer is no longer part of the run (language or question left out)
        target = themes_by_key.get(decision.theme_key or "")
        if decision.kind == DecisionKind.MOVE and target is not None:
            assignment.theme_id, assignment.source = target.id, "person"
        elif decision.kind == DecisionKind.OFF_TOPIC:
            assignment.theme_id, assignment.off_topic, assignment.source = None, True, "person"
        elif decision.kind == DecisionKind.PIN and target is not None:
            assignment.pinned = assignment.theme_id == target.id
    db.session.flush()


def members_by_theme(run: AnalysisRun) -> dict[int, set[str]]:
    members: dict[int, set[str]] = {}
    for theme_id, ref in db.session.execute(
        select(ThemeAssignment.theme_id, ThemeAssignment.contribution).where(
            ThemeAssignment.run_id == run.id, ThemeAssignment.theme_id.is_not(None)
        )
    ):
        members.setdefault(theme_id, set()).add(ref)
    return members


def compare_runs(previous: AnalysisRun | None, run: AnalysisRun) -> dict:
    """Which themes were kept, grew, are new, or dissolved since the previous run.

    A theme continues an older one when it has the same key or holds at least half of the
    older theme's members."""
    current = {t.id: t for t in run.themes if t.status != ThemeStatus.MERGED}
    if previous is None:
        return {"previous_run": None, "new": [t.label for t in current.values()]}
    now_members, old_members = members_by_theme(run), members_by_theme(previous)
    old_themes = {t.id: t for t in previous.themes if t.status != ThemeStatus.MERGED}
    outcome = {"previous_run": previous.id, "kept": [], "grown": [], "new": [], "dissolved": []}
    matched_old = set()
    for theme in current.values():
        members = now_members.get(theme.id, set())
        best, best_overlap = None, 0.0
        for old in old_themes.values():
            before = old_members.get(old.id, set())
            overlap = 1.0 if old.key == theme.key else len(members & before) / max(1, len(before))
            if overlap > best_overlap:
                best, best_overlap = old, overlap
        if best is None or best_overlap < SAME_THEME_OVERLAP:
            outcome["new"].append(theme.label)
            continue
        matched_old.add(best.id)
        before = len(old_members.get(best.id, set()))
        grew = len(members) > before * (1 + GROWN_BY)
        outcome["grown" if grew else "kept"].append(theme.label)
    outcome["dissolved"] = [t.label for t in old_themes.values() if t.id not in matched_old]
    return outcome


def mark_running(run: AnalysisRun) -> None:
    run.status, run.started_at, run.progress = RunStatus.RUNNING, utcnow(), 0


def mark_finished(run: AnalysisRun, error: str | None = None) -> None:
    run.status = RunStatus.FAILED if error else RunStatus.DONE
    run.finished_at = utcnow()
    if error:
        run.message = error[:200]
