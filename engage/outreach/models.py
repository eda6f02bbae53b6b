"""Short links: a few letters that stand for one survey, one language and one channel."""

from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ..models_base import utcnow


class ShortLink(db.Model):
    __tablename__ = "short_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: What goes after /s/ in the link: lower-case letters and digits without look-alikes.
    code: Mapped[str] = mapped_column(db.String(12), unique=True, nullable=False)
    survey_slug: Mapped[str] = mapped_column(db.String(80), nullable=False)
    language: Mapped[str] = mapped_column(db.String(16), nullable=False)
    #: A channel tag from engage.outreach.channels, never free text.
    channel: Mapped[str] = mapped_column(db.String(24), nullable=False)
    created_at = mapped_column(db.DateTime(timezone=True), default=utcnow, nullable=False)

    __table_args__ = (db.UniqueConstraint("survey_slug", "language", "channel"),)
