"""Rate limits tell people apart without tracking them: many families behind one school address
all get through, while one script (one browser, or fresh cookies each time) meets a limit; and
X-Forwarded-For counts only when the operator says a proxy sets it."""

from flask import request
from sqlalchemy import func, select

from config import TestConfig
from engage import create_app
from engage.extensions import db
from engage.limits import address_key, browser_key
from engage.surveys.models import Response
from tests.conftest import hidden_fields
from tests.factories import import_default_survey

URL = "/en/surveys/graduate-profile"
SCHOOL_ADDRESS = "192.0.2.44"


def _family(app, address=SCHOOL_ADDRESS):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def _answer(client, number):
    data = hidden_fields(client.get(URL).get_data(as_text=True))
    return client.post(
        URL,
        data=data | {"q_competencies": "critical_thinking", "q_hopes": f"Family {number} hopes."},
    )


def _stored(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(Response.id)))


def test_200_families_behind_one_address_are_all_stored_and_a_flood_is_cut_off(app):
    with app.app_context():
        import_default_survey()
        db.session.commit()
    # Within one limit window (no clock moves): a family night on the school's network.
    statuses = [_answer(_family(app), number).status_code for number in range(200)]
    assert statuses == [303] * 200
    assert _stored(app) == 200
    # A script that takes a fresh cookie (and so a fresh token) every time is still one
    # address: it meets the per-address ceiling (300 per 10 minutes by default).
    flood = [_answer(_family(app), number).status_code for number in range(200, 320)]
    assert 429 in flood and flood.index(429) == 100
    assert _stored(app) == 300
    # Families elsewhere are not held back by this address.
    assert _answer(_family(app, "198.51.100.7"), 999).status_code == 303


def test_one_browser_sending_again_and_again_meets_its_own_limit(app):
    with app.app_context():
        import_default_survey()
        db.session.commit()
    script = _family(app)
    statuses = [_answer(script, number).status_code for number in range(31)]
    assert statuses == [303] * 30 + [429]
    page = _answer(script, 31).get_data(as_text=True)
    assert "Too many answers were sent from this device" in page
    assert "Family 31 hopes.</textarea>" in page  # given back, filled in
    # Another family on the same network still gets through.
    assert _answer(_family(app), 32).status_code == 303


def test_a_forged_submission_token_gives_no_way_around_the_limit(app):
    with app.app_context():
        import_default_survey()
        db.session.commit()
    script = _family(app)
    data = hidden_fields(script.get(URL).get_data(as_text=True))
    statuses = []
    for number in range(31):
        forged = data | {"submission_token": f"{number:032x}", "q_competencies": "wellbeing"}
        statuses.append(script.post(URL, data=forged).status_code)
    assert statuses == [303] * 30 + [429]


def _keys(app, headers):
    with app.test_client() as client:
        client.environ_base["REMOTE_ADDR"] = "10.9.8.7"
        client.get("/en/", headers=headers)
        return request.remote_addr, address_key(), browser_key()


def test_forwarded_for_is_ignored_unless_a_proxy_is_configured(app, tmp_path):
    assert app.config["PROXY_COUNT"] == 0
    plain = _keys(app, {})
    forged = _keys(app, {"X-Forwarded-For": "203.0.113.9"})
    assert forged[0] == plain[0] == "10.9.8.7"
    assert forged[1] == plain[1]

    proxied = create_app(
        TestConfig,
        {
            "INSTANCE_PATH": str(tmp_path),
            "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
            "PROXY_COUNT": 1,
        },
    )
    try:
        first = _keys(proxied, {"X-Forwarded-For": "203.0.113.9"})
        second = _keys(proxied, {"X-Forwarded-For": "203.0.113.10"})
        # Only the last hop counts: a client cannot prepend addresses of its own choosing.
        chained = _keys(proxied, {"X-Forwarded-For": "1.2.3.4, 203.0.113.9"})
    finally:
        with proxied.app_context():
            db.session.remove()
            db.engine.dispose()  # this second app's connections, closed before the suite ends
    assert first[0] == "203.0.113.9" and second[0] == "203.0.113.10"
    assert first[1] != second[1]
    assert chained[0] == "203.0.113.9"
