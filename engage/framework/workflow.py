"""The life of a framework version: an enum of states, a table of allowed actions, one guard.

    draft ──open_for_comment──▶ open for comment ──send_to_board──▶ in review
    draft ─────────────────────send_to_board────────────────────▶ in review
    in review ──approve (quorum and majority)──▶ approved ──supersede──▶ superseded
    in review ──request_changes──▶ changes requested (a new draft starts from it)

Only a draft can be edited; board members comment until the board decides. The guard raises a
DomainError, shown as a 409 page.
"""

import enum

from flask_babel import lazy_gettext as _l

from ..models_base import DomainError
from .models import VersionStatus


class Action(enum.StrEnum):
    EDIT = "edit"
    OPEN_FOR_COMMENT = "open_for_comment"
    COMMENT = "comment"
    BOARD_COMMENT = "board_comment"
    SEND_TO_BOARD = "send_to_board"
    VOTE = "vote"
    APPROVE = "approve"
    REQUEST_CHANGES = "request_changes"
    SUPERSEDE = "supersede"


#: (state, action) -> the state after it. A missing pair is not allowed.
TRANSITIONS: dict[tuple[VersionStatus, Action], VersionStatus] = {
    (VersionStatus.DRAFT, Action.EDIT): VersionStatus.DRAFT,
    (VersionStatus.DRAFT, Action.OPEN_FOR_COMMENT): VersionStatus.OPEN_FOR_COMMENT,
    (VersionStatus.DRAFT, Action.SEND_TO_BOARD): VersionStatus.IN_REVIEW,
    (VersionStatus.DRAFT, Action.BOARD_COMMENT): VersionStatus.DRAFT,
    (VersionStatus.OPEN_FOR_COMMENT, Action.COMMENT): VersionStatus.OPEN_FOR_COMMENT,
    (VersionStatus.OPEN_FOR_COMMENT, Action.BOARD_COMMENT): VersionStatus.OPEN_FOR_COMMENT,
    (VersionStatus.OPEN_FOR_COMMENT, Action.SEND_TO_BOARD): VersionStatus.IN_REVIEW,
    (VersionStatus.IN_REVIEW, Action.VOTE): VersionStatus.IN_REVIEW,
    (VersionStatus.IN_REVIEW, Action.BOARD_COMMENT): VersionStatus.IN_REVIEW,
    (VersionStatus.IN_REVIEW, Action.APPROVE): VersionStatus.APPROVED,
    (VersionStatus.IN_REVIEW, Action.REQUEST_CHANGES): VersionStatus.CHANGES_REQUESTED,
    (VersionStatus.APPROVED, Action.SUPERSEDE): VersionStatus.SUPERSEDED,
}

REFUSALS = {
    Action.EDIT: _l("This version is frozen: start a new draft to change it."),
    Action.OPEN_FOR_COMMENT: _l("Only a draft can be opened for public comment."),
    Action.COMMENT: _l("This version is not open for comment."),
    Action.BOARD_COMMENT: _l(
        "The board has decided on this version, so it takes no more board comments."
    ),
    Action.SEND_TO_BOARD: _l("Only a draft or a version open for comment can go to the board."),
    Action.VOTE: _l("Votes are taken only while the board is reviewing a version."),
    Action.APPROVE: _l("Only a version the board is reviewing can be approved."),
    Action.REQUEST_CHANGES: _l("Only a version the board is reviewing can be sent back."),
    Action.SUPERSEDE: _l("Only an approved version can be superseded."),
}


def can(status: VersionStatus, action: Action) -> bool:
    return (VersionStatus(status), action) in TRANSITIONS


def transition(version, action: Action) -> VersionStatus:
    """Move `version` along `action`, or raise DomainError if the state does not allow it."""
    key = (VersionStatus(version.status), action)
    if key not in TRANSITIONS:
        raise DomainError(REFUSALS[action])
    version.status = TRANSITIONS[key]
    return version.status
