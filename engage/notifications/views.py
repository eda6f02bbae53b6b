"""Each staff member's notification settings, and the outbox's state for admins."""

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from ..auth.models import Role
from ..auth.permissions import require_role
from ..extensions import db
from . import services
from .forms import NotificationsForm

bp = Blueprint("notifications", __name__)


@bp.route("/", methods=["GET", "POST"])
@require_role(Role.FACILITATOR, Role.BOARD, Role.ADMIN)
def edit_notifications():
    form = NotificationsForm()
    form.events.choices = [
        SelectChoice(event.value, str(services.EVENT_NAMES[event]))
        for event in services.events_for(current_user)
    ]
    if form.validate_on_submit():
        services.set_preferences(current_user, form.events.data or [], actor=current_user)
        db.session.commit()
        flash(_("Your notification settings are saved."))
        return redirect(url_for("notifications.edit_notifications"))
    if not form.is_submitted():
        form.events.data = sorted(services.chosen_events(current_user))
    return render_template(
        "notifications/settings.html",
        form=form,
        mail_configured=bool(current_app.config.get("MAIL_SERVER")),
        outbox=services.outbox_summary() if current_user.role == Role.ADMIN else None,
    ), 400 if form.errors else 200
