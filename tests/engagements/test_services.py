"""Engagement verbs, called without a request."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from engage.audit import AuditEvent
from engage.engagements import services
from engage.engagements.models import EngagementStatus
from engage.extensions import db
from engage.models_base import utcnow
from engage.surveys.models import SurveyStatus
from tests.factories import import_default_survey, make_user


def actions():
    events = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))
    return [event.action for event in events if event.action.startswith("engagement.")]


def test_create_makes_the_slug_from_the_name_and_is_audited(app_context):
    actor = make_user("facilitator")
    engagement = services.create_engagement(
        actor,
        name={"en": "Graduate Profile 2026–27", "es": "Perfil del graduado", "xx": "ignored"},
        description={"es": "Queremos escucharle."},
        opens_on=date(2026, 9, 1),
        closes_on=date(2026, 11, 30),
    )
    assert engagement.slug == "graduate-profile-2026-27"
    assert engagement.name == {"en": "Graduate Profile 2026–27", "es": "Perfil del graduado"}
    assert engagement.description == {"es": "Queremos escucharle."}
    assert engagement.status == EngagementStatus.DRAFT
    assert engagement.closes_at.date() == date(2026, 11, 30)
    assert actions() == ["engagement.created"]


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"name": {"es": "Solo español"}}, "working language"),
        (
            {"name": {"en": "A"}, "opens_on": date(2026, 9, 2), "closes_on": date(2026, 9, 1)},
            "before the opening date",
        ),
        ({"name": {"en": "A"}, "slug": "Not A Slug!"}, "address name"),
        ({"name": {"en": "A"}, "status": "closed"}, "Close button"),
        ({"name": {"en": "A" * 201}}, "longer than"),
    ],
)
def test_refusals_are_domain_errors(app_context, values, message):
    with pytest.raises(services.EngagementError, match=message):
        services.create_engagement(None, **values)


def test_a_slug_is_used_once(app_context):
    services.create_engagement(None, name={"en": "Spring"})
    with pytest.raises(services.EngagementError, match="already uses"):
        services.create_engagement(None, name={"en": "Spring!"})


def test_edit_close_archive(app_context):
    actor = make_user("admin")
    engagement = services.create_engagement(actor, name={"en": "Spring"})
    with pytest.raises(services.EngagementError, match="Close the engagement"):
        services.archive_engagement(engagement, actor)
    services.update_engagement(
        engagement, actor, name={"en": "Spring", "ar": "الربيع"}, status="open"
    )
    assert engagement.status == EngagementStatus.OPEN and engagement.name["ar"] == "الربيع"
    services.close_engagement(engagement, actor)
    assert services.is_closed(engagement)
    with pytest.raises(services.EngagementError, match="cannot be changed"):
        services.update_engagement(engagement, actor, name={"en": "Again"})
    with pytest.raises(services.EngagementError, match="already closed"):
        services.close_engagement(engagement, actor)
    services.archive_engagement(engagement, actor)
    assert engagement.archived_at is not None
    assert actions() == [
        "engagement.created",
        "engagement.updated",
        "engagement.closed",
        "engagement.archived",
    ]


def test_closing_closes_the_surveys_and_a_past_closing_date_counts(app_context):
    survey = import_default_survey()
    engagement = services.create_engagement(None, name={"en": "Spring"}, status="open")
    survey.engagement = engagement
    db.session.flush()
    assert not services.is_closed(engagement)
    assert services.closed_engagement_of("graduate-profile") is None
    engagement.closes_at = utcnow() - timedelta(minutes=1)
    assert services.is_closed(engagement)
    assert services.closed_engagement_of("graduate-profile") is engagement
    engagement.closes_at = None
    services.close_engagement(engagement, None)
    assert survey.status == SurveyStatus.CLOSED
    assert services.closed_engagement_of("graduate-profile") is engagement
