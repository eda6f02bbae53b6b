"""The translation desk's pages: what waits in each language, and one contribution to translate.

Translators reach these pages and their account, nothing else; facilitators and admins may
translate too.
"""

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..auth.models import Role
from ..auth.permissions import require_role
from ..engagements import services as engagement_services
from ..engagements.models import Engagement
from ..extensions import db
from ..i18n import KNOWN_LANGUAGES
from ..ids import page_number
from . import services
from .forms import TranslationForm
from .machine import TranslationServiceError, service_from_config

bp = Blueprint("desk", __name__)

DESK_ROLES = (Role.TRANSLATOR, Role.FACILITATOR)


def error_message(error: services.DeskError) -> str:
    return {
        "unknown": _("This contribution is not on the desk (it may have been removed)."),
        "not_your_language": _("This contribution is in a language you are not set up to read."),
        "empty": _("Please write the translation."),
        "too_long": _("This translation is too long."),
        "same_language": _("Choose a language other than the original's."),
        "no_service": _("No machine translation service is set up for this district."),
    }.get(str(error), _("This translation could not be saved."))


def language_name(code: str) -> str:
    for known in KNOWN_LANGUAGES.values():
        if services.same_language(known.code, code) and (
            known.code == code or known.catalog == code
        ):
            return known.name
    return code


@bp.get("/")
@require_role(*DESK_ROLES)
def choose_engagement():
    engagement = engagement_services.current_engagement()
    if engagement is None:
        return render_template("review/no_engagement.html")
    return redirect(url_for("desk.show_desk", engagement_id=engagement.id))


@bp.get("/engagements/<int:engagement_id>")
@require_role(*DESK_ROLES)
def show_desk(engagement_id: int):
    engagement = db.get_or_404(Engagement, engagement_id)
    languages = services.progress(engagement, current_user)
    chosen = request.args.get("language") or next(
        (p.language for p in languages if p.waiting), languages[0].language if languages else None
    )
    state = request.args.get("state", "waiting")
    if state not in services.STATES:
        state = "waiting"
    page = request.args.get("page", 1, type=page_number)
    listing = None
    if chosen is not None:
        try:
            listing = services.desk_page(engagement, chosen, current_user, state, page)
        except services.DeskError as error:
            abort(403, description=error_message(error))
    return render_template(
        "desk/index.html",
        engagement=engagement,
        engagements=engagement_services.list_engagements(),
        languages=languages,
        chosen=chosen,
        state=state,
        listing=listing,
        language_name=language_name,
        machine_available=service_from_config(current_app.config) is not None,
    )


def _item_or_404(kind: str, number: int):
    try:
        return services.item_for(f"{kind}:{number}", current_user)
    except services.DeskError as error:
        if str(error) == "not_your_language":
            abort(403, description=error_message(error))
        abort(404, description=error_message(error))


@bp.route("/items/<any(a,p,c):kind>/<int:number>", methods=["GET", "POST"])
@require_role(*DESK_ROLES)
def translate_item(kind: str, number: int):
    item = _item_or_404(kind, number)
    engagement = db.get_or_404(Engagement, item.engagement_id)
    targets = services.target_languages(engagement.default_language)
    language = request.values.get("language") or engagement.default_language
    current = next((t for t in item.translations if t.language == language), None)
    form = TranslationForm(
        languages=targets,
        data=None
        if request.method == "POST"
        else {
            "text": current.text if current else "",
            "language": language,
        },
    )
    if form.validate_on_submit():
        try:
            services.save_translation(current_user, item.ref, form.text.data, form.language.data)
        except services.DeskError as error:
            db.session.rollback()
            form.text.errors.append(error_message(error))
        else:
            db.session.commit()
            flash(_("Translation saved. The next theme run will use it."))
            return redirect(_next_url(engagement, item))
    status = 400 if request.method == "POST" else 200
    return (
        render_template(
            "desk/item.html",
            engagement=engagement,
            item=item,
            form=form,
            language_name=language_name,
            machine_available=service_from_config(current_app.config) is not None,
        ),
        status,
    )


@bp.post("/items/<any(a,p,c):kind>/<int:number>/machine")
@require_role(*DESK_ROLES)
def ask_machine(kind: str, number: int):
    from flask_wtf.csrf import validate_csrf
    from wtforms import ValidationError

    try:
        validate_csrf(request.form.get("csrf_token"))
    except ValidationError:
        abort(400)
    item = _item_or_404(kind, number)
    engagement = db.get_or_404(Engagement, item.engagement_id)
    language = request.form.get("language") or engagement.default_language
    if language not in services.target_languages(engagement.default_language):
        abort(400)
    try:
        stored = services.machine_draft(item, language)
    except services.DeskError as error:
        db.session.rollback()
        flash(error_message(error), "error")
    except TranslationServiceError as error:
        db.session.rollback()
        flash(
            _(
                "The machine translation service could not help (%(reason)s). Nothing was "
                "stored; you can write the translation yourself.",
                reason=str(error),
            ),
            "error",
        )
    else:
        db.session.commit()
        if stored is None:
            flash(_("A person's translation already exists; the machine's was not kept."))
        else:
            flash(_("A machine draft is ready below. Please check it and save it."))
    return redirect(url_for("desk.translate_item", kind=kind, number=number, language=language))


def _next_url(engagement, item) -> str:
    """Back to the same language's waiting list, where the next contribution is on top."""
    return url_for("desk.show_desk", engagement_id=engagement.id, language=item.language)
