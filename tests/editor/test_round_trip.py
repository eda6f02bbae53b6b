"""Browser to file to import, on every question kind: a survey built through the editor's forms
(one question of each kind, a second page and a follow-up), opened, exported as TOML and imported
into another installation with `engage import-surveys` is the same survey."""

from sqlalchemy import select

from engage.editor.models import SurveyDraft
from engage.extensions import db
from engage.i18n import KNOWN_LANGUAGES
from engage.surveys.loader import load_survey_text
from engage.surveys.models import Survey
from tests.conftest import hidden_fields
from tests.editor.conftest import post_form
from tests.editor.test_pages import KIND_FORMS

LEFT_OUT = ["es", "zh-Hans", "vi", "ar", "pt-BR", "ht", "so", "hmn"]


def build_every_kind(client, draft_id):
    for kind, values in KIND_FORMS.items():
        url = f"/staff/editor/drafts/{draft_id}/questions/new?kind={kind}"
        response = post_form(client, url, key=f"k_{kind}", **values)
        assert response.status_code == 303, response.get_data(as_text=True)[:3000]
    # A follow-up on a second page, shown only to those who drive.
    url = f"/staff/editor/drafts/{draft_id}/questions/new?kind=open"
    response = post_form(
        client, url, key="why_drive", text="Why?", new_page="y", show_if=["k_yesno:yes"]
    )
    assert response.status_code == 303, response.get_data(as_text=True)[:3000]


def test_every_kind_survives_browser_to_toml_to_import(app, client, sign_in, draft_id, tmp_path):
    sign_in("admin")
    build_every_kind(client, draft_id)
    with app.app_context():
        built = db.session.get(SurveyDraft, draft_id).document["questions"]
        assert {q["kind"] for q in built} == set(KIND_FORMS)
        assert built[-1]["show_if"] == {"question": "k_yesno", "equals": ["yes"]}

    open_page = client.get(f"/staff/editor/drafts/{draft_id}/open").get_data(as_text=True)
    response = client.post(
        f"/staff/editor/drafts/{draft_id}/open",
        data=hidden_fields(open_page) | {"without": LEFT_OUT},
    )
    assert response.status_code == 303, response.get_data(as_text=True)[:3000]
    with app.app_context():
        survey = db.session.scalar(select(Survey).filter_by(slug="pulse"))
        survey_id, stored_keys = survey.id, [q.key for q in survey.questions]

    exported = client.get(f"/staff/editor/surveys/{survey_id}/export.toml")
    assert exported.status_code == 200
    text = exported.get_data(as_text=True)
    definition = load_survey_text(text, KNOWN_LANGUAGES, "pulse.toml")
    assert [q.key for q in definition.questions] == stored_keys
    assert {q.kind for q in definition.questions} == set(KIND_FORMS) | {"open"}
    follow_up = definition.questions[-1]
    assert follow_up.new_page and follow_up.show_if == {"question": "k_yesno", "equals": ["yes"]}
    grid = next(q for q in definition.questions if q.kind == "grid")
    assert [s.value for s in grid.statements] == ["safe", "heard"]

    # Another installation: the file, imported from a folder, is the same survey again.
    (tmp_path / "pulse.toml").write_text(text, encoding="utf-8")
    with app.app_context():
        db.session.delete(db.session.get(Survey, survey_id))
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["import-surveys", "--folder", str(tmp_path)])
    assert result.exit_code == 0, result.output
    with app.app_context():
        imported = db.session.scalar(select(Survey).filter_by(slug="pulse"))
        assert imported.source_text, "an imported version keeps its file's text"
        again = load_survey_text(imported.source_text, KNOWN_LANGUAGES, "pulse.toml")
        assert again == definition
        assert [(q.key, q.kind.value) for q in imported.questions] == [
            (q.key, q.kind) for q in definition.questions
        ]
        by_key = {q.key: q for q in imported.questions}
        assert by_key["k_single"].allow_other and by_key["k_number"].settings["max_value"] == 15
