"""The loader on the newer kinds and keys: each bad file is refused with its line named."""

import pytest

from engage.i18n import KNOWN_LANGUAGES
from engage.surveys.loader import SurveyFileError, load_survey_file, load_survey_text
from tests.factories import write_survey
from tests.surveys.test_new_kinds import EVERY_KIND

GOOD = EVERY_KIND.read_text(encoding="utf-8")
CONDITION = 'show_if = { question = "has_child", equals = ["yes"] }'


def refused(text: str) -> str:
    with pytest.raises(SurveyFileError) as error:
        load_survey_text(text, KNOWN_LANGUAGES, "every-kind.toml")
    return str(error.value)


def line_of(text: str, fragment: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if fragment in line)


def test_the_example_loads_with_its_settings():
    survey = load_survey_file(EVERY_KIND, KNOWN_LANGUAGES)
    by_key = {q.key: q for q in survey.questions}
    assert by_key["how_heard"].allow_other and by_key["how_heard"].max_length == 120
    assert [s.value for s in by_key["school_life"].statements] == ["safe", "heard"]
    assert [o.value for o in by_key["school_life"].options] == ["agree", "neutral", "disagree"]
    assert (by_key["children"].min_value, by_key["children"].max_value) == (0, 15)
    assert by_key["has_child"].options == []
    assert by_key["child_grade"].show_if == {"question": "has_child", "equals": ["yes"]}
    assert by_key["welcome"].help["ar"].startswith("تستغرق")


@pytest.mark.parametrize(
    ("old", "new", "expected", "line_fragment"),
    [
        (
            CONDITION,
            CONDITION.replace("has_child", "child_grade"),
            "points at the question itself",
            "show_if",
        ),
        (
            CONDITION,
            CONDITION.replace("has_child", "ideas"),
            "points at a later question, 'ideas'",
            "show_if",
        ),
        (
            CONDITION,
            CONDITION.replace("has_child", "nobody"),
            "'show_if' names no question: 'nobody'",
            "show_if",
        ),
        (
            CONDITION,
            CONDITION.replace('"yes"', '"maybe"'),
            "value 'maybe' is not an answer of 'has_child' (its values: yes, no)",
            "show_if",
        ),
        (CONDITION, CONDITION.replace("has_child", "children"), "can depend only on", "show_if"),
        ("new_page = true\n", "", "on the same page; add 'new_page = true'", "show_if"),
        (
            'key = "children"\nkind = "number"',
            'key = "children"\nkind = "number"\nallow_other = true',
            "'allow_other = true' is for single, multiple or dropdown",
            "allow_other",
        ),
        ("min_value = 0", "min_value = 20", "'min_value' is larger than 'max_value'", "min_value"),
        ("min_value = 0", 'min_value = "none"', "'min_value' must be a whole number", "min_value"),
        (
            'value = "heard"',
            'value = "safe"',
            "option value 'safe' is used twice",
            'value = "safe"',
        ),
        (
            'value = "school"',
            'value = "other"',
            "the option value 'other' is Engage's own",
            "[[questions.options]]",
        ),
        (
            'kind = "heading"',
            'kind = "heading"\nrequired = true',
            "a heading has no answer, so no 'required'",
            "required = true",
        ),
        (
            'key = "has_child"\nkind = "yesno"',
            'key = "has_child"\nkind = "yesno"\nmax_length = 5',
            "'max_length' is a whole number",
            "max_length = 5",
        ),
        (
            'key = "has_child"\nkind = "yesno"',
            'key = "has_child"\nkind = "yesno"\nshow_when = 1',
            "unknown key 'show_when'",
            "show_when",
        ),
        (
            'key = "has_child"\nkind = "yesno"',
            'key = "has_child"\nkind = "yesno"\noptions_from = "agreement"',
            "a yesno question has no options",
            "options_from",
        ),
    ],
)
def test_bad_settings_are_refused_with_the_line(old, new, expected, line_fragment):
    assert old in GOOD
    text = GOOD.replace(old, new, 1)
    message = refused(text)
    assert expected in message
    assert message.startswith("every-kind.toml, line ")
    line = int(message.split("line ", 1)[1].split(",", 1)[0].split(":", 1)[0])
    assert line_fragment in text.splitlines()[line - 1], (message, text.splitlines()[line - 1])


def test_a_loop_between_two_conditions_is_named():
    text = GOOD.replace(
        'key = "has_child"\nkind = "yesno"',
        'key = "has_child"\nkind = "yesno"\n'
        'show_if = { question = "child_grade", equals = ["high"] }',
    )
    message = refused(text)
    assert "question 'has_child'" in message and "(a loop)" in message


def test_a_grid_needs_two_statements():
    start = GOOD.index('[[questions.statements]]\nvalue = "heard"')
    end = GOOD.index("[[questions]]", start)
    assert "a grid needs at least two statements" in refused(GOOD[:start] + GOOD[end:])


def test_toml_syntax_errors_carry_their_line(tmp_path):
    text = GOOD.replace('key = "children"', 'key = "children', 1)
    with pytest.raises(SurveyFileError) as error:
        load_survey_file(write_survey(tmp_path, text), KNOWN_LANGUAGES)
    line = line_of(text, 'key = "children')
    assert f", line {line}" in str(error.value)
    assert "not valid TOML" in str(error.value)


def test_import_command_prints_the_line(runner, tmp_path):
    write_survey(tmp_path, GOOD.replace("min_value = 0", "min_value = 20"), "every-kind.toml")
    result = runner.invoke(args=["import-surveys", "--folder", str(tmp_path)])
    assert result.exit_code == 1
    line = line_of(GOOD, "min_value = 0")
    assert (
        f"every-kind.toml, line {line}, question 'children': 'min_value' is larger" in result.output
    )


def test_a_repeated_value_names_the_line_of_its_second_use():
    text = GOOD.replace('value = "heard"', 'value = "safe"', 1)
    lines = [n for n, line in enumerate(text.splitlines(), 1) if line == 'value = "safe"']
    assert len(lines) == 2
    assert f"every-kind.toml, line {lines[1]}, question 'school_life'" in refused(text)


def test_a_missing_translation_names_the_line_of_its_option():
    text = GOOD.replace(', ar = "المرحلة المتوسطة" }', " }", 1)
    message = refused(text)
    line = line_of(text, 'value = "middle"')
    assert f"every-kind.toml, line {line}, question 'child_grade': language 'ar'" in message
