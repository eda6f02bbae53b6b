"""A batch of paper sheets: one survey version, one language, handed out at one place."""

from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..models_base import utcnow


class PaperBatch(db.Model):
    __tablename__ = "paper_batches"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Printed on every sheet (``K7QM``): capital letters and digits without look-alikes.
    code: Mapped[str] = mapped_column(db.String(8), unique=True, nullable=False)
    survey_id: Mapped[int] = mapped_column(db.ForeignKey("surveys.id"), nullable=False, index=True)
    language: Mapped[str] = mapped_column(db.String(16), nullable=False)
    #: Where the sheets are handed out, as staff typed it ("Laundromat on 5th"): free text.
    place: Mapped[str] = mapped_column(db.String(120), nullable=False)
    #: How many sheets were printed; sheet numbers run from 1 to this.
    sheets: Mapped[int] = mapped_column(nullable=False)
    created_by_id: Mapped[int | None] = mapped_column(db.ForeignKey("users.id"))
    created_at = mapped_column(db.DateTime(timezone=True), default=utcnow, nullable=False)

    survey = relationship("Survey")
    created_by = relationship("User")
