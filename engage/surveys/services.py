"""Survey verbs: importing definitions, finding the survey to show, storing a response.

Services take explicit arguments, flush rather than commit, and return what they made.
"""

import functools
import re
import secrets
from types import SimpleNamespace

from sqlalchemy import bindparam, exists, func, insert, select

from ..audit import record_event
from ..extensions import db
from ..models_base import utcnow
from ..review.counts import record_response_counts
from ..text import clean_text, hold_reason
from .flow import other_key, visible_keys
from .loader import YESNO_VALUES, QuestionDefinition, SurveyDefinition, SurveyFileError
from .models import (
    Answer,
    Option,
    Question,
    QuestionKind,
    Response,
    ResponseSource,
    Survey,
    SurveyStatus,
)

# No 0/O, 1/I/L, so a code read aloud over the phone is unambiguous.
RECEIPT_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
RECEIPT_PATTERN = re.compile(r"^[A-Z0-9]{4}-[A-Z0-9]{4}$")


def import_surveys(definitions: list[SurveyDefinition], engagement=None, actor=None) -> list[str]:
    """Store checked definitions; returns one line per survey saying what happened.

    A definition whose slug and version exist with other content replaces it only while it
    has no responses; otherwise the file must raise its version. Importing a new version
    closes the older ones, so the public link always opens the newest, and keeps it in the
    older versions' engagement. The school and role choices of a survey in an engagement are
    the engagement's (engagements/groups.py); the file's seed the engagement's.
    """
    from ..engagements.groups import seed_from_survey

    report = []
    for definition in definitions:
        existing = db.session.scalar(
            select(Survey).filter_by(slug=definition.slug, version=definition.version)
        )
        if (
            existing is not None
            and (existing.file_hash or existing.content_hash) == definition.content_hash
        ):
            if engagement is not None and existing.engagement_id is None:
                existing.engagement = engagement
                db.session.flush()
                seed_from_survey(engagement, existing, actor)
            report.append(f"{definition.slug} v{definition.version}: unchanged")
            continue
        if existing is not None:
            if count_responses(existing) > 0:
                raise SurveyFileError(
                    definition.source_file,
                    f"version {definition.version} already has responses; "
                    "raise 'version' to change it",
                )
            db.session.delete(existing)
            db.session.flush()
            action = "replaced"
        else:
            action = "imported"
        survey = _survey_from_definition(definition)
        older_versions = list(
            db.session.scalars(
                select(Survey)
                .where(Survey.slug == definition.slug, Survey.version < definition.version)
                .order_by(Survey.version)
            )
        )
        # A new version stays in its survey's engagement unless told otherwise, so its
        # responses count beside the older versions' on the same dashboard.
        survey.engagement = (
            engagement
            or (existing.engagement if existing else None)
            or next((o.engagement for o in reversed(older_versions) if o.engagement), None)
        )
        db.session.add(survey)
        for older in older_versions:
            older.status = SurveyStatus.CLOSED
        db.session.flush()
        record_event(actor, f"survey.{action}", survey, {"file": definition.source_file})
        if survey.engagement is not None:  # the file's schools and groups seed the engagement's
            seed_from_survey(survey.engagement, survey, actor)
        report.append(f"{definition.slug} v{definition.version}: {action}")
    return report


def _survey_from_definition(definition: SurveyDefinition) -> Survey:
    survey = Survey(
        slug=definition.slug,
        version=definition.version,
        status=SurveyStatus(definition.status),
        default_language=definition.default_language,
        languages=definition.languages,
        title=definition.title,
        intro=definition.intro,
        next_steps=definition.next_steps,
        content_hash=definition.content_hash,
        source_file=definition.source_file,
        source_text=definition.source_text or None,
    )
    for position, q in enumerate(definition.questions):
        question = Question(
            key=q.key,
            position=position,
            kind=QuestionKind(q.kind),
            required=q.required,
            demographic=q.demographic,
            maps_to=q.maps_to,
            section=q.section,
            text=q.text,
            help=q.help,
            max_choices=q.max_choices,
            max_length=q.max_length,
            settings=question_settings(q),
        )
        question.options = [
            Option(value=o.value, position=i, text=o.text) for i, o in enumerate(q.options)
        ]
        if q.kind == QuestionKind.YESNO:
            # Rows, so paper numbering, validation and exports treat it as any choice; the
            # labels are Engage's own ("Yes", "No" through gettext), so no text is stored.
            question.options = [
                Option(value=value, position=i, text={}) for i, value in enumerate(YESNO_VALUES)
            ]
        survey.questions.append(question)
    return survey


def question_settings(definition: QuestionDefinition) -> dict:
    """The newer keys of a question definition, as the `settings` column keeps them: only the
    ones that differ from their defaults, so an older question's settings stay `{}`."""
    settings = {}
    if definition.allow_other:
        settings["allow_other"] = True
    if definition.statements:
        settings["statements"] = [
            {"value": statement.value, "text": statement.text}
            for statement in definition.statements
        ]
    for name in ("min_value", "max_value", "show_if"):
        if getattr(definition, name) is not None:
            settings[name] = getattr(definition, name)
    if definition.new_page:
        settings["new_page"] = True
    return settings


def count_responses(survey: Survey) -> int:
    return db.session.scalar(select(func.count(Response.id)).filter_by(survey_id=survey.id))


def engagement_still_open(now):
    """SQL: the survey has no engagement whose closing date is at or before `now` (an
    engagement closed by staff has its surveys closed as well)."""
    from ..engagements.models import Engagement

    return ~exists().where(
        Engagement.id == Survey.engagement_id,
        Engagement.closes_at.is_not(None),
        Engagement.closes_at <= now,
    )


def open_surveys() -> list[Survey]:
    """The newest open version of each survey, by slug."""
    surveys = db.session.scalars(
        select(Survey)
        .filter_by(status=SurveyStatus.OPEN)
        .where(engagement_still_open(utcnow()))
        .order_by(Survey.slug, Survey.version)
    ).all()
    newest = {survey.slug: survey for survey in surveys}
    return list(newest.values())


def find_open_survey(slug: str) -> Survey | None:
    if "\x00" in slug:  # no slug has one, and PostgreSQL refuses to compare it
        return None
    return db.session.scalar(
        select(Survey)
        .filter_by(slug=slug, status=SurveyStatus.OPEN)
        .where(engagement_still_open(utcnow()))
        .order_by(Survey.version.desc())
        .limit(1)
    )


def response_for_token(token: str) -> Response | None:
    return db.session.scalar(select(Response).filter_by(submission_token=token))


def response_for_receipt(code: str) -> Response | None:
    code = code.strip().upper()
    if not RECEIPT_PATTERN.match(code):  # nothing else can match; PostgreSQL refuses a NUL
        return None
    return db.session.scalar(select(Response).filter_by(receipt_code=code))


def new_submission_token() -> str:
    return secrets.token_hex(16)


def new_receipt_code() -> str:
    raw = "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(8))
    return f"{raw[:4]}-{raw[4:]}"


def submit_response(
    survey: Survey,
    language: str,
    answers: dict[str, object],
    submission_token: str,
    source: ResponseSource = ResponseSource.WEB,
    shared: set[str] | frozenset[str] = frozenset(),
    channel: str | None = None,
    paper_sheet: str | None = None,
) -> Response:
    """Store one response; `answers` maps question keys to cleaned values.

    A value is an option value (single, likert), a list of option values (multiple), a list in
    order of preference (rank), or text (open, cleaned again here so no control character
    reaches the database). Empty answers are skipped. `shared` holds the keys of the open
    questions whose answer the person allowed other participants to read and rate; any other
    answer stays private. `channel` is a tag from ``outreach.channels`` (already checked), or
    None. `paper_sheet` is the code of the paper sheet staff typed it in from. The caller
    commits; a unique-constraint error on `submission_token` means the same form was already
    stored (on `paper_sheet`, the same sheet was typed in twice).
    """
    response = Response(
        survey=survey,
        language=language,
        source=source,
        receipt_code=new_receipt_code(),
        submission_token=submission_token,
        channel=channel,
        paper_sheet=paper_sheet,
    )
    shown = visible_keys(survey.questions, answers)
    for question in survey.questions:
        value = _answer_value(question, answers, shown)
        if value is None:
            continue
        if question.maps_to:
            setattr(response, question.maps_to, value)
        response.answers.extend(
            Answer(question=question, **row)
            for row in _answer_columns(question, value, question.key in shared, answers)
        )
    db.session.add(response)
    db.session.flush()
    record_response_counts(response, response.answers)
    return response


def store_submission(
    survey,
    language: str,
    answers: dict[str, object],
    submission_token: str,
    shared: set[str] | frozenset[str] = frozenset(),
    channel: str | None = None,
    receipt_code: str | None = None,
    submitted_at=None,
    only_if_open: bool = True,
) -> str | None:
    """Store a family's web response in three statements; returns its receipt code.

    The fast path of `submit_response` for the answering page and the spool: `survey` is a
    cached `SurveyVersion` (or a Survey), and the response row, its answers (one executemany)
    and the dashboard counts are written without loading anything. With `only_if_open`, the
    response is inserted only while that version is still open and unchanged; None means it
    is not (nothing was written). The caller commits; a unique-constraint error on
    `submission_token` means the same form was already stored.
    """
    receipt_code = receipt_code or new_receipt_code()
    values, rows = _response_values(
        survey, language, answers, submission_token, shared, channel, receipt_code, submitted_at
    )
    if only_if_open:
        guard = {"guard_id": survey.id, "guard_hash": survey.content_hash, "guard_now": utcnow()}
        response_id = db.session.execute(_insert_if_open(), values | guard).scalar()
    else:
        table = Response.__table__
        response_id = db.session.execute(
            insert(table).values(values).returning(table.c.id)
        ).scalar()
    if response_id is None:
        return None
    if rows:
        db.session.execute(
            insert(Answer.__table__),
            [ANSWER_DEFAULTS | row | {"response_id": response_id} for row in rows],
        )
    record_response_counts(SimpleNamespace(**values), rows)
    return receipt_code


ANSWER_DEFAULTS = {
    "option_value": None,
    "rank": None,
    "text": None,
    "hold_reason": None,
    "statement": None,
    "number": None,
}


def store_submissions(submissions: list[dict]) -> None:
    """Store many web responses at once (the spool's drain): one insert of all the responses,
    one of all their answers, then the counts. Each item holds `store_submission`'s arguments
    (survey, language, answers, submission_token, shared, channel, receipt_code,
    submitted_at); none is checked for being open. The caller commits."""
    prepared = [
        _response_values(
            item["survey"],
            item["language"],
            item["answers"],
            item["submission_token"],
            item.get("shared") or frozenset(),
            item.get("channel"),
            item.get("receipt_code") or new_receipt_code(),
            item.get("submitted_at"),
        )
        for item in submissions
    ]
    if not prepared:
        return
    table = Response.__table__
    ids = (
        db.session.execute(
            insert(table).returning(table.c.id, sort_by_parameter_order=True),
            [values for values, _rows in prepared],
        )
        .scalars()
        .all()
    )
    answers = [
        ANSWER_DEFAULTS | row | {"response_id": response_id}
        for response_id, (_values, rows) in zip(ids, prepared, strict=True)
        for row in rows
    ]
    if answers:
        db.session.execute(insert(Answer.__table__), answers)
    for values, rows in prepared:
        record_response_counts(SimpleNamespace(**values), rows)


def _response_values(
    survey, language, answers, submission_token, shared, channel, receipt_code, submitted_at
) -> tuple[dict, list[dict]]:
    """The response row and its answer rows, as column values."""
    values = {
        "survey_id": survey.id,
        "language": language,
        "submitted_at": submitted_at or utcnow(),
        "source": ResponseSource.WEB,
        "receipt_code": receipt_code,
        "submission_token": submission_token,
        "channel": channel,
        "role": None,
        "school": None,
        "home_language": None,
    }
    rows = []
    shown = visible_keys(survey.questions, answers)
    for question in survey.questions:
        value = _answer_value(question, answers, shown)
        if value is None:
            continue
        if question.maps_to in ("role", "school", "home_language"):
            values[question.maps_to] = value
        rows.extend(
            {"question_id": question.id} | row
            for row in _answer_columns(question, value, question.key in shared, answers)
        )
    return values, rows


def _answer_value(question, answers, shown):
    """The answer to store for `question`, or None: nothing given, a heading, or a follow-up
    whose condition is not met (skipped, so not stored even if the form carried a value)."""
    if question.kind == QuestionKind.HEADING or question.key not in shown:
        return None
    value = answers.get(question.key)
    if question.kind == QuestionKind.OPEN and value is not None:
        value = clean_text(str(value))
    if question.kind == QuestionKind.GRID:
        value = {k: v for k, v in (value or {}).items() if v} if isinstance(value, dict) else None
    if value in (None, "", [], {}):
        return None
    return value


RESPONSE_COLUMNS = (
    "survey_id",
    "language",
    "submitted_at",
    "source",
    "receipt_code",
    "submission_token",
    "channel",
    "role",
    "school",
    "home_language",
)


@functools.cache
def _insert_if_open():
    """INSERT INTO responses (...) SELECT :values WHERE the version is open and unchanged
    RETURNING id: built once, so each submission only binds its values."""
    table = Response.__table__
    source = select(
        *[bindparam(name, type_=table.c[name].type) for name in RESPONSE_COLUMNS]
    ).where(
        exists().where(
            Survey.id == bindparam("guard_id"),
            Survey.content_hash == bindparam("guard_hash"),
            Survey.status == SurveyStatus.OPEN,
            engagement_still_open(bindparam("guard_now", type_=db.DateTime(timezone=True))),
        )
    )
    return insert(table).from_select(list(RESPONSE_COLUMNS), source).returning(table.c.id)


def _answer_columns(question, value, shared: bool, answers) -> list[dict]:
    """The answer rows of one question, as column values (no question reference)."""
    kind = question.kind
    row = {"shareable": False}
    if kind == QuestionKind.OPEN:
        shareable = shared and question.may_be_shared
        return [
            row
            | {"text": value, "shareable": shareable}
            | {"hold_reason": hold_reason(value) if shareable else None}
        ]
    if kind == QuestionKind.NUMBER:
        return [row | {"number": int(value)}]
    if kind == QuestionKind.GRID:
        order = [statement.value for statement in question.statements]
        return [
            row | {"statement": statement, "option_value": str(value[statement])}
            for statement in order
            if value.get(statement)
        ]
    if kind == QuestionKind.RANK:
        return [row | {"option_value": v, "rank": i} for i, v in enumerate(value, 1)]
    chosen = value if kind == QuestionKind.MULTIPLE else [value]
    other_text = clean_text(str(answers.get(other_key(question.key)) or ""))
    return [
        row
        | {"option_value": str(v)}
        | ({"text": other_text or None} if v == "other" and question.allow_other else {})
        for v in chosen
    ]


def receipt_for_token(token: str) -> str | None:
    return db.session.scalar(select(Response.receipt_code).filter_by(submission_token=token))


def receipt_survey(code: str) -> tuple[int, str] | None:
    """(id, content hash) of the survey version a receipt code belongs to (one statement)."""
    code = code.strip().upper()
    if not RECEIPT_PATTERN.match(code):
        return None
    row = db.session.execute(_receipt_survey_query(), {"code": code}).first()
    return (row.survey_id, row.content_hash) if row else None


@functools.cache
def _receipt_survey_query():
    """SELECT the version of the response with receipt :code: built once, bound per request."""
    return (
        select(Response.survey_id, Survey.content_hash)
        .join(Survey, Survey.id == Response.survey_id)
        .where(Response.receipt_code == bindparam("code"))
    )
