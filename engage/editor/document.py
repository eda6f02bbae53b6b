"""A survey draft's document: the dict `tomllib` gives for a survey file, changed one edit at a
time. Plain functions, no Flask request and no database, so every rule is tested directly.

Each edit returns a new document (the old one is never changed in place), so a refused edit
leaves nothing half done. Texts are `{language code: text}`; a plain string (a school's name)
reads the same in every language, as the loader allows for options.
"""

import copy
import re
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from ..surveys.loader import CHOICE_KINDS, KINDS, MAPPABLE, OTHER_KINDS

# The kinds and what each allows are the survey file's (engage/surveys/loader.py): the editor
# writes exactly what the loader reads.
OPTION_KINDS = CHOICE_KINDS  # answers from a list of choices (for a grid: its scale)
MAX_CHOICE_KINDS = ("multiple", "rank")
#: More choices than anyone reads on a phone; also keeps a pasted list from hanging a page.
MAX_OPTIONS = 200
MAX_STATEMENTS = 50
MAX_TEXT = 4000
MAX_OPEN_LENGTH = 4000
KEY_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_-]{0,79}$")
CODE_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,79}$")
OTHER_VALUE = "other"


class DocumentError(ValueError):
    """An edit the document cannot take; the message says why, in the reader's language."""


# ---- Reading ----


def text_in(value, language: str) -> str:
    """The text of `value` (a dict per language, or a plain string) in `language`."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        text = value.get(language)
        return text if isinstance(text, str) else ""
    return ""


def questions(document) -> list[dict]:
    return list(document.get("questions") or [])


def scale_options(document, name) -> list[dict]:
    return list(((document.get("scales") or {}).get(name) or {}).get("options") or [])


def choices_of(document, question) -> list[dict]:
    """The options a question offers (its own, or its shared scale's)."""
    if question.get("options_from"):
        return scale_options(document, question["options_from"])
    return list(question.get("options") or [])


def answer_values(document, question) -> list[str]:
    """The values an answer to `question` can have, for conditions on it."""
    kind = question.get("kind")
    if kind == "yesno":
        return ["yes", "no"]
    if kind not in ("single", "multiple", "likert", "dropdown"):
        return []
    values = [str(option.get("value")) for option in choices_of(document, question)]
    if question.get("allow_other"):
        values.append(OTHER_VALUE)
    return values


def page_numbers(items: list[dict]) -> list[int]:
    """The page of each question: page 1 is everything before the first `new_page`."""
    pages, page = [], 1
    for index, question in enumerate(items):
        if index and question.get("new_page"):
            page += 1
        pages.append(page)
    return pages


def condition_problems(document) -> list[str]:
    """What is wrong with the document's conditions (`show_if`), one message each."""
    return [message for _key, message in keyed_condition_problems(document)]


def keyed_condition_problems(document) -> list[tuple[str, str]]:
    """(question key, message) for each condition (`show_if`) that cannot work."""
    items = questions(document)
    pages = page_numbers(items)
    index_of = {q.get("key"): i for i, q in enumerate(items)}
    found = []
    for index, question in enumerate(items):
        condition = question.get("show_if")
        if not condition:
            continue
        target = condition.get("question")
        key = question.get("key")
        names = {"key": key, "target": target}
        if target == key:
            message = _l("Question %(key)s depends on itself.", **names)
        elif target not in index_of:
            message = _l("Question %(key)s depends on a question that is gone.", **names)
        elif index_of[target] > index:
            message = _l("Question %(key)s depends on a later question, %(target)s.", **names)
        elif pages[index_of[target]] >= pages[index]:
            message = _l(
                "Question %(key)s must be on a later page than %(target)s, the question it "
                "depends on.",
                **names,
            )
        elif not condition.get("equals") or set(condition["equals"]) - set(
            answer_values(document, items[index_of[target]])
        ):
            message = _l(
                "Question %(key)s depends on answers that %(target)s does not offer.", **names
            )
        else:
            continue
        found.append((key, str(message)))
    return found


def problems(document, working: str) -> list[str]:
    """What stops the document from opening, apart from translations."""
    found = []
    if not text_in(document.get("title"), working).strip():
        found.append(str(_l("The survey needs a title.")))
    if not questions(document):
        found.append(str(_l("The survey needs at least one question.")))
    return found + condition_problems(document)


# ---- Lines of "code | text" ----


def lines_of(options, language: str) -> str:
    """Options as the editor shows them: one `code | text` line each."""
    return "\n".join(
        f"{option.get('value', '')} | {text_in(option.get('text'), language)}" for option in options
    )


def code_from_text(text: str, number: int) -> str:
    code = re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")[:40].strip("_")
    return code or f"option_{number}"


def parse_lines(raw: str, limit: int) -> tuple[list[tuple[str, str]], str | None]:
    """(code, text) pairs from `code | text` lines, or an error message.

    A line without " | " gets a code made from its text. The count is checked before anything
    else, so a pasted list of ten thousand lines is refused at once.
    """
    lines = [line.strip() for line in (raw or "").splitlines() if line.strip()]
    if len(lines) > limit:
        return [], str(
            _l(
                "This list has %(count)s lines; the most a question can offer is %(limit)s. "
                "Nothing was saved: your list is still here.",
                count=len(lines),
                limit=limit,
            )
        )
    pairs, seen = [], {}
    for number, line in enumerate(lines, start=1):
        code, bar, text = line.partition("|")
        code, text = code.strip(), text.strip()
        if not bar:
            code, text = code_from_text(line, number), line
        if not text:
            return [], str(_l("Line %(line)s has a code but no text.", line=number))
        if not CODE_PATTERN.match(code):
            return [], str(
                _l(
                    "Line %(line)s: the code %(code)s may use only letters a-z, digits, _ . and "
                    "-, up to 80.",
                    line=number,
                    code=code,
                )
            )
        if code in seen:
            return [], str(
                _l(
                    "The code %(code)s is used twice (lines %(first)s and %(second)s). Each "
                    "choice needs its own code.",
                    code=code,
                    first=seen[code],
                    second=number,
                )
            )
        if len(text) > MAX_TEXT:
            return [], str(_l("Line %(line)s is too long.", line=number))
        seen[code] = number
        pairs.append((code, text))
    return pairs, None


def _merge_options(pairs, old_options, working: str) -> list[dict]:
    """Options from edited lines, keeping each kept code's other translations."""
    old = {str(option.get("value")): option.get("text") for option in old_options or []}
    merged = []
    for code, text in pairs:
        previous = old.get(code)
        if isinstance(previous, str):
            texts = text  # the same in every language stays so
        else:
            texts = dict(previous or {})
            texts[working] = text
        merged.append({"value": code, "text": texts})
    return merged


def _with_text(value, language: str, text: str):
    texts = {} if not isinstance(value, dict) else dict(value)
    if text:
        texts[language] = text
    else:
        texts.pop(language, None)
    return texts


# ---- Editing one question ----


@dataclass
class QuestionInput:
    """What the question form sends, in the working language."""

    kind: str
    key: str = ""
    text: str = ""
    help: str = ""
    section: str = ""
    required: bool = False
    demographic: bool = False
    maps_to: str = ""
    options: str = ""
    options_from: str = ""
    statements: str = ""
    allow_other: bool = False
    max_choices: int | None = None
    max_length: int | None = None
    min_value: int | None = None
    max_value: int | None = None
    new_page: bool = False
    #: "key:value" pairs ticked for the condition.
    show_if: tuple[str, ...] = ()


def new_key(document) -> str:
    used = {q.get("key") for q in questions(document)}
    number = len(used) + 1
    while f"q{number}" in used:
        number += 1
    return f"q{number}"


def build_question(document, index: int | None, data: QuestionInput, working: str):
    """The question `data` describes, at `index` (None: a new one at the end).

    Returns (question dict, {field name: message}); with any message the question is None.
    """
    items = questions(document)
    old = dict(items[index]) if index is not None else {}
    errors: dict[str, str] = {}
    kind = old.get("kind", data.kind)
    if kind not in KINDS:
        return None, {"kind": str(_l("Choose a kind of question."))}
    key = (data.key or "").strip() or old.get("key") or new_key(document)
    if not KEY_PATTERN.match(key):
        errors["key"] = str(
            _l("Use small letters a-z, digits, _ and -, starting with a letter or digit.")
        )
    elif any(q.get("key") == key for i, q in enumerate(items) if i != index):
        errors["key"] = str(_l("Another question already uses the code %(key)s.", key=key))
    text = (data.text or "").strip()
    if not text:
        errors["text"] = (
            str(_l("Write the heading.")) if kind == "heading" else str(_l("Write the question."))
        )
    elif len(text) > MAX_TEXT:
        errors["text"] = str(_l("This text is too long."))
    question = {"key": key, "kind": kind}
    question["text"] = _with_text(old.get("text"), working, text)
    for name in ("help", "section"):
        texts = _with_text(old.get(name), working, (getattr(data, name) or "").strip())
        if texts:
            question[name] = texts
    if kind != "heading":
        if data.demographic:
            question["demographic"] = True
        if data.required:
            question["required"] = True
        if data.demographic and data.required:
            errors["required"] = str(
                _l("A question about the person (demographic) is always optional.")
            )
    if data.maps_to:
        if data.maps_to not in MAPPABLE or kind != "single":
            errors["maps_to"] = str(_l("Only a single-choice question can feed the dashboard."))
        else:
            question["maps_to"] = data.maps_to
    if kind in OPTION_KINDS:
        _options(document, old, question, data, working, errors)
    if kind == "grid":
        pairs, error = parse_lines(data.statements, MAX_STATEMENTS)
        if error:
            errors["statements"] = error
        elif len(pairs) < 2:
            errors["statements"] = str(_l("A grid needs at least two statements."))
        else:
            question["statements"] = _merge_options(pairs, old.get("statements"), working)
    if data.allow_other and kind in OTHER_KINDS:
        question["allow_other"] = True
        if any(o.get("value") == OTHER_VALUE for o in choices_of(document, question)):
            errors["allow_other"] = str(
                _l("A choice already uses the code other: rename it, or leave this unticked.")
            )
    if kind in MAX_CHOICE_KINDS and data.max_choices is not None:
        count = len(choices_of(document, question))
        if not 1 <= data.max_choices <= max(count, 1):
            errors["max_choices"] = str(_l("Give a number from 1 to %(count)s.", count=count))
        else:
            question["max_choices"] = data.max_choices
    if data.max_length is not None and (kind == "open" or question.get("allow_other")):
        if not 1 <= data.max_length <= MAX_OPEN_LENGTH:
            errors["max_length"] = str(
                _l("Give a number from 1 to %(limit)s.", limit=MAX_OPEN_LENGTH)
            )
        else:
            question["max_length"] = data.max_length
    if kind == "number":
        if data.min_value is not None:
            question["min_value"] = data.min_value
        if data.max_value is not None:
            question["max_value"] = data.max_value
        if None not in (data.min_value, data.max_value) and data.min_value > data.max_value:
            errors["max_value"] = str(_l("The largest number cannot be below the smallest."))
    if data.new_page:
        question["new_page"] = True
    _condition(document, index, question, data.show_if, errors)
    return (None, errors) if errors else (question, {})


def _options(document, old, question, data, working, errors):
    if data.options_from:
        if data.options_from not in (document.get("scales") or {}):
            errors["options"] = str(_l("Choose one of the shared lists."))
        else:
            question["options_from"] = data.options_from
        return
    pairs, error = parse_lines(data.options, MAX_OPTIONS)
    if error:
        errors["options"] = error
    elif len(pairs) < 2:
        errors["options"] = str(_l("Give at least two choices, one a line."))
    else:
        old_options = old.get("options") if not old.get("options_from") else None
        question["options"] = _merge_options(pairs, old_options, working)


def _condition(document, index, question, ticked, errors):
    if not ticked:
        return
    targets = {value.partition(":")[0] for value in ticked}
    if len(targets) != 1:
        errors["show_if"] = str(_l("A question can depend on one earlier question only."))
        return
    target = targets.pop()
    question["show_if"] = {
        "question": target,
        "equals": [value.partition(":")[2] for value in ticked],
    }
    trial = put_question(document, index, question, check=False)
    mine = [m for key, m in keyed_condition_problems(trial) if key == question["key"]]
    if target == question["key"]:
        errors["show_if"] = str(_l("A question cannot depend on itself."))
    elif mine:
        errors["show_if"] = mine[0]


def put_question(document, index: int | None, question: dict, check: bool = True):
    """A new document with `question` at `index` (None: added at the end). A changed key is
    changed in the conditions that name it too."""
    result = copy.deepcopy(document)
    items = result.setdefault("questions", [])
    if index is None:
        items.append(question)
    else:
        old_key = items[index].get("key")
        items[index] = question
        if old_key != question.get("key"):
            for other in items:
                if (other.get("show_if") or {}).get("question") == old_key:
                    other["show_if"]["question"] = question["key"]
    return _checked(document, result) if check else result


def _checked(before, after):
    """`after`, unless it breaks a condition that held in `before`."""
    new = set(condition_problems(after)) - set(condition_problems(before))
    if new:
        raise DocumentError(sorted(new)[0])
    return after


def delete_question(document, index: int):
    items = questions(document)
    key = items[index].get("key")
    dependent = [q.get("key") for q in items if (q.get("show_if") or {}).get("question") == key]
    if dependent:
        raise DocumentError(
            str(
                _l(
                    "Question %(key)s cannot be deleted: %(others)s depend on it. Change or "
                    "delete those first.",
                    key=key,
                    others=", ".join(dependent),
                )
            )
        )
    result = copy.deepcopy(document)
    del result["questions"][index]
    return result


def move_question(document, index: int, step: int):
    """Move the question one place up (step -1) or down (+1)."""
    items = questions(document)
    other = index + step
    if not 0 <= other < len(items):
        return copy.deepcopy(document)
    result = copy.deepcopy(document)
    moved = result["questions"]
    moved[index], moved[other] = moved[other], moved[index]
    return _checked(document, result)


def set_survey_texts(document, working: str, **texts: str):
    """Title, introduction and next steps in the working language."""
    result = copy.deepcopy(document)
    for name, text in texts.items():
        value = _with_text(result.get(name), working, (text or "").strip())
        if value:
            result[name] = value
        else:
            result.pop(name, None)
    return result


def blank_document(slug: str, languages: list[str], working: str, title: str) -> dict:
    ordered = [working] + [code for code in languages if code != working]
    return {
        "slug": slug,
        "version": 1,
        "default_language": working,
        "languages": ordered,
        "title": {working: title},
        "questions": [],
    }
