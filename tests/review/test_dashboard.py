"""The participation dashboard, targets, answers entered by staff, and the responses export."""

import csv
import io
import re

import pytest
from sqlalchemy import select

from engage.audit import AuditEvent
from engage.engagements.models import Engagement, EngagementStatus
from engage.engagements.services import TargetsFileError, parse_targets_csv
from engage.extensions import db
from engage.surveys import services as survey_services
from engage.surveys.models import Response, ResponseSource, Survey
from tests.conftest import hidden_fields
from tests.factories import import_default_survey


@pytest.fixture
def engagement(app):
    """An engagement whose groups are deliberately tiny in places."""
    with app.app_context():
        engagement = Engagement(
            slug="gp", name={"en": "Graduate profile"}, status=EngagementStatus.OPEN
        )
        db.session.add(engagement)
        survey = import_default_survey()
        survey.engagement = engagement
        groups = [("en", "parent", "westview-high")] * 40 + [("es", "student", "eastside-high")] * 7
        groups += [("so", "staff", "lincoln-elementary")] * 3 + [("hmn", "community", None)] * 5
        for language, role, school in groups:
            survey_services.submit_response(
                survey,
                language,
                {"competencies": ["wellbeing"], "role": role, "school": school},
                survey_services.new_submission_token(),
            )
        db.session.commit()
        return engagement.id, survey.id


# A count of 1-4 alone in a cell or label, after "label: ", or before "contributions".
SMALL_NUMBER = re.compile(r">\s*([1-4])\s*<|:\s*([1-4])\s*<|\b([1-4]) contributions")


def visible_small_counts(html: str) -> list[str]:
    """Counts of 1-4 people on a staff page (what suppression must never let through)."""
    body = html.split("<main", 1)[1]
    return ["".join(match) for match in SMALL_NUMBER.findall(body)]


def test_dashboard_shows_no_group_under_five(client, sign_in, engagement):
    engagement_id, _survey_id = engagement
    sign_in("facilitator")
    page = client.get(f"/staff/review/engagements/{engagement_id}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "40" in html and ">hidden<" in html
    assert "protects a small group" not in html  # every hidden cell reads the same
    assert visible_small_counts(html) == []
    assert visible_small_counts(client.get("/staff/").get_data(as_text=True)) == []


def test_targets_flag_under_heard_groups(client, sign_in, engagement):
    engagement_id, _survey_id = engagement
    sign_in("facilitator")
    url = f"/staff/review/engagements/{engagement_id}/targets"
    data = hidden_fields(client.get(url).get_data(as_text=True))
    response = client.post(
        url,
        data=data
        | {
            "csv_text": "dimension,group,enrolled\n"
            "language,en,500\nlanguage,es,400\nlanguage,so,100\n"
        },
    )
    assert response.status_code == 302
    html = client.get(f"/staff/review/engagements/{engagement_id}").get_data(as_text=True)
    under = html.split("Under-heard while there is still time")[1].split("</ul>")[0]
    assert "Español" in under and "English" not in under
    assert visible_small_counts(html) == []


def test_a_broken_targets_file_names_the_line_and_keeps_the_text(client, sign_in, engagement):
    engagement_id, _survey_id = engagement
    sign_in("facilitator")
    url = f"/staff/review/engagements/{engagement_id}/targets"
    data = hidden_fields(client.get(url).get_data(as_text=True))
    text = "dimension,group,enrolled\nlanguage,es,many\n"
    page = client.post(url, data=data | {"csv_text": text})
    html = page.get_data(as_text=True)
    assert page.status_code == 400
    assert "Line 2: “many” is not a number of people enrolled." in html
    assert "language,es,many" in html  # the typed text is kept, to correct it in place


def test_a_bad_code_names_the_line_the_value_and_the_valid_codes(client, sign_in, engagement):
    engagement_id, _survey_id = engagement
    sign_in("facilitator")
    url = f"/staff/review/engagements/{engagement_id}/targets"
    html = client.get(url).get_data(as_text=True)
    assert "westview-high" in html and "<code>es</code>" in html  # valid codes are listed
    text = "language,en,500\nlanguage,spanish,400\nschool,nowhere-high,10\n"  # no header
    page = client.post(url, data=hidden_fields(html) | {"csv_text": text})
    html = page.get_data(as_text=True)
    assert page.status_code == 400
    assert "Line 2: “spanish” is not a language code. Valid codes: en, es" in html
    assert "Line 3: “nowhere-high” is not a school code." in html
    assert "language,spanish,400" in html and "Nothing was saved" in html


def test_targets_page_shows_the_saved_figures_and_takes_lines_without_a_header(
    client, sign_in, engagement
):
    engagement_id, _survey_id = engagement
    sign_in("facilitator")
    url = f"/staff/review/engagements/{engagement_id}/targets"
    data = hidden_fields(client.get(url).get_data(as_text=True))
    text = 'language,en,600\nlanguage,es,"4,200"\nschool,westview-high,1350\n'
    assert client.post(url, data=data | {"csv_text": text}).status_code == 302
    html = client.get(url).get_data(as_text=True)
    saved = html.split('data-table="targets"')[1].split("</table>")[0]
    assert "Español" in saved and "4200" in saved and "88%" in saved
    assert "language,es,4200" in html  # the box holds the figures, ready to edit


def test_parse_targets_csv_reads_counts_per_dimension():
    targets = parse_targets_csv(
        '\ufeffdimension,group,enrolled\nlanguage,es,"4,200"\nschool,westview-high,1350\n'
    )
    assert {str(k): v for k, v in targets.items()} == {
        "language": {"es": 4200},
        "school": {"westview-high": 1350},
    }
    with pytest.raises(TargetsFileError):
        parse_targets_csv("group,enrolled\nes,4\n")


def test_staff_enter_answers_collected_on_paper(app, client, sign_in, engagement):
    _engagement_id, survey_id = engagement
    sign_in("facilitator")
    url = f"/staff/review/surveys/{survey_id}/enter"
    data = hidden_fields(client.get(url).get_data(as_text=True))
    answers = data | {
        "source": "paper",
        "answered_in": "so",
        "q_competencies": "wellbeing",
        "q_hopes": "Waxaan rabaa in ay wax bartaan.",
    }
    assert client.post(url, data=answers).status_code == 302
    assert client.post(url, data=answers).status_code == 302  # a double submit stores one
    with app.app_context():
        entered = db.session.scalars(select(Response).filter_by(source=ResponseSource.PAPER)).all()
        assert len(entered) == 1 and entered[0].language == "so"
        actions = db.session.scalars(select(AuditEvent.action)).all()
    assert "response.entered" in actions


def test_responses_export_is_excel_ready_and_neutralises_formulas(app, client, sign_in, engagement):
    _engagement_id, survey_id = engagement
    with app.app_context():
        survey = db.session.get(Survey, survey_id)
        survey_services.submit_response(
            survey,
            "en",
            {
                "competencies": ["wellbeing", "languages"],
                "hopes": '=HYPERLINK("http://evil.example","x")',
            },
            survey_services.new_submission_token(),
        )
        db.session.commit()
    sign_in("facilitator")
    response = client.get(f"/staff/review/surveys/{survey_id}/responses.csv")
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))
    assert len(rows) == 1 + 56
    hopes_column = next(i for i, name in enumerate(rows[0]) if name.startswith("hopes:"))
    assert rows[-1][hopes_column] == '\'=HYPERLINK("http://evil.example","x")'
    assert (
        "Taking care of their health and wellbeing"
        in rows[-1][rows[0].index(next(n for n in rows[0] if n.startswith("competencies:")))]
    )
