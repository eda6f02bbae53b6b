"""Opening a draft: the real loader checks it, a version is made (a new one when the newest has
answers), and opening without an incomplete language must be chosen, and is recorded."""

import copy
import re

from sqlalchemy import select

from engage.audit import AuditEvent
from engage.editor import services
from engage.editor.models import SurveyDraft
from engage.extensions import db
from engage.surveys.models import Survey, SurveyStatus
from tests.conftest import hidden_fields
from tests.editor.conftest import document_of, post_form
from tests.factories import make_response

OFFERED = ["en", "es", "zh-Hans", "vi", "ar", "pt-BR", "ht", "so", "hmn"]


def fill(app, draft_id, languages):
    """Give the draft two questions, written in `languages`."""
    with app.app_context():
        draft = db.session.get(SurveyDraft, draft_id)
        document = copy.deepcopy(draft.document)
        document["title"] = {code: f"Pulse ({code})" for code in languages}
        document["questions"] = [
            {
                "key": "role",
                "kind": "single",
                "text": {c: f"Who? {c}" for c in languages},
                "options": [
                    {"value": "family", "text": {c: f"Family {c}" for c in languages}},
                    {"value": "staff", "text": "Staff"},
                ],
            },
            {"key": "hope", "kind": "open", "text": {c: f"Hope? {c}" for c in languages}},
        ]
        services.save_document(draft, None, draft.revision, document, "test")
        db.session.commit()


def open_url(draft_id):
    return f"/staff/editor/drafts/{draft_id}/open"


def test_an_incomplete_language_blocks_opening_until_ticked_and_is_recorded(
    app, client, sign_in, draft_id
):
    sign_in("admin")
    fill(app, draft_id, ["en", "es", "ar"])
    page = client.get(open_url(draft_id)).get_data(as_text=True)
    assert 'Open anyway without <bdi lang="vi">Tiếng Việt</bdi>' in page
    assert 'Open anyway without <bdi lang="es">' not in page
    data = hidden_fields(page)
    response = client.post(open_url(draft_id), data=data | {"without": ["vi", "zh-Hans"]})
    assert response.status_code == 400 and "Tick each language" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(Survey)) is None
    left_out = ["zh-Hans", "vi", "pt-BR", "ht", "so", "hmn"]
    response = client.post(open_url(draft_id), data=data | {"without": left_out})
    assert response.status_code == 303, response.get_data(as_text=True)
    with app.app_context():
        survey = db.session.scalar(select(Survey))
        assert (survey.version, survey.status, survey.languages) == (
            1,
            SurveyStatus.OPEN,
            ["en", "es", "ar"],
        )
        assert survey.title["ar"] == "Pulse (ar)" and "vi" not in survey.title
        assert survey.engagement.slug == "listening" and 'slug = "pulse"' in survey.source_text
        event = db.session.scalar(select(AuditEvent).filter_by(action="survey.opened"))
        assert set(event.details["went_on_without"]) == set(left_out)
        assert event.details["went_on_without"]["vi"] == 4  # "Staff" is plain
        survey_id = survey.id
    staff_page = client.get(f"/staff/editor/surveys/{survey_id}").get_data(as_text=True)
    assert "Opened without:" in staff_page and "Tiếng Việt" in staff_page
    assert "by staff" in staff_page  # who chose to open without them
    family = client.get("/ar/surveys/pulse").get_data(as_text=True)
    assert "Who? ar" in family and "Family ar" in family


def test_a_survey_with_answers_opens_as_a_new_version(app, client, sign_in, draft_id):
    sign_in("facilitator")
    fill(app, draft_id, OFFERED)
    assert post_form(client, open_url(draft_id)).status_code == 303
    with app.app_context():
        first = db.session.scalar(select(Survey))
        make_response(first, "es", role="family", hope="Más arte")
        db.session.commit()
    post_form(client, f"/staff/editor/drafts/{draft_id}/questions/2", text="What do you hope for?")
    page = client.get(open_url(draft_id)).get_data(as_text=True)
    assert "opens a new version 2" in page
    assert post_form(client, open_url(draft_id)).status_code == 303
    with app.app_context():
        v1, v2 = db.session.scalars(select(Survey).order_by(Survey.version)).all()
        assert (v1.status, v2.status) == (SurveyStatus.CLOSED, SurveyStatus.OPEN)
        assert v2.questions[1].text["en"] == "What do you hope for?"
        assert v1.questions[1].text["en"] == "Hope? en"
        assert len(db.session.scalars(select(Survey.id)).all()) == 2


def test_without_answers_the_version_is_replaced(app, client, sign_in, draft_id):
    sign_in("facilitator")
    fill(app, draft_id, OFFERED)
    post_form(client, open_url(draft_id))
    post_form(client, f"/staff/editor/drafts/{draft_id}/settings", title="Pulse, again")
    assert "has no answers yet, so it is replaced" in client.get(open_url(draft_id)).get_data(
        as_text=True
    )
    assert post_form(client, open_url(draft_id)).status_code == 303
    with app.app_context():
        surveys = db.session.scalars(select(Survey)).all()
        assert [(s.version, s.title["en"]) for s in surveys] == [(1, "Pulse, again")]


def test_the_loaders_refusal_is_shown_and_nothing_opens(app, client, sign_in, draft_id):
    sign_in("facilitator")
    fill(app, draft_id, OFFERED)
    with app.app_context():
        draft = db.session.get(SurveyDraft, draft_id)
        document = copy.deepcopy(draft.document)
        document["questions"][1]["max_choices"] = 2  # the loader refuses it on an open question
        services.save_document(draft, None, draft.revision, document, "test")
        db.session.commit()
    response = post_form(client, open_url(draft_id))
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert re.search(
        r"pulse.toml, line \d+, question &#39;hope&#39;: &#39;max_choices&#39; is for multiple",
        page,
    )
    with app.app_context():
        assert db.session.scalar(select(Survey)) is None


def test_a_stale_open_form_is_refused(app, client, sign_in, draft_id):
    sign_in("facilitator")
    fill(app, draft_id, OFFERED)
    data = hidden_fields(client.get(open_url(draft_id)).get_data(as_text=True))
    post_form(client, f"/staff/editor/drafts/{draft_id}/settings", title="Changed")
    response = client.post(open_url(draft_id), data=data)
    assert response.status_code == 409 and "changed by someone else" in response.get_data(
        as_text=True
    )
    assert document_of(app, draft_id)["title"]["en"] == "Changed"


def test_editing_a_survey_imported_from_a_file_starts_a_draft_from_it(
    app, client, sign_in, engagement_id
):
    from engage.engagements.models import Engagement
    from tests.factories import import_default_survey

    sign_in("facilitator")
    with app.app_context():
        survey = import_default_survey()
        survey.engagement = db.session.get(Engagement, engagement_id)
        db.session.commit()
        survey_id = survey.id
    page = client.get(f"/staff/editor/surveys/{survey_id}")
    response = client.post(
        f"/staff/editor/surveys/{survey_id}/edit", data=hidden_fields(page.get_data(as_text=True))
    )
    assert response.status_code == 303
    with app.app_context():
        draft = db.session.scalar(select(SurveyDraft))
        assert draft.slug == "graduate-profile" and draft.based_on_version == 1
        assert draft.document["scales"]["agreement"]["options"][0]["value"] == "strongly_agree"
