"""The outreach kit: for one survey and one language, the link, QR code, flyer and messages.

Everything here is plain functions over models, so tests can call them without a request
(``public_url`` needs either ``PUBLIC_BASE_URL`` or a request to know the site's address).
"""

from __future__ import annotations

import io
import secrets
from dataclasses import dataclass

import segno
from flask import current_app, request
from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..engagements.models import Engagement
from ..extensions import db
from ..i18n import KNOWN_LANGUAGES, localized, speaking
from ..surveys.models import QuestionKind, Survey
from .channels import CHANNEL_KINDS, LINK_KINDS, Channel, parse_channel
from .models import ShortLink

#: Letters and digits that cannot be mistaken for one another when read off paper.
CODE_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"
CODE_LENGTH = 6
SMS_LIMIT = 160


@dataclass(frozen=True)
class Kit:
    survey: Survey
    language: str
    link: str  #: the short link, absolute
    link_for: dict[str, str]  #: channel kind -> absolute short link for that channel
    title: str
    question: str
    closes_on: str | None
    sms: str
    email_subject: str
    email_body: str


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def short_link(survey_slug: str, language: str, channel: Channel) -> ShortLink:
    """The short link for a survey, language and channel, made once and then reused."""
    query = select(ShortLink).filter_by(
        survey_slug=survey_slug, language=language, channel=channel.tag
    )
    existing = db.session.scalar(query)
    if existing is not None:
        return existing
    for _attempt in range(5):
        link = ShortLink(
            code=new_code(), survey_slug=survey_slug, language=language, channel=channel.tag
        )
        try:
            with db.session.begin_nested():
                db.session.add(link)
            return link
        except IntegrityError:
            # Another request made the same link, or (rarely) the code is taken: look again.
            existing = db.session.scalar(query)
            if existing is not None:
                return existing
    raise RuntimeError("could not find a free short-link code")


def resolve_short_link(code: str) -> ShortLink | None:
    if not code or len(code) > 12:
        return None
    return db.session.scalar(select(ShortLink).filter_by(code=code.strip().lower()))


def public_url(path: str) -> str:
    """An absolute address for ``path`` as families will type or scan it."""
    base = current_app.config.get("PUBLIC_BASE_URL") or request.url_root
    return base.rstrip("/") + path


def qr_svg(url: str, title: str = "") -> str:
    """An inline SVG QR code (scales cleanly on paper)."""
    qr = segno.make(url, error="m", micro=False)
    return qr.svg_inline(
        scale=1, border=4, omitsize=True, title=title or None, svgclass="qr", lineclass=None
    )


def qr_png(url: str, scale: int = 10) -> bytes:
    qr = segno.make(url, error="m", micro=False)
    buffer = io.BytesIO()
    qr.save(buffer, kind="png", scale=scale, border=4)
    return buffer.getvalue()


def main_question(survey: Survey, code: str) -> str:
    """The survey's first open question in that language (what a flyer asks), else its title."""
    lang = KNOWN_LANGUAGES[code]
    for question in survey.questions:
        if question.kind == QuestionKind.OPEN and not question.demographic:
            return localized(question.text, lang, survey.default_language)[0]
    return localized(survey.title, lang, survey.default_language)[0]


def build_kit(survey: Survey, code: str, link_path_for) -> Kit:
    """The kit in language ``code``; ``link_path_for(short_link)`` gives a link's path."""
    lang = KNOWN_LANGUAGES[code]
    links = {
        kind: public_url(link_path_for(short_link(survey.slug, code, Channel(kind, code))))
        for kind in LINK_KINDS
    }
    engagement = survey.engagement
    closes_at = engagement.closes_at if engagement else None
    with speaking(code):
        title = localized(survey.title, lang, survey.default_language)[0]
        question = main_question(survey, code)
        closes_on = format_date(closes_at, format="long") if closes_at else None
        sms = sms_text(title, question, links["sms"], closes_on)
        subject, body = email_text(title, question, links["email"], closes_on)
    return Kit(
        survey=survey,
        language=code,
        link=links["link"],
        link_for=links,
        title=title,
        question=question,
        closes_on=closes_on,
        sms=sms,
        email_subject=subject,
        email_body=body,
    )


def sms_text(title: str, question: str, link: str, closes_on: str | None) -> str:
    """A text message of at most 160 characters: the question if it fits, else the title."""
    candidates = []
    for lead in (question, title):
        if closes_on:
            candidates.append(
                _(
                    "%(lead)s Answer anonymously: %(link)s (until %(date)s)",
                    lead=lead,
                    link=link,
                    date=closes_on,
                )
            )
        candidates.append(_("%(lead)s Answer anonymously: %(link)s", lead=lead, link=link))
    candidates.append(_("Your school district asks for your views: %(link)s", link=link))
    for text in candidates:
        if len(text) <= SMS_LIMIT:
            return text
    return candidates[-1][:SMS_LIMIT]


def sms_segments(text: str) -> int:
    """How many SMS a phone sends for ``text``: 160 per message in GSM-7, 70 in Unicode."""
    unicode_needed = any(ord(char) > 127 for char in text)
    single, multi = (70, 67) if unicode_needed else (160, 153)
    if len(text) <= single:
        return 1
    return -(-len(text) // multi)


def email_text(title: str, question: str, link: str, closes_on: str | None) -> tuple[str, str]:
    subject = _("Your voice: %(title)s", title=title)
    lines = [
        _("Our school district is asking families, students, staff and neighbours:"),
        "",
        question,
        "",
        _("Answer in your own language, on a phone or a computer: %(link)s", link=link),
        _("You do not need to give your name. It takes about five minutes."),
    ]
    if closes_on:
        lines.append(_("The survey is open until %(date)s.", date=closes_on))
    lines += ["", _("Thank you for helping shape what our graduates learn.")]
    return subject, "\n".join(lines)


def kit_languages(under_heard: list[str]) -> list[str]:
    """The survey's languages, those the dashboard flags as under-heard first."""
    offered = [code for code in current_app.config["LANGUAGES"] if code in KNOWN_LANGUAGES]
    flagged = [code for code in offered if code in under_heard]
    return flagged + [code for code in offered if code not in flagged]


#: Row keys for answers that came without a tag: typed in by staff, or straight to the site.
UNTAGGED_ROWS = ("direct", "paper", "phone", "meeting")


def channel_counts(engagement: Engagement, counts=None) -> dict[tuple[str, str], int]:
    """Responses per (channel kind, language answered in) for an engagement, zero cells
    included, ready for ``privacy.suppress_table``. An answer without a tag counts under how it
    was entered ("paper", ...) or "direct" for the web. `counts`: the engagement's kept
    counts (`counts_for` of its surveys), when the caller already has them."""
    from ..review.counts import CHANNELS, counts_for, parse_channel_key

    if counts is None:
        survey_ids = [survey.id for survey in engagement.surveys]
        if not survey_ids:
            return {}
        counts = counts_for(survey_ids)
    # Kept in step with every response (engage/review/counts.py): no scan of the responses.
    kept = counts.get(CHANNELS, {})
    counts: dict[tuple[str, str], int] = {}
    for value, number in kept.items():
        source, tag, language = parse_channel_key(value)
        channel = parse_channel(tag)
        kind = channel.kind if channel else (source if source != "web" else "direct")
        counts[(kind, language)] = counts.get((kind, language), 0) + number
    kinds = {kind for kind, _language in counts}
    languages = {language for _kind, language in counts}
    for kind in kinds:
        for language in languages:
            counts.setdefault((kind, language), 0)
    return counts


@dataclass(frozen=True)
class ChannelTable:
    """Answers by channel (rows) and language answered in (columns), small cells suppressed."""

    table: object  #: privacy.Table
    rows: list[tuple[str, str]]  #: (row key, label)
    columns: list[str]  #: language codes


def channel_table(engagement: Engagement, counts=None) -> ChannelTable | None:
    from .. import privacy

    counts = channel_counts(engagement, counts)
    if not counts:
        return None
    labels = {kind: str(label) for kind, label in CHANNEL_KINDS.items()}
    labels.update(
        direct=_("Straight to the site (no tag)"),
        paper=_("Paper, typed in by staff"),
    )
    present = {kind for kind, _language in counts}
    order = list(CHANNEL_KINDS) + [kind for kind in UNTAGGED_ROWS if kind not in CHANNEL_KINDS]
    return ChannelTable(
        table=privacy.suppress_table(counts),
        rows=[(kind, labels.get(kind, kind)) for kind in order if kind in present],
        columns=sorted(
            {language for _kind, language in counts},
            key=lambda code: (
                -sum(count for (_k, language), count in counts.items() if language == code)
            ),
        ),
    )
