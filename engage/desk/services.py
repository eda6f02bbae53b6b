"""The desk's work: what is waiting for a translation, who may translate what, storing a
translation beside its original, and asking a machine for drafts.

A contribution is named by the reference the theme engine uses ("a:12" answer 12, "p:7" forum
post 7, "c:3" public comment 3). A translator sees a contribution's text, its language and the
question it answers, nothing about the person who wrote it.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass, field

from flask import current_app
from sqlalchemy import case, func, select

from ..audit import record_event
from ..auth.models import Role
from ..extensions import db
from ..forum.models import Post, PostStatus, Thread
from ..framework.models import CommentStatus, Framework, FrameworkVersion, PublicComment
from ..models_base import utcnow
from ..surveys.models import Answer, Question, QuestionKind, Response, Survey
from ..text import clean_text
from ..themes.encoders import base_language, covers, get_encoder
from .machine import TranslationServiceError, service_from_config
from .models import Translation

log = logging.getLogger(__name__)

KINDS = {"a": "answer", "p": "forum_post", "c": "public_comment"}
#: Items listed per desk page.
PAGE_SIZE = 25


class DeskError(ValueError):
    """Something a person asked the desk that it must refuse; ``str()`` is for the screen."""


@dataclass(frozen=True)
class DeskItem:
    ref: str
    kind: str  #: "answer", "forum_post" or "public_comment"
    text: str
    language: str
    engagement_id: int
    prompt: dict | str | None = None  #: the question (or thread) it answers, as written
    translations: tuple = ()  #: this contribution's Translation rows


@dataclass
class LanguageProgress:
    language: str
    bridged: bool  #: the theme engine places it across languages without a translation
    total: int = 0
    human: int = 0
    machine: int = 0  #: machine drafts waiting for a person

    @property
    def waiting(self) -> int:
        return self.total - self.human - self.machine

    @property
    def understood(self) -> int:
        """Contributions the engine can place across languages (itself or by a translation)."""
        return self.total if self.bridged else self.human + self.machine


@dataclass
class DeskPage:
    items: list[DeskItem] = field(default_factory=list)
    total: int = 0
    page: int = 1

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // PAGE_SIZE))


def encoder():
    return get_encoder(current_app.config["THEME_ENCODER"])


def bridged(language: str) -> bool:
    """Whether the theme engine places this language across languages by itself."""
    return covers(encoder(), language)


def same_language(a: str | None, b: str | None) -> bool:
    return base_language(a or "") == base_language(b or "")


def may_read(user, language: str) -> bool:
    """A translator limited to some languages sees only those; other desk users see all."""
    limited = [code for code in (getattr(user, "reads_languages", None) or []) if code]
    if getattr(user, "role", None) != Role.TRANSLATOR or not limited:
        return True
    return any(same_language(language, code) for code in limited)


def target_languages(working_language: str) -> list[str]:
    """Languages a translation may be written in: the working language first, then the other
    offered languages the engine understands across languages (so a Somali liaison who writes
    Arabic better than English still helps)."""
    from ..i18n import offered_languages

    codes = [working_language]
    for lang in offered_languages():
        if lang.code not in codes and bridged(lang.code):
            codes.append(lang.code)
    return codes


# ---------------------------------------------------------------- what is on the desk


def _answer_rows(engagement_id: int, language: str | None = None):
    query = (
        select(Answer.id, Answer.text, Response.language, Question.text)
        .join(Response, Response.id == Answer.response_id)
        .join(Question, Question.id == Answer.question_id)
        .join(Survey, Survey.id == Question.survey_id)
        .where(
            Survey.engagement_id == engagement_id,
            Question.kind == QuestionKind.OPEN,
            Answer.text.is_not(None),
            Answer.text != "",
        )
        .order_by(Answer.id)
    )
    if language is not None:
        query = query.where(Response.language == language)
    for answer_id, text, lang, prompt in db.session.execute(query):
        if text and text.strip():
            yield f"a:{answer_id}", "answer", text, lang, prompt


#: Posts waiting for a moderator are on the desk too: a moderator has to understand a post
#: before approving it. Hidden posts are not.
DESK_POST_STATUSES = (PostStatus.VISIBLE, PostStatus.PENDING)


def _post_rows(engagement_id: int, language: str | None = None):
    query = (
        select(Post.id, Post.body, Post.language, Thread.prompt)
        .join(Thread, Thread.id == Post.thread_id)
        .where(Thread.engagement_id == engagement_id, Post.status.in_(DESK_POST_STATUSES))
        .order_by(Post.id)
    )
    if language is not None:
        query = query.where(Post.language == language)
    for post_id, body, lang, prompt in db.session.execute(query):
        yield f"p:{post_id}", "forum_post", body, lang, prompt


def _comment_rows(engagement_id: int, language: str | None = None):
    query = (
        select(PublicComment.id, PublicComment.body, PublicComment.language)
        .join(FrameworkVersion, FrameworkVersion.id == PublicComment.version_id)
        .join(Framework, Framework.id == FrameworkVersion.framework_id)
        .where(
            Framework.engagement_id == engagement_id,
            PublicComment.status == CommentStatus.VISIBLE,
        )
        .order_by(PublicComment.id)
    )
    if language is not None:
        query = query.where(PublicComment.language == language)
    for comment_id, body, lang in db.session.execute(query):
        yield f"c:{comment_id}", "public_comment", body, lang, None


def _all_rows(engagement_id: int, language: str | None = None):
    yield from _answer_rows(engagement_id, language)
    yield from _post_rows(engagement_id, language)
    yield from _comment_rows(engagement_id, language)


def _translations_by_ref(engagement_id: int) -> dict[str, list[Translation]]:
    found: dict[str, list[Translation]] = {}
    for row in db.session.scalars(select(Translation).filter_by(engagement_id=engagement_id)):
        found.setdefault(row.contribution, []).append(row)
    return found


def progress(engagement, user=None, counts=None) -> list[LanguageProgress]:
    """Per language outside the working language: contributions, how many a person or a
    machine translated, and whether the engine needs a translation at all. Languages the
    engine cannot bridge come first, then the most waiting.

    Read from kept counts and small GROUP BYs, not from the contributions themselves: the
    dashboard shows this on every view, at any number of answers. `counts`: the engagement's
    kept response counts, when the caller already has them."""
    working = engagement.default_language
    totals = _contributions_by_language(engagement.id, counts)
    rows: dict[str, LanguageProgress] = {}
    for language, total in totals.items():
        if not total or same_language(language, working):
            continue
        if user is not None and not may_read(user, language):
            continue
        rows[language] = LanguageProgress(language, bridged(language), total=total)
    for language, human, machine in _translated_by_language(engagement.id):
        entry = rows.get(language)
        if entry is None:
            continue
        # A translation can outlive its contribution's place on the desk (a post hidden
        # since): never count more translated than there are contributions.
        entry.human = min(human, entry.total)
        entry.machine = min(machine, entry.total - entry.human)
    return sorted(rows.values(), key=lambda p: (p.bridged, -p.waiting, -p.total, p.language))


def _contributions_by_language(engagement_id: int, counts=None) -> dict[str, int]:
    from ..review.counts import OPEN_ANSWERS, counts_for

    if counts is None:
        survey_ids = list(
            db.session.scalars(select(Survey.id).filter_by(engagement_id=engagement_id))
        )
        counts = counts_for(survey_ids)
    totals = dict(counts.get(OPEN_ANSWERS, {}))
    posts = (
        select(Post.language, func.count())
        .join(Thread, Thread.id == Post.thread_id)
        .where(Thread.engagement_id == engagement_id, Post.status.in_(DESK_POST_STATUSES))
        .group_by(Post.language)
    )
    comments = (
        select(PublicComment.language, func.count())
        .join(FrameworkVersion, FrameworkVersion.id == PublicComment.version_id)
        .join(Framework, Framework.id == FrameworkVersion.framework_id)
        .where(
            Framework.engagement_id == engagement_id,
            PublicComment.status == CommentStatus.VISIBLE,
        )
        .group_by(PublicComment.language)
    )
    for query in (posts, comments):
        for language, count in db.session.execute(query):
            totals[language] = totals.get(language, 0) + count
    return totals


def _translated_by_language(engagement_id: int) -> list[tuple[str, int, int]]:
    """(source language, contributions with a person's translation, with machine drafts
    only): one row per contribution first, then summed per language."""
    by_contribution = (
        select(
            Translation.source_language.label("language"),
            func.min(case((Translation.machine, 1), else_=0)).label("machine_only"),
        )
        .where(Translation.engagement_id == engagement_id)
        .group_by(Translation.contribution, Translation.source_language)
        .subquery()
    )
    query = select(
        by_contribution.c.language,
        func.sum(1 - by_contribution.c.machine_only),
        func.sum(by_contribution.c.machine_only),
    ).group_by(by_contribution.c.language)
    return [
        (lang, int(human or 0), int(machine or 0))
        for lang, human, machine in db.session.execute(query)
    ]


def progress_by_language(engagement) -> dict[str, LanguageProgress]:
    return {entry.language: entry for entry in progress(engagement)}


STATES = ("waiting", "machine", "done")


def desk_page(engagement, language: str, user, state: str = "waiting", page: int = 1) -> DeskPage:
    """One page of a language's contributions in the chosen state, oldest first."""
    if not may_read(user, language):
        raise DeskError("not_your_language")
    translations = _translations_by_ref(engagement.id)
    chosen = []
    for ref, kind, text, lang, prompt in _all_rows(engagement.id, language):
        done = translations.get(ref, [])
        human = any(not t.machine for t in done)
        row_state = "done" if human else "machine" if done else "waiting"
        if row_state == state:
            chosen.append(DeskItem(ref, kind, text, lang, engagement.id, prompt, tuple(done)))
    page = max(1, page)
    start = (page - 1) * PAGE_SIZE
    return DeskPage(chosen[start : start + PAGE_SIZE], len(chosen), page)


def item_for(ref: str, user=None) -> DeskItem:
    """The contribution behind ``ref`` as the desk may show it. Raises DeskError when it does
    not exist, is not shown to anyone (a hidden post or comment), is not text, or is in a
    language this translator does not read."""
    kind, _, number = (ref or "").partition(":")
    if kind not in KINDS or not number.isdigit():
        raise DeskError("unknown")
    row = None
    number = int(number)
    if kind == "a":
        row = db.session.execute(
            select(Answer.text, Response.language, Question.text, Survey.engagement_id)
            .join(Response, Response.id == Answer.response_id)
            .join(Question, Question.id == Answer.question_id)
            .join(Survey, Survey.id == Question.survey_id)
            .where(Answer.id == number, Question.kind == QuestionKind.OPEN)
        ).first()
    elif kind == "p":
        row = db.session.execute(
            select(Post.body, Post.language, Thread.prompt, Thread.engagement_id)
            .join(Thread, Thread.id == Post.thread_id)
            .where(Post.id == number, Post.status.in_(DESK_POST_STATUSES))
        ).first()
    else:
        row = db.session.execute(
            select(PublicComment.body, PublicComment.language, None, Framework.engagement_id)
            .join(FrameworkVersion, FrameworkVersion.id == PublicComment.version_id)
            .join(Framework, Framework.id == FrameworkVersion.framework_id)
            .where(PublicComment.id == number, PublicComment.status == CommentStatus.VISIBLE)
        ).first()
    if row is None or not (row[0] or "").strip():
        raise DeskError("unknown")
    text, language, prompt, engagement_id = row
    if user is not None and not may_read(user, language):
        raise DeskError("not_your_language")
    done = tuple(db.session.scalars(select(Translation).filter_by(contribution=ref)))
    return DeskItem(ref, KINDS[kind], text, language, engagement_id, prompt, done)


# ---------------------------------------------------------------- storing translations


def _clean(text: str | None) -> str:
    # The same cleaning as every text a respondent writes: no NUL or control characters (which
    # PostgreSQL refuses), no bidi overrides that could disguise a translation.
    text = clean_text(text)
    if not text:
        raise DeskError("empty")
    if len(text) > current_app.config["TRANSLATION_MAX_LENGTH"]:
        raise DeskError("too_long")
    return text


def save_translation(user, ref: str, text: str, language: str) -> Translation:
    """A person's translation (new, a correction, or a confirmed machine draft). It replaces
    any machine draft into the same language; the audit log keeps what was there before."""
    item = item_for(ref, user)
    text = _clean(text)
    if same_language(language, item.language):
        raise DeskError("same_language")
    existing = next((t for t in item.translations if t.language == language), None)
    before = None
    if existing is None:
        existing = Translation(
            contribution=ref,
            engagement_id=item.engagement_id,
            source_language=item.language,
            language=language,
            text=text,
        )
        db.session.add(existing)
        action = "desk.translated"
    else:
        before = {"text": existing.text, "machine": existing.machine}
        if existing.machine and existing.text == text:
            action = "desk.machine_confirmed"
        elif existing.machine:
            action = "desk.machine_corrected"
        else:
            action = "desk.corrected"
    existing.text, existing.machine = text, False
    existing.translator_id, existing.updated_at = user.id, utcnow()
    db.session.flush()
    details = {"contribution": ref, "language": language}
    if before is not None:
        details["before"] = before
    record_event(user, action, existing, details)
    return existing


def store_machine_draft(item: DeskItem, text: str, language: str, service: str):
    """A machine's draft, unless a person already translated into that language (a person's
    translation always wins). Returns the stored row or None."""
    text = _clean(text)
    existing = next((t for t in item.translations if t.language == language), None)
    if existing is not None and not existing.machine:
        return None
    if existing is None:
        existing = Translation(
            contribution=item.ref,
            engagement_id=item.engagement_id,
            source_language=item.language,
            language=language,
        )
        db.session.add(existing)
    existing.text, existing.machine, existing.service = text, True, service
    existing.translator_id, existing.updated_at = None, utcnow()
    db.session.flush()
    record_event(
        None, "desk.machine_drafted", existing, {"contribution": item.ref, "service": service}
    )
    return existing


def machine_draft(item: DeskItem, language: str):
    """Ask the configured service for a draft of one item. Raises TranslationServiceError
    (service down, slow or answering garbage) or DeskError (no service configured)."""
    service = service_from_config(current_app.config)
    if service is None:
        raise DeskError("no_service")
    text = service.translate(item.text, item.language, language)
    try:
        return store_machine_draft(item, text, language, service.name)
    except DeskError as error:
        raise TranslationServiceError(
            f"the translation service's answer was refused ({error})"
        ) from error


def machine_fill(engagement, limit: int = 200, seconds: float = 60.0) -> tuple[int, str | None]:
    """Machine drafts for contributions the engine cannot bridge and nobody has translated,
    at most ``limit`` of them and for at most ``seconds``. Stops at the first service failure
    and returns (drafts stored, the failure's message or None); never raises for the service,
    so a theme run carries on without it."""
    service = service_from_config(current_app.config)
    if service is None:
        return 0, None
    working = engagement.default_language
    translations = _translations_by_ref(engagement.id)
    stored, deadline = 0, time.monotonic() + seconds
    for ref, kind, text, language, prompt in _all_rows(engagement.id):
        if stored >= limit or time.monotonic() > deadline:
            break
        if same_language(language, working) or bridged(language) or translations.get(ref):
            continue
        item = DeskItem(ref, kind, text, language, engagement.id, prompt, ())
        try:
            with db.session.begin_nested():
                draft = service.translate(text, language, working)
                if store_machine_draft(item, draft, working, service.name) is not None:
                    stored += 1
        except (TranslationServiceError, DeskError) as error:
            log.warning("machine translation stopped after %d drafts: %s", stored, error)
            return stored, str(error)
    return stored, None


# ---------------------------------------------------------------- reading translations


def translations_for(refs: Iterable[str]) -> dict[str, list[Translation]]:
    """Every translation of these contributions, people's before machines'."""
    refs = list(dict.fromkeys(refs))
    found: dict[str, list[Translation]] = {}
    for start in range(0, len(refs), 900):
        for row in db.session.scalars(
            select(Translation).where(Translation.contribution.in_(refs[start : start + 900]))
        ):
            found.setdefault(row.contribution, []).append(row)
    for rows in found.values():
        rows.sort(key=lambda t: (t.machine, t.id))
    return found


def best_translation(rows, *languages: str):
    """The translation to show a reader of ``languages`` (first choice first): a person's
    before a machine's, the reader's language before the others; None when there is none."""
    rows = list(rows or ())
    for language in languages:
        for machine in (False, True):
            for row in rows:
                if row.machine == machine and same_language(row.language, language):
                    return row
    return None


def shown_translation(rows, reader_language: str, only_reader: bool = False):
    """What a reader sees beside an original: the translation into their language; for staff,
    failing that, any translation (a person's first). Public pages pass ``only_reader``."""
    rows = list(rows or ())
    chosen = best_translation(rows, reader_language)
    if chosen is None and rows and not only_reader:
        chosen = sorted(rows, key=lambda t: (t.machine, t.id))[0]
    if chosen is not None and only_reader and chosen.machine:
        return None  # the public sees only what a person has checked
    return chosen


def placement(rows, original_language: str):
    """The translation the theme engine should place a contribution by: a person's before a
    machine's, into a language the engine bridges. None when the original needs none."""
    if bridged(original_language):
        return None
    for machine in (False, True):
        for row in rows or ():
            if row.machine == machine and bridged(row.language):
                return row
    return None


def translation_counts(engagement_id: int) -> dict[str, int]:
    """Translated contributions per original language (for the dashboard's progress)."""
    rows = db.session.execute(
        select(Translation.source_language, func.count(func.distinct(Translation.contribution)))
        .where(Translation.engagement_id == engagement_id, Translation.machine.is_(False))
        .group_by(Translation.source_language)
    )
    return dict(rows.all())
