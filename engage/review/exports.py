"""CSV exports for staff. Cells a spreadsheet would run as a formula are neutralised.

Two exports of a survey's responses. The default one (any facilitator) leaves out everything
that describes the person: role, school, home language, and every demographic question, and
gives the language answered in only where that language's count is shown on the dashboard,
and the day rather than the time. The full one (admins only, with a written reason that is
audited) adds them back, with the time of submission. Both cover every version of the survey
in its engagement (see `responses_csv`).
"""

import csv
import io
from collections.abc import Iterator

from flask_babel import ngettext
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..surveys.forms import answer_labels
from ..surveys.models import QuestionKind, Response, Survey
from ..surveys.versions import questions_across, versions_of
from .services import answers_by_question, language_shown, language_table, listing_count

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


def export_versions(survey: Survey, everything: bool = False) -> tuple[list, list]:
    """The versions of `survey`'s slug (in its engagement) whose responses an export includes,
    and those it leaves out: a version whose number of responses is small or hidden is left
    out, since its rows (each says its version) would give that number back. The full export
    (`everything`: admins, audited) leaves none out."""
    if everything:
        return versions_of(survey), []
    table = language_table(survey)
    included, left_out = [], []
    for version in versions_of(survey):
        _count, allowed = listing_count(table, version, None)  # allowed for none at all
        (included if allowed else left_out).append(version)
    return included, left_out


def _answer_cells(question, statements, answers, labels) -> list[str]:
    """The cells of one question in one row: one per grid statement (`statements`, the
    newest version's rows), one for every other kind."""
    if question.kind == QuestionKind.GRID and not statements:
        # A grid in this version under a key that is not a grid in the newest: one cell.
        return [
            "; ".join(
                f"{a.statement}: {labels.get(a.option_value, a.option_value)}" for a in answers
            )
        ]
    if question.kind == QuestionKind.GRID:
        by_statement = {a.statement: a.option_value for a in answers}
        return [
            labels.get(by_statement.get(value), by_statement.get(value)) or ""
            for value in statements
        ]
    if question.kind == QuestionKind.OPEN:
        return ["\n".join(a.text or "" for a in answers)]
    if question.kind == QuestionKind.NUMBER:
        return ["; ".join(str(a.number) for a in answers if a.number is not None)]
    if question.kind == QuestionKind.RANK:
        return [
            "; ".join(f"{a.rank}. {labels.get(a.option_value, a.option_value)}" for a in answers)
        ]
    return ["; ".join(_choice_text(labels, a) for a in answers)]


def _choice_text(labels: dict, answer) -> str:
    """A chosen option's text; "Other" with what the person wrote beside it."""
    label = labels.get(answer.option_value, answer.option_value)
    return f"{label}: {answer.text}" if answer.text else label


def responses_csv(
    survey_id: int, language, localized, with_demographics: bool = False
) -> Iterator[str]:
    """One row per response of every version of the survey that may be exported, one column
    per question; UTF-8 with a BOM so Excel reads it.

    Each row says its version. A question kept across versions (same key) is one column; a
    question only some versions asked says which in its heading, and is blank in the rows of
    the other versions (a question asked but not answered is blank too). Without
    `with_demographics`, demographic and mapped questions and the person's groups are left
    out, and a hidden language reads "hidden". Takes the survey's id, not the object: the
    rows are streamed after the view has returned, and the survey is loaded again in the
    streaming context."""
    survey = db.session.get(Survey, survey_id)
    versions, _left_out = export_versions(survey, everything=with_demographics)

    def keep(question) -> bool:
        # A heading takes no answer, so it has no column.
        if question.kind == QuestionKind.HEADING:
            return False
        return with_demographics or (not question.demographic and not question.maps_to)

    # Columns and their notes come from every version (a note says which versions asked a
    # question, whether or not their rows are in this file); rows from those included.
    across = questions_across(versions_of(survey), keep)
    table = None if with_demographics else language_table(survey)
    labels = {
        question.id: answer_labels(question, language, version.default_language)
        for version in versions
        for question in version.questions
    }

    def text(texts):
        return localized(texts, language, survey.default_language)[0]

    # A grid has a column per statement of its newest version.
    statements = {
        entry.key: [s.value for s in entry.newest.statements]
        for entry in across
        if entry.newest.kind == QuestionKind.GRID
    }
    extra = list(DEMOGRAPHIC_COLUMNS) if with_demographics else []
    headings = []
    for entry in across:
        newest = entry.newest
        note = ""
        if not entry.in_every_version:
            asked = ngettext(
                "asked in version %(versions)s",
                "asked in versions %(versions)s",
                len(entry.versions),
                versions=entry.versions_label,
            )
            note = f" ({asked})"
        if newest.kind == QuestionKind.GRID:
            headings += [
                f"{entry.key}.{s.value}: {text(newest.text)}: {text(s.text)}{note}"
                for s in newest.statements
            ]
        else:
            headings.append(f"{entry.key}: {text(newest.text)}{note}")
    yield "\ufeff" + csv_line(
        [
            "receipt",
            "version",
            "submitted_at" if with_demographics else "submitted_on",
            "language",
            "source",
        ]
        + extra
        + headings
    )
    number_of = {version.id: version.version for version in versions}
    query = (
        select(Response)
        .where(Response.survey_id.in_(list(number_of)))
        .options(selectinload(Response.answers))
        .order_by(Response.id)
        .execution_options(yield_per=1000)
    )
    for response in db.session.scalars(query):
        by_question = answers_by_question(response)
        number = number_of[response.survey_id]
        if with_demographics:
            cells = [
                response.receipt_code,
                number,
                response.submitted_at.isoformat(timespec="seconds"),
                response.language,
                response.source.value,
            ] + [getattr(response, column) or "" for column in DEMOGRAPHIC_COLUMNS]
        else:
            cells = [
                response.receipt_code,
                number,
                response.submitted_at.date().isoformat(),
                response.language if language_shown(table, response) else "hidden",
                response.source.value,
            ]
        for entry in across:
            question = entry.by_version.get(number)
            if question is None:
                cells += [""] * len(statements.get(entry.key, [None]))
                continue
            answers = by_question.get(question.id, [])
            grid_rows = statements.get(entry.key, [])
            if question.kind != QuestionKind.GRID and grid_rows:
                # The key was a grid in the newest version but not in this one.
                cells += [""] * len(grid_rows)
                continue
            cells += _answer_cells(question, grid_rows, answers, labels[question.id])
        yield csv_line(cells)
