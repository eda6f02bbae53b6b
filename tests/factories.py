"""Builders for test data. They flush; the test commits when it needs to."""

import itertools
from pathlib import Path

from config import BASE_DIR
from engage.auth.services import create_user
from engage.i18n import KNOWN_LANGUAGES
from engage.surveys import services
from engage.surveys.loader import load_survey_file

DEFAULT_SURVEY = BASE_DIR / "surveys" / "graduate-profile.toml"
_emails = itertools.count(1)


def import_default_survey():
    """Import the shipped default survey and return it."""
    services.import_surveys([load_survey_file(DEFAULT_SURVEY, KNOWN_LANGUAGES)])
    return services.find_open_survey("graduate-profile")


def write_survey(folder: Path, text: str, name: str = "survey.toml") -> Path:
    path = Path(folder) / name
    path.write_text(text, encoding="utf-8")
    return path


def make_user(role: str = "facilitator", password: str = "correct horse battery"):
    return create_user(f"staff{next(_emails)}@district.test", password, role)


def make_response(survey, language="en", shared=None, **answers):
    """A response; its open answers may be rated by others unless `shared` names fewer keys."""
    answers.setdefault("competencies", ["critical_thinking"])
    if shared is None:
        shared = {question.key for question in survey.questions}
    token = services.new_submission_token()
    return services.submit_response(survey, language, answers, token, shared=set(shared))


MINIMAL_SURVEY = """
slug = "mini"
version = 1
languages = ["en", "es"]

[title]
en = "A short survey"
es = "Una encuesta corta"

[[questions]]
key = "favourite"
kind = "single"
required = true
text.en = "Pick one"
text.es = "Elija una"

[[questions.options]]
value = "a"
text.en = "First"
text.es = "Primera"

[[questions.options]]
value = "b"
text.en = "Second"
text.es = "Segunda"
"""
