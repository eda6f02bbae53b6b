"""What staff asked to hear about, and the outbox of mail waiting to be delivered."""

import enum

from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ..models_base import utcnow


class NotificationEvent(enum.StrEnum):
    BOARD_VOTE = "board_vote"  #: a draft is waiting for the board's vote
    MODERATION = "moderation"  #: posts are waiting for moderation
    UNDER_HEARD = "under_heard"  #: a group is still under-heard a week before closing
    THEME_RUN = "theme_run"  #: a theme run finished or failed
    PROFILE_APPROVED = "profile_approved"  #: the graduate profile was approved


class NotificationSetting(db.Model):
    """A staff member's own choice for one event; without a row, their role's default holds."""

    __tablename__ = "notification_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(db.ForeignKey("users.id"), nullable=False)
    event: Mapped[NotificationEvent] = mapped_column(
        db.Enum(NotificationEvent, native_enum=False, length=30), nullable=False
    )
    enabled: Mapped[bool] = mapped_column(nullable=False)

    __table_args__ = (db.UniqueConstraint("user_id", "event"),)


class OutboundMail(db.Model):
    """One message to one staff member, rendered in their language when it was queued."""

    __tablename__ = "outbound_mails"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(db.ForeignKey("users.id"), nullable=False, index=True)
    event: Mapped[NotificationEvent] = mapped_column(
        db.Enum(NotificationEvent, native_enum=False, length=30), nullable=False
    )
    #: The same occurrence of an event is never queued twice for the same person.
    dedupe_key: Mapped[str] = mapped_column(db.String(200), unique=True, nullable=False)
    to_address: Mapped[str] = mapped_column(db.String(254), nullable=False)
    language: Mapped[str] = mapped_column(db.String(16), nullable=False)
    subject: Mapped[str] = mapped_column(db.String(300), nullable=False)
    body: Mapped[str] = mapped_column(db.Text, nullable=False)
    created_at = mapped_column(db.DateTime(timezone=True), default=utcnow, nullable=False)
    attempts: Mapped[int] = mapped_column(default=0, nullable=False)
    #: When the next delivery attempt is due; None once sent.
    next_attempt_at = mapped_column(db.DateTime(timezone=True), default=utcnow, index=True)
    #: A sender holds a message until then, so two senders never deliver the same one.
    claimed_until = mapped_column(db.DateTime(timezone=True))
    sent_at = mapped_column(db.DateTime(timezone=True))
    last_error: Mapped[str | None] = mapped_column(db.String(300))
