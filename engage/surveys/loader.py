"""Reads survey definitions from TOML files and checks them, with no app or database.

A survey file holds every language. A broken file raises `SurveyFileError`, whose message
names the file, the question and the language at fault. See README.md ("Adding a survey")
for the format.
"""

import hashlib
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

KINDS = ("single", "multiple", "likert", "rank", "open")
CHOICE_KINDS = ("single", "multiple", "likert", "rank")
MAPPABLE = ("role", "school", "home_language")
SLUG_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}$")
DEFAULT_MAX_LENGTH = 4000


class SurveyFileError(ValueError):
    def __init__(self, path, message, question=None, language=None):
        self.path, self.question, self.language = str(path), question, language
        where = [self.path]
        if question:
            where.append(f"question '{question}'")
        if language:
            where.append(f"language '{language}'")
        super().__init__(f"{': '.join(where)}: {message}")


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
    content_hash: str
    source_file: str


def load_survey_file(path: Path, known_languages) -> SurveyDefinition:
    """Parse and check one survey file; `known_languages` are the language codes Engage knows."""
    path = Path(path)
    raw = path.read_bytes()
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise SurveyFileError(path, f"not valid TOML ({exc})") from exc
    return _parse_survey(path, data, set(known_languages), hashlib.sha256(raw).hexdigest())


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


def _parse_survey(path, data, known, content_hash) -> SurveyDefinition:
    slug = data.get("slug")
    if not isinstance(slug, str) or not SLUG_PATTERN.match(slug):
        raise SurveyFileError(path, "'slug' must be lowercase letters, digits and dashes")
    version = data.get("version", 1)
    if not isinstance(version, int) or version < 1:
        raise SurveyFileError(path, "'version' must be a whole number from 1")
    languages = data.get("languages")
    if not isinstance(languages, list) or not languages:
        raise SurveyFileError(path, "'languages' must list the languages the survey is written in")
    for code in languages:
        if code not in known:
            raise SurveyFileError(path, "unknown language code", language=code)
    default = data.get("default_language", languages[0])
    if default not in languages:
        raise SurveyFileError(
            path, "'default_language' must be one of 'languages'", language=default
        )
    status = data.get("status", "open")
    if status not in ("draft", "open", "closed"):
        raise SurveyFileError(path, "'status' must be draft, open or closed")

    def texts(value, what, question=None, optional=False, allow_plain=False):
        return _localized(path, value, languages, what, question, optional, allow_plain)

    scales = {
        name: _parse_options(path, scale.get("options"), texts, f"scale '{name}'", None)
        for name, scale in (data.get("scales") or {}).items()
    }
    raw_questions = data.get("questions")
    if not isinstance(raw_questions, list) or not raw_questions:
        raise SurveyFileError(path, "a survey needs at least one [[questions]] entry")
    questions, keys = [], set()
    for index, raw in enumerate(raw_questions, start=1):
        question = _parse_question(path, raw, index, texts, scales)
        if question.key in keys:
            raise SurveyFileError(path, "the key is used twice", question=question.key)
        keys.add(question.key)
        questions.append(question)
    return SurveyDefinition(
        slug=slug,
        version=version,
        default_language=default,
        languages=list(languages),
        title=texts(data.get("title"), "the title"),
        intro=texts(data.get("intro"), "the introduction", optional=True),
        next_steps=texts(data.get("next_steps"), "'next_steps'", optional=True),
        questions=questions,
        status=status,
        content_hash=content_hash,
        source_file=path.name,
    )


def _parse_question(path, raw, index, texts, scales) -> QuestionDefinition:
    key = raw.get("key") if isinstance(raw, dict) else None
    if not isinstance(key, str) or not SLUG_PATTERN.match(key.replace("_", "-")):
        raise SurveyFileError(path, f"question number {index} needs a 'key' (letters, digits, _ -)")
    kind = raw.get("kind")
    if kind not in KINDS:
        raise SurveyFileError(
            path, f"unknown question kind {kind!r}; use one of {', '.join(KINDS)}", question=key
        )
    demographic = bool(raw.get("demographic", False))
    required = bool(raw.get("required", False))
    if demographic and required:
        raise SurveyFileError(path, "a demographic question cannot be required", question=key)
    maps_to = raw.get("maps_to")
    if maps_to is not None and (maps_to not in MAPPABLE or kind != "single"):
        raise SurveyFileError(
            path,
            f"'maps_to' must be one of {', '.join(MAPPABLE)} on a single-choice question",
            question=key,
        )
    options: list[OptionDefinition] = []
    if kind in CHOICE_KINDS:
        if "options_from" in raw:
            if raw["options_from"] not in scales:
                raise SurveyFileError(
                    path, f"'options_from' names no scale: {raw['options_from']!r}", question=key
                )
            options = scales[raw["options_from"]]
        else:
            options = _parse_options(path, raw.get("options"), texts, "an option", key)
    elif raw.get("options") or raw.get("options_from"):
        raise SurveyFileError(path, "an open question has no options", question=key)
    max_choices = raw.get("max_choices")
    if kind == "rank" and max_choices is None:
        max_choices = min(3, len(options))
    if max_choices is not None and (
        kind not in ("multiple", "rank")
        or not isinstance(max_choices, int)
        or not 1 <= max_choices <= len(options)
    ):
        raise SurveyFileError(
            path,
            "'max_choices' is for multiple or rank questions, from 1 to the number of options",
            question=key,
        )
    max_length = raw.get("max_length", DEFAULT_MAX_LENGTH if kind == "open" else None)
    if max_length is not None and (kind != "open" or not isinstance(max_length, int)):
        raise SurveyFileError(
            path, "'max_length' is a whole number on open questions", question=key
        )
    return QuestionDefinition(
        key=key,
        kind=kind,
        text=texts(raw.get("text"), "the question text", key),
        required=required,
        demographic=demographic,
        maps_to=maps_to,
        section=texts(raw.get("section"), "the section heading", key, optional=True),
        help=texts(raw.get("help"), "the help text", key, optional=True),
        options=options,
        max_choices=max_choices,
        max_length=max_length,
    )


def _parse_options(path, raw_options, texts, what, question) -> list[OptionDefinition]:
    if not isinstance(raw_options, list) or len(raw_options) < 2:
        raise SurveyFileError(
            path, "a choice question needs at least two options", question=question
        )
    options, values = [], set()
    for raw in raw_options:
        value = raw.get("value") if isinstance(raw, dict) else None
        if not isinstance(value, str) or not value or len(value) > 80:
            raise SurveyFileError(path, "every option needs a 'value'", question=question)
        if value in values:
            raise SurveyFileError(path, f"option value {value!r} is used twice", question=question)
        values.add(value)
        text = texts(raw.get("text"), f"{what} ({value})", question, allow_plain=True)
        options.append(OptionDefinition(value=value, text=text))
    return options


def _localized(path, value, languages, what, question, optional, allow_plain) -> dict[str, str]:
    if value is None and optional:
        return {}
    if isinstance(value, str) and allow_plain and value.strip():
        # A proper noun such as a school's name reads the same in every language.
        return {code: value for code in languages}
    if not isinstance(value, dict):
        raise SurveyFileError(path, f"{what} is missing", question=question)
    for code in languages:
        text = value.get(code)
        if not isinstance(text, str) or not text.strip():
            raise SurveyFileError(path, f"missing translation of {what}", question, code)
    for code in value:
        if code not in languages:
            raise SurveyFileError(
                path, f"{what} has text in a language the survey does not list", question, code
            )
    return {code: value[code].strip() for code in languages}
