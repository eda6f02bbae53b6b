"""What a board member and a facilitator are shown: only the actions that can work, the reason
for the others, the deciding vote, the guard against a profile missing a language, the links to
share, every language on compare, and 409 pages that lead back to where the person was."""

import pytest
from sqlalchemy import select

from engage.audit import AuditEvent
from engage.auth.models import User
from engage.extensions import db
from engage.framework import board, services
from engage.framework.evidence import family_languages
from engage.framework.models import FrameworkVersion
from engage.privacy import line_is_safe
from tests.factories import make_user
from tests.framework.test_board import in_review, page_fields, signed_in
from tests.framework.test_framework import SETTINGS, draft_with_competency

APPROVE_BUTTON = "Record the board&#39;s approval"
EVERY = ["en", "es", "ar"]


def version_of(app, version_id):
    with app.app_context():
        return db.session.get(FrameworkVersion, version_id)


def test_no_approval_button_without_a_quorum_and_why(app, themed):
    version_id, _competency_id, emails = in_review(app, themed, members=3)
    member = signed_in(app, emails[0])
    page = member.get(f"/staff/framework/versions/{version_id}").get_data(as_text=True)
    assert APPROVE_BUTTON not in page  # 0 votes
    assert "a quorum (2 of 3 members)" in page
    assert "The next “Approve” vote approves" not in page  # one vote is no quorum of 3


def test_no_approval_button_after_a_majority_asks_for_changes(app, themed):
    version_id, _competency_id, emails = in_review(app, themed, members=3)
    with app.app_context():
        version = db.session.get(FrameworkVersion, version_id)
        for email in emails[:2]:
            voter = db.session.scalar(select(User).filter_by(email=email))
            board.cast_vote(version, voter, "request_changes", "", SETTINGS)
        db.session.commit()
        assert board.approval_outlook(version, SETTINGS)["state"] == "blocked"
    member = signed_in(app, emails[2])
    page = member.get(f"/staff/framework/versions/{version_id}").get_data(as_text=True)
    assert APPROVE_BUTTON not in page
    assert "can no longer approve" in page


def test_the_deciding_vote_says_it_publishes_and_the_outcome_after(app, themed):
    version_id, _competency_id, emails = in_review(app, themed, members=1)
    with app.app_context():
        version = db.session.get(FrameworkVersion, version_id)
        assert board.vote_would_approve(version, SETTINGS)
    member = signed_in(app, emails[0])
    page = member.get(f"/staff/framework/versions/{version_id}").get_data(as_text=True)
    assert "The next “Approve” vote approves and publishes the profile" in page
    assert "Publish it although some languages are missing" in page  # only "en" written
    data = page_fields(member, version_id) | {"decision": "approve"}
    refused = member.post(f"/staff/framework/versions/{version_id}/vote", data=data)
    assert refused.status_code == 400
    assert "not yet written in every language" in refused.get_data(as_text=True)
    assert version_of(app, version_id).status == "in_review"
    sent = member.post(
        f"/staff/framework/versions/{version_id}/vote", data=data | {"accept_incomplete": "y"}
    )
    assert sent.status_code == 302
    after = member.get(sent.location).get_data(as_text=True)
    assert "With it the board approved version 1, and it is now published." in after
    assert "published it on" in after and "knowing it was not complete in" in after


def test_opening_and_sending_warn_and_record_the_choice(app, client, sign_in, themed):
    with app.app_context():
        _framework, version, competency = draft_with_competency(*themed)
        db.session.commit()
        version_id = version.id
    sign_in("facilitator")
    page = client.get(f"/staff/framework/versions/{version_id}").get_data(as_text=True)
    assert "Not yet in every language" in page and "Open it although" in page
    data = page_fields(client, version_id)
    refused = client.post(f"/staff/framework/versions/{version_id}/open-for-comment", data=data)
    assert refused.status_code == 409
    assert "not yet written in every language" in refused.get_data(as_text=True)
    assert version_of(app, version_id).status == "draft"
    opened = client.post(
        f"/staff/framework/versions/{version_id}/open-for-comment",
        data=data | {"accept_incomplete": "y"},
    )
    assert opened.status_code == 302
    page = client.get(opened.location).get_data(as_text=True)
    assert "Share the draft for comment" in page
    assert "/es/profile/draft</a>" in page and "/ar/profile/draft</a>" in page
    assert "opened it for public comment on" in page
    with app.app_context():
        event = db.session.scalar(select(AuditEvent).filter_by(action="version.opened_for_comment"))
        assert event.details["went_on_without"]["es"] == 1


def test_a_complete_version_goes_without_a_question(app, themed):
    with app.app_context():
        _framework, version, competency = draft_with_competency(*themed)
        texts = {code: f"name {code}" for code in EVERY}
        services.save_competency(version, competency, texts, texts, {}, None)
        assert services.translation_gaps(version, EVERY) == {}
        services.send_to_board(version, None, languages=EVERY)
        with pytest.raises(services.IncompleteTranslations):
            services.check_languages(version, [*EVERY, "vi"], False)
        assert services.language_choices(version) == []


def test_compare_shows_every_language_and_a_switch(app, client, sign_in, themed):
    with app.app_context():
        member = make_user("board")
        _framework, version, competency = draft_with_competency(*themed)
        services.save_competency(
            version, competency, {"en": "Thinking", "es": "Pensar"}, {"es": "Antes"}, {}, None
        )
        services.send_to_board(version, None)
        board.cast_vote(version, member, "request_changes", "", SETTINGS)
        board.request_changes(version, None)
        draft = services.start_revision(version, None)
        services.save_competency(
            draft,
            draft.competencies[0],
            {"en": "Thinking", "es": "Pensar"},
            {"es": "Después"},
            {},
            None,
        )
        db.session.commit()
        old_id, new_id = version.id, draft.id
    sign_in("board")
    url = f"/staff/framework/versions/{new_id}/compare?with={old_id}"
    page = client.get(url).get_data(as_text=True)
    assert "Antes" in page and "Después" in page and "Every language" in page
    assert f"with={old_id}&amp;in=ar" in page
    english = client.get(url + "&in=en").get_data(as_text=True)
    assert "Después" not in english and "No change in this language." in english


def test_a_409_page_leads_back_to_the_page_the_person_was_on(app, client, sign_in, themed):
    version_id, _competency_id, _emails = in_review(app, themed, members=1)
    sign_in("facilitator")
    data = page_fields(client, version_id)
    here = f"http://localhost/staff/framework/versions/{version_id}"
    refused = client.post(
        f"/staff/framework/versions/{version_id}/open-for-comment",
        data=data,
        headers={"Referer": here},
    )
    html = refused.get_data(as_text=True)
    assert refused.status_code == 409
    assert f'href="/staff/framework/versions/{version_id}"' in html
    assert "Back to the page you were on" in html and "Back to the start" not in html
    elsewhere = client.post(
        f"/staff/framework/versions/{version_id}/open-for-comment",
        data=data,
        headers={"Referer": "https://evil.example/x"},
    )
    assert "Back to this record" in elsewhere.get_data(as_text=True)


@pytest.mark.parametrize(
    "counts",
    [
        {"en": 36, "es": 20, "hmn": 2},
        {"en": 36, "es": 20, "hmn": 2, "so": 3},
        {"en": 9, "vi": 1, "so": 1, "ht": 1, "hmn": 1, "": 1},
        {"en": 3, "es": 1},
    ],
)
def test_families_see_languages_largest_first_and_small_ones_only_together(counts):
    alone, together = family_languages(counts)
    assert [n for _g, n in alone] == sorted((n for _g, n in alone), reverse=True)
    assert all(n >= 5 for _g, n in alone)
    if sum(counts.values()) < 5:
        assert (alone, together) == ([], None)
        return
    if together:
        count, names = together
        assert count == sum(counts.values()) - sum(n for _g, n in alone)
        assert line_is_safe([counts[g] for g in names] + ([counts[""]] if "" in counts else []))
        assert all(counts[g] < 5 for g in names) or len(names) >= 2
    assert {g for g, _n in alone}.isdisjoint(together[1] if together else [])


def test_the_audit_trail_shows_details_in_words(app, client, sign_in, themed):
    version_id, _competency_id, emails = in_review(app, themed, members=1)
    with app.app_context():
        version = db.session.get(FrameworkVersion, version_id)
        voter = db.session.scalar(select(User).filter_by(email=emails[0]))
        board.cast_vote(version, voter, "approve", "", SETTINGS)
        db.session.commit()
    sign_in("admin")
    page = client.get("/staff/admin/audit").get_data(as_text=True)
    assert "{&#39;" not in page and "{'" not in page
    assert "request changes 0" in page
