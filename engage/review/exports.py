"""CSV exports for staff. Cells a spreadsheet would run as a formula are neutralised.

Two exports of a survey's responses. The default one (any facilitator) leaves out everything
that describes the person: role, school, home language, and every demographic question, and
gives the language answered in only where that language's count is shown on the dashboard,
and the day rather than the time. The full one (admins only, with a written reason that is
audited) adds them back, with the time of submission.
"""

import csv
import io
from collections.abc import Iterator

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..surveys.forms import answer_labels
from ..surveys.models import QuestionKind, Response, Survey
from .services import answers_by_question, language_shown, language_table, visible_questions

# A respondent could type "=HYPERLINK(...)"; Excel would run it when staff open the file.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def csv_line(cells) -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerow([safe_cell(cell) for cell in cells])
    return buffer.getvalue()


#: Response columns that describe the person; only in the full export.
DEMOGRAPHIC_COLUMNS = ("role", "school", "home_language")


def responses_csv(
    survey_id: int, language, localized, with_demographics: bool = False
) -> Iterator[str]:
    """One row per response, one column per question; UTF-8 with a BOM so Excel reads it.

    Without `with_demographics`, demographic and mapped questions and the person's groups are
    left out, and a hidden language reads "hidden". Takes the survey's id, not the object: the
    rows are streamed after the view has returned, and the survey is loaded again in the
    streaming context."""
    survey = db.session.get(Survey, survey_id)
    questions = list(survey.questions) if with_demographics else visible_questions(survey)
    # A heading takes no answer, so it has no column.
    questions = [q for q in questions if q.kind != QuestionKind.HEADING]
    table = None if with_demographics else language_table(survey)
    labels = {
        question.id: answer_labels(question, language, survey.default_language)
        for question in questions
    }

    def text(texts):
        return localized(texts, language, survey.default_language)[0]

    extra = list(DEMOGRAPHIC_COLUMNS) if with_demographics else []
    headings = []
    for q in questions:
        if q.kind == QuestionKind.GRID:  # a column per statement
            headings += [f"{q.key}.{s.value}: {text(q.text)}: {text(s.text)}" for s in q.statements]
        else:
            headings.append(f"{q.key}: {text(q.text)}")
    yield "\ufeff" + csv_line(
        ["receipt", "submitted_at" if with_demographics else "submitted_on", "language", "source"]
        + extra
        + headings
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
        if with_demographics:
            cells = [
                response.receipt_code,
                response.submitted_at.isoformat(timespec="seconds"),
                response.language,
                response.source.value,
            ] + [getattr(response, column) or "" for column in DEMOGRAPHIC_COLUMNS]
        else:
            cells = [
                response.receipt_code,
                response.submitted_at.date().isoformat(),
                response.language if language_shown(table, response) else "hidden",
                response.source.value,
            ]
        for question in questions:
            answers = by_question.get(question.id, [])
            if question.kind == QuestionKind.OPEN:
                cells.append("\n".join(a.text or "" for a in answers))
            elif question.kind == QuestionKind.GRID:
                by_statement = {a.statement: a.option_value for a in answers}
                cells.extend(
                    labels[question.id].get(by_statement.get(s.value), by_statement.get(s.value))
                    or ""
                    for s in question.statements
                )
            elif question.kind == QuestionKind.NUMBER:
                cells.append("; ".join(str(a.number) for a in answers if a.number is not None))
            elif question.kind == QuestionKind.RANK:
                cells.append(
                    "; ".join(
                        f"{a.rank}. {labels[question.id].get(a.option_value, a.option_value)}"
                        for a in answers
                    )
                )
            else:
                cells.append("; ".join(_choice_text(labels[question.id], a) for a in answers))
        yield csv_line(cells)


def _choice_text(labels: dict, answer) -> str:
    """A chosen option's text; "Other" with what the person wrote beside it."""
    label = labels.get(answer.option_value, answer.option_value)
    return f"{label}: {answer.text}" if answer.text else label
