"""Cleaning and rendering a post body: pure functions, no app."""

import pytest

from engage.forum import text


def test_render_escapes_markup_and_keeps_line_breaks():
    html = str(text.render_post('<script>alert("x")</script>\n<b>bold</b> & more'))
    assert html == (
        "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;<br>\n&lt;b&gt;bold&lt;/b&gt; &amp; more"
    )


def test_render_links_only_http_addresses_with_safe_attributes():
    html = str(text.render_post("See https://example.test/a?b=1&c=2. Not javascript:alert(1)"))
    assert (
        '<a href="https://example.test/a?b=1&amp;c=2" rel="nofollow ugc noopener" '
        'class="post-link">https://example.test/a?b=1&amp;c=2</a>.' in html
    )
    assert "javascript:alert(1)" in html and html.count("<a ") == 1


@pytest.mark.parametrize(
    "body",
    [
        'https://x.test/"onmouseover="alert(1)',
        "https://x.test/<script>alert(1)</script>",
        "https://x.test/'onfocus='alert(1)",
        "http://x.test/`backtick`",
    ],
)
def test_a_link_cannot_break_out_of_its_attribute(body):
    html = str(text.render_post(body))
    assert '"onmouseover' not in html and "<script>" not in html and "'onfocus" not in html
    assert html.count('href="') == 1


def test_brackets_that_belong_to_an_address_stay_in_the_link():
    html = str(text.render_post("(see https://en.wikipedia.org/wiki/Foo_(bar))."))
    assert 'href="https://en.wikipedia.org/wiki/Foo_(bar)"' in html
    assert html.endswith("</a>).")


def test_clean_text_drops_controls_and_bidi_overrides_but_keeps_newlines_tabs_and_marks():
    raw = "a\x00b\x07c\r\nd\te\u202eevil\u2066iso\u2069 \u200fمرحبا\x1b[31m\u0085"
    assert text.clean_text(raw) == "abc\nd\teeviliso \u200fمرحبا[31m"


def test_clean_text_on_one_line_collapses_whitespace():
    assert text.clean_text("  Ana \n\t María ", multiline=False) == "Ana María"


def test_clean_text_normalises_to_nfc():
    assert text.clean_text("Vie\u0302\u0323t") == "Việt"


def test_links_are_counted_with_or_without_a_scheme():
    assert text.count_links("a https://x.test b www.y.test c http://z.test") == 3
    assert text.count_links("no links here, www or http") == 0


def test_repeat_hash_ignores_case_and_spacing_but_not_words():
    assert text.body_hash("Hello   World\n") == text.body_hash("hello world")
    assert text.body_hash("hello world") != text.body_hash("hello there world")
