"""What a district leader sees: the under-heard rule and gaps, week labels in the reader's
locale, chart values, the theme page in pages with an empty "Move to", and the staff home's
list of what needs attention."""

import re
from datetime import date

import pytest
from sqlalchemy import select

from engage.auth.models import Role, User
from engage.engagements.models import Engagement, EngagementStatus
from engage.extensions import db
from engage.framework.models import Framework, FrameworkVersion, VersionStatus
from engage.review import runner, theme_runs
from engage.review.dashboard import UNDER_HEARD_GAP, build_breakdown
from engage.review.models import AnalysisRun, RunStatus, Theme, ThemeAssignment
from engage.review.targets import TargetsError, parse_targets
from engage.surveys import services as survey_services
from engage.surveys.models import Survey
from tests.conftest import hidden_fields
from tests.factories import import_default_survey

LANGUAGE_NAMES = {"en": "English", "es": "Español", "hmn": "Hmong", "ar": "Arabic"}


def test_the_flag_follows_the_stated_rule_a_gap_in_people():
    # 300 answers: Spanish 23 % of answers vs 29 % of enrollment is 18 people short: flagged;
    # Hmong at 2 % vs 2.3 % is one person short: not flagged, whatever the ratio.
    counts = {"en": 225, "es": 69, "hmn": 6}
    targets = {"en": 0.687, "es": 0.29, "hmn": 0.023}
    breakdown = build_breakdown("language", counts, LANGUAGE_NAMES, targets)
    rows = {row.group: row for row in breakdown.rows}
    assert rows["es"].under_heard and rows["es"].gap == 18 and rows["es"].expected == 87
    assert not rows["hmn"].under_heard and rows["hmn"].gap == 1
    assert breakdown.under_heard == ["es"] and breakdown.denominator == 300
    for row in breakdown.rows:  # consistent with the sentence on the page
        assert row.under_heard == (row.gap is not None and row.gap >= UNDER_HEARD_GAP)


def test_a_hidden_group_has_no_gap_that_would_give_its_count_back():
    counts = {"en": 40, "es": 3, "ar": 20}
    breakdown = build_breakdown("language", counts, LANGUAGE_NAMES, {"es": 0.3, "en": 0.5})
    rows = {row.group: row for row in breakdown.rows}
    assert rows["es"].gap is None and rows["es"].expected is None and not rows["es"].under_heard
    assert rows["es"].may_be_under_heard
    hidden = [row for row in breakdown.rows if row.share is None]
    assert all(row.gap is None for row in hidden)


def test_targets_lines_with_or_without_header_and_clear_errors():
    valid = {"language": {"en": "English", "es": "Español"}, "school": {"westview-high": "W"}}
    from engage.engagements.models import TargetDimension

    valid = {TargetDimension(k): v for k, v in valid.items()}
    assert parse_targets("language,es,4,200\n", valid) == {TargetDimension.LANGUAGE: {"es": 4200}}
    parsed = parse_targets("dimension,group,enrolled\nschool,westview-high,10\n", valid)
    assert parsed == {TargetDimension.SCHOOL: {"westview-high": 10}}
    with pytest.raises(TargetsError) as error:
        parse_targets("langauge,es,10\nlanguage,fr,3\nlanguage,es,-1\nlanguage,es\n", valid)
    messages = error.value.messages
    assert messages[0] == "Line 1: “langauge” is not a dimension. Use one of: language, school."
    assert messages[1] == "Line 2: “fr” is not a language code. Valid codes: en, es."
    assert messages[2].startswith("Line 3: “-1” is not a number of people enrolled.")
    assert messages[3].startswith("Line 4 (“language,es”): it needs 3 values")


@pytest.fixture
def engagement(app):
    with app.app_context():
        engagement = Engagement(
            slug="gp", name={"en": "Graduate profile"}, status=EngagementStatus.OPEN
        )
        db.session.add(engagement)
        survey = import_default_survey()
        survey.engagement = engagement
        groups = [("en", "parent")] * 45 + [("es", "student")] * 9
        for i, (language, role) in enumerate(groups):
            survey_services.submit_response(
                survey,
                language,
                {
                    "competencies": ["wellbeing"],
                    "role": role,
                    "hopes": f"Manage money and make a budget, save and plan {i}"
                    if i % 2
                    else f"Be kind and respectful to others and honest {i}",
                },
                survey_services.new_submission_token(),
            )
        db.session.commit()
        return engagement.id


def set_targets(client, engagement_id, text):
    url = f"/staff/review/engagements/{engagement_id}/targets"
    data = hidden_fields(client.get(url).get_data(as_text=True))
    assert client.post(url, data=data | {"csv_text": text}).status_code == 302


def test_dashboard_states_the_rule_and_the_gap_in_people(client, sign_in, engagement):
    sign_in("facilitator")
    set_targets(client, engagement, "language,en,500\nlanguage,es,500\n")
    html = client.get(f"/staff/review/engagements/{engagement}").get_data(as_text=True)
    assert "A group is under-heard when it has at least 5 answers fewer than its share" in html
    notice = html.split('id="under-heard"')[1].split("</div>")[0]
    # 54 answers, half enrolled speak Spanish: 27 expected, 9 answered, 18 more people.
    assert "Español" in notice and "about 18 more people" in notice
    assert "17% of answers, 50% of enrollment" in notice
    assert "share of enrollment × 54 answers" in html


def test_charts_have_locale_week_labels_values_and_axes(client, sign_in, engagement):
    sign_in("facilitator")
    html = client.get(f"/staff/review/engagements/{engagement}").get_data(as_text=True)
    labels = re.findall(r'data-week="([\d-]+)">([^<]+)<', html)
    assert labels
    for iso, label in labels:
        day = date.fromisoformat(iso)
        assert label == f"{day:%b} {day.day}"  # "Sep 11" in English
        assert not re.fullmatch(r"\d+/\d+", label)  # never "9/11"
    assert ">0%</text>" in html and ">100%</text>" in html  # the share axis
    assert 'data-value="en">45 · 83%<' in html  # each bar carries its count and share
    role_chart = html.split('id="chart-role-title"')[1].split("</svg>")[0]
    words = " ".join(re.findall(r"<tspan[^>]*>([^<]*)</tspan>", role_chart))
    assert "Parent or guardian of a student" in words and "…" not in role_chart  # wrapped
    posts = html.count("Forum posts by language")
    assert posts <= 1  # no forum posts here; when there are, the column reads "Posts"


def test_week_labels_follow_the_staff_language(app, client, sign_in, engagement):
    email = sign_in("facilitator")
    with app.app_context():
        user = db.session.scalars(select(User).filter_by(email=email)).one()
        user.preferred_language = "es"
        db.session.commit()
    html = client.get(f"/staff/review/engagements/{engagement}").get_data(as_text=True)
    months = "ene feb mar abr may jun jul ago sept oct nov dic".split()
    for iso, label in re.findall(r'data-week="([\d-]+)">([^<]+)<', html):
        day = date.fromisoformat(iso)
        assert label == f"{day.day} {months[day.month - 1]}"


def run_now(app, engagement_id):
    with app.app_context():
        engagement = db.session.get(Engagement, engagement_id)
        run = theme_runs.start_run(engagement, {"seed": 0, "n_themes": 2}, actor=None)
        db.session.commit()
        runner.claim(run.id)
        runner.work(run.id, "tfidf")
        run = db.session.get(AnalysisRun, run.id)
        assert run.status == RunStatus.DONE, run.message
        return run.id


def biggest_theme(app, run_id) -> tuple[int, int]:
    with app.app_context():
        themes = db.session.scalars(select(Theme).filter_by(run_id=run_id)).all()
        theme = max(themes, key=lambda t: len(t.assignments))
        return theme.id, len(theme.assignments)


def test_theme_answers_come_in_pages_and_move_to_starts_empty(app, client, sign_in, engagement):
    run_id = run_now(app, engagement)
    theme_id, size = biggest_theme(app, run_id)
    assert size > 20
    sign_in("facilitator")
    html = client.get(f"/staff/themes/themes/{theme_id}").get_data(as_text=True)
    assert html.count('<li class="member') == 20
    assert f"Answers 1 to 20 of {size}." in html and 'aria-current="page">1<' in html
    selects = re.findall(r'<select id="move-\d+" name="move-target">(.*?)</select>', html)
    assert selects and all(
        s.startswith('<option value="" selected>Choose a theme</option>') for s in selects
    )
    second = client.get(f"/staff/themes/themes/{theme_id}?page=2").get_data(as_text=True)
    assert second.count('<li class="member') == size - 20 and 'start="21"' in second
    # Submitting "Move to" blank moves nothing and says so, back on the same page.
    assignment_id = re.search(r'id="member-(\d+)"', second).group(1)
    data = hidden_fields(second)
    response = client.post(
        f"/staff/themes/assignments/{assignment_id}/move",
        data={"csrf_token": data["csrf_token"], "move-target": "", "page": "2"},
    )
    assert response.status_code == 302 and "page=2" in response.location
    assert response.location.endswith(f"#member-{assignment_id}")
    back = client.get(response.location).get_data(as_text=True)
    assert "Choose a theme to move the answer to. Nothing was moved." in back
    beside = back.split(f'id="member-{assignment_id}"')[1].split("</li>")[0]
    assert f'id="move-{assignment_id}-error"' in beside  # beside the answer, not only at the top
    with app.app_context():
        assert db.session.get(ThemeAssignment, int(assignment_id)).theme_id == theme_id


def test_staff_home_says_what_needs_attention_per_role(app, client, sign_in, engagement):
    run_now(app, engagement)
    with app.app_context():
        survey = db.session.scalars(select(Survey)).first()
        for _i in range(6):
            survey_services.submit_response(
                survey,
                "en",
                {"competencies": ["wellbeing"]},
                survey_services.new_submission_token(),
            )
        framework = Framework(engagement_id=engagement, title={"en": "Profile"})
        db.session.add(framework)
        db.session.flush()
        db.session.add(
            FrameworkVersion(framework_id=framework.id, number=1, status=VersionStatus.IN_REVIEW)
        )
        db.session.commit()
    sign_in("facilitator")
    set_targets(client, engagement, "language,en,500\nlanguage,es,500\n")
    html = client.get("/staff/").get_data(as_text=True)
    attention = html.split('id="attention-heading"')[1].split("</section>")[0]
    assert "Under-heard: \u2068Español\u2069 (about" in attention
    assert "6 answers have arrived since theme run #" in attention
    assert "Version 1 is with the board" in attention
    assert "/staff/review/engagements/" in attention and "/staff/themes/" in attention
    client.post("/staff/sign-out", data=hidden_fields(html))
    sign_in("board")
    html = client.get("/staff/").get_data(as_text=True)
    assert "Version 1 is waiting for your vote." in html
    with app.app_context():
        assert db.session.scalars(select(User).filter_by(role=Role.BOARD)).first()


@pytest.mark.parametrize("language", ["hmn", "ar", "zh-Hans"])
def test_week_labels_in_every_staff_language_never_day_slash_month(
    app, client, sign_in, engagement, language
):
    email = sign_in("facilitator")
    with app.app_context():
        user = db.session.scalars(select(User).filter_by(email=email)).one()
        user.preferred_language = language
        db.session.commit()
    page = client.get(f"/staff/review/engagements/{engagement}")
    labels = re.findall(r'data-week="[\d-]+">([^<]+)<', page.get_data(as_text=True))
    assert page.status_code == 200 and labels
    assert not any(re.fullmatch(r"\d+/\d+", label) for label in labels)
