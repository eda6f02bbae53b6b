"""The translator's form: the translation and the language it is written in."""

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, TextAreaField
from wtforms.validators import InputRequired, Length, ValidationError


class TranslationForm(FlaskForm):
    text = TextAreaField(_l("Translation"), [InputRequired(_l("Please write the translation."))])
    language = SelectField(_l("Written in"), validate_choice=True)

    def __init__(self, *args, languages=(), **kwargs):
        super().__init__(*args, **kwargs)
        from ..i18n import KNOWN_LANGUAGES

        self.language.choices = [
            (code, KNOWN_LANGUAGES[code].name if code in KNOWN_LANGUAGES else code)
            for code in languages
        ]

    def validate_text(self, field):
        limit = current_app.config["TRANSLATION_MAX_LENGTH"]
        if not (field.data or "").strip():
            raise ValidationError(_l("Please write the translation."))
        Length(
            max=limit,
            message=_l("A translation can be at most %(max)d characters.", max=limit),
        )(self, field)
