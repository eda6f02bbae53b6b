"""The families' answering flow: every language, every kind of bad input, nothing lost."""

import re
import threading

import pytest
from sqlalchemy import func, inspect, select

from engage.extensions import db
from engage.i18n import KNOWN_LANGUAGES
from engage.surveys.models import Answer, Response
from tests.conftest import hidden_fields
from tests.factories import import_default_survey

URL = "/{lang}/surveys/graduate-profile"


@pytest.fixture
def survey(app):
    with app.app_context():
        import_default_survey()
        db.session.commit()


def open_form(client, lang="en"):
    page = client.get(URL.format(lang=lang))
    assert page.status_code == 200
    return hidden_fields(page.get_data(as_text=True))


def submit(client, lang="en", **answers):
    data = open_form(client, lang) | answers
    return client.post(URL.format(lang=lang), data=data)


def count_responses(app):
    with app.app_context():
        return db.session.scalar(select(func.count(Response.id)))


@pytest.mark.parametrize("code", list(KNOWN_LANGUAGES))
def test_survey_is_served_in_every_language(client, survey, code):
    page = client.get(URL.format(lang=code)).get_data(as_text=True)
    assert f'<html lang="{code}" dir="{"rtl" if code == "ar" else "ltr"}">' in page
    assert "not yet available in your language" not in page
    assert 'name="q_competencies"' in page and 'name="q_top_three-1"' in page


@pytest.mark.parametrize(
    ("code", "school"),
    [
        ("es", "Escuela Primaria Lincoln"),
        ("ar", "مدرسة لينكولن الابتدائية"),
        ("so", "Dugsiga Hoose"),
    ],
)
def test_school_names_are_in_the_family_language(client, survey, code, school):
    page = client.get(URL.format(lang=code)).get_data(as_text=True)
    assert school in page and "Lincoln Elementary School" not in page


def test_landing_redirects_by_accept_language(client, survey):
    assert client.get("/", headers={"Accept-Language": "vi-VN,vi;q=0.9"}).location == "/vi/"
    assert client.get("/", headers={"Accept-Language": "pt-PT"}).location == "/pt-BR/"
    assert client.get("/", headers={"Accept-Language": "zh-CN"}).location == "/zh-Hans/"
    assert client.get("/", headers={"Accept-Language": "de-DE"}).location == "/en/"


def test_unknown_language_in_url_is_not_found(client, survey):
    assert client.get("/xx/surveys/graduate-profile").status_code == 404


def test_a_complete_answer_is_stored_with_language_and_no_identity(app, client, survey):
    response = submit(
        client,
        "es",
        q_role="parent",
        q_school="westview-high",
        q_competencies=["critical_thinking", "languages"],
        **{"q_top_three-1": "languages", "q_top_three-2": "critical_thinking"},
        q_agree_languages="strongly_agree",
        q_hopes="Que piensen por sí mismos.",
        q_home_language="spanish",
    )
    assert response.status_code == 303
    receipt_page = client.get(response.location).get_data(as_text=True)
    with app.app_context():
        stored = db.session.scalar(select(Response))
        assert stored.language == "es" and stored.role == "parent"
        assert stored.school == "westview-high" and stored.home_language == "spanish"
        assert stored.receipt_code in receipt_page
        ranks = {a.option_value: a.rank for a in stored.answers if a.rank}
        assert ranks == {"languages": 1, "critical_thinking": 2}
        texts = [a.text for a in stored.answers if a.text]
        assert texts == ["Que piensen por sí mismos."]
        columns = {c["name"] for c in inspect(db.engine).get_columns("responses")}
    assert not columns & {"ip", "ip_address", "remote_addr", "name", "email", "user_agent"}


def test_missing_required_answer_keeps_everything_typed(app, client, survey):
    typed = "Pensamiento crítico <y> mucha paciencia & cariño"
    response = submit(client, "es", q_role="student", q_hopes=typed, q_agree_wellbeing="agree")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Por favor, responda esta pregunta." in page
    assert "Pensamiento crítico &lt;y&gt; mucha paciencia &amp; cariño</textarea>" in page
    assert 'value="student" checked' in page
    assert 'value="agree" checked' in page
    assert 'aria-invalid="true"' in page and 'id="q_competencies-error"' in page
    assert count_responses(app) == 0


def test_option_not_on_the_list_is_refused(app, client, survey):
    response = submit(client, q_competencies=["critical_thinking", "astrology"])
    assert response.status_code == 400
    assert "Please choose from the answers listed." in response.get_data(as_text=True)
    assert count_responses(app) == 0


def test_too_many_choices_is_refused(client, survey):
    chosen = [
        "critical_thinking",
        "communication",
        "collaboration",
        "creativity",
        "academics",
        "character",
    ]
    response = submit(client, q_competencies=chosen)
    assert response.status_code == 400
    assert "Please choose at most 5 answers." in response.get_data(as_text=True)


def test_ranking_with_duplicates_is_refused_and_kept(client, survey):
    response = submit(
        client,
        q_competencies=["wellbeing"],
        **{
            "q_top_three-1": "wellbeing",
            "q_top_three-2": "wellbeing",
            "q_top_three-3": "creativity",
        },
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Each answer can be ranked only once." in page
    checked = re.findall(r'name="(q_top_three-\d)"[^>]*value="(\w*)"[^>]*checked', page)
    assert ("q_top_three-1", "wellbeing") in checked and ("q_top_three-2", "wellbeing") in checked
    assert ("q_top_three-3", "creativity") in checked


def test_open_answer_over_the_limit_is_refused_and_kept(app, client, survey):
    long_text = "Quiero que aprendan. " * 250  # 5,249 characters once the last space is trimmed
    response = submit(client, "es", q_competencies=["wellbeing"], q_missing=long_text)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "5.249" in page and "4.000" in page  # numbers formatted for Spanish
    assert long_text.strip() in page
    assert count_responses(app) == 0


def test_missing_csrf_token_gives_the_form_back_filled_in(app, client, survey):
    data = open_form(client, "vi")
    del data["csrf_token"]
    response = client.post(
        URL.format(lang="vi"),
        data=data | {"q_competencies": "communication", "q_hopes": "Con biết suy nghĩ độc lập"},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Con biết suy nghĩ độc lập</textarea>" in page
    assert 'value="communication" checked' in page
    assert 'role="alert"' in page
    assert count_responses(app) == 0
    resend = client.post(
        URL.format(lang="vi"), data=hidden_fields(page) | {"q_competencies": "communication"}
    )
    assert resend.status_code == 303 and count_responses(app) == 1


def test_forged_csrf_token_is_refused(app, client, survey):
    data = open_form(client) | {"csrf_token": "forged", "q_competencies": "communication"}
    assert client.post(URL.format(lang="en"), data=data).status_code == 400
    assert count_responses(app) == 0


def test_double_submit_stores_one_response(app, client, survey):
    data = open_form(client, "ar") | {"q_competencies": "wellbeing"}
    first = client.post(URL.format(lang="ar"), data=data)
    second = client.post(URL.format(lang="ar"), data=data)  # back button, or a double tap
    assert first.status_code == second.status_code == 303
    assert first.location == second.location
    assert count_responses(app) == 1


def test_back_after_sending_shows_the_receipt_instead_of_a_form_to_send_again(app, client, survey):
    sent = submit(client, "es", q_competencies="wellbeing")
    code = sent.location.rsplit("/", 1)[-1]
    again = client.get(URL.format(lang="es"))  # Back, and the browser fetches the page again
    page = again.get_data(as_text=True)
    assert again.status_code == 200 and code in page
    assert 'name="q_competencies"' not in page and 'name="submission_token"' not in page
    assert count_responses(app) == 1
    # A person sharing the device starts afresh, and their answers are a second response.
    fresh = client.post(URL.format(lang="es") + "/again", data=hidden_fields(page))
    assert fresh.status_code == 303 and fresh.location.endswith(URL.format(lang="es"))
    second = submit(client, "es", q_competencies="languages")
    assert second.status_code == 303 and second.location != sent.location
    assert count_responses(app) == 2


def test_the_same_form_sent_twice_at_once_is_stored_once(app, survey):
    data = open_form(app.test_client()) | {"q_competencies": "wellbeing"}
    outcomes = _post_concurrently(app, [data] * 4)
    assert all(status == 303 for status, _location in outcomes)
    assert len({location for _status, location in outcomes}) == 1
    assert count_responses(app) == 1


def test_people_submitting_at_the_same_moment_are_all_stored(app, survey):
    forms = []
    for i in range(6):
        forms.append(
            open_form(app.test_client())
            | {"q_competencies": "communication", "q_hopes": f"Answer number {i}"}
        )
    outcomes = _post_concurrently(app, forms)
    assert [status for status, _ in outcomes] == [303] * 6
    with app.app_context():
        texts = set(db.session.scalars(select(Answer.text).where(Answer.text.is_not(None))))
    assert texts == {f"Answer number {i}" for i in range(6)}


def _post_concurrently(app, forms):
    """POST every form from its own thread, released together by a barrier."""
    barrier = threading.Barrier(len(forms))
    outcomes = [None] * len(forms)

    def post(index, data):
        client = app.test_client()
        with client.session_transaction() as session:
            session["csrf_token"] = _raw_csrf(app, data["csrf_token"])
        barrier.wait()
        response = client.post(URL.format(lang="en"), data=data)
        outcomes[index] = (response.status_code, response.location)

    threads = [threading.Thread(target=post, args=(i, d)) for i, d in enumerate(forms)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def _raw_csrf(app, signed_token):
    from itsdangerous import URLSafeTimedSerializer

    return URLSafeTimedSerializer(app.secret_key, salt="wtf-csrf-token").loads(signed_token)


def test_receipt_for_unknown_code_is_not_found(client, survey):
    assert client.get("/en/receipt/NOPE-NOPE").status_code == 404


def test_survey_page_is_light(client, survey):
    html = client.get(URL.format(lang="en")).get_data()
    with client.get("/static/engage.css") as css:
        assert len(html) + len(css.get_data()) < 60_000
