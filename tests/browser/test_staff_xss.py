"""Hostile answers, opened by a facilitator in a real browser: no script runs."""

import pytest

from engage.extensions import db
from tests.factories import make_user
from tests.review.test_stored_xss import hostile_response, staff_pages  # noqa: F401

pytestmark = pytest.mark.browser


def test_no_script_runs_on_staff_pages(app, live_server, browser, hostile_response):  # noqa: F811
    with app.app_context():
        email = make_user("facilitator").email
        db.session.commit()
    context = browser.new_context()
    page = context.new_page()
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(f"{live_server}/staff/sign-in")
    page.fill("#email", email)
    page.fill("#password", "correct horse battery")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server}/staff/")
    for url in staff_pages(hostile_response)[:3]:
        page.goto(f"{live_server}{url}")
        assert page.evaluate("typeof window.__xss") == "undefined", url
    page.goto(f"{live_server}/staff/review/responses/{hostile_response}")
    shown = page.locator("blockquote.answer").first.inner_text()
    assert '<script>window.__xss = "script"</script>' in shown
    assert dialogs == []
    context.close()
