"""What a poster types, made safe: cleaning on the way in and rendering on the way out.

Cleaning is the shared `engage.text.clean_text` (control, bidi override and stray zero-width
characters dropped; "" when nothing visible is left). Rendering escapes everything first, then
adds only line breaks and, for posts, links to http(s) addresses, so nothing the poster typed is
ever markup; other people's survey answers are rendered with no links at all. This module is
pure: markupsafe and the standard library only.
"""

import hashlib
import re

from markupsafe import Markup, escape

from ..text import clean_text

MAX_BODY_LENGTH = 5000
MAX_LINKS = 3

URL = re.compile(r"https?://[^\s<>\"'`]+", re.IGNORECASE)
# What counts towards the link cap: addresses with or without a scheme.
LINK_LIKE = re.compile(r"(?:https?://|www\.)\S", re.IGNORECASE)
TRAILING_PUNCTUATION = ".,;:!?)]}»。，、！？"
# A constant template: `format` escapes the address it is given.
LINK = Markup('<a href="{0}" rel="nofollow ugc noopener" class="post-link">{0}</a>')


def count_links(text: str) -> int:
    return len(LINK_LIKE.findall(text))


def body_hash(text: str) -> str:
    """Hash of a body with case and spacing ignored, to recognise an exact repeat."""
    normalised = " ".join(clean_text(text).casefold().split())
    return hashlib.sha256(normalised.encode("utf-8")).hexdigest()


def render_post(text: str | None) -> Markup:
    """Escaped text with line breaks as <br> and http(s) addresses as links."""
    return Markup("<br>\n").join(_render_line(line) for line in (text or "").split("\n"))


def render_plain(text: str | None) -> Markup:
    """Escaped text with line breaks as <br> and no links: an address stays inert text."""
    return Markup("<br>\n").join(escape(line) for line in (text or "").split("\n"))


def _render_line(line: str) -> Markup:
    pieces = []
    position = 0
    for match in URL.finditer(line):
        url = match.group(0)
        trimmed = url.rstrip(TRAILING_PUNCTUATION)
        # Keep a closing bracket that belongs to the address, as in Wikipedia links.
        while trimmed.count("(") > trimmed.count(")") and len(trimmed) < len(url):
            trimmed = url[: len(trimmed) + 1]
        pieces.append(escape(line[position : match.start()]))
        pieces.append(LINK.format(trimmed))
        position = match.start() + len(trimmed)
    pieces.append(escape(line[position:]))
    return Markup("").join(pieces)
