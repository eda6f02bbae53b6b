"""Queries behind the leaders' workspace. Plain functions: no request objects."""

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..privacy import Table, is_shown, listing_allowed, suppress_table
from ..surveys.models import Answer, Question, Response, Survey

PAGE_SIZE = 50


def responses_page(survey: Survey, page: int = 1, language: str | None = None):
    """One page of a survey's responses, newest first, with their answers loaded in one query."""
    query = select(Response).filter_by(survey_id=survey.id)
    if language:
        query = query.filter_by(language=language)
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    responses = db.session.scalars(
        query.options(selectinload(Response.answers))
        .order_by(Response.submitted_at.desc(), Response.id.desc())
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    ).all()
    return responses, total


def visible_questions(survey: Survey) -> list[Question]:
    """Questions shown with a single response. Demographic answers are left out: next to the
    other answers they could point to one family, so staff see them only in suppressed counts."""
    return [q for q in survey.questions if not q.demographic and not q.maps_to]


def answers_by_question(response: Response) -> dict[int, list[Answer]]:
    grouped: dict[int, list[Answer]] = {}
    for answer in sorted(response.answers, key=lambda a: (a.question_id, a.rank or 0)):
        grouped.setdefault(answer.question_id, []).append(answer)
    return grouped


def language_table(survey: Survey) -> Table:
    """Responses by survey and language answered in, for every survey of `survey`'s
    engagement, suppressed as one cross-tab: its column totals are the dashboard's languages,
    its row totals each survey's count, so the listing and the dashboard cannot be played
    against each other."""
    scope = (
        Response.survey_id.in_(select(Survey.id).filter_by(engagement_id=survey.engagement_id))
        if survey.engagement_id is not None
        else Response.survey_id == survey.id
    )
    counts = {
        (survey_id, language): count
        for survey_id, language, count in db.session.execute(
            select(Response.survey_id, Response.language, func.count(Response.id))
            .where(scope)
            .group_by(Response.survey_id, Response.language)
        )
    }
    surveys = {key[0] for key in counts} | {survey.id}
    languages = {key[1] for key in counts}
    for survey_id in surveys:  # a survey with no answers in a language is a shown zero
        for language in languages:
            counts.setdefault((survey_id, language), 0)
    return suppress_table(counts)


def listing_count(table: Table, survey: Survey, language: str | None):
    """How many responses the listing may say it holds (an int or hidden), and whether it may
    list them: a hidden or small group is not listed, since counting the items would give it
    back."""
    if language:
        value = table.cells.get((survey.id, language), 0)
    else:
        value = table.rows.get(survey.id, 0)
    return value, value == 0 or listing_allowed(value)


def language_shown(table: Table, response: Response) -> bool:
    """Whether a single response may show the language it was answered in: not when that
    language's count is hidden (counting such responses would give the count back)."""
    return is_shown(table.cells.get((response.survey_id, response.language), 0))
