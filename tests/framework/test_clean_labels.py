"""Staff-written labels (theme names, competency names and indicators) and public and board
comments go through `engage.text.clean_text`: no bidi overrides or zero-width characters are
stored, and text with nothing visible is refused."""

import pytest

from engage.extensions import db
from engage.framework import board, services
from engage.models_base import DomainError
from engage.review import theme_edits
from engage.review.models import AnalysisRun
from tests.factories import make_user
from tests.framework.test_framework import draft_with_competency

INVISIBLE = "\u200b\u2060\u202e\u200d"


def test_theme_labels_are_cleaned_and_invisible_ones_refused(app, themed):
    with app.app_context():
        theme = db.session.get(AnalysisRun, themed[1]).themes[0]
        theme_edits.rename_theme(theme, "Life\u200b skills\u202e", None, actor=None)
        theme_edits.rename_theme(theme, "\u2066Vida\u2069 sana\x00", "es", actor=None)
        assert theme.label == "Life skills" and theme.translations["es"] == "Vida sana"
        with pytest.raises(DomainError):
            theme_edits.rename_theme(theme, INVISIBLE, None, actor=None)


def test_competency_names_and_indicators_are_cleaned(app, themed):
    with app.app_context():
        _framework, version, competency = draft_with_competency(*themed)
        services.save_competency(
            version,
            competency,
            {"en": "Critical\u202e thinking", "es": INVISIBLE},
            {"en": "Thinks \u200bfor\x00 themself"},
            {"en": ["Asks\u2067 why", INVISIBLE]},
            None,
        )
        assert competency.name == {"en": "Critical thinking"}
        assert competency.description == {"en": "Thinks for themself"}
        assert competency.indicators == {"en": ["Asks why"]}
        with pytest.raises(DomainError):
            services.save_competency(version, competency, {"en": INVISIBLE}, {}, {}, None)


def test_comments_of_only_invisible_characters_are_refused(app, themed):
    with app.app_context():
        _framework, version, competency = draft_with_competency(*themed)
        services.open_for_comment(version, None)
        with pytest.raises(DomainError):
            services.add_public_comment(version, competency, "en", INVISIBLE)
        kept = services.add_public_comment(version, competency, "ar", "\u202eمهم\u200b جدا")
        assert kept.body == "مهم جدا"
        with pytest.raises(DomainError):
            board.add_board_comment(version, competency, make_user("board"), INVISIBLE)
