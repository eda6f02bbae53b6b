from tests.conftest import hidden_fields
from tests.factories import import_default_survey
from engage.extensions import db
from engage.engagements.models import Engagement, EngagementStatus

def test_smoke(app, client, sign_in):
    with app.app_context():
        e = Engagement(slug="gp", name={"en": "GP"}, status=EngagementStatus.OPEN)
        db.session.add(e)
        s = import_default_survey(); s.engagement = e; db.session.commit(); sid = s.id
    sign_in("facilitator")
    for url in [f"/staff/outreach/engagements/1", f"/staff/outreach/surveys/{sid}/ar/", f"/staff/paper/surveys/{sid}/ar/print?paper=a4", "/staff/paper/", "/staff/paper/enter?batch=ZZZZ"]:
        r = client.get(url); print(url, r.status_code)
        assert r.status_code in (200, 400), r.get_data(as_text=True)[:3000]
    page = client.get("/staff/paper/").get_data(as_text=True)
    r = client.post("/staff/paper/batches", data=hidden_fields(page) | {"survey_id": sid, "language": "so", "place": "<b>x</b>", "sheets": "3"})
    print(r.status_code, r.location)
    loc = r.location
    print(client.get(loc).status_code)
    code = loc.rstrip("/").split("/")[-1]
    r = client.get(f"/staff/paper/batches/{code}/print"); print(r.status_code, r.get_data(as_text=True).count('class="sheet"'))
    r = client.get(f"/staff/paper/batches/{code}/enter"); print(r.status_code)
    html = r.get_data(as_text=True)
    r = client.post(f"/staff/paper/batches/{code}/enter", data=hidden_fields(html) | {"sheet": "1", "q_role": "2", "q_competencies": "1 3", "q_top_three": "3 1 2", "q_hopes": "<script>hi</script>"})
    print(r.status_code, r.location)
    r = client.get(r.location); h = r.get_data(as_text=True); print("saved" in h, 'value="2"' in h)
    r = client.post(f"/staff/paper/batches/{code}/enter", data=hidden_fields(h) | {"sheet": "1", "q_role": "9", "q_competencies": "1 1", "q_top_three": "x", "q_hopes": "<script>hi</script>"})
    t = r.get_data(as_text=True)
    import re
    print(r.status_code, re.findall(r'class="error"[^>]*>([^<]*)', t))
