"""The framework pages: refusals are 409 pages, and the public profile in every language."""

from sqlalchemy import select

from engage.extensions import db
from engage.framework import board as board_votes
from engage.framework import services
from engage.framework.models import FrameworkVersion
from engage.review.models import AnalysisRun, Theme
from tests.conftest import hidden_fields
from tests.factories import make_user
from tests.framework.test_framework import SETTINGS, draft_with_competency


def test_editing_a_frozen_version_and_voting_twice_are_409_pages(app, client, sign_in, themed):
    with app.app_context():
        _framework, version, competency = draft_with_competency(*themed)
        services.send_to_board(version, None)
        db.session.commit()
        version_id, competency_id = version.id, competency.id
    sign_in("facilitator")
    page = client.get(f"/staff/framework/competencies/{competency_id}/edit")
    assert page.status_code == 409 and "frozen" in page.get_data(as_text=True)
    data = hidden_fields(
        client.get(f"/staff/framework/versions/{version_id}").get_data(as_text=True)
    )
    refused = client.post(f"/staff/framework/versions/{version_id}/approve", data=data)
    assert refused.status_code == 409 and "quorum" in refused.get_data(as_text=True)
    board = app.test_client()
    with app.app_context():
        email = make_user("board").email
        db.session.commit()
    form = hidden_fields(board.get("/staff/sign-in").get_data(as_text=True))
    board.post("/staff/sign-in", data=form | {"email": email, "password": "correct horse battery"})
    data = hidden_fields(
        board.get(f"/staff/framework/versions/{version_id}").get_data(as_text=True)
    )
    first = board.post(
        f"/staff/framework/versions/{version_id}/vote", data=data | {"decision": "request_changes"}
    )
    second = board.post(
        f"/staff/framework/versions/{version_id}/vote", data=data | {"decision": "approve"}
    )
    assert first.status_code == 302
    assert second.status_code == 409 and "already voted" in second.get_data(as_text=True)


def test_public_profile_in_spanish_and_arabic_with_you_said_we_did(app, client, themed):
    with app.app_context():
        _framework, version, competency = draft_with_competency(*themed)
        services.save_competency(
            version,
            competency,
            {"en": "Critical thinking", "es": "Pensamiento crítico", "ar": "التفكير النقدي"},
            {"en": "Reasons well.", "es": "Razona bien."},
            {},
            None,
        )
        theme = db.session.scalar(
            select(Theme).where(Theme.key == competency.evidence[0].theme_key)
        )
        member, private = [a for a in theme.assignments if a.answer_id][:2]
        from engage.review import theme_edits
        from engage.surveys.models import Answer

        theme_edits.pin_quote(member, True, None)
        theme_edits.pin_quote(private, True, None)
        db.session.get(Answer, member.answer_id).shareable = True  # its writer allowed it
        private_text = db.session.get(Answer, private.answer_id).text
        board = make_user("board")
        services.send_to_board(version, None)
        board_votes.cast_vote(version, board, "approve", "", SETTINGS)
        db.session.commit()
        assert db.session.get(FrameworkVersion, version.id).status == "approved"
        assert db.session.get(AnalysisRun, themed[1]) is not None
    spanish = client.get("/es/profile/").get_data(as_text=True)
    assert "Pensamiento crítico" in spanish and "Razona bien." in spanish
    assert "you-said" in spanish and "(no traducido aún)" not in spanish
    arabic = client.get("/ar/profile/").get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in arabic and "التفكير النقدي" in arabic
    assert 'lang="en" class="fallback"' in arabic  # no Arabic description yet: shown, marked
    assert "<blockquote" in arabic  # the pinned quote its writer allowed to be shown
    assert private_text not in arabic  # pinned too, but its writer kept it private


def test_public_comments_are_counted_and_escaped(app, client, sign_in, themed):
    with app.app_context():
        _framework, version, competency = draft_with_competency(*themed)
        services.open_for_comment(version, None)
        db.session.commit()
        version_id, competency_id = version.id, competency.id
    family = app.test_client()
    page = family.get("/es/profile/draft")
    data = hidden_fields(page.get_data(as_text=True))
    sent = family.post(
        "/es/profile/draft",
        data=data | {f"c{competency_id}-body": "<script>alert(1)</script> Me parece bien"},
    )
    assert sent.status_code == 302
    empty = family.post("/es/profile/draft", data=data | {f"c{competency_id}-body": "  "})
    assert empty.status_code == 400
    sign_in("facilitator")
    html = client.get(f"/staff/framework/versions/{version_id}").get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Me parece bien" in html
    assert "<script>alert(1)" not in html
    assert ": hidden</li>" in html  # one Spanish comment: a small cell
