"""Staff sign-in and sign-out, and the staff home page."""

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from sqlalchemy import func, select

from ..extensions import db, limiter, login_manager
from ..surveys.models import Response, Survey
from . import services
from .forms import SignInForm
from .permissions import ANY_STAFF, require_role

bp = Blueprint("auth", __name__)

login_manager.user_loader(services.load_user)
login_manager.login_view = "auth.sign_in"


@bp.route("/sign-in", methods=["GET", "POST"])
@limiter.limit("10 per minute;50 per hour", methods=["POST"])
def sign_in():
    form = SignInForm()
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        if user is not None:
            login_user(user)
            return redirect(_safe_next(request.args.get("next")) or url_for("auth.staff_home"))
        # The same words for an unknown email and a wrong password.
        form.password.errors.append(_("That email and password do not match an active account."))
    return render_template("auth/sign_in.html", form=form), 400 if form.errors else 200


def _safe_next(target: str | None) -> str | None:
    """Only a path on this site, never another host."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


@bp.post("/sign-out")
def sign_out():
    logout_user()
    flash(_("You are signed out."))
    return redirect(url_for("auth.sign_in"))


@bp.get("/")
@require_role(*ANY_STAFF)
def staff_home():
    rows = db.session.execute(
        select(Survey.slug, Survey.version, Survey.title, func.count(Response.id))
        .outerjoin(Response, Response.survey_id == Survey.id)
        .group_by(Survey.id, Survey.slug, Survey.version, Survey.title)
        .order_by(Survey.slug, Survey.version)
    ).all()
    return render_template("auth/staff_home.html", rows=rows, user=current_user)
