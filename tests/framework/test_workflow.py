"""Every (state, action) pair of a framework version: allowed as the table says, or refused."""

import pytest

from engage.framework.models import VersionStatus
from engage.framework.workflow import TRANSITIONS, Action, can, transition
from engage.models_base import DomainError

EXPECTED = {
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


class FakeVersion:
    def __init__(self, status):
        self.status = status


def test_the_table_is_exactly_what_the_design_says():
    assert TRANSITIONS == EXPECTED


@pytest.mark.parametrize("status", list(VersionStatus))
@pytest.mark.parametrize("action", list(Action))
def test_every_state_and_action(status, action):
    version = FakeVersion(status)
    if (status, action) in EXPECTED:
        assert can(status, action)
        assert transition(version, action) == EXPECTED[(status, action)]
        assert version.status == EXPECTED[(status, action)]
    else:
        assert not can(status, action)
        with pytest.raises(DomainError):
            transition(version, action)
        assert version.status == status  # a refused action changes nothing


def test_only_a_draft_can_be_edited():
    editable = [s for s in VersionStatus if can(s, Action.EDIT)]
    assert editable == [VersionStatus.DRAFT]


def test_board_comments_close_once_the_board_has_decided():
    closed = [s for s in VersionStatus if not can(s, Action.BOARD_COMMENT)]
    assert closed == [
        VersionStatus.CHANGES_REQUESTED,
        VersionStatus.APPROVED,
        VersionStatus.SUPERSEDED,
    ]
