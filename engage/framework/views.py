"""Staff screens for the framework: drafting from themes, evidence, versions, board review."""

from collections import Counter

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..auth.models import Role
from ..auth.permissions import require_role
from ..engagements.services import current_engagement
from ..extensions import db
from ..i18n import localized, offered_languages, select_language
from ..ids import db_id
from ..models_base import DomainError
from ..privacy import suppress_breakdown
from ..review import dashboard
from ..review.models import Theme
from . import evidence, services
from .forms import CommentForm, FrameworkForm, VoteForm, competency_form, competency_texts
from .models import (
    Competency,
    Evidence,
    Framework,
    FrameworkVersion,
    PublicComment,
    VersionStatus,
)
from .workflow import Action, can

bp = Blueprint("framework", __name__)
READERS = (Role.FACILITATOR, Role.BOARD)


def _settings() -> dict:
    return {key: current_app.config[key] for key in ("BOARD_QUORUM", "BOARD_APPROVAL")}


@bp.route("/", methods=["GET", "POST"])
@require_role(*READERS)
def list_frameworks():
    engagement = current_engagement()
    if engagement is None:
        return render_template("review/no_engagement.html")
    form = FrameworkForm()
    if form.validate_on_submit():
        if current_user.role not in (Role.FACILITATOR, Role.ADMIN):
            abort(403)
        framework = services.create_framework(
            engagement, {engagement.default_language: form.title.data}, current_user
        )
        db.session.commit()
        return redirect(
            url_for("framework.show_version", version_id=services.latest_version(framework).id)
        )
    frameworks = services.frameworks_of(engagement.id)
    return render_template(
        "framework/list.html",
        engagement=engagement,
        form=form,
        frameworks=frameworks,
        latest=services.latest_version,
    )


@bp.get("/versions/<int:version_id>")
@require_role(*READERS)
def show_version(version_id: int):
    version = db.get_or_404(FrameworkVersion, version_id)
    framework = version.framework
    run = evidence.latest_run(framework.engagement_id)
    comments = db.session.scalars(
        db.select(PublicComment).filter_by(version_id=version.id).order_by(PublicComment.id)
    ).all()
    comment_languages = suppress_breakdown(Counter(c.language for c in comments))
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
        languages=offered_languages(),
        can=can,
        Action=Action,
        tally=services.tally(version),
        members=len(services.board_members()),
        my_vote=next((v for v in version.votes if v.voter_id == current_user.id), None),
        vote_form=VoteForm(),
        comment_form=CommentForm(prefix="board"),
        public_comments=comments,
        comment_languages=comment_languages,
        board_comments=_board_comments(version),
        settings=_settings(),
        role_names=dashboard.option_labels(
            framework.engagement, "role", select_language(), localized
        ),
        school_names=dashboard.option_labels(
            framework.engagement, "school", select_language(), localized
        ),
    )


def _board_comments(version):
    from .models import BoardComment

    return db.session.scalars(
        db.select(BoardComment).filter_by(version_id=version.id).order_by(BoardComment.id)
    ).all()


@bp.route("/versions/<int:version_id>/competencies/new", methods=["GET", "POST"])
@bp.route(
    "/competencies/<int:competency_id>/edit", methods=["GET", "POST"], endpoint="edit_competency"
)
@require_role(Role.FACILITATOR)
def new_competency(version_id: int | None = None, competency_id: int | None = None):
    competency = db.get_or_404(Competency, competency_id) if competency_id else None
    version = competency.version if competency else db.get_or_404(FrameworkVersion, version_id)
    if not can(version.status, Action.EDIT):
        raise DomainError(_("This version is frozen: start a new draft to change it."))
    languages = offered_languages()
    form = competency_form(
        languages, request.form if request.method == "POST" else None, competency
    )
    if request.method == "POST" and form.validate():
        name, description, indicators = competency_texts(form, languages)
        try:
            services.save_competency(
                version, competency, name, description, indicators, current_user
            )
        except DomainError as error:
            form.errors.setdefault("name", []).append(str(error.args[0]))
        else:
            db.session.commit()
            flash(_("Competency saved."))
            return redirect(url_for("framework.show_version", version_id=version.id))
    return render_template(
        "framework/competency.html",
        form=form,
        version=version,
        competency=competency,
        languages=languages,
        working=version.framework.engagement.default_language,
    ), 400 if request.method == "POST" else 200


@bp.post("/competencies/<int:competency_id>/delete")
@require_role(Role.FACILITATOR)
def delete_competency(competency_id: int):
    competency = db.get_or_404(Competency, competency_id)
    version_id = competency.version_id
    services.delete_competency(competency, current_user)
    db.session.commit()
    return redirect(url_for("framework.show_version", version_id=version_id))


@bp.post("/competencies/<int:competency_id>/evidence")
@require_role(Role.FACILITATOR)
def link_theme(competency_id: int):
    competency = db.get_or_404(Competency, competency_id)
    theme = db.get_or_404(Theme, request.form.get("theme_id", type=db_id) or 0)
    services.link_theme(competency, theme, current_user)
    db.session.commit()
    return redirect(url_for("framework.show_version", version_id=competency.version_id))


@bp.post("/evidence/<int:evidence_id>/delete")
@require_role(Role.FACILITATOR)
def unlink_theme(evidence_id: int):
    item = db.get_or_404(Evidence, evidence_id)
    version_id = item.competency.version_id
    services.unlink_theme(item, current_user)
    db.session.commit()
    return redirect(url_for("framework.show_version", version_id=version_id))


@bp.post("/versions/<int:version_id>/suggestions/<int:theme_id>")
@require_role(Role.FACILITATOR)
def decide_suggestion(version_id: int, theme_id: int):
    version = db.get_or_404(FrameworkVersion, version_id)
    theme = db.get_or_404(Theme, theme_id)
    if request.form.get("decision") == "accept":
        services.accept_suggestion(
            version, theme, version.framework.engagement.default_language, current_user
        )
        flash(
            _(
                "Competency created from the theme “%(label)s”. Edit it to finish it.",
                label=theme.label,
            )
        )
    else:
        services.dismiss_suggestion(version.framework, theme, current_user)
    db.session.commit()
    return redirect(url_for("framework.show_version", version_id=version.id))


STEPS = {
    "open-for-comment": services.open_for_comment,
    "send-to-board": services.send_to_board,
    "request-changes": services.request_changes,
    "revise": services.start_revision,
}


@bp.post(
    "/versions/<int:version_id>/"
    '<any("open-for-comment", "send-to-board", "request-changes", "revise"):step>'
)
@require_role(Role.FACILITATOR)
def change_version(version_id: int, step: str):
    version = db.get_or_404(FrameworkVersion, version_id)
    result = STEPS[step](version, current_user)
    db.session.commit()
    flash(_("Done."))
    return redirect(url_for("framework.show_version", version_id=result.id))


@bp.post("/versions/<int:version_id>/approve")
@require_role(Role.FACILITATOR, Role.BOARD)
def approve_version(version_id: int):
    version = db.get_or_404(FrameworkVersion, version_id)
    services.approve(version, current_user, _settings())
    db.session.commit()
    flash(_("Version %(number)s is approved and published.", number=version.number))
    return redirect(url_for("framework.show_version", version_id=version.id))


@bp.post("/versions/<int:version_id>/vote")
@require_role(Role.BOARD)
def vote(version_id: int):
    version = db.get_or_404(FrameworkVersion, version_id)
    form = VoteForm()
    if not form.validate_on_submit():
        raise DomainError(_("Please choose how you vote."))
    services.cast_vote(
        version, current_user, form.decision.data, form.comment.data or "", _settings()
    )
    db.session.commit()
    flash(_("Your vote is recorded."))
    return redirect(url_for("framework.show_version", version_id=version.id))


@bp.post("/versions/<int:version_id>/board-comments")
@require_role(Role.BOARD)
def add_board_comment(version_id: int):
    version = db.get_or_404(FrameworkVersion, version_id)
    form = CommentForm(prefix="board")
    competency = db.session.get(Competency, request.form.get("competency_id", type=db_id) or 0)
    if not form.validate_on_submit():
        raise DomainError(_("Please write a comment."))
    services.add_board_comment(version, competency, current_user, form.body.data)
    db.session.commit()
    return redirect(url_for("framework.show_version", version_id=version.id))


@bp.post("/public-comments/<int:comment_id>/hide")
@require_role(Role.FACILITATOR)
def hide_public_comment(comment_id: int):
    comment = db.get_or_404(PublicComment, comment_id)
    services.hide_public_comment(comment, current_user)
    db.session.commit()
    return redirect(url_for("framework.show_version", version_id=comment.version_id))


@bp.get("/versions/<int:version_id>/compare")
@require_role(*READERS)
def compare_versions(version_id: int):
    version = db.get_or_404(FrameworkVersion, version_id)
    other = db.get_or_404(FrameworkVersion, request.args.get("with", type=db_id) or 0)
    if other.framework_id != version.framework_id:
        abort(404)
    old, new = sorted([version, other], key=lambda v: v.number)
    return render_template(
        "framework/compare.html",
        old=old,
        new=new,
        changes=services.compare_versions(old, new),
    )


@bp.get("/<int:framework_id>/coverage")
@require_role(*READERS)
def show_coverage(framework_id: int):
    framework = db.get_or_404(Framework, framework_id)
    version = services.latest_version(framework)
    run = evidence.latest_run(framework.engagement_id)
    linked = {e.theme_key for c in version.competencies for e in c.evidence}
    result = evidence.coverage(evidence.memberships(run), linked) if run else None
    return render_template(
        "framework/coverage.html",
        framework=framework,
        version=version,
        run=run,
        coverage=result,
        status=VersionStatus,
    )
