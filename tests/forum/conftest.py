"""Forum test helpers: an open engagement, threads, and posting through the public form."""

import itertools

import pytest

from engage.engagements.models import Engagement, EngagementStatus
from engage.extensions import db
from engage.forum import services
from engage.forum.models import Moderation, ThreadStatus
from tests.conftest import hidden_fields

_slugs = itertools.count(1)

PROMPT = {
    "en": "What does a successful graduate of our schools look like?",
    "es": "¿Cómo es un graduado exitoso de nuestras escuelas?",
    "vi": "Một học sinh tốt nghiệp thành công của trường chúng ta trông như thế nào?",
}


def make_engagement(status=EngagementStatus.OPEN) -> Engagement:
    engagement = Engagement(
        slug=f"engagement-{next(_slugs)}", name={"en": "Graduate Profile"}, status=status
    )
    db.session.add(engagement)
    db.session.flush()
    return engagement


def make_thread(engagement=None, moderation=Moderation.POST, status=ThreadStatus.OPEN, **kw):
    return services.create_thread(
        engagement or make_engagement(),
        kw.pop("slug", f"thread-{next(_slugs)}"),
        kw.pop("prompt", PROMPT),
        status,
        moderation,
        actor=None,
    )


@pytest.fixture
def thread(app):
    """An open, post-moderated thread; yields its slug."""
    with app.app_context():
        slug = make_thread().slug
        db.session.commit()
    return slug


def thread_url(slug: str, lang: str = "en") -> str:
    return f"/{lang}/conversations/{slug}"


def post(client, slug, body, lang="en", **fields):
    """Post through the public form, as a browser does: load the page, then send it."""
    page = client.get(thread_url(slug, lang))
    data = hidden_fields(page.get_data(as_text=True)) | {"body": body, "language": lang}
    return client.post(thread_url(slug, lang), data=data | fields)


def csrf(client, slug, lang="en") -> dict:
    return hidden_fields(client.get(thread_url(slug, lang)).get_data(as_text=True))
