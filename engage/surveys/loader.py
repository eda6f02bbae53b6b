"""Reads survey definitions from TOML files and checks them, with no app or database.

A survey file holds every language. A broken file raises `SurveyFileError`, whose message
names the file, the line, the question and the language at fault. See README.md ("Adding a
survey") and the kinds and keys below for the format. Every field of `QuestionDefinition`
has the name of its TOML key, so `writer.dumps_survey` can write a definition back.
"""

import hashlib
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from .flow import page_of

KINDS = (
    "single",
    "multiple",
    "likert",
    "rank",
    "open",
    "grid",
    "number",
    "yesno",
    "dropdown",
    "heading",
)
#: Kinds whose options come from `options` or `options_from` in the file.
CHOICE_KINDS = ("single", "multiple", "likert", "rank", "grid", "dropdown")
#: Kinds that may add an "Other, please specify" choice with a text box.
OTHER_KINDS = ("single", "multiple", "dropdown")
#: Kinds a `show_if` may depend on: their answers are values from a known list.
CONDITION_KINDS = ("single", "multiple", "likert", "dropdown", "yesno")
MAPPABLE = ("role", "school", "home_language")
SLUG_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}$")
DEFAULT_MAX_LENGTH = 4000
#: The value an "Other, please specify" choice is stored under.
OTHER_VALUE = "other"
YESNO_VALUES = ("yes", "no")
#: Number questions hold whole numbers the database stores as a 32-bit integer.
NUMBER_LIMIT = 2_000_000_000


class SurveyFileError(ValueError):
    def __init__(self, path, message, question=None, language=None, line=None):
        self.path, self.question, self.language = str(path), question, language
        self.line, self.reason = line, message
        # "survey.toml, line 212, question 'q7': language 'es': missing translation ..."
        where = ", ".join(
            [self.path]
            + ([f"line {line}"] if line else [])
            + ([f"question '{question}'"] if question else [])
        )
        if language:
            where += f": language '{language}'"
        super().__init__(f"{where}: {message}")


@dataclass
class OptionDefinition:
    value: str
    text: dict[str, str]


@dataclass
class QuestionDefinition:
    key: str
    kind: str
    text: dict[str, str]
    required: bool = False
    demographic: bool = False
    maps_to: str | None = None
    section: dict[str, str] = field(default_factory=dict)
    help: dict[str, str] = field(default_factory=dict)
    options: list[OptionDefinition] = field(default_factory=list)
    max_choices: int | None = None
    max_length: int | None = None
    #: single, multiple, dropdown: an "Other, please specify" choice (value "other").
    allow_other: bool = False
    #: grid: the rows, each answered on the scale in `options`.
    statements: list[OptionDefinition] = field(default_factory=list)
    #: number: the smallest and largest answer accepted.
    min_value: int | None = None
    max_value: int | None = None
    #: This question starts a new page.
    new_page: bool = False
    #: {"question": earlier key, "equals": [values]}: shown only when that answer is one of them.
    show_if: dict | None = None


@dataclass
class SurveyDefinition:
    slug: str
    version: int
    default_language: str
    languages: list[str]
    title: dict[str, str]
    intro: dict[str, str]
    next_steps: dict[str, str]
    questions: list[QuestionDefinition]
    status: str
    # Where the definition came from, not what it says: two files saying the same are equal.
    content_hash: str = field(compare=False)
    source_file: str = field(compare=False)
    #: The file's text, kept with the version so it can be exported or edited as written.
    source_text: str = field(default="", compare=False, repr=False)


def load_survey_file(path: Path, known_languages) -> SurveyDefinition:
    """Parse and check one survey file; `known_languages` are the language codes Engage knows."""
    path = Path(path)
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SurveyFileError(path, f"not valid TOML ({exc})") from exc
    return _load(text, known_languages, path, hashlib.sha256(raw).hexdigest())


def load_survey_text(text: str, known_languages, source_name: str = "survey.toml"):
    """Parse and check survey TOML held in memory (an editor's draft); errors name
    `source_name` and the line."""
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return _load(text, known_languages, Path(source_name), digest)


def _load(text, known_languages, path, content_hash) -> SurveyDefinition:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line = getattr(exc, "lineno", None) or _line_from_message(str(exc))
        raise SurveyFileError(path, f"not valid TOML ({exc})", line=line) from exc
    definition = _parse_survey(path, data, set(known_languages), content_hash, Lines(text))
    definition.source_text = text
    return definition


def _line_from_message(message: str) -> int | None:
    found = re.search(r"line (\d+)", message)
    return int(found.group(1)) if found else None


class Lines:
    """Finds the line of a key in the file's text, so a semantic error can name it.

    TOML parsers give no positions, so this reads the text itself: the `[[questions]]`
    headers split it into one block per question, in order.
    """

    HEADER = re.compile(r"^\s*\[\[\s*questions\s*\]\]")

    def __init__(self, text: str):
        self.lines = text.splitlines()
        self.starts = [i for i, line in enumerate(self.lines) if self.HEADER.match(line)]

    def _find(self, name: str, start: int, end: int) -> int | None:
        pattern = re.compile(
            rf"^\s*(?:{re.escape(name)}\s*[=.]|\[+\s*(?:questions\.)?{re.escape(name)}\b)"
        )
        for number in range(start, end):
            if pattern.match(self.lines[number]):
                return number + 1
        return None

    def value(self, index: int, value: str, occurrence: int = 1) -> int | None:
        """The line of `value = "<value>"` in question number `index` (an option or a
        statement; its `occurrence`-th use), so an error about one option names its line."""
        if not 1 <= index <= len(self.starts):
            return None
        start = self.starts[index - 1]
        end = self.starts[index] if index < len(self.starts) else len(self.lines)
        pattern = re.compile(rf"""^\s*value\s*=\s*["']{re.escape(value)}["']""")
        for number in range(start + 1, end):
            if pattern.match(self.lines[number]):
                occurrence -= 1
                if occurrence == 0:
                    return number + 1
        return None

    def top(self, name: str) -> int | None:
        end = self.starts[0] if self.starts else len(self.lines)
        return self._find(name, 0, end) or self._find(name, 0, len(self.lines))

    def question(self, index: int, name: str | None = None) -> int | None:
        """The line of `name` in question number `index` (from 1), else of its key, else of
        its header; None when the file has no such block (questions written inline)."""
        if not 1 <= index <= len(self.starts):
            return None
        start = self.starts[index - 1]
        end = self.starts[index] if index < len(self.starts) else len(self.lines)
        found = self._find(name, start + 1, end) if name else None
        return found or self._find("key", start + 1, end) or start + 1


def _parse_survey(path, data, known, content_hash, lines) -> SurveyDefinition:
    def fail(message, name, language=None):
        raise SurveyFileError(path, message, language=language, line=lines.top(name))

    slug = data.get("slug")
    if not isinstance(slug, str) or not SLUG_PATTERN.match(slug):
        fail("'slug' must be lowercase letters, digits and dashes", "slug")
    version = data.get("version", 1)
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        fail("'version' must be a whole number from 1", "version")
    languages = data.get("languages")
    if not isinstance(languages, list) or not languages:
        fail("'languages' must list the languages the survey is written in", "languages")
    for code in languages:
        if code not in known:
            fail("unknown language code", "languages", language=code)
    default = data.get("default_language", languages[0])
    if default not in languages:
        fail("'default_language' must be one of 'languages'", "default_language", default)
    status = data.get("status", "open")
    if status not in ("draft", "open", "closed"):
        fail("'status' must be draft, open or closed", "status")

    def top_texts(value, what, name, optional=False):
        return _localized(path, value, languages, what, None, optional, False, lines.top(name))

    scales = {}
    for name, scale in (data.get("scales") or {}).items():
        line = lines.top("scales")
        if not isinstance(scale, dict):
            raise SurveyFileError(path, f"scale '{name}' needs options", line=line)

        def scale_texts(value, what, question=None, optional=False, allow_plain=False, line=line):
            return _localized(path, value, languages, what, question, optional, allow_plain, line)

        scales[name] = _parse_options(
            path, scale.get("options"), scale_texts, f"scale '{name}'", None, line
        )
    raw_questions = data.get("questions")
    if not isinstance(raw_questions, list) or not raw_questions:
        raise SurveyFileError(
            path, "a survey needs at least one [[questions]] entry", line=lines.top("questions")
        )
    questions: list[QuestionDefinition] = []
    for index, raw in enumerate(raw_questions, start=1):
        question = _parse_question(path, raw, index, languages, scales, lines)
        if any(earlier.key == question.key for earlier in questions):
            raise SurveyFileError(
                path, "the key is used twice", question=question.key, line=lines.question(index)
            )
        questions.append(question)
    _check_pages_and_conditions(path, questions, lines)
    return SurveyDefinition(
        slug=slug,
        version=version,
        default_language=default,
        languages=list(languages),
        title=top_texts(data.get("title"), "the title", "title"),
        intro=top_texts(data.get("intro"), "the introduction", "intro", optional=True),
        next_steps=top_texts(data.get("next_steps"), "'next_steps'", "next_steps", True),
        questions=questions,
        status=status,
        content_hash=content_hash,
        source_file=path.name,
    )


def _whole_number(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _parse_question(path, raw, index, languages, scales, lines) -> QuestionDefinition:
    key = raw.get("key") if isinstance(raw, dict) else None
    if not isinstance(key, str) or not SLUG_PATTERN.match(key.replace("_", "-")):
        raise SurveyFileError(
            path,
            f"question number {index} needs a 'key' (letters, digits, _ -)",
            line=lines.question(index),
        )

    def fail(message, name=None, language=None):
        raise SurveyFileError(path, message, key, language, lines.question(index, name))

    def texts(value, what, question=None, optional=False, allow_plain=False, name=None, line=None):
        line = line or lines.question(index, name)
        return _localized(path, value, languages, what, question, optional, allow_plain, line)

    kind = raw.get("kind")
    if kind not in KINDS:
        fail(f"unknown question kind {kind!r}; use one of {', '.join(KINDS)}", "kind")
    known_keys = set(QuestionDefinition.__dataclass_fields__) | {"options_from"}
    for name in raw:
        if name not in known_keys:
            fail(f"unknown key {name!r}", name)
    demographic = bool(raw.get("demographic", False))
    required = raw.get("required", False)
    if not isinstance(required, bool):
        fail("'required' is true or false", "required")
    if demographic and required:
        fail("a demographic question cannot be required", "required")
    if kind == "heading":
        for name in ("required", "demographic", "maps_to", "max_length", "section"):
            if name in raw and raw[name] not in (False, None):
                fail(f"a heading has no answer, so no '{name}'", name)
    maps_to = raw.get("maps_to")
    if maps_to is not None and (maps_to not in MAPPABLE or kind not in ("single", "dropdown")):
        fail(
            f"'maps_to' must be one of {', '.join(MAPPABLE)} on a single-choice or "
            "drop-down question",
            "maps_to",
        )
    options: list[OptionDefinition] = []
    if kind in CHOICE_KINDS:
        if "options_from" in raw:
            if raw["options_from"] not in scales:
                fail(f"'options_from' names no scale: {raw['options_from']!r}", "options_from")
            options = scales[raw["options_from"]]
        else:
            options = _parse_options(
                path,
                raw.get("options"),
                texts,
                "an option",
                key,
                lines.question(index, "options"),
                line_of=lambda value, occurrence=1: lines.value(index, value, occurrence),
            )
    elif raw.get("options") or raw.get("options_from"):
        fail(f"a {kind} question has no options", "options" if "options" in raw else "options_from")
    allow_other = raw.get("allow_other", False)
    if not isinstance(allow_other, bool) or (allow_other and kind not in OTHER_KINDS):
        fail("'allow_other = true' is for single, multiple or dropdown questions", "allow_other")
    if allow_other and any(option.value == OTHER_VALUE for option in options):
        fail(
            f"with 'allow_other' the option value {OTHER_VALUE!r} is Engage's own; "
            "use another value",
            "options",
        )
    if allow_other and maps_to:
        fail("a question with 'maps_to' cannot also 'allow_other'", "allow_other")
    statements: list[OptionDefinition] = []
    if kind == "grid":
        statements = _parse_options(
            path,
            raw.get("statements"),
            texts,
            "a statement",
            key,
            lines.question(index, "statements"),
            needs="a grid needs at least two statements",
            line_of=lambda value, occurrence=1: lines.value(index, value, occurrence),
        )
    elif "statements" in raw:
        fail("only a grid question has 'statements'", "statements")
    max_choices = raw.get("max_choices")
    if kind == "rank" and max_choices is None:
        max_choices = min(3, len(options))
    if max_choices is not None and (
        kind not in ("multiple", "rank")
        or not _whole_number(max_choices)
        or not 1 <= max_choices <= len(options) + (1 if allow_other else 0)
    ):
        fail(
            "'max_choices' is for multiple or rank questions, from 1 to the number of options",
            "max_choices",
        )
    max_length = raw.get("max_length", DEFAULT_MAX_LENGTH if kind == "open" else None)
    if max_length is not None and (
        not (kind == "open" or allow_other) or not _whole_number(max_length) or max_length < 1
    ):
        fail(
            "'max_length' is a whole number from 1 on open questions and on questions "
            "with 'allow_other'",
            "max_length",
        )
    min_value, max_value = raw.get("min_value"), raw.get("max_value")
    for name, value in (("min_value", min_value), ("max_value", max_value)):
        if value is None:
            continue
        if kind != "number":
            fail(f"'{name}' is for number questions", name)
        if not _whole_number(value) or abs(value) > NUMBER_LIMIT:
            fail(f"'{name}' must be a whole number (at most {NUMBER_LIMIT:,})", name)
    if min_value is not None and max_value is not None and min_value > max_value:
        fail("'min_value' is larger than 'max_value'", "min_value")
    new_page = raw.get("new_page", False)
    if not isinstance(new_page, bool):
        fail("'new_page' is true or false", "new_page")
    show_if = raw.get("show_if")
    if show_if is not None:
        show_if = _parse_condition(show_if, fail)
    return QuestionDefinition(
        key=key,
        kind=kind,
        text=texts(raw.get("text"), "the question text", key, name="text"),
        required=required,
        demographic=demographic,
        maps_to=maps_to,
        section=texts(raw.get("section"), "the section heading", key, True, name="section"),
        help=texts(raw.get("help"), "the help text", key, optional=True, name="help"),
        options=options,
        max_choices=max_choices,
        max_length=max_length,
        allow_other=allow_other,
        statements=statements,
        min_value=min_value,
        max_value=max_value,
        new_page=new_page,
        show_if=show_if,
    )


def _parse_condition(raw, fail) -> dict:
    if not isinstance(raw, dict) or set(raw) - {"question", "equals"}:
        fail(
            '\'show_if\' is written show_if = { question = "<earlier key>", equals = ["<value>"] }',
            "show_if",
        )
    target, equals = raw.get("question"), raw.get("equals")
    if isinstance(equals, str):
        equals = [equals]
    if not isinstance(target, str) or not target:
        fail("'show_if' needs the key of an earlier question in 'question'", "show_if")
    if (
        not isinstance(equals, list)
        or not equals
        or not all(isinstance(value, str) and value for value in equals)
    ):
        fail("'show_if' needs one or more answer values in 'equals'", "show_if")
    return {"question": target, "equals": list(dict.fromkeys(equals))}


def _check_pages_and_conditions(path, questions, lines) -> None:
    """Each `show_if` names a question with known values on an earlier page."""
    pages = page_of(questions)
    positions = {question.key: index for index, question in enumerate(questions)}
    for index, question in enumerate(questions):
        if question.show_if is None:
            continue

        def fail(message, question=question, index=index):
            line = lines.question(index + 1, "show_if")
            raise SurveyFileError(path, message, question.key, line=line)

        target_key = question.show_if["question"]
        if target_key == question.key:
            fail("'show_if' points at the question itself")
        if target_key not in positions:
            fail(f"'show_if' names no question: {target_key!r}")
        target = questions[positions[target_key]]
        if positions[target_key] > index:
            loop = (target.show_if or {}).get("question") == question.key
            fail(
                f"'show_if' points at a later question, {target_key!r}"
                + (", whose own 'show_if' points back here (a loop)" if loop else "")
                + "; a condition must depend on an earlier page"
            )
        if pages[positions[target_key]] == pages[index]:
            fail(
                f"'show_if' points at {target_key!r} on the same page; add 'new_page = true' "
                "to this question (or one between) so the answer is known before it is shown"
            )
        if target.kind not in CONDITION_KINDS:
            fail(
                f"'show_if' can depend only on a {', '.join(CONDITION_KINDS)} question; "
                f"{target_key!r} is {target.kind}"
            )
        allowed = answer_values(target)
        for value in question.show_if["equals"]:
            if value not in allowed:
                fail(
                    f"'show_if' value {value!r} is not an answer of {target_key!r} "
                    f"(its values: {', '.join(allowed)})"
                )


def answer_values(question) -> list[str]:
    """The values an answer to a choice question can hold (for conditions)."""
    if question.kind == "yesno":
        return list(YESNO_VALUES)
    values = [option.value for option in question.options]
    return values + [OTHER_VALUE] if question.allow_other else values


def _parse_options(
    path,
    raw_options,
    texts,
    what,
    question,
    line=None,
    needs="a choice question needs at least two options",
    line_of=None,
) -> list[OptionDefinition]:
    if not isinstance(raw_options, list) or len(raw_options) < 2:
        raise SurveyFileError(path, needs, question=question, line=line)
    options, values = [], set()
    for raw in raw_options:
        value = raw.get("value") if isinstance(raw, dict) else None
        if not isinstance(value, str) or not value or len(value) > 80:
            raise SurveyFileError(
                path, f"every entry of {what} needs a 'value'", question=question, line=line
            )
        here = (line_of(value) if line_of else None) or line
        if value in values:
            # The second use is the one to fix: name its line.
            second = line_of(value, 2) if line_of else None
            raise SurveyFileError(
                path,
                f"option value {value!r} is used twice",
                question=question,
                line=second or here,
            )
        values.add(value)
        text = texts(raw.get("text"), f"{what} ({value})", question, allow_plain=True, line=here)
        options.append(OptionDefinition(value=value, text=text))
    return options


def _localized(
    path, value, languages, what, question, optional, allow_plain, line=None
) -> dict[str, str]:
    if value is None and optional:
        return {}
    if isinstance(value, str) and allow_plain and value.strip():
        # A proper noun such as a school's name reads the same in every language.
        return {code: value for code in languages}
    if not isinstance(value, dict):
        raise SurveyFileError(path, f"{what} is missing", question=question, line=line)
    for code in languages:
        text = value.get(code)
        if not isinstance(text, str) or not text.strip():
            raise SurveyFileError(path, f"missing translation of {what}", question, code, line)
    for code in value:
        if code not in languages:
            raise SurveyFileError(
                path,
                f"{what} has text in a language the survey does not list",
                question,
                code,
                line,
            )
    return {code: value[code].strip() for code in languages}


def load_survey_folder(folder: Path, known_languages) -> list[SurveyDefinition]:
    """Every `*.toml` in `folder`, checked; the first broken file raises."""
    surveys = [load_survey_file(p, known_languages) for p in sorted(Path(folder).glob("*.toml"))]
    seen: dict[tuple, str] = {}
    for survey in surveys:
        key = (survey.slug, survey.version)
        if key in seen:
            raise SurveyFileError(
                survey.source_file,
                f"slug '{survey.slug}' version {survey.version} is also defined in {seen[key]}",
            )
        seen[key] = survey.source_file
    return surveys
