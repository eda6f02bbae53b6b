"""The dashboard's figures are rendered once per set of figures and reader, and a change to
any of them (a new response, a target, the reader's language) shows on the very next view."""

import re

import pytest

from engage.engagements.models import Engagement, EngagementStatus, TargetDimension
from engage.engagements.services import set_targets
from engage.extensions import db
from engage.review import fragments
from engage.surveys import services as survey_services
from tests.factories import import_default_survey


def without_tokens(html: str) -> str:
    return re.sub(r'"[\w-]{20,}\.[\w-]{4,}\.[\w-]{10,}"', '"token"', html)


def total_responses(html: str) -> str:
    return re.search(r'data-breakdown="weeks".*?<td data-total>([^<]*)<', html, re.S).group(1)


def store(survey, count, language="en", role="parent"):
    for _ in range(count):
        survey_services.submit_response(
            survey,
            language,
            {"competencies": ["wellbeing"], "role": role, "school": "westview-high"},
            survey_services.new_submission_token(),
        )


@pytest.fixture
def engagement(app):
    with app.app_context():
        engagement = Engagement(slug="fr", name={"en": "Fragments"}, status=EngagementStatus.OPEN)
        db.session.add(engagement)
        survey = import_default_survey()
        survey.engagement = engagement
        store(survey, 12)
        db.session.commit()
        return engagement.id, survey.id


def fresh_page(client, url):
    """The page rendered with nothing kept from an earlier view."""
    fragments.clear()
    return client.get(url).get_data(as_text=True)


def test_a_new_response_shows_on_the_next_view(app, client, sign_in, engagement):
    engagement_id, survey_id = engagement
    sign_in("facilitator")
    url = f"/staff/review/engagements/{engagement_id}"
    before = client.get(url).get_data(as_text=True)
    assert total_responses(before) == "12"
    assert client.get(url).get_data(as_text=True).count(">12<") == before.count(">12<")
    with app.app_context():
        store(db.session.get(survey_services.Survey, survey_id), 1, language="es")
        db.session.commit()
    after = client.get(url).get_data(as_text=True)
    assert total_responses(after) == "13"
    assert without_tokens(after) == without_tokens(fresh_page(client, url))


def test_a_new_target_shows_on_the_next_view(app, client, sign_in, engagement):
    engagement_id, _survey_id = engagement
    sign_in("facilitator")
    url = f"/staff/review/engagements/{engagement_id}"
    before = client.get(url).get_data(as_text=True)
    assert 'id="under-heard"' not in before
    with app.app_context():
        set_targets(
            db.session.get(Engagement, engagement_id),
            {TargetDimension.LANGUAGE: {"en": 100, "es": 900}},
            actor=None,
        )
        db.session.commit()
    after = client.get(url).get_data(as_text=True)
    assert 'id="under-heard"' in after
    assert without_tokens(after) == without_tokens(fresh_page(client, url))


@pytest.mark.parametrize("language", ["es", "ar"])
def test_each_reader_language_gets_its_own_figures(client, sign_in, engagement, language):
    engagement_id, _survey_id = engagement
    sign_in("facilitator")
    url = f"/staff/review/engagements/{engagement_id}"
    english = client.get(f"{url}?lang=en").get_data(as_text=True)
    other = client.get(f"{url}?lang={language}").get_data(as_text=True)
    assert f'lang="{language}"' in other and 'lang="en"' in english
    assert without_tokens(other) == without_tokens(fresh_page(client, f"{url}?lang={language}"))
    assert without_tokens(english) == without_tokens(fresh_page(client, f"{url}?lang=en"))


def test_fragments_kept_are_bounded():
    fragments.clear()
    for index in range(fragments.LIMIT + 10):
        assert fragments.rendered(fragments.digest(index), lambda i=index: f"<p>{i}</p>") == (
            f"<p>{index}</p>"
        )
    assert len(fragments._fragments) == fragments.LIMIT
    assert fragments.rendered(fragments.digest(fragments.LIMIT + 9), lambda: "other") == (
        f"<p>{fragments.LIMIT + 9}</p>"
    )
    fragments.clear()
