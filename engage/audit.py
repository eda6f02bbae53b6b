"""The audit trail: who did what to which record, and when. Services call `record_event`.

Other areas may listen to the trail (staff notifications do): a listener is called with each new
event, in the same transaction, so what it adds is committed or rolled back with the change."""

from sqlalchemy.orm import Mapped, mapped_column

from .extensions import db
from .models_base import utcnow

#: Callables taking (event, actor, target), called for every recorded event.
listeners: list = []


class AuditEvent(db.Model):
    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at = mapped_column(db.DateTime(timezone=True), default=utcnow, nullable=False)
    #: Staff user id; None for the system or an anonymous community member.
    actor_id: Mapped[int | None] = mapped_column(db.ForeignKey("users.id"), index=True)
    action: Mapped[str] = mapped_column(db.String(80), nullable=False)
    target_type: Mapped[str] = mapped_column(db.String(40), nullable=False)
    target_id: Mapped[str | None] = mapped_column(db.String(64))
    details = mapped_column(db.JSON, default=dict)

    __table_args__ = (db.Index("ix_audit_events_target", "target_type", "target_id"),)


def record_event(actor, action: str, target, details: dict | None = None) -> AuditEvent:
    """Add an audit event for `action` by `actor` (a User or None) on `target` (a model)."""
    event = AuditEvent(
        actor_id=getattr(actor, "id", None),
        action=action,
        target_type=type(target).__name__,
        target_id=None if getattr(target, "id", None) is None else str(target.id),
        details=details or {},
    )
    db.session.add(event)
    for listener in listeners:
        listener(event, actor, target)
    return event
