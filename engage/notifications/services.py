"""Which staff hear about what, and the mail queued for them.

Events reach this module in two ways: from the audit trail (a draft sent to the board, a profile
approved, a theme run ended), in the same transaction as the change itself, so a notification is
never lost nor sent for a change that was rolled back; and from `check_backlogs`, which the mail
sender runs now and then (posts waiting for moderation, groups still under-heard a week before
an engagement closes). Every message is rendered when it is queued, in the recipient's language.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import format_date, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from .. import audit
from ..audit import record_event
from ..auth.models import Role, User
from ..extensions import db
from ..i18n import KNOWN_LANGUAGES, localized, speaking
from ..models_base import utcnow
from .models import NotificationEvent, NotificationSetting, OutboundMail

#: Who may hear about each event, and so who gets it unless they turn it off.
EVENT_ROLES = {
    NotificationEvent.BOARD_VOTE: (Role.BOARD, Role.FACILITATOR, Role.ADMIN),
    NotificationEvent.MODERATION: (Role.FACILITATOR, Role.ADMIN),
    NotificationEvent.UNDER_HEARD: (Role.FACILITATOR, Role.ADMIN),
    NotificationEvent.THEME_RUN: (Role.FACILITATOR, Role.ADMIN),
    NotificationEvent.PROFILE_APPROVED: (Role.BOARD, Role.FACILITATOR, Role.ADMIN),
}
EVENT_NAMES = {
    NotificationEvent.BOARD_VOTE: _l("A draft is waiting for the board's vote"),
    NotificationEvent.MODERATION: _l("Forum posts are waiting for moderation"),
    NotificationEvent.UNDER_HEARD: _l("A group is still under-heard a week before closing"),
    NotificationEvent.THEME_RUN: _l("A theme run finished or failed"),
    NotificationEvent.PROFILE_APPROVED: _l("The graduate profile was approved"),
}
log = logging.getLogger(__name__)
UNDER_HEARD_NOTICE = timedelta(days=7)
MODERATION_MAX_AGE = timedelta(days=1)


#: The address of `engage run` on this machine: links in mail when PUBLIC_BASE_URL is unset.
LOCAL_BASE_URL = "http://127.0.0.1:5000"


def events_for(user: User) -> list[NotificationEvent]:
    """The events this staff member's role may hear about."""
    return [event for event, roles in EVENT_ROLES.items() if user.role in roles]


def chosen_events(user: User) -> set[NotificationEvent]:
    """What `user` gets: their own choices, and their role's defaults where they made none."""
    settings = {
        row.event: row.enabled
        for row in db.session.scalars(select(NotificationSetting).filter_by(user_id=user.id))
    }
    return {event for event in events_for(user) if settings.get(event, True)}


def set_preferences(user: User, wanted: Iterable[str], actor) -> set[NotificationEvent]:
    """Record which of their role's events `user` wants; returns the new set."""
    wanted = {NotificationEvent(value) for value in wanted}
    existing = {
        row.event: row
        for row in db.session.scalars(select(NotificationSetting).filter_by(user_id=user.id))
    }
    for event in events_for(user):
        row = existing.get(event) or NotificationSetting(user_id=user.id, event=event)
        row.enabled = event in wanted
        db.session.add(row)
    db.session.flush()
    record_event(actor, "user.notifications_changed", user, {"events": sorted(wanted)})
    return chosen_events(user)


def queue_mail(
    event: NotificationEvent,
    occurrence: str,
    render: Callable[[], tuple[str, str]],
    recipients: Iterable[User] | None = None,
) -> list[OutboundMail]:
    """Queue one message per staff member who wants `event`; `render` is called in each
    recipient's language. The same `occurrence` of an event is queued once per person."""
    if recipients is None:
        recipients = db.session.scalars(
            select(User).where(User.active.is_(True), User.role.in_(EVENT_ROLES[event]))
        )
    queued = []
    for user in recipients:
        if event not in chosen_events(user):
            continue
        key = f"{event.value}:{occurrence}:{user.id}"
        if db.session.scalar(select(OutboundMail.id).filter_by(dedupe_key=key)) is not None:
            continue
        with speaking(user.preferred_language) as lang:
            subject, body = render()
        mail = OutboundMail(
            user_id=user.id,
            event=event,
            dedupe_key=key,
            to_address=user.email,
            language=lang.code,
            subject=subject[:300],
            body=body,
        )
        db.session.add(mail)
        queued.append(mail)
    db.session.flush()
    return queued


def link(path: str) -> str:
    # A mail is written outside any request, so without PUBLIC_BASE_URL only the default
    # address of `engage run` can be guessed.
    base = current_app.config.get("PUBLIC_BASE_URL") or LOCAL_BASE_URL
    return base.rstrip("/") + path


def _signature() -> str:
    return _(
        "You get this email because of your notification settings in Engage: %(url)s",
        url=link("/staff/notifications"),
    )


def on_audit_event(event, actor, target) -> None:
    """Turn the audit events that matter to other staff into queued mail."""
    handler = AUDIT_HANDLERS.get(event.action)
    if handler is None:
        return
    try:
        handler(target)
    except Exception:  # a notification must never undo or block the change it reports
        log.exception("notification for %s not queued", event.action)


def _version_sent_to_board(version) -> None:
    def render():
        title, _lang = localized(version.framework.title)
        subject = _("A draft graduate profile is waiting for your vote")
        body = "\n\n".join(
            [
                _(
                    "Version %(number)s of “%(title)s” has been sent to the board for review.",
                    number=version.number,
                    title=title,
                ),
                _(
                    "Read it, with its evidence, and vote: %(url)s",
                    url=link(f"/staff/framework/versions/{version.id}"),
                ),
                _signature(),
            ]
        )
        return subject, body

    queue_mail(NotificationEvent.BOARD_VOTE, f"version-{version.id}", render)


def _version_approved(version) -> None:
    def render():
        title, _lang = localized(version.framework.title)
        subject = _("The graduate profile was approved")
        body = "\n\n".join(
            [
                _(
                    "The board approved version %(number)s of “%(title)s”. It is now published.",
                    number=version.number,
                    title=title,
                ),
                _("The public page: %(url)s", url=link("/en/profile/")),
                _signature(),
            ]
        )
        return subject, body

    queue_mail(NotificationEvent.PROFILE_APPROVED, f"version-{version.id}", render)


def _theme_run_ended(run) -> None:
    failed = run.status == "failed"

    def render():
        if failed:
            subject = _("A theme run failed")
            first = _(
                "Theme run %(number)s failed: %(reason)s", number=run.id, reason=run.message or ""
            )
        else:
            subject = _("A theme run finished")
            first = _(
                "Theme run %(number)s finished with %(themes)s themes to review.",
                number=run.id,
                themes=len(run.themes),
            )
        url = link(f"/staff/themes/runs/{run.id}")
        return subject, "\n\n".join([first, _("Open it: %(url)s", url=url), _signature()])

    queue_mail(NotificationEvent.THEME_RUN, f"run-{run.id}", render)


AUDIT_HANDLERS = {
    "version.sent_to_board": _version_sent_to_board,
    "version.approved": _version_approved,
    "themes.run_finished": _theme_run_ended,
    "themes.run_failed": _theme_run_ended,
}


def watch_audit_trail() -> None:
    """Listen to the audit trail (once per process)."""
    if on_audit_event not in audit.listeners:
        audit.listeners.append(on_audit_event)


def check_backlogs(now: datetime | None = None) -> list[OutboundMail]:
    """Queue the notifications that come from waiting rather than from an action."""
    now = now or utcnow()
    return _moderation_backlog(now) + _under_heard_before_closing(now)


def _moderation_backlog(now: datetime) -> list[OutboundMail]:
    from ..forum.models import Post, PostStatus

    pending, oldest = db.session.execute(
        select(func.count(Post.id), func.min(Post.created_at)).filter_by(status=PostStatus.PENDING)
    ).one()
    if not pending:
        return []
    if oldest is not None and oldest.tzinfo is None:  # SQLite hands back naive UTC
        oldest = oldest.replace(tzinfo=now.tzinfo)
    backlog = current_app.config["NOTIFY_MODERATION_BACKLOG"]
    if pending <= backlog and (oldest is None or now - oldest < MODERATION_MAX_AGE):
        return []

    def render():
        subject = _("Forum posts are waiting for moderation")
        body = "\n\n".join(
            [
                ngettext(
                    "%(num)s post is waiting for moderation.",
                    "%(num)s posts are waiting for moderation.",
                    pending,
                ),
                _("Open the moderation queue: %(url)s", url=link("/staff/forum/moderation")),
                _signature(),
            ]
        )
        return subject, body

    # At most one reminder a day while the queue stays long or old.
    return queue_mail(NotificationEvent.MODERATION, now.date().isoformat(), render)


def _under_heard_before_closing(now: datetime) -> list[OutboundMail]:
    from ..engagements.groups import group_names
    from ..engagements.models import (
        Engagement,
        EngagementStatus,
        GroupKind,
        School,
        TargetDimension,
    )
    from ..engagements.services import target_shares
    from ..review.dashboard import response_breakdown
    from ..surveys.models import Response

    queued = []
    engagements = db.session.scalars(
        select(Engagement).where(
            Engagement.status == EngagementStatus.OPEN, Engagement.closes_at.is_not(None)
        )
    )
    for engagement in engagements:
        closes_at = engagement.closes_at
        if closes_at.tzinfo is None:
            closes_at = closes_at.replace(tzinfo=now.tzinfo)
        if not (now <= closes_at <= now + UNDER_HEARD_NOTICE):
            continue
        language_names = {code: lang.name for code, lang in KNOWN_LANGUAGES.items()}
        school_names = {school.code: school.name for school in db.session.scalars(select(School))}
        working = KNOWN_LANGUAGES.get(engagement.default_language) or KNOWN_LANGUAGES["en"]
        school_names |= group_names(engagement, GroupKind.SCHOOL, working, localized)
        groups = []
        for column, names, dimension in (
            (Response.language, language_names, TargetDimension.LANGUAGE),
            (Response.school, school_names, TargetDimension.SCHOOL),
        ):
            breakdown = response_breakdown(
                engagement, column, names, target_shares(engagement, dimension)
            )
            groups += [names.get(group, group) for group in breakdown.under_heard]
        if not groups:
            continue

        def render(engagement=engagement, groups=groups, closes_at=closes_at):
            name, _lang = localized(engagement.name)
            subject = _("Some groups are still under-heard, and %(name)s closes soon", name=name)
            body = "\n\n".join(
                [
                    _(
                        "%(name)s closes on %(date)s. These groups are still under-heard: "
                        "%(groups)s.",
                        name=name,
                        date=format_date(closes_at, "long"),
                        groups=", ".join(groups),
                    ),
                    _(
                        "The outreach and the dashboard: %(url)s",
                        url=link(f"/staff/review/engagements/{engagement.id}"),
                    ),
                    _signature(),
                ]
            )
            return subject, body

        queued += queue_mail(
            NotificationEvent.UNDER_HEARD,
            f"engagement-{engagement.id}-{closes_at.date().isoformat()}",
            render,
        )
    return queued


def outbox_summary() -> dict:
    """How much mail is waiting, sent and failing, for the admin's view."""
    waiting = db.session.scalar(
        select(func.count(OutboundMail.id)).where(OutboundMail.sent_at.is_(None))
    )
    failing = db.session.scalar(
        select(func.count(OutboundMail.id)).where(
            OutboundMail.sent_at.is_(None), OutboundMail.attempts > 0
        )
    )
    sent = db.session.scalar(
        select(func.count(OutboundMail.id)).where(OutboundMail.sent_at.is_not(None))
    )
    return {"waiting": waiting or 0, "failing": failing or 0, "sent": sent or 0}
