"""A survey being written in the browser: the survey file's content as a dict, not yet open.

`document` holds exactly what `tomllib` gives for a survey file (see surveys/*.toml), so a
draft can be written out as a file, and a file read in as a draft, without translation.
A draft may be incomplete (texts missing in some languages); opening it runs the real loader.
"""

from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..models_base import utcnow


class SurveyDraft(db.Model):
    __tablename__ = "survey_drafts"

    id: Mapped[int] = mapped_column(primary_key=True)
    engagement_id: Mapped[int] = mapped_column(
        db.ForeignKey("engagements.id"), nullable=False, index=True
    )
    #: One draft per survey slug: it carries on after each opening, for the next version.
    slug: Mapped[str] = mapped_column(db.String(80), unique=True, nullable=False)
    document = mapped_column(db.JSON, nullable=False)
    #: Bumped on every save; an edit made from an older revision is refused, not overwritten.
    revision: Mapped[int] = mapped_column(nullable=False, default=1)
    #: The survey version this draft started from or was last opened as (None: never opened).
    based_on_version: Mapped[int | None] = mapped_column()
    #: The revision that was last opened, to tell whether the draft has changes since.
    opened_revision: Mapped[int | None] = mapped_column()
    updated_by_id: Mapped[int | None] = mapped_column(db.ForeignKey("users.id"))
    updated_at = mapped_column(db.DateTime(timezone=True), default=utcnow, nullable=False)

    engagement = relationship("Engagement")
    updated_by = relationship("User")
