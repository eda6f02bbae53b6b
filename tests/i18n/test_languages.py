"""Language selection, text direction and the formatting fallback for Hmong."""

import pytest

from engage.extensions import db
from engage.i18n import KNOWN_LANGUAGES
from tests.conftest import hidden_fields
from tests.factories import import_default_survey


@pytest.fixture
def survey(app):
    with app.app_context():
        import_default_survey()
        db.session.commit()


def test_every_page_has_a_menu_of_all_nine_languages(client, survey):
    for url in ["/en/", "/ar/surveys/graduate-profile", "/staff/sign-in"]:
        page = client.get(url).get_data(as_text=True)
        for lang in KNOWN_LANGUAGES.values():
            assert f'lang="{lang.code}"' in page and lang.name in page, (url, lang.code)


def test_menu_links_keep_the_page(client, survey):
    page = client.get("/es/surveys/graduate-profile").get_data(as_text=True)
    assert 'href="/so/surveys/graduate-profile"' in page
    staff = client.get("/staff/sign-in").get_data(as_text=True)
    assert 'href="/staff/sign-in?lang=vi"' in staff


def test_arabic_is_right_to_left(client, survey):
    page = client.get("/ar/").get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in page


def test_staff_pages_follow_a_language_chosen_on_a_page(client, survey):
    client.get("/staff/sign-in?lang=es")
    page = client.get("/staff/sign-in").get_data(as_text=True)
    assert '<html lang="es"' in page


def test_hmong_has_its_own_text_and_formats_numbers_through_a_fallback(client, survey):
    form = hidden_fields(client.get("/hmn/surveys/graduate-profile").get_data(as_text=True))
    page = client.post(
        "/hmn/surveys/graduate-profile",
        data=form | {"q_competencies": "wellbeing", "q_hopes": "x" * 5250},
    ).get_data(as_text=True)
    assert '<html lang="hmn" dir="ltr">' in page
    assert "5,250" in page and "4,000" in page  # en_US formatting: CLDR has no Hmong
    english = client.post(
        "/en/surveys/graduate-profile",
        data=form | {"q_competencies": "wellbeing", "q_hopes": "x" * 5250},
    ).get_data(as_text=True)
    hmong_error = page.split('id="q_hopes-error">')[1].split("</p>")[0]
    english_error = english.split('id="q_hopes-error">')[1].split("</p>")[0]
    assert hmong_error != english_error  # the Hmong catalog is used, not the English text


def test_lists_are_joined_as_the_reader_writes_them(app):
    from engage.i18n import join_list

    for path, joined in [("/en/", "a, b"), ("/ar/", "a، b"), ("/zh-Hans/", "a、b")]:
        with app.test_request_context(path):
            app.preprocess_request()
            assert join_list(["a", "b"]) == joined
