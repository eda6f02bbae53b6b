"""What a request may carry: a size limit and a field-count limit, each refused with a friendly
413 page in the visitor's language (the survey or thread page again, saying what happened); and
ids in URLs, queries and forms that do not fit a database id give 404s, never 500s."""

import re

import pytest
from werkzeug.routing import Rule

from engage.auth.models import Role
from engage.extensions import db
from tests.conftest import hidden_fields
from tests.factories import import_default_survey
from tests.forum.conftest import make_thread, thread_url

SURVEY = "/{lang}/surveys/graduate-profile"
TWENTY_MB = 20 * 1024 * 1024


@pytest.fixture
def survey(app):
    with app.app_context():
        import_default_survey()
        db.session.commit()


def _form_post(client, url, body: bytes):
    return client.post(url, data=body, content_type="application/x-www-form-urlencoded")


def test_a_20_mb_survey_post_is_refused_before_it_is_read(client, survey):
    data = hidden_fields(client.get(SURVEY.format(lang="es")).get_data(as_text=True))
    body = ("&".join(f"{k}={v}" for k, v in data.items()) + "&q_hopes=").encode()
    body += b"x" * TWENTY_MB
    response = _form_post(client, SURVEY.format(lang="es"), body)
    assert response.status_code == 413
    page = response.get_data(as_text=True)
    assert '<html lang="es"' in page
    assert 'class="survey-form"' in page and 'name="submission_token"' in page  # the survey again
    assert "xxxxxxxxxx" not in page  # nothing echoed back
    assert len(page) < 200_000


def test_5000_fields_are_refused(client, survey):
    data = hidden_fields(client.get(SURVEY.format(lang="ar")).get_data(as_text=True))
    fields = "&".join(f"{k}={v}" for k, v in data.items())
    body = (fields + "".join(f"&f{n}=1" for n in range(5000))).encode()
    assert len(body) < 1024 * 1024  # small: only the count is too large
    response = _form_post(client, SURVEY.format(lang="ar"), body)
    assert response.status_code == 413
    page = response.get_data(as_text=True)
    assert '<html lang="ar" dir="rtl"' in page and 'class="survey-form"' in page


def test_a_large_multipart_field_is_refused(client, survey):
    data = hidden_fields(client.get(SURVEY.format(lang="en")).get_data(as_text=True))
    data["q_hopes"] = "y" * 600_000  # under MAX_CONTENT_LENGTH, over MAX_FORM_MEMORY_SIZE
    body = b"".join(
        b'--B\r\nContent-Disposition: form-data; name="%s"\r\n\r\n%s\r\n'
        % (name.encode(), value.encode())
        for name, value in data.items()
    )
    response = client.post(
        SURVEY.format(lang="en"),
        data=body + b"--B--\r\n",
        content_type="multipart/form-data; boundary=B",
    )
    assert response.status_code == 413


def test_a_huge_forum_post_gives_the_thread_back_with_the_reason(app, client):
    with app.app_context():
        slug = make_thread().slug
        db.session.commit()
    response = _form_post(client, thread_url(slug, "vi"), b"body=" + b"z" * TWENTY_MB)
    assert response.status_code == 413
    page = response.get_data(as_text=True)
    assert '<html lang="vi"' in page and 'name="body"' in page


def test_other_pages_refuse_a_huge_post_with_a_friendly_page(client):
    response = _form_post(client, "/staff/sign-in", b"email=" + b"a" * TWENTY_MB)
    assert response.status_code == 413
    page = response.get_data(as_text=True)
    assert "Too much was sent" in page and "nothing was saved" in page


def test_the_limits_are_settings(app):
    assert app.config["MAX_CONTENT_LENGTH"] == 1024 * 1024
    assert app.config["MAX_FORM_MEMORY_SIZE"] == 500_000
    assert app.config["MAX_FORM_PARTS"] == 1000


# Ids ------------------------------------------------------------------------------------------

HUGE_IDS = ["2147483648", "99999999999999999999999999", "-1", "0", "1e9"]


def _fill(rule: Rule, huge: str) -> str:
    path = rule.rule
    for name in rule.arguments:
        kind = type(rule._converters[name]).__name__
        value = huge if kind == "DatabaseIdConverter" else ("en" if name == "lang_code" else "x")
        path = re.sub(rf"<(?:[^:<>]+:)?{name}>", value, path)
    return path


def _id_rules(app) -> list[Rule]:
    return [
        rule
        for rule in app.url_map.iter_rules()
        if any(type(c).__name__ == "DatabaseIdConverter" for c in rule._converters.values())
    ]


@pytest.mark.parametrize("role", [None, *Role])
def test_every_route_with_an_id_gives_404_for_an_id_that_cannot_exist(app, client, sign_in, role):
    if role is not None:
        sign_in(role)
    rules = _id_rules(app)
    assert len(rules) > 30
    for rule in rules:
        for huge in HUGE_IDS:
            url = _fill(rule, huge)
            for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
                response = client.open(url, method=method)
                assert response.status_code == 404, (method, url, response.status_code)


@pytest.mark.parametrize("huge", HUGE_IDS)
def test_ids_and_pages_in_queries_never_fail(app, client, sign_in, survey, huge):
    with app.app_context():
        slug = make_thread().slug
        db.session.commit()
    public = [
        f"{thread_url(slug)}?reply_to={huge}&page={huge}",
        f"{thread_url(slug)}?page={huge}&sort=endorsed",
    ]
    for url in public:
        assert client.get(url).status_code == 200, url
    sign_in("admin")
    staff = [
        f"/staff/review/responses?survey={huge}&page={huge}",
        f"/staff/admin/audit?actor={huge}&page={huge}",
        f"/staff/paper/?survey={huge}",
        f"/staff/desk/?page={huge}",
    ]
    for url in staff:
        assert client.get(url).status_code in (200, 302), url  # the desk may send on to a language


def test_ids_in_forms_never_fail(app, client, survey):
    with app.app_context():
        slug = make_thread().slug
        db.session.commit()
    data = hidden_fields(client.get(thread_url(slug)).get_data(as_text=True))
    for huge in HUGE_IDS:
        response = client.post(
            thread_url(slug), data=data | {"body": "A reply.", "language": "en", "parent_id": huge}
        )
        assert response.status_code in (303, 400), huge
