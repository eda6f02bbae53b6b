"""What a poster types, made safe: cleaning on the way in and rendering on the way out.

Cleaning keeps the text as written but drops what has no business in a post: control characters
(other than newline and tab) and the bidirectional embedding, override and isolate characters
that can make text read differently from how it is stored. Rendering escapes everything first,
then adds only line breaks and links to http(s) addresses, so nothing the poster typed is ever
markup. This module is pure: markupsafe and the standard library only.
"""

import hashlib
import re
import unicodedata

from markupsafe import Markup, escape

MAX_BODY_LENGTH = 5000
MAX_LINKS = 3

# U+202A-U+202E (embeddings and overrides) and U+2066-U+2069 (isolates). The plain marks
# U+200E/U+200F stay: Arabic writers use them, and they cannot reorder other text.
BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
URL = re.compile(r"https?://[^\s<>\"'`]+", re.IGNORECASE)
# What counts towards the link cap: addresses with or without a scheme.
LINK_LIKE = re.compile(r"(?:https?://|www\.)\S", re.IGNORECASE)
TRAILING_PUNCTUATION = ".,;:!?)]}»。，、！？"
# A constant template: `format` escapes the address it is given.
LINK = Markup('<a href="{0}" rel="nofollow ugc noopener" class="post-link">{0}</a>')


def clean_text(text: str | None, multiline: bool = True) -> str:
    """`text` in NFC with line endings unified, control and bidi override characters removed,
    and surrounding whitespace trimmed."""
    text = unicodedata.normalize("NFC", text or "")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = BIDI_CONTROLS.sub("", text)
    kept = "\n\t" if multiline else ""
    text = "".join(ch for ch in text if ch in kept or unicodedata.category(ch) not in ("Cc", "Cs"))
    if not multiline:
        text = " ".join(text.split())
    return text.strip()


def count_links(text: str) -> int:
    return len(LINK_LIKE.findall(text))


def body_hash(text: str) -> str:
    """Hash of a body with case and spacing ignored, to recognise an exact repeat."""
    normalised = " ".join(clean_text(text).casefold().split())
    return hashlib.sha256(normalised.encode("utf-8")).hexdigest()


def render_post(text: str | None) -> Markup:
    """Escaped text with line breaks as <br> and http(s) addresses as links."""
    return Markup("<br>\n").join(_render_line(line) for line in (text or "").split("\n"))


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
