"""Fixtures for the theme engine tests: small synthetic corpora, no app, no network."""

import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data" / "themes"

try:  # the package may not be installed; the engine needs nothing but the source tree
    import engage.themes  # noqa: F401
except ModuleNotFoundError:
    sys.path.insert(0, str(ROOT))

from tests.themes.themes_corpus import topic_corpus as build_topic_corpus  # noqa: E402


@pytest.fixture
def topic_corpus():
    """Five lexically distinct topics, 24 answers each, plus the true topic of every answer."""
    return build_topic_corpus()


@pytest.fixture(scope="session")
def parallel():
    """Parallel English/Spanish answers: list of (topic, english, spanish)."""
    data = json.loads((DATA / "parallel_en_es.json").read_text(encoding="utf-8"))
    return [(topic, en, es) for topic, pairs in data["topics"].items() for en, es in pairs]
