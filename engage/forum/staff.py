"""Facilitators' forum screens under /staff/forum: threads (prompt in every offered language,
open or closed, pre- or post-moderated), the moderation queue with each post's reports and
history, and the most-supported open answers from the rating flow. Admins pass every check."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select
from wtforms.fields.choices import SelectChoice

from ..auth.models import Role
from ..auth.permissions import require_role
from ..desk.services import translations_for
from ..engagements.models import Engagement
from ..engagements.services import current_engagement, list_engagements
from ..extensions import db
from ..i18n import KNOWN_LANGUAGES, offered_languages
from ..models_base import DomainError
from . import moderation, ratings, services
from .forms import ActionForm, HideForm, build_thread_form, prompt_field_name
from .models import Moderation, Post, PostStatus, Report, Thread, ThreadStatus

bp = Blueprint("forum_staff", __name__)


@bp.get("/")
@require_role(Role.FACILITATOR)
def list_threads():
    codes = [lang.code for lang in offered_languages()]
    counts = dict(
        db.session.execute(
            select(Post.thread_id, func.count(Post.id))
            .where(Post.status == PostStatus.VISIBLE)
            .group_by(Post.thread_id)
        ).all()
    )
    threads = services.list_threads()
    return render_template(
        "forum/staff_threads.html",
        threads=threads,
        completeness={
            thread.id: services.prompt_completeness(thread.prompt, codes) for thread in threads
        },
        post_counts=counts,
        queue_size=len(moderation.moderation_queue()),
        languages=KNOWN_LANGUAGES,
    )


@bp.route("/threads/new", methods=["GET", "POST"])
@require_role(Role.FACILITATOR)
def new_thread():
    return _edit(None)


@bp.route("/threads/<int:thread_id>", methods=["GET", "POST"])
@require_role(Role.FACILITATOR)
def edit_thread(thread_id: int):
    return _edit(db.get_or_404(Thread, thread_id))


def _edit(thread: Thread | None):
    engagements = list_engagements()
    if not engagements:
        return render_template("forum/staff_thread_form.html", form=None, thread=thread)
    default = current_engagement() if thread is None else thread.engagement
    languages = offered_languages()
    data = {}
    if thread is not None:
        data = {
            "engagement_id": thread.engagement_id,
            "slug": thread.slug,
            "status": thread.status.value,
            "moderation": thread.moderation.value,
        } | {prompt_field_name(code): value for code, value in thread.prompt.items()}
    elif request.method == "GET":
        data = {"engagement_id": default.id}
    formdata = request.form if request.method == "POST" else None
    form = build_thread_form(languages, default.default_language, formdata, **data)
    form.engagement_id.choices = [
        SelectChoice(e.id, f"{_display_name(e)} ({e.status.value})") for e in engagements
    ]
    if request.method == "POST" and form.validate():
        engagement = db.session.get(Engagement, form.engagement_id.data)
        # Text in a language no longer offered is kept, not silently dropped.
        prompt = dict(thread.prompt) if thread is not None else {}
        prompt |= {lang.code: form[prompt_field_name(lang.code)].data or "" for lang in languages}
        arguments = (
            engagement,
            form.slug.data,
            prompt,
            ThreadStatus(form.status.data),
            Moderation(form.moderation.data),
        )
        try:
            if thread is None:
                thread = services.create_thread(*arguments, actor=current_user)
            else:
                services.update_thread(thread, *arguments, actor=current_user)
        except DomainError as error:
            db.session.rollback()
            form.slug.errors = [*form.slug.errors, str(error)]
        else:
            db.session.commit()
            flash(_("The conversation is saved."))
            return redirect(url_for("forum_staff.list_threads"), code=303)
    codes = [lang.code for lang in languages]
    current = {lang.code: form[prompt_field_name(lang.code)].data for lang in languages}
    return render_template(
        "forum/staff_thread_form.html",
        form=form,
        thread=thread,
        prompt_fields=[form[prompt_field_name(lang.code)] for lang in languages],
        completeness=services.prompt_completeness(current, codes),
        languages=KNOWN_LANGUAGES,
    ), 400 if form.errors else 200


def _display_name(engagement) -> str:
    names = engagement.name or {}
    return names.get(engagement.default_language) or next(iter(names.values()), engagement.slug)


@bp.get("/moderation")
@require_role(Role.FACILITATOR)
def moderation_queue():
    queue, hidden = moderation.moderation_queue(), moderation.hidden_posts()
    return render_template(
        "forum/staff_queue.html",
        queue=queue,
        hidden=hidden,
        languages=KNOWN_LANGUAGES,
        translations=translations_for(
            f"p:{post.id}" for post in [item.post for item in queue] + list(hidden)
        ),
    )


@bp.get("/posts/<int:post_id>")
@require_role(Role.FACILITATOR)
def show_post(post_id: int):
    return _render_post(db.get_or_404(Post, post_id), HideForm())


def _render_post(post: Post, hide_form: HideForm, status: int = 200):
    reports = db.session.scalars(
        select(Report).where(Report.post_id == post.id).order_by(Report.created_at)
    ).all()
    return render_template(
        "forum/staff_post.html",
        post=post,
        reports=reports,
        history=moderation.post_history(post),
        hide_form=hide_form,
        action_form=ActionForm(),
        languages=KNOWN_LANGUAGES,
        translations=translations_for([f"p:{post.id}"]),
    ), status


@bp.post("/posts/<int:post_id>/approve")
@require_role(Role.FACILITATOR)
def approve_post(post_id: int):
    post = db.get_or_404(Post, post_id)
    moderation.approve_post(post, actor=current_user)
    db.session.commit()
    flash(_("The post is approved and visible."))
    return _back(post)


@bp.post("/posts/<int:post_id>/hide")
@require_role(Role.FACILITATOR)
def hide_post(post_id: int):
    post = db.get_or_404(Post, post_id)
    form = HideForm()
    if not form.validate():
        return _render_post(post, form, 400)
    moderation.hide_post(post, form.reason.data, actor=current_user)
    db.session.commit()
    flash(_("The post is hidden. Readers see the reason you gave."))
    return _back(post)


@bp.post("/posts/<int:post_id>/restore")
@require_role(Role.FACILITATOR)
def restore_post(post_id: int):
    post = db.get_or_404(Post, post_id)
    moderation.restore_post(post, actor=current_user)
    db.session.commit()
    flash(_("The post is restored and visible again."))
    return _back(post)


def _back(post: Post):
    return redirect(url_for("forum_staff.show_post", post_id=post.id), code=303)


@bp.get("/support")
@require_role(Role.FACILITATOR)
def answer_support():
    rows = ratings.most_supported_answers()
    return render_template(
        "forum/staff_support.html",
        rows=rows,
        groups=ratings.support_by_group([answer.id for answer, _support in rows]),
        languages=KNOWN_LANGUAGES,
    )
