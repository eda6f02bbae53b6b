"""Staff sign-in form."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField
from wtforms.validators import InputRequired, Length


class SignInForm(FlaskForm):
    email = EmailField(_l("Email"), [InputRequired(_l("Please enter your email.")), Length(max=254)])
    password = PasswordField(
        _l("Password"), [InputRequired(_l("Please enter your password.")), Length(max=1000)]
    )
