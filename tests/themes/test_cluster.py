"""Consensus clustering on synthetic vectors whose groups are known."""

import numpy as np
import pytest

from engage.themes.cluster import consensus_clusters, target_themes
from engage.themes.encoders import normalise_rows


def blobs(n_groups=6, per_group=40, dim=32, spread=0.35, seed=0):
    rng = np.random.RandomState(seed)
    centres = rng.normal(size=(n_groups, dim))
    points = np.repeat(centres, per_group, axis=0) + rng.normal(
        scale=spread, size=(n_groups * per_group, dim)
    )
    return normalise_rows(points), np.repeat(np.arange(n_groups), per_group)


def agreement(truth, labels):
    from sklearn.metrics import adjusted_rand_score

    return adjusted_rand_score(truth, labels)


def test_finds_separated_groups_when_told_how_many():
    points, truth = blobs()
    result = consensus_clusters(points, 6, seed=0)
    assert result.n_clusters == 6
    assert agreement(truth, result.labels) > 0.95


def test_chooses_a_number_inside_the_bounds():
    points, truth = blobs(n_groups=8, per_group=30)
    result = consensus_clusters(points, None, seed=0, k_min=5, k_max=30)
    assert 5 <= result.n_clusters <= 30
    assert agreement(truth, result.labels) > 0.8


def test_same_seed_same_labels():
    points, _ = blobs(spread=0.8)
    first = consensus_clusters(points, None, seed=3).labels
    again = consensus_clusters(points, None, seed=3).labels
    assert np.array_equal(first, again)


def test_far_outliers_get_no_theme():
    points, _ = blobs()
    rng = np.random.RandomState(1)
    outliers = normalise_rows(rng.normal(size=(4, points.shape[1])))
    result = consensus_clusters(np.vstack([points, outliers]), 6, seed=0)
    assert (result.labels[-4:] == -1).sum() >= 3
    assert (result.labels[:-4] == -1).mean() < 0.05


def test_large_inputs_are_fit_on_a_sample_and_assigned():
    points, truth = blobs(per_group=300)
    result = consensus_clusters(points, 6, seed=0, max_fit=500)
    assert result.fit_size == 500
    assert (result.labels >= 0).mean() > 0.95
    assert agreement(truth, result.labels) > 0.95


@pytest.mark.parametrize(("n", "expected"), [(10, 5), (701, 13), (1402, 19), (100_000, 30)])
def test_target_number_of_themes_grows_slowly_with_size(n, expected):
    assert target_themes(n, 5, 30) == expected
