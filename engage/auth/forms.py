"""Staff forms: sign-in, password, preferences, and the admin's staff screens."""

from flask import request
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectField, SelectMultipleField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Email, EqualTo, InputRequired, Length
from wtforms.widgets import CheckboxInput, ListWidget

from .models import Role
from .services import MIN_PASSWORD_LENGTH

ROLE_CHOICES = [
    SelectChoice(Role.FACILITATOR.value, _l("Facilitator (district leader)")),
    SelectChoice(Role.BOARD.value, _l("Board member")),
    SelectChoice(Role.ADMIN.value, _l("Administrator")),
    SelectChoice(Role.TRANSLATOR.value, _l("Translator (interpreter or community liaison)")),
]


def language_choices():
    from ..i18n import offered_languages

    return [SelectChoice(lang.code, lang.name) for lang in offered_languages()]


class SignInForm(FlaskForm):
    email = EmailField(
        _l("Email"), [InputRequired(_l("Please enter your email.")), Length(max=254)]
    )
    password = PasswordField(
        _l("Password"), [InputRequired(_l("Please enter your password.")), Length(max=1000)]
    )


class PageSectionForm(FlaskForm):
    """One of several forms on a page; its submit button is named `<prefix>submit`."""

    def submit_pressed(self) -> bool:
        return request.method == "POST" and f"{self._prefix}submit" in request.form


class NewPasswordForm(PageSectionForm):
    password = PasswordField(
        _l("New password"),
        [
            InputRequired(_l("Please enter a password.")),
            Length(
                min=MIN_PASSWORD_LENGTH,
                max=1000,
                message=_l("Passwords need at least 12 characters."),
            ),
        ],
    )
    confirm = PasswordField(
        _l("New password again"),
        [EqualTo("password", message=_l("The two passwords are not the same."))],
    )


class ChangePasswordForm(NewPasswordForm):
    current = PasswordField(_l("Current password"), [InputRequired(_l("Please enter a password."))])


class PreferencesForm(PageSectionForm):
    language = SelectField(_l("Interface language"), validate_choice=True)
    translations_beside = BooleanField(
        _l("Show translations beside the original (otherwise one click away)")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.language.choices = language_choices()


class InviteForm(FlaskForm):
    email = EmailField(
        _l("Email"),
        [
            InputRequired(_l("Please enter an email.")),
            Email(_l("Please enter a valid email.")),
            Length(max=254),
        ],
    )
    role = SelectField(_l("Role"), choices=ROLE_CHOICES)
    language = SelectField(_l("Interface language"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.language.choices = language_choices()


class ChangeRoleForm(FlaskForm):
    role = SelectField(_l("Role"), choices=ROLE_CHOICES)


class ReadsLanguagesForm(FlaskForm):
    """The languages a translator works from; none ticked means every language."""

    languages = SelectMultipleField(
        _l("Languages they translate from"),
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.languages.choices = language_choices()
