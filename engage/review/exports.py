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


def _answer_cell(question, answers, labels) -> str:
    if question.kind == QuestionKind.OPEN:
        return "\n".join(a.text or "" for a in answers)
    if question.kind == QuestionKind.RANK:
        return "; ".join(f"{a.rank}. {labels.get(a.option_value, a.option_value)}" for a in answers)
    return "; ".join(labels.get(a.option_value, a.option_value) for a in answers)


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
    keep = None if with_demographics else (lambda q: not q.demographic and not q.maps_to)
    # Columns and their notes come from every version (a note says which versions asked a
    # question, whether or not their rows are in this file); rows from those included.
    across = questions_across(versions_of(survey), keep)
    table = None if with_demographics else language_table(survey)
    labels = {
        question.id: {
            option.value: localized(option.text, language, version.default_language)[0]
            for option in question.options
        }
        for version in versions
        for question in version.questions
    }
    extra = list(DEMOGRAPHIC_COLUMNS) if with_demographics else []
    headings = []
    for entry in across:
        newest = entry.newest
        heading = f"{entry.key}: {localized(newest.text, language, survey.default_language)[0]}"
        if not entry.in_every_version:
            note = ngettext(
                "asked in version %(versions)s",
                "asked in versions %(versions)s",
                len(entry.versions),
                versions=entry.versions_label,
            )
            heading += f" ({note})"
        headings.append(heading)
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
                cells.append("")
                continue
            answers = by_question.get(question.id, [])
            cells.append(_answer_cell(question, answers, labels[question.id]))
        yield csv_line(cells)
