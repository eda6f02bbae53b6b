"""Forum forms: a post or reply, a report, the staff thread editor, hiding a post, and rating
other people's answers. Labels use lazy gettext; no field sets HTML `required` or `maxlength`,
so what a person typed always reaches the server, which keeps it and explains any problem."""

import re

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, StopValidation, ValidationError

from ..i18n import Language
from ..ids import db_id
from . import services, text
from .models import Moderation, ReportReason, ThreadStatus

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


class SafeBody:
    """The forum's rules for a post body (length, links), with the service's messages."""

    def __call__(self, form, field):
        problem = services.body_problem(field.data)
        if problem:
            raise ValidationError(problem)


class ShortText:
    def __init__(self, limit: int):
        self.limit = limit

    def __call__(self, form, field):
        if len(field.data or "") > self.limit:
            raise ValidationError(_l("This is too long. Please shorten it."))


class PostForm(FlaskForm):
    body = TextAreaField(
        _l("Your post"),
        [SafeBody()],
        description=_l(
            "Write in any language. Line breaks are kept; at most 3 links. "
            "Please do not include anyone's personal details."
        ),
        render_kw={"rows": 6},
    )
    language = SelectField(_l("Language you are writing in"))
    display_name = StringField(
        _l("Name to show (optional)"),
        [ShortText(60)],
        description=_l("Leave empty to post anonymously."),
    )
    parent_id = HiddenField()

    def set_languages(self, languages: list[Language], current: str) -> None:
        self.language.choices = [SelectChoice(lang.code, lang.name) for lang in languages]
        if self.language.data not in {lang.code for lang in languages}:
            self.language.data = current


REPORT_REASONS = [
    SelectChoice(ReportReason.SPAM.value, _l("Spam or advertising")),
    SelectChoice(ReportReason.OFFENSIVE.value, _l("Offensive or hurtful")),
    SelectChoice(ReportReason.PERSONAL.value, _l("Shares someone's personal details")),
    SelectChoice(ReportReason.OFF_TOPIC.value, _l("Not about this conversation")),
    SelectChoice(ReportReason.OTHER.value, _l("Something else")),
]


class ReportForm(FlaskForm):
    reason = SelectField(
        _l("Why should a moderator look at this post?"),
        [InputRequired(_l("Please choose a reason."))],
        choices=REPORT_REASONS,
    )
    details = TextAreaField(_l("Anything else we should know? (optional)"), [ShortText(500)])


class Meaningful:
    """Something is left once invisible and control characters are removed."""

    def __init__(self, message):
        self.message = message

    def __call__(self, form, field):
        if not text.clean_text(field.data, multiline=False):
            raise StopValidation(self.message)


class HideForm(FlaskForm):
    reason = StringField(
        _l("Reason shown to readers"),
        [Meaningful(_l("Please give a reason; readers will see it.")), ShortText(300)],
    )


class ActionForm(FlaskForm):
    """A button with nothing to fill in (approve, restore): the CSRF token only."""


THREAD_STATUSES = [
    SelectChoice(ThreadStatus.OPEN.value, _l("Open: people can post")),
    SelectChoice(ThreadStatus.CLOSED.value, _l("Closed: read only")),
]
MODERATIONS = [
    SelectChoice(Moderation.POST.value, _l("Posts appear at once; reported posts are reviewed")),
    SelectChoice(Moderation.PRE.value, _l("Posts wait for approval before anyone sees them")),
]


class ThreadForm(FlaskForm):
    """Base class; `build_thread_form` adds one prompt field per offered language."""

    engagement_id = SelectField(_l("Engagement"), coerce=db_id)
    slug = StringField(
        _l("Web address"),
        description=_l("Lower-case letters, digits and hyphens, e.g. successful-graduate."),
    )
    status = SelectField(_l("Status"), choices=THREAD_STATUSES)
    moderation = SelectField(_l("Moderation"), choices=MODERATIONS)

    def validate_slug(self, field):
        field.data = (field.data or "").strip().lower()
        if not SLUG.match(field.data) or len(field.data) > 80:
            raise ValidationError(
                _l("Please use lower-case letters, digits and hyphens (up to 80).")
            )


def prompt_field_name(code: str) -> str:
    return "prompt_" + code.replace("-", "_")


def build_thread_form(languages: list[Language], default_language: str, formdata=None, **data):
    """A thread form with a prompt field per language; the default language's is required."""
    attributes = {}
    for lang in languages:
        validators = [ShortText(1000)]
        if lang.code == default_language:
            validators.insert(
                0, InputRequired(_l("Please write the prompt in the default language."))
            )
        attributes[prompt_field_name(lang.code)] = TextAreaField(
            lang.name, validators, render_kw={"rows": 3, "lang": lang.code, "dir": "auto"}
        )
    form_class = type("BuiltThreadForm", (ThreadForm,), attributes)
    return form_class(formdata=formdata, data=data)


RATING_CHOICES = [
    SelectChoice("1", _l("I agree")),
    SelectChoice("0", _l("Not sure")),
    SelectChoice("-1", _l("I disagree")),
]


def build_rating_form(answer_ids: list[int], formdata=None):
    """One optional choice per answer, named `answer_<id>`, and the ids in a hidden field."""
    attributes = {
        f"answer_{answer_id}": RadioField(
            _l("How much do you agree?"), choices=RATING_CHOICES, validate_choice=False
        )
        for answer_id in answer_ids
    }
    attributes["answer_ids"] = HiddenField()
    form_class = type("RatingForm", (FlaskForm,), attributes)
    form = form_class(formdata=formdata)
    if formdata is None:
        form.answer_ids.data = ",".join(str(i) for i in answer_ids)
    return form
