"""Several versions of one survey: which questions are the same across them, and what changed
between two versions.

A question is the same question in every version that has its key: exports give it one
column, theme runs one choice, whatever the version. Plain functions over Survey rows; nothing
here needs a request.
"""

from dataclasses import dataclass, field

from sqlalchemy import select

from ..extensions import db
from .models import Question, Survey


def versions_of(survey: Survey, same_engagement: bool = True) -> list[Survey]:
    """Every version of `survey`'s slug, oldest first (by default only those of its engagement:
    its counts and small-cell rules are kept per engagement)."""
    query = select(Survey).filter_by(slug=survey.slug).order_by(Survey.version)
    if same_engagement:
        query = query.where(
            Survey.engagement_id == survey.engagement_id
            if survey.engagement_id is not None
            else Survey.engagement_id.is_(None)
        )
    return list(db.session.scalars(query))


@dataclass
class QuestionAcross:
    """One question (one key) of a survey, with its row in each version that asks it."""

    key: str
    #: version number -> that version's question
    by_version: dict[int, Question] = field(default_factory=dict)
    #: the version numbers compared (the question may be in only some of them)
    all_versions: tuple[int, ...] = ()

    @property
    def newest(self) -> Question:
        return self.by_version[max(self.by_version)]

    @property
    def versions(self) -> list[int]:
        return sorted(self.by_version)

    @property
    def in_every_version(self) -> bool:
        return set(self.by_version) >= set(self.all_versions)

    @property
    def question_ids(self) -> list[int]:
        return [self.by_version[number].id for number in self.versions]

    @property
    def versions_label(self) -> str:
        """The versions that ask it, with runs joined: "2–3", "1, 3–4"."""
        return version_ranges(self.versions)


def version_ranges(numbers) -> str:
    numbers = sorted(set(numbers))
    parts, start = [], None
    for index, number in enumerate(numbers):
        if start is None:
            start = number
        following = numbers[index + 1] if index + 1 < len(numbers) else None
        if following != number + 1:
            parts.append(str(start) if start == number else f"{start}–{number}")
            start = None
    return ", ".join(parts)


def questions_across(surveys: list[Survey], keep=None) -> list[QuestionAcross]:
    """The questions of several versions of one survey, one entry per key.

    Ordered as the newest version asks them; a question the newest version dropped comes
    after the one it followed in the last version that had it. `keep(question)` filters.
    """
    numbers = tuple(sorted(survey.version for survey in surveys))
    found: dict[str, QuestionAcross] = {}
    order: list[str] = []
    for survey in sorted(surveys, key=lambda s: -s.version):
        previous = None
        for question in survey.questions:
            if keep is not None and not keep(question):
                continue
            entry = found.get(question.key)
            if entry is None:
                entry = found[question.key] = QuestionAcross(question.key, all_versions=numbers)
                at = order.index(previous) + 1 if previous in order else len(order)
                order.insert(at, question.key)
            entry.by_version[survey.version] = question
            previous = question.key
    return [found[key] for key in order]


# ---- Comparing two versions ----

#: Question settings compared besides the text and the options.
SETTINGS = ("kind", "required", "demographic", "maps_to", "max_choices", "max_length")


@dataclass
class TextChange:
    """Text of one field that differs, per language: (before, after) with "" for none."""

    field: str
    by_language: dict[str, tuple[str, str]]


@dataclass
class OptionChange:
    value: str
    change: str  #: "added", "removed" or "changed"
    before: dict = field(default_factory=dict)
    after: dict = field(default_factory=dict)
    #: languages whose text differs (for "changed")
    languages: list[str] = field(default_factory=list)


@dataclass
class QuestionComparison:
    key: str
    change: str  #: "added", "removed", "changed" or "same"
    before: Question | None
    after: Question | None
    texts: list[TextChange] = field(default_factory=list)
    options: list[OptionChange] = field(default_factory=list)
    #: setting name -> (before, after)
    settings: dict[str, tuple] = field(default_factory=dict)
    moved: bool = False


@dataclass
class Comparison:
    older: Survey
    newer: Survey
    survey_texts: list[TextChange]
    languages_added: list[str]
    languages_removed: list[str]
    questions: list[QuestionComparison]

    def count(self, change: str) -> int:
        return sum(1 for question in self.questions if question.change == change)


def _text_change(name: str, before: dict | None, after: dict | None) -> TextChange | None:
    before, after = before or {}, after or {}
    differing = {
        code: (before.get(code, ""), after.get(code, ""))
        for code in sorted(set(before) | set(after))
        if (before.get(code) or "") != (after.get(code) or "")
    }
    return TextChange(name, differing) if differing else None


def _setting(question: Question, name: str):
    value = getattr(question, name)
    return str(value) if name == "kind" else value


def compare_questions(before: Question, after: Question) -> QuestionComparison:
    texts = [
        change
        for name in ("text", "help", "section")
        if (change := _text_change(name, getattr(before, name), getattr(after, name)))
    ]
    settings = {
        name: (_setting(before, name), _setting(after, name))
        for name in SETTINGS
        if _setting(before, name) != _setting(after, name)
    }
    old_options = {option.value: option for option in before.options}
    new_options = {option.value: option for option in after.options}
    options = []
    for value, option in new_options.items():
        if value not in old_options:
            options.append(OptionChange(value, "added", after=dict(option.text or {})))
            continue
        change = _text_change("option", old_options[value].text, option.text)
        if change:
            options.append(
                OptionChange(
                    value,
                    "changed",
                    before=dict(old_options[value].text or {}),
                    after=dict(option.text or {}),
                    languages=sorted(change.by_language),
                )
            )
    for value, option in old_options.items():
        if value not in new_options:
            options.append(OptionChange(value, "removed", before=dict(option.text or {})))
    old_order = [v for v in old_options if v in new_options]
    new_order = [v for v in new_options if v in old_options]
    if old_order != new_order:
        settings["option_order"] = (", ".join(old_order), ", ".join(new_order))
    changed = bool(texts or settings or options)
    return QuestionComparison(
        before.key, "changed" if changed else "same", before, after, texts, options, settings
    )


def compare_versions(older: Survey, newer: Survey) -> Comparison:
    """What changed from `older` to `newer`, questions matched by key."""
    old_questions = {question.key: question for question in older.questions}
    new_questions = {question.key: question for question in newer.questions}
    kept_old = [key for key in old_questions if key in new_questions]
    kept_new = [key for key in new_questions if key in old_questions]
    questions = []
    for key, question in new_questions.items():
        if key in old_questions:
            compared = compare_questions(old_questions[key], question)
            compared.moved = kept_old.index(key) != kept_new.index(key)
            if compared.moved and compared.change == "same":
                compared.change = "changed"
            questions.append(compared)
        else:
            questions.append(QuestionComparison(key, "added", None, question))
    for key, question in old_questions.items():
        if key not in new_questions:
            questions.append(QuestionComparison(key, "removed", question, None))
    survey_texts = [
        change
        for name in ("title", "intro", "next_steps")
        if (change := _text_change(name, getattr(older, name), getattr(newer, name)))
    ]
    old_languages, new_languages = list(older.languages or []), list(newer.languages or [])
    return Comparison(
        older=older,
        newer=newer,
        survey_texts=survey_texts,
        languages_added=[code for code in new_languages if code not in old_languages],
        languages_removed=[code for code in old_languages if code not in new_languages],
        questions=questions,
    )
