"""What a person reads about a theme: label, keywords, representative quotes, counts by language.

Keywords are c-TF-IDF terms of the theme's members written in the working language. When a
theme has (almost) no members in the working language but the encoder places both languages in
one space, keywords are instead the working-language terms of the whole run whose vectors lie
closest to the theme's centroid: a Spanish-only theme about buses still gets English keywords
such as "school buses" if English speakers used those words elsewhere. Otherwise the theme's
own dominant language is used. Quotes stay in their original languages: the members closest to
the centroid, taking turns over the theme's languages so each is heard.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .encoders import Encoder, base_language, covers
from .text import ctfidf_keywords, make_label

#: A theme needs this many members in a language before that language's words describe it.
MIN_MEMBERS_FOR_WORDS = 3
#: Keywords are computed from at most this many of a theme's most typical members.
MAX_KEYWORD_TEXTS = 1500
#: How many candidate working-language terms are embedded for cross-language keywords.
MAX_VOCABULARY = 600


@dataclass
class Description:
    label: str
    keywords: list[str]
    representatives: list[int]
    languages: dict[str, int]


def describe(
    groups: Sequence[np.ndarray],
    texts: Sequence[str],
    locales: Sequence[str],
    vectors: np.ndarray,
    centroids: np.ndarray,
    working_language: str = "en",
    encoder: Encoder | None = None,
    n_keywords: int = 8,
    n_quotes: int = 5,
) -> list[Description]:
    """Describe each group of row indices (one group per theme)."""
    working = base_language(working_language)
    bases = [base_language(loc) for loc in locales]
    typical = [_most_typical(members, vectors, centroids[i]) for i, members in enumerate(groups)]
    keywords_by_language = _keywords_per_language(typical, texts, bases, n_keywords)
    crosslingual = _CrossLingual(groups, texts, bases, working, encoder, n_keywords)
    out = []
    for index, members in enumerate(groups):
        counts = Counter(bases[i] for i in members)
        own = keywords_by_language.get(working, [[]] * len(groups))[index]
        if counts[working] >= MIN_MEMBERS_FOR_WORDS and own:
            keywords = own
        else:
            keywords = crosslingual.keywords(centroids[index], counts) or []
            if not keywords:
                for language, _count in counts.most_common():
                    keywords = keywords_by_language.get(language, [[]] * len(groups))[index]
                    if keywords:
                        break
        quotes = representatives(members, vectors, centroids[index], bases, n_quotes)
        out.append(
            Description(
                # Without keywords (every word too common or too rare), the most typical
                # answer's opening words name the theme better than a placeholder would.
                label=make_label(keywords)
                if keywords or not quotes
                else quote_label(texts[quotes[0]]),
                keywords=list(keywords),
                representatives=quotes,
                languages=dict(Counter(locales[i] for i in members).most_common()),
            )
        )
    return out


def quote_label(text: str, words: int = 6) -> str:
    """The first few words of a quote, as a label: "Một người biết suy nghĩ độc lập…"."""
    parts = (text or "").split()
    return " ".join(parts[:words]) + ("…" if len(parts) > words else "")


def _most_typical(members: np.ndarray, vectors: np.ndarray, centroid: np.ndarray) -> np.ndarray:
    """At most ``MAX_KEYWORD_TEXTS`` members, the closest to the centroid: enough for words."""
    if len(members) <= MAX_KEYWORD_TEXTS:
        return members
    sims = vectors[members] @ centroid
    return np.sort(members[np.argsort(-sims, kind="stable")[:MAX_KEYWORD_TEXTS]])


def _keywords_per_language(groups, texts, bases, n_keywords) -> dict[str, list[list[str]]]:
    result = {}
    for language in sorted(set(bases)):
        per_theme = [[texts[i] for i in members if bases[i] == language] for members in groups]
        if sum(len(p) for p in per_theme) == 0:
            continue
        result[language] = ctfidf_keywords(per_theme, language, top=n_keywords)
    return result


class _CrossLingual:
    """Working-language vocabulary of the run, embedded once and only when first needed."""

    def __init__(self, groups, texts, bases, working, encoder, n_keywords):
        self.working = working
        self.encoder = encoder
        self.n_keywords = n_keywords
        self._texts = [t for t, b in zip(texts, bases, strict=True) if b == working]
        self._terms: list[str] | None = None
        self._vectors: np.ndarray | None = None

    def usable(self, counts: Counter) -> bool:
        encoder = self.encoder
        if encoder is None or getattr(encoder, "languages", None) is None or not self._texts:
            return False
        return covers(encoder, self.working) and all(covers(encoder, lang) for lang in counts)

    def keywords(self, centroid: np.ndarray, counts: Counter) -> list[str]:
        if not self.usable(counts):
            return []
        if self._terms is None:
            pool = ctfidf_keywords([self._texts], self.working, top=MAX_VOCABULARY)[0]
            self._terms = pool
            self._vectors = self.encoder.encode(pool) if pool else np.zeros((0, 1))
        if not self._terms:
            return []
        scores = self._vectors @ centroid
        order = np.argsort(-scores, kind="stable")[: self.n_keywords]
        return [self._terms[i] for i in order]


def representatives(members, vectors, centroid, bases, n_quotes: int = 5) -> list[int]:
    """Members closest to the centroid, taking turns over languages (largest language first)."""
    if len(members) == 0:
        return []
    members = np.asarray(members)
    sims = vectors[members] @ centroid
    ranked = members[np.argsort(-sims, kind="stable")]
    queues: dict[str, list[int]] = {}
    for i in ranked:
        queues.setdefault(bases[i], []).append(int(i))
    order = sorted(queues, key=lambda lang: -len(queues[lang]))
    chosen: list[int] = []
    while len(chosen) < min(n_quotes, len(members)):
        for language in order:
            if queues[language] and len(chosen) < n_quotes:
                chosen.append(queues[language].pop(0))
    return chosen
