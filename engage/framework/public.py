"""The community's side of the framework: the draft open for comment, and the published
graduate profile with its "you said, we did" trail, in every language."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from ..engagements.services import current_engagement
from ..errors import render_error
from ..extensions import db, limiter
from ..i18n import select_language
from ..limits import address_key, browser_key, config_limit
from ..models_base import DomainError
from . import board, evidence, services
from .forms import CommentForm
from .models import FrameworkVersion, VersionStatus

bp = Blueprint("profile", __name__)


def _versions(status: VersionStatus) -> FrameworkVersion | None:
    engagement = current_engagement()
    if engagement is None:
        return None
    frameworks = services.frameworks_of(engagement.id)
    return db.session.scalar(
        select(FrameworkVersion)
        .where(
            FrameworkVersion.framework_id.in_([f.id for f in frameworks]),
            FrameworkVersion.status == status,
        )
        .order_by(FrameworkVersion.id.desc())
        .limit(1)
    )


@bp.get("/<lang_code>/profile/")
def show_profile():
    version = _versions(VersionStatus.APPROVED)
    draft = _versions(VersionStatus.OPEN_FOR_COMMENT)
    run = evidence.latest_run(version.framework.engagement_id) if version else None
    return render_template(
        "framework/profile.html",
        version=version,
        draft=draft,
        count=board.board_count(version) if version else None,
        evidence_for={
            c.id: evidence.competency_evidence(c, run, public=True)
            for c in (version.competencies if version else [])
        },
    )


@bp.route("/<lang_code>/profile/draft", methods=["GET", "POST"])
@limiter.limit(config_limit("COMMENT_RATE_LIMIT"), methods=["POST"], key_func=browser_key)
@limiter.limit(config_limit("COMMENT_ADDRESS_RATE_LIMIT"), methods=["POST"], key_func=address_key)
def comment_on_draft():
    version = _versions(VersionStatus.OPEN_FOR_COMMENT) or abort(404)
    forms = _comment_forms(version)
    if request.method == "POST":
        sent = _sent_competency(version)
        if sent is None:
            abort(400)
        form = forms[sent.id]
        if form.validate():
            try:
                services.add_public_comment(version, sent, select_language().code, form.body.data)
            except DomainError as error:
                form.body.errors.append(str(error.args[0]))
            else:
                db.session.commit()
                flash(_("Thank you: your comment was sent to the district."))
                return redirect(url_for("profile.comment_on_draft") + f"#competency-{sent.id}")
        return render_template("framework/draft.html", version=version, forms=forms), 400
    return render_template("framework/draft.html", version=version, forms=forms)


def _comment_forms(version) -> dict:
    return {c.id: CommentForm(prefix=f"c{c.id}") for c in version.competencies}


def _sent_competency(version):
    """Each competency has its own form; the one sent is the one whose field is present."""
    return next((c for c in version.competencies if f"c{c.id}-body" in request.form), None)


@bp.errorhandler(429)
def too_many_comments(error):
    """A comment refused by the rate limit comes back filled in, with the reason beside it."""
    if request.endpoint != "profile.comment_on_draft" or request.method != "POST":
        return render_error(429)
    version = _versions(VersionStatus.OPEN_FOR_COMMENT)
    sent = _sent_competency(version) if version is not None else None
    if sent is None:
        return render_error(429)
    forms = _comment_forms(version)
    forms[sent.id].body.errors = [
        _(
            "Too many comments were sent from this device in a short time, so yours was not "
            "sent yet. Your comment is still here: please wait a few minutes and send it again."
        )
    ]
    return render_template("framework/draft.html", version=version, forms=forms), 429
