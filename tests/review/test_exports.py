"""The two responses exports: answers only for facilitators; answers with demographics for
admins, with a written reason kept in the audit trail. And a theme rename that is refused
comes back with the error beside the field."""

import csv
import io

import pytest
from sqlalchemy import select

from engage.audit import AuditEvent
from engage.engagements.models import Engagement, EngagementStatus
from engage.extensions import db
from engage.surveys import services as survey_services
from tests.conftest import hidden_fields
from tests.factories import import_default_survey
from tests.review.test_theme_runs import add_answers, run_now


@pytest.fixture
def survey_id(app):
    with app.app_context():
        engagement = Engagement(slug="gp", name={"en": "GP"}, status=EngagementStatus.OPEN)
        db.session.add(engagement)
        survey = import_default_survey()
        survey.engagement = engagement
        for i in range(23):  # English 15, Spanish 2, Arabic 6
            survey_services.submit_response(
                survey,
                "en" if i < 15 else "es" if i < 17 else "ar",
                {
                    "competencies": ["wellbeing"],
                    "hopes": f"Answer {i}",
                    "role": "parent",
                    "school": "westview-high",
                    "home_language": "en",
                    "grade_band": ["early"],
                },
                survey_services.new_submission_token(),
            )
        db.session.commit()
        return survey.id


def _rows(body: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(body.lstrip("\ufeff"))))


def test_the_default_export_leaves_out_every_demographic(client, sign_in, survey_id):
    sign_in("facilitator")
    rows = _rows(client.get(f"/staff/review/surveys/{survey_id}/responses.csv").get_data(True))
    keys = [name.split(":")[0] for name in rows[0]]
    for left_out in ("role", "school", "home_language", "grade_band"):
        assert left_out not in keys
    assert "hopes" in keys and rows[0]["language"] in ("en", "hidden")
    languages = [row["language"] for row in rows]
    assert languages.count("en") == 15 and languages.count("hidden") == 8  # Spanish + partner


def test_facilitators_cannot_reach_the_full_export(client, sign_in, survey_id):
    sign_in("facilitator")
    page = client.get(f"/staff/review/surveys/{survey_id}/export")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Ask an admin" in html
    data = hidden_fields(html) | {"reason": "I would like it"}
    refused = client.post(f"/staff/review/surveys/{survey_id}/responses-full.csv", data=data)
    assert refused.status_code == 403


def test_the_full_export_needs_a_reason_and_audits_it(app, client, sign_in, survey_id):
    sign_in("admin")
    html = client.get(f"/staff/review/surveys/{survey_id}/export").get_data(as_text=True)
    assert "leaves out role, school, home language, grade band" in html
    url = f"/staff/review/surveys/{survey_id}/responses-full.csv"
    blank = client.post(url, data=hidden_fields(html) | {"reason": "   "})
    assert blank.status_code == 400
    assert "Please write why you need this export" in blank.get_data(as_text=True)
    reason = "Board asked for participation by school, audit ticket 42"
    export = client.post(url, data=hidden_fields(html) | {"reason": reason})
    rows = _rows(export.get_data(as_text=True))
    assert export.status_code == 200 and len(rows) == 23
    assert rows[0]["role"] == "parent" and rows[0]["school"] == "westview-high"
    assert any(name.startswith("grade_band:") for name in rows[0])
    with app.app_context():
        event = db.session.scalar(
            select(AuditEvent).filter_by(action="responses.exported_with_demographics")
        )
        assert event is not None and event.details["reason"] == reason


@pytest.mark.parametrize("typed", ["", "   "])
def test_a_blank_theme_name_comes_back_beside_the_field(
    app,
    client,
    sign_in,
    typed,
):
    with app.app_context():
        engagement = Engagement(slug="gp", name={"en": "GP"}, status=EngagementStatus.OPEN)
        db.session.add(engagement)
        survey = import_default_survey()
        survey.engagement = engagement
        add_answers(survey)
        db.session.commit()
        engagement_id = engagement.id
    run_id = run_now(app, engagement_id, seed=0, n_themes=2)
    with app.app_context():
        from engage.review.models import AnalysisRun

        theme_id = db.session.get(AnalysisRun, run_id).themes[0].id
    sign_in("facilitator")
    url = f"/staff/themes/themes/{theme_id}"
    data = hidden_fields(client.get(url).get_data(as_text=True))
    page = client.post(
        f"{url}/rename", data=data | {"rename-label": typed, "rename-language": "es"}
    )
    html = page.get_data(as_text=True)
    assert page.status_code == 400
    assert "A theme needs a name." in html.split('id="rename-label"')[0].rsplit("<label", 1)[1]
    assert 'aria-invalid="true"' in html and 'selected value="es"' in html
