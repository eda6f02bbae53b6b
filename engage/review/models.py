"""Theme runs and what people decide about themes.

An AnalysisRun is one pass of the theme engine over an engagement's contributions (open answers
and forum posts); it is also the job record a worker claims. Its themes and assignments are what
the engine said, plus what people changed. ThemeDecision rows are a person's word about one
contribution (moved, off-topic, pinned as a quote); they outlive runs and are applied again on
top of every new run. Cached vectors make re-runs cheap.
"""

import enum

from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..models_base import utcnow


class RunStatus(enum.StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class ThemeStatus(enum.StrEnum):
    CANDIDATE = "candidate"
    ACCEPTED = "accepted"
    MERGED = "merged"
    OFF_TOPIC = "off_topic"


class DecisionKind(enum.StrEnum):
    MOVE = "move"
    OFF_TOPIC = "off_topic"
    PIN = "pin"


class AnalysisRun(db.Model):
    __tablename__ = "analysis_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    engagement_id: Mapped[int] = mapped_column(
        db.ForeignKey("engagements.id"), nullable=False, index=True
    )
    status: Mapped[RunStatus] = mapped_column(
        db.Enum(RunStatus, native_enum=False, length=20), default=RunStatus.QUEUED, nullable=False
    )
    #: 0 to 100, with a short message of the current step.
    progress: Mapped[int] = mapped_column(default=0, nullable=False)
    message: Mapped[str] = mapped_column(db.String(200), default="", nullable=False)
    #: Questions, languages, forum posts on or off, seed, number of themes asked for.
    parameters = mapped_column(db.JSON, nullable=False, default=dict)
    engine_version: Mapped[str] = mapped_column(db.String(20), default="", nullable=False)
    encoder: Mapped[str] = mapped_column(db.String(80), default="", nullable=False)
    metrics = mapped_column(db.JSON, nullable=False, default=dict)
    #: Compared with the previous finished run: kept, grown, new and dissolved themes.
    comparison = mapped_column(db.JSON, nullable=False, default=dict)
    started_by_id: Mapped[int | None] = mapped_column(db.ForeignKey("users.id"))
    created_at = mapped_column(db.DateTime(timezone=True), default=utcnow, nullable=False)
    started_at = mapped_column(db.DateTime(timezone=True))
    finished_at = mapped_column(db.DateTime(timezone=True))

    started_by = relationship("User")
    themes = relationship(
        "Theme", back_populates="run", cascade="all, delete-orphan", order_by="Theme.position"
    )


class Theme(db.Model):
    __tablename__ = "themes"

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(
        db.ForeignKey("analysis_runs.id"), nullable=False, index=True
    )
    #: Identity across runs (the engine's key, kept for themes a person accepted or edited).
    key: Mapped[str] = mapped_column(db.String(64), nullable=False)
    position: Mapped[int] = mapped_column(default=0, nullable=False)
    label: Mapped[str] = mapped_column(db.String(200), nullable=False)
    #: A person's label in other languages: {language code: label}.
    translations = mapped_column(db.JSON, nullable=False, default=dict)
    #: What the engine called it, kept when a person renames it.
    engine_label: Mapped[str] = mapped_column(db.String(200), default="", nullable=False)
    keywords = mapped_column(db.JSON, nullable=False, default=list)
    status: Mapped[ThemeStatus] = mapped_column(
        db.Enum(ThemeStatus, native_enum=False, length=20),
        default=ThemeStatus.CANDIDATE,
        nullable=False,
    )
    merged_into_id: Mapped[int | None] = mapped_column(db.ForeignKey("themes.id"))
    #: True once a person has accepted, renamed, merged into or split it: it keeps its identity.
    edited: Mapped[bool] = mapped_column(default=False, nullable=False)
    centroid = mapped_column(db.JSON)
    threshold: Mapped[float | None] = mapped_column()
    #: The engine's phrase label per language: {language code: phrase}.
    engine_labels = mapped_column(db.JSON, nullable=False, default=dict)
    #: Share of members that use the label's key word (0-1), and how alike they are (0-1).
    label_share: Mapped[float | None] = mapped_column()
    cohesion: Mapped[float | None] = mapped_column()
    #: The members do not cohere (or share no phrase): shown as "mixed / no clear theme".
    mixed: Mapped[bool] = mapped_column(default=False, nullable=False)
    #: Key of a larger theme of the same run this one is probably the same as.
    similar_to: Mapped[str | None] = mapped_column(db.String(64))

    run = relationship("AnalysisRun", back_populates="themes")
    assignments = relationship(
        "ThemeAssignment", back_populates="theme", cascade="all, delete-orphan"
    )

    __table_args__ = (db.UniqueConstraint("run_id", "key"),)

    def label_in(self, language: str) -> str:
        """The label a reader of ``language`` ("es", "zh_Hans") sees: a person's own word in
        that language, else (unless a person renamed it) the engine's phrase in it."""
        translations = self.translations or {}
        if language in translations:
            return translations[language]
        base = language.replace("-", "_").split("_")[0].lower()
        if not self.edited or self.label == self.engine_label:
            phrase = (self.engine_labels or {}).get(base)
            if phrase:
                return phrase
        return self.label


class ThemeAssignment(db.Model):
    """One contribution in one theme of a run ("a:12" is answer 12, "p:7" forum post 7)."""

    __tablename__ = "theme_assignments"

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(
        db.ForeignKey("analysis_runs.id"), nullable=False, index=True
    )
    theme_id: Mapped[int | None] = mapped_column(db.ForeignKey("themes.id"), index=True)
    contribution: Mapped[str] = mapped_column(db.String(40), nullable=False)
    #: The answer behind an "a:" contribution, for counting by group in SQL.
    answer_id: Mapped[int | None] = mapped_column(db.ForeignKey("answers.id"), index=True)
    #: The forum post behind a "p:" contribution.
    post_id: Mapped[int | None] = mapped_column(index=True)
    #: "engine" or "person".
    source: Mapped[str] = mapped_column(db.String(10), default="engine", nullable=False)
    off_topic: Mapped[bool] = mapped_column(default=False, nullable=False)
    pinned: Mapped[bool] = mapped_column(default=False, nullable=False)
    #: Whether the engine had put it in a theme ("representative" quotes are marked too).
    representative: Mapped[bool] = mapped_column(default=False, nullable=False)

    theme = relationship("Theme", back_populates="assignments")

    __table_args__ = (db.UniqueConstraint("run_id", "contribution"),)


class ThemeDecision(db.Model):
    """A person's word about one contribution; applied again after every run."""

    __tablename__ = "theme_decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    engagement_id: Mapped[int] = mapped_column(
        db.ForeignKey("engagements.id"), nullable=False, index=True
    )
    contribution: Mapped[str] = mapped_column(db.String(40), nullable=False)
    kind: Mapped[DecisionKind] = mapped_column(
        db.Enum(DecisionKind, native_enum=False, length=20), nullable=False
    )
    #: Key of the theme it was moved to or pinned in.
    theme_key: Mapped[str | None] = mapped_column(db.String(64))
    #: Key of the theme the engine had put it in, for the record.
    engine_theme_key: Mapped[str | None] = mapped_column(db.String(64))
    actor_id: Mapped[int | None] = mapped_column(db.ForeignKey("users.id"))
    created_at = mapped_column(db.DateTime(timezone=True), default=utcnow, nullable=False)

    __table_args__ = (db.UniqueConstraint("engagement_id", "contribution", "kind"),)


class ContributionVector(db.Model):
    """The encoder's vector for one contribution's text, so a re-run does not encode again."""

    __tablename__ = "contribution_vectors"

    id: Mapped[int] = mapped_column(primary_key=True)
    contribution: Mapped[str] = mapped_column(db.String(40), nullable=False)
    encoder: Mapped[str] = mapped_column(db.String(80), nullable=False)
    #: SHA-256 of the text: an edited text is encoded again.
    text_hash: Mapped[str] = mapped_column(db.String(64), nullable=False)
    vector: Mapped[bytes] = mapped_column(db.LargeBinary, nullable=False)

    __table_args__ = (db.UniqueConstraint("contribution", "encoder"),)
