"""Consensus clustering: how many themes, which contributions belong together, which belong nowhere.

Plain k-means on sentence vectors is unstable (a different seed moves a tenth of the items) and
needs the number of themes up front. Instead the engine runs an ensemble of quick k-means
clusterings with many values of k on a PCA projection, counts how often each pair of
contributions lands together (the co-association matrix), and cuts the average-linkage tree of
that matrix. Pairs that keep landing together (translations of one answer, paraphrases) stay
together; the number of themes is picked by cosine silhouette near a size-based target inside
the reviewable bounds; members of clusters too small to review become "no clear theme".
Large inputs are clustered on a seeded sample and the rest assigned to the nearest centroid,
followed by a few k-means refinement steps over everything, so a run over 100,000 cached
vectors takes seconds.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

import numpy as np

from .encoders import normalise_rows


@dataclass
class Clustering:
    """Labels (``-1`` = no clear theme) and the figures behind them."""

    labels: np.ndarray
    n_clusters: int
    silhouette: float | None
    fit_size: int


def target_themes(n_items: int, k_min: int, k_max: int) -> int:
    """A size-based guess of a useful number of themes: about sqrt(n)/2, within bounds."""
    return int(min(k_max, max(k_min, round(math.sqrt(max(n_items, 1)) / 2))))


def _kmeans(points: np.ndarray, k: int, seed: int, init="k-means++", n_init=1) -> np.ndarray:
    from sklearn.cluster import KMeans
    from sklearn.exceptions import ConvergenceWarning

    with warnings.catch_warnings():
        # Duplicate answers ("n/a") can leave fewer distinct points than k: not an error here.
        warnings.simplefilter("ignore", ConvergenceWarning)
        model = KMeans(k, init=init, n_init=n_init, random_state=seed, max_iter=50)
        return model.fit_predict(points)


def coassociation(points: np.ndarray, seed: int, runs_per_k: int = 6) -> np.ndarray:
    """Share of an ensemble of k-means clusterings in which each pair of rows is together."""
    n = len(points)
    distinct = len(np.unique(points.round(6), axis=0))
    k_top = max(2, min(30, n // 5, distinct))
    ks = list(range(2 if k_top < 8 else 4, k_top + 1, 2)) or [k_top]
    from threadpoolctl import threadpool_limits  # installed with scikit-learn

    rng = np.random.RandomState(seed)
    blocks = []
    # Many small k-means runs: OpenMP threads cost more than they save here (measured 3x-25x
    # slower with threads on a busy 2-core machine), so each run uses one.
    with threadpool_limits(limits=1, user_api="openmp"):
        for k in ks:
            for _ in range(runs_per_k):
                labels = _kmeans(points, k, int(rng.randint(2**31 - 1)))
                blocks.append(np.eye(k, dtype=np.float32)[labels])
    onehot = np.hstack(blocks)
    together = onehot @ onehot.T
    together /= len(blocks)
    return together


def _project(vectors: np.ndarray, seed: int, dim: int = 64) -> np.ndarray:
    from sklearn.decomposition import PCA

    dim = min(dim, vectors.shape[0] - 1, vectors.shape[1])
    # Identical rows (the same answer pasted many times) have no variance to project on.
    if dim < 2 or np.ptp(vectors, axis=0).max() < 1e-7:
        return vectors
    projected = PCA(dim, svd_solver="full", random_state=seed).fit_transform(vectors)
    return normalise_rows(projected)


def _cuts(tree: np.ndarray, n: int, min_size: int, k_max: int) -> dict[int, np.ndarray]:
    """For each number of reviewable clusters, the cut with the fewest items left over."""
    from scipy.cluster.hierarchy import fcluster

    found: dict[int, np.ndarray] = {}
    for cut in range(1, min(n, 4 * k_max + 10) + 1):
        labels = fcluster(tree, cut, "maxclust") - 1
        sizes = np.bincount(labels)
        big = sizes >= min_size
        count = int(big.sum())
        if count > k_max:
            break
        if count and count not in found:
            remap = np.full(len(sizes), -1)
            remap[big] = np.arange(count)
            found[count] = remap[labels]
    return found


def _silhouette(distances: np.ndarray, labels: np.ndarray) -> float | None:
    from sklearn.metrics import silhouette_score

    kept = labels >= 0
    if len(np.unique(labels[kept])) < 2:
        return None
    inner = distances[np.ix_(kept, kept)]
    return float(silhouette_score(inner, labels[kept], metric="precomputed"))


def consensus_clusters(
    vectors: np.ndarray,
    n_clusters: int | None = None,
    *,
    seed: int = 0,
    k_min: int = 5,
    k_max: int = 30,
    max_fit: int = 2000,
    total: int | None = None,
) -> Clustering:
    """Cluster L2-normalised rows; ``n_clusters=None`` picks the number inside [k_min, k_max].

    ``total`` is the number of items the target size is computed from (defaults to the rows
    here). Rows in clusters smaller than a reviewable size get label ``-1``.
    """
    from scipy.cluster.hierarchy import linkage
    from scipy.spatial.distance import squareform

    n = len(vectors)
    if n < 2 * 3:
        return Clustering(np.zeros(n, dtype=int), 1 if n else 0, None, n)
    rng = np.random.RandomState(seed)
    fit = np.sort(rng.choice(n, max_fit, replace=False)) if n > max_fit else np.arange(n)
    points = vectors[fit]
    min_size = int(min(10, max(3, len(fit) // 150)))
    if n_clusters is not None:
        k_max = max(n_clusters, 1)
    k_max = max(1, min(k_max, len(fit) // min_size))
    k_min = min(k_min, k_max)

    together = coassociation(_project(points, seed), seed)
    distance = 1.0 - together
    np.fill_diagonal(distance, 0.0)
    tree = linkage(squareform(distance, checks=False).astype(np.float64), "average")
    del together, distance
    cuts = _cuts(tree, len(fit), min_size, k_max)

    cosine = np.clip(1.0 - points @ points.T, 0.0, 2.0)  # rounding can dip below zero
    np.fill_diagonal(cosine, 0.0)
    if n_clusters is not None:
        wanted = min(cuts, key=lambda count: (abs(count - n_clusters), -count))
        candidates = [wanted]
    else:
        target = target_themes(total or n, k_min, k_max)
        low, high = max(k_min, round(target * 0.8)), min(k_max, round(target * 1.1))
        candidates = [c for c in sorted(cuts) if low <= c <= high] or [
            min(cuts, key=lambda count: abs(count - target))
        ]
    scored = [(_silhouette(cosine, cuts[c]), c) for c in candidates]
    best_score, best = max(scored, key=lambda item: (item[0] or -1.0, -abs(item[1])))
    del cosine
    fit_labels = cuts[best]

    fit_labels = _rescue(points, fit_labels, best)
    labels = np.full(n, -1)
    labels[fit] = fit_labels
    if len(fit) < n:
        labels = _assign_rest(vectors, fit, fit_labels, best)
    return Clustering(labels, best, best_score, len(fit))


#: How many robust standard deviations below its theme's typical member an outlier lies.
OUTLIER_Z = 4.0


def _rescue(points: np.ndarray, labels: np.ndarray, count: int, quantile: float = 0.02):
    """Move members of too-small clusters to the nearest theme unless they are outliers.

    An outlier is less similar to every centroid than the least typical 2% of members are to
    their own; those stay "no clear theme".
    """
    centroids = centroids_of(points, labels, count)
    kept = labels >= 0
    if not kept.any():
        return labels
    sims = np.einsum("ij,ij->i", points[kept], centroids[labels[kept]])
    floor = float(np.quantile(sims, quantile))
    near, best = nearest(points, centroids)
    out = labels.copy()
    lost = out < 0
    out[lost] = np.where(best[lost] >= floor, near[lost], -1)
    # Members far below their own theme's typical similarity (robust z < -4) fit nowhere.
    for label in range(count):
        members = np.flatnonzero(out == label)
        own = points[members] @ centroids[label]
        middle = np.median(own)
        spread = 1.4826 * np.median(np.abs(own - middle))
        out[members[own < middle - OUTLIER_Z * max(spread, 1e-6)]] = -1
    return out


def centroids_of(vectors: np.ndarray, labels: np.ndarray, count: int) -> np.ndarray:
    """Normalised mean vector of each label 0..count-1 (rows with label -1 ignored)."""
    return normalise_rows(label_sums(vectors, labels, count))


def label_sums(vectors: np.ndarray, labels: np.ndarray, count: int) -> np.ndarray:
    """Sum of the rows with each label 0..count-1, as one sparse product (labels -1 ignored)."""
    from scipy import sparse

    kept = np.flatnonzero(labels >= 0)
    indicator = sparse.csr_matrix(
        (np.ones(len(kept), dtype=np.float32), (labels[kept], kept)), shape=(count, len(vectors))
    )
    return np.asarray(indicator @ vectors, dtype=np.float64)


def _assign_rest(vectors, fit, fit_labels, count, steps: int = 3, quantile: float = 0.02):
    """Label rows outside the fit sample by nearest centroid, refine, keep the fit's outliers."""
    kept = fit_labels >= 0
    centroids = centroids_of(vectors[fit], fit_labels, count)
    own = np.einsum("ij,ij->i", vectors[fit][kept], centroids[fit_labels[kept]])
    floor = float(np.quantile(own, quantile))
    for step in range(steps):
        labels, best = nearest(vectors, centroids)
        if step < steps - 1:
            centroids = centroids_of(vectors, labels, count)
    labels[best < floor] = -1
    labels[fit[~kept]] = -1
    return labels


def nearest(vectors: np.ndarray, centroids: np.ndarray, chunk: int = 20000):
    """Index of and similarity to the most similar centroid for each row (in chunks)."""
    labels = np.empty(len(vectors), dtype=int)
    best = np.empty(len(vectors), dtype=np.float32)
    for start in range(0, len(vectors), chunk):
        sims = vectors[start : start + chunk] @ centroids.T
        labels[start : start + chunk] = sims.argmax(axis=1)
        best[start : start + chunk] = sims.max(axis=1)
    return labels, best
