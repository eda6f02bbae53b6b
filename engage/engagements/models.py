"""An engagement is one cycle of community input, with its own schools and groups of people;
the global schools table lists the district's buildings (the demo and older reports)."""

import enum

from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..models_base import utcnow


class EngagementStatus(enum.StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"


class Engagement(db.Model):
    __tablename__ = "engagements"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(db.String(80), unique=True, nullable=False)
    #: Name per language code.
    name = mapped_column(db.JSON, nullable=False, default=dict)
    #: Description per language code.
    description = mapped_column(db.JSON, default=dict)
    status: Mapped[EngagementStatus] = mapped_column(
        db.Enum(EngagementStatus, native_enum=False, length=20),
        default=EngagementStatus.DRAFT,
        nullable=False,
    )
    default_language: Mapped[str] = mapped_column(db.String(16), default="en", nullable=False)
    #: When the engagement stops taking answers; staff are reminded of under-heard groups before.
    closes_at = mapped_column(db.DateTime(timezone=True))
    opens_at = mapped_column(db.DateTime(timezone=True))
    #: Set when staff archive it: it leaves the lists, its public links keep working.
    archived_at = mapped_column(db.DateTime(timezone=True))
    created_at = mapped_column(db.DateTime(timezone=True), default=utcnow, nullable=False)

    surveys = relationship("Survey", back_populates="engagement")
    groups = relationship(
        "EngagementGroup",
        back_populates="engagement",
        order_by="EngagementGroup.position",
        cascade="all, delete-orphan",
    )


class GroupKind(enum.StrEnum):
    """What an engagement group is; each kind feeds the survey question mapped to it."""

    SCHOOL = "school"
    ROLE = "role"


class EngagementGroup(db.Model):
    """One of an engagement's schools, or one of the groups people answer as (parent,
    student...). It is the source of the choices of its surveys' school or role question, of
    the dashboard's breakdown and of the codes enrollment targets may name."""

    __tablename__ = "engagement_groups"

    id: Mapped[int] = mapped_column(primary_key=True)
    engagement_id: Mapped[int] = mapped_column(
        db.ForeignKey("engagements.id"), nullable=False, index=True
    )
    kind: Mapped[GroupKind] = mapped_column(
        db.Enum(GroupKind, native_enum=False, length=20), nullable=False
    )
    #: The code answers store (the survey option's value), e.g. westview-high.
    code: Mapped[str] = mapped_column(db.String(80), nullable=False)
    #: Name per language code.
    name = mapped_column(db.JSON, nullable=False, default=dict)
    position: Mapped[int] = mapped_column(nullable=False, default=0)

    engagement = relationship("Engagement", back_populates="groups")

    __table_args__ = (db.UniqueConstraint("engagement_id", "kind", "code"),)


class School(db.Model):
    __tablename__ = "schools"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(db.String(40), unique=True, nullable=False)
    name: Mapped[str] = mapped_column(db.String(200), nullable=False)


class TargetDimension(enum.StrEnum):
    LANGUAGE = "language"
    SCHOOL = "school"


class EngagementTarget(db.Model):
    """How many enrolled families a group has, so the dashboard can compare who answered."""

    __tablename__ = "engagement_targets"

    id: Mapped[int] = mapped_column(primary_key=True)
    engagement_id: Mapped[int] = mapped_column(
        db.ForeignKey("engagements.id"), nullable=False, index=True
    )
    dimension: Mapped[TargetDimension] = mapped_column(
        db.Enum(TargetDimension, native_enum=False, length=20), nullable=False
    )
    #: A language code (en, es, ...) or a school code.
    group: Mapped[str] = mapped_column(db.String(80), nullable=False)
    enrolled: Mapped[int] = mapped_column(nullable=False)

    __table_args__ = (db.UniqueConstraint("engagement_id", "dimension", "group"),)
