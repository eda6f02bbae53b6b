"""Requests a person can send by accident or on purpose: a suggestion dismissed twice, ids too
large for the database's integers (PostgreSQL's int4 overflows past 2,147,483,647)."""

import pytest
from sqlalchemy import func, select

from engage.engagements.models import Engagement
from engage.extensions import db
from engage.framework import services
from engage.framework.models import DismissedSuggestion
from engage.review import theme_edits
from engage.review.models import AnalysisRun
from tests.conftest import hidden_fields
from tests.framework.test_framework import draft_with_competency

TOO_LARGE = [99_999_999_999, 2**63]


def test_dismissing_the_same_suggestion_twice_is_harmless(app, client, sign_in, themed):
    with app.app_context():
        engagement = db.session.get(Engagement, themed[0])
        framework = services.create_framework(engagement, {"en": "Portrait"}, None)
        version = services.latest_version(framework)
        theme = db.session.get(AnalysisRun, themed[1]).themes[0]
        theme_edits.accept_theme(theme, None)
        db.session.commit()
        version_id, theme_id = version.id, theme.id
    sign_in("facilitator")
    page = client.get(f"/staff/framework/versions/{version_id}").get_data(as_text=True)
    assert f"/suggestions/{theme_id}" in page
    url = f"/staff/framework/versions/{version_id}/suggestions/{theme_id}"
    data = hidden_fields(page) | {"decision": "reject"}
    first = client.post(url, data=data)
    second = client.post(url, data=data)  # a second tab, or a double click
    assert (first.status_code, second.status_code) == (302, 302)
    with app.app_context():
        assert db.session.scalar(select(func.count(DismissedSuggestion.id))) == 1
    page = client.get(f"/staff/framework/versions/{version_id}").get_data(as_text=True)
    assert f"/suggestions/{theme_id}" not in page


@pytest.mark.parametrize("number", TOO_LARGE)
def test_ids_too_large_for_the_database_are_404_pages(app, client, sign_in, themed, number):
    with app.app_context():
        _framework, version, competency = draft_with_competency(*themed)
        db.session.commit()
        version_id, competency_id = version.id, competency.id
    sign_in("facilitator")
    for url in (
        f"/staff/framework/versions/{number}",
        f"/staff/framework/{number}/coverage",
        f"/staff/framework/versions/{version_id}/compare?with={number}",
        f"/staff/framework/competencies/{number}/edit",
    ):
        assert client.get(url).status_code == 404, url
    data = hidden_fields(client.get(f"/staff/framework/versions/{version_id}").get_data(True))
    linked = client.post(
        f"/staff/framework/competencies/{competency_id}/evidence", data=data | {"theme_id": number}
    )
    assert linked.status_code == 404
    assert client.post(f"/staff/framework/evidence/{number}/delete", data=data).status_code == 404
