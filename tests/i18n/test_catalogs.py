"""The UI catalogs are complete and in step with the code and templates."""

import pytest

from engage import catalogs
from engage.i18n import KNOWN_LANGUAGES

CATALOGS = sorted(lang.catalog for lang in KNOWN_LANGUAGES.values() if lang.code != "en")


@pytest.fixture(scope="module")
def extracted_ids(tmp_path_factory):
    pot = catalogs.extract(tmp_path_factory.mktemp("pot") / "messages.pot")
    return {message.id for message in catalogs.read_catalog(pot) if message.id}


def test_every_non_english_language_has_a_catalog():
    found = {path.parent.parent.name for path in catalogs.catalog_paths()}
    assert found == set(CATALOGS)


@pytest.mark.parametrize("name", CATALOGS)
def test_catalog_is_up_to_date_with_the_code(name, extracted_ids):
    catalog = catalogs.read_catalog(catalogs.TRANSLATIONS / name / "LC_MESSAGES" / "messages.po")
    ids = {message.id for message in catalog if message.id}
    assert not extracted_ids - ids, "strings missing: run `engage translate update`"
    assert not ids - extracted_ids, "obsolete strings: run `engage translate update`"


@pytest.mark.parametrize("name", CATALOGS)
def test_catalog_has_no_empty_or_fuzzy_translation(name):
    catalog = catalogs.read_catalog(catalogs.TRANSLATIONS / name / "LC_MESSAGES" / "messages.po")
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        assert all(s.strip() for s in strings), f"{name}: empty translation of {message.id!r}"
        assert not message.fuzzy, f"{name}: fuzzy translation of {message.id!r}"


@pytest.mark.parametrize("name", CATALOGS)
def test_translations_keep_their_placeholders(name):
    import re

    placeholder = re.compile(r"%\((\w+)\)[sd]")
    catalog = catalogs.read_catalog(catalogs.TRANSLATIONS / name / "LC_MESSAGES" / "messages.po")
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        expected = set(placeholder.findall(ids[-1]))
        for string in strings:
            assert set(placeholder.findall(string)) <= expected | {"num"}, (name, message.id)
