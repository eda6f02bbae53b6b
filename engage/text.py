"""Text people type, cleaned once on the way in: survey answers, forum posts and replies, public
and board comments, and the labels staff write for themes and competencies all go through
`clean_text` before they are stored. It keeps what was written and drops what has no business
in it (control characters, bidi overrides, stray zero-width characters), and it returns an
empty string when nothing visible is left, so an "answer" of invisible characters counts as no
answer. `hold_reason` is the automatic check an open answer passes before other participants
may see it. Pure: the standard library only.
"""

import re
import unicodedata

# U+202A-U+202E (embeddings and overrides) and U+2066-U+2069 (isolates) can make text read
# differently from how it is stored. The plain marks U+200E/U+200F stay: Arabic writers use
# them, and they cannot reorder other text.
BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
# Invisible characters no one needs in a sentence: zero-width space, word joiner and the
# invisible operators, the byte-order mark, the Mongolian vowel separator, the deprecated
# format characters and the interlinear annotation marks.
ALWAYS_DROPPED = re.compile("[\u200b\u2060-\u2064\ufeff\u180e\u206a-\u206f\ufff9-\ufffb]")
# Zero-width non-joiner and joiner: needed between two letters (Persian, Indic scripts) and
# inside emoji sequences; anywhere else they only hide.
JOINERS = "\u200c\u200d"
# Letters and symbols that render as nothing: Hangul fillers, the blank Braille pattern, the
# combining grapheme joiner, Khmer inherent vowels.
BLANKS = frozenset("\u115f\u1160\u3164\uffa0\u2800\u034f\u17b4\u17b5")

# What an answer shown to others may not contain: a link (with or without a scheme, or a bare
# domain with a path) or contact details.
LINK = re.compile(
    r"(?:[a-z][a-z0-9+.-]*://|www\.)\S|\b[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}/\S", re.IGNORECASE
)
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
PHONE = re.compile(r"(?<!\d)\+?(?:\(\d{3}\)|\d{3})[\s.-]?\d{3}[\s.-]?\d{4}(?!\d)")


def clean_text(text: str | None, multiline: bool = True) -> str:
    """`text` ready to store, or "" when nothing visible is left.

    Removes NUL and every other C0/C1 control character except newline and tab (`multiline`),
    the bidi embedding, override and isolate controls (U+202A-U+202E, U+2066-U+2069), the
    zero-width space, word joiner and byte-order mark, and a zero-width (non-)joiner that is
    not between two letters, marks or symbols (where scripts and emoji need it). Line endings
    become "\\n", the text is normalised to NFC and trimmed; `multiline=False` also folds all
    whitespace into single spaces. Text that would show nothing (only spaces, marks, fillers
    or format characters) comes back as "", so callers can refuse it as empty.
    """
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n")
    text = ALWAYS_DROPPED.sub("", BIDI_CONTROLS.sub("", text))
    kept = "\n\t" if multiline else ""
    chars = [ch for ch in text if ch in kept or unicodedata.category(ch) not in ("Cc", "Cs")]
    text = "".join(
        ch
        for i, ch in enumerate(chars)
        if ch not in JOINERS or _joins(chars[i - 1] if i else "", chars[i + 1 : i + 2])
    )
    text = unicodedata.normalize("NFC", text)
    if not multiline:
        text = " ".join(text.split())
    text = text.strip()
    return text if any(_visible(ch) for ch in text) else ""


def _joins(before: str, after: list[str]) -> bool:
    return bool(before and after) and all(
        unicodedata.category(ch)[0] in "LMS" for ch in (before, after[0])
    )


def _visible(ch: str) -> bool:
    return unicodedata.category(ch)[0] not in "ZCM" and ch not in BLANKS


def hold_reason(text: str | None) -> str | None:
    """Why an open answer may not be shown to other participants even with its writer's
    consent: "link" (an address, which could be phishing) or "contact" (an email address or a
    phone number, someone's personal details); None when it may be shown."""
    text = text or ""
    if LINK.search(text):
        return "link"
    if EMAIL.search(text) or PHONE.search(text):
        return "contact"
    return None
