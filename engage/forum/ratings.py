"""See and rate what others said: after answering a survey, a person rates a handful of other
people's open answers, shown with no identifying detail. Only answers whose writer ticked "others
may read this" and that passed the automatic checks (no link, no email address or phone number:
`engage.text.hold_reason`) are drawn, from those written in the rater's language; each receipt
sees a fixed random handful, so reloading the page shows the same answers, and at most `REACH`
answers in all, never the whole set.
Ratings become a support signal per answer, and per group (the answer's
language and the answerer's role) for any list of answers, such as a theme's, with every count
of fewer than five people suppressed when shown."""

import hashlib
from dataclasses import dataclass

from flask_babel import gettext
from sqlalchemy import case, func, select

from ..extensions import db
from ..models_base import DomainError
from ..privacy import SMALL_CELL, Suppressed, is_shown, is_small, small_cell, suppress_breakdown
from ..surveys.models import Answer, Question, QuestionKind, Response
from .models import AnswerRating

AGREE, UNSURE, DISAGREE = 1, 0, -1
VALUES = (AGREE, UNSURE, DISAGREE)
#: How many answers one visit offers to rate.
HANDFUL = 5
#: The most answers one receipt is ever offered, however many it rates.
REACH = 4 * HANDFUL


def _rateable(language: str, exclude_response_id: int | None):
    """Open answers to questions shown to everyone (not demographic, not copied into a
    response column), with text, written in `language`, not the rater's own, that their writer
    allowed others to read and that passed the automatic checks."""
    query = (
        select(Answer)
        .join(Question, Question.id == Answer.question_id)
        .join(Response, Response.id == Answer.response_id)
        .where(
            Question.kind == QuestionKind.OPEN,
            Question.demographic.is_(False),
            Question.maps_to.is_(None),
            Answer.shareable.is_(True),
            Answer.hold_reason.is_(None),
            Answer.text.is_not(None),
            func.length(func.trim(Answer.text)) > 0,
            Response.language == language,
        )
    )
    if exclude_response_id is not None:
        query = query.where(Response.id != exclude_response_id)
    return query


def answers_to_rate(
    language: str, exclude_response_id: int | None, key: str, count: int = HANDFUL, seed=""
) -> list[Answer]:
    """Up to `count` answers this browser has not rated yet, in an order that is random but
    fixed by `seed` (the view passes a keyed hash of the receipt): loading the page again shows
    the same answers, and rating one brings in one new answer, up to `REACH` answers in all
    for the receipt, so no one can page through every answer by reloading or rating."""
    ids = db.session.scalars(
        _rateable(language, exclude_response_id).with_only_columns(Answer.id)
    ).all()
    reach = sorted(ids, key=lambda i: hashlib.sha256(f"{seed}:{i}".encode()).digest())[:REACH]
    if not reach:
        return []
    already = set(
        db.session.scalars(
            select(AnswerRating.answer_id).where(
                AnswerRating.browser_key == key, AnswerRating.answer_id.in_(reach)
            )
        )
    )
    chosen = [i for i in reach if i not in already][:count]
    found = {a.id: a for a in db.session.scalars(select(Answer).where(Answer.id.in_(chosen)))}
    return [found[i] for i in chosen]


def rate_answers(
    ratings: dict[int, int], language: str, exclude_response_id: int | None, key: str
) -> int:
    """Store this browser's ratings ({answer id: value}); a second rating of the same answer
    replaces the first. Every answer must be one this person may rate. Returns how many."""
    if any(value not in VALUES for value in ratings.values()):
        raise DomainError(gettext("Please choose one of the answers listed."))
    if not ratings:
        return 0
    allowed = set(
        db.session.scalars(
            _rateable(language, exclude_response_id)
            .where(Answer.id.in_(list(ratings)))
            .with_only_columns(Answer.id)
        )
    )
    if allowed != set(ratings):
        raise DomainError(gettext("Some of these answers cannot be rated."))
    existing = {
        rating.answer_id: rating
        for rating in db.session.scalars(
            select(AnswerRating).where(
                AnswerRating.browser_key == key, AnswerRating.answer_id.in_(list(ratings))
            )
        )
    }
    for answer_id, value in ratings.items():
        if answer_id in existing:
            existing[answer_id].value = value
        else:
            db.session.add(AnswerRating(answer_id=answer_id, value=value, browser_key=key))
    db.session.flush()
    return len(ratings)


@dataclass(frozen=True)
class Support:
    """Ratings of one answer. Counts are raw; templates show `ratings_shown` and `agree_shown`,
    and `share` is withheld while the raters or the supporters number fewer than five."""

    ratings: int
    agree: int

    @property
    def share(self) -> float | None:
        """Share of ratings that agree, or None when showing it could reveal a small count."""
        if not self.ratings or is_small(self.ratings) or is_small(self.agree):
            return None
        return self.agree / self.ratings

    @property
    def ratings_shown(self) -> str:
        return small_cell(self.ratings)

    @property
    def agree_shown(self) -> str:
        return small_cell(self.agree)


@dataclass(frozen=True)
class GroupSupport:
    """Support within one group, each count already suppressed (an int or a `Suppressed`)."""

    group: str | None
    answerers: int | Suppressed
    ratings: int | Suppressed
    agree: int | Suppressed

    @property
    def share(self) -> float | None:
        if not (is_shown(self.ratings) and is_shown(self.agree)) or not self.ratings:
            return None
        return self.agree / self.ratings


def _agree_count():
    return func.sum(case((AnswerRating.value == AGREE, 1), else_=0))


def support_for_answers(answer_ids: list[int]) -> dict[int, Support]:
    """Answer id -> its support; answers nobody rated are left out."""
    if not answer_ids:
        return {}
    rows = db.session.execute(
        select(AnswerRating.answer_id, func.count(AnswerRating.id), _agree_count())
        .where(AnswerRating.answer_id.in_(list(answer_ids)))
        .group_by(AnswerRating.answer_id)
    ).all()
    return {answer_id: Support(ratings=n, agree=agree or 0) for answer_id, n, agree in rows}


GROUPINGS = {"language": Response.language, "role": Response.role}


def support_by_group(answer_ids: list[int]) -> dict[str, list[GroupSupport]]:
    """Support for a set of answers (a theme's, say) broken down by the *answer's* language and
    by the answerer's role: {"language": [...], "role": [...]}. Raters are anonymous, so the
    group is the answerer's. Each count (people who wrote the answers, ratings, agreeing
    ratings) goes through `privacy.suppress_breakdown` across the groups, so no count of fewer
    than five people can be read or worked out from the others."""
    result: dict[str, list[GroupSupport]] = {name: [] for name in GROUPINGS}
    if not answer_ids:
        return result
    for name, column in GROUPINGS.items():
        rows = db.session.execute(
            select(
                column,
                func.count(func.distinct(Answer.response_id)),
                func.count(AnswerRating.id),
                _agree_count(),
            )
            .select_from(Answer)
            .join(Response, Response.id == Answer.response_id)
            .outerjoin(AnswerRating, AnswerRating.answer_id == Answer.id)
            .where(Answer.id.in_(list(answer_ids)))
            .group_by(column)
            .order_by(column)
        ).all()
        answerers = suppress_breakdown({group: people for group, people, _n, _a in rows})
        counts = suppress_breakdown({group: n for group, _p, n, _a in rows})
        agree = suppress_breakdown({group: a or 0 for group, _p, _n, a in rows})
        result[name] = [
            GroupSupport(group, answerers[group], counts[group], agree[group])
            for group, *_rest in rows
        ]
    return result


def most_supported_answers(limit: int = 20) -> list[tuple[Answer, Support]]:
    """Rated answers with the most "agree" ratings, then the highest share. Only answers rated
    by at least five people are listed, so no answer's count is small."""
    agree = _agree_count()
    rows = db.session.execute(
        select(AnswerRating.answer_id, func.count(AnswerRating.id).label("n"), agree.label("a"))
        .group_by(AnswerRating.answer_id)
        .having(func.count(AnswerRating.id) >= SMALL_CELL)
        .order_by(
            agree.desc(),
            (agree * 1.0 / func.count(AnswerRating.id)).desc(),
            AnswerRating.answer_id,
        )
        .limit(limit)
    ).all()
    answers = {
        answer.id: answer
        for answer in db.session.scalars(select(Answer).where(Answer.id.in_([r[0] for r in rows])))
    }
    return [(answers[answer_id], Support(ratings=n, agree=a or 0)) for answer_id, n, a in rows]
