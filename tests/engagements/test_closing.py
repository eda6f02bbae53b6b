"""A closed engagement's survey: its link still works, says so in the reader's language, and
takes no answer."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from engage.engagements import services
from engage.extensions import db
from engage.models_base import utcnow
from engage.surveys.models import Response
from tests.conftest import hidden_fields
from tests.factories import import_default_survey

URL = "/{lang}/surveys/graduate-profile"


@pytest.fixture
def engagement_id(app):
    with app.app_context():
        survey = import_default_survey()
        engagement = services.create_engagement(
            None, name={"en": "Spring", "es": "Primavera", "ar": "الربيع"}, status="open"
        )
        survey.engagement = engagement
        db.session.commit()
        return engagement.id


def close(app, engagement_id, by_date=False):
    with app.app_context():
        engagement = db.session.get(services.Engagement, engagement_id)
        if by_date:
            engagement.closes_at = utcnow() - timedelta(minutes=1)
        else:
            services.close_engagement(engagement, None)
        db.session.commit()


def count_responses(app):
    with app.app_context():
        return db.session.scalar(select(func.count(Response.id)))


@pytest.mark.parametrize("by_date", [False, True])
@pytest.mark.parametrize(("lang", "name"), [("es", "Primavera"), ("ar", "الربيع")])
def test_the_survey_page_says_it_is_closed(app, client, engagement_id, by_date, lang, name):
    assert client.get(URL.format(lang=lang)).status_code == 200
    close(app, engagement_id, by_date)
    response = client.get(URL.format(lang=lang))
    page = response.get_data(as_text=True)
    assert response.status_code == 410
    assert f'<html lang="{lang}"' in page and name in page
    assert f'href="/{lang}/profile/"' in page
    assert 'name="q_competencies"' not in page


@pytest.mark.parametrize("by_date", [False, True])
def test_no_answer_is_accepted_after_closing(app, client, engagement_id, by_date):
    data = hidden_fields(client.get(URL.format(lang="es")).get_data(as_text=True))
    close(app, engagement_id, by_date)
    data |= {"q_competencies": ["critical_thinking"], "q_role": "parent"}
    response = client.post(URL.format(lang="es"), data=data)
    assert response.status_code == 410
    assert count_responses(app) == 0
    assert "graduate-profile" not in client.get("/es/").get_data(as_text=True)


def test_an_unknown_survey_is_still_not_found(client, engagement_id):
    assert client.get(URL.format(lang="es") + "-nope").status_code == 404


def test_paper_sheets_can_be_typed_in_after_closing_and_are_marked(app, engagement_id):
    from engage.audit import AuditEvent
    from engage.paper import services as paper
    from engage.surveys import services as survey_services
    from engage.surveys.models import Survey
    from tests.factories import make_user

    with app.app_context():
        actor = make_user("facilitator")
        survey = db.session.scalar(select(Survey))
        batch = paper.create_batch(survey, "es", "Library", 3, actor)
        paper.enter_sheet(batch, 1, {}, survey_services.new_submission_token(), actor)
        services.close_engagement(db.session.get(services.Engagement, engagement_id), actor)
        paper.enter_sheet(batch, 2, {}, survey_services.new_submission_token(), actor)
        db.session.commit()
        events = db.session.scalars(
            select(AuditEvent).filter_by(action="response.paper_entered").order_by(AuditEvent.id)
        ).all()
        assert [event.details.get("after_closing") for event in events] == [None, True]
    assert count_responses(app) == 2


@pytest.mark.parametrize("lang", ["es", "ar"])
def test_a_forum_thread_of_a_closed_engagement_is_read_only(app, client, engagement_id, lang):
    from engage.forum import services as forum
    from engage.forum.models import Moderation, Post, ThreadStatus

    with app.app_context():
        engagement = db.session.get(services.Engagement, engagement_id)
        forum.create_thread(
            engagement, "hopes", {"en": "Your hopes?"}, ThreadStatus.OPEN, Moderation.POST, None
        )
        db.session.commit()
    url = f"/{lang}/conversations/hopes"
    form = hidden_fields(client.get(url).get_data(as_text=True))
    assert 'name="body"' in client.get(url).get_data(as_text=True)
    close(app, engagement_id, by_date=True)
    page = client.get(url)
    assert page.status_code == 200 and 'name="body"' not in page.get_data(as_text=True)
    refused = client.post(
        url, data=form | {"body": "A late thought about our schools.", "language": lang}
    )
    assert refused.status_code == 409
    with app.app_context():
        assert db.session.scalar(select(func.count(Post.id))) == 0
