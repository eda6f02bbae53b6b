"""A draft shown as a family would see it, in one language, for the preview frame.

Every kind that takes an answer is built by the family form builder
(`surveys.forms.build_survey_form`) from a transient, in-memory survey, and drawn by the
family's field macro, "Other, please specify" box included: the preview is the family's page,
with every page shown one after the other and each follow-up saying when it is shown.
"""

from types import SimpleNamespace

from flask import render_template

from ..i18n import Language, localized
from ..surveys.forms import build_survey_form, field_name, other_field_name
from ..surveys.loader import KINDS
from .document import choices_of, page_numbers, questions

#: Every kind but the heading, which takes no answer and is drawn as a heading.
FAMILY_KINDS = tuple(kind for kind in KINDS if kind != "heading")


def _texts(value, languages) -> dict:
    if isinstance(value, str):
        return {code: value for code in languages}
    return dict(value or {})


def transient_survey(document, language: Language):
    """The draft as an object with the attributes the family form builder reads."""
    languages = list(document.get("languages") or [])
    working = document.get("default_language") or (languages[0] if languages else "en")
    items = []
    for question in questions(document):
        options = [
            SimpleNamespace(value=str(o.get("value")), text=_texts(o.get("text"), languages))
            for o in choices_of(document, question)
        ]
        if question.get("kind") == "yesno":
            # As on import: the values are fixed and the words are Engage's own, in every
            # language (surveys.forms.option_label).
            options = [SimpleNamespace(value=v, text={}) for v in ("yes", "no")]
        # "Other, please specify" is added by the family form builder itself (allow_other).
        items.append(
            SimpleNamespace(
                key=str(question.get("key")),
                kind=str(question.get("kind")),
                required=bool(question.get("required")),
                demographic=bool(question.get("demographic")),
                maps_to=question.get("maps_to"),
                text=_texts(question.get("text"), languages),
                help=_texts(question.get("help"), languages),
                section=_texts(question.get("section"), languages),
                options=options,
                statements=[
                    SimpleNamespace(
                        value=str(s.get("value")), text=_texts(s.get("text"), languages)
                    )
                    for s in question.get("statements") or []
                ],
                max_choices=question.get("max_choices"),
                max_length=question.get("max_length"),
                min_value=question.get("min_value"),
                max_value=question.get("max_value"),
                allow_other=bool(question.get("allow_other")),
                show_if=question.get("show_if"),
                may_be_shared=False,
            )
        )
    return SimpleNamespace(
        slug=document.get("slug"),
        default_language=working,
        languages=languages,
        title=_texts(document.get("title"), languages),
        intro=_texts(document.get("intro"), languages),
        questions=items,
    )


def render(document, language: Language) -> str:
    """The preview page's HTML (call inside `i18n.speaking(language.code)`)."""
    survey = transient_survey(document, language)
    family = SimpleNamespace(
        default_language=survey.default_language,
        questions=[q for q in survey.questions if q.kind in FAMILY_KINDS],
    )
    form = build_survey_form(family, language, None)
    by_key = {q.key: q for q in survey.questions}
    rows = []
    for question, page in zip(survey.questions, page_numbers(questions(document)), strict=True):
        field = form[field_name(question)] if question.kind in FAMILY_KINDS else None
        other = form[other_field_name(question)] if field and question.allow_other else None
        condition = None
        if question.show_if and question.show_if.get("question") in by_key:
            target = by_key[question.show_if["question"]]
            condition = localized(target.text, language, survey.default_language)[0]
        rows.append((question, page, field, other, condition))
    return render_template(
        "editor/preview_frame.html",
        survey=survey,
        rows=rows,
        language=language,
        text=lambda value: localized(value, language, survey.default_language)[0],
    )
