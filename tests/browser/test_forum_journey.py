"""The forum journey: a family posts in Vietnamese on a phone without JavaScript, another
endorses the post, a third reports it, and a facilitator hides and restores it; the post's
history from the audit trail shows every step."""

import pytest
from sqlalchemy import select

from engage.audit import AuditEvent
from engage.extensions import db
from engage.forum.models import Post
from tests.factories import make_user
from tests.forum.conftest import make_thread

pytestmark = pytest.mark.browser

BODY = "Học sinh tốt nghiệp cần biết tự suy nghĩ.\nVà biết quan tâm đến cộng đồng."


@pytest.fixture
def forum(app):
    with app.app_context():
        slug = make_thread().slug
        email = make_user("facilitator").email
        db.session.commit()
    return slug, email


def _phone(browser, javascript=True):
    context = browser.new_context(
        viewport={"width": 360, "height": 740},
        is_mobile=True,
        has_touch=True,
        java_script_enabled=javascript,
    )
    return context, context.new_page()


def test_post_endorse_report_hide_restore_with_an_audit_trail(app, live_server, browser, forum):
    slug, email = forum
    thread_url = f"{live_server}/vi/conversations/{slug}"
    contexts = []
    try:
        # A family writes in Vietnamese, on a phone, with JavaScript off.
        family, page = _phone(browser, javascript=False)
        contexts.append(family)
        page.goto(thread_url)
        assert page.locator("html").get_attribute("lang") == "vi"
        assert page.locator("#language").input_value() == "vi"
        page.fill("#body", BODY)
        page.locator(".post-form button[type=submit]").click()
        article = page.locator("article.post").first
        post_id = article.get_attribute("id").removeprefix("post-")
        assert "Học sinh tốt nghiệp cần biết tự suy nghĩ." in article.inner_text()
        assert article.locator(".post-body br").count() == 1
        assert _fits_the_screen(page)

        # Another family, reading in English, sees the language and says it matters.
        other, reader = _phone(browser)
        contexts.append(other)
        reader.goto(f"{live_server}/en/conversations/{slug}")
        post = reader.locator(f"#post-{post_id}")
        assert "Tiếng Việt" in post.locator(".post-language").inner_text()
        post.locator(".endorse-button").click()
        assert "1 person" in reader.locator(f"#post-{post_id} .endorse-count").inner_text()
        assert reader.locator(f"#post-{post_id} .endorse-button").count() == 0

        # A third person reports it.
        third, reporter = _phone(browser)
        contexts.append(third)
        reporter.goto(f"{live_server}/en/conversations/{slug}")
        reporter.locator(f"#post-{post_id} .report-link").click()
        reporter.select_option("#reason", "personal")
        reporter.fill("#details", "It names a student.")
        reporter.locator("form.narrow-form button[type=submit]").click()
        assert reporter.url.startswith(f"{live_server}/en/conversations/{slug}")

        # A facilitator signs in, finds it in the queue, hides it with a reason, restores it.
        staff = browser.new_context()
        contexts.append(staff)
        desk = staff.new_page()
        desk.goto(f"{live_server}/staff/sign-in")
        desk.fill("#email", email)
        desk.fill("#password", "correct horse battery")
        desk.click("button[type=submit]")
        desk.wait_for_url(f"{live_server}/staff/")
        desk.locator("a[href='/staff/forum/moderation']").click()
        desk.locator(f"#queue-{post_id} a").click()
        desk.fill("#reason", "Names a student; please leave names out.")
        desk.click("#hide-button")
        assert desk.locator("#post-status").get_attribute("data-status") == "hidden"

        page.goto(thread_url)
        hidden = page.locator(f"#post-{post_id}")
        assert "Names a student; please leave names out." in hidden.inner_text()
        assert "Học sinh" not in hidden.inner_text()

        desk.click("#restore-button")
        assert desk.locator("#post-status").get_attribute("data-status") == "visible"
        history = desk.locator("#post-history .history-action").all_inner_texts()
        assert history == [
            "post.created",
            "post.endorsed",
            "post.reported",
            "post.hidden",
            "post.restored",
        ]
        page.goto(thread_url)
        assert "Học sinh tốt nghiệp" in page.locator(f"#post-{post_id}").inner_text()
    finally:
        for context in contexts:
            context.close()

    with app.app_context():
        stored = db.session.get(Post, int(post_id))
        assert (stored.language, stored.status.value) == ("vi", "visible")
        staff_actions = db.session.scalars(
            select(AuditEvent.action).where(AuditEvent.actor_id.is_not(None))
        ).all()
        assert staff_actions == ["post.hidden", "post.restored"]


def _fits_the_screen(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= 360
