"""Editing a draft's document: every kind, the settings each kind takes, and what is refused."""

import pytest

from engage.editor import document as doc
from engage.editor.document import QuestionInput, build_question, put_question


def blank():
    return doc.blank_document("pulse", ["en", "es", "ar"], "en", "Pulse")


def add(document, **values):
    question, errors = build_question(document, None, QuestionInput(**values), "en")
    assert errors == {}, errors
    return put_question(document, None, question)


def test_single_with_other_and_required():
    d = add(
        blank(),
        kind="single",
        text="Pick one",
        options="a | First\nb | Second",
        allow_other=True,
        required=True,
        max_length=200,
    )
    assert d["questions"] == [
        {
            "key": "q1",
            "kind": "single",
            "text": {"en": "Pick one"},
            "required": True,
            "options": [
                {"value": "a", "text": {"en": "First"}},
                {"value": "b", "text": {"en": "Second"}},
            ],
            "allow_other": True,
            "max_length": 200,
        }
    ]


@pytest.mark.parametrize("kind", ["multiple", "likert", "rank", "dropdown"])
def test_choice_kinds_keep_their_options(kind):
    d = add(
        blank(),
        kind=kind,
        key="pick",
        text="Choose",
        options="x | X\ny | Y\nz | Z",
        max_choices=2 if kind in ("multiple", "rank") else None,
    )
    question = d["questions"][0]
    assert question["kind"] == kind and [o["value"] for o in question["options"]] == ["x", "y", "z"]
    assert question.get("max_choices") == (2 if kind in ("multiple", "rank") else None)


def test_grid_has_statements_and_a_scale():
    d = add(
        blank(),
        kind="grid",
        text="How much do you agree?",
        options="yes | Agree\nno | Disagree",
        statements="safe | I feel safe\nheard | I feel heard",
    )
    question = d["questions"][0]
    assert [s["value"] for s in question["statements"]] == ["safe", "heard"]
    assert question["statements"][1]["text"] == {"en": "I feel heard"}


def test_number_yesno_open_heading():
    d = add(blank(), kind="number", text="How many children?", min_value=0, max_value=12)
    d = add(d, kind="yesno", text="Do you drive?", new_page=True)
    d = add(d, kind="open", text="Anything else?", max_length=500)
    d = add(d, kind="heading", text="About you", help="A few questions", required=True)
    number, yesno, open_, heading = d["questions"]
    assert (number["min_value"], number["max_value"]) == (0, 12)
    assert yesno == {
        "key": "q2",
        "kind": "yesno",
        "text": {"en": "Do you drive?"},
        "new_page": True,
    }
    assert open_["max_length"] == 500
    assert heading == {
        "key": "q4",
        "kind": "heading",
        "text": {"en": "About you"},
        "help": {"en": "A few questions"},
    }  # never required


def test_editing_keeps_other_languages_and_lines_without_a_code_get_one():
    d = add(blank(), kind="single", text="Pick", options="a | First\nb | Second")
    d["questions"][0]["options"][0]["text"]["es"] = "Primera"
    question, errors = build_question(
        d,
        0,
        QuestionInput(kind="single", text="Pick one", options="a | First!\nThird choice"),
        "en",
    )
    assert not errors
    assert question["options"] == [
        {"value": "a", "text": {"en": "First!", "es": "Primera"}},
        {"value": "third_choice", "text": {"en": "Third choice"}},
    ]


@pytest.mark.parametrize(
    "values, field",
    [
        ({"kind": "single", "text": "", "options": "a | A\nb | B"}, "text"),
        ({"kind": "single", "text": "Pick", "options": "a | A\na | B"}, "options"),
        ({"kind": "single", "text": "Pick", "options": "a | A"}, "options"),
        (
            {"kind": "grid", "text": "Agree?", "options": "a | A\nb | B", "statements": "s | S"},
            "statements",
        ),
        ({"kind": "number", "text": "How many?", "min_value": 5, "max_value": 1}, "max_value"),
        (
            {
                "kind": "single",
                "text": "Pick",
                "options": "other | Other\nb | B",
                "allow_other": True,
            },
            "allow_other",
        ),
        (
            {
                "kind": "single",
                "text": "Pick",
                "options": "a | A\nb | B",
                "demographic": True,
                "required": True,
            },
            "required",
        ),
        ({"kind": "single", "key": "Bad Key", "text": "Pick", "options": "a | A\nb | B"}, "key"),
    ],
)
def test_refused_with_a_message_on_the_field(values, field):
    question, errors = build_question(blank(), None, QuestionInput(**values), "en")
    assert question is None and field in errors and errors[field]


def test_duplicate_codes_name_both_lines():
    _q, errors = build_question(
        blank(),
        None,
        QuestionInput(kind="multiple", text="Pick", options="a | A\nb | B\na | C"),
        "en",
    )
    assert "a" in errors["options"] and "1" in errors["options"] and "3" in errors["options"]


def test_ten_thousand_choices_are_refused_quickly():
    import time

    lines = "\n".join(f"c{i} | Choice {i}" for i in range(10_000))
    started = time.perf_counter()
    question, errors = build_question(
        blank(), None, QuestionInput(kind="single", text="Pick", options=lines), "en"
    )
    assert time.perf_counter() - started < 0.5
    assert (
        question is None
        and "10000" in errors["options"].replace(",", "")
        and "200" in errors["options"]
    )


def two_pages():
    d = add(blank(), kind="yesno", key="drives", text="Do you drive?")
    return add(d, kind="open", key="why", text="Why?", new_page=True)


def test_condition_on_an_earlier_page_is_kept():
    d = two_pages()
    question, errors = build_question(
        d,
        1,
        QuestionInput(kind="open", key="why", text="Why?", new_page=True, show_if=("drives:yes",)),
        "en",
    )
    assert not errors and question["show_if"] == {"question": "drives", "equals": ["yes"]}


@pytest.mark.parametrize(
    "index, ticked, new_page",
    [
        (0, ("drives:yes",), False),  # itself
        (0, ("why:yes",), False),  # a later question
        (1, ("drives:yes",), False),  # the same page
        (1, ("drives:maybe",), True),  # not an answer it offers
        (1, ("drives:yes", "nope:x"), True),  # two questions
    ],
)
def test_conditions_that_cannot_work_are_refused(index, ticked, new_page):
    d = two_pages()
    old = d["questions"][index]
    question, errors = build_question(
        d,
        index,
        QuestionInput(
            kind=old["kind"], key=old["key"], text="T", new_page=new_page, show_if=ticked
        ),
        "en",
    )
    assert question is None and errors["show_if"]


def test_moves_and_deletes_that_would_break_a_condition_are_refused():
    d = two_pages()
    d["questions"][1]["show_if"] = {"question": "drives", "equals": ["yes"]}
    with pytest.raises(doc.DocumentError):
        doc.move_question(d, 1, -1)
    with pytest.raises(doc.DocumentError):
        doc.delete_question(d, 0)
    d = add(d, kind="open", key="last", text="Last")
    moved = doc.move_question(d, 2, -1)
    assert [q["key"] for q in moved["questions"]] == ["drives", "last", "why"]
    assert [q["key"] for q in d["questions"]] == ["drives", "why", "last"]  # unchanged


def test_renaming_a_key_follows_into_conditions():
    d = two_pages()
    d["questions"][1]["show_if"] = {"question": "drives", "equals": ["yes"]}
    question, errors = build_question(
        d, 0, QuestionInput(kind="yesno", key="car", text="Car?"), "en"
    )
    assert not errors
    assert put_question(d, 0, question)["questions"][1]["show_if"]["question"] == "car"
