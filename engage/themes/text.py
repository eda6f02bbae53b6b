"""Words for labels: language-aware tokens, stop words, and class-based TF-IDF keywords.

Text is cut into clauses (punctuation ends a phrase) of :class:`Word` s, each with the span it
came from, so a label can quote the answers' own wording. Stop words come from two maintained
packages, ``stopwordsiso`` and ``stop-words`` (their union); only what neither has is added
here: Haitian Creole and Hmong (no list in either) and the Somali words missing from
stopwordsiso's short list ("iyo", "waxay"…). Chinese is segmented into words with jieba
(``rjieba``, its dictionary inside the wheel); Traditional characters are mapped one to one to
Simplified (OpenCC's tables) for the segmenter and the stop list, the words keep their own
characters. Single Chinese characters (的, 要, 很) join phrases but never start or end one.
Arabic is normalised (diacritics, tatweel and alef forms) before matching. Japanese and Thai,
which have no segmenter here, fall back to character bigrams. Keywords come from c-TF-IDF per
language (a theme's members are one "document"), counting each term once per text.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

_HAN = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_UNSPACED = rf"\u0e00-\u0e7f\u3040-\u30ff{_HAN}"
# A word may carry digits ("CO2", "I-165") but needs a letter.
# Combining marks (Arabic harakat and tatweel, decomposed Vietnamese tones) stay inside a word.
_MARK = r"\u0300-\u036f\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640"
_PART = rf"(?:[^\W_{_UNSPACED}]|[{_MARK}])"
_WORD = rf"{_PART}*[^\W\d_{_UNSPACED}]{_PART}*"
_TOKEN = re.compile(rf"(?P<han>[{_HAN}]+)|(?P<other>[{_UNSPACED}]+)|{_WORD}(?:['’-]{_WORD})*")
_HAN_RUN = re.compile(rf"^[{_HAN}]+$")
_UNSPACED_RUN = re.compile(rf"^[{_UNSPACED}]+$")
#: Anything but spaces between two words ends a phrase: "buses, parking" is not a phrase.
_GAP_OK = re.compile(r"^[ \t\u00a0\u3000]*$")

_ARABIC_MARKS = re.compile(r"[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")
_ARABIC_LETTERS = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي"})

#: Stop words no package has (ht, hmn) or that stopwordsiso's 30-word Somali list lacks.
SUPPLEMENT: dict[str, str] = {
    "ht": """a ak ake al an ankò ann anpil apre avan avèk avek ba bay byen chak dapre de dwe deja
        depi di e epi fè fòk ka kapab ke kèk ki kijan kilè kisa konsa kote kounye la lan lè li
        m men mwen n nan ne nenpòt nou o oswa ou pa pandan paske pi plis pou poukisa pral sa
        san se si sou sèlman ta tankou te tou toujou tout va vle w y yo yon youn""",
    "hmn": """ces dua hais hauv ib kom koj kuj kuv lawv li los lossis lub muaj mus nej no nrog
        ntawd ntawm nws nyob peb rau sis tab tabsis tau thaum thiab tias tsis tus twb txog ua
        uas vim yam yog yuav zoo""",
    # Opinion verbs and modal particles stopwordsiso's Chinese list lacks ("我覺得…", "不會…"):
    # they open answers in every theme and name none.
    "zh": """不会 不能 不要 不是 觉得 认为 应该 需要 希望 属于 问题 会 能 要""",
    "so": """ah ahaa ama anaga aniga annaga ayay ayey badan ee haddii hal halkaas halkan iyada
        iyaga iyo kaas kan kuwaas laakiin laga lagu loo ma marka mise sida sidoo taas tahay
        tan waan wax waxaa waxaan waxay yahay yihiin""",
}


@dataclass(frozen=True)
class Word:
    """One word of a text: ``key`` for matching, ``start``/``end`` its span in the text."""

    key: str
    start: int
    end: int
    stop: bool
    han: bool = False


@lru_cache(maxsize=64)
def stopwords(language: str) -> frozenset[str]:
    """Normalised stop words of a base language code ("en", "zh", "so"); empty if unknown."""
    import stop_words
    import stopwordsiso

    words: set[str] = set(SUPPLEMENT.get(language, "").split())
    if stopwordsiso.has_lang(language):
        words |= set(stopwordsiso.stopwords(language))
    try:
        words |= set(stop_words.get_stop_words(language))
    except stop_words.StopWordError:
        pass
    return frozenset(normalise(w, language) for w in words)


def normalise(word: str, language: str = "") -> str:
    """The matching form of a word: NFKC, lower case, Arabic marks and alef forms unified."""
    word = unicodedata.normalize("NFKC", word).lower().replace("’", "'")
    if language == "ar" or any("\u0600" <= c <= "\u06ff" for c in word):
        word = _ARABIC_MARKS.sub("", word).translate(_ARABIC_LETTERS)
    return word


@lru_cache(maxsize=1)
def _simplifier():
    from opencc import OpenCC

    return OpenCC("t2s")


@lru_cache(maxsize=20000)
def _simplified_char(char: str) -> str:
    out = _simplifier().convert(char)
    return out if len(out) == 1 else char


def simplified(text: str) -> str:
    """Traditional characters mapped one to one to Simplified (same length, same offsets)."""
    return "".join(_simplified_char(c) for c in text)


def _han_words(run: str, offset: int) -> list[Word]:
    import rjieba

    stop = stopwords("zh")
    out = []
    for piece, start, end in rjieba.tokenize(simplified(run)):
        if not piece.strip():
            continue
        out.append(
            Word(
                run[start:end], offset + start, offset + end, len(piece) < 2 or piece in stop, True
            )
        )
    return out


def clauses(text: str, language: str) -> list[list[Word]]:
    """The words of ``text`` in clauses: a phrase never crosses punctuation."""
    stop = stopwords(language)
    out: list[list[Word]] = [[]]
    last_end = 0
    for match in _TOKEN.finditer(text or ""):
        if not _GAP_OK.match(text[last_end : match.start()]) and out[-1]:
            out.append([])
        last_end = match.end()
        if match.group("han"):
            out[-1].extend(_han_words(match.group(), match.start()))
        elif match.group("other"):  # Thai, kana: no segmenter, bigrams that form no phrase
            run = match.group().lower()
            out[-1].extend(
                Word(run[i : i + 2], match.start() + i, match.start() + i + 2, False)
                for i in range(max(1, len(run) - 1))
            )
            out.append([])
        else:
            key = normalise(match.group(), language)
            is_stop = len(key) < 2 or key in stop or key.replace("'", "") in stop
            out[-1].append(Word(key, match.start(), match.end(), is_stop))
    return [c for c in out if c]


def tokens(text: str, language: str) -> list[str]:
    """Lower-cased content words of ``text`` (stop words left out)."""
    return [w.key for clause in clauses(text, language) for w in clause if not w.stop]


def joined(keys: Sequence[str], han: bool) -> str:
    return "".join(keys) if han else " ".join(keys)


def terms(text: str, language: str) -> list[str]:
    """Content words plus pairs of adjacent content words ("bike lanes"): keyword candidates."""
    out = []
    for clause in clauses(text, language):
        words = [w for w in clause if not w.stop]
        out += [w.key for w in words]
        for a, b in zip(clause, clause[1:], strict=False):
            if not (a.stop or b.stop):
                out.append(joined([a.key, b.key], a.han and b.han))
    return out


def is_stop_phrase(label: str, language: str) -> bool:
    """Whether ``label`` (split on its separators) is made only of stop words."""
    parts = [p for p in re.split(r"\s*·\s*|\s+", label.strip()) if p]
    words = [w for p in parts for clause in clauses(p, language) for w in clause]
    return bool(words) and all(w.stop for w in words)


def is_junk_label(label: str, language: str) -> bool:
    """A label a leader cannot use: stop words alone, or Chinese cutting a segmenter's word
    (a Han run that segments differently, or that starts or ends on a single character)."""
    if is_stop_phrase(label, language):
        return True
    for part in label.replace("·", " ").split():
        if _HAN_RUN.match(part):
            words = [w.key for c in clauses(part, "zh") for w in c]
            if "".join(words) != part or any(len(w) < 2 for w in words[:1] + words[-1:]):
                return True
    return False


def ctfidf_keywords(
    groups: Sequence[Sequence[str]],
    language: str,
    top: int = 8,
    max_share: float = 0.3,
) -> list[list[str]]:
    """Top c-TF-IDF terms per group of texts (all in ``language``); one list per group.

    Terms must occur in at least two texts of the group (one person's wording is not a theme)
    and in no more than ``max_share`` of all texts in the language (when there are 20 or more).
    A term found in most groups (the place, the subject, how answers open) is demoted.
    """
    group_doc_freq: list[Counter] = []
    doc_freq: Counter = Counter()
    n_docs = 0
    for texts in groups:
        docs: Counter = Counter()
        for text in texts:
            docs.update(set(terms(text, language)))
        group_doc_freq.append(docs)
        doc_freq.update(docs)
        n_docs += len(texts)
    too_common = (
        {t for t, df in doc_freq.items() if df > max_share * n_docs} if n_docs >= 20 else set()
    )
    spread = _spread(group_doc_freq, [len(texts) for texts in groups])
    result = []
    for texts, docs in zip(groups, group_doc_freq, strict=True):
        size = max(1, len(texts))
        scored = [
            (count / size * math.log(1 + n_docs / doc_freq[term]) * spread.get(term, 1.0), term)
            for term, count in docs.items()
            if count >= min(2, len(texts)) and term not in too_common
        ]
        scored.sort(key=lambda item: (-item[0], item[1]))
        result.append(_dedupe((term for _, term in scored), top))
    return result


def _spread(group_doc_freq: Sequence[Counter], sizes: Sequence[int]) -> dict[str, float]:
    """Weight below 1 for terms used by at least a tenth of the members of most groups."""
    live = [i for i, n in enumerate(sizes) if n >= 3]
    if len(live) < 3:
        return {}
    present: Counter = Counter()
    for i in live:
        present.update(t for t, c in group_doc_freq[i].items() if c >= 0.1 * sizes[i])
    half = len(live) / 2
    return {t: 0.25 for t, n in present.items() if n > half}


def _dedupe(ranked: Iterable[str], top: int) -> list[str]:
    """Drop a term already inside a better-ranked phrase (or a phrase made of better terms)."""
    chosen: list[str] = []
    for term in ranked:
        if _UNSPACED_RUN.match(term):
            if any(term in c or c in term for c in chosen):
                continue
            chosen.append(term)
        else:
            parts = set(term.split())
            if any(term in c.split() or parts <= set(c.split()) for c in chosen):
                continue
            if len(parts) > 1 and any(c in parts for c in chosen):
                at = min(i for i, c in enumerate(chosen) if c in parts)
                chosen = (
                    [c for c in chosen[:at] if c not in parts]
                    + [term]
                    + [c for c in chosen[at:] if c not in parts]
                )
            else:
                chosen.append(term)
        if len(chosen) >= top:
            break
    return chosen


def make_label(keywords: Sequence[str], size: int = 3) -> str:
    """A keyword line: "bike lanes · parking · buses"."""
    if not keywords:
        return "(no keywords)"
    label = " · ".join(keywords[:size])
    return label[:1].upper() + label[1:]
