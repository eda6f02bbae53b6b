"""Reports, the moderation queue and the facilitators' decisions, each one audited."""

import pytest
from sqlalchemy import select

from engage.audit import AuditEvent
from engage.extensions import db
from engage.forum import moderation, reports, services, workflow
from engage.forum.models import Post, PostStatus, ReportReason
from engage.models_base import DomainError
from tests.conftest import hidden_fields
from tests.forum.conftest import make_thread, post, thread_url

EXPECTED = {
    (PostStatus.PENDING, workflow.APPROVE): PostStatus.VISIBLE,
    (PostStatus.VISIBLE, workflow.APPROVE): PostStatus.VISIBLE,
    (PostStatus.PENDING, workflow.HIDE): PostStatus.HIDDEN,
    (PostStatus.VISIBLE, workflow.HIDE): PostStatus.HIDDEN,
    (PostStatus.HIDDEN, workflow.RESTORE): PostStatus.VISIBLE,
    (PostStatus.VISIBLE, workflow.HOLD): PostStatus.PENDING,
}
ACTIONS = [workflow.APPROVE, workflow.HIDE, workflow.RESTORE, workflow.HOLD]


@pytest.mark.parametrize("status", list(PostStatus))
@pytest.mark.parametrize("action", ACTIONS)
def test_every_state_and_action(app_context, status, action):
    if (status, action) in EXPECTED:
        assert workflow.next_status(status, action) == EXPECTED[(status, action)]
    else:
        with pytest.raises(DomainError):
            workflow.next_status(status, action)


def _post(body="A post to moderate.", status=PostStatus.VISIBLE):
    thread = make_thread()
    made = services.submit_post(thread, body, "vi")
    made.status = status
    db.session.flush()
    return made


def actions(target):
    return [
        e.action
        for e in db.session.scalars(
            select(AuditEvent)
            .filter_by(target_type="Post", target_id=str(target.id))
            .order_by(AuditEvent.id)
        )
    ]


def test_enough_reports_from_different_browsers_hold_a_post_for_review(app_context):
    made = _post()
    assert reports.report_post(made, ReportReason.SPAM, None, "browser-1")
    assert not reports.report_post(made, ReportReason.SPAM, None, "browser-1")  # once each
    reports.report_post(made, ReportReason.OFFENSIVE, "rude", "browser-2")
    assert made.status == PostStatus.VISIBLE
    reports.report_post(made, ReportReason.OTHER, None, "browser-3")
    assert made.status == PostStatus.PENDING
    assert actions(made) == [
        "post.created",
        "post.reported",
        "post.reported",
        "post.reported",
        "post.held",
    ]
    assert [item.post for item in moderation.moderation_queue()] == [made]


def test_approving_a_reported_post_closes_its_reports_and_restarts_the_count(app_context):
    made = _post()
    reports.report_post(made, ReportReason.SPAM, None, "b1")
    assert moderation.moderation_queue()[0].open_reports == 1
    moderation.approve_post(made, actor=None)
    assert moderation.moderation_queue() == []
    reports.report_post(made, ReportReason.SPAM, None, "b2")
    reports.report_post(made, ReportReason.SPAM, None, "b3")
    assert made.status == PostStatus.VISIBLE  # only two open reports since the approval


def test_hiding_needs_a_reason_and_restoring_clears_it(app_context):
    made = _post()
    with pytest.raises(DomainError):
        moderation.hide_post(made, "  \u202e ", actor=None)
    moderation.hide_post(made, "Shares a phone number", actor=None)
    assert made.status == PostStatus.HIDDEN and made.hidden_reason == "Shares a phone number"
    assert moderation.hidden_posts() == [made]
    with pytest.raises(DomainError):
        moderation.hide_post(made, "again", actor=None)
    moderation.restore_post(made, actor=None)
    assert made.status == PostStatus.VISIBLE and made.hidden_reason is None
    with pytest.raises(DomainError):
        moderation.restore_post(made, actor=None)


def test_a_hidden_or_pending_post_cannot_be_endorsed_reported_or_replied_to(app_context):
    made = _post(status=PostStatus.HIDDEN)
    with pytest.raises(DomainError):
        services.endorse_post(made, "b")
    with pytest.raises(DomainError):
        reports.report_post(made, ReportReason.SPAM, None, "b")
    with pytest.raises(DomainError):
        services.submit_post(made.thread, "A reply", "en", parent=made)


def _staff_post(client, url):
    data = hidden_fields(client.get("/staff/forum/moderation").get_data(as_text=True))
    return client.post(url, data=data)


def test_facilitator_hides_and_restores_and_readers_see_the_reason(app, client, sign_in, thread):
    author = app.test_client()
    post(author, thread, "Call me on 555-0100.")
    with app.app_context():
        post_id = db.session.scalar(select(Post.id))
    sign_in("facilitator")
    page = client.get(f"/staff/forum/posts/{post_id}").get_data(as_text=True)
    data = hidden_fields(page) | {"reason": "<i>Shares a phone number</i>"}
    response = client.post(f"/staff/forum/posts/{post_id}/hide", data=data)
    assert response.status_code == 303
    reader = app.test_client().get(thread_url(thread)).get_data(as_text=True)
    assert "Call me on 555-0100." not in reader
    assert "A moderator hid this post." in reader
    assert "&lt;i&gt;Shares a phone number&lt;/i&gt;" in reader
    assert _staff_post(client, f"/staff/forum/posts/{post_id}/restore").status_code == 303
    assert "Call me on 555-0100." in app.test_client().get(thread_url(thread)).get_data(
        as_text=True
    )
    history = client.get(f"/staff/forum/posts/{post_id}").get_data(as_text=True)
    for action in ("post.created", "post.hidden", "post.restored"):
        assert action in history
    with app.app_context():
        events = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action.in_(["post.hidden", "post.restored"]))
        ).all()
        assert len(events) == 2 and all(e.actor_id is not None for e in events)


def test_hiding_without_a_reason_shows_the_error_beside_the_field(app, client, sign_in, thread):
    post(app.test_client(), thread, "Something.")
    with app.app_context():
        post_id = db.session.scalar(select(Post.id))
    sign_in("facilitator")
    page = client.get(f"/staff/forum/posts/{post_id}").get_data(as_text=True)
    response = client.post(
        f"/staff/forum/posts/{post_id}/hide", data=hidden_fields(page) | {"reason": " "}
    )
    assert response.status_code == 400
    assert 'id="reason-error"' in response.get_data(as_text=True)


def test_restoring_a_visible_post_is_a_conflict_not_a_crash(app, client, sign_in, thread):
    post(app.test_client(), thread, "Fine post.")
    with app.app_context():
        post_id = db.session.scalar(select(Post.id))
    sign_in("facilitator")
    assert _staff_post(client, f"/staff/forum/posts/{post_id}/restore").status_code == 409


def test_the_queue_lists_pending_and_reported_posts(app, client, sign_in, thread):
    author = app.test_client()
    post(author, thread, "Reported post.")
    with app.app_context():
        post_id = db.session.scalar(select(Post.id))
    reporter = app.test_client()
    page = reporter.get(f"/en/conversations/posts/{post_id}/report").get_data(as_text=True)
    response = reporter.post(
        f"/en/conversations/posts/{post_id}/report",
        data=hidden_fields(page) | {"reason": "spam", "details": "an advert"},
    )
    assert response.status_code == 303
    sign_in("facilitator")
    queue = client.get("/staff/forum/moderation").get_data(as_text=True)
    assert "Reported post." in queue and "1 open report" in queue
    assert _staff_post(client, f"/staff/forum/posts/{post_id}/approve").status_code == 303
    assert "Reported post." not in client.get("/staff/forum/moderation").get_data(as_text=True)


def test_a_report_needs_a_listed_reason_and_keeps_what_was_typed(app, client, thread):
    post(app.test_client(), thread, "Report me properly.")
    with app.app_context():
        post_id = db.session.scalar(select(Post.id))
    url = f"/en/conversations/posts/{post_id}/report"
    page = client.get(url).get_data(as_text=True)
    assert "Report me properly." in page
    response = client.post(url, data=hidden_fields(page) | {"reason": "<x>", "details": "Typed."})
    assert response.status_code == 400
    assert 'id="reason-error"' in response.get_data(as_text=True)
    assert "Typed.</textarea>" in response.get_data(as_text=True)


def test_reports_are_rate_limited_per_browser(app, client):
    with app.app_context():
        thread = make_thread()
        ids = [services.submit_post(thread, f"Post {n}.", "en").id for n in range(11)]
        db.session.commit()
    data = hidden_fields(
        client.get(f"/en/conversations/posts/{ids[0]}/report").get_data(as_text=True)
    )
    codes = [
        client.post(
            f"/en/conversations/posts/{i}/report", data=data | {"reason": "spam"}
        ).status_code
        for i in ids
    ]
    assert codes == [303] * 10 + [429]


def test_a_post_waiting_for_review_cannot_be_reported_again(app, client):
    with app.app_context():
        post_id = _post(status=PostStatus.PENDING).id
        db.session.commit()
    assert client.get(f"/en/conversations/posts/{post_id}/report").status_code == 404
