"""The public forum: the list of conversations, a thread with its posts and the posting form,
endorsing and reporting a post, and rating other people's answers after a survey.

Every page works without JavaScript. A browser is known by a random id in its signed session
cookie; only a keyed hash of it is ever stored or used as a rate-limit key.
"""

import logging
import re

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from ..engagements.services import is_closed
from ..errors import render_error
from ..extensions import db, limiter
from ..i18n import KNOWN_LANGUAGES, localized, offered_languages, select_language
from ..ids import MAX_ID, db_id, page_number
from ..limits import BROWSER_ID, accepted, address_key, browser_id, browser_key, config_limit
from ..models_base import DomainError
from ..surveys.services import response_for_receipt
from . import ratings, reports, services, text
from .forms import PostForm, ReportForm, build_rating_form
from .models import PostStatus, ReportReason, ThreadStatus

bp = Blueprint("forum", __name__)
log = logging.getLogger(__name__)

ANSWER_IDS = re.compile(r"^\d{1,10}(?:,\d{1,10}){0,9}$")


@bp.app_template_filter("post_text")
def post_text(value):
    """A post as safe HTML: escaped, with line breaks and http(s) links."""
    return text.render_post(value)


@bp.app_template_filter("plain_text")
def plain_text(value):
    """Someone's survey answer as safe HTML: escaped, with line breaks and no links."""
    return text.render_plain(value)


def _browser_key() -> str:
    """This browser's hashed id, creating the id in the session on first use."""
    return services.browser_key(current_app.config["SECRET_KEY"], browser_id())


def _existing_browser_key() -> str | None:
    existing = session.get("browser_id") or ""
    if not BROWSER_ID.match(existing):
        return None
    return services.browser_key(current_app.config["SECRET_KEY"], existing)


#: The per-address limit on every forum form, generous enough for a shared school network.
#: (Per-browser limits key on the cookie's id at this address; a client that drops its
#: cookie gets a new id each time, and meets this limit and the ceilings below.)
address_limit = limiter.shared_limit(
    config_limit("FORUM_ADDRESS_RATE_LIMIT"),
    scope="forum-address",
    key_func=address_key,
    methods=["POST"],
)


def _answer_ids_valid(raw: str) -> bool:
    return bool(ANSWER_IDS.match(raw)) and all(0 < int(i) <= MAX_ID for i in raw.split(","))


def _ratings_sent() -> int:
    """How many answers a rating form rates: the per-address ceiling counts answers."""
    return max(
        1,
        sum(
            1
            for key, value in request.form.items(multi=True)
            if key.startswith("answer_") and value in ("1", "0", "-1")
        ),
    )


@bp.get("/<lang_code>/conversations/")
def list_threads():
    return render_template("forum/index.html", threads=services.list_threads())


@bp.route("/<lang_code>/conversations/<slug>", methods=["GET", "POST"])
@limiter.limit(
    config_limit("FORUM_POST_RATE_LIMIT"),
    methods=["POST"],
    key_func=browser_key,
    deduct_when=accepted,
)
@address_limit
def show_thread(slug: str):
    thread = services.find_thread(slug) or abort(404)
    language = select_language()
    form = PostForm()
    form.set_languages(offered_languages(), language.code)
    parent = None
    if request.method == "GET" and request.args.get("reply_to", type=db_id):
        parent = services.find_visible_post(request.args.get("reply_to", type=db_id))
        if parent is not None and parent.thread_id == thread.id:
            form.parent_id.data = str(parent.id)
        else:
            parent = None
    if request.method == "POST":
        if thread.status != ThreadStatus.OPEN or is_closed(thread.engagement):
            return _render_thread(thread, form, _("This conversation is closed to new posts."), 409)
        parent = _parent_from_form(form, thread)
        if form.validate():
            try:
                post = services.submit_post(
                    thread, form.body.data, form.language.data, form.display_name.data, parent
                )
            except services.PostRefused as refusal:
                form.body.errors = [*form.body.errors, str(refusal)]
            else:
                db.session.commit()
                _remember_own_post(post.id)
                if post.status == PostStatus.VISIBLE:
                    flash(_("Thank you: your post is up."))
                    anchor = f"post-{post.id}"
                else:
                    flash(_("Thank you. A moderator will read your post before it appears."))
                    anchor = "posts"
                return redirect(url_for("forum.show_thread", slug=slug, _anchor=anchor), code=303)
        return _render_thread(thread, form, parent=parent, status=400)
    return _render_thread(thread, form, parent=parent)


#: Session key: ids of the posts this browser wrote (the newest few), so it cannot endorse them.
OWN_POSTS_KEY = "own_posts"
OWN_POSTS_KEPT = 50


def _remember_own_post(post_id: int) -> None:
    session[OWN_POSTS_KEY] = [*session.get(OWN_POSTS_KEY, []), post_id][-OWN_POSTS_KEPT:]


def _own_posts() -> set[int]:
    return set(session.get(OWN_POSTS_KEY, []))


def _parent_from_form(form: PostForm, thread):
    try:
        parent_id = db_id(form.parent_id.data or "")
    except ValueError:
        form.parent_id.data = ""
        return None
    parent = services.find_visible_post(parent_id)
    if parent is None or parent.thread_id != thread.id:
        raise DomainError(_("That post cannot be replied to."))
    return parent


def _render_thread(thread, form, form_error=None, status=200, parent=None):
    language = select_language()
    sort = request.args.get("sort") if request.args.get("sort") in services.SORTS else "newest"
    page = request.args.get("page", 1, type=page_number)
    shown = services.read_thread(thread, language.code, sort, _existing_browser_key(), page)
    shown.own = _own_posts()
    prompt, prompt_language = _prompt(thread)
    return render_template(
        "forum/thread.html",
        thread=thread,
        prompt=prompt,
        prompt_language=prompt_language,
        shown=shown,
        sort=sort,
        form=form,
        form_error=form_error,
        parent=parent,
        languages=KNOWN_LANGUAGES,
        engagement_closed=is_closed(thread.engagement),
    ), status


def _prompt(thread):
    return localized(thread.prompt, select_language(), thread.engagement.default_language)


@bp.post("/<lang_code>/conversations/posts/<int:post_id>/endorse")
@limiter.limit(config_limit("FORUM_ENDORSE_RATE_LIMIT"), key_func=browser_key)
@limiter.limit(config_limit("FORUM_ENDORSE_ADDRESS_RATE_LIMIT"), key_func=address_key)
@address_limit
def endorse_post(post_id: int):
    post = services.find_visible_post(post_id) or abort(404)
    slug = post.thread.slug
    try:
        if post.id in _own_posts():
            flash(_("This is your own post: only other people can say it matters to them."))
        elif services.endorse_post(post, _browser_key()):
            flash(_("Thank you: you said this matters to you."))
        db.session.commit()
    except IntegrityError:  # the same browser, twice at once: the other request stored it
        db.session.rollback()
    sort = request.form.get("sort") if request.form.get("sort") in services.SORTS else None
    return redirect(
        url_for("forum.show_thread", slug=slug, sort=sort, _anchor=f"post-{post_id}"), code=303
    )


@bp.route("/<lang_code>/conversations/posts/<int:post_id>/report", methods=["GET", "POST"])
@limiter.limit(
    config_limit("FORUM_REPORT_RATE_LIMIT"),
    methods=["POST"],
    key_func=browser_key,
)
@address_limit
def report_post(post_id: int):
    post = services.find_visible_post(post_id) or abort(404)
    form = ReportForm()
    if form.validate_on_submit():
        threshold = current_app.config["FORUM_REPORTS_TO_HOLD"]
        address = reports.address_key(current_app.config["SECRET_KEY"], request.remote_addr)
        try:
            reports.report_post(
                post,
                ReportReason(form.reason.data),
                form.details.data,
                _browser_key(),
                threshold,
                address=address,
            )
            db.session.commit()
        except IntegrityError:
            db.session.rollback()
        flash(_("Thank you. A moderator will look at this post."))
        return redirect(url_for("forum.show_thread", slug=post.thread.slug), code=303)
    return render_template(
        "forum/report.html", post=post, form=form, languages=KNOWN_LANGUAGES
    ), 400 if form.errors else 200


@bp.route("/<lang_code>/conversations/rate/<code>", methods=["GET", "POST"])
@limiter.limit(config_limit("RATE_PAGE_RATE_LIMIT"), methods=["GET"])
@limiter.limit(config_limit("FORUM_RATE_RATE_LIMIT"), methods=["POST"], key_func=browser_key)
@limiter.limit(
    config_limit("FORUM_RATE_ADDRESS_RATE_LIMIT"),
    methods=["POST"],
    key_func=address_key,
    cost=_ratings_sent,
)
@address_limit
def rate_answers(code: str):
    response = response_for_receipt(code) or abort(404)
    if request.method == "POST":
        raw = request.form.get("answer_ids", "")
        ids = [db_id(i) for i in raw.split(",")] if _answer_ids_valid(raw) else []
        form = build_rating_form(ids, request.form)
        if not ids or not form.validate():
            abort(400)
        chosen = {}
        for answer_id in ids:
            value = form[f"answer_{answer_id}"].data
            if value in ("1", "0", "-1"):
                chosen[answer_id] = int(value)
        ratings.rate_answers(chosen, response.language, response.id, _browser_key())
        db.session.commit()
        flash(_("Thank you: your ratings are saved.") if chosen else _("Nothing was rated."))
        return redirect(url_for("forum.list_threads"), code=303)
    seed = services.browser_key(current_app.config["SECRET_KEY"], f"rate:{response.id}")
    answers = ratings.answers_to_rate(response.language, response.id, _browser_key(), seed=seed)
    return render_template(
        "forum/rate.html",
        response=response,
        answers=answers,
        form=build_rating_form([answer.id for answer in answers]),
    )


@bp.errorhandler(CSRFError)
def csrf_failed(error):
    message = _(
        "Your post was not sent yet because the page had expired or could not be checked. "
        "Everything you typed is still here: please check it and send it again."
    )
    return _give_form_back(message, 400)


@bp.errorhandler(429)
def too_many(error):
    message = _(
        "Too many posts were sent from this device in a short time, so yours was not sent yet. "
        "Everything you typed is still here: please wait a minute and send it again."
    )
    return _give_form_back(message, 429)


@bp.errorhandler(413)
def too_large(error):
    """The thread again (the post could not be read, so it cannot be kept), saying why."""
    if request.endpoint != "forum.show_thread" or request.method != "POST":
        return render_error(413)
    thread = services.find_thread((request.view_args or {}).get("slug", ""))
    if thread is None:
        return render_error(404)
    form = PostForm(formdata=None)
    form.set_languages(offered_languages(), select_language().code)
    message = _(
        "Your post was not sent: what was sent was far larger than any post can be, so it "
        "could not be read. If your browser's Back button shows your text, go back, shorten "
        "it and send it again."
    )
    return _render_thread(thread, form, message, 413)


@bp.errorhandler(SQLAlchemyError)
def database_error(error):
    """The database is unreachable: a post comes back with its text, to send again in a
    minute; any other forum page says to try again (503, one log line, no traceback)."""
    from ..surveys.spool import database_unreachable

    if not database_unreachable(error):
        raise error
    log.warning("database unreachable on %s: %s", request.path, str(error).splitlines()[0])
    try:
        db.session.rollback()
    except SQLAlchemyError:
        pass
    if request.endpoint != "forum.show_thread" or request.method != "POST":
        return render_error(503)
    form = PostForm(formdata=request.form)
    form.set_languages(offered_languages(), select_language().code)
    message = _(
        "Your post could not be sent just now. Everything you typed is still here: please "
        "try again in a minute."
    )
    return render_template(
        "forum/try_again.html",
        form=form,
        form_error=message,
        slug=(request.view_args or {}).get("slug", ""),
    ), 503


def _give_form_back(message: str, status: int):
    if request.endpoint != "forum.show_thread" or request.method != "POST":
        return render_error(status)
    thread = services.find_thread((request.view_args or {}).get("slug", ""))
    if thread is None:
        return render_error(404)
    form = PostForm(formdata=request.form)  # its CSRF field renders a fresh token
    form.set_languages(offered_languages(), select_language().code)
    return _render_thread(thread, form, message, status)
