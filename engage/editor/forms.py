"""The editor's forms. Each edit form carries the draft revision it was opened at, so a save
over someone else's newer save is caught. No field sets `required` or `maxlength`: the server
explains in the person's language and keeps what they typed."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    HiddenField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from .document import QuestionInput

KIND_NAMES = {
    "single": _l("One choice"),
    "multiple": _l("Several choices"),
    "likert": _l("Agreement scale"),
    "rank": _l("Ranking"),
    "open": _l("Written answer"),
    "grid": _l("Grid of statements on one scale"),
    "number": _l("Number"),
    "yesno": _l("Yes or no"),
    "dropdown": _l("Drop-down list"),
    "heading": _l("Section heading with text"),
}
MAPS_TO_NAMES = {
    "": _l("No"),
    "role": _l("Role (families, students, staff...)"),
    "school": _l("School"),
    "home_language": _l("Home language"),
}


class WholeNumber:
    """An optional whole number typed as text; `field.number` holds it (None when empty)."""

    def __call__(self, form, field):
        text = (field.data or "").strip()
        field.number = None
        if not text:
            return
        try:
            field.number = int(text.replace(",", "").replace(" ", ""))
        except ValueError as error:
            raise ValidationError(_l("Write a whole number, such as 12.")) from error
        if abs(field.number) > 10**9:
            field.number = None
            raise ValidationError(_l("Write a whole number, such as 12."))


class RevisionForm(FlaskForm):
    revision = HiddenField()

    def revision_number(self) -> int:
        try:
            return int(self.revision.data or 0)
        except ValueError:
            return 0


class NewDraftForm(FlaskForm):
    slug = StringField(_l("Address name (small letters, digits and hyphens)"))
    title = StringField(_l("Title, in the working language"))
    starter = SelectField(_l("Start from"))


class ImportForm(RevisionForm):
    file = FileField(_l("Survey file (.toml)"))


class SettingsForm(RevisionForm):
    title = StringField(_l("Title"))
    intro = TextAreaField(_l("Introduction"))
    next_steps = TextAreaField(_l("What happens next (shown after sending)"))


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class QuestionForm(RevisionForm):
    key = StringField(_l("Code (letters, digits, _ and -; kept across versions)"))
    text = TextAreaField(_l("Question"))
    help = TextAreaField(_l("Help text (optional)"))
    section = StringField(_l("Section heading above it (optional)"))
    required = BooleanField(_l("An answer is required"))
    demographic = BooleanField(_l("About the person (demographic, always optional)"))
    maps_to = SelectField(
        _l("Feeds the dashboard as"),
        choices=[SelectChoice(value, label) for value, label in MAPS_TO_NAMES.items()],
        validate_choice=False,
    )
    options_from = SelectField(_l("Choices come from"), validate_choice=False)
    options = TextAreaField(_l("Choices, one a line: code | text"))
    statements = TextAreaField(_l("Statements, one a line: code | text"))
    allow_other = BooleanField(_l("Add “Other, please specify” with a text box"))
    max_choices = StringField(
        _l("Most choices a person may pick (or places to rank)"), validators=[WholeNumber()]
    )
    max_length = StringField(_l("Longest answer, in characters"), validators=[WholeNumber()])
    min_value = StringField(_l("Smallest number accepted"), validators=[WholeNumber()])
    max_value = StringField(_l("Largest number accepted"), validators=[WholeNumber()])
    new_page = BooleanField(_l("Starts a new page"))
    show_if = CheckboxesField(_l("Show only to people who answered"), validate_choice=False)

    def question_input(self, kind: str) -> QuestionInput:
        return QuestionInput(
            kind=kind,
            key=self.key.data or "",
            text=self.text.data or "",
            help=self.help.data or "",
            section=self.section.data or "",
            required=bool(self.required.data),
            demographic=bool(self.demographic.data),
            maps_to=self.maps_to.data or "",
            options=self.options.data or "",
            options_from=self.options_from.data or "",
            statements=self.statements.data or "",
            allow_other=bool(self.allow_other.data),
            max_choices=getattr(self.max_choices, "number", None),
            max_length=getattr(self.max_length, "number", None),
            min_value=getattr(self.min_value, "number", None),
            max_value=getattr(self.max_value, "number", None),
            new_page=bool(self.new_page.data),
            show_if=tuple(self.show_if.data or ()),
        )


class OpenForm(RevisionForm):
    without = CheckboxesField(validate_choice=False)
