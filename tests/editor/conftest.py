"""Helpers for the editor's tests: an engagement, a draft, and posting an edit form as the
page gives it (its CSRF token and revision)."""

import pytest

from engage.editor import services
from engage.editor.models import SurveyDraft
from engage.engagements.services import create_engagement
from engage.extensions import db
from tests.conftest import hidden_fields


@pytest.fixture
def engagement_id(app):
    with app.app_context():
        engagement = create_engagement(None, name={"en": "Listening 2027"}, slug="listening")
        db.session.commit()
        return engagement.id


@pytest.fixture
def draft_id(app, engagement_id):
    with app.app_context():
        from engage.engagements.models import Engagement

        draft = services.create_draft(
            db.session.get(Engagement, engagement_id), None, slug="pulse", title="Pulse survey"
        )
        db.session.commit()
        return draft.id


def post_form(client, url, **values):
    """GET the page, then POST its hidden fields with `values` (lists for repeated names)."""
    page = client.get(url)
    assert page.status_code == 200, page.get_data(as_text=True)[:2000]
    return client.post(url, data=hidden_fields(page.get_data(as_text=True)) | values)


def document_of(app, draft_id):
    with app.app_context():
        return db.session.get(SurveyDraft, draft_id).document
