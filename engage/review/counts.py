"""Response counts kept in step with every response, so the dashboard never scans responses.

One row per (survey, dimension, value): how many responses of that survey answered in that
language, gave that role or school, or arrived on that day (UTC); as "channel", how many came
in each way (source, outreach tag and language: the dashboard's channel table); and, as
"open_language", how many written answers (open questions) arrived in each language, which is
what the translation desk's progress needs. Every place that stores or
removes a response calls `record_response_counts` / `forget_response_counts` in the same
transaction, so the counts commit or roll back with the response itself. Reading the
dashboard is then one small query whose size depends on the number of languages, roles,
schools and days, not on the number of responses.

`rebuild_counts` recomputes everything from the responses table (`engage counts rebuild`).
Counts are raw: suppression of small cells happens where they are shown (engage/privacy.py).
"""

import functools
from datetime import UTC, date, datetime

from sqlalchemy import Integer, String, func, select, text
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ..surveys.models import Answer, Response

#: The dimensions of responses counted, each a Response attribute except "day".
DIMENSIONS = ("language", "role", "school", "day")
#: Written answers (not responses) per response language.
OPEN_ANSWERS = "open_language"
#: Responses per (how entered, outreach tag, language): the dashboard's channel table. The
#: value is `channel_key(source, channel, language)`.
CHANNELS = "channel"
#: The value stored for a response that gave no role or school.
NO_VALUE = ""


class ResponseCount(db.Model):
    __tablename__ = "response_counts"

    survey_id: Mapped[int] = mapped_column(db.ForeignKey("surveys.id"), primary_key=True)
    dimension: Mapped[str] = mapped_column(String(16), primary_key=True)
    #: The language, role or school code; "" when none was given; ISO date for "day".
    value: Mapped[str] = mapped_column(String(80), primary_key=True)
    count: Mapped[int] = mapped_column(Integer, nullable=False, default=0)


def response_day(submitted_at) -> str:
    """The UTC day a response arrived on, as the counts and the rebuild both store it."""
    if submitted_at is None:
        submitted_at = datetime.now(UTC)
    if submitted_at.tzinfo is not None:
        submitted_at = submitted_at.astimezone(UTC)
    return submitted_at.date().isoformat()


def channel_key(source, channel: str | None, language: str | None) -> str:
    """The CHANNELS cell of a response: its source ("web", "paper", ...), its outreach tag and
    its language, joined by "|" (none of them can hold one)."""
    source = getattr(source, "value", source) or NO_VALUE
    return f"{source}|{channel or NO_VALUE}|{language or NO_VALUE}"


def parse_channel_key(value: str) -> tuple[str, str | None, str]:
    """(source, outreach tag or None, language) of a CHANNELS cell."""
    source, channel, language = value.split("|", 2)
    return source, channel or None, language


def response_keys(response) -> list[tuple[str, str]]:
    """The (dimension, value) cells one response counts in."""
    return [
        ("day", response_day(response.submitted_at)),
        ("language", response.language or NO_VALUE),
        ("role", response.role or NO_VALUE),
        ("school", response.school or NO_VALUE),
        (CHANNELS, channel_key(response.source, response.channel, response.language)),
    ]


def written_answers(answers) -> int:
    """How many of `answers` (Answer rows, or their column dicts) carry written text."""
    count = 0
    for answer in answers or ():
        text = answer.get("text") if isinstance(answer, dict) else answer.text
        if text and text.strip():
            count += 1
    return count


def _cells(response, answers, sign: int) -> list[tuple[str, str, int]]:
    cells = [(dimension, value, sign) for dimension, value in response_keys(response)]
    written = written_answers(answers)
    if written:
        cells.append((OPEN_ANSWERS, response.language or NO_VALUE, sign * written))
    return cells


def record_response_counts(response, answers=None) -> None:
    """Count a stored response and its written `answers` (Answer rows or their column dicts);
    call it right after the response row is flushed, in the same transaction. `response` is a
    Response or anything with its survey_id, submitted_at, language, role, school, source and
    channel."""
    _add(response.survey_id, _cells(response, answers, 1))


def forget_response_counts(response) -> None:
    """Uncount a response that is being deleted or withdrawn, in the same transaction."""
    _add(response.survey_id, _cells(response, response.answers, -1))


def delete_response(response) -> None:
    """Delete one response and its answers, keeping the counts in step."""
    forget_response_counts(response)
    db.session.delete(response)
    db.session.flush()


def _add(survey_id: int, cells: list[tuple[str, str, int]]) -> None:
    """One statement: insert the cells or add `delta` to them.

    Cells are written in one fixed order (sorted), so two transactions that touch the same
    cells on PostgreSQL wait for each other and never deadlock.
    """
    parameters = {}
    ordered = sorted(set(cells))
    for index, (dimension, value, delta) in enumerate(ordered):
        parameters |= {
            f"survey_{index}": survey_id,
            f"dimension_{index}": dimension,
            f"value_{index}": value,
            f"count_{index}": delta,
        }
    dialect = db.session.get_bind().dialect.name
    db.session.execute(_upsert(dialect, len(ordered)), parameters)


@functools.cache
def _upsert(dialect: str, size: int):
    """INSERT ... ON CONFLICT DO UPDATE for `size` cells, with bound parameters: built once per
    dialect and size (a submission counts in 4 or 5 cells), so a submission only binds its
    values. Written as SQL text because SQLAlchemy cannot cache the compiled form of its
    dialects' on-conflict inserts (it compiled one on every submission); SQLite and PostgreSQL
    read this same statement."""
    if dialect not in ("postgresql", "sqlite"):  # pragma: no cover - the supported databases
        raise RuntimeError(f"response counts need SQLite or PostgreSQL, not {dialect}")
    rows = ", ".join(
        f"(:survey_{index}, :dimension_{index}, :value_{index}, :count_{index})"
        for index in range(size)
    )
    # Only placeholder names are formatted in: no value ever is.
    sql = (
        "INSERT INTO response_counts (survey_id, dimension, value, count) VALUES "  # noqa: S608
        + rows
        + " ON CONFLICT (survey_id, dimension, value)"
        " DO UPDATE SET count = response_counts.count + excluded.count"
    )
    return text(sql)


def counts_for(survey_ids: list[int]) -> dict[str, dict[str, int]]:
    """dimension -> value -> responses, summed over the given surveys (zero cells left out)."""
    counts: dict[str, dict[str, int]] = {dimension: {} for dimension in DIMENSIONS}
    counts[CHANNELS] = {}
    if not survey_ids:
        return counts
    for dimension, value, count in db.session.execute(
        select(ResponseCount.dimension, ResponseCount.value, func.sum(ResponseCount.count))
        .where(ResponseCount.survey_id.in_(survey_ids))
        .group_by(ResponseCount.dimension, ResponseCount.value)
    ):
        if count:
            counts.setdefault(dimension, {})[value] = int(count)
    return counts


def _day_expression(dialect: str):
    if dialect == "postgresql":
        return func.to_char(func.timezone("UTC", Response.submitted_at), "YYYY-MM-DD")
    return func.date(Response.submitted_at)  # SQLite stores UTC text


def full_recount(survey_ids: list[int] | None = None) -> dict[tuple[int, str, str], int]:
    """(survey, dimension, value) -> responses, counted from the responses table itself."""
    dialect = db.session.get_bind().dialect.name
    columns = {
        "day": _day_expression(dialect),
        "language": func.coalesce(Response.language, NO_VALUE),
        "role": func.coalesce(Response.role, NO_VALUE),
        "school": func.coalesce(Response.school, NO_VALUE),
    }
    counts: dict[tuple[int, str, str], int] = {}
    for dimension, column in columns.items():
        query = select(Response.survey_id, column, func.count(Response.id)).group_by(
            Response.survey_id, column
        )
        if survey_ids is not None:
            query = query.where(Response.survey_id.in_(survey_ids))
        for survey_id, value, count in db.session.execute(query):
            value = value.isoformat() if isinstance(value, date) else str(value)
            key = (survey_id, dimension, value)
            counts[key] = counts.get(key, 0) + count
    language = func.coalesce(Response.language, NO_VALUE)  # one expression: PostgreSQL
    written = (  # must see the same bound value in SELECT and GROUP BY
        select(Response.survey_id, language, func.count())
        .join(Answer, Answer.response_id == Response.id)
        .where(Answer.text.is_not(None), func.trim(Answer.text) != "")
        .group_by(Response.survey_id, language)
    )
    if survey_ids is not None:
        written = written.where(Response.survey_id.in_(survey_ids))
    for survey_id, value, count in db.session.execute(written):
        counts[(survey_id, OPEN_ANSWERS, str(value))] = count
    by_channel = select(
        Response.survey_id, Response.source, Response.channel, Response.language, func.count()
    ).group_by(Response.survey_id, Response.source, Response.channel, Response.language)
    if survey_ids is not None:
        by_channel = by_channel.where(Response.survey_id.in_(survey_ids))
    for survey_id, source, channel, language, count in db.session.execute(by_channel):
        key = (survey_id, CHANNELS, channel_key(source, channel, language))
        counts[key] = counts.get(key, 0) + count
    return counts


def stored_counts(survey_ids: list[int] | None = None) -> dict[tuple[int, str, str], int]:
    """(survey, dimension, value) -> the kept count, zero cells left out."""
    query = select(
        ResponseCount.survey_id, ResponseCount.dimension, ResponseCount.value, ResponseCount.count
    ).where(ResponseCount.count != 0)
    if survey_ids is not None:
        query = query.where(ResponseCount.survey_id.in_(survey_ids))
    return {(s, d, v): c for s, d, v, c in db.session.execute(query)}


def rebuild_counts() -> int:
    """Recompute every count from the responses; returns how many cells were out of step.

    Runs in the caller's transaction (the caller commits). On PostgreSQL the responses table
    is locked against writes meanwhile, so no response is stored between the count and the
    swap and none is counted twice or missed.
    """
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(db.text("LOCK TABLE responses IN SHARE MODE"))
    before = stored_counts()
    after = full_recount()
    db.session.execute(ResponseCount.__table__.delete())
    if after:
        db.session.execute(
            ResponseCount.__table__.insert(),
            [
                {"survey_id": s, "dimension": d, "value": v, "count": c}
                for (s, d, v), c in sorted(after.items())
            ],
        )
    db.session.flush()
    return sum(1 for key in before.keys() | after.keys() if before.get(key) != after.get(key))
