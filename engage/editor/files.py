"""A draft's document as a survey file and back, checked by the real loader.

`survey_text` writes the document as TOML (tomli-w, the maintained writer for the format
tomllib reads); `check_text` hands TOML to engage.surveys.loader.load_survey_text, so the editor
and `engage import-surveys` refuse the same things with the same line-naming messages.
"""

import copy
import tomllib
from pathlib import Path

import tomli_w

from ..i18n import KNOWN_LANGUAGES
from ..surveys import loader
from ..surveys.loader import SurveyDefinition, SurveyFileError
from .document import text_in


class SurveyTextError(ValueError):
    """A file that cannot be read as a survey file at all (its TOML is broken)."""


def survey_text(document) -> str:
    """The document as a survey file."""
    return tomli_w.dumps(_without_empty(document))


def read_text(text: str, source_name: str) -> dict:
    """The document in a TOML text; SurveyTextError names the line of a syntax error."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise SurveyTextError(f"{source_name}: {error}") from error
    if not isinstance(data.get("questions", []), list):
        raise SurveyTextError(f"{source_name}: 'questions' must be [[questions]] entries")
    return data


def check_text(text: str, known_languages, source_name: str) -> SurveyDefinition:
    """Parse a survey file's text with the real loader (raises SurveyFileError naming the
    line, as for a file in surveys/)."""
    read_text(text, source_name)  # a broken TOML text is a SurveyTextError, as on import
    return loader.load_survey_text(text, known_languages, source_name)


def for_opening(document, languages: list[str], version: int, status: str = "open") -> dict:
    """The document as it opens: only `languages` (the complete ones, working language first),
    with every text in other languages left out so the loader sees a whole survey."""
    result = copy.deepcopy(document)
    working = document.get("default_language") or languages[0]
    ordered = [working] + [code for code in languages if code != working]
    result.update(languages=ordered, version=version, status=status, default_language=working)
    return _without_empty(_only_languages(result, set(ordered)))


def _is_texts(value) -> bool:
    """A `{language code: text}` dict (a title, a question's text, an option's text)."""
    return (
        isinstance(value, dict)
        and bool(value)
        and all(k in KNOWN_LANGUAGES and isinstance(v, str) for k, v in value.items())
    )


def _only_languages(value, keep: set[str]):
    if _is_texts(value):
        return {k: v for k, v in value.items() if k in keep}
    if isinstance(value, dict):
        return {k: _only_languages(v, keep) for k, v in value.items()}
    if isinstance(value, list):
        return [_only_languages(item, keep) for item in value]
    return value


OPTIONAL_TEXTS = ("intro", "next_steps", "help", "section")


def _without_empty(value):
    """No empty strings in a text, and no empty optional text (the loader would ask for it in
    every language)."""
    if isinstance(value, dict):
        cleaned = {}
        for key, item in value.items():
            item = _without_empty(item)
            if item is None:
                continue
            if key in OPTIONAL_TEXTS and isinstance(item, dict) and not item:
                continue
            cleaned[key] = item
        if _is_texts(cleaned):
            cleaned = {k: v for k, v in cleaned.items() if v}
        return cleaned
    if isinstance(value, list):
        return [_without_empty(item) for item in value]
    return value


def file_name(document) -> str:
    return f"{document.get('slug') or 'survey'}.toml"


def starter_files(folder) -> list[tuple[str, str]]:
    """(file name, title in English or the file's default language) of each starter survey."""
    starters = []
    for path in sorted(Path(folder).glob("*.toml")):
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
            continue
        title = text_in(data.get("title"), "en") or text_in(
            data.get("title"), data.get("default_language") or ""
        )
        starters.append((path.name, title or path.stem))
    return starters


def read_starter(folder, name: str) -> dict:
    """The document of starter file `name` (only a file listed by `starter_files`)."""
    names = {file for file, _title in starter_files(folder)}
    if name not in names:
        raise SurveyTextError(name)
    return read_text((Path(folder) / name).read_text(encoding="utf-8"), name)


__all__ = ["SurveyFileError", "SurveyTextError"]
