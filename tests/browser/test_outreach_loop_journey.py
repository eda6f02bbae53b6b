"""The whole outreach loop, in the browser: a facilitator opens the Somali kit (offered first,
because Somali families are under-heard), prints the flyer and the paper survey, makes a batch
of numbered sheets; families answer through the flyer's QR code, its short link and the
``?via=flyer-so`` link; a staff member types the returned sheets in by keyboard; the dashboard
counts both channels, and hides a small cell so that no sum gives it back."""

import io
import re
from datetime import UTC, datetime

import numpy as np
import pytest
import zxingcpp
from PIL import Image

from engage.engagements.models import (
    Engagement,
    EngagementStatus,
    EngagementTarget,
    TargetDimension,
)
from engage.extensions import db
from engage.outreach.models import ShortLink
from engage.surveys import services as survey_services
from engage.surveys.models import Response, ResponseSource
from tests.factories import import_default_survey, make_user

pytestmark = pytest.mark.browser

#: How long a save may take on a busy machine (the CI box is shared) before the test fails.
WAIT = 20_000

#: Page sizes in PDF points (1/72 inch), as Chromium writes them in each page's MediaBox.
PAPER_POINTS = {"letter": (612, 792), "a4": (595.92, 842.88)}
PAGE = re.compile(rb"/Type\s*/Page(?![a-zA-Z])")
MEDIA_BOX = re.compile(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]")

SHEET_READY = (
    "number => document.activeElement && document.activeElement.id === 'sheet'"
    " && document.activeElement.value === String(number)"
)
FOCUS_ON = "id => document.activeElement && document.activeElement.id === id"

#: The channel table as the dashboard shows it: every cell, row total, column total and the
#: grand total, as text.
READ_CHANNEL_TABLE = """() => {
  const table = document.querySelector('[data-table=channels-by-language] table');
  const text = td => td.innerText.trim();
  const cells = {}, rows = {}, columns = {};
  table.querySelectorAll('td[data-cell]').forEach(td => { cells[td.dataset.cell] = text(td); });
  table.querySelectorAll('td[data-row-total]').forEach(td => {
    rows[td.dataset.rowTotal] = text(td);
  });
  const order = [...table.querySelectorAll('tbody tr:first-child td[data-cell]')]
    .map(td => td.dataset.cell.split('|')[1]);
  const foot = [...table.querySelectorAll('tfoot td')];
  order.forEach((code, i) => { columns[code] = text(foot[i]); });
  return {cells, rows, columns, total: text(table.querySelector('td[data-total]'))};
}"""


def pdf_pages(pdf: bytes) -> list[tuple[float, float]]:
    """The size of every page of a PDF Chromium printed."""
    assert pdf.startswith(b"%PDF")
    sizes = [(float(w), float(h)) for w, h in MEDIA_BOX.findall(pdf)]
    assert len(sizes) == len(PAGE.findall(pdf)), "every page has its own MediaBox"
    return sizes


def assert_paper(sizes, paper):
    width, height = PAPER_POINTS[paper]
    for page_width, page_height in sizes:
        assert abs(page_width - width) < 2 and abs(page_height - height) < 2, (paper, sizes)


def decode_qr(png: bytes) -> str:
    image = np.asarray(Image.open(io.BytesIO(png)).convert("L"))
    results = zxingcpp.read_barcodes(image)
    assert results, "the QR code does not scan"
    return results[0].text


def assert_no_small_cell_given_back(table):
    """No small count is readable, and no hidden cell is alone in a line whose total shows
    (else that total minus the shown cells gives the hidden count back)."""
    values = [*table["cells"].values(), *table["rows"].values(), *table["columns"].values()]
    for value in [*values, table["total"]]:
        assert value == "hidden" or not value.isdigit() or int(value) == 0 or int(value) >= 5
    lines = {}
    for key, value in table["cells"].items():
        kind, code = key.split("|")
        lines.setdefault(("row", kind), []).append(value)
        lines.setdefault(("column", code), []).append(value)
    for (axis, name), line in lines.items():
        total = table["rows" if axis == "row" else "columns"][name]
        if total != "hidden":
            assert line.count("hidden") != 1, (axis, name, table)


def answer_on_a_phone(browser, url, competency_index):
    context = browser.new_context(
        viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True
    )
    try:
        phone = context.new_page()
        phone.goto(url)
        assert "/so/surveys/graduate-profile" in phone.url and "via=flyer-so" in phone.url
        phone.locator("input[name=q_competencies]").nth(competency_index).check()
        phone.locator("form.survey-form button[type=submit]").last.click()
        phone.wait_for_url("**/receipt/**")
    finally:
        context.close()


def type_sheet(page, role: str):
    """One returned sheet, keyboard only, from the focused sheet-number box: role, school left
    blank, competencies 1 and 3, the ranking 3 1 2, then Enter."""
    page.keyboard.press("Tab")
    page.keyboard.type(role)
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.type("1 3")
    page.keyboard.press("Tab")
    page.keyboard.type("3 1 2")
    page.keyboard.press("Enter")


def test_flyer_and_paper_answers_in_somali_reach_the_dashboard(app, live_server, browser):
    from playwright.sync_api import expect

    with app.app_context():
        engagement = Engagement(
            slug="gp",
            name={"en": "Graduate profile"},
            status=EngagementStatus.OPEN,
            closes_at=datetime(2027, 1, 31, tzinfo=UTC),
        )
        db.session.add(engagement)
        survey = import_default_survey()
        survey.engagement = engagement
        db.session.flush()
        for code, enrolled in (("en", 600), ("so", 300)):
            db.session.add(
                EngagementTarget(
                    engagement_id=engagement.id,
                    dimension=TargetDimension.LANGUAGE,
                    group=code,
                    enrolled=enrolled,
                )
            )
        for _ in range(20):  # English families answered straight on the site
            survey_services.submit_response(
                survey,
                "en",
                {"competencies": ["wellbeing"]},
                survey_services.new_submission_token(),
            )
        email = make_user("facilitator").email
        db.session.commit()
        engagement_id, survey_id = engagement.id, survey.id
        questions = len(survey.questions)
    app.config["PUBLIC_BASE_URL"] = live_server
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        staff = context.new_page()
        staff.goto(f"{live_server}/staff/sign-in")
        staff.fill("#email", email)
        staff.fill("#password", "correct horse battery")
        staff.click("button[type=submit]")

        # 1. The facilitator opens the kit from the dashboard: Somali, under-heard, comes first.
        staff.goto(f"{live_server}/staff/review/engagements/{engagement_id}")
        staff.click("text=Outreach kit: short links")
        first = staff.locator(".kit-languages li").first
        assert "Soomaali" in first.inner_text() and "under-heard" in first.inner_text()
        first.locator("a[lang=so]").click()
        assert "Soomaali" in staff.locator("h1").inner_text()
        kit_url = staff.url

        # 2. The flyer, on Letter and on A4: one page of the right size, the tools bar not
        # printed, the QR code scanning to the flyer's short link printed below it.
        flyer_links = set()
        for paper, label in (("letter", "Flyer, US Letter"), ("a4", "Flyer, A4")):
            staff.goto(kit_url)
            staff.click(f"text={label}")
            assert staff.locator("html").get_attribute("lang") == "so"
            staff.emulate_media(media="print")
            assert not staff.locator(".flyer-tools").is_visible()
            sizes = pdf_pages(staff.pdf(prefer_css_page_size=True))
            assert len(sizes) == 1, f"the {paper} flyer is {len(sizes)} pages"
            assert_paper(sizes, paper)
            printed = staff.screenshot(full_page=True)
            flyer_url = decode_qr(printed)
            assert flyer_url.startswith(f"{live_server}/s/")
            assert staff.locator(".flyer-link").inner_text().strip() == flyer_url
            assert "2027" in staff.locator(".flyer-facts").inner_text()  # the closing date
            flyer_links.add(flyer_url)
            staff.emulate_media(media="screen")
        assert len(flyer_links) == 1, "both sizes carry the same short link"
        (flyer_url,) = flyer_links
        with app.app_context():
            code = flyer_url.rsplit("/", 1)[1]
            assert db.session.scalars(db.select(ShortLink.channel).filter_by(code=code)).one() == (
                "flyer-so"
            )

        # The blank paper survey: several A4 pages, every question on them, no tools bar.
        staff.goto(kit_url)
        staff.click("text=Paper survey, A4")
        assert staff.locator("html").get_attribute("lang") == "so"
        staff.emulate_media(media="print")
        assert not staff.locator(".paper-tools").is_visible()
        assert staff.locator(".sheet .q").count() == questions
        blank = pdf_pages(staff.pdf(prefer_css_page_size=True))
        assert len(blank) > 1, "the whole survey does not fit on one page"
        assert_paper(blank, "a4")
        staff.emulate_media(media="screen")

        # A batch of 6 numbered sheets for the café where they are handed out: each sheet
        # starts on a new page, so the batch prints 6 times the blank survey's pages.
        staff.goto(kit_url)
        staff.click("text=Make a batch of numbered sheets")
        assert staff.locator("#survey_id").input_value() == str(survey_id)
        assert staff.locator("#language").input_value() == "so"
        staff.fill("#place", "Xamar Café")
        staff.fill("#sheets", "6")
        staff.click("text=Make the batch")
        batch = staff.locator("h1 .batch-code").inner_text().strip()
        expect(staff.locator("[role=status]")).to_contain_text(f"Batch {batch} made", timeout=WAIT)
        staff.click("text=Print the sheets, A4")
        staff.emulate_media(media="print")
        assert staff.locator(".sheet").count() == 6
        assert staff.locator(".sheet-code").last.inner_text().strip() == f"{batch}-06"
        sheets = pdf_pages(staff.pdf(prefer_css_page_size=True))
        assert len(sheets) == 6 * len(blank)
        assert_paper(sheets, "a4")
        staff.emulate_media(media="screen")

        # 3. Families answer: four through the flyer's short link (scanned or typed), two
        # through the tagged link itself (?via=flyer-so), as a liaison may share it.
        tagged = f"{live_server}/so/surveys/graduate-profile?via=flyer-so"
        for number, url in enumerate([flyer_url, flyer_url, flyer_url, flyer_url, tagged, tagged]):
            answer_on_a_phone(browser, url, number % 3)
        with app.app_context():
            flyer = db.session.scalars(db.select(Response).filter_by(channel="flyer-so")).all()
            assert len(flyer) == 6 and {r.language for r in flyer} == {"so"}

        # 4. The stack comes back: a staff member types the batch code in (lower case, as
        # read off the sheet) and the six sheets, keyboard only.
        staff.goto(f"{live_server}/staff/paper/")
        staff.focus("#batch")
        staff.keyboard.type(batch.lower())
        staff.keyboard.press("Enter")
        staff.wait_for_url(f"**/staff/paper/batches/{batch}/enter")
        # Sheet 1 is typed with a role the sheet does not have: refused, said beside the
        # field, the focus on it, everything else kept; fixed, it saves.
        staff.wait_for_function(SHEET_READY, arg=1)
        type_sheet(staff, "9")
        expect(staff.locator("[role=alert]")).to_contain_text(
            "This sheet was not saved", timeout=WAIT
        )
        staff.wait_for_function(FOCUS_ON, arg="q_role")
        assert "9 is not on the sheet" in staff.locator("#q_role-error").inner_text()
        assert staff.locator("#q_role").get_attribute("aria-invalid") == "true"
        assert staff.locator("#q_top_three").input_value() == "3 1 2"
        staff.keyboard.press("Control+A")
        staff.keyboard.type("2")
        staff.keyboard.press("Enter")
        expect(staff.locator("[role=status]")).to_have_text(
            f"Sheet {batch}-01 saved.", timeout=WAIT
        )
        for number in range(2, 4):
            staff.wait_for_function(SHEET_READY, arg=number)
            type_sheet(staff, "1")
            expect(staff.locator("[role=status]")).to_have_text(
                f"Sheet {batch}-{number:02d} saved.", timeout=WAIT
            )

        # Halfway: 3 paper answers are a small cell. It reads "hidden", and the shown totals
        # do not give it back.
        staff.goto(f"{live_server}/staff/review/engagements/{engagement_id}")
        table = staff.evaluate(READ_CHANNEL_TABLE)
        assert table["cells"]["paper|so"] == "hidden"
        assert_no_small_cell_given_back(table)

        staff.goto(f"{live_server}/staff/paper/batches/{batch}/enter")
        for number in range(4, 7):
            staff.wait_for_function(SHEET_READY, arg=number)
            type_sheet(staff, "3")
            expect(staff.locator("[role=status]")).to_have_text(
                f"Sheet {batch}-{number:02d} saved.", timeout=WAIT
            )
        # Sheet 3 typed again (it was in the stack twice): refused, said beside the number.
        staff.wait_for_function(FOCUS_ON, arg="sheet")
        assert staff.locator("#sheet").input_value() == ""
        staff.keyboard.type("3")
        type_sheet(staff, "1")
        expect(staff.locator("#sheet-error")).to_have_text(
            f"Sheet {batch}-03 is already entered: it was typed in before.", timeout=WAIT
        )
        with app.app_context():
            paper = db.session.scalars(db.select(Response).filter_by(channel="paper-so")).all()
            assert len(paper) == 6
            assert {r.source for r in paper} == {ResponseSource.PAPER}
            assert sorted(r.paper_sheet for r in paper) == [f"{batch}-{n:02d}" for n in range(1, 7)]

        # 5. The dashboard shows both channels for Somali, every count 5 or more shown.
        staff.goto(f"{live_server}/staff/review/engagements/{engagement_id}")
        table = staff.evaluate(READ_CHANNEL_TABLE)
        assert table["cells"]["flyer|so"] == "6"
        assert table["cells"]["paper|so"] == "6"
        assert table["cells"]["direct|en"] == "20"
        assert table["columns"]["so"] == "12" and table["total"] == "32"
        assert_no_small_cell_given_back(table)
        labels = staff.locator("[data-table=channels-by-language] tbody th").all_inner_texts()
        assert "Flyer" in labels and "Paper, typed in by staff" in labels
    finally:
        app.config["PUBLIC_BASE_URL"] = ""
        context.close()
