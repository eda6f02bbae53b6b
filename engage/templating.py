"""Helpers every template can use: permission predicates, role names, small-cell counts."""

from flask import Flask
from flask_babel import lazy_gettext as _l

from .auth.models import Role
from .auth.permissions import TEMPLATE_PREDICATES
from .privacy import format_cell, is_shown, small_cell

ROLE_NAMES = {
    Role.FACILITATOR: _l("facilitator"),
    Role.BOARD: _l("board member"),
    Role.ADMIN: _l("administrator"),
}


def role_name(role: Role) -> str:
    return str(ROLE_NAMES.get(role, role))


def register_template_helpers(app: Flask) -> None:
    app.jinja_env.filters["small_cell"] = small_cell
    app.jinja_env.filters["cell"] = format_cell
    app.jinja_env.tests["shown"] = is_shown
    app.jinja_env.globals.update(TEMPLATE_PREDICATES, role_name=role_name)
