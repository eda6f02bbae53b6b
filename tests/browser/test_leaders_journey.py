"""A district leader at 1280x900, as a new user: the staff home says what needs attention, the
dashboard's charts read right and state the under-heard rule, a bad targets line is explained,
a theme run shows its progress without reloading, and a theme's answers come in pages with an
empty "Move to"."""

import re

import pytest

from config import BASE_DIR
from engage.demo import seed_demo
from engage.extensions import db
from engage.review import runner
from tests.factories import make_user

pytestmark = pytest.mark.browser


def work_queue(app):
    with app.app_context():
        assert runner.work_forever(app.config["THEME_ENCODER"], once=True) == 1
        db.session.remove()


def test_a_leader_sees_what_to_do_and_reads_the_figures_right(app, live_server, browser):
    with app.app_context():
        seed_demo(BASE_DIR / "surveys", n_responses=150)
        email = make_user("facilitator").email
        db.session.commit()
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    page = context.new_page()
    page.goto(f"{live_server}/staff/sign-in")
    page.fill("#email", email)
    page.fill("#password", "correct horse battery")
    page.click("button[type=submit]")

    # Staff home: what needs attention, each with a link to the page.
    attention = page.locator("ul.attention")
    assert attention.is_visible()
    text = attention.inner_text()
    assert "Under-heard:" in text and "more people" in text
    assert "No theme run yet." in text
    page.locator("ul.attention a", has_text="Who is being heard").click()

    # Dashboard: the rule in words, the gap in people, week labels in English, values on bars.
    notice = page.locator("#under-heard")
    assert notice.is_visible()
    assert "A group is under-heard when it has at least 5 answers fewer" in notice.inner_text()
    assert re.search(r"about \d+ more people", notice.inner_text())
    week_labels = page.locator("svg text[data-week]").all_text_contents()
    assert week_labels and all(re.fullmatch(r"[A-Z][a-z]{2} \d{1,2}", w) for w in week_labels)
    assert not any(re.search(r"\b\d{1,2}/\d{1,2}\b", w) for w in week_labels)  # no "9/11"
    role_labels = " ".join(page.locator("#chart-role-title ~ text tspan").all_text_contents())
    assert "Parent or guardian of a" in role_labels and "…" not in role_labels
    assert page.locator("svg text[data-value]").count() > 0
    posts = page.locator("table", has=page.locator("caption", has_text="Forum posts by language"))
    if posts.count():
        assert posts.locator("thead th").nth(1).inner_text() == "Posts"

    # Enrollment targets: current figures, valid codes, and a bad line explained in place.
    page.locator("main a", has_text="Enrollment targets").first.click()
    assert page.locator("table[data-table=targets]").is_visible()
    assert page.locator("table[data-table=codes] code", has_text="hmn").is_visible()
    page.fill("#csv_text", "language,en,500\nlanguage,spanish,400\n")
    page.click("button:has-text('Save targets')")
    summary = page.locator(".error-summary")
    assert summary.is_visible() and summary.bounding_box()["y"] < 900
    assert "Line 2: “spanish” is not a language code." in summary.inner_text()
    assert page.input_value("#csv_text") == "language,en,500\nlanguage,spanish,400\n"

    # A theme run: no self-reload; the status updates in place and links to the themes.
    page.click("nav.staff-nav >> text=Themes")
    page.fill("#n_themes", "3")
    page.click("text=Run the theme engine")
    assert page.locator('meta[http-equiv="refresh"]').count() == 0
    status = page.locator('#run-status[aria-live="polite"]')
    assert status.is_visible() and page.locator("#run-refresh").is_visible()
    url_before = page.url
    work_queue(app)
    page.locator("#run-status a", has_text="See its themes").wait_for(timeout=15000)
    assert page.url == url_before  # updated in place, not reloaded
    page.locator("#run-status a").click()

    # A theme: in pages of 20, actions grouped, "Move to" empty; a blank move does nothing.
    page.locator(".theme-card h3 a").first.click()
    members = page.locator("li.member")
    assert 0 < members.count() <= 20
    assert page.evaluate("document.documentElement.scrollHeight") < 9000
    selects = page.locator("select[name=move-target]")
    assert all(value == "" for value in selects.evaluate_all("els => els.map(e => e.value)"))
    assert page.locator("li.member").first.locator(".member-actions button").count() >= 3
    first_text = page.locator("li.member blockquote").first.inner_text()
    page.locator("li.member").first.locator("button:has-text('Move')").click()
    assert page.locator(".notice", has_text="Nothing was moved").is_visible()
    assert page.locator("li.member blockquote").first.inner_text() == first_text
    context.close()
