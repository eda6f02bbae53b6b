"""Staff notifications: queued with the change, in the recipient's language, delivered by a real
SMTP server on 127.0.0.1 exactly once, even when that server was down at first."""

import email
import email.policy
import socket
from datetime import UTC, datetime, timedelta

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from engage.audit import record_event
from engage.engagements.models import Engagement, EngagementStatus, EngagementTarget
from engage.extensions import db
from engage.forum.models import PostStatus
from engage.framework import board
from engage.framework import services as framework
from engage.framework.models import VoteDecision
from engage.notifications import mailer
from engage.notifications.models import NotificationEvent, OutboundMail
from engage.notifications.services import check_backlogs, set_preferences
from tests.conftest import hidden_fields
from tests.factories import import_default_survey, make_response, make_user


class Inbox:
    """An aiosmtpd handler that keeps what arrives."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        self.messages.append(envelope)
        return "250 OK"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def mail_settings(port: int) -> dict:
    return {
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": port,
        "MAIL_TIMEOUT": 5,
        "MAIL_DEFAULT_SENDER": "engage@district.test",
    }


def engagement_with_draft():
    engagement = Engagement(slug="gp", name={"en": "Graduate Profile"}, status="open")
    db.session.add(engagement)
    db.session.flush()
    frame = framework.create_framework(engagement, {"en": "Portrait", "es": "Retrato"}, None)
    version = framework.latest_version(frame)
    framework.save_competency(version, None, {"en": "Curiosity"}, {"en": "Asks why"}, {}, None)
    return engagement, version


def test_a_draft_sent_to_the_board_queues_mail_in_each_members_language(app):
    with app.app_context():
        spanish = make_user("board")
        spanish.preferred_language = "es"
        arabic = make_user("board")
        arabic.preferred_language = "ar"
        _engagement, version = engagement_with_draft()
        framework.send_to_board(version, None)
        db.session.commit()
        mails = {
            mail.to_address: mail
            for mail in db.session.scalars(
                select(OutboundMail).filter_by(event=NotificationEvent.BOARD_VOTE)
            )
        }
        assert mails[spanish.email].language == "es"
        assert "voto" in mails[spanish.email].subject
        assert mails[arabic.email].language == "ar"
        assert "تصويت" in mails[arabic.email].subject or "صوت" in mails[arabic.email].subject
        assert f"/staff/framework/versions/{version.id}" in mails[spanish.email].body
        # A second audit event for the same version queues nothing more.
        record_event(None, "version.sent_to_board", version)
        db.session.flush()
        assert db.session.query(OutboundMail).count() == len(mails)


def test_mail_waits_while_the_server_is_down_and_is_delivered_once_when_it_is_up(app):
    port = free_port()
    with app.app_context():
        member = make_user("board")
        member.preferred_language = "es"
        _engagement, version = engagement_with_draft()
        framework.send_to_board(version, None)
        db.session.commit()

        # Nothing listens on the port: the attempt fails, is recorded, and the mail waits.
        outcome = mailer.deliver_due(mail_settings(port))
        assert outcome == {"sent": 0, "failed": 1}
        mail = db.session.scalar(select(OutboundMail).filter_by(to_address=member.email))
        assert mail.sent_at is None and mail.attempts == 1 and mail.last_error
        # Not due again at once: the retry waits.
        assert mailer.deliver_due(mail_settings(port)) == {"sent": 0, "failed": 0}

        inbox = Inbox()
        server = Controller(inbox, hostname="127.0.0.1", port=port)
        server.start()
        try:
            later = datetime.now(UTC) + timedelta(minutes=5)
            assert mailer.deliver_due(mail_settings(port), now=later) == {"sent": 1, "failed": 0}
            # Another round (or another sender) delivers nothing twice.
            assert mailer.deliver_due(mail_settings(port), now=later) == {"sent": 0, "failed": 0}
        finally:
            server.stop()
        assert len(inbox.messages) == 1
        envelope = inbox.messages[0]
        assert envelope.rcpt_tos == [member.email]
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert message["Content-Language"] == "es"
        assert message["Subject"] == "Un borrador del perfil del graduado espera su voto"
        assert "/staff/framework/versions/" in message.get_content()
        db.session.refresh(mail)
        assert mail.sent_at is not None and mail.attempts == 2


def test_two_senders_cannot_claim_the_same_mail(app):
    with app.app_context():
        make_user("board")
        _engagement, version = engagement_with_draft()
        framework.send_to_board(version, None)
        db.session.commit()
        mail_id = db.session.scalar(select(OutboundMail.id))
        now = datetime.now(UTC)
        assert mailer._claim(mail_id, now) is True
        assert mailer._claim(mail_id, now) is False


def test_retry_delay_doubles_and_is_capped_at_an_hour():
    assert mailer.retry_delay(1) == timedelta(minutes=1)
    assert mailer.retry_delay(2) == timedelta(minutes=2)
    assert mailer.retry_delay(4) == timedelta(minutes=8)
    assert mailer.retry_delay(30) == timedelta(hours=1)


def test_without_a_mail_server_nothing_is_attempted_and_nothing_is_lost(app):
    with app.app_context():
        make_user("board")
        _engagement, version = engagement_with_draft()
        framework.send_to_board(version, None)
        db.session.commit()
        assert mailer.deliver_due({"MAIL_SERVER": ""}) == {"sent": 0, "failed": 0}
        mail = db.session.scalar(select(OutboundMail))
        assert mail.attempts == 0 and mail.sent_at is None


def test_a_staff_member_who_turned_an_event_off_gets_no_mail(app):
    with app.app_context():
        quiet = make_user("board")
        loud = make_user("board")
        set_preferences(quiet, [NotificationEvent.PROFILE_APPROVED.value], actor=quiet)
        _engagement, version = engagement_with_draft()
        framework.send_to_board(version, None)
        db.session.commit()
        recipients = set(db.session.scalars(select(OutboundMail.to_address)))
        assert recipients == {loud.email}


def test_profile_approval_notifies_board_and_facilitators(app):
    settings = {"BOARD_QUORUM": 0.5, "BOARD_APPROVAL": "majority_of_members"}
    with app.app_context():
        member = make_user("board")
        facilitator = make_user("facilitator")
        _engagement, version = engagement_with_draft()
        framework.send_to_board(version, None)
        board.cast_vote(version, member, VoteDecision.APPROVE, "", settings)
        db.session.commit()
        approved = set(
            db.session.scalars(
                select(OutboundMail.to_address).filter_by(event=NotificationEvent.PROFILE_APPROVED)
            )
        )
        assert approved == {member.email, facilitator.email}


def test_a_finished_theme_run_notifies_facilitators(app):
    from engage.review import runner, theme_runs

    with app.app_context():
        facilitator = make_user("facilitator")
        make_user("board")
        survey = import_default_survey()
        for text in ["Money skills", "Budgeting at home", "Cooking and budgeting"] * 4:
            make_response(survey, hopes=text)
        engagement = Engagement(slug="gp", name={"en": "GP"}, status="open")
        db.session.add(engagement)
        db.session.flush()
        survey.engagement_id = engagement.id
        run = theme_runs.start_run(engagement, {}, actor=facilitator)
        db.session.commit()
        runner.work(run.id, "tfidf")
        mails = list(db.session.scalars(select(OutboundMail)))
        assert [mail.to_address for mail in mails] == [facilitator.email]
        assert mails[0].event == NotificationEvent.THEME_RUN
        assert f"/staff/themes/runs/{run.id}" in mails[0].body


def test_moderation_backlog_reminds_once_a_day(app):
    from engage.forum.models import Post, Thread

    with app.app_context():
        facilitator = make_user("facilitator")
        engagement = Engagement(slug="gp", name={"en": "GP"}, status="open")
        db.session.add(engagement)
        db.session.flush()
        thread = Thread(engagement_id=engagement.id, slug="t", prompt={"en": "Talk"})
        db.session.add(thread)
        db.session.flush()
        old = datetime.now(UTC) - timedelta(days=2)
        db.session.add(
            Post(
                thread_id=thread.id,
                language="en",
                body="Waiting",
                body_hash="x" * 64,
                status=PostStatus.PENDING,
                created_at=old,
            )
        )
        db.session.flush()
        assert [mail.to_address for mail in check_backlogs()] == [facilitator.email]
        assert check_backlogs() == []  # the same day: no second reminder
        tomorrow = datetime.now(UTC) + timedelta(days=1)
        assert len(check_backlogs(now=tomorrow)) == 1


def test_under_heard_groups_a_week_before_closing(app):
    with app.app_context():
        facilitator = make_user("facilitator")
        survey = import_default_survey()
        engagement = Engagement(
            slug="gp",
            name={"en": "GP 2027"},
            status=EngagementStatus.OPEN,
            closes_at=datetime.now(UTC) + timedelta(days=20),
        )
        db.session.add(engagement)
        db.session.flush()
        survey.engagement_id = engagement.id
        for _ in range(12):
            make_response(survey, language="en")
        for code, enrolled in (("en", 50), ("so", 50)):
            db.session.add(
                EngagementTarget(
                    engagement_id=engagement.id,
                    dimension="language",
                    group=code,
                    enrolled=enrolled,
                )
            )
        db.session.flush()
        assert check_backlogs() == []  # three weeks out: too early
        soon = datetime.now(UTC) + timedelta(days=15)
        mails = check_backlogs(now=soon)
        assert [mail.to_address for mail in mails] == [facilitator.email]
        assert "Soomaali" in mails[0].body
        assert check_backlogs(now=soon) == []


def test_settings_page_saves_choices_and_refuses_an_unknown_event(client, sign_in, app):
    email = sign_in("board")
    page = client.get("/staff/notifications/").get_data(as_text=True)
    assert "board_vote" in page and "moderation" not in page  # only the role's own events
    response = client.post(
        "/staff/notifications/", data=hidden_fields(page) | {"events": "profile_approved"}
    )
    assert response.status_code == 302
    with app.app_context():
        from engage.auth.models import User
        from engage.notifications.services import chosen_events

        user = db.session.scalar(select(User).filter_by(email=email))
        assert chosen_events(user) == {NotificationEvent.PROFILE_APPROVED}
    refused = client.post(
        "/staff/notifications/", data=hidden_fields(page) | {"events": "moderation"}
    )
    assert refused.status_code == 400


@pytest.mark.parametrize("language", ["en", "es", "ar"])
def test_settings_page_in_each_language(client, sign_in, app, language):
    sign_in("admin")
    page = client.get(f"/staff/notifications/?lang={language}").get_data(as_text=True)
    assert f'lang="{language}"' in page
    assert "MAIL_SERVER" in page  # the notice that mail is not set up here
