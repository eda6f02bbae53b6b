"""Staff pages that read responses. Every respondent's text is rendered as escaped text."""

from flask import Blueprint, render_template, request
from sqlalchemy import select

from ..auth.models import Role
from ..auth.permissions import require_role
from ..extensions import db
from ..i18n import KNOWN_LANGUAGES
from ..surveys.models import Response, Survey
from ..surveys.services import find_open_survey
from . import services

bp = Blueprint("review", __name__)


@bp.get("/responses")
@require_role(Role.FACILITATOR)
def list_responses():
    surveys = db.session.scalars(select(Survey).order_by(Survey.slug, Survey.version)).all()
    survey_id = request.args.get("survey", type=int)
    survey = (
        db.session.get(Survey, survey_id) if survey_id else find_open_survey("graduate-profile")
    ) or (surveys[0] if surveys else None)
    language = request.args.get("language") or None
    page = max(request.args.get("page", 1, type=int), 1)
    responses, total = services.responses_page(survey, page, language) if survey else ([], 0)
    return render_template(
        "review/responses.html",
        surveys=surveys,
        survey=survey,
        responses=responses,
        total=total,
        page=page,
        page_size=services.PAGE_SIZE,
        language=language,
        languages=KNOWN_LANGUAGES,
        questions=services.visible_questions(survey) if survey else [],
        answers_by_question=services.answers_by_question,
    )


@bp.get("/responses/<int:response_id>")
@require_role(Role.FACILITATOR)
def show_response(response_id: int):
    response = db.get_or_404(Response, response_id)
    return render_template(
        "review/response.html",
        response=response,
        survey=response.survey,
        questions=services.visible_questions(response.survey),
        answers=services.answers_by_question(response),
        languages=KNOWN_LANGUAGES,
    )
