"""Staff sign-in and sign-out, invitations, and each staff member's own account."""

from urllib.parse import urlsplit

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from sqlalchemy import func, select

from ..errors import render_error
from ..extensions import db, limiter, login_manager
from ..limits import account_address_key, account_key, address_key, config_limit, failed
from ..surveys.models import Response, Survey
from . import services
from .forms import ChangePasswordForm, NewPasswordForm, PreferencesForm, SignInForm
from .models import Role
from .permissions import ANY_STAFF, require_role

bp = Blueprint("auth", __name__)

login_manager.user_loader(services.load_user)
login_manager.login_view = "auth.sign_in"


@bp.route("/sign-in", methods=["GET", "POST"])
@limiter.limit(config_limit("SIGN_IN_RATE_LIMIT"), methods=["POST"], key_func=address_key)
# Guessing one account: failures count per (account, address), so the owner signing in from
# elsewhere is not held back, and more widely per account against guesses from many addresses.
@limiter.limit(
    config_limit("SIGN_IN_ACCOUNT_ADDRESS_RATE_LIMIT"),
    methods=["POST"],
    key_func=account_address_key,
    deduct_when=failed,
)
@limiter.limit(
    config_limit("SIGN_IN_ACCOUNT_RATE_LIMIT"),
    methods=["POST"],
    key_func=account_key,
    deduct_when=failed,
)
def sign_in():
    form = SignInForm()
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        if user is not None:
            session.clear()  # a fresh session at sign-in: nothing carried over from before
            session.permanent = True  # expires after PERMANENT_SESSION_LIFETIME
            login_user(user)
            return redirect(_safe_next(request.args.get("next")) or _home_of(user))
        # The same words for an unknown email, a wrong password and a deactivated account.
        form.password.errors.append(_("That email and password do not match an active account."))
    return render_template("auth/sign_in.html", form=form), 400 if form.errors else 200


def _home_of(user) -> str:
    """Translators work at the desk; everyone else starts on the staff home page."""
    if user.role == Role.TRANSLATOR:
        return url_for("desk.choose_engagement")
    return url_for("auth.staff_home")


def _safe_next(target: str | None) -> str | None:
    """Only a path on this site, never another host."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    parts = urlsplit(target)
    return None if parts.scheme or parts.netloc else target


@bp.post("/sign-out")
def sign_out():
    if current_user.is_authenticated:
        # A copy of this cookie (another tab, a shared computer) must stop working too.
        services.end_sessions(current_user._get_current_object())
        db.session.commit()
    logout_user()
    session.clear()
    flash(_("You are signed out."))
    return redirect(url_for("auth.sign_in"))


@bp.errorhandler(429)
def too_many_sign_ins(error):
    """The sign-in form again, with the email typed (never the password) and the reason."""
    if request.endpoint != "auth.sign_in" or request.method != "POST":
        return render_error(429)
    form = SignInForm()
    form.password.errors = [
        _("Too many attempts. Please wait a few minutes and try again. Nothing was checked.")
    ]
    return render_template("auth/sign_in.html", form=form), 429


@bp.route("/set-password/<token>", methods=["GET", "POST"])
@limiter.limit("10 per minute", methods=["POST"], key_func=address_key)
def accept_invitation(token: str):
    user = services.user_for_invitation(token, current_app.config["SECRET_KEY"]) or abort(404)
    form = NewPasswordForm()
    if form.validate_on_submit():
        services.set_password(user, form.password.data, actor=user)
        db.session.commit()
        flash(_("Your password is set. Please sign in."))
        return redirect(url_for("auth.sign_in"))
    return render_template("auth/set_password.html", form=form, user=user)


@bp.get("/")
@require_role(*ANY_STAFF)
def staff_home():
    rows = db.session.execute(
        select(Survey.slug, Survey.version, Survey.title, func.count(Response.id))
        .outerjoin(Response, Response.survey_id == Survey.id)
        .group_by(Survey.id)  # the other columns depend on the key (json cannot be grouped)
        .order_by(Survey.slug, Survey.version)
    ).all()
    from ..review.attention import needs_attention

    return render_template(
        "auth/staff_home.html",
        rows=rows,
        user=current_user,
        attention=needs_attention(current_user),
    )


@bp.route("/account", methods=["GET", "POST"])
@require_role(*ANY_STAFF, Role.TRANSLATOR)
def edit_account():
    password_form = ChangePasswordForm(prefix="password")
    preferences_form = PreferencesForm(
        prefix="prefs",
        language=current_user.preferred_language,
        translations_beside=current_user.translations_beside,
    )
    if password_form.submit_pressed() and password_form.validate_on_submit():
        if current_user.check_password(password_form.current.data):
            user = current_user._get_current_object()  # the real user, not the proxy
            services.set_password(user, password_form.password.data, actor=user)
            db.session.commit()
            login_user(user)  # this session carries on with the new session version
            flash(_("Your password is changed. Other sessions are signed out."))
            return redirect(url_for("auth.edit_account"))
        password_form.current.errors.append(_("That is not your current password."))
    elif preferences_form.submit_pressed() and preferences_form.validate_on_submit():
        services.set_preferred_language(
            current_user, preferences_form.language.data, actor=current_user
        )
        current_user.translations_beside = preferences_form.translations_beside.data
        db.session.commit()
        session.pop("lang", None)
        flash(_("Your preferences are saved."))
        return redirect(url_for("auth.edit_account"))
    status = 400 if password_form.errors or preferences_form.errors else 200
    return render_template(
        "auth/account.html", password_form=password_form, preferences_form=preferences_form
    ), status
