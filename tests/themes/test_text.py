"""Tokenising, stop words and c-TF-IDF keywords."""

from engage.themes.text import ctfidf_keywords, make_label, terms, tokens


def test_tokens_drop_stop_words_and_split_unspaced_scripts():
    assert tokens("The buses are LATE, and the drivers quit!", "en") == [
        "buses",
        "late",
        "drivers",
        "quit",
    ]
    assert tokens("los autobuses llegan", "es") == ["autobuses", "llegan"]
    assert tokens("計程車Uber", "zh") == ["計程車", "uber"]


def test_phrases_do_not_bridge_a_removed_stop_word():
    found = terms("more bike lanes and safer parking", "en")
    assert "bike lanes" in found
    assert "lanes safer" not in found


def test_ctfidf_prefers_words_that_distinguish_a_group():
    groups = [
        ["school bus late", "bus driver late", "the bus route"],
        ["school lunch cold", "lunch menu healthy", "more lunch time"],
    ]
    keywords = ctfidf_keywords(groups, "en", top=3)
    assert keywords[0][0] == "bus"
    assert keywords[1][0] == "lunch"
    assert "school" not in keywords[0][:1]


def test_a_phrase_replaces_the_words_it_contains():
    groups = [["prime minister said", "the prime minister", "prime minister resigned"], ["x y"]]
    assert ctfidf_keywords(groups, "en", top=3)[0][0] == "prime minister"


def test_label_is_short_and_readable():
    assert (
        make_label(["bike lanes", "parking", "buses", "trains"]) == "Bike lanes · parking · buses"
    )
    assert make_label([]) == "(no keywords)"


def test_chinese_keywords_keep_the_longer_word_once():
    groups = [["計程車司機很好", "計程車太貴", "計程車不安全"], ["捷運很方便", "捷運站"]]
    keywords = ctfidf_keywords(groups, "zh", top=4)[0]
    assert "計程車" in keywords
    assert "計程" not in keywords and "程車" not in keywords


def test_a_theme_without_keywords_is_named_by_its_most_typical_answer():
    from engage.themes.labels import quote_label

    assert quote_label("Một người biết suy nghĩ độc lập và tự tin nói") == (
        "Một người biết suy nghĩ độc…"
    )
    assert quote_label("Short one") == "Short one"
