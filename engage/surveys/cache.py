"""Survey versions, loaded once per process into plain read-only structures.

A survey version never changes once imported (a changed file must raise its version, or
replaces a version that has no responses under a new content hash), so its questions, options
and every language's text are read from the database once and kept here, keyed by the
version's id and content hash. Only what can change is asked of the database on each request:
which version of a slug is open (one small statement). The form class built for a version in
a language is kept too.

While the database is unreachable, the last version seen open for a slug is still served, so
families can read the survey and send it (their answers then go to the spool).
"""

from __future__ import annotations

import functools
import threading
from dataclasses import dataclass, field
from types import MappingProxyType

from sqlalchemy import bindparam, select

from ..extensions import db
from ..models_base import utcnow
from .models import Option, Question, QuestionKind, Survey, SurveyStatus

_EMPTY = MappingProxyType({})


def _texts(value) -> MappingProxyType:
    """District-written text per language, read-only."""
    if not value:
        return _EMPTY
    return MappingProxyType(dict(value))


@dataclass(frozen=True, slots=True)
class CachedOption:
    value: str
    position: int
    text: MappingProxyType


@dataclass(frozen=True, slots=True)
class CachedQuestion:
    id: int
    key: str
    position: int
    kind: QuestionKind
    required: bool
    demographic: bool
    maps_to: str | None
    section: MappingProxyType
    text: MappingProxyType
    help: MappingProxyType
    max_choices: int | None
    max_length: int | None
    options: tuple[CachedOption, ...]
    allow_other: bool = False
    #: Grid rows: value and text per language, like options.
    statements: tuple[CachedOption, ...] = ()
    min_value: int | None = None
    max_value: int | None = None
    new_page: bool = False
    show_if: MappingProxyType | None = None

    @property
    def may_be_shared(self) -> bool:
        return self.kind == QuestionKind.OPEN and not self.demographic and not self.maps_to


@dataclass(frozen=True, slots=True)
class SurveyVersion:
    """One imported survey version, as the answering pages need it (no status: it changes)."""

    id: int
    slug: str
    version: int
    content_hash: str
    default_language: str
    languages: tuple[str, ...]
    title: MappingProxyType
    intro: MappingProxyType
    next_steps: MappingProxyType
    questions: tuple[CachedQuestion, ...]
    #: Form classes built for this version, by (language code, sharing): see forms.py.
    form_classes: dict = field(default_factory=dict, compare=False, repr=False)
    #: The blank survey page as rendered for each language (see views.py), tokens left out.
    pages: dict = field(default_factory=dict, compare=False, repr=False)

    @property
    def hint(self) -> str:
        """What the form carries so its POST finds this version without asking the database."""
        return f"{self.id}.{self.content_hash[:16]}"


_lock = threading.Lock()
#: (id, content hash) -> version. Few versions ever exist, so nothing is evicted.
_versions: dict[tuple[int, str], SurveyVersion] = {}
#: slug -> the version last seen open, served while the database is unreachable.
_last_open: dict[str, SurveyVersion] = {}


def clear() -> None:
    """Forget every cached version (tests; a long-lived process never needs it)."""
    with _lock:
        _versions.clear()
        _last_open.clear()


def cached(survey_id: int, content_hash: str) -> SurveyVersion | None:
    return _versions.get((survey_id, content_hash))


def from_hint(hint: str | None, slug: str) -> SurveyVersion | None:
    """The cached version a form's hidden hint names, if it is a version of `slug`."""
    survey_id, _dot, prefix = (hint or "").partition(".")
    if not survey_id.isdigit() or len(prefix) != 16:
        return None
    for (cached_id, content_hash), version in list(_versions.items()):
        if cached_id == int(survey_id) and content_hash.startswith(prefix):
            return version if version.slug == slug else None
    return None


def last_open(slug: str) -> SurveyVersion | None:
    return _last_open.get(slug)


def remember_open(version: SurveyVersion) -> None:
    _last_open[version.slug] = version


def version(survey_id: int, content_hash: str | None = None) -> SurveyVersion | None:
    """The version with this id (and content hash, when known), loading it on first use."""
    if content_hash is not None:
        found = _versions.get((survey_id, content_hash))
        if found is not None:
            return found
    loaded = load(survey_id)
    if loaded is None or (content_hash is not None and loaded.content_hash != content_hash):
        return None
    return loaded


def current_open(slug: str) -> SurveyVersion | None:
    """The newest open version of `slug`: one statement, then the cache."""
    if "\x00" in slug:  # no slug has one, and PostgreSQL refuses to compare it
        return None
    row = db.session.execute(_open_version_query(), {"slug": slug, "now": utcnow()}).first()
    if row is None:
        _last_open.pop(slug, None)
        return None
    found = version(row.id, row.content_hash)
    if found is not None:
        remember_open(found)
    return found


@functools.cache
def _open_version_query():
    """SELECT the newest open version of :slug at :now: built once, bound per request."""
    from .services import engagement_still_open

    return (
        select(Survey.id, Survey.content_hash)
        .where(Survey.slug == bindparam("slug"), Survey.status == SurveyStatus.OPEN)
        .where(engagement_still_open(bindparam("now")))
        .order_by(Survey.version.desc())
        .limit(1)
    )


def load(survey_id: int) -> SurveyVersion | None:
    """Read one version from the database (three statements) and keep it."""
    survey = db.session.execute(
        select(
            Survey.id,
            Survey.slug,
            Survey.version,
            Survey.content_hash,
            Survey.default_language,
            Survey.languages,
            Survey.title,
            Survey.intro,
            Survey.next_steps,
        ).where(Survey.id == survey_id)
    ).first()
    if survey is None:
        return None
    questions = db.session.execute(
        select(Question).where(Question.survey_id == survey_id).order_by(Question.position)
    ).scalars()
    questions = list(questions)
    options: dict[int, list[CachedOption]] = {q.id: [] for q in questions}
    if questions:
        for row in db.session.execute(
            select(Option.question_id, Option.value, Option.position, Option.text)
            .where(Option.question_id.in_(list(options)))
            .order_by(Option.question_id, Option.position)
        ):
            options[row.question_id].append(
                CachedOption(value=row.value, position=row.position, text=_texts(row.text))
            )
    loaded = SurveyVersion(
        id=survey.id,
        slug=survey.slug,
        version=survey.version,
        content_hash=survey.content_hash,
        default_language=survey.default_language,
        languages=tuple(survey.languages or ()),
        title=_texts(survey.title),
        intro=_texts(survey.intro),
        next_steps=_texts(survey.next_steps),
        questions=tuple(
            CachedQuestion(
                id=q.id,
                key=q.key,
                position=q.position,
                kind=QuestionKind(q.kind),
                required=bool(q.required),
                demographic=bool(q.demographic),
                maps_to=q.maps_to,
                section=_texts(q.section),
                text=_texts(q.text),
                help=_texts(q.help),
                max_choices=q.max_choices,
                max_length=q.max_length,
                options=tuple(options[q.id]),
                **_settings(q.settings),
            )
            for q in questions
        ),
    )
    with _lock:
        # Another thread may have loaded it meanwhile: keep one, so form classes are shared.
        loaded = _versions.setdefault((loaded.id, loaded.content_hash), loaded)
    return loaded


def _settings(settings) -> dict:
    """The newer question keys (see Question.settings), read-only."""
    settings = settings or {}
    show_if = settings.get("show_if")
    return {
        "allow_other": bool(settings.get("allow_other")),
        "statements": tuple(
            CachedOption(value=row["value"], position=position, text=_texts(row.get("text")))
            for position, row in enumerate(settings.get("statements") or ())
        ),
        "min_value": settings.get("min_value"),
        "max_value": settings.get("max_value"),
        "new_page": bool(settings.get("new_page")),
        "show_if": (
            MappingProxyType(
                {"question": show_if["question"], "equals": tuple(show_if.get("equals") or ())}
            )
            if show_if
            else None
        ),
    }


def open_versions() -> list[SurveyVersion]:
    """The versions last seen open, for the landing page while the database is unreachable."""
    return sorted(_last_open.values(), key=lambda v: v.slug)
