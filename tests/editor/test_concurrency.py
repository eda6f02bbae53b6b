"""Two people editing the same draft: the second save is refused, names who saved in between,
and gives the edit back to re-apply; nothing is silently overwritten."""

from engage.editor import services
from engage.editor.models import SurveyDraft
from engage.extensions import db
from tests.conftest import hidden_fields
from tests.editor.conftest import document_of


def test_the_second_save_gets_changed_by_someone_else(app, sign_in, client, draft_id):
    settings = f"/staff/editor/drafts/{draft_id}/settings"
    first_email = sign_in("facilitator")
    other = app.test_client()
    from tests.factories import make_user

    with app.app_context():
        second = make_user("admin")
        db.session.commit()
        second_email = second.email
    page = other.get("/staff/sign-in").get_data(as_text=True)
    other.post(
        "/staff/sign-in",
        data=hidden_fields(page) | {"email": second_email, "password": "correct horse battery"},
    )
    # Both open the same form at revision 1.
    mine = hidden_fields(client.get(settings).get_data(as_text=True))
    theirs = hidden_fields(other.get(settings).get_data(as_text=True))
    assert mine["revision"] == theirs["revision"] == "1"
    response = other.post(settings, data=theirs | {"title": "Their title"})
    assert response.status_code == 303
    response = client.post(settings, data=mine | {"title": "My title", "intro": "My intro"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "changed by someone else" in page and second_email in page
    assert 'value="My title"' in page and ">My intro</textarea>" in page
    assert document_of(app, draft_id)["title"] == {"en": "Their title"}
    # The form now carries the new revision: saving again applies this edit, knowingly.
    again = hidden_fields(page)
    assert again["revision"] == "2"
    assert client.post(settings, data=again | {"title": "My title"}).status_code == 303
    assert document_of(app, draft_id)["title"] == {"en": "My title"}
    assert first_email != second_email


def test_a_question_edit_over_a_newer_save_is_kept_for_re_applying(app, sign_in, client, draft_id):
    sign_in("facilitator")
    url = f"/staff/editor/drafts/{draft_id}/questions/new?kind=open"
    data = hidden_fields(client.get(url).get_data(as_text=True))
    with app.app_context():
        draft = db.session.get(SurveyDraft, draft_id)
        services.save_document(draft, None, 1, draft.document | {"intro": {"en": "x"}}, "test")
        db.session.commit()
    response = client.post(url, data=data | {"text": "What would you change?"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "changed by someone else" in page
    assert ">What would you change?</textarea>" in page
    assert document_of(app, draft_id)["questions"] == []


def test_the_service_refuses_a_stale_revision(app, draft_id):
    with app.app_context():
        draft = db.session.get(SurveyDraft, draft_id)
        services.save_document(draft, None, 1, draft.document, "test")
        try:
            services.save_document(draft, None, 1, {"slug": "lost"}, "test")
        except services.DraftConflict as conflict:
            assert conflict.draft.revision == 2
        else:
            raise AssertionError("a stale revision was saved")
        assert db.session.get(SurveyDraft, draft_id).document["slug"] == "pulse"
