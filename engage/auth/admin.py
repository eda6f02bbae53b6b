"""The administrator's screens: staff accounts and the audit trail."""

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ..audit import AuditEvent
from ..extensions import db
from ..ids import db_id, page_number
from ..models_base import DomainError
from . import services
from .forms import ChangeRoleForm, InviteForm, ReadsLanguagesForm
from .models import Role, User
from .permissions import require_role

bp = Blueprint("admin", __name__)

AUDIT_PAGE_SIZE = 100


@bp.route("/staff", methods=["GET", "POST"])
@require_role(Role.ADMIN)
def list_staff():
    form = InviteForm()
    invitation = None
    if form.validate_on_submit():
        if services.find_user_by_email(form.email.data):
            form.email.errors.append(_("An account with this email already exists."))
        else:
            user = services.invite_user(
                form.email.data, form.role.data, form.language.data, actor=current_user
            )
            db.session.commit()
            token = services.invitation_token(user, current_app.config["SECRET_KEY"])
            invitation = (user, url_for("auth.accept_invitation", token=token, _external=True))
            form = InviteForm(formdata=None)
    return render_template(
        "admin/staff.html",
        users=services.list_users(),
        form=form,
        invitation=invitation,
        role_form=ChangeRoleForm,
        reads_form=ReadsLanguagesForm,
    ), 400 if form.errors else 200


@bp.post("/staff/<int:user_id>/role")
@require_role(Role.ADMIN)
def change_role(user_id: int):
    user = db.get_or_404(User, user_id)
    form = ChangeRoleForm()
    if not form.validate_on_submit():
        raise DomainError(_("Please choose a role from the list."))
    services.change_role(user, form.role.data, actor=current_user)
    db.session.commit()
    flash(_("The role of %(email)s is changed.", email=user.email))
    return redirect(url_for("admin.list_staff"))


@bp.post("/staff/<int:user_id>/languages")
@require_role(Role.ADMIN)
def change_reads_languages(user_id: int):
    user = db.get_or_404(User, user_id)
    form = ReadsLanguagesForm(prefix=f"r{user.id}")
    if not form.validate_on_submit():
        raise DomainError(_("Please choose languages from the list."))
    services.set_reads_languages(user, form.languages.data, actor=current_user)
    db.session.commit()
    flash(_("The languages %(email)s translates from are saved.", email=user.email))
    return redirect(url_for("admin.list_staff"))


@bp.post("/staff/<int:user_id>/deactivate")
@require_role(Role.ADMIN)
def deactivate_user(user_id: int):
    user = db.get_or_404(User, user_id)
    services.set_active(user, False, actor=current_user)
    db.session.commit()
    flash(_("%(email)s can no longer sign in; their open sessions have ended.", email=user.email))
    return redirect(url_for("admin.list_staff"))


@bp.post("/staff/<int:user_id>/reactivate")
@require_role(Role.ADMIN)
def reactivate_user(user_id: int):
    user = db.get_or_404(User, user_id)
    services.set_active(user, True, actor=current_user)
    db.session.commit()
    flash(_("%(email)s can sign in again.", email=user.email))
    return redirect(url_for("admin.list_staff"))


@bp.get("/audit")
@require_role(Role.ADMIN)
def list_audit_events():
    query = select(AuditEvent).order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())
    actor_id = request.args.get("actor", type=db_id)
    target_type = request.args.get("target_type", "").strip()
    target_id = request.args.get("target_id", "").strip()
    if actor_id:
        query = query.filter(AuditEvent.actor_id == actor_id)
    if target_type:
        query = query.filter(AuditEvent.target_type == target_type)
    if target_id:
        query = query.filter(AuditEvent.target_id == target_id)
    page = request.args.get("page", 1, type=page_number)
    events = db.session.scalars(
        query.limit(AUDIT_PAGE_SIZE + 1).offset((page - 1) * AUDIT_PAGE_SIZE)
    ).all()
    users = {user.id: user for user in services.list_users()}
    target_types = db.session.scalars(
        select(AuditEvent.target_type).distinct().order_by(AuditEvent.target_type)
    ).all()
    return render_template(
        "admin/audit.html",
        events=events[:AUDIT_PAGE_SIZE],
        has_more=len(events) > AUDIT_PAGE_SIZE,
        page=page,
        users=users,
        target_types=target_types,
        filters={"actor": actor_id, "target_type": target_type, "target_id": target_id},
    )
