"""Facilitators create and edit threads with a prompt in every offered language."""

from sqlalchemy import select

from engage.audit import AuditEvent
from engage.extensions import db
from engage.forum.models import Moderation, Thread, ThreadStatus
from tests.conftest import hidden_fields
from tests.forum.conftest import make_engagement, make_thread

NEW = "/staff/forum/threads/new"


def test_a_facilitator_creates_a_thread_and_sees_which_languages_are_missing(app, client, sign_in):
    with app.app_context():
        engagement_id = make_engagement().id
        db.session.commit()
    sign_in("facilitator")
    page = client.get(NEW).get_data(as_text=True)
    assert 'name="prompt_zh_Hans"' in page and 'lang="ar"' in page
    data = hidden_fields(page) | {
        "engagement_id": str(engagement_id),
        "slug": "Successful-Graduate",
        "status": "open",
        "moderation": "pre",
        "prompt_en": "What does a successful graduate look like?",
        "prompt_vi": "Một học sinh tốt nghiệp thành công trông như thế nào?",
    }
    response = client.post(NEW, data=data)
    assert response.status_code == 303
    listing = client.get("/staff/forum/").get_data(as_text=True)
    assert "What does a successful graduate look like?" in listing
    assert "2 of 9" in listing and "Español" in listing
    with app.app_context():
        thread = db.session.scalar(select(Thread))
        assert thread.slug == "successful-graduate"
        assert thread.moderation == Moderation.PRE and set(thread.prompt) == {"en", "vi"}
        assert db.session.scalar(select(AuditEvent.action).filter_by(target_type="Thread")) == (
            "thread.created"
        )
    public = client.get("/es/conversations/successful-graduate").get_data(as_text=True)
    # The Spanish page says, in Spanish, that the prompt is shown in English.
    assert "todavía no está disponible en su idioma" in public


def test_the_default_language_prompt_and_a_clean_slug_are_required(app, client, sign_in):
    with app.app_context():
        engagement_id = make_engagement().id
        db.session.commit()
    sign_in("facilitator")
    data = hidden_fields(client.get(NEW).get_data(as_text=True)) | {
        "engagement_id": str(engagement_id),
        "slug": "no spaces <here>",
        "status": "open",
        "moderation": "post",
        "prompt_es": "Solo en español",
    }
    response = client.post(NEW, data=data)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert 'id="slug-error"' in page and 'id="prompt_en-error"' in page
    assert "Solo en español</textarea>" in page
    with app.app_context():
        assert db.session.scalar(select(Thread)) is None


def test_editing_closes_a_thread_and_switches_moderation_with_an_audit(app, client, sign_in):
    with app.app_context():
        thread = make_thread(slug="taken")
        other = make_thread(slug="other")
        url = f"/staff/forum/threads/{other.id}"
        engagement_id = thread.engagement_id
        db.session.commit()
    sign_in("facilitator")
    page = client.get(url).get_data(as_text=True)
    assert 'value="other"' in page
    data = hidden_fields(page) | {
        "engagement_id": str(engagement_id),
        "slug": "taken",
        "status": "closed",
        "moderation": "pre",
        "prompt_en": "A new question?",
    }
    clash = client.post(url, data=data)
    assert clash.status_code == 400
    assert "already uses this web address" in clash.get_data(as_text=True)
    response = client.post(url, data=data | {"slug": "other"})
    assert response.status_code == 303
    with app.app_context():
        edited = db.session.scalar(select(Thread).filter_by(slug="other"))
        assert edited.status == ThreadStatus.CLOSED and edited.moderation == Moderation.PRE
        assert edited.prompt["en"] == "A new question?" and edited.prompt["vi"]
        event = db.session.scalar(select(AuditEvent).filter_by(action="thread.updated"))
        assert event.details["changed"] == ["engagement", "moderation", "prompt", "status"]


def test_without_an_engagement_the_form_explains_what_is_needed(client, sign_in):
    sign_in("facilitator")
    page = client.get(NEW).get_data(as_text=True)
    assert "Please create an engagement first." in page


def test_the_moderation_link_shows_only_to_those_who_may_moderate(client, sign_in):
    assert "Conversations" in client.get("/en/").get_data(as_text=True)
    sign_in("board")
    assert "/staff/forum/moderation" not in client.get("/staff/").get_data(as_text=True)


def test_facilitators_see_the_moderation_link(client, sign_in):
    sign_in("facilitator")
    assert "/staff/forum/moderation" in client.get("/staff/").get_data(as_text=True)
