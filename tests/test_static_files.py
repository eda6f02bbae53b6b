"""Pages are compressed for phones, and static files carry versioned URLs cached for a year."""

import gzip
import re

from tests.factories import import_default_survey


def test_pages_are_compressed_when_the_browser_accepts_it(app, client):
    with app.app_context():
        import_default_survey()
        from engage.extensions import db

        db.session.commit()
    plain = client.get("/en/surveys/graduate-profile")
    packed = client.get("/en/surveys/graduate-profile", headers={"Accept-Encoding": "gzip"})
    assert packed.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed.headers["Vary"]
    html = gzip.decompress(packed.data).decode()
    assert 'name="submission_token"' in html
    assert len(packed.data) < len(plain.data) / 3
    assert "Content-Encoding" not in plain.headers


def test_static_urls_are_versioned_and_kept_for_a_year(client):
    page = client.get("/en/").get_data(as_text=True)
    href = re.search(r'href="(/static/engage\.css\?v=[0-9a-f]{12})"', page)
    assert href, "the stylesheet URL carries the file's version"
    response = client.get(href.group(1))
    try:
        assert response.status_code == 200
        assert "max-age=31536000" in response.headers["Cache-Control"]
    finally:
        response.close()  # a file response holds the file open until closed
