"""The leaders' workspace: participation dashboard, enrollment targets, reading responses,
answers collected off the web, and exports. Respondent text is always rendered escaped."""

from babel.dates import format_skeleton
from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask import Response as HttpResponse
from flask_babel import format_date, get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from ..audit import record_event
from ..auth.models import Role
from ..auth.permissions import can_translate, require_role
from ..desk import services as desk_services
from ..desk.services import translations_for
from ..engagements import services as engagement_services
from ..engagements.models import Engagement, EngagementTarget, TargetDimension
from ..extensions import db
from ..i18n import KNOWN_LANGUAGES, localized, select_language
from ..ids import db_id, page_number
from ..outreach import services as outreach_services
from ..surveys import services as survey_services
from ..surveys.forms import (
    build_survey_form,
    cleaned_answers,
    field_name,
    other_field_name,
    validate_answers,
)
from ..surveys.models import QuestionKind, Response, ResponseSource, Survey
from ..surveys.services import find_open_survey
from . import dashboard, exports, fragments, services
from .forms import EnteredResponseForm, FullExportForm, TargetsForm
from .targets import TargetsError, parse_targets

bp = Blueprint("review", __name__)


@bp.app_template_filter("week_label")
def week_label(day) -> str:
    """A short day-and-month in the reader's locale ("Sep 11", "11 sept", "9月11日"), never a
    hard-coded day/month order."""
    try:
        return format_skeleton("MMMd", day, locale=get_locale())
    except (ValueError, TypeError, LookupError):
        return format_date(day, "medium")


@bp.get("/responses")
@require_role(Role.FACILITATOR)
def list_responses():
    surveys = db.session.scalars(select(Survey).order_by(Survey.slug, Survey.version)).all()
    survey_id = request.args.get("survey", type=db_id)
    survey = (
        db.session.get(Survey, survey_id) if survey_id else find_open_survey("graduate-profile")
    ) or (surveys[0] if surveys else None)
    language = request.args.get("language") or None
    page = request.args.get("page", 1, type=page_number)
    responses, total, table, listed = [], 0, None, False
    if survey:
        table = services.language_table(survey)
        total, listed = services.listing_count(table, survey, language)
        if listed:
            responses, _count = services.responses_page(survey, page, language)
    return render_template(
        "review/responses.html",
        surveys=surveys,
        survey=survey,
        responses=responses,
        translations=translations_for(
            f"a:{a.id}" for response in responses or () for a in response.answers if a.text
        ),
        total=total,
        listed=listed,
        page=page,
        page_size=services.PAGE_SIZE,
        language=language,
        languages=KNOWN_LANGUAGES,
        questions=services.visible_questions(survey) if survey else [],
        answers_by_question=services.answers_by_question,
        language_shown=(lambda response: services.language_shown(table, response)),
    )


@bp.get("/responses/<int:response_id>")
@require_role(Role.FACILITATOR)
def show_response(response_id: int):
    response = db.get_or_404(Response, response_id)
    table = services.language_table(response.survey)
    _total, listed = services.listing_count(table, response.survey, None)
    return render_template(
        "review/response.html",
        listed=listed,
        response=response,
        survey=response.survey,
        questions=services.visible_questions(response.survey),
        answers=services.answers_by_question(response),
        translations=translations_for(f"a:{a.id}" for a in response.answers if a.text),
        languages=KNOWN_LANGUAGES,
        language_shown=services.language_shown(table, response),
    )


TARGETS_EXAMPLE = "language,es,4200\nschool,westview-high,1350\n"


@bp.get("/")
@require_role(Role.FACILITATOR)
def choose_engagement():
    engagement = engagement_services.current_engagement()
    if engagement is None:
        return render_template("review/no_engagement.html")
    return redirect(url_for("review.show_dashboard", engagement_id=engagement.id))


@bp.get("/engagements/<int:engagement_id>")
@require_role(Role.FACILITATOR)
def show_dashboard(engagement_id: int):
    engagements = engagement_services.list_engagements()  # so the get below finds it loaded
    engagement = db.get_or_404(Engagement, engagement_id)
    language = select_language()
    surveys = db.session.scalars(
        select(Survey).filter_by(engagement_id=engagement.id).order_by(Survey.id)
    ).all()
    counts = dashboard.response_counts(engagement, surveys)  # one query serves every table
    figures = dashboard.participation(engagement, language, localized, counts, surveys)
    inputs = {
        "engagement": engagement,
        "figures": figures,
        "channels": outreach_services.channel_table(engagement, counts),
        "translation": translation_table(engagement, counts),
        "language_names": {code: lang.name for code, lang in KNOWN_LANGUAGES.items()},
        "under_heard_gap": dashboard.UNDER_HEARD_GAP,
        "may_translate": can_translate(current_user),
    }
    # The figures are computed on every view (a few small queries on kept counts); their HTML
    # is rendered only when they, or the reader's language, differ from a view before.
    key = fragments.digest(
        id(current_app),
        engagement.id,
        language.code,
        str(get_locale()),
        request.script_root,
        {name: value for name, value in inputs.items() if name != "engagement"},
    )
    figures_html = fragments.rendered(
        key, lambda: render_template("review/_figures.html", **inputs)
    )
    return render_template(
        "review/dashboard.html",
        engagement=engagement,
        engagements=engagements,
        figures_html=figures_html,
        surveys=surveys,
    )


def translation_table(engagement, counts=None):
    """Translation progress per language outside the working language, as one suppressed
    cross-tab (translated by a person, machine drafts, waiting), with whether the theme engine
    needs the translations at all."""
    from ..privacy import suppress_table

    rows = desk_services.progress(engagement, counts=counts)
    if not rows:
        return None
    table = suppress_table(
        {
            (row.language, column): value
            for row in rows
            for column, value in (
                ("human", row.human),
                ("machine", row.machine),
                ("waiting", row.waiting),
            )
        }
    )
    return {"table": table, "bridged": {row.language: row.bridged for row in rows}}


def target_codes(engagement: Engagement) -> dict[TargetDimension, dict[str, str]]:
    """The codes a targets line may name, with their names in the reader's language."""
    schools = dashboard.option_labels(engagement, "school", select_language(), localized)
    schools.pop("none", None)
    return {
        TargetDimension.LANGUAGE: {code: lang.name for code, lang in KNOWN_LANGUAGES.items()},
        TargetDimension.SCHOOL: schools,
    }


def current_targets(engagement: Engagement, codes: dict) -> list[dict]:
    """The saved figures, as the page lists them and as CSV lines ready to edit."""
    rows = db.session.scalars(
        select(EngagementTarget)
        .filter_by(engagement_id=engagement.id)
        .order_by(EngagementTarget.dimension, EngagementTarget.enrolled.desc())
    ).all()
    totals: dict = {}
    for row in rows:
        totals[row.dimension] = totals.get(row.dimension, 0) + row.enrolled
    return [
        {
            "dimension": str(row.dimension),
            "group": row.group,
            "name": codes.get(row.dimension, {}).get(row.group, row.group),
            "enrolled": row.enrolled,
            "share": row.enrolled / totals[row.dimension] if totals[row.dimension] else 0,
        }
        for row in rows
    ]


@bp.route("/engagements/<int:engagement_id>/targets", methods=["GET", "POST"])
@require_role(Role.FACILITATOR)
def edit_targets(engagement_id: int):
    engagement = db.get_or_404(Engagement, engagement_id)
    form = TargetsForm()
    codes = target_codes(engagement)
    saved = current_targets(engagement, codes)
    errors: list[str] = []
    if form.validate_on_submit():
        text = form.csv_text.data or ""
        if form.csv_file.data:
            text = form.csv_file.data.read().decode("utf-8-sig", errors="replace")
            form.csv_text.data = text  # shown back in the box, to correct it there
        try:
            targets = parse_targets(text, codes)
        except TargetsError as error:
            errors = error.messages
        else:
            engagement_services.set_targets(engagement, targets, actor=current_user)
            db.session.commit()
            flash(_("Enrollment targets saved."))
            return redirect(url_for("review.show_dashboard", engagement_id=engagement.id))
    elif request.method == "GET" and saved:
        form.csv_text.data = "".join(
            f"{row['dimension']},{row['group']},{row['enrolled']}\n" for row in saved
        )
    return render_template(
        "review/targets.html",
        engagement=engagement,
        form=form,
        errors=errors,
        saved=saved,
        codes=codes,
        dimensions=TargetDimension,
        example=TARGETS_EXAMPLE,
    ), 400 if (errors or form.errors) else 200


@bp.route("/surveys/<int:survey_id>/enter", methods=["GET", "POST"])
@require_role(Role.FACILITATOR)
def enter_response(survey_id: int):
    """Answers collected on paper, by phone or at a meeting, typed in by staff."""
    survey = db.get_or_404(Survey, survey_id)
    language = select_language()
    form = build_survey_form(
        survey,
        language,
        request.form if request.method == "POST" else None,
        base=EnteredResponseForm,
    )
    form.answered_in.choices = [
        SelectChoice(code, KNOWN_LANGUAGES[code].name)
        for code in survey.languages
        if code in KNOWN_LANGUAGES
    ]
    if request.method == "GET":
        form.submission_token.data = survey_services.new_submission_token()
        form.answered_in.data = language.code
    if request.method == "POST" and validate_answers(survey, form):
        token = form.submission_token.data or survey_services.new_submission_token()
        response = survey_services.response_for_token(token)
        if response is None:
            response = survey_services.submit_response(
                survey,
                form.answered_in.data,
                cleaned_answers(survey, form),
                token,
                source=ResponseSource(form.source.data),
            )
            record_event(current_user, "response.entered", response, {"source": form.source.data})
            db.session.commit()
        flash(_("Saved: response %(code)s.", code=response.receipt_code))
        return redirect(url_for("review.enter_response", survey_id=survey.id))
    return render_template(
        "review/enter.html",
        survey=survey,
        form=form,
        fields=[
            (
                question,
                form[field_name(question)] if question.kind != QuestionKind.HEADING else None,
                form[other_field_name(question)] if question.allow_other else None,
            )
            for question in survey.questions
        ],
    ), 400 if form.errors else 200


@bp.get("/surveys/<int:survey_id>/export")
@require_role(Role.FACILITATOR)
def show_exports(survey_id: int):
    """What each export of a survey contains, and the admin's form for the full one."""
    survey = db.get_or_404(Survey, survey_id)
    return _exports_page(survey, FullExportForm())


def _exports_page(survey: Survey, form: FullExportForm):
    included, left_out = exports.export_versions(survey)
    return render_template(
        "review/exports.html",
        survey=survey,
        form=form,
        default_allowed=bool(included),
        included=included,
        left_out=left_out,
        can_export_full=current_user.role == Role.ADMIN,
    ), 400 if form.errors else 200


@bp.get("/surveys/<int:survey_id>/responses.csv")
@require_role(Role.FACILITATOR)
def export_responses(survey_id: int):
    """The default export: answers only, no demographics."""
    survey = db.get_or_404(Survey, survey_id)
    included, _left_out = exports.export_versions(survey)
    if not included:
        return redirect(url_for("review.show_exports", survey_id=survey.id))
    rows = exports.responses_csv(survey.id, select_language(), localized)
    return _csv(rows, f"{survey.slug}-responses.csv")


@bp.post("/surveys/<int:survey_id>/responses-full.csv")
@require_role(Role.ADMIN)
def export_responses_full(survey_id: int):
    """The full export, demographics included: admins only, with a reason that is audited."""
    survey = db.get_or_404(Survey, survey_id)
    form = FullExportForm()
    if not form.validate_on_submit():
        return _exports_page(survey, form)
    record_event(
        current_user,
        "responses.exported_with_demographics",
        survey,
        {"reason": form.reason.data.strip()},
    )
    db.session.commit()
    rows = exports.responses_csv(survey.id, select_language(), localized, with_demographics=True)
    return _csv(rows, f"{survey.slug}-responses-with-demographics.csv")


def _csv(rows, filename: str) -> HttpResponse:
    return HttpResponse(
        stream_with_context(rows),
        mimetype="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
