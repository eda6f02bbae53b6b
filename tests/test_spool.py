"""The spool: answers sent while the database is away are kept on the app server, the family
gets a receipt, and the drain stores each one exactly once."""

import threading

import pytest
from sqlalchemy import select

from engage.extensions import db
from engage.review.counts import stored_counts
from engage.surveys import cache, spool
from engage.surveys.models import Answer, Response
from tests.conftest import hidden_fields
from tests.factories import import_default_survey
from tests.surveys.outage import database_down

URL = "/{lang}/surveys/graduate-profile"
ANSWER = {
    "q_role": "parent",
    "q_competencies": ["critical_thinking", "languages"],
    "q_top_three-1": "languages",
    "q_hopes": "Que aprendan a pensar.",
}


@pytest.fixture
def survey(app, tmp_path, monkeypatch):
    cache.clear()
    monkeypatch.setitem(app.config, "SPOOL_PATH", str(tmp_path / "spool.sqlite"))
    with app.app_context():
        import_default_survey()
        db.session.commit()
    assert app.test_client().get(URL.format(lang="en")).status_code == 200  # cached


def open_form(client, lang="es"):
    page = client.get(URL.format(lang=lang))
    assert page.status_code == 200
    return hidden_fields(page.get_data(as_text=True))


def responses(app):
    with app.app_context():
        return db.session.execute(select(Response.receipt_code, Response.submission_token)).all()


def test_an_answer_sent_during_an_outage_gets_a_receipt_and_is_stored_once(app, client, survey):
    data = open_form(client) | ANSWER
    with database_down(app):
        sent = client.post(URL.format(lang="es"), data=data)
        assert sent.status_code == 303
        again = client.post(URL.format(lang="es"), data=data)  # the family taps Send again
        assert again.location == sent.location
        receipt = client.get(sent.location)
        assert receipt.status_code == 200
        page = receipt.get_data(as_text=True)
        assert "se contarán en unos minutos" in page
        assert "Read and rate" not in page
        assert spool.status(app)["waiting"] == 1
    assert responses(app) == []
    with app.app_context():
        outcome = spool.drain()
    assert outcome == {"stored": 1, "already": 0, "failed": 0, "waiting": 0}
    code = sent.location.rsplit("/", 1)[1]
    assert responses(app) == [(code, data["submission_token"])]
    with app.app_context():
        texts = db.session.scalars(select(Answer.text).where(Answer.text.is_not(None))).all()
        assert texts == ["Que aprendan a pensar."]
        assert sum(c for (_s, d, _v), c in stored_counts().items() if d == "language") == 1
        assert spool.drain()["stored"] == 0  # a second drain finds nothing to do
    thanks = client.get(sent.location).get_data(as_text=True)
    assert "se contarán en unos minutos" not in thanks and code in thanks
    assert len(responses(app)) == 1


def test_a_crash_between_commit_and_spool_delete_does_not_duplicate(app, client, survey):
    with database_down(app):
        for _ in range(2):
            assert client.post(URL.format(lang="en"), data=open_form(client, "en") | ANSWER)
    assert spool.status(app)["waiting"] == 2
    real_delete = spool._delete
    calls = []

    def crash_once(connection, token):
        calls.append(token)
        if len(calls) == 1:
            raise KeyboardInterrupt("the process died here")
        real_delete(connection, token)

    with app.app_context():
        spool._delete = crash_once
        try:
            with pytest.raises(KeyboardInterrupt):
                spool.drain()
        finally:
            spool._delete = real_delete
    assert len(responses(app)) == 2  # committed (one batch), but still in the spool
    assert spool.status(app)["waiting"] == 2
    with app.app_context():
        outcome = spool.drain()
    assert outcome == {"stored": 0, "already": 2, "failed": 0, "waiting": 0}
    assert len(responses(app)) == 2


def test_a_crash_in_the_slow_path_does_not_duplicate_either(app, client, survey, monkeypatch):
    with database_down(app):
        for _ in range(3):
            client.post(URL.format(lang="en"), data=open_form(client, "en") | ANSWER)
    monkeypatch.setattr(spool, "BATCH", 1)
    real_delete = spool._delete
    calls = []

    def crash_second(connection, token):
        calls.append(token)
        if len(calls) == 2:
            raise KeyboardInterrupt("the process died here")
        real_delete(connection, token)

    with app.app_context():
        monkeypatch.setattr(spool, "_delete", crash_second)
        with pytest.raises(KeyboardInterrupt):
            spool.drain()
        monkeypatch.setattr(spool, "_delete", real_delete)
        assert len(responses(app)) == 2 and spool.status(app)["waiting"] == 2
        assert spool.drain() == {"stored": 1, "already": 1, "failed": 0, "waiting": 0}
    assert len(responses(app)) == 3


def test_an_entry_that_cannot_be_stored_stays_and_the_others_go(app, client, survey):
    with database_down(app):
        for _ in range(3):
            client.post(URL.format(lang="en"), data=open_form(client, "en") | ANSWER)
    import sqlite3

    with sqlite3.connect(spool.spool_path(app)) as connection:
        token = connection.execute("SELECT token FROM spooled LIMIT 1").fetchone()[0]
        connection.execute("UPDATE spooled SET survey_id = 999999 WHERE token = ?", (token,))
    with app.app_context():
        assert spool.drain() == {"stored": 2, "already": 0, "failed": 1, "waiting": 1}
    status = spool.status(app)
    assert status["failing"] == 1 and "no longer in the database" in status["last_error"]
    assert len(responses(app)) == 2


def test_two_drains_at_once_store_each_answer_once(app, client, survey):
    with database_down(app):
        for _ in range(5):
            client.post(URL.format(lang="en"), data=open_form(client, "en") | ANSWER)
    assert spool.status(app)["waiting"] == 5
    outcomes = []

    def run():
        with app.app_context():
            outcomes.append(spool.drain())
            db.session.remove()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(o["stored"] for o in outcomes) == 5
    assert len(responses(app)) == 5
    assert spool.status(app)["waiting"] == 0


def test_a_form_resent_after_the_database_is_back_is_stored_once(app, client, survey):
    data = open_form(client) | ANSWER
    with database_down(app):
        sent = client.post(URL.format(lang="es"), data=data)
    again = client.post(URL.format(lang="es"), data=data)  # back before the drain ran
    assert again.status_code == 303
    with app.app_context():
        assert spool.drain() == {"stored": 0, "already": 1, "failed": 0, "waiting": 0}
    assert len(responses(app)) == 1
    assert sent.status_code == 303


def test_when_even_the_spool_cannot_be_written_the_form_comes_back(app, client, survey, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    app.config["SPOOL_PATH"] = str(blocker / "spool.sqlite")
    data = open_form(client) | ANSWER
    with database_down(app):
        sent = client.post(URL.format(lang="es"), data=data)
    page = sent.get_data(as_text=True)
    assert sent.status_code == 503
    assert "inténtelo de nuevo en un minuto" in page
    assert "Que aprendan a pensar.</textarea>" in page
    assert 'value="critical_thinking" checked' in page
    assert f'value="{data["submission_token"]}"' in page  # a retry is still one answer
    assert responses(app) == []


def test_the_spool_commands(app, client, survey, runner):
    with database_down(app):
        client.post(URL.format(lang="en"), data=open_form(client, "en") | ANSWER)
        result = runner.invoke(args=["spool", "drain"])
        assert result.exit_code == 1 and "1 still waiting" in result.output
    status = runner.invoke(args=["spool", "status"])
    assert status.exit_code == 0 and "1 waiting" in status.output
    result = runner.invoke(args=["spool", "drain"])
    assert result.exit_code == 0, result.output
    assert "1 stored, 0 were already stored, 0 failed, 0 still waiting" in result.output
    assert "0 waiting" in runner.invoke(args=["spool", "status"]).output
    assert len(responses(app)) == 1


def test_a_forum_post_sent_during_an_outage_comes_back_with_its_text(app, client):
    from tests.forum.conftest import make_thread, thread_url

    with app.app_context():
        slug = make_thread().slug
        db.session.commit()
    page = client.get(thread_url(slug, "es")).get_data(as_text=True)
    data = hidden_fields(page) | {"body": "Que sepan escuchar <y> hablar.", "language": "es"}
    with database_down(app):
        sent = client.post(thread_url(slug, "es"), data=data)
        assert client.get(thread_url(slug, "es")).status_code == 503
    html = sent.get_data(as_text=True)
    assert sent.status_code == 503
    assert "inténtelo de nuevo en un minuto" in html
    assert "Que sepan escuchar &lt;y&gt; hablar.</textarea>" in html
    resent = client.post(thread_url(slug, "es"), data=hidden_fields(html) | data)
    assert resent.status_code == 303


def test_the_background_drainer_waits_for_the_database(app, client, survey):
    assert spool.drain_round(app) is None  # nothing spooled: not even a look at the database
    with database_down(app):
        client.post(URL.format(lang="en"), data=open_form(client, "en") | ANSWER)
        assert spool.drain_round(app)["waiting"] == 1
    assert spool.drain_round(app) == {"stored": 1, "already": 0, "failed": 0, "waiting": 0}
    assert len(responses(app)) == 1


def test_a_stored_answers_receipt_is_shown_while_the_database_is_away(app, client, survey):
    sent = client.post(URL.format(lang="en"), data=open_form(client, "en") | ANSWER)
    assert sent.status_code == 303
    with database_down(app):
        receipt = client.get(sent.location)
        assert receipt.status_code == 200
        assert sent.location.rsplit("/", 1)[1] in receipt.get_data(as_text=True)
        assert client.get("/en/receipt/not-a-code").status_code == 404


def test_a_drained_batch_keeps_each_answer_with_its_own_response(app, client, survey):
    sent = {}
    with database_down(app):
        for i in range(4):
            family = app.test_client()  # four families (one browser is shown its receipt)
            data = open_form(family, "es") | ANSWER | {"q_hopes": f"Respuesta {i}"}
            sent[data["submission_token"]] = f"Respuesta {i}"
            assert family.post(URL.format(lang="es"), data=data).status_code == 303
    with app.app_context():
        assert spool.drain()["stored"] == 4
        rows = db.session.execute(
            select(Response.submission_token, Answer.text)
            .join(Answer, Answer.response_id == Response.id)
            .where(Answer.text.is_not(None))
        ).all()
    assert dict(rows) == sent


def test_only_the_app_reads_the_spool(app, client, survey):
    with database_down(app):
        client.post(URL.format(lang="en"), data=open_form(client, "en") | ANSWER)
    assert spool.spool_path(app).stat().st_mode & 0o077 == 0
