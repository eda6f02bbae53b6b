"""The editor's pages: each kind of question through its form, errors beside the field with
everything typed kept, reordering, and staff-only access."""

import pytest

from tests.editor.conftest import document_of, post_form


def add(client, draft_id, kind, **values):
    return post_form(client, f"/staff/editor/drafts/{draft_id}/questions/new?kind={kind}", **values)


KIND_FORMS = {
    "single": {
        "text": "Who are you?",
        "options": "family | A family\nstudent | A student",
        "allow_other": "y",
        "required": "y",
    },
    "multiple": {
        "text": "What matters?",
        "options": "a | Reading\nb | Maths\nc | Art",
        "max_choices": "2",
    },
    "likert": {"text": "School is safe", "options": "agree | Agree\ndisagree | Disagree"},
    "rank": {"text": "Rank these", "options": "a | A\nb | B\nc | C", "max_choices": "2"},
    "open": {"text": "Anything else?", "max_length": "500"},
    "grid": {
        "text": "How true is it?",
        "options": "yes | True\nno | Not true",
        "statements": "safe | I feel safe\nheard | I feel heard",
    },
    "number": {"text": "How many children?", "min_value": "0", "max_value": "15"},
    "yesno": {"text": "Do you drive?"},
    "dropdown": {"text": "Your school", "options": "w | Westview\ne | Eastside"},
    "heading": {"text": "About you", "help": "Optional questions"},
}


@pytest.mark.parametrize("kind", list(KIND_FORMS))
def test_each_kind_is_saved_into_the_document(app, client, sign_in, draft_id, kind):
    sign_in("facilitator")
    response = add(client, draft_id, kind, **KIND_FORMS[kind])
    assert response.status_code == 303, response.get_data(as_text=True)
    question = document_of(app, draft_id)["questions"][0]
    assert question["kind"] == kind and question["text"] == {"en": KIND_FORMS[kind]["text"]}
    expected = {
        "single": {"allow_other": True, "required": True},
        "multiple": {"max_choices": 2},
        "rank": {"max_choices": 2},
        "open": {"max_length": 500},
        "number": {"min_value": 0, "max_value": 15},
        "heading": {"help": {"en": "Optional questions"}},
    }.get(kind, {})
    assert {k: question[k] for k in expected} == expected
    if kind == "grid":
        assert [s["value"] for s in question["statements"]] == ["safe", "heard"]


def test_an_empty_question_is_refused_beside_the_field_and_nothing_is_lost(
    app, client, sign_in, draft_id
):
    sign_in("facilitator")
    response = add(
        client, draft_id, "single", text="", options="a | <b>First</b>\na | Again", help="Some help"
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Write the question." in page and "is used twice" in page
    assert "a | &lt;b&gt;First&lt;/b&gt;\na | Again</textarea>" in page
    assert ">Some help</textarea>" in page
    assert 'aria-invalid="true"' in page
    assert document_of(app, draft_id)["questions"] == []


def test_ten_thousand_choices_are_refused_with_the_list_kept(app, client, sign_in, draft_id):
    sign_in("facilitator")
    lines = "\n".join(f"c{i} | Choice {i}" for i in range(10_000))
    response = add(client, draft_id, "dropdown", text="Pick", options=lines)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "the most a question can offer is 200" in page
    assert "c9999 | Choice 9999" in page
    assert document_of(app, draft_id)["questions"] == []


def test_a_condition_on_a_later_page_and_reordering(app, client, sign_in, draft_id):
    sign_in("facilitator")
    add(client, draft_id, "yesno", text="Do you drive?", key="drives")
    add(client, draft_id, "open", text="Why not?", key="why", new_page="y", show_if=["drives:no"])
    add(client, draft_id, "open", text="Last words", key="last")
    items = document_of(app, draft_id)["questions"]
    assert items[1]["show_if"] == {"question": "drives", "equals": ["no"]}
    # Moving the follow-up above the question it depends on is refused, with the reason.
    page = client.get(f"/staff/editor/drafts/{draft_id}")
    response = client.post(
        f"/staff/editor/drafts/{draft_id}/questions/2/move",
        data={"csrf_token": _csrf(page), "revision": "4", "direction": "up"},
    )
    assert response.status_code == 409
    assert "Question why depends on a later question, drives." in response.get_data(as_text=True)
    response = client.post(
        f"/staff/editor/drafts/{draft_id}/questions/3/move",
        data={"csrf_token": _csrf(page), "revision": "4", "direction": "up"},
    )
    assert response.status_code == 303
    assert [q["key"] for q in document_of(app, draft_id)["questions"]] == ["drives", "last", "why"]


def _csrf(response):
    import re

    return re.search(r'name="csrf_token" value="([^"]+)"', response.get_data(as_text=True))[1]


def test_editing_a_question_fills_the_form_with_it(app, client, sign_in, draft_id):
    sign_in("facilitator")
    add(client, draft_id, **{"kind": "grid"}, **KIND_FORMS["grid"])
    page = client.get(f"/staff/editor/drafts/{draft_id}/questions/1").get_data(as_text=True)
    assert "safe | I feel safe\nheard | I feel heard</textarea>" in page
    response = post_form(
        client,
        f"/staff/editor/drafts/{draft_id}/questions/1",
        text="How true?",
        options="yes | True\nno | False",
        statements="safe | I feel safe",
    )
    assert response.status_code == 400
    assert "at least two statements" in response.get_data(as_text=True)


def test_board_members_cannot_edit(app, client, sign_in, engagement_id, draft_id):
    sign_in("board")
    assert client.get(f"/staff/editor/engagements/{engagement_id}/surveys").status_code == 403
    assert client.get(f"/staff/editor/drafts/{draft_id}").status_code == 403


def test_survey_text_is_shown_as_text_on_every_editor_page(app, client, sign_in, draft_id):
    sign_in("facilitator")
    hostile = '<script>alert(1)</script>"><img src=x onerror=alert(2)>'
    add(client, draft_id, "single", text=hostile, options=f"a | {hostile}\nb | B")
    post_form(client, f"/staff/editor/drafts/{draft_id}/translate/ar", **{"t:q/0/text": hostile})
    for url in (
        f"/staff/editor/drafts/{draft_id}",
        f"/staff/editor/drafts/{draft_id}/questions/1",
        f"/staff/editor/drafts/{draft_id}/translate/ar",
        f"/staff/editor/drafts/{draft_id}/preview/ar/frame",
        f"/staff/editor/drafts/{draft_id}/questions/new?kind=open",
    ):
        page = client.get(url).get_data(as_text=True)
        assert "<script>alert(1)" not in page and "<img src=x" not in page, url
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page, url
