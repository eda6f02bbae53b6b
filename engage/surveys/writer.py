"""Writes a checked survey definition back to TOML, the format `loader` reads.

`load_survey_text(dumps_survey(definition))` gives the same definition back (content hash and
file name aside): scales are written out as each question's options, defaults are left out.
tomli-w writes the TOML (tomllib only reads), so quoting and escaping follow the spec.
"""

import tomli_w

from .loader import DEFAULT_MAX_LENGTH, OptionDefinition, QuestionDefinition, SurveyDefinition


def survey_document(definition: SurveyDefinition) -> dict:
    """The definition as the plain dict a survey file holds."""
    document = {
        "slug": definition.slug,
        "version": definition.version,
        "default_language": definition.default_language,
        "languages": list(definition.languages),
        "status": definition.status,
        "title": dict(definition.title),
    }
    if definition.intro:
        document["intro"] = dict(definition.intro)
    if definition.next_steps:
        document["next_steps"] = dict(definition.next_steps)
    document["questions"] = [question_document(q) for q in definition.questions]
    return document


def question_document(question: QuestionDefinition) -> dict:
    entry: dict = {"key": question.key, "kind": question.kind}
    for name in ("required", "demographic", "allow_other", "new_page"):
        if getattr(question, name):
            entry[name] = True
    for name in ("maps_to", "max_choices", "min_value", "max_value"):
        if getattr(question, name) is not None:
            entry[name] = getattr(question, name)
    if question.max_length is not None and not (
        question.kind == "open" and question.max_length == DEFAULT_MAX_LENGTH
    ):
        entry["max_length"] = question.max_length
    if question.show_if is not None:
        entry["show_if"] = {
            "question": question.show_if["question"],
            "equals": list(question.show_if["equals"]),
        }
    entry["text"] = dict(question.text)
    for name in ("section", "help"):
        if getattr(question, name):
            entry[name] = dict(getattr(question, name))
    if question.options and question.kind != "yesno":
        entry["options"] = [_option(option) for option in question.options]
    if question.statements:
        entry["statements"] = [_option(statement) for statement in question.statements]
    return entry


def _option(option: OptionDefinition) -> dict:
    return {"value": option.value, "text": dict(option.text)}


def dumps_survey(definition: SurveyDefinition) -> str:
    """The definition as survey-file TOML."""
    return tomli_w.dumps(survey_document(definition))


def load_survey_document(document: dict, known_languages, source_name: str = "survey.toml"):
    """Check a survey held as the plain dict a file holds (an editor's draft): it is written
    out as TOML first, so errors name a line of that text, as for a file."""
    from .loader import load_survey_text

    return load_survey_text(tomli_w.dumps(document), known_languages, source_name)
