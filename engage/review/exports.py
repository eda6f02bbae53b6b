"""CSV exports for staff. Cells a spreadsheet would run as a formula are neutralised."""

import csv
import io
from collections.abc import Iterator

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..surveys.models import QuestionKind, Response, Survey
from .services import answers_by_question

# A respondent could type "=HYPERLINK(...)"; Excel would run it when staff open the file.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def csv_line(cells) -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerow([safe_cell(cell) for cell in cells])
    return buffer.getvalue()


def responses_csv(survey_id: int, language, localized) -> Iterator[str]:
    """One row per response, one column per question; UTF-8 with a BOM so Excel reads it.

    Takes the survey's id, not the object: the rows are streamed after the view has returned,
    and the survey is loaded again in the streaming context."""
    survey = db.session.get(Survey, survey_id)
    questions = list(survey.questions)
    labels = {
        question.id: {
            option.value: localized(option.text, language, survey.default_language)[0]
            for option in question.options
        }
        for question in questions
    }
    yield "\ufeff" + csv_line(
        ["receipt", "submitted_at", "language", "source"]
        + [f"{q.key}: {localized(q.text, language, survey.default_language)[0]}" for q in questions]
    )
    query = (
        select(Response)
        .filter_by(survey_id=survey.id)
        .options(selectinload(Response.answers))
        .order_by(Response.id)
        .execution_options(yield_per=1000)
    )
    for response in db.session.scalars(query):
        by_question = answers_by_question(response)
        cells = [
            response.receipt_code,
            response.submitted_at.isoformat(timespec="seconds"),
            response.language,
            response.source.value,
        ]
        for question in questions:
            answers = by_question.get(question.id, [])
            if question.kind == QuestionKind.OPEN:
                cells.append("\n".join(a.text or "" for a in answers))
            elif question.kind == QuestionKind.RANK:
                cells.append(
                    "; ".join(
                        f"{a.rank}. {labels[question.id].get(a.option_value, a.option_value)}"
                        for a in answers
                    )
                )
            else:
                cells.append(
                    "; ".join(
                        labels[question.id].get(a.option_value, a.option_value) for a in answers
                    )
                )
        yield csv_line(cells)
