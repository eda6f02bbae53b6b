"""Surveys, their questions and options, and the responses families submit.

Text written by the district is stored per language as JSON ``{language code: text}``.
A response stores the language it was answered in and the time, never an IP address or a name.
An open answer is shown to other participants (to rate) only if its writer ticked the box.
"""

import enum
from types import SimpleNamespace

from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..models_base import utcnow


class QuestionKind(enum.StrEnum):
    SINGLE = "single"
    MULTIPLE = "multiple"
    LIKERT = "likert"
    RANK = "rank"
    OPEN = "open"
    #: Several statements answered on one scale: one Answer row per statement.
    GRID = "grid"
    NUMBER = "number"
    YESNO = "yesno"
    DROPDOWN = "dropdown"
    #: A section heading with a paragraph; it takes no answer.
    HEADING = "heading"


class SurveyStatus(enum.StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"


class ResponseSource(enum.StrEnum):
    WEB = "web"
    PAPER = "paper"
    PHONE = "phone"
    MEETING = "meeting"


class Survey(db.Model):
    __tablename__ = "surveys"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(db.String(80), nullable=False)
    version: Mapped[int] = mapped_column(nullable=False, default=1)
    engagement_id: Mapped[int | None] = mapped_column(db.ForeignKey("engagements.id"))
    status: Mapped[SurveyStatus] = mapped_column(
        db.Enum(SurveyStatus, native_enum=False, length=20),
        default=SurveyStatus.OPEN,
        nullable=False,
    )
    default_language: Mapped[str] = mapped_column(db.String(16), nullable=False)
    #: Language codes the survey is written in.
    languages = mapped_column(db.JSON, nullable=False)
    title = mapped_column(db.JSON, nullable=False)
    intro = mapped_column(db.JSON, nullable=False, default=dict)
    #: Text shown on the thank-you page: what happens next.
    next_steps = mapped_column(db.JSON, nullable=False, default=dict)
    #: SHA-256 of the TOML it was imported from, to tell a re-import that changes nothing.
    content_hash: Mapped[str] = mapped_column(db.String(64), nullable=False)
    #: SHA-256 of the file, once the engagement's schools or groups changed the choices of a
    #: mapped question (`content_hash` then covers those choices too, so the answering pages
    #: reload the version); None while `content_hash` is the file's own.
    file_hash: Mapped[str | None] = mapped_column(db.String(64))
    source_file: Mapped[str] = mapped_column(db.String(255), nullable=False)
    #: The TOML this version was imported or opened from, so exporting or editing it starts
    #: from what was written. Deferred: only the editor and the export read it.
    source_text = mapped_column(db.Text, deferred=True)
    imported_at = mapped_column(db.DateTime(timezone=True), default=utcnow, nullable=False)

    engagement = relationship("Engagement", back_populates="surveys")
    questions = relationship(
        "Question",
        back_populates="survey",
        order_by="Question.position",
        cascade="all, delete-orphan",
    )

    __table_args__ = (db.UniqueConstraint("slug", "version"),)


class Question(db.Model):
    __tablename__ = "questions"

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(db.ForeignKey("surveys.id"), nullable=False)
    key: Mapped[str] = mapped_column(db.String(80), nullable=False)
    position: Mapped[int] = mapped_column(nullable=False)
    kind: Mapped[QuestionKind] = mapped_column(
        db.Enum(QuestionKind, native_enum=False, length=20), nullable=False
    )
    required: Mapped[bool] = mapped_column(default=False, nullable=False)
    #: Demographic questions are always optional and shown under their own heading.
    demographic: Mapped[bool] = mapped_column(default=False, nullable=False)
    #: Copies the answer into a Response column for dashboards: role, school or home_language.
    maps_to: Mapped[str | None] = mapped_column(db.String(40))
    section = mapped_column(db.JSON, nullable=False, default=dict)
    text = mapped_column(db.JSON, nullable=False)
    help = mapped_column(db.JSON, nullable=False, default=dict)
    #: Multiple choice: most options a person may tick. Rank: how many places to fill.
    max_choices: Mapped[int | None] = mapped_column()
    max_length: Mapped[int | None] = mapped_column()
    #: The survey file's newer keys, as written there: allow_other, statements (a grid's rows,
    #: [{value, text}]), min_value, max_value, new_page, show_if. Absent keys are defaults.
    settings = mapped_column(db.JSON, nullable=False, default=dict, server_default="{}")

    survey = relationship("Survey", back_populates="questions")
    options = relationship(
        "Option",
        back_populates="question",
        order_by="Option.position",
        cascade="all, delete-orphan",
    )

    __table_args__ = (db.UniqueConstraint("survey_id", "key"),)

    @property
    def allow_other(self) -> bool:
        return bool((self.settings or {}).get("allow_other"))

    @property
    def statements(self) -> list[SimpleNamespace]:
        """A grid's rows, each with `value`, `position` and `text` (as an Option has)."""
        rows = (self.settings or {}).get("statements") or ()
        return [
            SimpleNamespace(value=row["value"], position=position, text=row.get("text") or {})
            for position, row in enumerate(rows)
        ]

    @property
    def min_value(self) -> int | None:
        return (self.settings or {}).get("min_value")

    @property
    def max_value(self) -> int | None:
        return (self.settings or {}).get("max_value")

    @property
    def new_page(self) -> bool:
        return bool((self.settings or {}).get("new_page"))

    @property
    def show_if(self) -> dict | None:
        return (self.settings or {}).get("show_if")

    @property
    def may_be_shared(self) -> bool:
        """An open question whose answers may be shown to other participants to rate, if the
        person who wrote one allows it (demographic and dashboard questions never are)."""
        return self.kind == QuestionKind.OPEN and not self.demographic and not self.maps_to


class Option(db.Model):
    __tablename__ = "options"

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(db.ForeignKey("questions.id"), nullable=False)
    value: Mapped[str] = mapped_column(db.String(80), nullable=False)
    position: Mapped[int] = mapped_column(nullable=False)
    text = mapped_column(db.JSON, nullable=False)

    question = relationship("Question", back_populates="options")

    __table_args__ = (db.UniqueConstraint("question_id", "value"),)


class Response(db.Model):
    __tablename__ = "responses"

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(db.ForeignKey("surveys.id"), nullable=False, index=True)
    #: Language the person answered in.
    language: Mapped[str] = mapped_column(db.String(16), nullable=False, index=True)
    submitted_at = mapped_column(db.DateTime(timezone=True), default=utcnow, nullable=False)
    source: Mapped[ResponseSource] = mapped_column(
        db.Enum(ResponseSource, native_enum=False, length=20),
        default=ResponseSource.WEB,
        nullable=False,
    )
    #: Short code shown to the person on the thank-you page.
    receipt_code: Mapped[str] = mapped_column(db.String(16), unique=True, nullable=False)
    #: Random token rendered into the form: a second submit of the same form finds this row.
    submission_token: Mapped[str] = mapped_column(db.String(64), unique=True, nullable=False)
    #: The outreach channel tag the person arrived through (``flyer-so``), from a fixed list.
    channel: Mapped[str | None] = mapped_column(db.String(24), index=True)
    #: The paper sheet this response was typed in from (``K7QM-07``), so no sheet counts twice.
    paper_sheet: Mapped[str | None] = mapped_column(db.String(16), unique=True)
    role: Mapped[str | None] = mapped_column(db.String(40), index=True)
    school: Mapped[str | None] = mapped_column(db.String(80), index=True)
    home_language: Mapped[str | None] = mapped_column(db.String(40))

    survey = relationship("Survey")
    answers = relationship("Answer", back_populates="response", cascade="all, delete-orphan")


class Answer(db.Model):
    """One row per chosen option (a multiple-choice answer has several), per ranked place,
    per grid statement, or per open or number answer, so dashboards can count in SQL.

    "Other, please specify" is the option value "other" with what was written in `text`."""

    __tablename__ = "answers"

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(
        db.ForeignKey("responses.id"), nullable=False, index=True
    )
    question_id: Mapped[int] = mapped_column(
        db.ForeignKey("questions.id"), nullable=False, index=True
    )
    option_value: Mapped[str | None] = mapped_column(db.String(80))
    #: 1 for a first choice in a ranking question.
    rank: Mapped[int | None] = mapped_column()
    text: Mapped[str | None] = mapped_column(db.Text)
    #: Grid: the statement (row) this option was chosen for.
    statement: Mapped[str | None] = mapped_column(db.String(80))
    #: Number questions: the whole number given.
    number: Mapped[int | None] = mapped_column()
    #: The person allowed this open answer to be shown, without their name, to other
    #: participants to rate. Off unless they ticked the box.
    shareable: Mapped[bool] = mapped_column(
        default=False, server_default=db.false(), nullable=False
    )
    #: Why automatic checks keep a shareable answer off the rating page ("link", "contact").
    hold_reason: Mapped[str | None] = mapped_column(db.String(20))

    response = relationship("Response", back_populates="answers")
    question = relationship("Question")
