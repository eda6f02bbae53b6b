"""Staff pages to create, edit, close and archive engagements; every change goes through
`services`."""

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from flask_login import current_user

from ..auth.models import Role
from ..auth.permissions import require_role
from ..extensions import db
from ..i18n import KNOWN_LANGUAGES
from . import services
from .forms import STATUS_LABELS, engagement_form
from .models import Engagement

bp = Blueprint("engagements", __name__)


def _status_label(engagement) -> str:
    if engagement.archived_at is not None:
        return _("Archived")
    if services.is_closed(engagement):
        return _("Closed")
    return str(STATUS_LABELS[engagement.status])


@bp.get("/")
@require_role(Role.FACILITATOR)
def list_engagements():
    engagements = services.list_engagements()
    return render_template(
        "engagements/list.html",
        current=[e for e in engagements if e.archived_at is None],
        archived=[e for e in engagements if e.archived_at is not None],
        status_label=_status_label,
        format_date=format_date,
    )


def _save(form, engagement=None):
    """Run the service for a checked form: the engagement, or None with the refusal shown."""
    values = {
        "name": form.texts("name"),
        "description": form.texts("description"),
        "working_language": form.working_language.data,
        "opens_on": form.opens_on.data,
        "closes_on": form.closes_on.data,
        "status": form.status.data,
    }
    try:
        if engagement is None:
            engagement = services.create_engagement(
                current_user, slug=form.slug.data or "", **values
            )
        else:
            engagement = services.update_engagement(engagement, current_user, **values)
    except services.EngagementError as error:
        db.session.rollback()
        return None, str(error)
    db.session.commit()
    return engagement, None


def _form_page(form, engagement, error):
    failed = bool(error or form.errors)
    return render_template(
        "engagements/form.html",
        form=form,
        engagement=engagement,
        error=error,
        languages=KNOWN_LANGUAGES,
    ), 400 if failed else 200


@bp.route("/new", methods=["GET", "POST"])
@require_role(Role.FACILITATOR)
def create_engagement():
    form = engagement_form()
    if request.method == "GET":
        form.working_language.data = current_app.config["LANGUAGES"][0]
    error = None
    if form.validate_on_submit():
        engagement, error = _save(form)
        if engagement is not None:
            flash(_("Engagement saved."))
            return redirect(url_for("engagements.list_engagements"), code=303)
    return _form_page(form, None, error)


@bp.route("/<int:engagement_id>/edit", methods=["GET", "POST"])
@require_role(Role.FACILITATOR)
def edit_engagement(engagement_id: int):
    engagement = db.get_or_404(Engagement, engagement_id)
    form = engagement_form(engagement)
    error = None
    if form.validate_on_submit():
        saved, error = _save(form, engagement)
        if saved is not None:
            flash(_("Engagement saved."))
            return redirect(url_for("engagements.list_engagements"), code=303)
    return _form_page(form, engagement, error)


@bp.post("/<int:engagement_id>/close")
@require_role(Role.FACILITATOR)
def close_engagement(engagement_id: int):
    engagement = db.get_or_404(Engagement, engagement_id)
    services.close_engagement(engagement, current_user)  # a refusal is a 409 page
    db.session.commit()
    flash(_("Engagement closed: it no longer takes answers."))
    return redirect(url_for("engagements.list_engagements"), code=303)


@bp.post("/<int:engagement_id>/archive")
@require_role(Role.FACILITATOR)
def archive_engagement(engagement_id: int):
    engagement = db.get_or_404(Engagement, engagement_id)
    services.archive_engagement(engagement, current_user)
    db.session.commit()
    flash(_("Engagement archived."))
    return redirect(url_for("engagements.list_engagements"), code=303)
