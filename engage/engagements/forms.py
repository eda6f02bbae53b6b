"""The engagement form: a name and description per offered language, dates and status."""

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional

from ..i18n import KNOWN_LANGUAGES
from .models import EngagementStatus

STATUS_LABELS = {
    EngagementStatus.DRAFT: _l("Draft (not yet public)"),
    EngagementStatus.OPEN: _l("Open (taking answers)"),
}


def field_key(code: str) -> str:
    return code.replace("-", "_")


class EngagementForm(FlaskForm):
    slug = StringField(_l("Address name (leave empty to make it from the name)"))
    working_language = SelectField(_l("Working language"))
    opens_on = DateField(_l("Opening date"), validators=[Optional()])
    closes_on = DateField(_l("Closing date"), validators=[Optional()])
    status = SelectField(
        _l("Status"),
        choices=[SelectChoice(status.value, label) for status, label in STATUS_LABELS.items()],
    )

    def texts(self, prefix: str) -> dict[str, str]:
        return {
            code: self[f"{prefix}_{field_key(code)}"].data or ""
            for code in current_app.config["LANGUAGES"]
        }

    def language_rows(self):
        """(language, name field, description field) for each offered language, the working
        language first: it is the one that must be filled in."""
        codes = list(current_app.config["LANGUAGES"])
        working = self.working_language.data
        if working in codes:
            codes.remove(working)
            codes.insert(0, working)
        return [
            (
                KNOWN_LANGUAGES[code],
                self[f"name_{field_key(code)}"],
                self[f"description_{field_key(code)}"],
            )
            for code in codes
        ]


def engagement_form(engagement=None, **kwargs) -> EngagementForm:
    """The form with one name and one description field per offered language."""
    languages = current_app.config["LANGUAGES"]

    class Form(EngagementForm):
        pass

    for code in languages:
        setattr(Form, f"name_{field_key(code)}", StringField(_l("Name")))
        setattr(Form, f"description_{field_key(code)}", TextAreaField(_l("Description")))
    form = Form(**kwargs)
    form.working_language.choices = [
        SelectChoice(code, KNOWN_LANGUAGES[code].name) for code in languages
    ]
    if engagement is not None and not form.is_submitted():
        form.slug.data = engagement.slug
        form.working_language.data = engagement.default_language
        form.status.data = str(engagement.status)
        form.opens_on.data = engagement.opens_at.date() if engagement.opens_at else None
        form.closes_on.data = engagement.closes_at.date() if engagement.closes_at else None
        for code in languages:
            form[f"name_{field_key(code)}"].data = (engagement.name or {}).get(code, "")
            form[f"description_{field_key(code)}"].data = (engagement.description or {}).get(
                code, ""
            )
    return form


class GroupForm(FlaskForm):
    """A school or group: its code (when adding) and its name in each offered language."""

    code = StringField(_l("Code (leave empty to make it from the name)"))

    def names(self) -> dict[str, str]:
        return {
            code: self[f"name_{field_key(code)}"].data or ""
            for code in current_app.config["LANGUAGES"]
        }

    def name_fields(self):
        """(language, name field) for each offered language."""
        return [
            (KNOWN_LANGUAGES[code], self[f"name_{field_key(code)}"])
            for code in current_app.config["LANGUAGES"]
        ]


def group_form(group=None, prefix: str = "", submitted: bool = False) -> GroupForm:
    """The form with one name field per offered language: what was sent when `submitted`,
    else filled from `group` (or empty). `prefix` keeps the several forms of one page apart."""

    class Form(GroupForm):
        pass

    for code in current_app.config["LANGUAGES"]:
        setattr(Form, f"name_{field_key(code)}", StringField(_l("Name")))
    form = Form(prefix=prefix) if submitted else Form(prefix=prefix, formdata=None)
    if group is not None and not submitted:
        form.code.data = group.code
        for code in current_app.config["LANGUAGES"]:
            form[f"name_{field_key(code)}"].data = (group.name or {}).get(code, "")
    return form
