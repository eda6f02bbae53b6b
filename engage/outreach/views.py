"""Staff pages of the outreach kit, and the public short links it hands out."""

from flask import Blueprint, Response, abort, redirect, render_template, request, url_for
from flask_login import current_user  # noqa: F401  (templates read it)

from ..auth.models import Role
from ..auth.permissions import require_role
from ..engagements import services as engagement_services
from ..engagements.models import Engagement
from ..errors import render_error
from ..extensions import db
from ..i18n import KNOWN_LANGUAGES, language_for, localized, select_language
from ..review import dashboard
from ..surveys.models import Survey, SurveyStatus
from . import services
from .channels import LINK_KINDS, Channel

bp = Blueprint("outreach", __name__)
public_bp = Blueprint("short_links", __name__)

PAPER_SIZES = ("letter", "a4")


def _short_path(link) -> str:
    return url_for("short_links.follow", code=link.code)


@bp.get("/")
@require_role(Role.FACILITATOR)
def choose_engagement():
    engagement = engagement_services.current_engagement()
    if engagement is None:
        return render_template("review/no_engagement.html")
    return redirect(url_for("outreach.show_kits", engagement_id=engagement.id))


@bp.get("/engagements/<int:engagement_id>")
@require_role(Role.FACILITATOR)
def show_kits(engagement_id: int):
    engagement = db.get_or_404(Engagement, engagement_id)
    figures = dashboard.participation(engagement, select_language(), localized)
    under_heard = list(figures["language"].under_heard)
    surveys = [
        survey
        for survey in db.session.scalars(
            db.select(Survey)
            .filter_by(engagement_id=engagement.id, status=SurveyStatus.OPEN)
            .order_by(Survey.slug, Survey.version.desc())
        )
    ]
    newest = {}
    for survey in surveys:
        newest.setdefault(survey.slug, survey)
    return render_template(
        "outreach/kits.html",
        engagement=engagement,
        engagements=engagement_services.list_engagements(),
        surveys=list(newest.values()),
        languages=[KNOWN_LANGUAGES[code] for code in services.kit_languages(under_heard)],
        under_heard=set(under_heard),
        channels=services.channel_table(engagement),
        language_names={code: lang.name for code, lang in KNOWN_LANGUAGES.items()},
        survey_language_names={
            survey.id: KNOWN_LANGUAGES[survey.default_language].name
            for survey in newest.values()
            if survey.default_language in KNOWN_LANGUAGES
        },
    )


def _kit_survey(survey_id: int, kit_language: str):
    survey = db.get_or_404(Survey, survey_id)
    language = language_for(kit_language)
    if language is None or survey.status != SurveyStatus.OPEN:
        abort(404)
    return survey, language


@bp.get("/surveys/<int:survey_id>/<kit_language>/")
@require_role(Role.FACILITATOR)
def show_kit(survey_id: int, kit_language: str):
    survey, language = _kit_survey(survey_id, kit_language)
    kit = services.build_kit(survey, language.code, _short_path)
    db.session.commit()  # short links made for this kit are kept
    return render_template(
        "outreach/kit.html",
        survey=survey,
        kit=kit,
        kit_language=language,
        qr=services.qr_svg(kit.link_for["qr"]),
        qr_tag=Channel("qr", language.code).tag,
        sms_length=len(kit.sms),
        sms_segments=services.sms_segments(kit.sms),
        sms_limit=services.SMS_LIMIT,
        channel_links=[(Channel(kind, language.code), kit.link_for[kind]) for kind in LINK_KINDS],
    )


@bp.get("/surveys/<int:survey_id>/<kit_language>/qr.<fmt>")
@require_role(Role.FACILITATOR)
def download_qr(survey_id: int, kit_language: str, fmt: str):
    survey, language = _kit_survey(survey_id, kit_language)
    if fmt not in ("svg", "png"):
        abort(404)
    kind = request.args.get("via", "qr")
    if kind not in LINK_KINDS:
        return render_error(400, _unknown_channel_message())
    link = services.short_link(survey.slug, language.code, Channel(kind, language.code))
    db.session.commit()
    url = services.public_url(_short_path(link))
    if fmt == "svg":
        body, mimetype = services.qr_svg(url), "image/svg+xml"
        body = '<?xml version="1.0" encoding="utf-8"?>\n' + body.replace(
            "<svg ", '<svg xmlns="http://www.w3.org/2000/svg" ', 1
        )
    else:
        body, mimetype = services.qr_png(url), "image/png"
    filename = f"{survey.slug}-{language.code}-{kind}.{fmt}"
    return Response(
        body,
        mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def _unknown_channel_message() -> str:
    from flask_babel import gettext as _

    return _("That channel is not one Engage knows. Choose one of the channels the kit lists.")


@bp.get("/surveys/<int:survey_id>/<kit_language>/flyer")
@require_role(Role.FACILITATOR)
def show_flyer(survey_id: int, kit_language: str):
    survey, language = _kit_survey(survey_id, kit_language)
    paper = request.args.get("paper", "letter")
    if paper not in PAPER_SIZES:
        paper = "letter"
    kit = services.build_kit(survey, language.code, _short_path)
    db.session.commit()
    staff_language = select_language()
    from ..i18n import speaking

    with speaking(language.code):
        page = render_template(
            "outreach/flyer.html",
            survey=survey,
            kit=kit,
            paper=paper,
            qr=services.qr_svg(kit.link_for["flyer"]),
            flyer_language=language,
            staff_language=staff_language,
            back_url=url_for(
                "outreach.show_kit",
                survey_id=survey.id,
                kit_language=language.code,
                lang=staff_language.code,
            ),
        )
    return page


@public_bp.get("/s/<code>")
def follow(code: str):
    """A short link from a flyer or message: to the survey in its language, tagged."""
    link = services.resolve_short_link(code)
    if link is None:
        from flask_babel import gettext as _

        return render_error(
            404,
            _(
                "This short link is not known. Check the letters against the flyer or "
                "message, or choose a survey from the start page."
            ),
        )
    language = language_for(link.language) or select_language()
    return redirect(
        url_for(
            "surveys.answer_survey",
            lang_code=language.code,
            slug=link.survey_slug,
            via=link.channel,
        ),
        code=302,
    )
