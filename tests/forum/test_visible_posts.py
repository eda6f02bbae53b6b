"""`visible_posts`: what the theme runs read from the forum."""

from datetime import timedelta

import pytest

from engage.extensions import db
from engage.forum import services
from engage.forum.models import Moderation, PostStatus
from engage.models_base import utcnow
from tests.forum.conftest import make_engagement, make_thread


def test_visible_posts_of_an_engagement_with_endorsement_counts(app_context):
    engagement = make_engagement()
    thread = make_thread(engagement)
    second = make_thread(engagement, moderation=Moderation.PRE)
    elsewhere = make_thread()
    earlier = utcnow() - timedelta(hours=1)
    first = services.submit_post(thread, "Know how to learn.", "en", now=earlier)
    reply = services.submit_post(thread, "Y cuidar a otros.", "es", parent=first)
    services.submit_post(second, "Waiting for approval.", "en")
    hidden = services.submit_post(thread, "Hidden one.", "en")
    hidden.status = PostStatus.HIDDEN
    services.submit_post(elsewhere, "Another engagement.", "en")
    services.endorse_post(first, "b1")
    services.endorse_post(first, "b2")
    db.session.flush()

    posts = services.visible_posts(engagement.id)
    assert [(p.id, p.body, p.language, p.endorsements) for p in posts] == [
        (first.id, "Know how to learn.", "en", 2),
        (reply.id, "Y cuidar a otros.", "es", 0),
    ]
    assert posts[0].thread_id == thread.id and posts[1].parent_id == first.id
    assert all(p.source == "forum_post" and p.created_at is not None for p in posts)
    assert services.visible_posts(10**6) == []


def test_a_repeat_is_allowed_again_after_the_window(app_context):
    thread = make_thread()
    services.submit_post(thread, "Same words.", "en", now=utcnow() - timedelta(days=2))
    services.submit_post(thread, "Same words.", "en")
    with pytest.raises(services.PostRefused):
        services.submit_post(thread, "same   WORDS.", "en")
