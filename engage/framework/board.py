"""The board's part: members' votes, the decision rule, approval, sending back, board comments.

Only board members vote, and only active board members' votes count, against the number of
active board members. An admin never votes as themselves; an admin may record a vote a member
cast at a public meeting, naming the member, and the vote is stored as that member's with who
recorded it. Each member votes once per version and a vote is never replaced.
"""

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..audit import record_event
from ..auth.models import Role, User
from ..extensions import db
from ..forum.text import MAX_BODY_LENGTH, clean_text
from ..models_base import DomainError, utcnow
from .models import BoardComment, FrameworkVersion, VersionStatus, Vote, VoteDecision
from .services import check_languages
from .workflow import Action, transition


def is_board_member(user) -> bool:
    return bool(user is not None and user.role == Role.BOARD and user.active)


def board_members() -> list[User]:
    query = select(User).filter_by(role=Role.BOARD, active=True).order_by(User.email)
    return list(db.session.scalars(query))


def counted_votes(version: FrameworkVersion) -> list[Vote]:
    """The votes that count: those of active board members (a stray row from anyone else, such
    as an admin's vote stored before admins were refused, never counts)."""
    return [v for v in version.votes if is_board_member(v.voter)]


def tally(version: FrameworkVersion) -> dict:
    counts = {decision: 0 for decision in VoteDecision}
    for vote in counted_votes(version):
        counts[vote.decision] += 1
    return counts


def live_count(version: FrameworkVersion) -> dict:
    """How the board has voted so far, as plain numbers: {"members", "voted", "approve",
    "request_changes", "abstain"}."""
    counts = {str(k): v for k, v in tally(version).items()}
    return counts | {"members": len(board_members()), "voted": sum(counts.values())}


def board_count(version: FrameworkVersion) -> dict:
    """The count kept when the board decided (members come and go later), else today's."""
    return dict(version.board_tally) if version.board_tally else live_count(version)


def _reached(votes: dict, members: int, settings: dict) -> bool:
    """The decision rule over plain counts: quorum, then a majority for approval."""
    cast = sum(votes.values())
    if members == 0 or cast <= members * settings["BOARD_QUORUM"]:
        return False
    approve = votes[VoteDecision.APPROVE]
    if settings["BOARD_APPROVAL"] == "majority_of_votes":
        return approve * 2 > approve + votes[VoteDecision.REQUEST_CHANGES]
    return approve * 2 > members


def decision_reached(version: FrameworkVersion, settings: dict) -> bool:
    """Quorum (more than QUORUM of members voted) and a majority for approval, by the rule set
    in BOARD_APPROVAL: of all members, or of the votes cast other than abstentions."""
    return _reached(tally(version), len(board_members()), settings)


def vote_would_approve(version: FrameworkVersion, settings: dict) -> bool:
    """Whether one more "approve" vote would approve (and publish) the version now."""
    if version.status != VersionStatus.IN_REVIEW or decision_reached(version, settings):
        return False
    votes = tally(version)
    votes[VoteDecision.APPROVE] += 1
    return _reached(votes, len(board_members()), settings)


def approval_outlook(version: FrameworkVersion, settings: dict) -> dict:
    """Where the board stands, for the version page: whether approval can be recorded now
    ("ready"), can still come with more votes ("waiting"), or cannot ("blocked"), with the
    figures that say why."""
    members = len(board_members())
    votes = tally(version)
    cast = sum(votes.values())
    approve = votes[VoteDecision.APPROVE]
    changes = votes[VoteDecision.REQUEST_CHANGES]
    # The fewest votes that are a quorum: more than QUORUM of the members.
    quorum = int(members * settings["BOARD_QUORUM"]) + 1
    remaining = members - cast
    best = dict(votes)
    best[VoteDecision.APPROVE] = approve + remaining
    if _reached(votes, members, settings):
        state = "ready"
    elif members == 0 or not _reached(best, members, settings):
        state = "blocked"
    else:
        state = "waiting"
    return {
        "state": state,
        "members": members,
        "voted": cast,
        "quorum": min(quorum, members) if members else 0,
        "approve": approve,
        "request_changes": changes,
        "by_votes": settings["BOARD_APPROVAL"] == "majority_of_votes",
    }


def cast_vote(
    version,
    voter,
    decision: VoteDecision,
    comment: str,
    settings: dict,
    recorded_by=None,
    languages=None,
    accept_incomplete=False,
) -> Vote:
    """Record board member `voter`'s vote, cast by them or, with `recorded_by`, recorded for them
    by an admin (a vote taken at a public meeting). Approval follows once quorum and majority
    are there. A vote that would publish a version not written in every one of `languages` is
    refused (IncompleteTranslations) unless `accept_incomplete` says the voter chose to."""
    transition(version, Action.VOTE)
    if not is_board_member(voter):
        raise DomainError(
            _l("Only board members vote. An admin can record a member's vote, naming the member.")
        )
    if recorded_by is not None and recorded_by.id == voter.id:
        recorded_by = None
    if any(v.voter_id == voter.id for v in version.votes):
        if recorded_by is None:
            raise DomainError(_l("You have already voted on this version."))
        raise DomainError(
            _l(
                "%(member)s has already voted on this version. A vote is never replaced.",
                member=voter.email,
            )
        )
    publishes = VoteDecision(decision) == VoteDecision.APPROVE and vote_would_approve(
        version, settings
    )
    incomplete = check_languages(version, languages, accept_incomplete) if publishes else None
    vote = Vote(
        version=version,
        voter_id=voter.id,
        decision=VoteDecision(decision),
        comment=clean_text(comment)[:MAX_BODY_LENGTH],
        recorded_by_id=getattr(recorded_by, "id", None),
    )
    db.session.add(vote)
    db.session.flush()
    if recorded_by is None:
        record_event(voter, "version.voted", version, {"decision": str(decision)})
    else:
        record_event(
            recorded_by,
            "version.vote_recorded_on_behalf",
            version,
            {"decision": str(decision), "on_behalf_of": voter.email, "member_id": voter.id},
        )
    if decision_reached(version, settings):
        approve(version, recorded_by or voter, settings, incomplete=incomplete)
    return vote


def approve(
    version: FrameworkVersion,
    actor,
    settings: dict,
    languages=None,
    accept_incomplete=False,
    incomplete=None,
) -> FrameworkVersion:
    """Approve with the board's votes (which publishes it); refused without quorum and
    majority, and, like a deciding vote, while not written in every one of `languages` unless
    `accept_incomplete` (`incomplete`: the gaps a deciding vote already accepted)."""
    if version.status == VersionStatus.IN_REVIEW and not decision_reached(version, settings):
        raise DomainError(
            _l("The board has not approved this version: there is no quorum or no majority yet.")
        )
    if version.status == VersionStatus.IN_REVIEW and incomplete is None:
        incomplete = check_languages(version, languages, accept_incomplete)
    transition(version, Action.APPROVE)
    version.decided_at = utcnow()
    version.board_tally = live_count(version)
    for older in version.framework.versions:
        if older.id != version.id and older.status == VersionStatus.APPROVED:
            transition(older, Action.SUPERSEDE)
    details = {"votes": version.board_tally}
    if incomplete:
        details["went_on_without"] = incomplete
    record_event(actor, "version.approved", version, details)
    return version


def request_changes(version: FrameworkVersion, actor) -> FrameworkVersion:
    """Send the version back: allowed once a board member has asked for changes."""
    if (
        version.status == VersionStatus.IN_REVIEW
        and not tally(version)[VoteDecision.REQUEST_CHANGES]
    ):
        raise DomainError(_l("No board member has asked for changes."))
    transition(version, Action.REQUEST_CHANGES)
    version.decided_at = utcnow()
    version.board_tally = live_count(version)
    record_event(actor, "version.changes_requested", version, {"number": version.number})
    return version


def add_board_comment(version, competency, author, body: str) -> BoardComment:
    """A board member's comment on a competency of `version` (or on the whole version when
    `competency` is None), while the board has not decided on it."""
    transition(version, Action.BOARD_COMMENT)
    if not is_board_member(author):
        raise DomainError(_l("Only board members add board comments."))
    if competency is not None and competency.version_id != version.id:
        raise DomainError(_l("That competency is not part of this version."))
    body = clean_text(body)
    if not body:
        raise DomainError(_l("Please write a comment."))
    if len(body) > MAX_BODY_LENGTH:
        raise DomainError(_l("Comments can be at most 5,000 characters."))
    comment = BoardComment(
        version_id=version.id,
        competency_id=getattr(competency, "id", None),
        author_id=author.id,
        body=body,
    )
    db.session.add(comment)
    db.session.flush()
    record_event(author, "board_comment.added", comment, {"version": version.number})
    return comment
