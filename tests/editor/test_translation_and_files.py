"""The side-by-side translation, the family preview, and survey files in and out."""

import io
import tomllib
from dataclasses import asdict

from sqlalchemy import select

from config import BASE_DIR
from engage.editor import files, services
from engage.editor.models import SurveyDraft
from engage.editor.translation import completeness
from engage.extensions import db
from engage.i18n import KNOWN_LANGUAGES
from engage.surveys.loader import load_survey_file
from tests.conftest import hidden_fields
from tests.editor.conftest import document_of, post_form

STARTER = BASE_DIR / "surveys" / "graduate-profile.toml"


def with_questions(client, draft_id):
    base = f"/staff/editor/drafts/{draft_id}/questions/new?kind="
    post_form(
        client, base + "single", text="Who are you?", options="family | A family\nstaff | Staff"
    )
    post_form(client, base + "open", text="What should change?", help="Any language is fine")


def test_translating_side_by_side_with_completeness(app, client, sign_in, draft_id):
    sign_in("facilitator")
    with_questions(client, draft_id)
    url = f"/staff/editor/drafts/{draft_id}/translate/ar"
    page = client.get(url).get_data(as_text=True)
    assert 'class="source" lang="en" dir="ltr"' in page and 'lang="ar" dir="rtl"' in page
    assert "0 of 6 texts" in page
    response = post_form(
        client,
        url,
        **{
            "t:title": "استطلاع",
            "t:q/0/text": "من أنت؟",
            "t:q/0/option/0": "أسرة",
            "t:q/1/text": "",
        },
    )
    assert response.status_code == 303
    document = document_of(app, draft_id)
    assert document["title"] == {"en": "Pulse survey", "ar": "استطلاع"}
    assert document["questions"][0]["options"][0]["text"] == {"en": "A family", "ar": "أسرة"}
    overall, groups = completeness(document, "ar", "en")
    assert (overall.done, overall.total) == (3, 6)
    assert not groups[("question", 0)].complete and groups[("survey", None)].complete
    page = client.get(url).get_data(as_text=True)
    assert "3 of 6 texts" in page and ">أسرة</textarea>" in page


def test_a_translation_over_a_newer_save_is_kept(app, client, sign_in, draft_id):
    sign_in("facilitator")
    url = f"/staff/editor/drafts/{draft_id}/translate/es"
    data = hidden_fields(client.get(url).get_data(as_text=True))
    post_form(client, f"/staff/editor/drafts/{draft_id}/settings", title="New title")
    response = client.post(url, data=data | {"t:title": "Encuesta"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "changed by someone else" in page
    assert ">Encuesta</textarea>" in page
    assert "es" not in document_of(app, draft_id)["title"]


def test_the_working_language_is_not_translated_here(app, client, sign_in, draft_id):
    sign_in("facilitator")
    assert client.get(f"/staff/editor/drafts/{draft_id}/translate/en").status_code == 404


def test_preview_as_a_family_in_a_phone_frame(app, client, sign_in, draft_id):
    sign_in("facilitator")
    with_questions(client, draft_id)
    base = f"/staff/editor/drafts/{draft_id}/questions/new?kind="
    post_form(
        client,
        base + "grid",
        text="How true?",
        options="y | True\nn | False",
        statements="a | I feel safe\nb | I feel heard",
        new_page="y",
    )
    post_form(client, base + "yesno", text="Drive?")
    post_form(client, f"/staff/editor/drafts/{draft_id}/translate/ar", **{"t:q/0/text": "من أنت؟"})
    page = client.get(f"/staff/editor/drafts/{draft_id}/preview/ar").get_data(as_text=True)
    assert (
        'class="phone-frame"' in page
        and f"/staff/editor/drafts/{draft_id}/preview/ar/frame" in page
    )
    frame = client.get(f"/staff/editor/drafts/{draft_id}/preview/ar/frame")
    html = frame.get_data(as_text=True)
    assert frame.headers["X-Frame-Options"] == "SAMEORIGIN"
    assert "frame-ancestors 'self'" in frame.headers["Content-Security-Policy"]
    assert '<html lang="ar" dir="rtl">' in html
    assert "من أنت؟" in html and "What should change?" in html  # untranslated: falls back
    assert 'name="q_q1"' in html and "I feel heard" in html
    assert "الصفحة 2" in html  # "Page 2", from the Arabic catalog


def test_export_then_import_gives_the_same_survey(app, client, sign_in, engagement_id):
    sign_in("facilitator")
    page = client.get(f"/staff/editor/engagements/{engagement_id}/surveys").get_data(as_text=True)
    response = client.post(
        f"/staff/editor/engagements/{engagement_id}/surveys/new",
        data=hidden_fields(page) | {"starter": "graduate-profile.toml", "slug": "gp-copy"},
    )
    assert response.status_code == 303
    with app.app_context():
        draft_id = db.session.scalar(select(SurveyDraft.id))
    exported = client.get(f"/staff/editor/drafts/{draft_id}/export.toml")
    assert exported.headers["Content-Disposition"] == 'attachment; filename="gp-copy-draft.toml"'
    text = exported.get_data(as_text=True)
    original = tomllib.loads(STARTER.read_text(encoding="utf-8"))
    assert tomllib.loads(text) == original | {"slug": "gp-copy"}
    # The loader reads the exported file as the same survey as the shipped one.
    ours = files.check_text(text, KNOWN_LANGUAGES, "gp-copy.toml")
    theirs = load_survey_file(STARTER, KNOWN_LANGUAGES)
    skip = {"slug", "content_hash", "source_file", "source_text"}
    assert {k: v for k, v in asdict(ours).items() if k not in skip} == {
        k: v for k, v in asdict(theirs).items() if k not in skip
    }
    # And reading it in as a new draft elsewhere gives the document back.
    with app.app_context():
        db.session.delete(db.session.get(SurveyDraft, draft_id))
        db.session.commit()
    page = client.get(f"/staff/editor/engagements/{engagement_id}/surveys").get_data(as_text=True)
    response = client.post(
        f"/staff/editor/engagements/{engagement_id}/surveys/import",
        data=hidden_fields(page) | {"file": (io.BytesIO(text.encode()), "gp-copy.toml")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 303, response.get_data(as_text=True)
    with app.app_context():
        draft = db.session.scalar(select(SurveyDraft))
        assert draft.document == original | {"slug": "gp-copy"}


def test_a_broken_file_is_refused_naming_its_line(app, client, sign_in, draft_id):
    sign_in("facilitator")
    url = f"/staff/editor/drafts/{draft_id}"
    data = hidden_fields(client.get(url).get_data(as_text=True))
    broken = b'slug = "pulse"\nlanguages = ["en"]\ntitle = \n'
    response = client.post(
        f"{url}/import",
        data=data | {"file": (io.BytesIO(broken), "bad.toml")},
        content_type="multipart/form-data",
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "bad.toml" in page and "line 3" in page
    assert document_of(app, draft_id)["title"] == {"en": "Pulse survey"}


def test_a_file_the_loader_refuses_is_not_read_in(app, client, sign_in, draft_id):
    sign_in("facilitator")
    url = f"/staff/editor/drafts/{draft_id}"
    data = hidden_fields(client.get(url).get_data(as_text=True))
    bad = (
        b'slug = "x"\nlanguages = ["en"]\ntitle.en = "T"\n[[questions]]\nkey = "q1"\n'
        b'kind = "single"\ntext.en = "Q"\n[[questions.options]]\nvalue = "a"\ntext = "A"\n'
    )
    response = client.post(
        f"{url}/import",
        data=data | {"file": (io.BytesIO(bad), "one.toml")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert "needs at least two options" in response.get_data(as_text=True)


def test_a_partly_translated_draft_round_trips(app, client, sign_in, draft_id):
    sign_in("facilitator")
    with_questions(client, draft_id)
    post_form(client, f"/staff/editor/drafts/{draft_id}/translate/es", **{"t:title": "Encuesta"})
    before = document_of(app, draft_id)
    text = client.get(f"/staff/editor/drafts/{draft_id}/export.toml").get_data(as_text=True)
    url = f"/staff/editor/drafts/{draft_id}"
    data = hidden_fields(client.get(url).get_data(as_text=True))
    response = client.post(
        f"{url}/import",
        data=data | {"file": (io.BytesIO(text.encode()), "p.toml")},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert "It cannot open as it is yet" in response.get_data(as_text=True)
    assert document_of(app, draft_id) == before


def test_every_change_is_audited(app, client, sign_in, draft_id):
    from engage.audit import AuditEvent

    sign_in("facilitator")
    with_questions(client, draft_id)
    with app.app_context():
        actions = db.session.scalars(select(AuditEvent.action).filter_by(target_type="SurveyDraft"))
        assert list(actions) == [
            "survey_draft.created",
            "survey_draft.question_added",
            "survey_draft.question_added",
        ]
    assert services.__name__
