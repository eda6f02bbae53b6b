"""The kept response counts: in step with every response, and the dashboard they feed is the
same page the full GROUP BY scans gave."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from config import BASE_DIR
from engage.engagements.models import Engagement, EngagementStatus, TargetDimension
from engage.engagements.services import set_targets
from engage.extensions import db
from engage.review import counts as counts_module
from engage.review import dashboard
from engage.review.counts import (
    ResponseCount,
    delete_response,
    forget_response_counts,
    full_recount,
    rebuild_counts,
    record_response_counts,
    stored_counts,
)
from engage.surveys import services as survey_services
from engage.surveys.models import Answer, Response, Survey
from tests.factories import import_default_survey

LANGUAGES = ["en", "es", "so", "hmn", "ar"]
ROLES = ["parent", "student", "staff", "community", None]
SCHOOLS = ["westview-high", "eastside-high", "lincoln-elementary", "none", None]
START = datetime(2026, 9, 7, 23, 30, tzinfo=UTC)  # near midnight: days are UTC days

submission = st.tuples(
    st.just("submit"),
    st.sampled_from(LANGUAGES),
    st.sampled_from(ROLES),
    st.sampled_from(SCHOOLS),
    st.integers(min_value=0, max_value=24 * 40),  # hours after START
)
deletion = st.tuples(st.just("delete"), st.integers(min_value=0, max_value=10_000))


def store(survey, language, role, school, hours=None) -> Response:
    answers = {"competencies": ["wellbeing"], "role": role, "school": school}
    response = survey_services.submit_response(
        survey, language, answers, survey_services.new_submission_token()
    )
    if hours is not None:  # as the demo does: move the response and its day's count
        forget_response_counts(response)
        response.submitted_at = START + timedelta(hours=hours)
        record_response_counts(response, response.answers)
    return response


def _forget_everything():
    db.session.execute(ResponseCount.__table__.delete())
    db.session.execute(Answer.__table__.delete())
    db.session.execute(Response.__table__.delete())
    db.session.commit()


@settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=st.lists(st.one_of(submission, submission, deletion), max_size=30))
def test_kept_counts_equal_a_full_recount(app, steps):
    with app.app_context():
        survey = db.session.scalar(select(Survey)) or import_default_survey()
        db.session.commit()
        _forget_everything()
        stored: list[int] = []
        for step in steps:
            if step[0] == "submit":
                _op, language, role, school, hours = step
                stored.append(store(survey, language, role, school, hours).id)
            elif stored:
                response_id = stored.pop(step[1] % len(stored))
                delete_response(db.session.get(Response, response_id))
            db.session.commit()
        assert stored_counts() == full_recount()
        assert db.session.scalar(select(func.count(Response.id))) == len(stored)
        assert rebuild_counts() == 0
        db.session.rollback()
        db.session.remove()


def test_a_rolled_back_response_is_not_counted(app_context):
    survey = import_default_survey()
    db.session.commit()
    store(survey, "en", "parent", "westview-high")
    db.session.rollback()
    assert stored_counts() == {} == full_recount()


def test_rebuild_repairs_counts_that_drifted(app_context, runner):
    survey = import_default_survey()
    for language in ("en", "en", "es"):
        store(survey, language, "parent", None)
    db.session.commit()
    expected = full_recount()
    db.session.execute(ResponseCount.__table__.update().values(count=ResponseCount.count + 7))
    db.session.commit()
    assert stored_counts() != expected
    result = runner.invoke(args=["counts", "rebuild"])
    assert result.exit_code == 0, result.output
    assert "3 responses counted" in result.output and "were out of step" in result.output
    db.session.remove()
    assert stored_counts() == expected


def test_the_demo_keeps_its_counts_in_step(app_context):
    from engage.demo import seed_demo

    seed_demo(BASE_DIR / "surveys", n_responses=60)
    assert stored_counts() == full_recount()
    assert sum(c for (_s, d, _v), c in stored_counts().items() if d == "day") == 60


def scanned_counts(engagement, _surveys=None):
    """What the dashboard counted before the counts were kept: GROUP BY over responses."""
    from engage.review.counts import CHANNELS, OPEN_ANSWERS, channel_key

    ids = dashboard.survey_ids(engagement)
    counts = {CHANNELS: {}, OPEN_ANSWERS: {}}
    for source, channel, language, count in db.session.execute(
        select(Response.source, Response.channel, Response.language, func.count())
        .where(Response.survey_id.in_(ids))
        .group_by(Response.source, Response.channel, Response.language)
    ):
        counts[CHANNELS][channel_key(source, channel, language)] = count
    for language, count in db.session.execute(
        select(Response.language, func.count())
        .join(Answer, Answer.response_id == Response.id)
        .where(Response.survey_id.in_(ids), Answer.text.is_not(None), Answer.text != "")
        .group_by(Response.language)
    ):
        counts[OPEN_ANSWERS][language] = count
    for dimension, column in (
        ("language", Response.language),
        ("role", Response.role),
        ("school", Response.school),
        ("day", func.date(Response.submitted_at)),
    ):
        counts[dimension] = {}
        for value, count in db.session.execute(
            select(column, func.count(Response.id))
            .where(Response.survey_id.in_(ids))
            .group_by(column)
        ):
            key = "" if value is None else str(value)
            counts[dimension][key] = counts[dimension].get(key, 0) + count
    return counts


def without_tokens(html: str) -> str:
    """The page without its CSRF tokens (signed with the time, so every page differs)."""
    return re.sub(r'"[\w-]{20,}\.[\w-]{4,}\.[\w-]{10,}"', '"token"', html)


@pytest.fixture
def varied_engagement(app):
    """Groups large, small and absent, over several weeks, with targets."""
    with app.app_context():
        engagement = Engagement(slug="gp", name={"en": "Graduate profile"})
        engagement.status = EngagementStatus.OPEN
        db.session.add(engagement)
        survey = import_default_survey()
        survey.engagement = engagement
        groups = [("en", "parent", "westview-high")] * 40 + [("es", "student", "eastside-high")] * 9
        groups += [("so", "staff", "lincoln-elementary")] * 3 + [("hmn", "community", None)] * 6
        groups += [("ar", None, "none")] * 2
        for i, (language, role, school) in enumerate(groups):
            store(survey, language, role, school, hours=(i * 37) % (24 * 30))
        set_targets(
            engagement,
            {
                TargetDimension.LANGUAGE: {"en": 500, "es": 400, "so": 100, "hmn": 60},
                TargetDimension.SCHOOL: {"westview-high": 300, "eastside-high": 250},
            },
            actor=None,
        )
        db.session.commit()
        return engagement.id


def test_the_dashboard_is_the_page_the_scans_gave(client, sign_in, varied_engagement, monkeypatch):
    sign_in("facilitator")
    url = f"/staff/review/engagements/{varied_engagement}"
    kept = client.get(url).get_data(as_text=True)
    monkeypatch.setattr(dashboard, "response_counts", scanned_counts)
    scanned = client.get(url).get_data(as_text=True)
    assert "hidden" in kept and "Under-heard" in kept  # suppression and flags are exercised
    assert without_tokens(kept) == without_tokens(scanned)


def test_the_dashboard_reads_no_response_rows(app, varied_engagement, monkeypatch):
    """The figures come from the kept counts alone: with the responses table hidden from the
    dashboard module, the figures are unchanged."""
    from engage.i18n import KNOWN_LANGUAGES, localized

    with app.test_request_context():
        engagement = db.session.get(Engagement, varied_engagement)
        language = KNOWN_LANGUAGES["en"]
        before = dashboard.participation(engagement, language, localized)
        db.session.execute(Answer.__table__.delete())
        db.session.execute(Response.__table__.delete())  # counts stay: they are not derived
        after = dashboard.participation(engagement, language, localized)
        db.session.rollback()
    assert before == after
    assert counts_module.DIMENSIONS == ("language", "role", "school", "day")


def test_counts_of_four_and_five_cells_add_up(app_context):
    """The upsert is built once per number of cells: a response with written answers (five
    cells) and one without (four), counted and uncounted in any order, still add up."""
    survey = import_default_survey()
    db.session.commit()
    written = survey_services.submit_response(
        survey,
        "es",
        {"competencies": ["wellbeing"], "role": "parent", "hopes": "Que lean bien"},
        survey_services.new_submission_token(),
    )
    plain = store(survey, "en", "student", "westview-high")
    again = store(survey, "es", "parent", None)
    db.session.commit()
    assert stored_counts() == full_recount()
    assert stored_counts()[(survey.id, "open_language", "es")] == 1
    delete_response(written)
    db.session.commit()
    assert stored_counts() == full_recount()
    delete_response(plain)
    delete_response(again)
    db.session.commit()
    assert stored_counts() == {} == full_recount()


def _scanned_channel_counts(engagement):
    """The channel table's counts as a GROUP BY over the responses gave them."""
    from engage.outreach.channels import parse_channel

    rows = db.session.execute(
        select(Response.channel, Response.source, Response.language, func.count(Response.id))
        .where(Response.survey_id.in_([s.id for s in engagement.surveys]))
        .group_by(Response.channel, Response.source, Response.language)
    ).all()
    counts = {}
    for tag, source, language, number in rows:
        channel = parse_channel(tag)
        kind = channel.kind if channel else (source.value if source.value != "web" else "direct")
        counts[(kind, language)] = counts.get((kind, language), 0) + number
    for kind in {k for k, _l in counts}:
        for language in {lang for _k, lang in counts}:
            counts.setdefault((kind, language), 0)
    return counts


def _channel_mix(survey):
    from engage.surveys.models import ResponseSource

    mix = [("en", "flyer-es", ResponseSource.WEB)] * 6 + [("es", "sms-en", ResponseSource.WEB)] * 3
    mix += [("so", None, ResponseSource.WEB)] * 7 + [("es", None, ResponseSource.PAPER)] * 5
    mix += [("vi", "not-a-tag", ResponseSource.WEB), ("en", None, ResponseSource.PHONE)]
    for language, channel, source in mix:
        survey_services.submit_response(
            survey,
            language,
            {"competencies": ["wellbeing"]},
            survey_services.new_submission_token(),
            source=source,
            channel=channel,
        )
    # The answering page's fast path counts from column values, not a Response.
    survey_services.store_submission(
        survey,
        "en",
        {"competencies": ["wellbeing"]},
        survey_services.new_submission_token(),
        channel="qr-so",
        only_if_open=False,
    )


def test_the_channel_table_comes_from_kept_counts(app_context):
    from engage.outreach.services import channel_counts

    engagement = Engagement(slug="ch", name={"en": "Channels"}, status=EngagementStatus.OPEN)
    db.session.add(engagement)
    survey = import_default_survey()
    survey.engagement = engagement
    db.session.commit()
    _channel_mix(survey)
    db.session.commit()
    scanned = _scanned_channel_counts(engagement)
    assert scanned[("flyer", "en")] == 6 and scanned[("paper", "es")] == 5
    assert scanned[("direct", "vi")] == 1 and scanned[("qr", "en")] == 1
    assert channel_counts(engagement) == scanned
    # Hidden from the responses table, the kept counts still give the same table.
    db.session.execute(Answer.__table__.delete())
    db.session.execute(Response.__table__.delete())
    assert channel_counts(engagement) == scanned
    db.session.rollback()
    delete_response(db.session.scalar(select(Response).filter_by(channel="flyer-es").limit(1)))
    db.session.commit()
    assert (
        channel_counts(engagement)[("flyer", "en")]
        == 5
        == _scanned_channel_counts(engagement)[("flyer", "en")]
    )


def test_the_channel_migration_counts_the_responses_already_stored(app_context):
    import importlib.util

    from alembic.migration import MigrationContext
    from alembic.operations import Operations

    survey = import_default_survey()
    db.session.commit()
    _channel_mix(survey)
    db.session.commit()
    expected = stored_counts()
    db.session.execute(ResponseCount.__table__.delete().where(ResponseCount.dimension == "channel"))
    assert stored_counts() != expected
    path = BASE_DIR / "migrations" / "versions" / "f160000001_channel_counts.py"
    spec = importlib.util.spec_from_file_location("channel_counts_migration", path)
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    with Operations.context(MigrationContext.configure(db.session.connection())):
        migration.upgrade()
    assert stored_counts() == expected == full_recount()
    db.session.rollback()
