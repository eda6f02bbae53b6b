"""Every text of a draft, as units a translator fills in, and how complete each language is.

A unit is one text written in the working language (the title, a question's help, one
option); its id says where it lives ("q/3/option/2"), valid for the draft's current revision.
A text with nothing in the working language (no help written) is not a unit.
"""

import copy
from dataclasses import dataclass

from .document import questions, text_in

SURVEY_TEXTS = ("title", "intro", "next_steps")
QUESTION_TEXTS = ("section", "text", "help")


@dataclass(frozen=True)
class Unit:
    id: str
    #: "survey", "question" or "scale", and which one (question index, scale name).
    group: tuple
    #: What the text is: "title", "text", "option", "statement" ...
    part: str
    value: object  # a dict per language, or a plain string (the same in every language)

    def text(self, language: str) -> str:
        return text_in(self.value, language)

    def done_in(self, language: str) -> bool:
        return bool(self.text(language).strip())

    @property
    def same_everywhere(self) -> bool:
        return isinstance(self.value, str)


def units(document, working: str) -> list[Unit]:
    """The draft's texts in reading order: survey texts, each question, then shared lists."""
    found = []

    def add(uid, group, part, value):
        if text_in(value, working).strip():
            found.append(Unit(uid, group, part, value))

    for name in SURVEY_TEXTS:
        add(name, ("survey", None), name, document.get(name))
    for index, question in enumerate(questions(document)):
        group = ("question", index)
        for name in QUESTION_TEXTS:
            add(f"q/{index}/{name}", group, name, question.get(name))
        for number, option in enumerate(question.get("options") or []):
            add(f"q/{index}/option/{number}", group, "option", option.get("text"))
        for number, statement in enumerate(question.get("statements") or []):
            add(f"q/{index}/statement/{number}", group, "statement", statement.get("text"))
    for name, scale in (document.get("scales") or {}).items():
        for number, option in enumerate(scale.get("options") or []):
            add(f"scale/{name}/{number}", ("scale", name), "option", option.get("text"))
    return found


def _holder(document, uid: str):
    """(the dict holding the text, its key) for unit `uid`."""
    parts = uid.split("/")
    if len(parts) == 1 and parts[0] in SURVEY_TEXTS:
        return document, parts[0]
    if parts[0] == "q":
        question = document["questions"][int(parts[1])]
        if len(parts) == 3 and parts[2] in QUESTION_TEXTS:
            return question, parts[2]
        if len(parts) == 4 and parts[2] in ("option", "statement"):
            return question[parts[2] + "s"][int(parts[3])], "text"
    if parts[0] == "scale" and len(parts) == 3:
        return document["scales"][parts[1]]["options"][int(parts[2])], "text"
    raise KeyError(uid)


def set_translations(document, language: str, texts: dict[str, str], working: str):
    """A new document with `texts` (unit id -> text in `language`) put in; an empty text
    removes that translation. Units that are the same in every language are left alone, and
    the working language is never changed here."""
    result = copy.deepcopy(document)
    if language == working:
        return result
    known = {unit.id for unit in units(document, working)}
    for uid, text in texts.items():
        if uid not in known:
            continue
        holder, key = _holder(result, uid)
        value = holder.get(key)
        if isinstance(value, str):
            continue
        value = dict(value or {})
        text = (text or "").strip()
        if text:
            value[language] = text
        else:
            value.pop(language, None)
        holder[key] = value
    return result


@dataclass(frozen=True)
class Completeness:
    done: int
    total: int

    @property
    def complete(self) -> bool:
        return self.done == self.total

    @property
    def missing(self) -> int:
        return self.total - self.done

    @property
    def percent(self) -> int:
        return 100 if not self.total else self.done * 100 // self.total


def completeness(document, language: str, working: str) -> tuple[Completeness, dict]:
    """(overall, {group: Completeness}) of `language`."""
    groups: dict[tuple, list[int]] = {}
    for unit in units(document, working):
        done_total = groups.setdefault(unit.group, [0, 0])
        done_total[0] += unit.done_in(language)
        done_total[1] += 1
    per_group = {group: Completeness(*counts) for group, counts in groups.items()}
    overall = Completeness(
        sum(c.done for c in per_group.values()), sum(c.total for c in per_group.values())
    )
    return overall, per_group


def missing_by_language(document, languages, working: str) -> dict[str, int]:
    """How many texts each of `languages` lacks (complete languages left out)."""
    missing = {}
    for code in languages:
        overall, _groups = completeness(document, code, working)
        if not overall.complete:
            missing[code] = overall.missing
    return missing
