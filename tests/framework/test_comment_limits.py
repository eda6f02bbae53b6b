"""Public comments on a draft are limited per browser at its address, and a comment the limit
refuses comes back to the person filled in, in their language, with the reason beside it."""

from sqlalchemy import func, select

from engage.extensions import db
from engage.framework import services
from engage.framework.models import PublicComment
from tests.conftest import hidden_fields
from tests.framework.test_framework import draft_with_competency


def test_a_comment_refused_by_the_limit_comes_back_filled_in(app, themed):
    with app.app_context():
        _framework, version, competency = draft_with_competency(*themed)
        services.open_for_comment(version, None)
        db.session.commit()
        field = f"c{competency.id}-body"
    family = app.test_client()
    data = hidden_fields(family.get("/es/profile/draft").get_data(as_text=True))
    for number in range(10):
        sent = family.post("/es/profile/draft", data=data | {field: f"Comentario {number}"})
        assert sent.status_code == 302
    refused = family.post("/es/profile/draft", data=data | {field: "Mi comentario largo"})
    assert refused.status_code == 429
    page = refused.get_data(as_text=True)
    assert "Mi comentario largo</textarea>" in page
    assert f'id="{field}-error"' in page and 'aria-invalid="true"' in page
    assert '<html lang="es"' in page
    with app.app_context():
        assert db.session.scalar(select(func.count(PublicComment.id))) == 10
    # Someone else on the same network can still comment.
    other = app.test_client()
    other.environ_base["REMOTE_ADDR"] = family.environ_base["REMOTE_ADDR"]
    data = hidden_fields(other.get("/es/profile/draft").get_data(as_text=True))
    assert other.post("/es/profile/draft", data=data | {field: "Otra familia"}).status_code == 302
