"""The answering form, built from a survey's questions (once per cached version and language).

Every error message goes through gettext so it reaches the family in their language, and no
field sets the HTML `required` or `maxlength` attribute: the browser would then block or cut
what was typed in its own language, where the server keeps it and explains.
"""

from flask_babel import format_number, gettext, ngettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    Field,
    HiddenField,
    RadioField,
    SelectMultipleField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.utils import unset_value
from wtforms.validators import StopValidation, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from ..i18n import Language, localized
from ..text import clean_text
from .models import Question, QuestionKind


class AnswerRequired:
    """Stops with a message when a required question has no real answer: nothing, blanks, an
    empty option value, or (for a choice) only values that are not among its options."""

    def __init__(self):
        self.field_flags = {"answer_required": True}

    def __call__(self, form, field):
        data = field.data if isinstance(field.data, list) else [field.data]
        given = [value.strip() for value in data if isinstance(value, str) and value.strip()]
        choices = getattr(field, "choices", None)
        if choices is not None:
            allowed = {choice.value for choice in choices}
            given = [value for value in given if value in allowed]
        if not given:
            field.errors[:] = []
            typed = (field.raw_data or [""])[0]
            if isinstance(typed, str) and typed.strip():
                # Only invisible characters: say so, or the person sees text and no answer.
                raise StopValidation(
                    _l(
                        "Your answer has only invisible characters or spaces. "
                        "Please write your answer."
                    )
                )
            raise StopValidation(_l("Please answer this question."))


class OnTheList:
    """Every chosen value must be one of the question's options."""

    def __call__(self, form, field):
        allowed = {choice.value for choice in field.choices}
        data = field.data if isinstance(field.data, list) else [field.data]
        if any(value not in allowed for value in data if value):
            raise ValidationError(_l("Please choose from the answers listed."))


class AtMost:
    def __init__(self, limit: int):
        self.limit = limit

    def __call__(self, form, field):
        if len(field.data or []) > self.limit:
            raise ValidationError(
                ngettext(
                    "Please choose at most %(num)d answer.",
                    "Please choose at most %(num)d answers.",
                    self.limit,
                )
            )


class TextLength:
    def __init__(self, limit: int):
        self.limit = limit

    def __call__(self, form, field):
        length = len(field.data or "")
        if length > self.limit:
            raise ValidationError(
                gettext(
                    "Your answer is %(length)s characters long; the limit is %(limit)s. "
                    "Please shorten it: your text is still here.",
                    length=format_number(length),
                    limit=format_number(self.limit),
                )
            )


class NoDuplicates:
    def __call__(self, form, field):
        chosen = [value for value in field.data if value]
        if len(chosen) != len(set(chosen)):
            raise ValidationError(_l("Each answer can be ranked only once."))


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class RankField(Field):
    """Ranking without JavaScript: one drop-down per place (first choice, second, ...).

    Reads `<name>-1` .. `<name>-N` from the form; `data` is the chosen values in order, with
    empty places left out, and `raw_data` keeps each place as typed so the form can be refilled.
    """

    def __init__(self, label=None, validators=None, places=3, choices=(), **kwargs):
        super().__init__(label, validators, **kwargs)
        self.places = places
        self.choices = list(choices)

    def process(self, formdata, data=unset_value, extra_filters=None):
        self.process_errors = []
        self.raw_data = [""] * self.places
        if formdata is not None:
            self.raw_data = [
                formdata.get(f"{self.name}-{i}", "") for i in range(1, self.places + 1)
            ]
        self.data = [value for value in self.raw_data if value]

    def place_name(self, place: int) -> str:
        return f"{self.name}-{place}"

    def selected(self, place: int) -> str:
        return self.raw_data[place - 1]


class SurveyForm(FlaskForm):
    """Base class; `build_survey_form` adds one field per question, named `q_<key>`."""

    #: Labelled (never shown) so building the form needs no WTForms catalog.
    submission_token = HiddenField("")


def field_name(question: Question) -> str:
    return f"q_{question.key}"


def share_field_name(question: Question) -> str:
    return f"share_{question.key}"


def _clean(value):
    return clean_text(value) if isinstance(value, str) else value


def build_survey_form(
    survey, language: Language, formdata=None, base=None, sharing=False
) -> SurveyForm:
    """A form for `survey` with labels in `language` (falling back to the survey's default).

    `base` is a SurveyForm subclass with extra fields (staff entering a paper answer).
    `sharing` adds, beside each open question others may rate, an unticked box "others may
    read this answer": only the person themself can give that consent, so staff entry has none.
    """

    classes = getattr(survey, "form_classes", None)  # a cached, immutable SurveyVersion
    cache_key = (language.code, bool(sharing), base)
    if classes is not None and cache_key in classes:
        return classes[cache_key](formdata=formdata)

    def text(texts):
        return localized(texts, language, survey.default_language)[0]

    attributes = {}
    for question in survey.questions:
        validators = [AnswerRequired()] if question.required and not question.demographic else []
        label = text(question.text)
        description = text(question.help)
        choices = [SelectChoice(option.value, text(option.text)) for option in question.options]
        kind = question.kind
        if kind in (QuestionKind.SINGLE, QuestionKind.LIKERT):
            field = RadioField(
                label,
                validators + [OnTheList()],
                choices=choices,
                validate_choice=False,
                description=description,
            )
        elif kind == QuestionKind.MULTIPLE:
            limits = [AtMost(question.max_choices)] if question.max_choices else []
            field = CheckboxesField(
                label,
                validators + [OnTheList()] + limits,
                choices=choices,
                validate_choice=False,
                description=description,
            )
        elif kind == QuestionKind.RANK:
            field = RankField(
                label,
                validators + [OnTheList(), NoDuplicates()],
                places=question.max_choices or 3,
                choices=choices,
                description=description,
            )
        else:
            field = TextAreaField(
                label,
                validators + [TextLength(question.max_length or 4000)],
                filters=[_clean],
                description=description,
            )
            if sharing and question.may_be_shared:
                attributes[share_field_name(question)] = BooleanField(
                    _l("Other participants may read this answer, without my name, to rate it.")
                )
        attributes[field_name(question)] = field
    form_class = type("BuiltSurveyForm", (base or SurveyForm,), attributes)
    if classes is not None:
        classes[cache_key] = form_class
    return form_class(formdata=formdata)


def cleaned_answers(survey, form: SurveyForm) -> dict[str, object]:
    """Question key -> cleaned value, ready for `services.submit_response`."""
    answers = {}
    for question in survey.questions:
        data = form[field_name(question)].data
        if isinstance(data, str):
            data = data.strip()
        answers[question.key] = data
    return answers


def shared_questions(survey, form: SurveyForm) -> set[str]:
    """Keys of the open questions whose answer the person allowed others to read and rate."""
    return {
        question.key
        for question in survey.questions
        if share_field_name(question) in form and form[share_field_name(question)].data
    }
