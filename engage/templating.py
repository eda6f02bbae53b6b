"""Helpers every template can use: permission predicates, role names, small-cell counts."""

from flask import Flask
from flask_babel import lazy_gettext as _l

from .auth.models import Role
from .auth.permissions import TEMPLATE_PREDICATES
from .i18n import KNOWN_LANGUAGES, join_list, list_separator
from .privacy import format_cell, is_shown, small_cell

RUN_STATUS_NAMES = {
    "queued": _l("waiting to start"),
    "running": _l("running"),
    "done": _l("done"),
    "failed": _l("failed"),
}
THEME_STATUS_NAMES = {
    "candidate": _l("suggested by the engine"),
    "accepted": _l("accepted"),
    "merged": _l("merged"),
    "off_topic": _l("off-topic"),
}

VERSION_STATUS_NAMES = {
    "draft": _l("draft"),
    "open_for_comment": _l("open for public comment"),
    "in_review": _l("with the board"),
    "changes_requested": _l("changes requested"),
    "approved": _l("approved"),
    "superseded": _l("superseded"),
}
VOTE_NAMES = {
    "approve": _l("approve"),
    "request_changes": _l("request changes"),
    "abstain": _l("abstain"),
}

ROLE_NAMES = {
    Role.FACILITATOR: _l("facilitator"),
    Role.BOARD: _l("board member"),
    Role.ADMIN: _l("administrator"),
    Role.TRANSLATOR: _l("translator"),
}


def role_name(role: Role) -> str:
    return str(ROLE_NAMES.get(role, role))


def _shown_translation(rows, reader_language, only_reader=False):
    from .desk.services import shown_translation

    return shown_translation(rows, reader_language, only_reader)


def _answer_labels(question, language, default_language):
    from .surveys.forms import answer_labels

    return answer_labels(question, language, default_language)


def _yes_no_label(value):
    from .surveys.forms import yes_no_label

    return yes_no_label(value)


def register_template_helpers(app: Flask) -> None:
    app.jinja_env.filters["small_cell"] = small_cell
    app.jinja_env.filters["cell"] = format_cell
    app.jinja_env.filters["join_list"] = join_list
    app.jinja_env.globals["list_separator"] = list_separator
    app.jinja_env.tests["shown"] = is_shown
    app.jinja_env.globals.update(
        TEMPLATE_PREDICATES,
        role_name=role_name,
        shown_translation=_shown_translation,
        answer_labels=_answer_labels,
        yes_no_label=_yes_no_label,
        run_status_name=lambda status: str(RUN_STATUS_NAMES.get(str(status), status)),
        theme_status_name=lambda status: str(THEME_STATUS_NAMES.get(str(status), status)),
        version_status_name=lambda status: str(VERSION_STATUS_NAMES.get(str(status), status)),
        vote_name=lambda decision: str(VOTE_NAMES.get(str(decision), decision)),
        language_names={code: lang.name for code, lang in KNOWN_LANGUAGES.items()},
    )
