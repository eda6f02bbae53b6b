"""Forms of the theme review screens."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, SelectField, StringField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from ..ids import db_id
from ..surveys.forms import CheckboxesField


class StartRunForm(FlaskForm):
    questions = CheckboxesField(_l("Open questions to include"), coerce=db_id, validate_choice=True)
    languages = CheckboxesField(_l("Languages (none chosen: all)"), validate_choice=True)
    include_forum = BooleanField(_l("Include visible forum posts"), default=True)
    n_themes = IntegerField(
        _l("Number of themes (leave empty to let the engine choose)"),
        validators=[Optional(), NumberRange(min=2, max=40)],
    )


class RenameForm(FlaskForm):
    label = StringField(
        _l("Name"), validators=[InputRequired(_l("A theme needs a name.")), Length(max=200)]
    )
    language = SelectField(_l("Language of this name"), validate_choice=True)


class MergeForm(FlaskForm):
    others = CheckboxesField(
        _l("Themes to merge into this one"), coerce=db_id, validate_choice=True
    )


class SplitForm(FlaskForm):
    members = CheckboxesField(_l("Answers to move to a new theme"), validate_choice=False)
    label = StringField(_l("Name of the new theme"), validators=[Length(max=200)])


class MoveForm(FlaskForm):
    target = SelectField(_l("Move to theme"), coerce=db_id, validate_choice=True)
