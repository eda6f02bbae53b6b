"""Staff screens for the framework: drafting from themes, evidence, versions, board review."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..auth.models import Role, User
from ..auth.permissions import require_role
from ..engagements.services import current_engagement
from ..errors import render_error
from ..extensions import db
from ..i18n import language_for, localized, offered_languages, select_language
from ..ids import db_id
from ..models_base import DomainError
from ..review import dashboard, theme_community
from ..review.models import Theme
from . import board, evidence, pages, services
from .forms import (
    BoardCommentForm,
    FrameworkForm,
    RecordVoteForm,
    VoteForm,
    competency_form,
    competency_texts,
)
from .models import (
    Competency,
    Evidence,
    Framework,
    FrameworkVersion,
    PublicComment,
    VersionStatus,
)
from .workflow import REFUSALS, Action, can

bp = Blueprint("framework", __name__)
READERS = (Role.FACILITATOR, Role.BOARD)


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
    return pages.version_page(db.get_or_404(FrameworkVersion, version_id))


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
    "request-changes": board.request_changes,
    "revise": services.start_revision,
}
#: Steps that show the profile to more people, so they check it is in every language.
CHECKED_STEPS = ("open-for-comment", "send-to-board")


def _language_codes() -> list[str]:
    return [lang.code for lang in offered_languages()]


def _accepts_incomplete() -> bool:
    return request.form.get("accept_incomplete") in ("y", "yes", "on")


@bp.post(
    "/versions/<int:version_id>/"
    '<any("open-for-comment", "send-to-board", "request-changes", "revise"):step>'
)
@require_role(Role.FACILITATOR)
def change_version(version_id: int, step: str):
    version = db.get_or_404(FrameworkVersion, version_id)
    extra = {}
    if step in CHECKED_STEPS:
        extra = {"languages": _language_codes(), "accept_incomplete": _accepts_incomplete()}
    try:
        result = STEPS[step](version, current_user, **extra)
    except services.IncompleteTranslations as error:
        return pages.version_page(version, 409, refused_step=(step, str(error.args[0])))
    db.session.commit()
    if step == "open-for-comment":
        flash(_("The draft is open for public comment. Share it with the links below."))
    elif step == "send-to-board":
        flash(_("The version is with the board. It can no longer change."))
    else:
        flash(_("Done."))
    return redirect(url_for("framework.show_version", version_id=result.id))


@bp.post("/versions/<int:version_id>/approve")
@require_role(Role.FACILITATOR, Role.BOARD)
def approve_version(version_id: int):
    version = db.get_or_404(FrameworkVersion, version_id)
    try:
        board.approve(
            version,
            current_user,
            pages.settings(),
            languages=_language_codes(),
            accept_incomplete=_accepts_incomplete(),
        )
    except services.IncompleteTranslations as error:
        return pages.version_page(version, 409, refused_step=("approve", str(error.args[0])))
    db.session.commit()
    flash(_("Version %(number)s is approved and published.", number=version.number))
    return redirect(url_for("framework.show_version", version_id=version.id))


def _board_members_only():
    """Admins pass every role check, but they never vote or comment in the board's place."""
    if current_user.role != Role.BOARD:
        return render_error(
            403,
            _(
                "Only board members vote and add board comments. An admin can record a vote a "
                "member cast at a meeting, naming the member."
            ),
        )
    return None


def _flash_vote(version, recorded: str) -> None:
    """The vote is recorded; and when it decided, what it decided."""
    if version.status == VersionStatus.APPROVED:
        recorded += " " + _(
            "With it the board approved version %(number)s, and it is now published.",
            number=version.number,
        )
    flash(recorded)


def _refused(version, form, field, error: DomainError):
    """A refused vote or comment: beside its field if the page still shows the form, else with
    the reason at the top of the page and the text to copy."""
    message = str(error.args[0])
    if can(version.status, Action.VOTE):
        field.errors = [message]
        return None
    return pages.version_page(
        version, 409, unsaved={"errors": [message], "text": form.comment.data or ""}
    )


@bp.post("/versions/<int:version_id>/vote")
@require_role(Role.BOARD)
def vote(version_id: int):
    refused = _board_members_only()
    if refused:
        return refused
    version = db.get_or_404(FrameworkVersion, version_id)
    form, status = VoteForm(), 400
    if form.validate_on_submit():
        try:
            board.cast_vote(
                version,
                current_user,
                form.decision.data,
                form.comment.data or "",
                pages.settings(),
                languages=_language_codes(),
                accept_incomplete=form.accept_incomplete.data,
            )
        except services.IncompleteTranslations as error:
            form.accept_incomplete.errors = [str(error.args[0])]
        except DomainError as error:
            status = 409
            if page := _refused(version, form, form.decision, error):
                return page
        else:
            db.session.commit()
            _flash_vote(version, _("Your vote is recorded."))
            return redirect(url_for("framework.show_version", version_id=version.id))
    return pages.version_page(version, status, vote_form=form)


@bp.post("/versions/<int:version_id>/votes/record")
@require_role(Role.ADMIN)
def record_vote(version_id: int):
    version = db.get_or_404(FrameworkVersion, version_id)
    form, status = RecordVoteForm(prefix="record"), 400
    if form.validate_on_submit():
        member = db.session.get(User, form.member.data) if form.member.data else None
        if member is None:
            form.member.errors = [_("Please choose the board member whose vote you are recording.")]
            return pages.version_page(version, 400, record_form=form)
        try:
            board.cast_vote(
                version,
                member,
                form.decision.data,
                form.comment.data or "",
                pages.settings(),
                recorded_by=current_user,
                languages=_language_codes(),
                accept_incomplete=form.accept_incomplete.data,
            )
        except services.IncompleteTranslations as error:
            form.accept_incomplete.errors = [str(error.args[0])]
        except DomainError as error:
            status = 409
            if page := _refused(version, form, form.member, error):
                return page
        else:
            db.session.commit()
            _flash_vote(version, _("The vote of %(member)s is recorded.", member=member.email))
            return redirect(url_for("framework.show_version", version_id=version.id))
    return pages.version_page(version, status, record_form=form)


@bp.post("/versions/<int:version_id>/board-comments")
@require_role(Role.BOARD)
def add_board_comment(version_id: int):
    refused = _board_members_only()
    if refused:
        return refused
    version = db.get_or_404(FrameworkVersion, version_id)
    competency_id = request.form.get("competency_id", type=db_id)
    competency = db.session.get(Competency, competency_id) if competency_id else None
    form = BoardCommentForm(prefix=f"b{competency_id or ''}")
    if not can(version.status, Action.BOARD_COMMENT):
        refusal = str(REFUSALS[Action.BOARD_COMMENT])
    elif competency is None or competency.version_id != version.id:
        refusal = _("That competency is not part of this version.")
    else:
        refusal = None
    if refusal:
        # Nowhere on this page to put it back beside the field: shown with the reason, to copy.
        unsaved = {"errors": [refusal], "text": form.body.data or ""}
        return pages.version_page(version, 409, unsaved=unsaved)
    if form.validate_on_submit():
        try:
            board.add_board_comment(version, competency, current_user, form.body.data)
        except DomainError as error:
            form.body.errors = [str(error.args[0])]
        else:
            db.session.commit()
            flash(_("Your comment is added."))
            anchor = f"#competency-{competency.id}"
            return redirect(url_for("framework.show_version", version_id=version.id) + anchor)
    return pages.version_page(version, 400, board_form=form, board_target=competency.id)


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
    languages = offered_languages()
    chosen = language_for(request.args.get("in"))
    codes = [chosen.code] if chosen else [lang.code for lang in languages]
    changes = services.compare_versions(old, new)
    return render_template(
        "framework/compare.html",
        old=old,
        new=new,
        changes=changes,
        languages=languages,
        chosen=chosen,
        changed={
            after.id: services.changed_languages(before, after, codes)
            for before, after in changes["reworded"]
        },
        base=url_for("framework.compare_versions", version_id=version.id),
        other=other,
    )


@bp.get("/<int:framework_id>/coverage")
@require_role(*READERS)
def show_coverage(framework_id: int):
    framework = db.get_or_404(Framework, framework_id)
    version = services.latest_version(framework)
    run = evidence.latest_run(framework.engagement_id)
    linked = {e.theme_key for c in version.competencies for e in c.evidence}
    result = (
        evidence.coverage(evidence.memberships(run), linked, theme_community.not_understood(run))
        if run
        else None
    )
    return render_template(
        "framework/coverage.html",
        framework=framework,
        version=version,
        run=run,
        coverage=result,
        status=VersionStatus,
        group_names={
            "role": dashboard.option_labels(
                framework.engagement, "role", select_language(), localized
            ),
            "school": dashboard.option_labels(
                framework.engagement, "school", select_language(), localized
            ),
        },
    )
