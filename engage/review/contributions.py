"""Looking up the text behind theme members ("a:12" is answer 12, "p:7" forum post 7)."""

from dataclasses import dataclass, field

from sqlalchemy import select

from ..extensions import db
from ..forum.models import Post
from ..surveys.models import Answer, Question, Response


@dataclass(frozen=True)
class ContributionText:
    ref: str
    text: str
    language: str
    kind: str  #: "answer" or "forum_post"
    role: str | None = None
    school: str | None = None
    #: The question's key: the same in every version that asked it (None for a forum post).
    question_key: str | None = None
    #: Its translations from the desk (a person's first); the original is what was written.
    translations: list = field(default_factory=list, compare=False)


def texts_for(refs) -> dict[str, ContributionText]:
    """Text, language and origin of each contribution, loaded in two queries."""
    answer_ids = [int(ref[2:]) for ref in refs if ref.startswith("a:")]
    post_ids = [int(ref[2:]) for ref in refs if ref.startswith("p:")]
    found: dict[str, ContributionText] = {}
    for chunk in _chunks(answer_ids):
        for answer_id, text, language, role, school, key in db.session.execute(
            select(
                Answer.id,
                Answer.text,
                Response.language,
                Response.role,
                Response.school,
                Question.key,
            )
            .join(Response, Response.id == Answer.response_id)
            .join(Question, Question.id == Answer.question_id)
            .where(Answer.id.in_(chunk))
        ):
            found[f"a:{answer_id}"] = ContributionText(
                f"a:{answer_id}", text or "", language, "answer", role, school, key
            )
    for chunk in _chunks(post_ids):
        for post_id, body, language in db.session.execute(
            select(Post.id, Post.body, Post.language).where(Post.id.in_(chunk))
        ):
            found[f"p:{post_id}"] = ContributionText(f"p:{post_id}", body, language, "forum_post")
    from ..desk.services import translations_for

    for ref, rows in translations_for(found).items():
        found[ref].translations.extend(rows)
    return found


def _chunks(values, size: int = 900):
    """SQLite allows about a thousand parameters in one statement."""
    for start in range(0, len(values), size):
        yield values[start : start + size]
