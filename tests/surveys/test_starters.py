"""The starter library in surveys/: every file is complete in the nine languages, and a starter
shipped as a draft is imported without becoming public."""

from pathlib import Path

from config import BASE_DIR
from engage.extensions import db
from engage.i18n import KNOWN_LANGUAGES
from engage.surveys import services
from engage.surveys.loader import load_survey_folder
from engage.surveys.models import Survey, SurveyStatus

STARTERS = Path(BASE_DIR) / "surveys"


def test_every_starter_is_complete_in_all_nine_languages():
    starters = {survey.slug: survey for survey in load_survey_folder(STARTERS, KNOWN_LANGUAGES)}
    assert {"graduate-profile", "what-matters"} <= set(starters)
    for survey in starters.values():
        assert set(survey.languages) == set(KNOWN_LANGUAGES)
        for texts in [survey.title, survey.intro, survey.next_steps]:
            assert set(texts) == set(KNOWN_LANGUAGES) and all(t.strip() for t in texts.values())
        for question in survey.questions:
            assert all(question.text[code].strip() for code in KNOWN_LANGUAGES)
            for option in question.options:
                assert all(option.text[code].strip() for code in KNOWN_LANGUAGES)


def test_the_pulse_starter_is_short_and_asks_for_one_answer_only():
    pulse = next(
        s for s in load_survey_folder(STARTERS, KNOWN_LANGUAGES) if s.slug == "what-matters"
    )
    assert len(pulse.questions) <= 5
    assert [q.key for q in pulse.questions if q.required] == ["matters_most"]
    assert pulse.status == "draft"


def test_a_draft_starter_is_imported_but_not_public(app_context, client):
    services.import_surveys(load_survey_folder(STARTERS, KNOWN_LANGUAGES))
    db.session.commit()
    assert services.find_open_survey("graduate-profile") is not None
    assert services.find_open_survey("what-matters") is None
    pulse = db.session.scalar(db.select(Survey).filter_by(slug="what-matters"))
    assert pulse.status == SurveyStatus.DRAFT
    assert client.get("/so/surveys/what-matters").status_code == 404
    listing = client.get("/en/")
    assert listing.status_code == 200 and "graduate-profile" in listing.get_data(as_text=True)
    assert "what-matters" not in listing.get_data(as_text=True)
