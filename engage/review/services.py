"""Queries behind the leaders' workspace. Plain functions: no request objects."""

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ..extensions import db
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
