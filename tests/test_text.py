"""The shared text cleaning (`engage.text`): pure functions, no app."""

import pytest

from engage.text import clean_text, hold_reason


def test_nul_and_other_controls_go_but_newlines_and_tabs_stay():
    assert clean_text("a\x00b\x07c\x1b\x7f\x85\r\nd\te") == "abc\nd\te"


def test_bidi_overrides_embeddings_and_isolates_go_but_plain_marks_stay():
    raw = "\u202agood\u202b \u202cx\u202d\u202egnihsihp\u2066i\u2067s\u2068o\u2069"
    raw += " \u200fمرحبا\u200e"
    assert clean_text(raw) == "good xgnihsihpiso \u200fمرحبا\u200e"


def test_zero_width_characters_go_where_nothing_needs_them():
    assert clean_text("pass\u200bword\ufeff \u2060join") == "password join"
    # Joiners at the edges or next to a space hide nothing useful.
    assert clean_text("\u200dword \u200c\u200dnext\u200d") == "word next"


def test_joiners_stay_where_scripts_and_emoji_need_them():
    persian = "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645"  # می‌خواهم
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467"
    assert clean_text(persian) == persian
    assert clean_text(family) == family


def test_text_is_normalised_to_nfc():
    assert clean_text("Vie\u0302\u0323t") == "Việt"
    # A dropped character between a letter and its accent does not stop composition.
    assert clean_text("e\u200b\u0301") == "é"


@pytest.mark.parametrize(
    "invisible",
    [
        "\u200b\u200b\u200b",
        "\u200d\u200c",
        " \u00a0\u3000\t\n",
        "\u200f\u200e",
        "\u3164\u115f\u2800",
        "\u0301\u034f",
        "\x00\x00",
        "\u202e\u2066",
        "\U000e0041\U000e0042",
    ],
)
def test_nothing_visible_left_is_an_empty_string(invisible):
    assert clean_text(invisible) == ""
    assert clean_text(invisible, multiline=False) == ""


def test_one_line_text_has_its_whitespace_folded():
    assert clean_text("  Ana \n\t María ", multiline=False) == "Ana María"


@pytest.mark.parametrize(
    ("answer", "reason"),
    [
        ("Visit https://bank-login.test/verify now", "link"),
        ("see www.example.test", "link"),
        ("go to bit.ly/abc123", "link"),
        ("write to me at ana@example.test", "contact"),
        ("call 617-555-0123", "contact"),
        ("call (617) 555 0123", "contact"),
        ("Students should learn to think. Class of 2026-2027, grade 10.", None),
        ("Kindness, e.g. helping others.", None),
    ],
)
def test_answers_with_links_or_contact_details_are_held(answer, reason):
    assert hold_reason(answer) == reason
