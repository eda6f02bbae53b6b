"""discover / assign / embed with the model-free encoder: fast, deterministic, no app."""

import numpy as np
import pytest

from engage.themes import ENGINE_VERSION, Contribution, Theme, assign, discover, embed, get_encoder
from engage.themes.model import KEPT
from tests.themes.themes_corpus import TOPICS


def purity(result, truth_by_id):
    """Share of assigned contributions whose theme's majority topic is their own."""
    right = total = 0
    for theme in result.themes:
        topics = [truth_by_id[m] for m in theme.member_ids]
        if topics:
            right += max(topics.count(t) for t in set(topics))
            total += len(topics)
    return right / total


def test_discover_groups_topics_and_describes_them(topic_corpus):
    items, truth = topic_corpus
    result = discover(items, n_themes=5, encoder="tfidf")
    truth_by_id = {c.id: t for c, t in zip(items, truth, strict=True)}
    assert len(result.themes) == 5
    assert set(result.assignment) == {c.id for c in items}
    assert purity(result, truth_by_id) > 0.9
    assert result.engine_version == ENGINE_VERSION and result.encoder == "tfidf"
    for theme in result.themes:
        topic = truth_by_id[theme.member_ids[0]]
        assert theme.label and theme.keywords
        assert set(theme.representative_ids) <= set(theme.member_ids)
        assert theme.languages == {"en": theme.size}
        assert theme.key.startswith("t")
        # keywords come from the theme's own vocabulary
        assert set(theme.keywords[:3]) & set(TOPICS[topic].split())


def test_automatic_number_stays_reviewable_and_unclear_small(topic_corpus):
    items, _ = topic_corpus
    result = discover(items, encoder="tfidf")
    assert 5 <= len(result.themes) <= 30
    assert result.metrics["unclear_share"] < 0.15
    assert sum(t.size for t in result.themes) + len(result.unassigned_ids) == len(items)


def test_same_input_and_seed_give_the_same_themes(topic_corpus):
    items, _ = topic_corpus
    first = discover(items, encoder="tfidf", seed=4)
    again = discover(items, encoder="tfidf", seed=4)
    assert [t.key for t in first.themes] == [t.key for t in again.themes]
    assert [t.label for t in first.themes] == [t.label for t in again.themes]
    assert first.assignment == again.assignment


def test_cached_vectors_as_array_or_mapping_give_the_same_result(topic_corpus):
    items, _ = topic_corpus
    vectors = embed(items, "tfidf")
    assert vectors.shape == (len(items), get_encoder("tfidf").dim)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1, atol=1e-5)
    plain = discover(items, encoder="tfidf")
    cached = discover(items, encoder="tfidf", vectors=vectors)
    partial = {c.id: v for c, v in zip(items[:50], vectors[:50], strict=True)}
    mapped = discover(items, encoder="tfidf", vectors=partial)
    assert plain.assignment == cached.assignment == mapped.assignment


def test_bad_input_is_refused(topic_corpus):
    items, _ = topic_corpus
    with pytest.raises(ValueError, match="unique"):
        discover(items + items[:1], encoder="tfidf")
    with pytest.raises(ValueError, match="dimensions"):
        discover(items, encoder="tfidf", vectors=np.ones((len(items), 7)))
    with pytest.raises(ValueError, match="unknown encoder"):
        get_encoder("no-such-encoder")


def test_assign_places_later_answers_and_leaves_strangers_out(topic_corpus):
    items, truth = topic_corpus
    result = discover(items, n_themes=5, encoder="tfidf")
    bus_theme = result.assignment["buses-0"]
    later = [
        Contribution("new-1", "bus driver late route schedule please", "en"),
        Contribution("new-2", "quantum chromodynamics lattice gauge", "en"),
    ]
    placed = assign(result, later, encoder="tfidf")
    assert placed["new-1"] == bus_theme
    assert placed["new-2"] is None


def test_kept_themes_keep_identity_and_take_new_answers_first(topic_corpus):
    items, _ = topic_corpus
    first = discover(items[:96], encoder="tfidf", n_themes=4)  # buses, lunch, arts, sports
    kept = first.themes[:2]
    kept[0].label = "Getting to school"  # a person renamed it
    later = items[96:] + [Contribution("new-bus", "bus route driver late stop please", "en")]
    second = discover(items[:96] + later, encoder="tfidf", keep=kept)
    assert [t.key for t in second.themes[:2]] == [t.key for t in kept]
    assert second.themes[0].label == "Getting to school"
    assert second.themes[0].status == KEPT
    assert set(kept[0].member_ids) <= set(second.themes[0].member_ids)
    bus_index = second.assignment[kept[0].member_ids[0]]
    if "buses-0" in kept[0].member_ids:
        assert second.assignment["new-bus"] == bus_index
    # the reading answers only arrived later: they form a new candidate theme
    reading = {second.assignment[c.id] for c in items[96:]}
    assert len(reading) == 1 and reading.pop() >= 2


def test_kept_theme_with_only_a_centroid_still_claims_answers(topic_corpus):
    items, _ = topic_corpus
    first = discover(items, encoder="tfidf", n_themes=5)
    old = first.themes[0]
    kept = Theme(label="Kept", key="k-1", centroid=old.centroid, threshold=old.threshold)
    second = discover(items, encoder="tfidf", keep=[kept])
    assert second.themes[0].key == "k-1"
    claimed = set(second.themes[0].member_ids) & set(old.member_ids)
    assert len(claimed) >= 0.9 * old.size


def test_languages_the_encoder_lacks_get_their_own_lexical_themes(topic_corpus):
    items, truth = topic_corpus

    class EnglishOnly:
        name, dim, languages = "english-only", 512, frozenset({"en"})

        def encode(self, texts):
            return get_encoder("tfidf").encode(texts)

    other = [Contribution(f"so-{c.id}", c.text.replace("please", "fadlan"), "so") for c in items]
    result = discover(items + other, encoder=EnglishOnly(), n_themes=10)
    for theme in result.themes:
        assert len(theme.languages) == 1  # never mixed: the encoder cannot compare them
    somali = [t for t in result.themes if "so" in t.languages]
    assert len(somali) >= 3


def test_identical_rows_are_not_projected():
    """The same answer pasted many times has no variance: projecting it used to divide by zero
    (a warning that filterwarnings=error turns into a failed theme run)."""
    import numpy as np

    from engage.themes.cluster import _project

    rows = np.ones((12, 8), dtype=np.float32)
    assert np.array_equal(_project(rows, seed=0), rows)
