"""The TOML loader: the shipped survey is complete, broken files are named precisely."""

import pytest
from sqlalchemy import func, select

from engage.extensions import db
from engage.i18n import KNOWN_LANGUAGES
from engage.surveys.loader import SurveyFileError, load_survey_file, load_survey_folder
from engage.surveys.models import Survey
from tests.factories import DEFAULT_SURVEY, MINIMAL_SURVEY, write_survey


def test_default_survey_is_complete_in_all_nine_languages():
    survey = load_survey_file(DEFAULT_SURVEY, KNOWN_LANGUAGES)
    assert set(survey.languages) == set(KNOWN_LANGUAGES)
    kinds = {question.kind for question in survey.questions}
    assert kinds == {"single", "multiple", "likert", "rank", "open"}
    assert all(not q.required for q in survey.questions if q.demographic)
    for question in survey.questions:
        assert set(question.text) == set(KNOWN_LANGUAGES)
        for option in question.options:
            assert all(option.text[code].strip() for code in KNOWN_LANGUAGES)


def test_minimal_survey_loads(tmp_path):
    survey = load_survey_file(write_survey(tmp_path, MINIMAL_SURVEY), KNOWN_LANGUAGES)
    assert survey.slug == "mini"
    assert survey.questions[0].options[1].text == {"en": "Second", "es": "Segunda"}


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            ('text.es = "Elija una"\n', ""),
            "question 'favourite': language 'es': missing translation",
        ),
        (
            ('kind = "single"', 'kind = "slider"'),
            "question 'favourite': unknown question kind 'slider'",
        ),
        (
            ('languages = ["en", "es"]', 'languages = ["en", "xx"]'),
            "language 'xx': unknown language",
        ),
        (('value = "b"', 'value = "a"'), "option value 'a' is used twice"),
        (('es = "Una encuesta corta"', 'fr = "Une enquête"'), "language 'es': missing translation"),
        (('slug = "mini"', 'slug = "Mini Survey!"'), "'slug' must be"),
        (("[title]", "[title\n"), "not valid TOML"),
    ],
)
def test_broken_file_is_named_with_question_and_language(tmp_path, change, expected):
    old, new = change
    assert old in MINIMAL_SURVEY
    path = write_survey(tmp_path, MINIMAL_SURVEY.replace(old, new, 1))
    with pytest.raises(SurveyFileError) as error:
        load_survey_file(path, KNOWN_LANGUAGES)
    assert str(error.value).startswith(str(path))
    assert expected in str(error.value)


def test_demographic_question_cannot_be_required(tmp_path):
    text = MINIMAL_SURVEY.replace("required = true", "required = true\ndemographic = true")
    with pytest.raises(SurveyFileError, match="demographic question cannot be required"):
        load_survey_file(write_survey(tmp_path, text), KNOWN_LANGUAGES)


def test_same_slug_and_version_in_two_files_is_refused(tmp_path):
    write_survey(tmp_path, MINIMAL_SURVEY, "a.toml")
    write_survey(tmp_path, MINIMAL_SURVEY, "b.toml")
    with pytest.raises(SurveyFileError, match="also defined in a.toml"):
        load_survey_folder(tmp_path, KNOWN_LANGUAGES)


def test_import_command_with_a_broken_file_changes_nothing(app, runner, tmp_path):
    write_survey(tmp_path, MINIMAL_SURVEY, "good.toml")
    write_survey(
        tmp_path,
        MINIMAL_SURVEY.replace('slug = "mini"', 'slug = "other"').replace(
            'text.es = "Primera"', ""
        ),
        "broken.toml",
    )
    result = runner.invoke(args=["import-surveys", "--folder", str(tmp_path)])
    assert result.exit_code == 1
    assert "Nothing was imported" in result.output
    assert "broken.toml, line 18, question 'favourite': language 'es'" in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count(Survey.id))) == 0


def test_import_command_imports_and_is_idempotent(app, runner, tmp_path):
    write_survey(tmp_path, MINIMAL_SURVEY)
    first = runner.invoke(args=["import-surveys", "--folder", str(tmp_path)])
    second = runner.invoke(args=["import-surveys", "--folder", str(tmp_path)])
    assert "mini v1: imported" in first.output
    assert "mini v1: unchanged" in second.output
    with app.app_context():
        assert db.session.scalar(select(func.count(Survey.id))) == 1


def test_changing_a_version_with_responses_needs_a_new_version(app, runner, tmp_path):
    from tests.factories import make_response

    path = write_survey(tmp_path, MINIMAL_SURVEY)
    runner.invoke(args=["import-surveys", "--folder", str(tmp_path)])
    with app.app_context():
        survey = db.session.scalar(select(Survey))
        make_response(survey, favourite="a")
        db.session.commit()
    path.write_text(MINIMAL_SURVEY.replace("Pick one", "Pick one, please"), encoding="utf-8")
    refused = runner.invoke(args=["import-surveys", "--folder", str(tmp_path)])
    assert refused.exit_code == 1 and "raise 'version'" in refused.output
    path.write_text(
        MINIMAL_SURVEY.replace("Pick one", "Pick one, please").replace(
            "version = 1", "version = 2"
        ),
        encoding="utf-8",
    )
    accepted = runner.invoke(args=["import-surveys", "--folder", str(tmp_path)])
    assert "mini v2: imported" in accepted.output
    with app.app_context():
        statuses = dict(db.session.execute(select(Survey.version, Survey.status)).all())
        assert statuses == {1: "closed", 2: "open"}
