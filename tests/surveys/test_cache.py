"""The survey-version cache: few statements per submission, new versions served at once, and
the survey page still served while the database is away."""

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.exc import OperationalError

from engage.extensions import db
from engage.i18n import KNOWN_LANGUAGES
from engage.surveys import cache, services
from engage.surveys.loader import load_survey_file
from engage.surveys.models import Response, Survey, SurveyStatus
from tests.conftest import hidden_fields
from tests.factories import MINIMAL_SURVEY, import_default_survey, write_survey
from tests.surveys.outage import database_down

URL = "/{lang}/surveys/graduate-profile"
FULL_ANSWER = {
    "q_role": "parent",
    "q_school": "westview-high",
    "q_competencies": ["critical_thinking", "languages"],
    "q_top_three-1": "languages",
    "q_top_three-2": "critical_thinking",
    "q_agree_languages": "strongly_agree",
    "q_hopes": "Que piensen por sí mismos.",
    "q_home_language": "spanish",
}


@pytest.fixture
def survey(app):
    cache.clear()
    with app.app_context():
        import_default_survey()
        db.session.commit()


class Statements:
    """Counts the SQL statements sent while it is open."""

    def __init__(self, app):
        with app.app_context():
            self.engine = db.engine
        self.count = 0

    def _seen(self, *args, **kwargs):
        self.count += 1

    def __enter__(self):
        event.listen(self.engine, "before_cursor_execute", self._seen)
        return self

    def __exit__(self, *exc):
        event.remove(self.engine, "before_cursor_execute", self._seen)


def test_a_full_submission_costs_a_few_statements(app, client, survey):
    client.get(URL.format(lang="es"))  # warm-up: the version is loaded once
    with Statements(app) as get:
        page = client.get(URL.format(lang="es"))
    with Statements(app) as post:
        sent = client.post(
            URL.format(lang="es"), data=hidden_fields(page.get_data(as_text=True)) | FULL_ANSWER
        )
    assert sent.status_code == 303
    with Statements(app) as receipt:
        thanks = client.get(sent.location)
    assert thanks.status_code == 200
    assert get.count <= 1
    assert post.count <= 3  # the response, its answers (one executemany), the counts
    assert receipt.count <= 1
    with app.app_context():
        stored = db.session.scalar(select(Response))
        assert stored.receipt_code in thanks.get_data(as_text=True)
        assert stored.role == "parent" and stored.school == "westview-high"
        assert {(a.option_value, a.rank) for a in stored.answers if a.rank} == {
            ("languages", 1),
            ("critical_thinking", 2),
        }
        assert [a.text for a in stored.answers if a.text] == ["Que piensen por sí mismos."]


def _mini(tmp_path, version: int, question: str):
    text = MINIMAL_SURVEY.replace("version = 1", f"version = {version}").replace(
        'text.en = "Pick one"', f'text.en = "{question}"'
    )
    return load_survey_file(write_survey(tmp_path, text, f"mini-{version}.toml"), KNOWN_LANGUAGES)


def test_a_newly_imported_version_is_served_at_once(app, client, tmp_path):
    cache.clear()
    with app.app_context():
        services.import_surveys([_mini(tmp_path, 1, "Pick one of the first")])
        db.session.commit()
    first = client.get("/en/surveys/mini")
    assert "Pick one of the first" in first.get_data(as_text=True)
    with app.app_context():
        services.import_surveys([_mini(tmp_path, 2, "Pick one of the second")])
        db.session.commit()
    page = client.get("/en/surveys/mini").get_data(as_text=True)
    assert "Pick one of the second" in page and "Pick one of the first" not in page
    # A form opened on the old version is stored against the open one.
    sent = client.post(
        "/en/surveys/mini", data=hidden_fields(first.get_data(as_text=True)) | {"q_favourite": "a"}
    )
    assert sent.status_code == 303
    with app.app_context():
        stored = db.session.scalar(select(Response))
        assert db.session.get(Survey, stored.survey_id).version == 2


def test_closing_and_reopening_a_survey_shows_at_once(app, client, survey):
    assert client.get(URL.format(lang="en")).status_code == 200
    with app.app_context():
        db.session.scalar(select(Survey)).status = SurveyStatus.CLOSED
        db.session.commit()
    page = client.get(URL.format(lang="en"))
    assert page.status_code == 404
    with app.app_context():
        db.session.scalar(select(Survey)).status = SurveyStatus.OPEN
        db.session.commit()
    assert client.get(URL.format(lang="en")).status_code == 200


def test_a_form_sent_after_its_survey_closed_is_not_stored(app, client, survey):
    page = client.get(URL.format(lang="en")).get_data(as_text=True)
    with app.app_context():
        db.session.scalar(select(Survey)).status = SurveyStatus.CLOSED
        db.session.commit()
    sent = client.post(URL.format(lang="en"), data=hidden_fields(page) | FULL_ANSWER)
    assert sent.status_code == 404
    with app.app_context():
        assert db.session.scalar(select(func.count(Response.id))) == 0


def test_a_forged_version_hint_is_looked_up(app, client, survey):
    page = client.get(URL.format(lang="en")).get_data(as_text=True)
    data = hidden_fields(page) | FULL_ANSWER | {"v": "999.0123456789abcdef"}
    assert client.post(URL.format(lang="en"), data=data).status_code == 303
    with app.app_context():
        assert db.session.scalar(select(func.count(Response.id))) == 1


def test_a_cached_version_survives_a_database_restart(app, client, survey):
    client.get(URL.format(lang="ar"))
    with database_down(app):
        with app.app_context(), pytest.raises(OperationalError):
            db.session.execute(select(1))  # the outage is real
        page = client.get(URL.format(lang="ar"))
        html = page.get_data(as_text=True)
        assert page.status_code == 200
        assert 'name="q_competencies"' in html and 'dir="rtl"' in html
        other = client.get(URL.format(lang="so"))  # another language, never rendered before
        assert other.status_code == 200
        assert client.get("/en/").status_code == 200  # the landing page too
        assert "graduate-profile" in client.get("/en/").get_data(as_text=True)
    # The database is back: the same process serves and stores as before.
    sent = client.post(URL.format(lang="ar"), data=hidden_fields(html) | FULL_ANSWER)
    assert sent.status_code == 303


def test_a_survey_never_seen_while_the_database_is_away_is_an_error_page(app, client, survey):
    cache.clear()
    with database_down(app):
        page = client.get(URL.format(lang="en"))
    assert page.status_code == 503
    assert "Please try again in a moment" in page.get_data(as_text=True)


def test_the_blank_page_is_rendered_once_and_carries_fresh_tokens(app, survey):
    first_client, second_client = app.test_client(), app.test_client()
    first = first_client.get(URL.format(lang="vi")).get_data(as_text=True)
    second = second_client.get(URL.format(lang="vi")).get_data(as_text=True)
    one, two = hidden_fields(first), hidden_fields(second)
    assert one["csrf_token"] != two["csrf_token"]
    assert one["submission_token"] != two["submission_token"]
    assert first.replace(one["csrf_token"], "").replace(one["submission_token"], "") == (
        second.replace(two["csrf_token"], "").replace(two["submission_token"], "")
    )
    assert "\x00" not in first
    for client, fields in ((first_client, one), (second_client, two)):
        sent = client.post(URL.format(lang="vi"), data=fields | FULL_ANSWER)
        assert sent.status_code == 303
    # The outreach tag rides along in its own copy of the page (for a browser that has not
    # answered yet: one that has is shown its receipt).
    third_client = app.test_client()
    tagged = third_client.get(URL.format(lang="vi") + "?via=flyer-vi").get_data(as_text=True)
    assert 'name="via" value="flyer-vi"' in tagged
    assert 'name="via"' not in third_client.get(URL.format(lang="vi")).get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count(Response.id))) == 2
