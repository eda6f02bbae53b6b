"""Plain data in and out of the theme engine.

The engine takes a list of :class:`Contribution` (one free-text answer or forum post with its
locale) and returns a :class:`DiscoveryResult`: a list of :class:`Theme` plus an assignment of
every contribution id to a theme index (or ``None`` for "no clear theme"). Nothing here knows
about databases or requests; ``review/services.py`` translates between these and its models.
A theme's ``key`` is its identity across runs: pass accepted or edited themes back to
``discover(..., keep=...)`` and they come back with the same key.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, field

#: Bumped whenever the same input could produce different themes.
ENGINE_VERSION = "1.3.0"

#: Theme status values. ``kept`` themes were passed back in by a person and keep their identity.
CANDIDATE = "candidate"
KEPT = "kept"


@dataclass(frozen=True)
class Contribution:
    """One piece of community text: an answer or a post, in the locale it was written in."""

    id: Hashable
    text: str
    locale: str = "en"
    #: Optional human or machine translation into the working language and its locale. Where
    #: the encoder does not cover ``locale`` but covers ``translation_locale``, the engine
    #: places the contribution by its translation; ``text`` stays the quote.
    translation: str | None = None
    translation_locale: str | None = None


@dataclass
class Understanding:
    """Per base language: how many contributions the encoder places across languages itself,
    how many through a translation, and how many not at all (not yet understood)."""

    language: str
    total: int = 0
    by_encoder: int = 0
    by_translation: int = 0
    not_understood: int = 0


@dataclass
class Theme:
    """A group of contributions about the same idea.

    ``label`` and ``keywords`` are in the working language where the encoder allows;
    ``representative_ids`` are quotes in their original languages, closest to the centre first
    and spread over languages; ``languages`` counts members per locale. ``centroid`` is the
    normalised mean of the members' encoder vectors (a plain list, so it can be stored as JSON)
    and ``threshold`` the similarity a new contribution needs to join the theme.
    ``labels`` holds the phrase label per base language ("en", "zh"); ``label_share`` is the
    share of members whose words carry the label in the theme's dominant language;
    ``cohesion`` how much more alike the members are than the run's answers as a whole
    (0 = no more than any two answers, 1 = identical); ``mixed`` says the group does not
    cohere or no phrase is shared by enough of it ("mixed / no clear theme"); ``similar_to``
    is the key of a larger theme this one is probably the same as.
    """

    label: str
    keywords: list[str] = field(default_factory=list)
    member_ids: list[Hashable] = field(default_factory=list)
    representative_ids: list[Hashable] = field(default_factory=list)
    languages: dict[str, int] = field(default_factory=dict)
    key: str = ""
    status: str = CANDIDATE
    centroid: list[float] | None = None
    threshold: float | None = None
    labels: dict[str, str] = field(default_factory=dict)
    label_share: float | None = None
    cohesion: float | None = None
    mixed: bool = False
    similar_to: str | None = None

    @property
    def size(self) -> int:
        return len(self.member_ids)


@dataclass
class DiscoveryResult:
    """What :func:`engage.themes.discover` returns.

    ``assignment`` maps every contribution id to an index into ``themes`` or ``None``.
    ``parameters`` records the choices made (number of themes, seed, encoder, sizes) and
    ``metrics`` a few figures about the run (share without a clear theme, silhouette).
    """

    themes: list[Theme]
    assignment: dict[Hashable, int | None]
    encoder: str = ""
    engine_version: str = ENGINE_VERSION
    parameters: dict = field(default_factory=dict)
    metrics: dict = field(default_factory=dict)

    @property
    def unassigned_ids(self) -> list[Hashable]:
        return [cid for cid, index in self.assignment.items() if index is None]

    def theme_of(self, contribution_id: Hashable) -> Theme | None:
        index = self.assignment.get(contribution_id)
        return None if index is None else self.themes[index]
