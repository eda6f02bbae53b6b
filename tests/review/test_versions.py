"""Several versions of one survey: one export column per question key, a version column, a
question asked in some versions only; small versions left out of the answers export; the
comparison page; the version history with its audit events; theme runs over versions."""

import csv
import io

import pytest
from sqlalchemy import select

from engage.engagements.models import Engagement, EngagementStatus
from engage.extensions import db
from engage.i18n import KNOWN_LANGUAGES
from engage.review import theme_runs
from engage.surveys import services
from engage.surveys.loader import load_survey_file
from engage.surveys.models import Survey
from engage.surveys.versions import compare_versions, questions_across, version_ranges
from tests.factories import MINIMAL_SURVEY, make_user, write_survey

HEAD = """
slug = "pulse"
version = {version}
languages = ["en", "es", "ar"]

[title]
en = "Pulse"
es = "Pulso"
ar = "نبض"
"""

SCHOOL = """
[[questions]]
key = "school"
kind = "single"
maps_to = "school"
text.en = "Your school"
text.es = "Su escuela"
text.ar = "مدرستكم"

[[questions.options]]
value = "north"
text.en = "North High"
text.es = "Secundaria Norte"
text.ar = "الثانوية الشمالية"

[[questions.options]]
value = "none"
text.en = "Prefer not to say"
text.es = "Prefiero no decirlo"
text.ar = "أفضّل عدم القول"
"""

LIKES_V1 = """
[[questions]]
key = "likes"
kind = "single"
text.en = "Do you like school?"
text.es = "¿Le gusta la escuela?"
text.ar = "هل تحب المدرسة؟"

[[questions.options]]
value = "yes"
text.en = "Yes"
text.es = "Sí"
text.ar = "نعم"

[[questions.options]]
value = "no"
text.en = "No"
text.es = "No"
text.ar = "لا"
"""


def hopes(es_text="¿Qué espera?"):
    return f"""
[[questions]]
key = "hopes"
kind = "open"
text.en = "What do you hope for?"
text.es = "{es_text}"
text.ar = "ماذا تأمل؟"
"""


NEW_V2 = """
[[questions]]
key = "worries"
kind = "open"
max_length = 500
text.en = "What worries you?"
text.es = "¿Qué le preocupa?"
text.ar = "ما الذي يقلقك؟"
"""

LIKES_V3 = LIKES_V1.replace('value = "no"', 'value = "sometimes"').replace(
    'text.en = "No"', 'text.en = "Sometimes"'
)


def version_text(number: int) -> str:
    if number == 1:
        return HEAD.format(version=1) + hopes() + LIKES_V1 + SCHOOL
    if number == 2:
        return HEAD.format(version=2) + hopes("¿Qué desea?") + NEW_V2 + SCHOOL
    return HEAD.format(version=3) + hopes("¿Qué desea?") + NEW_V2 + LIKES_V3 + SCHOOL


def import_version(folder, number: int, engagement=None, actor=None) -> Survey:
    path = write_survey(folder, version_text(number), f"pulse-v{number}.toml")
    services.import_surveys(
        [load_survey_file(path, KNOWN_LANGUAGES)], engagement=engagement, actor=actor
    )
    return db.session.scalar(select(Survey).filter_by(slug="pulse", version=number))


def answer(survey, count, language="en", **answers):
    for _ in range(count):
        services.submit_response(survey, language, answers, services.new_submission_token())


@pytest.fixture
def three_versions(app, tmp_path):
    """Version 1: 11 responses, version 2: 2 (too few to list), version 3: 12, in English and
    Spanish; and a second survey with 5, the cell hidden beside version 2's count."""
    with app.app_context():
        engagement = Engagement(slug="e", name={"en": "E"}, status=EngagementStatus.OPEN)
        db.session.add(engagement)
        db.session.flush()
        admin = make_user("admin")
        v1 = import_version(tmp_path, 1, engagement, actor=admin)
        answer(v1, 6, hopes="More art", likes="yes", school="north")
        answer(v1, 5, "es", hopes="More art", likes="yes", school="north")
        v2 = import_version(tmp_path, 2)  # no engagement given: it stays in v1's
        answer(v2, 2, hopes="Less homework", worries="Buses")
        v3 = import_version(tmp_path, 3)
        path = write_survey(tmp_path, MINIMAL_SURVEY, "mini.toml")
        services.import_surveys([load_survey_file(path, KNOWN_LANGUAGES)], engagement=engagement)
        answer(db.session.scalar(select(Survey).filter_by(slug="mini")), 5, favourite="a")
        answer(v3, 7, hopes="Music", worries="Safety", likes="sometimes", school="north")
        answer(v3, 5, "es", hopes="Music", worries="Safety", likes="sometimes", school="north")
        db.session.commit()
        return {"engagement": engagement.id, "ids": [v1.id, v2.id, v3.id], "admin": admin.email}


def rows_of(body: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(body.lstrip("\ufeff"))))


def test_version_ranges_join_runs():
    assert version_ranges([1, 2, 3]) == "1–3"
    assert version_ranges([3, 1, 4]) == "1, 3–4"
    assert version_ranges([2]) == "2"


def test_a_new_version_stays_in_the_engagement_and_closes_the_older(app, three_versions):
    with app.app_context():
        surveys = [db.session.get(Survey, i) for i in three_versions["ids"]]
        assert {s.engagement_id for s in surveys} == {three_versions["engagement"]}
        assert [s.status.value for s in surveys] == ["closed", "closed", "open"]


def test_questions_across_versions_are_one_per_key(app, three_versions):
    with app.app_context():
        surveys = [db.session.get(Survey, i) for i in three_versions["ids"]]
        across = questions_across(surveys)
        assert [entry.key for entry in across] == ["hopes", "worries", "likes", "school"]
        by_key = {entry.key: entry for entry in across}
        assert by_key["hopes"].in_every_version and by_key["hopes"].versions == [1, 2, 3]
        assert by_key["worries"].versions_label == "2–3"
        assert by_key["likes"].versions_label == "1, 3"


def test_the_answers_export_has_one_column_per_question_and_a_version_per_row(
    client, sign_in, three_versions
):
    sign_in("facilitator")
    newest = three_versions["ids"][2]
    response = client.get(f"/staff/review/surveys/{newest}/responses.csv")
    assert response.status_code == 200
    assert 'filename="pulse-responses.csv"' in response.headers["Content-Disposition"]
    rows = rows_of(response.get_data(as_text=True))
    header = list(rows[0])
    assert header[:5] == ["receipt", "version", "submitted_on", "language", "source"]
    assert [h.split(":")[0] for h in header[5:]] == ["hopes", "worries", "likes"]
    assert "(asked in versions 2–3)" in header[6] and "(asked in versions 1, 3)" in header[7]
    assert "asked in" not in header[5]  # kept in every version: one plain column
    # Version 2 has 2 responses: its rows would give that number back, so they are left out.
    assert sorted({row["version"] for row in rows}) == ["1", "3"]
    assert len(rows) == 23
    v1 = [row for row in rows if row["version"] == "1"]
    v3 = [row for row in rows if row["version"] == "3"]
    assert {row[header[5]] for row in v1} == {"More art"}
    assert {row[header[6]] for row in v1} == {""}  # not asked in version 1
    assert {row[header[7]] for row in v1} == {"Yes"}
    assert {(row[header[6]], row[header[7]]) for row in v3} == {("Safety", "Sometimes")}


def test_the_exports_page_names_the_versions_left_out(client, sign_in, three_versions):
    sign_in("facilitator")
    page = client.get(f"/staff/review/surveys/{three_versions['ids'][2]}/export")
    html = page.get_data(as_text=True)
    assert "Versions included: 1, 3." in html
    assert "to protect a small group: version 2" in html


def test_when_only_the_total_could_protect_a_small_version_nothing_is_exported(
    app, client, sign_in, tmp_path
):
    with app.app_context():
        engagement = Engagement(slug="e", name={"en": "E"}, status=EngagementStatus.OPEN)
        db.session.add(engagement)
        answer(import_version(tmp_path, 1, engagement), 3, hopes="A")
        newest = import_version(tmp_path, 2)
        answer(newest, 10, hopes="B")
        db.session.commit()
        newest_id = newest.id
    sign_in("facilitator")
    # 13 in all and 10 in version 2 would give version 1's 3 back: neither is exported
    export = client.get(f"/staff/review/surveys/{newest_id}/responses.csv")
    assert export.status_code == 302
    html = client.get(f"/staff/review/surveys/{newest_id}/export").get_data(as_text=True)
    assert "Not available yet" in html and "version 1, 2" in html


def test_the_full_export_keeps_every_version(client, sign_in, three_versions):
    from tests.conftest import hidden_fields

    sign_in("admin")
    url = f"/staff/review/surveys/{three_versions['ids'][2]}/export"
    html = client.get(url).get_data(as_text=True)
    export = client.post(
        f"/staff/review/surveys/{three_versions['ids'][2]}/responses-full.csv",
        data=hidden_fields(html) | {"reason": "Board report by school"},
    )
    rows = rows_of(export.get_data(as_text=True))
    assert sorted({row["version"] for row in rows}) == ["1", "2", "3"] and len(rows) == 25
    header = list(rows[0])
    assert any(h.startswith("school:") for h in header)
    assert {row["school"] for row in rows if row["version"] == "2"} == {""}


def test_a_small_version_is_not_listed_and_the_dashboard_counts_every_version(
    client, sign_in, three_versions
):
    sign_in("facilitator")
    listing = client.get(f"/staff/review/responses?survey={three_versions['ids'][1]}")
    assert "data-listing-refused" in listing.get_data(as_text=True)
    dashboard = client.get(f"/staff/review/engagements/{three_versions['engagement']}")
    html = dashboard.get_data(as_text=True)
    assert dashboard.status_code == 200
    assert html.count("/staff/survey-versions/pulse") == 1  # one link per survey, not version
    v1, v2, v3 = three_versions["ids"]
    assert f"/surveys/{v3}/export" in html  # one export for all versions, beside the newest
    assert f"/surveys/{v1}/export" not in html and f"/surveys/{v2}/export" not in html


def test_dashboard_figures_count_all_versions_with_small_cells_hidden(app, three_versions):
    from engage.i18n import localized
    from engage.privacy import is_shown
    from engage.review import dashboard

    with app.test_request_context():
        engagement = db.session.get(Engagement, three_versions["engagement"])
        figures = dashboard.participation(engagement, KNOWN_LANGUAGES["en"], localized)
        assert figures["language"].total == 30
        school = {row.group: row.count for row in figures["school"].rows}
        assert school["north"] == 23  # versions 1 and 3
        assert figures["school"].not_answered == 7  # version 2 and the other survey
        # the 2 of version 2 are never shown on their own: the listing refuses them
        roles = figures["role"]
        assert roles.total == 30 and all(is_shown(row.count) for row in roles.rows)


def test_compare_two_versions_side_by_side(client, sign_in, three_versions):
    sign_in("facilitator")
    page = client.get("/staff/survey-versions/pulse/compare?from=1&to=3")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "added 1, removed 0, changed 2, unchanged 1." in html
    assert 'id="q-worries" data-change="added"' in html
    assert "¿Qué espera?" in html and "¿Qué desea?" in html  # hopes: Spanish text changed
    assert 'data-option="no" data-option-change="removed"' in html
    assert 'data-option="sometimes" data-option-change="added"' in html
    assert client.get("/staff/survey-versions/pulse/compare?from=1&to=9").status_code == 404
    assert client.get("/staff/survey-versions/nothing").status_code == 404


def test_compare_versions_matches_questions_by_key(app, three_versions):
    with app.app_context():
        v1, v2, _v3 = (db.session.get(Survey, i) for i in three_versions["ids"])
        comparison = compare_versions(v1, v2)
        changes = {q.key: q for q in comparison.questions}
        assert changes["likes"].change == "removed" and changes["worries"].change == "added"
        assert changes["hopes"].texts[0].by_language == {"es": ("¿Qué espera?", "¿Qué desea?")}
        assert changes["school"].change == "same"
        assert changes["worries"].after.max_length == 500


def test_the_history_lists_versions_and_who_imported_them(client, sign_in, three_versions):
    sign_in("facilitator")
    page = client.get("/staff/survey-versions/pulse")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert html.count('data-event="survey.imported"') == 3
    assert three_versions["admin"] in html  # version 1 was imported by the admin
    assert "the system (a command or the file import)" in html
    assert 'href="/staff/survey-versions/pulse/compare?from=2&amp;to=3"' in html
    # the responses of version 2 are too few to show
    assert "<td>fewer than 5</td>" in html or "<td>hidden</td>" in html


def test_survey_text_on_the_version_pages_is_escaped(app, client, sign_in, tmp_path):
    with app.app_context():
        text = version_text(1).replace('"Pulse"', '"<script>alert(1)</script>"')
        text = text.replace('"North High"', '"<img src=x onerror=alert(2)>"')
        path = write_survey(tmp_path, text, "bad.toml")
        services.import_surveys([load_survey_file(path, KNOWN_LANGUAGES)])
        path = write_survey(tmp_path, text.replace("version = 1", "version = 2"), "b2.toml")
        services.import_surveys([load_survey_file(path, KNOWN_LANGUAGES)])
        db.session.commit()
    sign_in("facilitator")
    for url in ("/staff/survey-versions/pulse", "/staff/survey-versions/pulse/compare"):
        html = client.get(url).get_data(as_text=True)
        assert "<script>alert(1)" not in html and "<img src=x" not in html


def test_theme_runs_take_a_kept_question_once_with_every_versions_answers(app, three_versions):
    with app.app_context():
        groups = theme_runs.open_question_groups(three_versions["engagement"])
        assert [(g.key, g.versions) for g in groups] == [("hopes", [1, 2, 3]), ("worries", [2, 3])]
        hopes_newest = groups[0].newest.id
        sources = theme_runs.collect_sources(
            three_versions["engagement"], {"question_ids": [hopes_newest], "include_forum": False}
        )
        assert sorted({s.text for s in sources}) == ["Less homework", "More art", "Music"]
        assert len(sources) == 25


def test_the_theme_run_form_offers_each_question_once(client, sign_in, three_versions):
    sign_in("facilitator")
    html = client.get("/staff/themes/").get_data(as_text=True)
    assert html.count("What do you hope for?") == 1
    assert "What worries you? (asked in versions 2–3)" in html


def test_contributions_carry_their_question_key(app, three_versions):
    from engage.review.contributions import texts_for
    from engage.surveys.models import Answer

    with app.app_context():
        ids = db.session.scalars(select(Answer.id).where(Answer.text == "Buses")).all()
        found = texts_for([f"a:{i}" for i in ids])
        assert {item.question_key for item in found.values()} == {"worries"}
