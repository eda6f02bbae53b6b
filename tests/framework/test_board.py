"""Only the board approves: members' own votes, votes an admin records for a named member, what
the published profile says about the vote, and board comments that never lose their text."""

import html
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from engage.audit import AuditEvent
from engage.auth.models import User
from engage.extensions import db
from engage.framework import board, services
from engage.framework.models import BoardComment, FrameworkVersion, Vote, VoteDecision
from engage.models_base import DomainError
from tests.conftest import hidden_fields
from tests.factories import make_user
from tests.framework.test_framework import SETTINGS, draft_with_competency

PASSWORD = "correct horse battery"


def signed_in(app, email):
    client = app.test_client()
    form = hidden_fields(client.get("/staff/sign-in").get_data(as_text=True))
    response = client.post("/staff/sign-in", data=form | {"email": email, "password": PASSWORD})
    assert response.status_code == 302
    return client


def in_review(app, themed, members=1):
    """(version id, competency id, board members' emails) for a version with the board."""
    with app.app_context():
        emails = [make_user("board").email for _ in range(members)]
        _framework, version, competency = draft_with_competency(*themed)
        services.send_to_board(version, None)
        db.session.commit()
        return version.id, competency.id, emails


def page_fields(client, version_id):
    return hidden_fields(client.get(f"/staff/framework/versions/{version_id}").get_data(True))


def test_an_admin_signed_in_cannot_vote_as_themselves(app, themed):
    version_id, _competency_id, _emails = in_review(app, themed, members=1)
    with app.app_context():
        admin_email = make_user("admin").email
        db.session.commit()
    admin = signed_in(app, admin_email)
    data = page_fields(admin, version_id) | {"decision": "approve"}
    refused = admin.post(f"/staff/framework/versions/{version_id}/vote", data=data)
    assert refused.status_code == 403
    assert "Only board members vote" in refused.get_data(as_text=True)
    page = admin.get(f"/staff/framework/versions/{version_id}").get_data(as_text=True)
    assert f'action="/staff/framework/versions/{version_id}/vote#' not in page  # not offered
    assert f"/staff/framework/versions/{version_id}/votes/record" in page
    with app.app_context():
        version = db.session.get(FrameworkVersion, version_id)
        assert version.status == "in_review" and version.votes == []
        admin_user = db.session.scalar(select(User).filter_by(email=admin_email))
        with pytest.raises(DomainError, match="Only board members vote"):
            board.cast_vote(version, admin_user, "approve", "", SETTINGS)


def test_only_active_board_members_votes_count(app, themed):
    version_id, _competency_id, emails = in_review(app, themed, members=2)
    with app.app_context():
        version = db.session.get(FrameworkVersion, version_id)
        # Rows from before admins were refused, or from someone who left the board.
        stray = [make_user("admin"), make_user("facilitator"), make_user("board")]
        stray[2].active = False
        for user in stray:
            db.session.add(Vote(version=version, voter_id=user.id, decision=VoteDecision.APPROVE))
        db.session.flush()
        assert board.tally(version) == {"approve": 0, "request_changes": 0, "abstain": 0}
        assert not board.decision_reached(version, SETTINGS)
        with pytest.raises(DomainError, match="quorum"):
            board.approve(version, None, SETTINGS)
        member = db.session.scalar(select(User).filter_by(email=emails[0]))
        board.cast_vote(version, member, "approve", "", SETTINGS)
        assert version.status == "in_review"  # 1 of 2 members is no majority
        assert board.live_count(version) == {
            "members": 2,
            "voted": 1,
            "approve": 1,
            "request_changes": 0,
            "abstain": 0,
        }


def test_an_admin_records_a_meeting_vote_for_a_named_member_once(app, themed):
    version_id, _competency_id, emails = in_review(app, themed, members=3)
    with app.app_context():
        admin_email = make_user("admin").email
        db.session.commit()
        member_ids = [db.session.scalar(select(User.id).filter_by(email=e)) for e in emails]
    admin = signed_in(app, admin_email)
    url = f"/staff/framework/versions/{version_id}/votes/record"
    data = page_fields(admin, version_id)

    unnamed = admin.post(url, data=data | {"record-decision": "approve", "record-comment": "Yes"})
    assert unnamed.status_code == 400
    text = unnamed.get_data(as_text=True)
    assert "Please choose the board member" in text and ">Yes</textarea>" in text

    first = data | {"record-member": str(member_ids[0]), "record-decision": "request_changes"}
    assert (
        admin.post(url, data=first | {"record-comment": "Said at the meeting"}).status_code == 302
    )
    again = admin.post(url, data=first | {"record-decision": "approve", "record-comment": "Oops"})
    assert again.status_code == 409
    text = again.get_data(as_text=True)
    assert html.escape(f"{emails[0]} has already voted") in text
    assert ">Oops</textarea>" in text  # what the admin typed comes back

    member = signed_in(app, emails[0])
    own = member.post(
        f"/staff/framework/versions/{version_id}/vote",
        data=page_fields(member, version_id) | {"decision": "approve"},
    )
    assert own.status_code == 409 and "already voted" in own.get_data(as_text=True)

    with app.app_context():
        votes = db.session.scalars(select(Vote).filter_by(version_id=version_id)).all()
        assert [(v.voter_id, v.decision, v.recorded_by.email) for v in votes] == [
            (member_ids[0], VoteDecision.REQUEST_CHANGES, admin_email)
        ]
        event = db.session.scalar(
            select(AuditEvent).filter_by(action="version.vote_recorded_on_behalf")
        )
        assert db.session.get(User, event.actor_id).email == admin_email
        assert event.details["on_behalf_of"] == emails[0]
    staff_page = admin.get(f"/staff/framework/versions/{version_id}").get_data(as_text=True)
    assert f"recorded on their behalf by <bdi>{admin_email}</bdi>" in staff_page


def approved_by_five(app, themed):
    """Five members: one asks for changes, then three approve (approved at the third)."""
    version_id, _competency_id, emails = in_review(app, themed, members=5)
    with app.app_context():
        version = db.session.get(FrameworkVersion, version_id)
        members = [db.session.scalar(select(User).filter_by(email=e)) for e in emails]
        board.cast_vote(version, members[0], "request_changes", "", SETTINGS)
        for member in members[1:4]:
            board.cast_vote(version, member, "approve", "", SETTINGS)
        assert version.status == "approved"
        version.decided_at = datetime(2027, 3, 3, 18, 0, tzinfo=UTC)
        db.session.commit()
    return version_id, emails


def test_the_published_profile_says_how_many_members_voted_and_how(app, client, themed):
    _version_id, emails = approved_by_five(app, themed)
    with app.app_context():  # a member who leaves later does not change what was decided
        db.session.scalar(select(User).filter_by(email=emails[4])).active = False
        db.session.commit()
    english = client.get("/en/profile/").get_data(as_text=True)
    assert (
        "Approved by the school board on March 3, 2027: 4 of 5 members voted; "
        "3 approve, 1 ask for changes, 0 abstain."
    ) in english
    spanish = client.get("/es/profile/").get_data(as_text=True)
    assert "3 de marzo de 2027" in spanish and "4 de 5" in spanish
    arabic = client.get("/ar/profile/").get_data(as_text=True)
    assert "2027" in arabic and "Approved by the school board" not in arabic
    for code in ("zh-Hans", "vi", "pt-BR", "ht", "so", "hmn"):
        page = client.get(f"/{code}/profile/").get_data(as_text=True)
        assert "Approved by the school board" not in page, code
        assert "ask for changes" not in page, code


def test_a_vote_without_a_decision_keeps_its_comment(app, themed):
    version_id, _competency_id, emails = in_review(app, themed)
    member = signed_in(app, emails[0])
    response = member.post(
        f"/staff/framework/versions/{version_id}/vote",
        data=page_fields(member, version_id) | {"comment": "Needs a word on ethics"},
    )
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert ">Needs a word on ethics</textarea>" in text
    assert 'id="decision-error"' in text and "Please choose how you vote." in text


def test_an_empty_board_comment_comes_back_beside_its_field(app, themed):
    version_id, competency_id, emails = in_review(app, themed)
    member = signed_in(app, emails[0])
    data = page_fields(member, version_id) | {
        "competency_id": str(competency_id),
        f"b{competency_id}-body": "   ",
    }
    response = member.post(f"/staff/framework/versions/{version_id}/board-comments", data=data)
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert f'id="b{competency_id}-body-error"' in text and "Please write a comment." in text
    assert 'aria-invalid="true"' in text


def test_board_comments_are_refused_on_a_decided_version_and_for_another_versions_competency(
    app, themed
):
    version_id, emails = approved_by_five(app, themed)
    with app.app_context():
        version = db.session.get(FrameworkVersion, version_id)
        competency_id = version.competencies[0].id
        draft = services.start_revision(version, None)
        db.session.commit()
        draft_id, draft_competency_id = draft.id, draft.competencies[0].id
    member = signed_in(app, emails[0])
    url = f"/staff/framework/versions/{version_id}/board-comments"
    closed = member.post(
        url,
        data=page_fields(member, version_id)
        | {"competency_id": str(competency_id), f"b{competency_id}-body": "Too late?"},
    )
    assert closed.status_code == 409
    text = closed.get_data(as_text=True)
    assert "takes no more board comments" in text and ">Too late?</textarea>" in text

    wrong = member.post(  # a competency of the approved version, posted to the new draft
        f"/staff/framework/versions/{draft_id}/board-comments",
        data=page_fields(member, draft_id)
        | {"competency_id": str(competency_id), f"b{competency_id}-body": "Wrong place"},
    )
    assert wrong.status_code == 409
    text = wrong.get_data(as_text=True)
    assert "not part of this version" in text and ">Wrong place</textarea>" in text

    right = member.post(
        f"/staff/framework/versions/{draft_id}/board-comments",
        data=page_fields(member, draft_id)
        | {"competency_id": str(draft_competency_id), f"b{draft_competency_id}-body": "Good"},
    )
    assert right.status_code == 302
    with app.app_context():
        assert db.session.scalars(select(BoardComment.body)).all() == ["Good"]
