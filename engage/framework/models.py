"""Competency frameworks, their numbered versions, and what the community and the board said.

A version is edited only while it is a draft; every later state is frozen. Competency text is
stored per language like all district-written content. Evidence links a competency to a theme
by the theme's key, which survives theme runs.
"""

import enum

from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..models_base import utcnow


class VersionStatus(enum.StrEnum):
    DRAFT = "draft"
    OPEN_FOR_COMMENT = "open_for_comment"
    IN_REVIEW = "in_review"
    CHANGES_REQUESTED = "changes_requested"
    APPROVED = "approved"
    SUPERSEDED = "superseded"


class VoteDecision(enum.StrEnum):
    APPROVE = "approve"
    REQUEST_CHANGES = "request_changes"
    ABSTAIN = "abstain"


class CommentStatus(enum.StrEnum):
    VISIBLE = "visible"
    HIDDEN = "hidden"


class Framework(db.Model):
    __tablename__ = "frameworks"

    id: Mapped[int] = mapped_column(primary_key=True)
    engagement_id: Mapped[int] = mapped_column(
        db.ForeignKey("engagements.id"), nullable=False, index=True
    )
    title = mapped_column(db.JSON, nullable=False, default=dict)
    created_at = mapped_column(db.DateTime(timezone=True), default=utcnow, nullable=False)

    engagement = relationship("Engagement")
    versions = relationship(
        "FrameworkVersion", back_populates="framework", order_by="FrameworkVersion.number"
    )


class FrameworkVersion(db.Model):
    __tablename__ = "framework_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    framework_id: Mapped[int] = mapped_column(db.ForeignKey("frameworks.id"), nullable=False)
    number: Mapped[int] = mapped_column(nullable=False)
    status: Mapped[VersionStatus] = mapped_column(
        db.Enum(VersionStatus, native_enum=False, length=30),
        default=VersionStatus.DRAFT,
        nullable=False,
    )
    based_on_id: Mapped[int | None] = mapped_column(db.ForeignKey("framework_versions.id"))
    created_at = mapped_column(db.DateTime(timezone=True), default=utcnow, nullable=False)
    #: When it left draft and could no longer change.
    frozen_at = mapped_column(db.DateTime(timezone=True))
    decided_at = mapped_column(db.DateTime(timezone=True))
    #: The board's count when it decided: {"members": 5, "approve": 3, ...}, kept so the published
    #: profile still says how the board voted after members come and go.
    board_tally = mapped_column(db.JSON)

    framework = relationship("Framework", back_populates="versions")
    competencies = relationship(
        "Competency",
        back_populates="version",
        order_by="Competency.position",
        cascade="all, delete-orphan",
    )
    votes = relationship("Vote", back_populates="version", cascade="all, delete-orphan")

    __table_args__ = (db.UniqueConstraint("framework_id", "number"),)


class Competency(db.Model):
    __tablename__ = "competencies"

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(
        db.ForeignKey("framework_versions.id"), nullable=False, index=True
    )
    position: Mapped[int] = mapped_column(default=0, nullable=False)
    #: Same competency across versions (for comparing versions side by side).
    lineage: Mapped[str] = mapped_column(db.String(32), nullable=False)
    name = mapped_column(db.JSON, nullable=False, default=dict)
    description = mapped_column(db.JSON, nullable=False, default=dict)
    #: {language: ["Grades K-5: explains their thinking to a partner", ...]}
    indicators = mapped_column(db.JSON, nullable=False, default=dict)

    version = relationship("FrameworkVersion", back_populates="competencies")
    evidence = relationship("Evidence", back_populates="competency", cascade="all, delete-orphan")


class Evidence(db.Model):
    __tablename__ = "evidence"

    id: Mapped[int] = mapped_column(primary_key=True)
    competency_id: Mapped[int] = mapped_column(
        db.ForeignKey("competencies.id"), nullable=False, index=True
    )
    theme_key: Mapped[str] = mapped_column(db.String(64), nullable=False)
    #: The theme's name when it was linked, shown if the theme is gone from later runs.
    theme_label: Mapped[str] = mapped_column(db.String(200), nullable=False)

    competency = relationship("Competency", back_populates="evidence")

    __table_args__ = (db.UniqueConstraint("competency_id", "theme_key"),)


class DismissedSuggestion(db.Model):
    """An accepted theme a facilitator chose not to turn into a competency."""

    __tablename__ = "dismissed_suggestions"

    id: Mapped[int] = mapped_column(primary_key=True)
    framework_id: Mapped[int] = mapped_column(db.ForeignKey("frameworks.id"), nullable=False)
    theme_key: Mapped[str] = mapped_column(db.String(64), nullable=False)

    __table_args__ = (db.UniqueConstraint("framework_id", "theme_key"),)


class PublicComment(db.Model):
    """A community member's comment on a competency of a version open for comment."""

    __tablename__ = "public_comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(
        db.ForeignKey("framework_versions.id"), nullable=False, index=True
    )
    competency_id: Mapped[int] = mapped_column(db.ForeignKey("competencies.id"), nullable=False)
    language: Mapped[str] = mapped_column(db.String(16), nullable=False)
    body: Mapped[str] = mapped_column(db.Text, nullable=False)
    status: Mapped[CommentStatus] = mapped_column(
        db.Enum(CommentStatus, native_enum=False, length=20),
        default=CommentStatus.VISIBLE,
        nullable=False,
    )
    created_at = mapped_column(db.DateTime(timezone=True), default=utcnow, nullable=False)

    competency = relationship("Competency")


class BoardComment(db.Model):
    __tablename__ = "board_comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(
        db.ForeignKey("framework_versions.id"), nullable=False, index=True
    )
    competency_id: Mapped[int | None] = mapped_column(db.ForeignKey("competencies.id"))
    author_id: Mapped[int] = mapped_column(db.ForeignKey("users.id"), nullable=False)
    body: Mapped[str] = mapped_column(db.Text, nullable=False)
    created_at = mapped_column(db.DateTime(timezone=True), default=utcnow, nullable=False)

    author = relationship("User")


class Vote(db.Model):
    """A board member's vote. One per member per version; only board members' votes count."""

    __tablename__ = "votes"

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(
        db.ForeignKey("framework_versions.id"), nullable=False, index=True
    )
    voter_id: Mapped[int] = mapped_column(db.ForeignKey("users.id"), nullable=False)
    decision: Mapped[VoteDecision] = mapped_column(
        db.Enum(VoteDecision, native_enum=False, length=20), nullable=False
    )
    comment: Mapped[str] = mapped_column(db.Text, default="", nullable=False)
    #: The admin who recorded this member's vote (taken at a public meeting); None when the
    #: member cast it themselves.
    recorded_by_id: Mapped[int | None] = mapped_column(db.ForeignKey("users.id"))
    created_at = mapped_column(db.DateTime(timezone=True), default=utcnow, nullable=False)

    version = relationship("FrameworkVersion", back_populates="votes")
    voter = relationship("User", foreign_keys=[voter_id])
    recorded_by = relationship("User", foreign_keys=[recorded_by_id])

    __table_args__ = (db.UniqueConstraint("version_id", "voter_id"),)
