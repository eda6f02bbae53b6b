"""The engine's verbs: ``embed`` contributions, ``discover`` themes, ``assign`` later answers.

A run goes: vectors (from the caller's cache or the encoder) -> kept themes claim their members
and every contribution similar enough to them -> the rest is clustered into new candidate
themes (``cluster.py``), contributions in languages the encoder does not cover on their own
with a TF-IDF model of that language -> phrase labels and quotes (``labels.py``) -> each
theme's cohesion, "mixed" flag and probable duplicates -> a
:class:`~engage.themes.model.DiscoveryResult`. The number of themes is chosen from the data
(the consensus tree's cut with the best cosine silhouette near a size-based guess; no
forced minimum). The "no clear theme"
share is capped at ``MAX_UNCLEAR``. The same input, vectors and seed give the same result.
"""

from __future__ import annotations

import hashlib
from collections.abc import Hashable, Mapping, Sequence

import numpy as np

from .cluster import consensus_clusters, label_sums, nearest
from .encoders import Encoder, base_language, covers, get_encoder, normalise_rows
from .labels import describe
from .model import (
    CANDIDATE,
    ENGINE_VERSION,
    KEPT,
    Contribution,
    DiscoveryResult,
    Theme,
    Understanding,
)

#: Never leave more than this share of contributions without a theme.
MAX_UNCLEAR = 0.10
#: Most themes chosen automatically (a reviewable number); there is no forced minimum.
MAX_THEMES = 30
#: Below this cohesion, or with no label phrase carried by ``MIN_LABEL_SHARE`` of its
#: members, a theme is shown as "mixed / no clear theme" instead of under a confident label.
MIN_COHESION = 0.1
MIN_LABEL_SHARE = 0.1
#: A theme most of whose members open with the conversation's own opener ("BG should…",
#: "Bowling Green needs…") and whose label is carried by fewer than ``OPENER_LABEL_SHARE`` of
#: them is grouped by how its answers start, not by what they say: shown as mixed too.
OPENER_SHARE = 0.5
OPENER_LABEL_SHARE = 0.25
#: A theme whose centre is this similar to a larger one's, or that has the same label, is
#: offered to the reviewer as "probably the same as" that one.
SAME_AS_SIMILARITY = 0.9
#: An uncovered language with this many contributions gets lexical themes of its own; fewer
#: stay in the encoder's shared space, where their vectors say little.
MIN_LEXICAL = 12
#: A theme's join threshold: this quantile of its members' similarity to its centroid.
THRESHOLD_QUANTILE = 0.05

Vectors = np.ndarray | Mapping[Hashable, Sequence[float]]


def placement(contribution: Contribution, encoder: str | Encoder | None = None) -> tuple[str, str]:
    """The (text, locale) the engine encodes and places ``contribution`` by.

    The translation, when the original's locale is not covered by ``encoder``, the translation
    is non-empty and its locale is covered; otherwise the original text and locale. Hash this
    text to key cached vectors: when a usable translation arrives the vector changes.
    """
    encoder = get_encoder(encoder)
    text, locale = contribution.text or "", contribution.locale or ""
    translation = (getattr(contribution, "translation", None) or "").strip()
    translation_locale = getattr(contribution, "translation_locale", None) or ""
    if (
        translation
        and translation_locale
        and not covers(encoder, locale)
        and covers(encoder, translation_locale)
    ):
        return contribution.translation, translation_locale
    return text, locale


def placement_text(contribution: Contribution, encoder: str | Encoder | None = None) -> str:
    """The text the engine encodes for ``contribution`` (see :func:`placement`)."""
    return placement(contribution, encoder)[0]


def understanding(
    contributions: Sequence[Contribution], encoder: str | Encoder | None = None
) -> dict[str, Understanding]:
    """Per base language of the originals: placed by the encoder, by a translation, or not."""
    encoder = get_encoder(encoder)
    out: dict[str, Understanding] = {}
    for c in contributions:
        language = base_language(c.locale or "")
        entry = out.setdefault(language, Understanding(language))
        entry.total += 1
        if covers(encoder, c.locale or ""):
            entry.by_encoder += 1
        elif placement(c, encoder)[1] != (c.locale or "") or placement_text(c, encoder) != (
            c.text or ""
        ):
            entry.by_translation += 1
        else:
            entry.not_understood += 1
    return out


def embed(contributions: Sequence[Contribution], encoder: str | Encoder | None = None):
    """Vectors for ``contributions`` (rows in the same order): cache them and pass them back.

    Each is encoded by :func:`placement_text` (its translation where that is what places it).
    """
    encoder = get_encoder(encoder)
    return encoder.encode([placement_text(c, encoder) for c in contributions])


def _vectors(contributions, encoder: Encoder, vectors: Vectors | None) -> np.ndarray:
    if vectors is None:
        return embed(contributions, encoder)
    if isinstance(vectors, Mapping):
        missing = [c for c in contributions if c.id not in vectors]
        fresh = dict(zip((c.id for c in missing), embed(missing, encoder), strict=True))
        rows = [vectors[c.id] if c.id in vectors else fresh[c.id] for c in contributions]
        matrix = np.asarray(rows, dtype=np.float32).reshape(len(contributions), -1)
    else:
        matrix = np.asarray(vectors, dtype=np.float32)
    if matrix.shape[0] != len(contributions):
        raise ValueError(f"{matrix.shape[0]} vectors for {len(contributions)} contributions")
    if len(contributions) and matrix.shape[1] != encoder.dim:
        raise ValueError(
            f"vectors have {matrix.shape[1]} dimensions, {encoder.name} has {encoder.dim}"
        )
    return normalise_rows(matrix)


def _theme_key(member_ids: Sequence[Hashable]) -> str:
    digest = hashlib.sha1(repr(sorted(map(repr, member_ids))).encode(), usedforsecurity=False)
    return "t" + digest.hexdigest()[:12]


def _claim_for_kept(keep, ids, vectors, labels) -> tuple[np.ndarray, np.ndarray]:
    """Kept themes keep their listed members and take every contribution close enough."""
    position = {cid: i for i, cid in enumerate(ids)}
    centroids, thresholds = [], []
    for index, theme in enumerate(keep):
        members = [position[m] for m in theme.member_ids if m in position]
        labels[members] = index
        if members:
            centroid = normalise_rows(vectors[members].mean(axis=0, keepdims=True))[0]
        elif theme.centroid is not None:
            centroid = normalise_rows(np.asarray([theme.centroid], dtype=np.float32))[0]
        else:
            raise ValueError(f"kept theme {theme.key or theme.label!r} has no members or centroid")
        if theme.threshold is not None:
            threshold = theme.threshold
        elif len(members) >= 3:
            threshold = float(np.quantile(vectors[members] @ centroid, THRESHOLD_QUANTILE))
        else:
            threshold = 0.5
        centroids.append(centroid)
        thresholds.append(threshold)
    centroids, thresholds = np.asarray(centroids), np.asarray(thresholds)
    free = np.flatnonzero(labels < 0)
    if len(keep) and len(free):
        best, sims = nearest(vectors[free], centroids)
        joined = sims >= thresholds[best]
        labels[free[joined]] = best[joined]
    return centroids, thresholds


def _lexical_features(texts: Sequence[str], seed: int, max_fit: int) -> np.ndarray | None:
    """TF-IDF of character n-grams reduced by SVD, for one language the encoder lacks.

    Fitted on a seeded sample of at most ``max_fit`` texts; every text is then transformed.
    """
    from sklearn.decomposition import TruncatedSVD
    from sklearn.feature_extraction.text import TfidfVectorizer

    rng = np.random.RandomState(seed)
    sample = rng.choice(len(texts), max_fit, replace=False) if len(texts) > max_fit else None
    fit_texts = texts if sample is None else [texts[i] for i in np.sort(sample)]
    vectorizer = TfidfVectorizer(
        analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True, min_df=2, max_df=0.5
    )
    try:
        tfidf = vectorizer.fit_transform(fit_texts)
    except ValueError:  # no term occurs twice: nothing lexical to cluster on
        return None
    dims = min(100, tfidf.shape[1] - 1, len(fit_texts) - 1)
    if dims < 2:
        return None
    svd = TruncatedSVD(dims, random_state=seed).fit(tfidf)
    if sample is not None:
        tfidf = vectorizer.transform(texts)
    return normalise_rows(svd.transform(tfidf))


def _groups(rows: np.ndarray, locales, encoder: Encoder) -> list[tuple[str, np.ndarray]]:
    """Split rows into the encoder's shared space and one group per large uncovered language."""
    uncovered: dict[str, list[int]] = {}
    for i in rows:
        if not covers(encoder, locales[i]):
            uncovered.setdefault(base_language(locales[i]), []).append(int(i))
    lexical = {lang: idx for lang, idx in uncovered.items() if len(idx) >= MIN_LEXICAL}
    taken = {i for idx in lexical.values() for i in idx}
    shared = np.asarray([i for i in rows if i not in taken], dtype=int)
    groups = [("", shared)] if len(shared) else []
    return groups + [(lang, np.asarray(lexical[lang])) for lang in sorted(lexical)]


def discover(
    contributions: Sequence[Contribution],
    n_themes: int | None = None,
    seed: int = 0,
    *,
    encoder: str | Encoder | None = None,
    vectors: Vectors | None = None,
    keep: Sequence[Theme] = (),
    working_language: str = "en",
    max_fit: int = 2000,
) -> DiscoveryResult:
    """Find themes in ``contributions``.

    ``n_themes=None`` chooses the number (at most 30, no forced minimum: the cut with the best
    silhouette near about sqrt(n)/2); an integer asks for about that many themes in total.
    ``vectors`` are cached embeddings from :func:`embed` (an array aligned with ``contributions``
    or a mapping of id to vector; ids missing from a mapping are encoded now). ``keep`` are
    themes a person accepted or edited in an earlier run: each keeps its ``key`` and ``label``,
    keeps its listed ``member_ids`` that are still present, and first takes every other
    contribution at least
    as similar to it as its ``threshold``; only what is left is clustered into new candidate
    themes. Keywords and the label of new themes are in ``working_language`` where possible.
    Inputs of more than ``max_fit`` contributions are clustered on a seeded sample of that
    size and the rest assigned, which keeps re-runs over cached vectors to seconds.
    """
    ids = [c.id for c in contributions]
    if len(set(ids)) != len(ids):
        raise ValueError("contribution ids must be unique")
    encoder = get_encoder(encoder)
    matrix = _vectors(contributions, encoder, vectors)
    placed = [placement(c, encoder) for c in contributions]
    texts = [text for text, _ in placed]
    locales = [locale for _, locale in placed]
    keep = list(keep)
    labels = np.full(len(ids), -1)
    _claim_for_kept(keep, ids, matrix, labels)

    free = np.flatnonzero(labels < 0)
    budget = max(1, MAX_THEMES - len(keep))
    wanted = None if n_themes is None else max(1, n_themes - len(keep))
    next_label, silhouettes = len(keep), []
    for language, rows in _groups(free, locales, encoder):
        share = len(rows) / max(1, len(free))
        k_max = max(2, round(budget * share))
        k_min = min(2, k_max)
        if len(rows) < 6:
            continue
        points = None
        if language:
            points = _lexical_features([texts[i] for i in rows], seed, max_fit)
        if points is None:
            points = normalise_rows(matrix[rows] - matrix[rows].mean(axis=0))
        clustering = consensus_clusters(
            points,
            None if wanted is None else max(1, round(wanted * share)),
            seed=seed,
            k_min=k_min,
            k_max=k_max,
            max_fit=max_fit,
        )
        found = clustering.labels >= 0
        labels[rows[found]] = clustering.labels[found] + next_label
        next_label += clustering.n_clusters
        if clustering.silhouette is not None:
            silhouettes.append(clustering.silhouette)

    counts = np.bincount(labels[labels >= 0], minlength=next_label)
    centroids = _centroids(matrix, labels, next_label, keep)
    _cap_unclear(matrix, labels, centroids, counts)
    return _result(
        contributions,
        matrix,
        labels,
        centroids,
        keep,
        encoder,
        working_language,
        parameters={
            "n_themes": n_themes,
            "seed": seed,
            "working_language": working_language,
            "max_fit": max_fit,
            "kept": len(keep),
            "encoder": encoder.name,
        },
        silhouette=float(np.mean(silhouettes)) if silhouettes else None,
    )


def _centroids(matrix, labels, count, keep) -> np.ndarray:
    sums = label_sums(matrix, labels, count)
    for index, theme in enumerate(keep):  # a kept theme with no members keeps its centre
        if not sums[index].any() and theme.centroid is not None:
            sums[index] = theme.centroid
    return normalise_rows(sums)


def _cap_unclear(matrix, labels, centroids, counts) -> None:
    """Give the most theme-like unclear contributions their nearest theme, down to the cap."""
    unclear = np.flatnonzero(labels < 0)
    excess = len(unclear) - int(MAX_UNCLEAR * len(labels))
    live = np.flatnonzero(counts > 0)
    if excess <= 0 or not len(live):
        return
    best, sims = nearest(matrix[unclear], centroids[live])
    order = np.argsort(-sims, kind="stable")[:excess]
    labels[unclear[order]] = live[best[order]]


def _result(
    contributions,
    matrix,
    labels,
    centroids,
    keep,
    encoder,
    working_language,
    parameters,
    silhouette,
) -> DiscoveryResult:
    count = len(centroids)
    groups = [np.flatnonzero(labels == t) for t in range(count)]
    texts = [c.text or "" for c in contributions]
    locales = [c.locale or "" for c in contributions]
    translations = [
        (c.translation, c.translation_locale)
        if (getattr(c, "translation", None) or "").strip()
        and getattr(c, "translation_locale", None)
        else None
        for c in contributions
    ]
    described = describe(
        groups,
        texts,
        locales,
        matrix,
        centroids,
        working_language,
        encoder,
        translations=translations,
    )
    cohesion = _cohesion(matrix, groups, centroids)
    themes = []
    for index, (members, info) in enumerate(zip(groups, described, strict=True)):
        member_ids = [contributions[i].id for i in members]
        sims = matrix[members] @ centroids[index]
        theme = Theme(
            label=info.label,
            keywords=info.keywords,
            member_ids=member_ids,
            representative_ids=[contributions[i].id for i in info.representatives],
            languages=info.languages,
            key=_theme_key(member_ids),
            centroid=[float(x) for x in centroids[index]],
            threshold=float(np.quantile(sims, THRESHOLD_QUANTILE)) if len(sims) else None,
            labels=info.labels,
            label_share=info.label_share,
            cohesion=cohesion[index],
            mixed=_mixed(cohesion[index], info.label_share or 0.0, info.opener_share),
        )
        if index < len(keep):
            old = keep[index]
            theme.key, theme.label, theme.status = old.key or theme.key, old.label, KEPT
            theme.keywords = theme.keywords or list(old.keywords)
            if old.threshold is not None:
                theme.threshold = old.threshold
        else:
            theme.status = CANDIDATE
        themes.append(theme)
    order = list(range(len(keep))) + sorted(
        (t for t in range(len(keep), count) if themes[t].member_ids),
        key=lambda t: (-themes[t].size, themes[t].key),
    )
    new_index = {old: new for new, old in enumerate(order)}
    assignment = {
        c.id: (new_index.get(int(label)) if label >= 0 else None)
        for c, label in zip(contributions, labels, strict=True)
    }
    themes = [themes[t] for t in order]
    _mark_same(themes, [centroids[t] for t in order])
    unclear = sum(v is None for v in assignment.values()) / max(1, len(assignment))
    return DiscoveryResult(
        themes=themes,
        assignment=assignment,
        encoder=encoder.name,
        engine_version=ENGINE_VERSION,
        parameters=parameters,
        metrics={
            "unclear_share": unclear,
            "n_themes": len(themes),
            "silhouette": silhouette,
            "mixed": sum(t.mixed for t in themes),
        },
    )


def _mixed(cohesion: float, label_share: float, opener_share: float) -> bool:
    """Whether a group is shown as "mixed / no clear theme" instead of under its label."""
    if cohesion < MIN_COHESION or label_share < MIN_LABEL_SHARE:
        return True
    return opener_share >= OPENER_SHARE and label_share < OPENER_LABEL_SHARE


def _cohesion(matrix, groups, centroids) -> list[float]:
    """How much closer members are to their centre than the run's answers are to the run's.

    ``(mean similarity to the theme centre - baseline) / (1 - baseline)``, the baseline being
    the mean similarity of every contribution to the centre of all of them: 0 for a group no
    more alike than the run as a whole, 1 for identical answers.
    """
    if not len(matrix):
        return [0.0 for _ in groups]
    overall = normalise_rows(matrix.mean(axis=0, keepdims=True))[0]
    baseline = float(np.mean(matrix @ overall))
    out = []
    for members, centroid in zip(groups, centroids, strict=True):
        if len(members) == 0:
            out.append(0.0)
            continue
        mean = float(np.mean(matrix[members] @ centroid))
        out.append(round(max(0.0, (mean - baseline) / max(1e-6, 1.0 - baseline)), 4))
    return out


def _mark_same(themes: list[Theme], centroids) -> None:
    """Point a theme at a larger one it probably repeats (same label or nearly the same centre)."""
    for i, theme in enumerate(themes):
        for j in range(i):
            other = themes[j]
            if other.similar_to or not other.member_ids:
                continue
            same_label = theme.label.casefold() == other.label.casefold()
            if same_label or float(centroids[i] @ centroids[j]) >= SAME_AS_SIMILARITY:
                theme.similar_to = other.key
                break


def assign(
    result: DiscoveryResult,
    contributions: Sequence[Contribution],
    *,
    encoder: str | Encoder | None = None,
    vectors: Vectors | None = None,
) -> dict[Hashable, int | None]:
    """Place answers that arrived after ``result`` into its themes.

    Each contribution gets the index of the most similar theme if it is at least as similar
    as that theme's ``threshold``, otherwise ``None`` (a candidate for a new theme on the next
    run). Uses the result's encoder unless told otherwise; ``vectors`` as in :func:`discover`.
    """
    encoder = get_encoder(encoder or result.encoder or None)
    usable = [i for i, t in enumerate(result.themes) if t.centroid is not None]
    if not contributions:
        return {}
    if not usable:
        return {c.id: None for c in contributions}
    matrix = _vectors(contributions, encoder, vectors)
    centroids = normalise_rows(np.asarray([result.themes[i].centroid for i in usable]))
    thresholds = np.asarray(
        [-1.0 if result.themes[i].threshold is None else result.themes[i].threshold for i in usable]
    )
    best, sims = nearest(matrix, centroids)
    return {
        c.id: (usable[b] if s >= thresholds[b] else None)
        for c, b, s in zip(contributions, best, sims, strict=True)
    }
