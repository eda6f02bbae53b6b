"""Pages and conditional questions, as plain functions (no request, no database).

A survey is cut into pages where a question has `new_page`; a question with `show_if` is
shown only when the answer to an earlier question (on an earlier page, so no script is needed:
the answer is known before the page holding the follow-up is drawn) is one of its values. A
question whose condition is not met is skipped: not validated, not stored. Works on loader
definitions, Question rows and cached questions alike.
"""

from collections.abc import Mapping, Sequence

#: The key under which `answers` carries what was written beside "Other, please specify".
OTHER_SUFFIX = ".other"


def other_key(question_key: str) -> str:
    return question_key + OTHER_SUFFIX


def page_of(questions: Sequence) -> list[int]:
    """The page (from 1) of each question, in order."""
    numbers, page = [], 1
    for position, question in enumerate(questions):
        if question.new_page and position > 0:
            page += 1
        numbers.append(page)
    return numbers


def page_count(questions: Sequence) -> int:
    numbers = page_of(questions)
    return numbers[-1] if numbers else 1


def condition_met(show_if: Mapping | None, answer) -> bool:
    """Whether an answer (a value, a list of values for multiple choice, or None) meets
    `show_if`'s `equals`."""
    if not show_if:
        return True
    wanted = set(show_if.get("equals") or ())
    if isinstance(answer, list | tuple | set | frozenset):
        return bool(wanted.intersection(answer))
    return answer in wanted


def visible_keys(questions: Sequence, answers: Mapping) -> set[str]:
    """Keys of the questions shown for these answers: those with no condition, and those whose
    condition is met by the answer to a question that is itself shown."""
    shown: set[str] = set()
    for question in questions:
        condition = question.show_if
        if condition is None or (
            condition["question"] in shown
            and condition_met(condition, answers.get(condition["question"]))
        ):
            shown.add(question.key)
    return shown


def visible_pages(questions: Sequence, answers: Mapping) -> list[int]:
    """The pages, in order, that show at least one question for these answers (a page whose
    every question is skipped is skipped too). Page 1 is always there."""
    shown = visible_keys(questions, answers)
    pages = {1}
    for page, question in zip(page_of(questions), questions, strict=True):
        if question.key in shown:
            pages.add(page)
    return sorted(pages)
