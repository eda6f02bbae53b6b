"""Pages and conditions as plain functions: which questions and pages a set of answers shows."""

from types import SimpleNamespace

from engage.surveys.flow import condition_met, page_of, visible_keys, visible_pages


def q(key, new_page=False, show_if=None):
    return SimpleNamespace(key=key, new_page=new_page, show_if=show_if)


QUESTIONS = [
    q("child", show_if=None),
    q("grade", new_page=True, show_if={"question": "child", "equals": ["yes"]}),
    q("school", show_if={"question": "grade", "equals": ["high"]}),
    q("help", new_page=True, show_if={"question": "child", "equals": ["no"]}),
    q("ideas", new_page=True),
]


def test_pages_start_at_each_new_page():
    assert page_of(QUESTIONS) == [1, 2, 2, 3, 4]
    assert page_of([q("a", new_page=True), q("b")]) == [1, 1]  # the first is page 1 anyway


def test_a_follow_up_of_a_skipped_question_is_skipped_too():
    assert visible_keys(QUESTIONS, {"child": "yes", "grade": "high"}) == {
        "child",
        "grade",
        "school",
        "ideas",
    }
    # "grade" is hidden once "child" is "no", so its stale "high" shows nothing.
    assert visible_keys(QUESTIONS, {"child": "no", "grade": "high"}) == {"child", "help", "ideas"}


def test_a_page_with_nothing_to_show_is_skipped():
    assert visible_pages(QUESTIONS, {"child": "yes"}) == [1, 2, 4]
    assert visible_pages(QUESTIONS, {}) == [1, 4]


def test_multiple_choice_meets_a_condition_when_any_value_matches():
    condition = {"question": "x", "equals": ["a", "b"]}
    assert condition_met(condition, ["c", "b"])
    assert not condition_met(condition, ["c"])
    assert not condition_met(condition, None)
    assert condition_met(None, None)
