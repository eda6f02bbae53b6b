"""The staff pages: a refused form comes back filled in; names are shown as text."""

from sqlalchemy import select

from engage.engagements.models import Engagement, EngagementStatus
from engage.extensions import db
from tests.conftest import hidden_fields

NEW = "/staff/engagements/new"


def form_data(client, url=NEW, **values):
    page = client.get(url)
    assert page.status_code == 200
    return (
        hidden_fields(page.get_data(as_text=True))
        | {
            "working_language": "en",
            "status": "draft",
        }
        | values
    )


def test_create_then_list(app, client, sign_in):
    sign_in("facilitator")
    data = form_data(client, name_en="Spring listening", name_ar="الاستماع", opens_on="2026-09-01")
    response = client.post(NEW, data=data)
    assert response.status_code == 303
    page = client.get("/staff/engagements/").get_data(as_text=True)
    assert "Spring listening" in page and "spring-listening" in page
    with app.app_context():
        engagement = db.session.scalar(select(Engagement))
        assert engagement.name == {"en": "Spring listening", "ar": "الاستماع"}


def test_a_refusal_keeps_everything_typed(app, client, sign_in):
    sign_in("admin")
    data = form_data(
        client,
        name_en="Spring",
        name_es="Primavera <b>",
        description_vi="Mô tả",
        opens_on="2026-10-01",
        closes_on="2026-09-01",
    )
    response = client.post(NEW, data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "The closing date cannot be before the opening date." in page
    assert 'value="Spring"' in page and 'value="Primavera &lt;b&gt;"' in page
    assert ">Mô tả</textarea>" in page
    assert 'value="2026-10-01"' in page and 'value="2026-09-01"' in page
    with app.app_context():
        assert db.session.scalar(select(Engagement)) is None


def test_names_are_shown_as_text(app, client, sign_in):
    sign_in("facilitator")
    client.post(NEW, data=form_data(client, name_en="<script>alert(1)</script>", slug="x"))
    page = client.get("/staff/engagements/").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_edit_close_archive_in_the_browser(app, client, sign_in):
    sign_in("facilitator")
    client.post(NEW, data=form_data(client, name_en="Spring"))
    with app.app_context():
        engagement_id = db.session.scalar(select(Engagement.id))
    edit = f"/staff/engagements/{engagement_id}/edit"
    page = client.get(edit).get_data(as_text=True)
    assert 'value="Spring"' in page
    response = client.post(edit, data=form_data(client, edit, name_en="Summer", status="open"))
    assert response.status_code == 303
    token = hidden_fields(client.get("/staff/engagements/").get_data(as_text=True))
    assert client.post(f"/staff/engagements/{engagement_id}/close", data=token).status_code == 303
    again = client.post(f"/staff/engagements/{engagement_id}/close", data=token)
    assert again.status_code == 409 and "already closed" in again.get_data(as_text=True)
    assert client.post(f"/staff/engagements/{engagement_id}/archive", data=token).status_code == 303
    with app.app_context():
        engagement = db.session.get(Engagement, engagement_id)
        assert engagement.name == {"en": "Summer"}
        assert engagement.status == EngagementStatus.CLOSED and engagement.archived_at
