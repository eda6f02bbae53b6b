"""Drafting from themes, freezing versions, public comment, board votes and the decision rule."""

import pytest
from sqlalchemy import select

from engage.audit import AuditEvent
from engage.engagements.models import Engagement
from engage.extensions import db
from engage.framework import board as board_votes
from engage.framework import services
from engage.framework.models import VersionStatus
from engage.models_base import DomainError
from engage.review import theme_edits
from engage.review.models import AnalysisRun
from tests.factories import make_user

SETTINGS = {"BOARD_QUORUM": 0.5, "BOARD_APPROVAL": "majority_of_members"}


def draft_with_competency(engagement_id, run_id):
    engagement = db.session.get(Engagement, engagement_id)
    framework = services.create_framework(engagement, {"en": "Portrait of a graduate"}, None)
    version = services.latest_version(framework)
    theme = db.session.get(AnalysisRun, run_id).themes[0]
    theme_edits.accept_theme(theme, None)
    suggested = services.suggestions(framework, version, db.session.get(AnalysisRun, run_id))
    assert [t.key for t in suggested] == [theme.key]
    competency = services.accept_suggestion(version, theme, "en", None)
    assert services.suggestions(framework, version, db.session.get(AnalysisRun, run_id)) == []
    return framework, version, competency


def test_a_version_goes_from_draft_to_approved_and_is_frozen_on_the_way(app, themed):
    with app.app_context():
        board = [make_user("board") for _ in range(3)]
        framework, version, competency = draft_with_competency(*themed)
        services.open_for_comment(version, None)
        with pytest.raises(DomainError):  # frozen
            services.save_competency(version, competency, {"en": "New name"}, {}, {}, None)
        services.add_public_comment(version, competency, "es", "Muy importante ‮para todos")
        services.send_to_board(version, None)
        with pytest.raises(DomainError):  # comments close when the board has it
            services.add_public_comment(version, competency, "es", "Tarde")
        board_votes.cast_vote(
            version, board[0], "request_changes", "Say more about ethics", SETTINGS
        )
        with pytest.raises(DomainError, match="already voted"):
            board_votes.cast_vote(version, board[0], "approve", "", SETTINGS)
        with pytest.raises(DomainError, match="quorum"):
            board_votes.approve(version, None, SETTINGS)
        board_votes.request_changes(version, None)
        assert version.status == VersionStatus.CHANGES_REQUESTED
        second = services.start_revision(version, None)
        assert second.number == 2 and second.status == VersionStatus.DRAFT
        assert [c.lineage for c in second.competencies] == [competency.lineage]
        assert second.competencies[0].evidence[0].theme_key == competency.evidence[0].theme_key
        services.save_competency(
            second,
            second.competencies[0],
            {"en": "Thinking for yourself", "es": "Pensar por sí mismo"},
            {"en": "Asks questions."},
            {"en": ["Grades 9-12: argues"]},
            None,
        )
        services.send_to_board(second, None)
        board_votes.cast_vote(second, board[0], "approve", "", SETTINGS)
        assert second.status == VersionStatus.IN_REVIEW  # 1 of 3 is no majority of members
        board_votes.cast_vote(second, board[1], "approve", "", SETTINGS)
        assert second.status == VersionStatus.APPROVED  # 2 of 3: quorum and majority
        changes = services.compare_versions(version, second)
        assert [after.name["en"] for _before, after in changes["reworded"]] == [
            "Thinking for yourself"
        ]
        db.session.commit()
        comment = db.session.scalar(select(services.PublicComment))
        assert "\u202e" not in comment.body  # a right-to-left override is removed
        actions = set(db.session.scalars(select(AuditEvent.action)))
    assert {
        "version.opened_for_comment",
        "version.sent_to_board",
        "version.voted",
        "version.changes_requested",
        "version.revision_started",
        "version.approved",
    } <= actions


def test_a_newer_approval_supersedes_the_older(app, themed):
    with app.app_context():
        board = [make_user("board")]
        framework, version, _competency = draft_with_competency(*themed)
        services.send_to_board(version, None)
        board_votes.cast_vote(version, board[0], "approve", "", SETTINGS)
        assert version.status == VersionStatus.APPROVED
        second = services.start_revision(version, None)
        services.send_to_board(second, None)
        board_votes.cast_vote(second, board[0], "approve", "", SETTINGS)
        assert (version.status, second.status) == (VersionStatus.SUPERSEDED, VersionStatus.APPROVED)


def test_majority_of_votes_rule_ignores_abstentions(app, themed):
    with app.app_context():
        board = [make_user("board") for _ in range(4)]
        _framework, version, _competency = draft_with_competency(*themed)
        services.send_to_board(version, None)
        rule = {"BOARD_QUORUM": 0.5, "BOARD_APPROVAL": "majority_of_votes"}
        board_votes.cast_vote(version, board[0], "abstain", "", rule)
        board_votes.cast_vote(version, board[1], "abstain", "", rule)
        assert version.status == VersionStatus.IN_REVIEW  # 2 of 4 is not more than half
        board_votes.cast_vote(version, board[2], "approve", "", rule)
        assert version.status == VersionStatus.APPROVED  # quorum 3 of 4; 1 approve, 0 against
