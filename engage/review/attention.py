"""What needs a staff member's attention, by role, for the staff home page: under-heard groups,
a theme run that answers have arrived since, a draft to send to or waiting for the board, posts
waiting for moderation, and for a board member a version waiting for their vote.

Plain function over the database (`needs_attention(user)`); the view renders the items. Every
group figure comes from the dashboard's suppressed breakdowns; a count of new answers under 5 is
never given as a number.
"""

from dataclasses import dataclass

from flask import url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import func, select

from ..auth.models import Role
from ..engagements import services as engagement_services
from ..extensions import db
from ..i18n import join_list, localized, select_language
from ..privacy import is_small
from ..surveys.models import Response, Survey
from . import dashboard
from .models import AnalysisRun, RunStatus


@dataclass
class Item:
    text: str
    url: str
    link_text: str
    #: True when it needs doing; False for "all is well" lines
    urgent: bool = True


def needs_attention(user) -> list[Item]:
    engagement = engagement_services.current_engagement()
    if engagement is None:
        return []
    if user.role == Role.BOARD:
        return _board_items(user, engagement)
    if user.role in (Role.FACILITATOR, Role.ADMIN):
        return (
            _under_heard(engagement)
            + _theme_run(engagement)
            + _framework(engagement)
            + _moderation(engagement)
        )
    return []


def _under_heard(engagement) -> list[Item]:
    figures = dashboard.participation(engagement, select_language(), localized)
    url = url_for("review.show_dashboard", engagement_id=engagement.id, _anchor="under-heard")
    if not (figures["language"].has_targets or figures["school"].has_targets):
        return [
            Item(
                _("Add enrollment figures to see which groups are under-heard."),
                url_for("review.edit_targets", engagement_id=engagement.id),
                _("Enrollment targets"),
            )
        ]
    rows = [
        row
        for dimension in ("language", "school")
        for row in figures[dimension].rows
        if row.under_heard
    ]
    if not rows:
        return [Item(_("No group is under-heard."), url, _("Who is being heard"), urgent=False)]
    groups = join_list(
        ngettext(
            "%(group)s (about %(num)s more person)",
            "%(group)s (about %(num)s more people)",
            row.gap,
            group=f"\u2068{row.label}\u2069",  # isolated: a Latin name in an Arabic line
        )
        for row in rows
    )
    return [Item(_("Under-heard: %(groups)s.", groups=groups), url, _("Who is being heard"))]


def _theme_run(engagement) -> list[Item]:
    runs_url = url_for("theme_review.list_runs")
    run = db.session.scalars(
        select(AnalysisRun).filter_by(engagement_id=engagement.id).order_by(AnalysisRun.id.desc())
    ).first()
    if run is None:
        return [Item(_("No theme run yet."), runs_url, _("Run the theme engine"))]
    if run.status in (RunStatus.QUEUED, RunStatus.RUNNING):
        return [
            Item(
                _("Theme run #%(id)s is in progress.", id=run.id),
                url_for("theme_review.show_run", run_id=run.id),
                _("See its progress"),
                urgent=False,
            )
        ]
    since = run.started_at or run.created_at
    new = db.session.scalar(
        select(func.count(Response.id))
        .join(Survey, Survey.id == Response.survey_id)
        .where(Survey.engagement_id == engagement.id, Response.submitted_at > since)
    )
    if not new:
        return [
            Item(
                _("Theme run #%(id)s is up to date.", id=run.id),
                url_for("theme_review.show_run", run_id=run.id),
                _("Review its themes"),
                urgent=False,
            )
        ]
    if is_small(new):
        text = _("A few answers have arrived since theme run #%(id)s.", id=run.id)
    else:
        text = ngettext(
            "%(num)s answer has arrived since theme run #%(id)s.",
            "%(num)s answers have arrived since theme run #%(id)s.",
            new,
            id=run.id,
        )
    return [Item(text, runs_url, _("Start a new run"))]


def _versions(engagement):
    from ..framework.models import Framework, FrameworkVersion

    return db.session.scalars(
        select(FrameworkVersion)
        .join(Framework, Framework.id == FrameworkVersion.framework_id)
        .where(Framework.engagement_id == engagement.id)
        .order_by(FrameworkVersion.framework_id, FrameworkVersion.number)
    ).all()


def _framework(engagement) -> list[Item]:
    from ..framework import board
    from ..framework.models import VersionStatus

    items = []
    for version in _versions(engagement):
        url = url_for("framework.show_version", version_id=version.id)
        if version.status in (VersionStatus.DRAFT, VersionStatus.OPEN_FOR_COMMENT):
            items.append(
                Item(
                    _(
                        "Version %(number)s is a draft: send it to the board when it is ready.",
                        number=version.number,
                    ),
                    url,
                    _("Open the draft"),
                )
            )
        elif version.status == VersionStatus.IN_REVIEW:
            count = board.live_count(version)
            items.append(
                Item(
                    _(
                        "Version %(number)s is with the board: %(voted)s of %(members)s members"
                        " have voted.",
                        number=version.number,
                        voted=count["voted"],
                        members=count["members"],
                    ),
                    url,
                    _("Open the version"),
                    urgent=False,
                )
            )
    return items


def _moderation(engagement) -> list[Item]:
    from ..forum.models import Post, PostStatus, Thread

    pending = db.session.scalar(
        select(func.count(Post.id))
        .join(Thread, Thread.id == Post.thread_id)
        .where(Thread.engagement_id == engagement.id, Post.status == PostStatus.PENDING)
    )
    if not pending:
        return []
    return [
        Item(
            ngettext(
                "%(num)s post is waiting for moderation.",
                "%(num)s posts are waiting for moderation.",
                pending,
            ),
            url_for("forum_staff.moderation_queue"),
            _("Open the moderation queue"),
        )
    ]


def _board_items(user, engagement) -> list[Item]:
    from ..framework.models import VersionStatus

    items = []
    for version in _versions(engagement):
        if version.status != VersionStatus.IN_REVIEW:
            continue
        url = url_for("framework.show_version", version_id=version.id)
        if any(vote.voter_id == user.id for vote in version.votes):
            items.append(
                Item(
                    _("You have voted on version %(number)s.", number=version.number),
                    url,
                    _("Open the version"),
                    urgent=False,
                )
            )
        else:
            items.append(
                Item(
                    _("Version %(number)s is waiting for your vote.", number=version.number),
                    url,
                    _("Read it and vote"),
                )
            )
    if not items:
        items.append(
            Item(
                _("No version is waiting for the board."),
                url_for("framework.list_frameworks"),
                _("Graduate profile drafts"),
                urgent=False,
            )
        )
    return items
