"""Forum threads and posts, the endorsements and reports people leave on posts, and the ratings
people give to other people's open survey answers.

Nothing here identifies a person: the "browser" behind an endorsement, a report or a rating is
stored only as a keyed hash of a random id kept in the visitor's signed session cookie, and no
IP address is stored anywhere. A thread's prompt is district-written text, stored per language.
"""

import enum

from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..models_base import utcnow


class ThreadStatus(enum.StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class Moderation(enum.StrEnum):
    #: Posts wait for a facilitator's approval before anyone sees them.
    PRE = "pre"
    #: Posts appear at once; facilitators review what is reported.
    POST = "post"


class PostStatus(enum.StrEnum):
    VISIBLE = "visible"
    PENDING = "pending"
    HIDDEN = "hidden"


class ReportReason(enum.StrEnum):
    SPAM = "spam"
    OFFENSIVE = "offensive"
    PERSONAL = "personal"
    OFF_TOPIC = "off_topic"
    OTHER = "other"


class Thread(db.Model):
    __tablename__ = "forum_threads"

    id: Mapped[int] = mapped_column(primary_key=True)
    engagement_id: Mapped[int] = mapped_column(
        db.ForeignKey("engagements.id"), nullable=False, index=True
    )
    slug: Mapped[str] = mapped_column(db.String(80), unique=True, nullable=False)
    #: The question the district asks, per language code.
    prompt = mapped_column(db.JSON, nullable=False, default=dict)
    status: Mapped[ThreadStatus] = mapped_column(
        db.Enum(ThreadStatus, native_enum=False, length=20),
        default=ThreadStatus.OPEN,
        nullable=False,
    )
    moderation: Mapped[Moderation] = mapped_column(
        db.Enum(Moderation, native_enum=False, length=20),
        default=Moderation.POST,
        nullable=False,
    )
    created_at = mapped_column(db.DateTime(timezone=True), default=utcnow, nullable=False)

    engagement = relationship("Engagement")
    posts = relationship("Post", back_populates="thread", cascade="all, delete-orphan")


class Post(db.Model):
    __tablename__ = "forum_posts"

    id: Mapped[int] = mapped_column(primary_key=True)
    thread_id: Mapped[int] = mapped_column(
        db.ForeignKey("forum_threads.id"), nullable=False, index=True
    )
    #: The post this one replies to; replies are one level deep.
    parent_id: Mapped[int | None] = mapped_column(db.ForeignKey("forum_posts.id"), index=True)
    #: Language the poster says they wrote in.
    language: Mapped[str] = mapped_column(db.String(16), nullable=False, index=True)
    body: Mapped[str] = mapped_column(db.Text, nullable=False)
    display_name: Mapped[str | None] = mapped_column(db.String(60))
    status: Mapped[PostStatus] = mapped_column(
        db.Enum(PostStatus, native_enum=False, length=20),
        default=PostStatus.VISIBLE,
        nullable=False,
        index=True,
    )
    #: Shown to readers in place of a hidden post.
    hidden_reason: Mapped[str | None] = mapped_column(db.String(300))
    created_at = mapped_column(db.DateTime(timezone=True), default=utcnow, nullable=False)
    #: SHA-256 of the normalised body, to refuse an exact repeat of a recent post.
    body_hash: Mapped[str] = mapped_column(db.String(64), nullable=False, index=True)

    thread = relationship("Thread", back_populates="posts")
    parent = relationship("Post", remote_side=[id])
    endorsements = relationship("Endorsement", cascade="all, delete-orphan")
    reports = relationship("Report", back_populates="post", cascade="all, delete-orphan")


class Endorsement(db.Model):
    """ "This matters to me": one per browser per post."""

    __tablename__ = "forum_endorsements"

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(
        db.ForeignKey("forum_posts.id"), nullable=False, index=True
    )
    #: HMAC of the browser id (never the id itself).
    browser_key: Mapped[str] = mapped_column(db.String(64), nullable=False)
    created_at = mapped_column(db.DateTime(timezone=True), default=utcnow, nullable=False)

    __table_args__ = (db.UniqueConstraint("post_id", "browser_key"),)


class Report(db.Model):
    __tablename__ = "forum_reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(
        db.ForeignKey("forum_posts.id"), nullable=False, index=True
    )
    reason: Mapped[ReportReason] = mapped_column(
        db.Enum(ReportReason, native_enum=False, length=20), nullable=False
    )
    details: Mapped[str | None] = mapped_column(db.String(500))
    browser_key: Mapped[str] = mapped_column(db.String(64), nullable=False)
    #: HMAC of the reporter's address (never the address): fresh cookies from one address
    #: count once towards holding a post.
    address_key: Mapped[str | None] = mapped_column(db.String(64))
    created_at = mapped_column(db.DateTime(timezone=True), default=utcnow, nullable=False)
    #: Set when a facilitator acts on the post; only open reports count towards hiding it.
    resolved_at = mapped_column(db.DateTime(timezone=True))

    post = relationship("Post", back_populates="reports")

    __table_args__ = (db.UniqueConstraint("post_id", "browser_key"),)


class AnswerRating(db.Model):
    """How much a person who answered a survey agrees with someone else's open answer."""

    __tablename__ = "answer_ratings"

    id: Mapped[int] = mapped_column(primary_key=True)
    answer_id: Mapped[int] = mapped_column(db.ForeignKey("answers.id"), nullable=False, index=True)
    #: 1 agree, 0 not sure, -1 disagree.
    value: Mapped[int] = mapped_column(nullable=False)
    browser_key: Mapped[str] = mapped_column(db.String(64), nullable=False)
    created_at = mapped_column(db.DateTime(timezone=True), default=utcnow, nullable=False)

    __table_args__ = (
        db.UniqueConstraint("answer_id", "browser_key"),
        db.CheckConstraint("value in (-1, 0, 1)", name="value_range"),
    )
