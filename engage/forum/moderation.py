"""Facilitators' verbs on posts: the moderation queue, approve, hide with a reason, restore, and
each post's history from the audit trail. Every action is audited and resolves the post's open
reports; the view commits."""

from dataclasses import dataclass

from flask_babel import gettext
from sqlalchemy import func, or_, select

from ..audit import AuditEvent, record_event
from ..extensions import db
from ..models_base import DomainError, utcnow
from . import text, workflow
from .models import Post, PostStatus, Report

MAX_REASON_LENGTH = 300


@dataclass(frozen=True)
class QueueItem:
    post: Post
    open_reports: int


def moderation_queue() -> list[QueueItem]:
    """Posts waiting for a decision: pending ones and visible ones with open reports, oldest
    first, so nothing waits longest."""
    open_counts = (
        select(Report.post_id, func.count(Report.id).label("n"))
        .where(Report.resolved_at.is_(None))
        .group_by(Report.post_id)
        .subquery()
    )
    rows = db.session.execute(
        select(Post, func.coalesce(open_counts.c.n, 0))
        .outerjoin(open_counts, open_counts.c.post_id == Post.id)
        .where(
            or_(
                Post.status == PostStatus.PENDING,
                (Post.status == PostStatus.VISIBLE) & (open_counts.c.n > 0),
            )
        )
        .order_by(Post.created_at, Post.id)
    ).all()
    return [QueueItem(post, count) for post, count in rows]


def hidden_posts(limit: int = 100) -> list[Post]:
    return db.session.scalars(
        select(Post)
        .where(Post.status == PostStatus.HIDDEN)
        .order_by(Post.created_at.desc(), Post.id.desc())
        .limit(limit)
    ).all()


def approve_post(post: Post, actor) -> Post:
    """Show a pending post, or keep a reported one visible; its open reports are resolved."""
    before = post.status
    post.status = workflow.next_status(post.status, workflow.APPROVE)
    resolved = _resolve_reports(post)
    record_event(actor, "post.approved", post, {"from": before.value, "reports_resolved": resolved})
    return post


def hide_post(post: Post, reason: str, actor) -> Post:
    """Hide a post; readers see `reason` in its place."""
    reason = text.clean_text(reason, multiline=False)
    if not reason:
        raise DomainError(gettext("Please give a reason; readers will see it."))
    post.status = workflow.next_status(post.status, workflow.HIDE)
    post.hidden_reason = reason[:MAX_REASON_LENGTH]
    resolved = _resolve_reports(post)
    record_event(
        actor, "post.hidden", post, {"reason": post.hidden_reason, "reports_resolved": resolved}
    )
    return post


def restore_post(post: Post, actor) -> Post:
    post.status = workflow.next_status(post.status, workflow.RESTORE)
    post.hidden_reason = None
    _resolve_reports(post)
    record_event(actor, "post.restored", post)
    return post


def _resolve_reports(post: Post) -> int:
    now = utcnow()
    reports = [report for report in post.reports if report.resolved_at is None]
    for report in reports:
        report.resolved_at = now
    db.session.flush()
    return len(reports)


def post_history(post: Post) -> list[AuditEvent]:
    """The audit events about `post`, oldest first."""
    return db.session.scalars(
        select(AuditEvent)
        .where(AuditEvent.target_type == type(post).__name__, AuditEvent.target_id == str(post.id))
        .order_by(AuditEvent.occurred_at, AuditEvent.id)
    ).all()
