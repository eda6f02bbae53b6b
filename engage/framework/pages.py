"""The staff page of one framework version, rendered for a GET and again, filled in, when a vote
or a board comment is refused (so what a person typed is never lost)."""

from collections import Counter

from flask import current_app, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..auth.models import User
from ..extensions import db
from ..i18n import language_for, localized, offered_languages, select_language
from ..privacy import suppress_breakdown
from ..review import dashboard
from . import board, evidence, services
from .forms import BoardCommentForm, RecordVoteForm, VoteForm
from .models import BoardComment, PublicComment
from .workflow import Action, can


def _translations_of(comments) -> dict:
    from ..desk.services import translations_for

    return translations_for(f"c:{comment.id}" for comment in comments)


def settings() -> dict:
    return {key: current_app.config[key] for key in ("BOARD_QUORUM", "BOARD_APPROVAL")}


def text_language():
    """The language the district's texts are read in on this page (`?in=es`), else the
    reader's own."""
    return language_for(request.args.get("in")) or select_language()


def public_links(languages) -> list:
    """(language, address) of the draft's comment page in each language, as families reach
    it (PUBLIC_BASE_URL when set)."""
    base = (current_app.config.get("PUBLIC_BASE_URL") or request.url_root).rstrip("/")
    return [
        (lang, base + url_for("profile.comment_on_draft", lang_code=lang.code))
        for lang in languages
    ]


def version_page(
    version,
    status=200,
    vote_form=None,
    record_form=None,
    board_form=None,
    board_target=None,
    unsaved=None,
    refused_step=None,
):
    """The version page; a refused vote or board comment comes back in its form, filled in."""
    framework = version.framework
    run = evidence.latest_run(framework.engagement_id)
    comments = db.session.scalars(
        db.select(PublicComment).filter_by(version_id=version.id).order_by(PublicComment.id)
    ).all()
    comment_languages = suppress_breakdown(Counter(c.language for c in comments))
    members = board.board_members()
    voted = {v.voter_id for v in version.votes}
    record_form = record_form or RecordVoteForm(prefix="record", formdata=None)
    record_form.member.choices = [(0, _("Choose a board member"))] + [
        (m.id, m.email) for m in members if m.id not in voted
    ]
    board_forms = {
        c.id: BoardCommentForm(prefix=f"b{c.id}", formdata=None) for c in version.competencies
    }
    if board_target in board_forms:
        board_forms[board_target] = board_form
    languages = offered_languages()
    rules = settings()
    choices = services.language_choices(version)
    actor_ids = {event.actor_id for event in choices if event.actor_id}
    staff_emails = {
        user.id: user.email
        for user in db.session.scalars(db.select(User).where(User.id.in_(actor_ids)))
    }
    return render_template(
        "framework/version.html",
        version=version,
        framework=framework,
        run=run,
        evidence_for={c.id: evidence.competency_evidence(c, run) for c in version.competencies},
        suggestions=services.suggestions(framework, version, run)
        if can(version.status, Action.EDIT)
        else [],
        themes=[t for t in (run.themes if run else []) if t.status.value != "merged"],
        languages=languages,
        text_language=text_language(),
        gaps=services.translation_gaps(version, [lang.code for lang in languages]),
        language_choices=choices,
        staff_emails=staff_emails,
        refused_step=refused_step,
        outlook=board.approval_outlook(version, rules),
        vote_publishes=board.vote_would_approve(version, rules),
        share_links=public_links(languages) if version.status == "open_for_comment" else [],
        can=can,
        Action=Action,
        tally=board.tally(version),
        members=len(members),
        counted={v.id for v in board.counted_votes(version)},
        my_vote=next((v for v in version.votes if v.voter_id == current_user.id), None),
        vote_form=vote_form or VoteForm(formdata=None),
        record_form=record_form,
        board_forms=board_forms,
        unsaved=unsaved,
        public_comments=comments,
        comment_translations=_translations_of(comments),
        comment_languages=comment_languages,
        board_comments=db.session.scalars(
            db.select(BoardComment).filter_by(version_id=version.id).order_by(BoardComment.id)
        ).all(),
        settings=rules,
        role_names=dashboard.option_labels(
            framework.engagement, "role", select_language(), localized
        ),
        school_names=dashboard.option_labels(
            framework.engagement, "school", select_language(), localized
        ),
    ), status
