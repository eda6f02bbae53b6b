"""A translation of one contribution (an answer, a forum post or a public comment)."""

from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..models_base import utcnow


class Translation(db.Model):
    """``contribution`` is the reference the theme engine uses: "a:12" is answer 12, "p:7"
    forum post 7, "c:3" public comment 3. One translation per contribution and language; a
    correction replaces the text and the audit log keeps what it said before."""

    __tablename__ = "contribution_translations"

    id: Mapped[int] = mapped_column(primary_key=True)
    contribution: Mapped[str] = mapped_column(db.String(40), nullable=False, index=True)
    engagement_id: Mapped[int] = mapped_column(
        db.ForeignKey("engagements.id"), nullable=False, index=True
    )
    source_language: Mapped[str] = mapped_column(db.String(16), nullable=False)
    language: Mapped[str] = mapped_column(db.String(16), nullable=False)
    text: Mapped[str] = mapped_column(db.Text, nullable=False)
    #: True while the text is a machine's and no person has confirmed or corrected it.
    machine: Mapped[bool] = mapped_column(default=False, nullable=False)
    #: The machine service that wrote it (kept after a person confirms it).
    service: Mapped[str | None] = mapped_column(db.String(120))
    translator_id: Mapped[int | None] = mapped_column(db.ForeignKey("users.id"))
    created_at = mapped_column(db.DateTime(timezone=True), default=utcnow, nullable=False)
    updated_at = mapped_column(db.DateTime(timezone=True), default=utcnow, nullable=False)

    translator = relationship("User")

    __table_args__ = (db.UniqueConstraint("contribution", "language"),)
