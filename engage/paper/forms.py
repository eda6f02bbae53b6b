"""Forms of the paper desk: a new batch, a batch code to type in, and the entry form that
follows the paper's order, one text box per question, taking the numbers printed on the sheet.

No field sets the HTML `required`, `min` or `max` attribute: the server checks and explains
beside the field, and the browser never blocks a submit in the middle of a stack.
"""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField, SelectField, StringField
from wtforms.validators import InputRequired, NumberRange, ValidationError

from ..ids import db_id
from ..text import clean_text
from . import services


def _clean_line(value):
    return clean_text(value, multiline=False) if isinstance(value, str) else value


class BatchForm(FlaskForm):
    """A new batch: which survey, which language, where it is handed out, how many sheets."""

    survey_id = SelectField(_l("Survey"), coerce=db_id)
    language = SelectField(_l("Language of the sheets"))
    place = StringField(
        _l("Where the sheets are handed out"),
        description=_l("For example “Lincoln Elementary pickup” or “Laundromat on 5th”."),
        filters=[_clean_line],
        validators=[InputRequired(_l("Please write where the sheets are handed out."))],
    )
    sheets = IntegerField(
        _l("Number of sheets to print"),
        default=30,
        validators=[
            InputRequired(_l("Please give the number of sheets, such as 30.")),
            NumberRange(
                1,
                services.MAX_SHEETS,
                _l("A batch has between %(min)s and %(max)s sheets."),
            ),
        ],
    )

    def validate_place(self, field):
        if len(field.data or "") > services.MAX_PLACE_LENGTH:
            raise ValidationError(
                _l(
                    "Please keep the place to %(num)s characters or fewer.",
                    num=services.MAX_PLACE_LENGTH,
                )
            )


class BatchCodeForm(FlaskForm):
    """The code printed at the top of the sheets (GET, so no CSRF token)."""

    class Meta:
        csrf = False

    batch = StringField(
        _l("Batch code"),
        description=_l("The four characters before the dash in the sheet code, such as K7QM."),
        validators=[InputRequired(_l("Please type the batch code printed on the sheets."))],
    )

    def validate_batch(self, field):
        self.found = services.find_batch(field.data)
        if self.found is None:
            raise ValidationError(
                _l(
                    "No batch has this code. Check the four characters printed at the top "
                    "of the sheet (there is no letter O, I or L in a code)."
                )
            )


class PaperEntryForm(FlaskForm):
    """Base class; `build_entry_form` adds one text box per question, named `q_<key>`."""

    submission_token = HiddenField()
    sheet = StringField(_l("Sheet number"))


class SheetNumber:
    """The sheet number as printed (``7``, ``07`` or the whole code ``K7QM-07``), a sheet of
    this batch, not typed in before. Leaves the number in `field.number`."""

    def __init__(self, batch):
        self.batch = batch

    def __call__(self, form, field):
        typed = (field.data or "").strip()
        if not typed:
            raise ValidationError(_l("Please type the sheet number printed at the top."))
        number = _sheet_number(self.batch, typed)
        if number is None:
            raise ValidationError(
                _l(
                    "Type the sheet number printed at the top, such as 7 or %(code)s.",
                    code=services.sheet_code(self.batch, 7),
                )
            )
        if number < 0:
            raise ValidationError(
                _l(
                    "This sheet belongs to another batch: this screen types in batch %(code)s.",
                    code=self.batch.code,
                )
            )
        if not 1 <= number <= self.batch.sheets:
            raise ValidationError(
                _l(
                    "Batch %(code)s has sheets 1 to %(num)s: no sheet %(typed)s was printed.",
                    code=self.batch.code,
                    num=self.batch.sheets,
                    typed=number,
                )
            )
        code = services.sheet_code(self.batch, number)
        if services.sheet_is_entered(code):
            raise ValidationError(
                _l("Sheet %(code)s is already entered: it was typed in before.", code=code)
            )
        field.number = number


def _sheet_number(batch, typed: str) -> int | None:
    """The sheet number in `typed`; -1 for a sheet code of another batch; None if unreadable."""
    if typed.isdecimal() and len(typed) <= 3:
        return int(typed)
    match = services.SHEET_CODE.match(typed)
    if match is None or match.group(2) is None:
        return None
    if match.group(1).upper() != batch.code:
        return -1
    return int(match.group(2))


class TypedAnswer:
    """What was typed must be an answer the printed question allows; the answer to store is
    left in `field.answer`."""

    def __init__(self, paper_question):
        self.paper_question = paper_question

    def __call__(self, form, field):
        try:
            field.answer = services.read_typed_answer(self.paper_question, field.data)
        except services.PaperEntryError as error:
            field.answer = None
            raise ValidationError(str(error.args[0])) from None


def field_name(paper_question) -> str:
    return f"q_{paper_question.question.key}"


def build_entry_form(batch, paper_questions, label_for, formdata=None) -> PaperEntryForm:
    """The entry form for `batch`: the sheet number, then one box per printed question.

    `label_for(paper_question)` gives a question's label in the staff member's language."""
    attributes = {
        field_name(pq): StringField(label_for(pq), validators=[TypedAnswer(pq)])
        for pq in paper_questions
    }
    form_class = type("BuiltPaperEntryForm", (PaperEntryForm,), attributes)
    form = form_class(formdata=formdata)
    form.sheet.validators = [SheetNumber(batch)]
    return form


def typed_answers(form: PaperEntryForm, paper_questions) -> dict[str, object]:
    """Question key -> answer for `services.enter_sheet` (after `form.validate()`)."""
    return {
        pq.question.key: getattr(form[field_name(pq)], "answer", None) for pq in paper_questions
    }
