"""The answering form, built from a survey's questions (once per cached version and language).

Every error message goes through gettext so it reaches the family in their language, and no
field sets the HTML `required` or `maxlength` attribute: the browser would then block or cut
what was typed in its own language, where the server keeps it and explains.
"""

import re
import unicodedata

from flask_babel import format_number, gettext, ngettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    Field,
    HiddenField,
    RadioField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.utils import unset_value
from wtforms.validators import StopValidation, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from ..i18n import Language, localized
from ..text import clean_text
from .flow import other_key, page_of, visible_keys
from .loader import OTHER_VALUE
from .models import Question, QuestionKind

#: What an "Other, please specify" box keeps when the file sets no `max_length`.
DEFAULT_OTHER_LENGTH = 500


class AnswerRequired:
    """Stops with a message when a required question has no real answer: nothing, blanks, an
    empty option value, or (for a choice) only values that are not among its options."""

    def __init__(self):
        self.field_flags = {"answer_required": True}

    def __call__(self, form, field):
        data = field.data
        if isinstance(data, dict):  # a grid: every statement needs an answer
            data = list(data.values()) if all(data.values()) else []
        data = data if isinstance(data, list) else [data]
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
        data = field.data
        if isinstance(data, dict):
            data = list(data.values())
        data = data if isinstance(data, list) else [data]
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


class GridField(Field):
    """A likert grid without JavaScript: one radio group per statement, named `<name>-<row>`
    (rows from 1). `data` maps each statement's value to the chosen option ("" if none);
    `raw_data` keeps each row as sent so the form can be refilled."""

    def __init__(self, label=None, validators=None, statements=(), choices=(), **kwargs):
        super().__init__(label, validators, **kwargs)
        self.statements = list(statements)  # [(value, text)]
        self.choices = list(choices)

    def process(self, formdata, data=unset_value, extra_filters=None):
        self.process_errors = []
        self.raw_data = [""] * len(self.statements)
        if formdata is not None:
            self.raw_data = [
                formdata.get(self.row_name(row), "") for row in range(1, len(self.statements) + 1)
            ]
        self.data = {
            value: chosen
            for (value, _text), chosen in zip(self.statements, self.raw_data, strict=True)
        }

    def row_name(self, row: int) -> str:
        return f"{self.name}-{row}"

    def selected(self, row: int) -> str:
        return self.raw_data[row - 1]


class WholeNumberField(Field):
    """A number typed as text (the page uses inputmode, not type=number, so what was typed in
    any script comes back as typed). `data` is the int, or None; `typed` the text."""

    def process_formdata(self, valuelist):
        self.typed = clean_text(valuelist[0], multiline=False) if valuelist else ""
        self.data = None
        digits = _western_digits(self.typed).replace(" ", "")
        if re.fullmatch(r"[-+−]?\d{1,12}", digits):
            self.data = int(digits.replace("−", "-"))

    def process(self, formdata, data=unset_value, extra_filters=None):
        self.typed = ""
        super().process(formdata, data, extra_filters)


def _western_digits(text: str) -> str:
    """Arabic-Indic and other Unicode decimal digits as 0-9, so "٤٢" reads as 42."""
    return "".join(str(unicodedata.digit(ch)) if ch.isdecimal() else ch for ch in text)


class NumberCheck:
    """The typed number: a whole number, within the question's range, given when required."""

    def __init__(self, minimum, maximum, required):
        self.minimum, self.maximum, self.required = minimum, maximum, required

    def __call__(self, form, field):
        if not field.typed:
            if self.required:
                raise StopValidation(_l("Please answer this question."))
            return
        if field.data is None:
            raise StopValidation(_l("Please write a whole number, using digits, such as 12."))
        low, high = self.minimum, self.maximum
        if (low is not None and field.data < low) or (high is not None and field.data > high):
            if low is not None and high is not None:
                message = gettext(
                    "Please write a number from %(min)s to %(max)s.",
                    min=format_number(low),
                    max=format_number(high),
                )
            elif low is not None:
                message = gettext(
                    "Please write a number of at least %(min)s.", min=format_number(low)
                )
            else:
                message = gettext(
                    "Please write a number of at most %(max)s.", max=format_number(high)
                )
            raise StopValidation(message)


class OtherChoiceMixin:
    """A choice with "Other, please specify": text typed in the box with no answer chosen
    chooses "Other" (the person plainly meant it), so what they wrote is kept."""

    multiple = False

    def __init__(self, *args, other_name: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.other_name = other_name

    def process(self, formdata, data=unset_value, extra_filters=None):
        super().process(formdata, data, extra_filters)
        typed = clean_text((formdata or {}).get(self.other_name, "") or "") if formdata else ""
        if not typed:
            return
        if self.multiple:
            if OTHER_VALUE not in (self.data or []):
                self.data = list(self.data or []) + [OTHER_VALUE]
        elif not self.data:
            self.data = OTHER_VALUE


class OtherRadioField(OtherChoiceMixin, RadioField):
    pass


class OtherCheckboxesField(OtherChoiceMixin, SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()
    multiple = True


class OtherExplained:
    """ "Other" chosen needs its text; text beside "Other" with another answer chosen is
    pointed out rather than dropped."""

    def __init__(self, other_name: str):
        self.other_name = other_name

    def __call__(self, form, field):
        text = (form[self.other_name].data or "").strip()
        chosen = field.data if isinstance(field.data, list) else [field.data]
        if OTHER_VALUE in chosen and not text:
            raise ValidationError(_l("You chose “Other”: please write your answer in the box."))
        if text and OTHER_VALUE not in chosen:
            raise ValidationError(
                _l(
                    "You wrote an answer beside “Other” but chose another answer. Choose "
                    "“Other”, or clear the box: your text is still here."
                )
            )


class SurveyForm(FlaskForm):
    """Base class; `build_survey_form` adds one field per question, named `q_<key>`."""

    #: Labelled (never shown) so building the form needs no WTForms catalog.
    submission_token = HiddenField("")


def field_name(question: Question) -> str:
    return f"q_{question.key}"


def share_field_name(question: Question) -> str:
    return f"share_{question.key}"


def other_field_name(question) -> str:
    return f"other_{question.key}"


def input_names(question) -> list[str]:
    """Every form input a question's answer is sent in (to carry it across pages)."""
    name = field_name(question)
    kind = question.kind
    if kind == QuestionKind.HEADING:
        return []
    if kind == QuestionKind.RANK:
        names = [f"{name}-{place}" for place in range(1, (question.max_choices or 3) + 1)]
    elif kind == QuestionKind.GRID:
        names = [f"{name}-{row}" for row in range(1, len(question.statements) + 1)]
    else:
        names = [name]
    if question.allow_other:
        names.append(other_field_name(question))
    if kind == QuestionKind.OPEN:
        names.append(share_field_name(question))
    return names


def yes_no_label(value: str) -> str:
    return gettext("Yes") if value == "yes" else gettext("No")


def option_label(question, option, language, default_language) -> str:
    """An option's text for the reader: "Yes"/"No" are Engage's own words (the file has none)."""
    if question.kind == QuestionKind.YESNO:
        return yes_no_label(option.value)
    return localized(option.text, language, default_language)[0]


def answer_labels(question, language, default_language) -> dict[str, str]:
    """Option value -> text in the reader's language, with "Other" when the question has it."""
    labels = {
        option.value: option_label(question, option, language, default_language)
        for option in question.options
    }
    if question.allow_other:
        labels[OTHER_VALUE] = gettext("Other")
    return labels


def _clean(value):
    return clean_text(value) if isinstance(value, str) else value


def _clean_line(value):
    return clean_text(value, multiline=False) if isinstance(value, str) else value


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
        kind = question.kind
        if kind == QuestionKind.HEADING:
            continue  # a heading takes no answer: the page draws it from the question
        required = question.required and not question.demographic
        validators = [AnswerRequired()] if required else []
        label = text(question.text)
        description = text(question.help)
        choices = [
            SelectChoice(
                option.value,
                yes_no_label(option.value)
                if kind == QuestionKind.YESNO
                else localized(option.text, language, survey.default_language)[0],
            )
            for option in question.options
        ]
        other = []
        if question.allow_other:
            choices.append(SelectChoice(OTHER_VALUE, gettext("Other, please specify")))
            other = [OtherExplained(other_field_name(question))]
            attributes[other_field_name(question)] = StringField(
                gettext("Other, please specify"),
                [TextLength(question.max_length or DEFAULT_OTHER_LENGTH)],
                filters=[_clean_line],
            )
        if kind in (
            QuestionKind.SINGLE,
            QuestionKind.LIKERT,
            QuestionKind.YESNO,
            QuestionKind.DROPDOWN,
        ):
            extra = {"other_name": other_field_name(question)} if question.allow_other else {}
            field_class = OtherRadioField if question.allow_other else RadioField
            field = field_class(
                label,
                validators + [OnTheList()] + other,
                choices=choices,
                validate_choice=False,
                description=description,
                **extra,
            )
        elif kind == QuestionKind.MULTIPLE:
            limits = [AtMost(question.max_choices)] if question.max_choices else []
            extra = {"other_name": other_field_name(question)} if question.allow_other else {}
            field_class = OtherCheckboxesField if question.allow_other else CheckboxesField
            field = field_class(
                label,
                validators + [OnTheList()] + limits + other,
                choices=choices,
                validate_choice=False,
                description=description,
                **extra,
            )
        elif kind == QuestionKind.GRID:
            field = GridField(
                label,
                validators + [OnTheList()],
                statements=[(row.value, text(row.text)) for row in question.statements],
                choices=choices,
                description=description,
            )
        elif kind == QuestionKind.NUMBER:
            field = WholeNumberField(
                label,
                [NumberCheck(question.min_value, question.max_value, required)],
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
    """Question key -> cleaned value, ready for `services.submit_response`; what was written
    beside "Other" under `flow.other_key(key)`."""
    answers = {}
    for question in survey.questions:
        if question.kind == QuestionKind.HEADING:
            continue
        data = form[field_name(question)].data
        if isinstance(data, str):
            data = data.strip()
        answers[question.key] = data
        if question.allow_other:
            answers[other_key(question.key)] = (form[other_field_name(question)].data or "").strip()
    return answers


def validate_answers(survey, form: SurveyForm, keys=None) -> bool:
    """Check the form's own fields and the answers to the questions in `keys` (every
    question when None) that are shown: a follow-up whose condition is not met is skipped.
    Errors are left on the fields, as `form.validate()` leaves them."""
    owned = {}
    for question in survey.questions:
        for name in input_names(question) + [field_name(question)]:
            owned[name] = question.key
    shown = visible_keys(survey.questions, cleaned_answers(survey, form))
    wanted = shown if keys is None else shown & set(keys)
    valid = True
    for name, field in form._fields.items():
        if name in owned and owned[name] not in wanted:
            field.errors = []
            continue
        if not field.validate(form):
            valid = False
    return valid


def questions_on_page(survey, page: int) -> list:
    return [
        q
        for q, number in zip(survey.questions, page_of(survey.questions), strict=True)
        if number == page
    ]


def shared_questions(survey, form: SurveyForm) -> set[str]:
    """Keys of the open questions whose answer the person allowed others to read and rate."""
    return {
        question.key
        for question in survey.questions
        if share_field_name(question) in form and form[share_field_name(question)].data
    }
