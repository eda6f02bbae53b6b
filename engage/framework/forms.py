"""Forms for drafting, voting and commenting on a framework."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length

from ..ids import db_id
from .models import VoteDecision


class FrameworkForm(FlaskForm):
    title = StringField(
        _l("Title"), [InputRequired(_l("Please give the framework a title.")), Length(max=200)]
    )


def competency_form(languages, formdata=None, competency=None):
    """Name, description and indicators in every offered language."""
    fields = {}
    for lang in languages:
        fields[f"name_{lang.code}"] = StringField(lang.name, [Length(max=200)])
        fields[f"description_{lang.code}"] = TextAreaField(lang.name, [Length(max=5000)])
        fields[f"indicators_{lang.code}"] = TextAreaField(lang.name, [Length(max=5000)])
    form_class = type("CompetencyForm", (FlaskForm,), fields)
    form = form_class(formdata=formdata)
    if competency is not None and formdata is None:
        for lang in languages:
            form[f"name_{lang.code}"].data = competency.name.get(lang.code, "")
            form[f"description_{lang.code}"].data = competency.description.get(lang.code, "")
            form[f"indicators_{lang.code}"].data = "\n".join(
                competency.indicators.get(lang.code, [])
            )
    return form


def competency_texts(form, languages) -> tuple[dict, dict, dict]:
    name = {lang.code: form[f"name_{lang.code}"].data or "" for lang in languages}
    description = {lang.code: form[f"description_{lang.code}"].data or "" for lang in languages}
    indicators = {
        lang.code: (form[f"indicators_{lang.code}"].data or "").splitlines() for lang in languages
    }
    return name, description, indicators


DECISIONS = [
    SelectChoice(VoteDecision.APPROVE.value, _l("Approve")),
    SelectChoice(VoteDecision.REQUEST_CHANGES.value, _l("Request changes")),
    SelectChoice(VoteDecision.ABSTAIN.value, _l("Abstain")),
]


#: Primary keys are 32-bit integers: a larger number in a URL or a form names no record (and
#: PostgreSQL would refuse to compare it with an int4 column).
def record_id(value) -> int | None:
    """A record id chosen in a form, or None if it cannot be one (see engage.ids)."""
    try:
        return db_id(str(value))
    except (TypeError, ValueError):
        return None


COMMENT_LENGTH = Length(max=5000, message=_l("Comments can be at most 5,000 characters."))
#: Shown only when this vote would publish a version not written in every language.
ACCEPT_INCOMPLETE = _l("Publish it although some languages are missing")


class VoteForm(FlaskForm):
    """A board member's own vote."""

    decision = RadioField(
        _l("Your vote"), [InputRequired(_l("Please choose how you vote."))], choices=DECISIONS
    )
    comment = TextAreaField(_l("Comment (optional)"), [COMMENT_LENGTH])
    accept_incomplete = BooleanField(ACCEPT_INCOMPLETE)


class RecordVoteForm(FlaskForm):
    """An admin records a vote a board member cast at a public meeting, naming the member."""

    member = SelectField(
        _l("Board member who voted"),
        [DataRequired(_l("Please choose the board member whose vote you are recording."))],
        coerce=record_id,
        validate_choice=False,  # the service says clearly why a member cannot be recorded
    )
    decision = RadioField(
        _l("Their vote"),
        [InputRequired(_l("Please choose how the member voted."))],
        choices=DECISIONS,
    )
    comment = TextAreaField(_l("Comment (optional)"), [COMMENT_LENGTH])
    accept_incomplete = BooleanField(ACCEPT_INCOMPLETE)


class CommentForm(FlaskForm):
    body = TextAreaField(
        _l("Your comment"),
        [
            InputRequired(_l("Please write a comment.")),
            Length(max=5000, message=_l("Comments can be at most 5,000 characters.")),
        ],
    )


class BoardCommentForm(FlaskForm):
    """A board member's comment on one competency (prefixed by the competency's id)."""

    body = TextAreaField(
        _l("Board comment on this competency"),
        [InputRequired(_l("Please write a comment.")), COMMENT_LENGTH],
    )
