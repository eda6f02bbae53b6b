"""Forms of the leaders' workspace."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import SelectField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length

from ..surveys.forms import SurveyForm
from ..surveys.models import ResponseSource

SOURCE_CHOICES = [
    SelectChoice(ResponseSource.PAPER.value, _l("Paper form")),
    SelectChoice(ResponseSource.PHONE.value, _l("Phone call")),
    SelectChoice(ResponseSource.MEETING.value, _l("Community meeting")),
]


class TargetsForm(FlaskForm):
    csv_text = TextAreaField(_l("Enrollment figures (CSV)"))
    csv_file = FileField(_l("…or upload a CSV file"))


class EnteredResponseForm(SurveyForm):
    """The survey's questions plus where the answers came from."""

    source = SelectField(_l("Where these answers were collected"), choices=SOURCE_CHOICES)
    answered_in = SelectField(
        _l("Language the person answered in"),
        validators=[InputRequired(_l("Please choose a language."))],
    )


class FullExportForm(FlaskForm):
    """An admin's reason for taking answers out with the people's groups beside them."""

    reason = TextAreaField(
        _l("Why do you need the demographics beside the answers?"),
        validators=[
            DataRequired(
                _l("Please write why you need this export; it is kept in the audit trail.")
            ),
            Length(max=1000),
        ],
    )
