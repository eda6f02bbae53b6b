"""Words for labels: tokenising in many scripts, stop words, and class-based TF-IDF keywords.

Keywords come from c-TF-IDF (a theme's members are one "document"; terms frequent in a theme
and rare across themes score high), computed separately per language so that Spanish words are
weighed against Spanish text. Latin, Cyrillic, Arabic and other spaced scripts split on word
characters; Chinese, Japanese and Thai runs, which have no spaces, become character bigrams.
Stop words are short built-in lists for the commonest district languages plus a frequency
rule that works for any language: a term in a large share of one language's contributions
names no particular theme.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence

_UNSPACED = r"\u0e00-\u0e7f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_WORD = rf"[^\W\d_{_UNSPACED}]+"
_TOKEN = re.compile(rf"[{_UNSPACED}]+|{_WORD}(?:['’]{_WORD})?", re.UNICODE)
_UNSPACED_RUN = re.compile(rf"^[{_UNSPACED}]+$")

STOPWORDS: dict[str, frozenset[str]] = {
    "en": frozenset(
        """a about above after again against all also am an and any are aren't as at be because
        been before being below between both but by can could did do does doing don't down during
        each etc even ever every few for from further get gets getting go going got had has have
        having he her here hers herself him himself his how however i i'd i'm if in into is isn't
        it it's its itself just let like ll make many may me might more most much must my myself
        need needs no nor not now of off on once one only or other others our ours ourselves out
        over own really same see she should so some such than that that's the their theirs them
        themselves then there these they they're thing things think this those through to too
        under until up us use used very want was we we're well were what when where which while
        who whom why will with would yes yet you your yours yourself yourselves""".split()
    ),
    "es": frozenset(
        """a al algo algunas algunos ante antes aquí así aun aunque bien cada como con contra cual
        cuando de del desde donde dos durante e el él ella ellas ellos en entre era es esa esas ese
        eso esos esta está están estar este esto estos fue ha hace hacer han hasta hay la las le
        les lo los mas más me mi mis mismo mucho muy nada ni no nos nosotros o otra otras otro
        otros para pero poco por porque puede que quien se ser si sí sido sin sobre son su sus
        también tan tanto te tener tiene tienen todo todos tu tú un una uno unos usted ustedes va
        y ya yo""".split()
    ),
    "de": frozenset(
        """aber alle allem allen aller alles als also am an auch auf aus bei bin bis bzw da damit
        dann das dass dem den denn der des die dies diese diesem diesen dieser doch dort du durch
        ein eine einem einen einer es für gibt hat hatte ich ihr im in ist ja jede jeder kann kein
        keine man mehr mit muss müssen nach nicht noch nur ob oder ohne sehr sein sich sie sind so
        soll sollen sollte sollten um und uns unter viel vom von vor war was weil wenn wer werden
        wie wir wird wo zu zum zur über""".split()
    ),
    "fr": frozenset(
        """à au aux avec ce ces cette dans de des du elle en est et être il ils je la le les leur
        lui mais me même mes moi ne nos notre nous on ou où par pas plus pour qu que qui sa se
        ses son sont sur ta te tes toi ton tous tout très tu un une vos votre vous y""".split()
    ),
    "pt": frozenset(
        """a à ao aos as às com como da das de do dos e é ela elas ele eles em entre era essa esse
        esta está este eu foi há isso isto já la mais mas me mesmo muito na não nas no nos o os
        ou para pela pelo por porque que se sem ser seu sua são também te tem um uma você""".split()
    ),
}


def _words(text: str, language: str) -> list[str | None]:
    """Terms in order, with ``None`` where a stop word or an unspaced run broke the phrase."""
    stop = STOPWORDS.get(language, frozenset())
    out: list[str | None] = []
    for match in _TOKEN.findall(text.lower()):
        if _UNSPACED_RUN.match(match):
            out.append(None)
            out.extend(match[i : i + 2] for i in range(max(1, len(match) - 1)))
            out.append(None)
        elif len(match) > 1 and match not in stop:
            out.append(match)
        else:
            out.append(None)
    return out


def tokens(text: str, language: str) -> list[str]:
    """Lower-cased terms of ``text``: words, or character bigrams for unspaced scripts."""
    return [w for w in _words(text, language) if w is not None]


def terms(text: str, language: str) -> list[str]:
    """Tokens plus phrases of two adjacent words ("bike lanes"): what keywords are chosen from."""
    words = _words(text, language)
    pairs = []
    for a, b in zip(words, words[1:], strict=False):
        if not (a and b):
            continue
        if _UNSPACED_RUN.match(a):  # overlapping bigrams 計程 + 程車 make the word 計程車
            pairs.append(a + b[1:])
        else:
            pairs.append(f"{a} {b}")
    return [w for w in words if w is not None] + pairs


def ctfidf_keywords(
    groups: Sequence[Sequence[str]],
    language: str,
    top: int = 8,
    max_share: float = 0.3,
) -> list[list[str]]:
    """Top c-TF-IDF terms per group of texts (all in ``language``); one list per group.

    Terms must occur in at least two texts of the group (one person's wording is not a theme)
    and in no more than ``max_share`` of all texts in the language (when there are 20 or more).
    """
    per_group: list[Counter] = []
    doc_freq: Counter = Counter()
    group_doc_freq: list[Counter] = []
    n_docs = 0
    for texts in groups:
        counts: Counter = Counter()
        docs: Counter = Counter()
        for text in texts:
            found = terms(text, language)
            counts.update(found)
            docs.update(set(found))
        per_group.append(counts)
        group_doc_freq.append(docs)
        doc_freq.update(docs)
        n_docs += len(texts)
    too_common = (
        {t for t, df in doc_freq.items() if df > max_share * n_docs} if n_docs >= 20 else set()
    )
    totals: Counter = Counter()
    for counts in per_group:
        totals.update(counts)
    avg_words = sum(totals.values()) / max(1, len(per_group))
    result = []
    for counts, docs in zip(per_group, group_doc_freq, strict=True):
        size = sum(counts.values()) or 1
        scored = [
            (count / size * math.log(1 + avg_words / totals[term]), term)
            for term, count in counts.items()
            if docs[term] >= min(2, len(docs)) and term not in too_common
        ]
        scored.sort(key=lambda item: (-item[0], item[1]))
        result.append(_dedupe((term for _, term in scored), top))
    return result


def _dedupe(ranked: Iterable[str], top: int) -> list[str]:
    """Drop a term already inside a better-ranked phrase (or a phrase made of better terms)."""
    chosen: list[str] = []
    for term in ranked:
        if _UNSPACED_RUN.match(term):  # 計程 / 計程車: keep one, the longer word in place
            overlap = [i for i, c in enumerate(chosen) if term in c or c in term]
            if overlap:
                if all(len(term) > len(chosen[i]) for i in overlap):
                    chosen[overlap[0]] = term
                    chosen = [c for i, c in enumerate(chosen) if i not in overlap[1:]]
                continue
        parts = set(term.split())
        if any(term in c.split() or parts <= set(c.split()) for c in chosen):
            continue
        if len(parts) > 1 and any(c in parts for c in chosen):
            # the phrase takes the place of the better-ranked word it contains
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
    """A short human label from the best keywords: "bike lanes · parking · buses"."""
    if not keywords:
        return "(no keywords)"
    label = " · ".join(keywords[:size])
    return label[:1].upper() + label[1:]
