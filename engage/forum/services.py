"""Forum verbs: threads, posts and replies, endorsements, and the visible posts the
theme runs read.

Services take explicit arguments (never the request or the session), flush rather than commit,
and return what they made. A browser is known only by `browser_key`, a keyed hash of the random
id in its session cookie. Refusals a person can fix (an empty, long or repeated post) raise
`PostRefused`, which the view shows beside the field with the text kept.
"""

import hashlib
import hmac
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask_babel import format_number, gettext, ngettext
from sqlalchemy import case, func, select

from ..audit import record_event
from ..engagements.services import is_closed
from ..extensions import db
from ..models_base import DomainError, utcnow
from . import text
from .models import (
    Endorsement,
    Moderation,
    Post,
    PostStatus,
    Thread,
    ThreadStatus,
)

#: An identical post within this window is refused as a repeat.
REPEAT_WINDOW = timedelta(hours=24)
PAGE_SIZE = 50
SORTS = ("newest", "endorsed")


class PostRefused(DomainError):
    """A post that cannot be accepted as written; the message says how to fix it."""


def browser_key(secret: str, browser_id: str) -> str:
    """The only form in which a browser id is stored: HMAC-SHA256 keyed by the app secret."""
    message = f"forum-browser:{browser_id}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


# Threads ---------------------------------------------------------------------------------------


def list_threads() -> list[Thread]:
    """Every thread, open ones first, newest first."""
    return db.session.scalars(
        select(Thread).order_by(
            case((Thread.status == ThreadStatus.OPEN, 0), else_=1), Thread.created_at.desc()
        )
    ).all()


def find_thread(slug: str) -> Thread | None:
    if "\x00" in slug:  # no slug has one, and PostgreSQL refuses to compare it
        return None
    return db.session.scalar(select(Thread).filter_by(slug=slug))


def prompt_completeness(prompt: dict | None, codes: list[str]) -> dict[str, bool]:
    """Language code -> whether the prompt is written in it."""
    prompt = prompt or {}
    return {code: bool((prompt.get(code) or "").strip()) for code in codes}


def create_thread(
    engagement, slug: str, prompt: dict, status: ThreadStatus, moderation: Moderation, actor
) -> Thread:
    if find_thread(slug) is not None:
        raise DomainError(gettext("Another conversation already uses this web address."))
    thread = Thread(
        engagement=engagement,
        slug=slug,
        prompt=_clean_prompt(prompt),
        status=status,
        moderation=moderation,
    )
    db.session.add(thread)
    db.session.flush()
    record_event(
        actor, "thread.created", thread, {"status": status.value, "moderation": moderation.value}
    )
    return thread


def update_thread(
    thread: Thread,
    engagement,
    slug: str,
    prompt: dict,
    status: ThreadStatus,
    moderation: Moderation,
    actor,
) -> Thread:
    other = find_thread(slug)
    if other is not None and other.id != thread.id:
        raise DomainError(gettext("Another conversation already uses this web address."))
    new = {
        "engagement": engagement.id,
        "slug": slug,
        "prompt": _clean_prompt(prompt),
        "status": status.value,
        "moderation": moderation.value,
    }
    old = {
        "engagement": thread.engagement_id,
        "slug": thread.slug,
        "prompt": thread.prompt,
        "status": thread.status.value,
        "moderation": thread.moderation.value,
    }
    changed = sorted(key for key in new if new[key] != old[key])
    thread.engagement, thread.slug, thread.prompt = engagement, slug, new["prompt"]
    thread.status, thread.moderation = status, moderation
    db.session.flush()
    if changed:
        record_event(actor, "thread.updated", thread, {"changed": changed})
    return thread


def _clean_prompt(prompt: dict) -> dict:
    cleaned = {code: text.clean_text(value) for code, value in prompt.items()}
    return {code: value for code, value in cleaned.items() if value}


# Posts -----------------------------------------------------------------------------------------


def body_problem(body: str | None) -> str | None:
    """Why `body` (as typed) cannot be posted, in the reader's language; None when it can."""
    cleaned = text.clean_text(body)
    if not cleaned and (body or "").strip():
        return gettext(
            "Your post has only invisible characters or spaces. Please write something before "
            "sending."
        )
    if not cleaned:
        return gettext("Please write something before sending.")
    if len(cleaned) > text.MAX_BODY_LENGTH:
        return gettext(
            "Your post is %(length)s characters long; the limit is %(limit)s. "
            "Please shorten it: your text is still here.",
            length=format_number(len(cleaned)),
            limit=format_number(text.MAX_BODY_LENGTH),
        )
    if text.count_links(cleaned) > text.MAX_LINKS:
        return ngettext(
            "A post may contain at most %(num)d link. Please remove some: your text is still here.",
            "A post may contain at most %(num)d links. Please remove some: your text is still "
            "here.",
            text.MAX_LINKS,
        )
    return None


def submit_post(
    thread: Thread,
    body: str,
    language: str,
    display_name: str | None = None,
    parent: Post | None = None,
    now: datetime | None = None,
) -> Post:
    """Store a post or a reply. It is visible at once on a post-moderated thread and waits for
    approval on a pre-moderated one. Replies to a reply join the same conversation one level
    down. Raises PostRefused for a body that breaks a rule or repeats a recent post."""
    if thread.status != ThreadStatus.OPEN or is_closed(thread.engagement, now):
        raise DomainError(gettext("This conversation is closed to new posts."))
    problem = body_problem(body)
    if problem:
        raise PostRefused(problem)
    cleaned = text.clean_text(body)
    if parent is not None:
        if parent.thread_id != thread.id or parent.status != PostStatus.VISIBLE:
            raise DomainError(gettext("That post cannot be replied to."))
        parent = parent.parent or parent
    digest = text.body_hash(cleaned)
    since = (now or utcnow()) - REPEAT_WINDOW
    repeat = db.session.scalar(
        select(Post.id).where(Post.body_hash == digest, Post.created_at >= since).limit(1)
    )
    if repeat is not None:
        raise PostRefused(gettext("The same text was posted recently. Please write something new."))
    post = Post(
        thread=thread,
        parent=parent,
        language=language,
        body=cleaned,
        display_name=text.clean_text(display_name, multiline=False)[:60] or None,
        status=PostStatus.PENDING if thread.moderation == Moderation.PRE else PostStatus.VISIBLE,
        body_hash=digest,
    )
    if now is not None:
        post.created_at = now
    db.session.add(post)
    db.session.flush()
    details = {"thread": thread.id, "language": language, "status": post.status.value}
    if parent is not None:
        details["reply_to"] = parent.id
    record_event(None, "post.created", post, details)
    return post


def find_visible_post(post_id: int) -> Post | None:
    post = db.session.get(Post, post_id)
    return post if post is not None and post.status == PostStatus.VISIBLE else None


def endorse_post(post: Post, key: str) -> bool:
    """ "This matters to me" from one browser; True when it is new, False if already given."""
    if post.status != PostStatus.VISIBLE or post.thread.status != ThreadStatus.OPEN:
        raise DomainError(gettext("This post cannot be endorsed now."))
    existing = db.session.scalar(
        select(Endorsement.id).where(Endorsement.post_id == post.id, Endorsement.browser_key == key)
    )
    if existing is not None:
        return False
    db.session.add(Endorsement(post_id=post.id, browser_key=key))
    db.session.flush()
    record_event(None, "post.endorsed", post)
    return True


# Reading ---------------------------------------------------------------------------------------


@dataclass
class ThreadPage:
    """What a reader sees of a thread: top-level posts in order, replies under each."""

    posts: list[Post]
    replies: dict[int, list[Post]] = field(default_factory=dict)
    endorsements: dict[int, int] = field(default_factory=dict)
    endorsed: set[int] = field(default_factory=set)
    #: Posts this browser wrote (from its session): not for it to endorse.
    own: set[int] = field(default_factory=set)
    total: int = 0
    page: int = 1
    page_size: int = PAGE_SIZE

    @property
    def has_more(self) -> bool:
        return self.page * self.page_size < self.total


SHOWN = (PostStatus.VISIBLE, PostStatus.HIDDEN)


def read_thread(
    thread: Thread, language: str, sort: str = "newest", key: str | None = None, page: int = 1
) -> ThreadPage:
    """Visible posts, and hidden ones as placeholders: those in `language` first, then by
    `sort` ("newest" or "endorsed"); replies oldest first under their post."""
    counts = (
        select(Endorsement.post_id, func.count(Endorsement.id).label("n"))
        .group_by(Endorsement.post_id)
        .subquery()
    )
    endorsed_count = func.coalesce(counts.c.n, 0)
    query = (
        select(Post)
        .outerjoin(counts, counts.c.post_id == Post.id)
        .where(Post.thread_id == thread.id, Post.parent_id.is_(None), Post.status.in_(SHOWN))
    )
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    order = [case((Post.language == language, 0), else_=1)]
    if sort == "endorsed":
        order.append(endorsed_count.desc())
    order += [Post.created_at.desc(), Post.id.desc()]
    posts = db.session.scalars(
        query.order_by(*order).limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)
    ).all()
    replies: dict[int, list[Post]] = {}
    if posts:
        for reply in db.session.scalars(
            select(Post)
            .where(Post.parent_id.in_([p.id for p in posts]), Post.status.in_(SHOWN))
            .order_by(Post.created_at, Post.id)
        ):
            replies.setdefault(reply.parent_id, []).append(reply)
    ids = [p.id for p in posts] + [r.id for rs in replies.values() for r in rs]
    result = ThreadPage(posts=posts, replies=replies, total=total, page=page)
    if ids:
        result.endorsements = dict(
            db.session.execute(
                select(Endorsement.post_id, func.count(Endorsement.id))
                .where(Endorsement.post_id.in_(ids))
                .group_by(Endorsement.post_id)
            ).all()
        )
        if key:
            result.endorsed = set(
                db.session.scalars(
                    select(Endorsement.post_id).where(
                        Endorsement.post_id.in_(ids), Endorsement.browser_key == key
                    )
                )
            )
    return result


@dataclass(frozen=True)
class VisiblePost:
    """A forum post as a contribution to a theme run; `source` labels it as a forum post."""

    id: int
    thread_id: int
    parent_id: int | None
    body: str
    language: str
    endorsements: int
    created_at: datetime
    source: str = "forum_post"


def visible_posts(engagement_id: int) -> list[VisiblePost]:
    """Every visible post and reply in the engagement's threads, oldest first, with its
    endorsement count (how many browsers said "this matters to me")."""
    rows = db.session.execute(
        select(Post, func.count(Endorsement.id))
        .join(Thread, Thread.id == Post.thread_id)
        .outerjoin(Endorsement, Endorsement.post_id == Post.id)
        .where(Thread.engagement_id == engagement_id, Post.status == PostStatus.VISIBLE)
        .group_by(Post.id)
        .order_by(Post.created_at, Post.id)
    ).all()
    return [
        VisiblePost(
            id=post.id,
            thread_id=post.thread_id,
            parent_id=post.parent_id,
            body=post.body,
            language=post.language,
            endorsements=count,
            created_at=post.created_at,
        )
        for post, count in rows
    ]
