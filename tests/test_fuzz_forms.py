"""Every form, as every role, with whatever a person or an attacker might type: no server error,
and no survey response stored half-way.

The forms are found the way a person finds them: by following the links of each role's pages
from its start pages. Hypothesis then fills each form's fields with hostile values (control and
bidi characters, huge numbers, markup, template syntax, long text, values outside a drop-down)
and posts it. Runs on SQLite and, in `.ci/run`, on PostgreSQL.
"""

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from config import BASE_DIR
from engage.auth.models import Role
from engage.extensions import db, limiter

PUBLIC_START = ["/", "/en/", "/es/", "/ar/", "/en/conversations/", "/en/profile/"]
STAFF_START = ["/staff/"]
#: Public pages are walked in three languages (one right to left); the others share templates.
WALKED_LANGUAGES = ("en", "es", "ar")
MAX_PAGES = 120
#: Forms that end the fuzzing user's own session would only make the rest of the run sign-in pages.
SKIPPED_ACTIONS = re.compile(r"sign-out|deactivate")

HOSTILE_TEXT = [
    "",
    " ",
    "\t\n",
    "\x00",
    "answer\x00with a NUL",
    "\u202eevil\u202c",
    "\u200b\u200b",
    "2147483648",
    "-1",
    "0",
    "9" * 40,
    "1e309",
    "NaN",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "javascript:alert(1)",
    "{{ 7*7 }}{% raw %}",
    '=HYPERLINK("http://x")',
    "%(num)s %s {0}",
    "../../etc/passwd",
    "😀" * 20,
    "a" * 5000,
    "Ｓｃｒｉｐｔ",
    "مرحبا (test) 123",
    "http://phish.example/login http://phish.example/2",
]
hostile_text = st.one_of(
    st.sampled_from(["", " ", "\x00", "2147483648"]),  # the classics, drawn often
    st.sampled_from(HOSTILE_TEXT),
    st.text(max_size=60),
)


@dataclass
class Form:
    action: str
    method: str
    #: (name, kind, values): kind is hidden, text, select, check; values are the page's own.
    fields: list[tuple[str, str, list[str]]] = field(default_factory=list)


class _PageParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: tuple[str, list[str]] | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "a" and attributes.get("href"):
            self.links.append(attributes["href"])
        elif tag == "form":
            self._form = Form(attributes.get("action") or "", (attributes.get("method") or "get"))
        elif tag == "option" and self._select is not None:
            self._select[1].append(attributes.get("value") or "")
        elif self._form is None or not attributes.get("name"):
            return
        elif tag == "input":
            kind = (attributes.get("type") or "text").lower()
            value = attributes.get("value") or ""
            if kind == "hidden":
                self._form.fields.append((attributes["name"], "hidden", [value]))
            elif kind in {"checkbox", "radio"}:
                self._form.fields.append((attributes["name"], "check", [value or "y"]))
            elif kind not in {"submit", "button", "file", "image", "reset"}:
                self._form.fields.append((attributes["name"], "text", [value]))
        elif tag == "textarea":
            self._form.fields.append((attributes["name"], "text", [""]))
        elif tag == "select":
            self._select = (attributes["name"], [])

    def handle_endtag(self, tag):
        if tag == "select" and self._select is not None and self._form is not None:
            self._form.fields.append((self._select[0], "select", self._select[1]))
            self._select = None
        elif tag == "form" and self._form is not None:
            self.forms.append(self._form)
            self._form = None


def _page_kind(path: str) -> str:
    """Pages that differ only by an id or a language share one template: walk one of them."""
    return re.sub(r"\d+", "N", path)


def _walkable(path: str) -> bool:
    if path.startswith("/static") or SKIPPED_ACTIONS.search(path) or path.endswith(".csv"):
        return False
    first = path.strip("/").split("/")[0]
    return first in {"", "staff", *WALKED_LANGUAGES}


def discover_forms(client, start: list[str]) -> list[Form]:
    """Follow each role's links from its start pages and collect every POST form met."""
    queue, seen_kinds, forms, form_kinds = list(start), set(), [], set()
    while queue and len(seen_kinds) < MAX_PAGES:
        url = queue.pop(0)
        kind = _page_kind(urlsplit(url).path)
        if kind in seen_kinds:
            continue
        seen_kinds.add(kind)
        response = client.get(url)
        response.close()  # a streamed export must not outlive its request
        assert response.status_code < 500, (url, response.status_code)
        if response.status_code in (301, 302, 303) and response.location:
            queue.append(urljoin(url, response.location))
            continue
        if "text/html" not in (response.content_type or ""):
            continue
        parser = _PageParser()
        parser.feed(response.get_data(as_text=True))
        for href in parser.links:
            target = urljoin(url, href)
            parts = urlsplit(target)
            if not parts.netloc and _walkable(parts.path):
                queue.append(parts.path + (f"?{parts.query}" if parts.query else ""))
        for form in parser.forms:
            form.action = urljoin(url, form.action or url)
            names = tuple(sorted(name for name, _, _ in form.fields))
            form_kind = (_page_kind(urlsplit(form.action).path), names)
            if (
                form.method.lower() == "post"
                and not SKIPPED_ACTIONS.search(form.action)
                and form_kind not in form_kinds
            ):
                form_kinds.add(form_kind)
                forms.append(form)
    return forms


@st.composite
def filled_in(draw, form: Form):
    """Form data as a person, a confused person or an attacker might send it."""
    data: list[tuple[str, str]] = []
    for name, kind, values in form.fields:
        if kind == "hidden":
            # Tokens are usually kept; sometimes dropped or replaced.
            choice = draw(st.sampled_from(["keep", "keep", "keep", "drop", "garbage"]))
            if choice == "keep":
                data.append((name, values[0]))
            elif choice == "garbage":
                data.append((name, draw(hostile_text)))
        elif kind == "select":
            value = draw(st.one_of(st.sampled_from(values or [""]), hostile_text))
            data.append((name, value))
        elif kind == "check":
            choice = draw(st.sampled_from(["tick", "leave", "garbage"]))
            if choice == "tick":
                data.append((name, values[0]))
            elif choice == "garbage":
                data.append((name, draw(hostile_text)))
        elif draw(st.booleans()) or draw(st.booleans()):
            data.append((name, draw(hostile_text)))
        else:
            data.append((name, values[0]))
    if draw(st.integers(0, 9)) == 0:
        # An extra field the form does not have, or a field sent twice.
        data.append((draw(st.sampled_from(["id", "next", data[0][0] if data else "x"])), "1"))
    return data


def assert_no_partial_response():
    """Every response sent on the web has an answer for each required question of its survey
    version (a paper form typed in by staff may have blanks)."""
    from engage.surveys.models import Answer, Question, Response, ResponseSource

    required = {}
    for question in db.session.scalars(select(Question).filter_by(required=True)):
        required.setdefault(question.survey_id, set()).add(question.id)
    answered = {}
    pairs = db.session.execute(select(Answer.response_id, Answer.question_id))
    for response_id, question_id in pairs:
        answered.setdefault(response_id, set()).add(question_id)
    for response in db.session.scalars(select(Response).filter_by(source=ResponseSource.WEB)):
        missing = required.get(response.survey_id, set()) - answered.get(response.id, set())
        assert not missing, f"response {response.id} was stored without {missing}"


def build_world(app, stage: str) -> None:
    """A demo district with answers, a forum and a finished theme run, and a graduate profile
    at `stage`: "draft" (being written), "comment" (open for public comment) or "review"
    (with the board)."""
    from engage.demo import seed_demo
    from engage.framework import services as framework
    from engage.review import runner, theme_runs
    from engage.review.models import AnalysisRun
    from engage.surveys.models import Survey

    with app.app_context():
        seed_demo(BASE_DIR / "surveys", n_responses=40)
        survey = db.session.scalar(select(Survey).filter_by(slug="graduate-profile"))
        engagement = survey.engagement
        run = theme_runs.start_run(engagement, {}, actor=None)
        db.session.commit()
        runner.work(run.id, "tfidf")
        run = db.session.get(AnalysisRun, run.id)
        frame = framework.create_framework(engagement, {"en": "Our graduates"}, actor=None)
        draft = framework.latest_version(frame)
        framework.save_competency(draft, None, {"en": "Curiosity"}, {"en": "Asks why"}, {}, None)
        if run.themes:
            framework.accept_suggestion(draft, run.themes[0], "en", actor=None)
        if stage in {"comment", "review"}:
            framework.open_for_comment(draft, actor=None)
        if stage == "review":
            framework.send_to_board(draft, actor=None)
        db.session.commit()


#: Each role meets the profile at the stage where it has the most forms to fill in.
ROLE_STAGES = [
    (None, "comment"),
    ("facilitator", "draft"),
    ("board", "review"),
    ("admin", "draft"),
    ("admin", "review"),
    *(
        (role.value, "draft")
        for role in Role
        if role not in {Role.FACILITATOR, Role.BOARD, Role.ADMIN}
    ),
]


@pytest.mark.parametrize(("role", "stage"), ROLE_STAGES, ids=lambda value: value or "community")
def test_every_form_survives_hostile_input(app, client, sign_in, role, stage):
    build_world(app, stage)
    if role is not None:
        sign_in(role)
    forms = discover_forms(client, STAFF_START if role else PUBLIC_START)
    assert forms, "no form found: the walk is broken"
    if role is None:
        assert any("/surveys/" in form.action for form in forms), "the survey form was not reached"

    @settings(
        max_examples=8 * len(forms),
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(data=st.data())
    def post_a_form(data):
        form = data.draw(st.sampled_from(forms))
        fields = data.draw(filled_in(form))
        with app.app_context():
            limiter.reset()
        response = client.post(form.action, data=MultiDict(fields))
        assert response.status_code < 500, (form.action, fields, response.status_code)
        with app.app_context():
            assert_no_partial_response()
            db.session.remove()

    post_a_form()
