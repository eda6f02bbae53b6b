"""Gettext catalog management for the UI chrome: extract, update, init, compile.

Extraction runs pybabel; updating and compiling use Babel's API directly, which also handles a
language CLDR lacks (Hmong), where `pybabel update` would refuse the unknown locale.
"""

import subprocess
import sys
from pathlib import Path

from babel.core import UnknownLocaleError
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from config import BASE_DIR

TRANSLATIONS = BASE_DIR / "translations"
POT_FILE = TRANSLATIONS / "messages.pot"


def extract(output: Path = POT_FILE) -> Path:
    """Extract every UI string from engage/ and templates/ into a .pot file."""
    command = [
        sys.executable,
        "-m",
        "babel.messages.frontend",
        "extract",
        "-F",
        "babel.cfg",
        "-k",
        "_l",
        "--no-location",
        "--sort-output",
        "--omit-header",
        "-o",
        str(output),
        ".",
    ]
    subprocess.run(command, check=True, cwd=BASE_DIR, capture_output=True)  # noqa: S603
    return output


def catalog_paths(translations_dir: Path = TRANSLATIONS) -> list[Path]:
    return sorted(Path(translations_dir).glob("*/LC_MESSAGES/messages.po"))


def read_catalog(path: Path):
    with Path(path).open("rb") as po_file:
        return read_po(po_file, locale=None)


def update(translations_dir: Path = TRANSLATIONS) -> list[str]:
    """Merge the extracted strings into every catalog; returns what each now lacks."""
    template = read_catalog(extract())
    report = []
    for path in catalog_paths(translations_dir):
        catalog = read_catalog(path)
        catalog.update(template, no_fuzzy_matching=True)
        with path.open("wb") as po_file:
            write_po(po_file, catalog, ignore_obsolete=True, width=100)
        missing = sum(1 for message in catalog if message.id and not message.string)
        report.append(f"{path.parent.parent.name}: {missing} untranslated")
    return report


def init(catalog_name: str, translations_dir: Path = TRANSLATIONS) -> Path:
    """Start an empty catalog for a new language folder (e.g. "pt_BR" or "hmn")."""
    template = read_catalog(extract())
    path = Path(translations_dir) / catalog_name / "LC_MESSAGES" / "messages.po"
    if path.exists():
        raise FileExistsError(f"{path} already exists; use update")
    path.parent.mkdir(parents=True)
    template.language_team = catalog_name
    template.fuzzy = False
    try:
        template.locale = catalog_name  # plural rules from CLDR where it knows the language
    except UnknownLocaleError:
        template.locale = None  # Hmong: no CLDR data, and no plural inflection to lose
    # Babel caches the plural count read from the template; recompute it for this language.
    template._num_plurals = template._plural_expr = None
    with path.open("wb") as po_file:
        write_po(po_file, template, width=100)
    return path


def compile_stale(translations_dir: Path = TRANSLATIONS) -> list[str]:
    """Compile each catalog whose .mo is missing or older than its .po."""
    compiled = []
    for po_path in catalog_paths(translations_dir):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        catalog = read_catalog(po_path)
        with mo_path.open("wb") as mo_file:
            write_mo(mo_file, catalog, use_fuzzy=False)
        compiled.append(f"compiled {po_path.parent.parent.name}")
    return compiled
