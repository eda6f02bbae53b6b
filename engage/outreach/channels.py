"""Channel tags: ``?via=flyer-so`` says an answer came through a Somali flyer, and nothing else.

A tag is one of a fixed set of kinds joined to one of Engage's language codes. Anything else is
refused (stored as no channel), so a link can never carry free text, an identifier or a
campaign code that could single a family out. The tag is read from the link, carried in the
form as a hidden field, and stored on the response: no cookie, no address.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from ..i18n import KNOWN_LANGUAGES

#: The kinds of outreach a tag can name, in the order the kit offers them.
CHANNEL_KINDS = {
    "flyer": _l("Flyer"),
    "qr": _l("QR code"),
    "sms": _l("Text message"),
    "email": _l("Email"),
    "link": _l("Shared link"),
    "phone": _l("Phone call by a liaison"),
    "meeting": _l("Community meeting"),
    "paper": _l("Paper survey"),
}
#: The kinds a link may carry. "paper" is given only by staff typing in a paper sheet, so a
#: link that claims it is refused like any unknown tag.
LINK_KINDS = tuple(kind for kind in CHANNEL_KINDS if kind != "paper")

MAX_TAG_LENGTH = 24


@dataclass(frozen=True)
class Channel:
    kind: str
    language: str  #: a key of KNOWN_LANGUAGES

    @property
    def tag(self) -> str:
        return f"{self.kind}-{self.language.lower()}"

    @property
    def kind_label(self) -> str:
        return str(CHANNEL_KINDS[self.kind])


_LANGUAGE_BY_LOWER = {code.lower(): code for code in KNOWN_LANGUAGES}


def parse_channel(value: str | None) -> Channel | None:
    """The channel a tag names, or None for anything that is not exactly a known tag."""
    if not value or len(value) > MAX_TAG_LENGTH:
        return None
    kind, _sep, language = value.strip().lower().partition("-")
    if kind not in CHANNEL_KINDS or language not in _LANGUAGE_BY_LOWER:
        return None
    return Channel(kind, _LANGUAGE_BY_LOWER[language])


def channel_tag(value: str | None) -> str | None:
    """The normalised tag to store for ``value`` as a link carried it, or None."""
    channel = parse_channel(value)
    return channel.tag if channel and channel.kind in LINK_KINDS else None


def paper_tag(language: str) -> str:
    """The tag of an answer typed in from a paper sheet in ``language``."""
    return Channel("paper", language).tag


def all_tags() -> list[str]:
    return [Channel(kind, code).tag for code in KNOWN_LANGUAGES for kind in CHANNEL_KINDS]
