"""Reports on forum posts and the automatic hold: a visible post goes back for review once open
reports have come from enough different addresses. A reporter is known by two keyed hashes, of
the random id in their session cookie (`services.browser_key`) and of their address
(`address_key`), never by the id or the address itself, so clearing cookies does not make one
person count as several. Flushes, audits, and leaves the commit to the view."""

import hashlib
import hmac

from flask_babel import gettext
from sqlalchemy import func, select

from ..audit import record_event
from ..extensions import db
from ..models_base import DomainError
from . import text, workflow
from .models import Post, PostStatus, Report, ReportReason

#: Open reports from different addresses that hold a visible post for review.
REPORTS_TO_HOLD = 3


def address_key(secret: str, address: str | None) -> str:
    """The only form in which a reporter's address is stored: HMAC-SHA256 keyed by the app
    secret, so reports can be told apart by address without keeping any address."""
    message = f"forum-address:{address or 'unknown'}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def report_post(
    post: Post,
    reason: ReportReason,
    details: str | None,
    key: str,
    threshold: int = REPORTS_TO_HOLD,
    address: str | None = None,
) -> bool:
    """A report from one browser (`key`) at one address (`address`, an `address_key`); True
    when it is new. When open reports from `threshold` different addresses have come in, a
    visible post is held (pending) until a facilitator reviews it: one person clearing their
    cookies between reports still counts once. A facilitator can hide a post at any time."""
    if post.status != PostStatus.VISIBLE:
        raise DomainError(gettext("This post is already being reviewed."))
    existing = db.session.scalar(
        select(Report.id).where(Report.post_id == post.id, Report.browser_key == key)
    )
    if existing is not None:
        return False
    details = text.clean_text(details)[:500] or None
    db.session.add(
        Report(
            post_id=post.id, reason=reason, details=details, browser_key=key, address_key=address
        )
    )
    db.session.flush()
    record_event(None, "post.reported", post, {"reason": reason.value})
    open_reports = count_open_reports(post)
    addresses = count_reporting_addresses(post)
    if addresses >= threshold:
        post.status = workflow.next_status(post.status, workflow.HOLD)
        db.session.flush()
        record_event(
            None, "post.held", post, {"open_reports": open_reports, "addresses": addresses}
        )
    return True


def count_open_reports(post: Post) -> int:
    return db.session.scalar(
        select(func.count(Report.id)).where(Report.post_id == post.id, Report.resolved_at.is_(None))
    )


def count_reporting_addresses(post: Post) -> int:
    """Different addresses among the post's open reports (a report stored without one, from
    before addresses were kept, counts by its browser)."""
    who = func.coalesce(Report.address_key, Report.browser_key)
    return db.session.scalar(
        select(func.count(func.distinct(who))).where(
            Report.post_id == post.id, Report.resolved_at.is_(None)
        )
    )
