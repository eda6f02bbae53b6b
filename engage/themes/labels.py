"""What a person reads about a theme: a phrase label, keywords, quotes, counts by language.

The label is a real phrase from the theme's own answers, read like a heading ("Public
transportation", "計程車司機"): the theme's most distinctive content word among its typical
members (demoted when most themes use it: the place, the subject, how answers open), widened
to the commonest 2-4 word phrase around it that enough members use. ``label_share`` is the
share of the theme's (typical) members that use the label's key word, so a label cannot claim
more than its members say. Labels are made per language: from the members
written in (or translated into) that language where there are enough, otherwise, when the
encoder places both languages in one space, the phrase of that language's answers across the
run whose vector lies closest to the theme's centre. Keywords are c-TF-IDF terms (``text.py``)
in the working language where possible. Quotes stay in their original languages: the members
closest to the centroid, taking turns over the theme's languages so each is heard.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from .encoders import Encoder, base_language, covers
from .text import _HAN_RUN as _HAN_KEY
from .text import clauses, ctfidf_keywords, joined

#: A theme needs this many members in a language before that language's words describe it.
MIN_MEMBERS_FOR_WORDS = 3
#: Keywords and labels are computed from at most this many of a theme's most typical members.
MAX_KEYWORD_TEXTS = 1500
#: How many candidate phrases of a language are embedded for cross-language labels.
MAX_VOCABULARY = 600
#: A language with this many texts in the run gets a label of its own for every theme.
MIN_LANGUAGE_TEXTS = 10
#: Longest phrase, in words, a label quotes.
MAX_PHRASE = 4
#: Weight of a name (capitalised inside sentences: "Nashville") as a label's key word.
NAME_WEIGHT = 0.25


@dataclass
class Description:
    label: str
    keywords: list[str]
    representatives: list[int]
    languages: dict[str, int]
    labels: dict[str, str] = field(default_factory=dict)
    label_share: float | None = None
    #: Share of members opening with one of the conversation's openers ("BG should…").
    opener_share: float = 0.0


@dataclass
class _Parsed:
    """Per text: its phrase keys and content words; per key: the surfaces seen."""

    phrases: list[set[str]]
    words: list[set[str]]
    surfaces: dict[str, Counter]
    parts: dict[str, tuple[str, ...]]
    openers: Counter = field(default_factory=Counter)
    #: Per text: its first word (even a function word or a short name: "BG", "We") and its
    #: first two content words: how it opens. ``everywhere``: texts using each word at all.
    first: list[set[str]] = field(default_factory=list)
    everywhere: Counter = field(default_factory=Counter)
    #: Per word key: occurrences not at a sentence start, and how many of those are capitalised
    #: (a name: "Nashville", "Scottsville").
    inner: Counter = field(default_factory=Counter)
    capital: Counter = field(default_factory=Counter)


def _parse(texts: Sequence[str], language: str) -> _Parsed:
    phrases, words = [], []
    surfaces: dict[str, Counter] = defaultdict(Counter)
    parts: dict[str, tuple[str, ...]] = {}
    openers: Counter = Counter()
    first_words: list[set[str]] = []
    everywhere: Counter = Counter()
    inner: Counter = Counter()
    capital: Counter = Counter()
    for text in texts:
        found, content = set(), set()
        split = clauses(text, language)
        opening = {w.key for w in [w for w in (split[0] if split else []) if not w.stop][:2]}
        openers.update(opening)
        first_words.append(opening | {w.key for w in (split[0] if split else [])[:1]})
        everywhere.update({w.key for clause in split for w in clause})
        for clause in split:
            for i, first in enumerate(clause):
                if first.stop:
                    continue
                content.add(first.key)
                if not first.han and _inside_sentence(text, first.start):
                    inner[first.key] += 1
                    capital[first.key] += text[first.start : first.start + 1].isupper()
                for j in range(i, min(len(clause), i + MAX_PHRASE)):
                    last = clause[j]
                    if last.stop:
                        continue
                    span = clause[i : j + 1]
                    key = joined([w.key for w in span], all(w.han for w in span))
                    if key not in parts:
                        parts[key] = tuple(w.key for w in span if not w.stop)
                    found.add(key)
                    surfaces[key][text[first.start : last.end]] += 1
        phrases.append(found)
        words.append(content)
    return _Parsed(
        phrases, words, surfaces, parts, openers, first_words, everywhere, inner, capital
    )


def _inside_sentence(text: str, start: int) -> bool:
    """Whether the word at ``start`` follows another word of its sentence."""
    before = text[:start].rstrip()
    return bool(before) and before[-1] not in ".!?:;\"'“”«»()[]-–—•*\n"


def _is_name(key: str, parsed: _Parsed, language: str) -> bool:
    """A word written with a capital inside sentences (a place or a person), outside German,
    where every noun has one."""
    if language == "de" or parsed.inner[key] < 2:
        return False
    return parsed.capital[key] >= 0.8 * parsed.inner[key]


def phrase_labels(groups: Sequence[Sequence[str]], language: str) -> list[tuple[str, float]]:
    """A heading and the share of members carrying its words, per group of texts in a language."""
    return [(label, share) for label, share, _ in phrase_labels_with_openers(groups, language)]


def phrase_labels_with_openers(
    groups: Sequence[Sequence[str]], language: str
) -> list[tuple[str, float, float]]:
    """:func:`phrase_labels` plus, per group, the share of its members that open with one of
    the conversation's openers ("BG should…"): a group held together by how its answers start
    rather than by what they say."""
    flat = [t for texts in groups for t in texts]
    parsed = _parse(flat, language)
    bounds = np.cumsum([0] + [len(texts) for texts in groups])
    total_df: Counter = Counter()
    for found in parsed.phrases:
        total_df.update(found)
    group_df = []
    for g in range(len(groups)):
        df: Counter = Counter()
        for found in parsed.phrases[bounds[g] : bounds[g + 1]]:
            df.update(found)
        group_df.append(df)
    common = _common_words(group_df, [len(t) for t in groups], parsed)
    openers = _openers(parsed, len(flat))
    # An opener is the conversation's, not one theme's topic ("Bike lanes near…"): it opens
    # answers in more than a third of the groups.
    live = [g for g in range(len(groups)) if len(groups[g]) >= 3]
    openers = {
        w
        for w in openers
        if sum(any(w in f for f in parsed.first[bounds[g] : bounds[g + 1]]) for g in live)
        > len(live) / 3
    }
    out = []
    for g, texts in enumerate(groups):
        label, share = _label_one(
            group_df[g],
            len(texts),
            total_df,
            len(flat),
            parsed,
            common,
            parsed.words[bounds[g] : bounds[g + 1]],
            language,
        )
        opening = parsed.first[bounds[g] : bounds[g + 1]]
        opened = sum(bool(f & openers) for f in opening) / max(1, len(texts))
        out.append((label, share, opened))
    return out


def _openers(parsed: _Parsed, total: int) -> set[str]:
    """Words that open at least 8 % of the answers and are, half the time or more, how the
    answers using them start ("BG should…", "Bowling Green needs…", "We need to…")."""
    if total < 30:
        return set()
    opening: Counter = Counter()
    for first in parsed.first:
        opening.update(first)
    return {w for w, c in opening.items() if c >= 0.08 * total and c >= 0.5 * parsed.everywhere[w]}


def _common_words(group_df, sizes, parsed: _Parsed) -> set[str]:
    """Words of the whole conversation: the place, the subject, how answers open.

    Used by a tenth of the members of most themes; by a tenth of all answers and a twentieth
    of the members of a third of the themes ("覺得", "UberX"); or by 8 % of all answers, at
    least half of the time among their first two words ("Bowling Green should…").
    """
    live = [g for g, n in enumerate(sizes) if n >= 3]
    if len(live) < 3:
        return set()
    total = sum(sizes[g] for g in live)
    often, present, overall = Counter(), Counter(), Counter()
    for g in live:
        for k, c in group_df[g].items():
            if len(parsed.parts[k]) == 1:
                overall[k] += c
                often[k] += c >= 0.1 * sizes[g]
                present[k] += c >= 0.05 * sizes[g]
    return {
        parsed.parts[k][0]
        for k in overall
        if often[k] > len(live) / 2
        or (overall[k] >= 0.1 * total and present[k] >= len(live) / 3)
        # how answers open ("BG should…", "Bowling Green needs…"), not what they are about
        or (overall[k] >= 0.08 * total and parsed.openers[k] >= 0.5 * overall[k])
    }


def _label_one(df, size, total_df, total, parsed: _Parsed, common, member_words, language=""):
    if size == 0:
        return "", 0.0

    def score(key: str) -> float:
        p, q = df[key] / size, total_df[key] / total
        word = parsed.parts[key][0]
        weight = 0.02 if word in common else NAME_WEIGHT if _is_name(word, parsed, language) else 1
        return p * math.log(1 + p / q) * weight

    heads = [k for k, c in df.items() if c >= min(2, size) and len(parsed.parts[k]) == 1]
    if not heads:
        return "", 0.0
    head = max(heads, key=lambda k: (score(k), k))
    head_word = parsed.parts[head][0]
    floor = max(2, 0.3 * df[head]) if size > 1 else 1
    wider = [
        k
        for k, c in df.items()
        if len(parsed.parts[k]) > 1
        and head_word in parsed.parts[k]
        and c >= floor
        and parsed.parts[k][0] not in common
        and parsed.parts[k][-1] not in common
        and (language != "de" or _ends_in_noun(parsed.surfaces[k].most_common(1)[0][0]))
    ]

    def phrase_score(key: str) -> float:
        extra = sum(score(w) > 0 and w not in common for w in parsed.parts[key] if w != head_word)
        # Function words inside a phrase cost a little: "Niedrigere Geschwindigkeiten" reads
        # better than "Geschwindigkeiten eine starke Reduktion".
        inner = 0 if _HAN_KEY.match(key) else len(key.split()) - len(parsed.parts[key])
        return df[key] * (1 + 0.5 * extra) / (1 + 0.3 * (len(parsed.parts[key]) - 2) + 0.15 * inner)

    best = max(wider, key=lambda k: (phrase_score(k), k)) if wider else head
    surface = parsed.surfaces[best].most_common(1)[0][0]
    # The share is of members who use the label's key word: what the label claims they say.
    share = sum(head_word in w for w in member_words) / size
    return heading(surface), share


def _ends_in_noun(surface: str) -> bool:
    """German capitalises nouns: "Niedrigere Geschwindigkeiten", not "… eine starke"."""
    words = surface.split()
    return bool(words) and words[-1][:1].isupper()


def heading(phrase: str) -> str:
    """Sentence case for a phrase taken from answers: "bike lanes" -> "Bike lanes"."""
    phrase = " ".join(phrase.split())
    return phrase[:1].upper() + phrase[1:] if phrase[:1].islower() else phrase


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
    translations: Sequence[tuple[str, str] | None] | None = None,
) -> list[Description]:
    """Describe each group of row indices (one group per theme).

    ``translations`` (optional, aligned with ``texts``) are (text, locale) pairs: a translated
    answer counts as written in the translation's language for keywords and labels.
    """
    working = base_language(working_language)
    wording = _Wording(texts, locales, translations)
    typical = [_most_typical(members, vectors, centroids[i]) for i, members in enumerate(groups)]
    keywords_by_language = _keywords_per_language(typical, wording, n_keywords)
    label_languages = wording.label_languages(working)
    own_labels: dict[str, list[tuple[str, float, float]]] = {}

    def own(language: str) -> list[tuple[str, float, float]]:
        if language not in own_labels:
            own_labels[language] = phrase_labels_with_openers(
                [wording.texts(m, language) for m in typical], language
            )
        return own_labels[language]

    crosslingual = {
        lang: _CrossLingual(wording, lang, encoder, n_keywords) for lang in label_languages
    }
    bases = [base_language(loc) for loc in locales]
    out: dict[int, Description] = {}
    # Largest themes first, so they get first pick of the cross-language phrases.
    for index in sorted(range(len(groups)), key=lambda i: (-len(groups[i]), i)):
        members = groups[index]
        counts = wording.counts(members)
        own_keywords = keywords_by_language.get(working, [[]] * len(groups))[index]
        if counts[working] >= MIN_MEMBERS_FOR_WORDS and own_keywords:
            keywords = own_keywords
        else:
            keywords = crosslingual[working].keywords(centroids[index], counts)
            for language, _count in counts.most_common():
                if keywords:
                    break
                keywords = keywords_by_language.get(language, [[]] * len(groups))[index]
        dominant = counts.most_common(1)[0][0] if counts else working
        labels: dict[str, str] = {}
        share, opened = None, 0.0
        for language in dict.fromkeys([dominant, *label_languages]):
            phrase, language_share, language_opened = (
                own(language)[index] if counts[language] else ("", 0.0, 0.0)
            )
            if phrase and (counts[language] >= MIN_MEMBERS_FOR_WORDS or language == dominant):
                labels[language] = phrase
                if language == dominant:
                    share, opened = language_share, language_opened
            elif language in crosslingual:
                phrase = crosslingual[language].label(centroids[index], counts)
                if phrase:
                    labels[language] = phrase
        quotes = representatives(members, vectors, centroids[index], bases, n_quotes)
        label = labels.get(working) or labels.get(dominant) or next(iter(labels.values()), "")
        if not label:
            label = quote_label(texts[quotes[0]]) if quotes else "(no keywords)"
        out[index] = Description(
            label=label,
            keywords=list(keywords),
            representatives=quotes,
            languages=dict(Counter(locales[i] for i in members).most_common()),
            labels=labels,
            label_share=share,
            opener_share=opened,
        )
    return [out[i] for i in range(len(groups))]


class _Wording:
    """Each row's text in the language(s) it can be read in: its own, and its translation's."""

    def __init__(self, texts, locales, translations):
        self.by_language: dict[str, dict[int, str]] = defaultdict(dict)
        for i, (text, locale) in enumerate(zip(texts, locales, strict=True)):
            self.by_language[base_language(locale)][i] = text or ""
        for i, pair in enumerate(translations or ()):
            if pair and pair[0]:
                self.by_language[base_language(pair[1])].setdefault(i, pair[0])

    def counts(self, members) -> Counter:
        return (
            Counter(
                {
                    lang: sum(int(i) in rows for i in members)
                    for lang, rows in self.by_language.items()
                }
            )
            - Counter()
        )

    def texts(self, members, language) -> list[str]:
        rows = self.by_language.get(language, {})
        return [rows[int(i)] for i in members if int(i) in rows]

    def label_languages(self, working: str) -> list[str]:
        big = sorted(
            lang for lang, rows in self.by_language.items() if len(rows) >= MIN_LANGUAGE_TEXTS
        )
        return list(dict.fromkeys([working, *big]))


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


def _keywords_per_language(groups, wording: _Wording, n_keywords) -> dict[str, list[list[str]]]:
    result = {}
    for language in sorted(wording.by_language):
        per_theme = [wording.texts(members, language) for members in groups]
        if sum(len(p) for p in per_theme) == 0:
            continue
        result[language] = ctfidf_keywords(per_theme, language, top=n_keywords)
    return result


class _CrossLingual:
    """One language's vocabulary of the run, embedded once and only when first needed."""

    def __init__(self, wording: _Wording, language: str, encoder, n_keywords):
        self.language = language
        self.encoder = encoder
        self.n_keywords = n_keywords
        self._texts = list(wording.by_language.get(language, {}).values())
        self._terms: list[str] | None = None
        self._phrases: list[str] | None = None
        self._vectors: np.ndarray | None = None
        self._phrase_vectors: np.ndarray | None = None
        self._taken: set[int] = set()

    def usable(self, counts: Counter) -> bool:
        encoder = self.encoder
        if encoder is None or getattr(encoder, "languages", None) is None or not self._texts:
            return False
        return covers(encoder, self.language) and all(covers(encoder, lang) for lang in counts)

    def keywords(self, centroid: np.ndarray, counts: Counter) -> list[str]:
        if not self.usable(counts):
            return []
        if self._terms is None:
            self._terms = ctfidf_keywords([self._texts], self.language, top=MAX_VOCABULARY)[0]
            self._vectors = self.encoder.encode(self._terms) if self._terms else None
        if not self._terms:
            return []
        order = np.argsort(-(self._vectors @ centroid), kind="stable")[: self.n_keywords]
        return [self._terms[i] for i in order]

    def label(self, centroid: np.ndarray, counts: Counter) -> str:
        if not self.usable(counts):
            return ""
        if self._phrases is None:
            parsed = _parse(self._texts, self.language)
            df: Counter = Counter()
            for found in parsed.phrases:
                df.update(found)
            pool = [k for k, c in df.most_common() if c >= 2][:MAX_VOCABULARY]
            self._phrases = [heading(parsed.surfaces[k].most_common(1)[0][0]) for k in pool]
            self._phrase_vectors = self.encoder.encode(self._phrases) if pool else None
        if not self._phrases:
            return ""
        sims = self._phrase_vectors @ centroid
        # A phrase names one theme only: two themes under one label would read as one.
        order = [i for i in np.argsort(-sims, kind="stable") if i not in self._taken][:5]
        if not order:
            return ""
        multi = [
            i
            for i in order
            if len(self._phrases[i].split()) > 1 and sims[i] >= sims[order[0]] - 0.05
        ]
        chosen = multi[0] if multi else order[0]
        self._taken.add(chosen)
        return self._phrases[chosen]


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
