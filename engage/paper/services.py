"""Paper verbs: making a batch of numbered sheets, laying a survey out for pen, reading what
staff type from a returned sheet, and storing it as a response.

A sheet is numbered ``<batch code>-<sheet number>`` (``K7QM-07``). Each question and each option
is numbered on paper in the survey's own order, and the entry screen takes those same numbers,
so the staff member typing a stack in never has to translate the paper back to option values.
"""

from __future__ import annotations

import re
import secrets
import unicodedata
from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from ..audit import record_event
from ..engagements.services import is_closed
from ..extensions import db
from ..outreach.channels import paper_tag
from ..surveys import services as survey_services
from ..surveys.models import (
    Option,
    Question,
    QuestionKind,
    Response,
    ResponseSource,
    Survey,
    SurveyStatus,
)
from ..text import clean_text
from .models import PaperBatch

# No 0/O, 1/I/L: a code read off a crumpled sheet, or over the phone, is unambiguous.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 4
MAX_SHEETS = 500
MAX_PLACE_LENGTH = 120
#: A batch code on its own, or a whole sheet code, as staff may type either.
SHEET_CODE = re.compile(r"^\s*([A-Za-z0-9]{4})(?:\s*[-–—\s]\s*(\d{1,3}))?\s*$")
#: How option numbers may be separated when typed: spaces, commas, semicolons, slashes, dots.
SEPARATORS = re.compile(r"[\s,;/.、،]+")


class PaperEntryError(ValueError):
    """What staff typed for a question cannot be what the sheet says; `args[0]` is the message
    (a lazy gettext string), shown beside the field."""


@dataclass(frozen=True)
class PaperQuestion:
    """A question as printed: its number on paper and its options numbered from 1."""

    number: int
    question: Question
    options: list[tuple[int, Option]]

    @property
    def kind(self) -> QuestionKind:
        return self.question.kind

    @property
    def places(self) -> int:
        """Ranking: how many places to fill (as on the web form)."""
        return self.question.max_choices or 3


def paper_questions(survey: Survey) -> list[PaperQuestion]:
    """Every question of the survey, in its order, numbered as the paper numbers them."""
    return [
        PaperQuestion(
            number=number,
            question=question,
            options=[(i, option) for i, option in enumerate(question.options, 1)],
        )
        for number, question in enumerate(
            (q for q in survey.questions if q.kind != QuestionKind.HEADING), 1
        )
    ]


def new_batch_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def create_batch(survey: Survey, language: str, place: str, sheets: int, actor) -> PaperBatch:
    """A new batch of `sheets` sheets of `survey` in `language`, handed out at `place`."""
    place = clean_text(place, multiline=False)[:MAX_PLACE_LENGTH]
    if not place or not 1 <= sheets <= MAX_SHEETS:
        raise ValueError("a batch needs a place and between 1 and MAX_SHEETS sheets")
    for _attempt in range(10):
        batch = PaperBatch(
            code=new_batch_code(),
            survey=survey,
            language=language,
            place=place,
            sheets=sheets,
            created_by_id=getattr(actor, "id", None),
        )
        try:
            with db.session.begin_nested():
                db.session.add(batch)
        except IntegrityError:
            continue  # the code is taken (rare): draw another
        record_event(actor, "paper.batch_created", batch, {"code": batch.code, "sheets": sheets})
        return batch
    raise RuntimeError("could not find a free batch code")


def find_batch(code: str | None) -> PaperBatch | None:
    """The batch a typed code names (``k7qm``, ``K7QM`` or a sheet code ``K7QM-07``), or None."""
    match = SHEET_CODE.match(code or "")
    if match is None:
        return None
    return db.session.scalar(select(PaperBatch).filter_by(code=match.group(1).upper()))


def list_batches(limit: int = 50) -> list[PaperBatch]:
    query = select(PaperBatch).order_by(PaperBatch.created_at.desc(), PaperBatch.id.desc())
    return list(db.session.scalars(query.limit(limit)))


def sheet_code(batch: PaperBatch, number: int) -> str:
    return f"{batch.code}-{number:02d}"


def entered_sheet_numbers(batch: PaperBatch) -> set[int]:
    codes = db.session.scalars(
        select(Response.paper_sheet).where(Response.paper_sheet.like(f"{batch.code}-%"))
    )
    return {int(code.rpartition("-")[2]) for code in codes}


def entered_counts(batches: list[PaperBatch]) -> dict[int, int]:
    """Batch id -> how many of its sheets have been typed in."""
    by_code = {batch.code: batch.id for batch in batches}
    if not by_code:
        return {}
    prefix = func.substr(Response.paper_sheet, 1, CODE_LENGTH)
    rows = db.session.execute(
        select(prefix, func.count(Response.id))
        .where(Response.paper_sheet.is_not(None), prefix.in_(list(by_code)))
        .group_by(prefix)
    ).all()
    counts = dict.fromkeys(by_code.values(), 0)
    for code, number in rows:
        counts[by_code[code]] = number
    return counts


def next_sheet_number(batch: PaperBatch, after: int = 0) -> int | None:
    """The first sheet after `after` not typed in yet (wrapping round), or None when all are."""
    entered = entered_sheet_numbers(batch)
    after = min(max(after, 0), batch.sheets)  # a typed-in ?after= must not make a long loop
    for number in [*range(after + 1, batch.sheets + 1), *range(1, after + 1)]:
        if number not in entered:
            return number
    return None


def sheet_is_entered(code: str) -> bool:
    return db.session.scalar(select(Response.id).filter_by(paper_sheet=code)) is not None


def read_numbers(typed: str) -> list[int]:
    """The numbers in what was typed ("1 3", "1,3", "٣ ١"); PaperEntryError if any is not one."""
    tokens = [token for token in SEPARATORS.split(typed.strip()) if token]
    if not all(token.isdecimal() and len(token) <= 3 for token in tokens):
        raise PaperEntryError(
            _l("Type the numbers printed beside the boxes on the sheet, such as 2 or 1 3.")
        )
    return [int(token) for token in tokens]


def read_typed_answer(paper_question: PaperQuestion, typed: str | None):
    """The answer to store for what staff typed from the sheet, in the form
    `surveys.services.submit_response` takes (None when the question was left blank).

    Single choice and scales take one option number, multiple choice several, ranking the
    option numbers in order of preference ("3 1 2": option 3 first). Open answers are text.
    """
    typed = typed or ""
    question = paper_question.question
    if paper_question.kind == QuestionKind.OPEN:
        text = clean_text(typed)
        limit = question.max_length or 4000
        if len(text) > limit:
            raise PaperEntryError(
                ngettext(
                    "This answer is longer than the %(num)d characters the survey keeps.",
                    "This answer is longer than the %(num)d characters the survey keeps.",
                    limit,
                )
            )
        return text or None
    if paper_question.kind == QuestionKind.NUMBER:
        return _read_number(question, typed)
    numbers = read_numbers(typed)
    if not numbers:
        return None
    count = len(paper_question.options)
    if paper_question.kind == QuestionKind.GRID:
        return _read_grid(paper_question, numbers, count)
    wrong = [number for number in numbers if not 1 <= number <= count]
    if wrong:
        raise PaperEntryError(
            ngettext(
                "%(typed)s is not on the sheet: this question has only option 1.",
                "%(typed)s is not on the sheet: this question has options 1 to %(num)d.",
                count,
                typed=wrong[0],
            )
        )
    if len(set(numbers)) != len(numbers):
        repeated = next(number for number in numbers if numbers.count(number) > 1)
        if paper_question.kind == QuestionKind.RANK:
            message = _(
                "Option %(typed)s is typed twice: each option can have only one place.",
                typed=repeated,
            )
        else:
            message = _(
                "Option %(typed)s is typed twice: type each ticked box once.", typed=repeated
            )
        raise PaperEntryError(message)
    values = [paper_question.options[number - 1][1].value for number in numbers]
    if paper_question.kind in ONE_BOX_KINDS:
        if len(values) > 1:
            raise PaperEntryError(
                _l(
                    "This question takes one box only. If more than one is ticked on the "
                    "sheet, leave it blank."
                )
            )
        return values[0]
    limit = (
        paper_question.places
        if paper_question.kind == QuestionKind.RANK
        else question.max_choices or count
    )
    if len(values) > limit:
        raise PaperEntryError(
            ngettext(
                "At most %(num)d answer can be given here.",
                "At most %(num)d answers can be given here; type the ones the sheet puts "
                "first, or leave it blank.",
                limit,
            )
        )
    return values


#: Kinds whose sheet has one box to tick.
ONE_BOX_KINDS = (
    QuestionKind.SINGLE,
    QuestionKind.LIKERT,
    QuestionKind.YESNO,
    QuestionKind.DROPDOWN,
)


def _read_number(question, typed: str) -> int | None:
    text = "".join(str(unicodedata.digit(ch)) if ch.isdecimal() else ch for ch in typed)
    text = text.strip().replace(" ", "")
    if not text:
        return None
    if not re.fullmatch(r"-?\d{1,12}", text):
        raise PaperEntryError(_l("Please write a whole number, using digits, such as 12."))
    value = int(text)
    low, high = question.min_value, question.max_value
    if (low is not None and value < low) or (high is not None and value > high):
        raise PaperEntryError(
            _(
                "Please write a number from %(min)s to %(max)s.",
                min=low if low is not None else "…",
                max=high if high is not None else "…",
            )
        )
    return value


def _read_grid(paper_question, numbers: list[int], count: int) -> dict[str, str]:
    """A grid is typed as one option number per statement, in the printed order."""
    statements = paper_question.question.statements
    if len(numbers) > len(statements):
        raise PaperEntryError(
            ngettext(
                "At most %(num)d answer can be given here.",
                "At most %(num)d answers can be given here; type the ones the sheet puts "
                "first, or leave it blank.",
                len(statements),
            )
        )
    wrong = [number for number in numbers if not 1 <= number <= count]
    if wrong:
        raise PaperEntryError(
            ngettext(
                "%(typed)s is not on the sheet: this question has only option 1.",
                "%(typed)s is not on the sheet: this question has options 1 to %(num)d.",
                count,
                typed=wrong[0],
            )
        )
    return {
        statement.value: paper_question.options[number - 1][1].value
        for statement, number in zip(statements, numbers, strict=False)
    }


def enter_sheet(
    batch: PaperBatch, number: int, answers: dict[str, object], submission_token: str, actor
) -> Response:
    """Store what was typed from sheet `number` of `batch` as a paper response in the batch's
    language, tagged ``paper-<language>``. The caller commits; a unique-constraint error on
    `paper_sheet` means the sheet was typed in already."""
    code = sheet_code(batch, number)
    response = survey_services.submit_response(
        batch.survey,
        batch.language,
        answers,
        submission_token,
        source=ResponseSource.PAPER,
        channel=paper_tag(batch.language),
        paper_sheet=code,
    )
    details = {"sheet": code}
    if batch.survey.status != SurveyStatus.OPEN or is_closed(batch.survey.engagement):
        details["after_closing"] = True  # typed in once the web survey stopped taking answers
    record_event(actor, "response.paper_entered", response, details)
    return response
