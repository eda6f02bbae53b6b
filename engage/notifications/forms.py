"""The notification settings form."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm

from ..surveys.forms import CheckboxesField


class NotificationsForm(FlaskForm):
    events = CheckboxesField(_l("Email me when"), validate_choice=True)
