"""The TOML writer: what it writes loads back as the same survey, for every kind."""

import tomllib

import pytest

from engage.i18n import KNOWN_LANGUAGES
from engage.surveys.loader import KINDS, SurveyFileError, load_survey_file, load_survey_text
from engage.surveys.writer import dumps_survey
from tests.factories import DEFAULT_SURVEY, MINIMAL_SURVEY, write_survey
from tests.surveys.test_new_kinds import EVERY_KIND


@pytest.mark.parametrize("path", [EVERY_KIND, DEFAULT_SURVEY], ids=["every-kind", "graduate"])
def test_round_trip_gives_the_same_survey(path):
    loaded = load_survey_file(path, KNOWN_LANGUAGES)
    written = dumps_survey(loaded)
    again = load_survey_text(written, KNOWN_LANGUAGES, path.name)
    assert again == loaded
    assert dumps_survey(again) == written  # and writing is stable


def test_the_every_kind_survey_has_each_kind():
    loaded = load_survey_file(EVERY_KIND, KNOWN_LANGUAGES)
    assert {q.kind for q in loaded.questions} == set(KINDS)
    assert any(q.allow_other for q in loaded.questions)
    assert any(q.show_if for q in loaded.questions)
    assert any(q.new_page for q in loaded.questions)


def test_written_file_is_plain_toml_without_defaults(tmp_path):
    loaded = load_survey_file(write_survey(tmp_path, MINIMAL_SURVEY), KNOWN_LANGUAGES)
    written = dumps_survey(loaded)
    data = tomllib.loads(written)
    question = data["questions"][0]
    assert question == {
        "key": "favourite",
        "kind": "single",
        "required": True,
        "text": {"en": "Pick one", "es": "Elija una"},
        "options": [
            {"value": "a", "text": {"en": "First", "es": "Primera"}},
            {"value": "b", "text": {"en": "Second", "es": "Segunda"}},
        ],
    }


def test_text_that_needs_escaping_survives(tmp_path):
    loaded = load_survey_file(write_survey(tmp_path, MINIMAL_SURVEY), KNOWN_LANGUAGES)
    loaded.questions[0].text["en"] = 'Say "hi"\\ then\nmore ]] [[questions]] = """'
    again = load_survey_text(dumps_survey(loaded), KNOWN_LANGUAGES)
    assert again.questions[0].text["en"] == loaded.questions[0].text["en"]


def test_load_survey_text_names_the_source_and_line():
    with pytest.raises(SurveyFileError) as error:
        load_survey_text(
            MINIMAL_SURVEY.replace('kind = "single"', 'kind = "slider"'), KNOWN_LANGUAGES, "draft 7"
        )
    assert str(error.value).startswith(
        "draft 7, line 12, question 'favourite': unknown question kind"
    )


def test_a_draft_held_as_a_dict_is_checked_like_a_file():
    from engage.surveys.writer import load_survey_document, survey_document

    loaded = load_survey_file(EVERY_KIND, KNOWN_LANGUAGES)
    document = survey_document(loaded)
    assert load_survey_document(document, KNOWN_LANGUAGES) == loaded
    document["questions"][1]["show_if"] = {"question": "ideas", "equals": ["x"]}
    with pytest.raises(SurveyFileError, match=r"draft, line \d+, question 'how_heard'"):
        load_survey_document(document, KNOWN_LANGUAGES, "draft")
