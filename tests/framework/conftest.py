"""An engagement with answers and a finished theme run, for the framework tests."""

import pytest

from engage.engagements.models import Engagement, EngagementStatus
from engage.extensions import db
from engage.review import runner, theme_runs
from engage.review.models import AnalysisRun
from engage.surveys import services as survey_services
from tests.factories import import_default_survey

ANSWERS = [
    ("en", "Think critically and solve real problems", "parent"),
    ("en", "Critical thinking and problem solving skills", "student"),
    ("es", "Pensar críticamente y resolver problemas", "parent"),
    ("en", "Manage money, budgets and saving", "parent"),
    ("en", "Budgeting and saving money for the future", "staff"),
    ("es", "Manejar el dinero y ahorrar para el futuro", "parent"),
]


@pytest.fixture
def themed(app):
    """(engagement id, run id) after a theme run over 48 answers."""
    with app.app_context():
        engagement = Engagement(
            slug="gp",
            name={"en": "Graduate profile"},
            status=EngagementStatus.OPEN,
            default_language="en",
        )
        db.session.add(engagement)
        survey = import_default_survey()
        survey.engagement = engagement
        for i in range(8):
            for language, text, role in ANSWERS:
                survey_services.submit_response(
                    survey,
                    language,
                    {"competencies": ["wellbeing"], "hopes": f"{text} {i}", "role": role},
                    survey_services.new_submission_token(),
                )
        db.session.commit()
        run = theme_runs.start_run(engagement, {"seed": 0, "n_themes": 2}, actor=None)
        db.session.commit()
        runner.claim(run.id)
        runner.work(run.id, "tfidf")
        run = db.session.get(AnalysisRun, run.id)
        assert run.status == "done", run.message
        return engagement.id, run.id
