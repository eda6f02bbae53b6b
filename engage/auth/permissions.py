"""Who may do what. Every staff view declares its roles with `require_role`; templates get the
`can_*` predicates so nobody sees a button they cannot use."""

from functools import wraps

from flask import abort, redirect, request, url_for
from flask_login import current_user

from .models import Role

#: Endpoints that any signed-in staff member may use, whatever their role.
ANY_STAFF = (Role.FACILITATOR, Role.BOARD, Role.ADMIN)


def require_role(*roles: Role):
    """Sign-in required, and the user's role must be one of `roles` (admins always pass)."""

    def decorator(view):
        view.required_roles = tuple(roles)

        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return redirect(url_for("auth.sign_in", next=request.full_path))
            if current_user.role != Role.ADMIN and current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def has_role(user, *roles: Role) -> bool:
    return bool(user and user.is_authenticated and (user.role == Role.ADMIN or user.role in roles))


def can_manage_surveys(user) -> bool:
    return has_role(user, Role.FACILITATOR)


def can_read_responses(user) -> bool:
    return has_role(user, Role.FACILITATOR)


def can_moderate_forum(user) -> bool:
    return has_role(user, Role.FACILITATOR)


def can_read_framework(user) -> bool:
    return has_role(user, Role.FACILITATOR, Role.BOARD)


def can_translate(user) -> bool:
    return has_role(user, Role.TRANSLATOR, Role.FACILITATOR)


def can_manage_staff(user) -> bool:
    return has_role(user, Role.ADMIN)


TEMPLATE_PREDICATES = {
    "can_manage_surveys": can_manage_surveys,
    "can_manage_staff": can_manage_staff,
    "can_translate": can_translate,
    "can_moderate_forum": can_moderate_forum,
    "can_read_responses": can_read_responses,
    "can_read_framework": can_read_framework,
}
