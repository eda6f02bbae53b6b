"""The life of a post: an enum of states, a transition table and one guard.

A post starts visible (post-moderated thread) or pending (pre-moderated). Enough open reports
send a visible post back to pending until a facilitator reviews it. Facilitators approve
(pending to visible, or keep a reported visible post), hide with a reason, or restore a hidden
post. Anything else is a domain error, shown as a 409 page.
"""

from flask_babel import lazy_gettext as _l

from ..models_base import DomainError
from .models import PostStatus

APPROVE = "approve"
HIDE = "hide"
RESTORE = "restore"
#: The system action taken when a visible post reaches the report threshold.
HOLD = "hold"

TRANSITIONS: dict[str, dict[PostStatus, PostStatus]] = {
    APPROVE: {PostStatus.PENDING: PostStatus.VISIBLE, PostStatus.VISIBLE: PostStatus.VISIBLE},
    HIDE: {PostStatus.PENDING: PostStatus.HIDDEN, PostStatus.VISIBLE: PostStatus.HIDDEN},
    RESTORE: {PostStatus.HIDDEN: PostStatus.VISIBLE},
    HOLD: {PostStatus.VISIBLE: PostStatus.PENDING},
}

REFUSALS = {
    APPROVE: _l("Only a post waiting for review or a reported post can be approved."),
    HIDE: _l("This post is already hidden."),
    RESTORE: _l("Only a hidden post can be restored."),
    HOLD: _l("Only a visible post can be held for review."),
}


def allowed(status: PostStatus, action: str) -> bool:
    return status in TRANSITIONS.get(action, {})


def next_status(status: PostStatus, action: str) -> PostStatus:
    """The status after `action`, or a DomainError when `status` does not allow it."""
    if not allowed(status, action):
        raise DomainError(str(REFUSALS.get(action, _l("That cannot be done right now"))))
    return TRANSITIONS[action][status]
