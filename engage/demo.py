"""Demo data: an engagement, schools, staff accounts and a few hundred seeded responses.

Used by `engage demo`. Randomness is seeded, so every demo looks the same; passwords are new
on every run and printed, so a shared demo machine never has a known password.
"""

import random
import secrets
import tomllib
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from .auth.models import Role, User
from .auth.services import create_user, set_password
from .catalogs import compile_stale
from .engagements.models import Engagement, EngagementStatus, School, TargetDimension
from .engagements.services import set_targets, target_shares
from .extensions import db
from .i18n import KNOWN_LANGUAGES
from .outreach.channels import channel_tag
from .review.counts import forget_response_counts, record_response_counts
from .surveys import services as survey_services
from .surveys.loader import load_survey_folder
from .surveys.models import QuestionKind, ResponseSource

DEMO_ENGAGEMENT = "graduate-profile-2026"
DEMO_ACCOUNTS = [
    ("facilitator@demo.engage.test", Role.FACILITATOR),
    ("board@demo.engage.test", Role.BOARD),
    ("admin@demo.engage.test", Role.ADMIN),
    ("translator@demo.engage.test", Role.TRANSLATOR),
]
# Roughly how a mid-size US district's answers split by language.
LANGUAGE_WEIGHTS = {
    "en": 50,
    "es": 22,
    "vi": 6,
    "zh-Hans": 5,
    "ar": 5,
    "pt-BR": 4,
    "ht": 3,
    "so": 3,
    "hmn": 2,
}
# Enrolled families by home language and by school, as a district's student system reports them.
DEMO_ENROLLMENT = {
    TargetDimension.LANGUAGE: {
        "en": 9800,
        "es": 5900,
        "vi": 1150,
        "zh-Hans": 800,
        "ar": 950,
        "pt-BR": 600,
        "ht": 560,
        "so": 520,
        "hmn": 420,
    },
    TargetDimension.SCHOOL: {
        "lincoln-elementary": 4100,
        "riverside-elementary": 3900,
        "jefferson-middle": 4300,
        "westview-high": 4600,
        "eastside-high": 3800,
    },
}
# Eastside High's families answer least: the dashboard should flag it.
SCHOOL_WEIGHTS = {
    "lincoln-elementary": 24,
    "riverside-elementary": 20,
    "jefferson-middle": 22,
    "westview-high": 22,
    "eastside-high": 6,
    "none": 6,
    None: 10,
}
ROLE_WEIGHTS = {"parent": 55, "student": 20, "staff": 15, "community": 10, None: 8}


def seed_demo(surveys_folder: Path, n_responses: int = 300, seed: int = 2026) -> list[str]:
    """Prepare everything `engage demo` shows; safe to run again. Returns lines to print."""
    lines = compile_stale()
    engagement = db.session.scalar(select(Engagement).filter_by(slug=DEMO_ENGAGEMENT))
    if engagement is None:
        engagement = Engagement(
            slug=DEMO_ENGAGEMENT,
            name={"en": "Graduate Profile 2026-27", "es": "Perfil del Graduado 2026-27"},
            status=EngagementStatus.OPEN,
            default_language="en",
        )
        db.session.add(engagement)
    definitions = load_survey_folder(surveys_folder, KNOWN_LANGUAGES)
    lines += survey_services.import_surveys(definitions, engagement=engagement)
    _seed_schools()
    db.session.flush()
    if not target_shares(engagement, TargetDimension.LANGUAGE):
        set_targets(engagement, DEMO_ENROLLMENT, actor=None)
    lines += _seed_accounts()
    lines += _seed_conversation(engagement)
    survey = survey_services.find_open_survey("graduate-profile")
    if survey is not None:
        existing = survey_services.count_responses(survey)
        if existing < n_responses:
            _seed_responses(survey, n_responses - existing, random.Random(seed + existing))
        lines.append(f"{max(existing, n_responses)} demo responses in {survey.slug}")
    db.session.commit()
    return lines


def _seed_schools() -> None:
    schools = {
        "lincoln-elementary": "Lincoln Elementary School",
        "riverside-elementary": "Riverside Elementary School",
        "jefferson-middle": "Jefferson Middle School",
        "westview-high": "Westview High School",
        "eastside-high": "Eastside High School",
    }
    have = set(db.session.scalars(select(School.code)))
    for code, name in schools.items():
        if code not in have:
            db.session.add(School(code=code, name=name))


def _seed_accounts() -> list[str]:
    lines = ["Demo staff accounts (passwords are new on every run):"]
    for email, role in DEMO_ACCOUNTS:
        password = secrets.token_urlsafe(12)
        user = db.session.scalar(select(User).filter_by(email=email))
        if user is None:
            create_user(email, password, role)
        else:
            set_password(user, password)
        lines.append(f"  {role.value:<12} {email}  password: {password}")
    return lines


def _seed_responses(survey, count: int, rng: random.Random) -> None:
    answers_by_language = tomllib.loads(
        (Path(__file__).parent / "demo_answers.toml").read_text(encoding="utf-8")
    )
    languages = [code for code in LANGUAGE_WEIGHTS if code in answers_by_language]
    questions = {question.key: question for question in survey.questions}
    # A generator of its own, so the demo's answers stay what they were before channels.
    channel_rng = random.Random(count)
    for _ in range(count):
        language = rng.choices(languages, [LANGUAGE_WEIGHTS[code] for code in languages])[0]
        texts = answers_by_language[language]
        answers = {}
        for question in survey.questions:
            answers[question.key] = _demo_answer(question, texts, rng)
        answers["role"] = rng.choices(list(ROLE_WEIGHTS), list(ROLE_WEIGHTS.values()))[0]
        if "school" in questions:
            answers["school"] = rng.choices(list(SCHOOL_WEIGHTS), list(SCHOOL_WEIGHTS.values()))[0]
        if "home_language" in questions and rng.random() < 0.7:
            answers["home_language"] = _home_language(language)
        source = rng.choices([ResponseSource.WEB, ResponseSource.PAPER], [9, 1])[0]
        kind = channel_rng.choices(["flyer", "sms", "email", None], [3, 3, 1, 4])[0]
        response = survey_services.submit_response(
            survey,
            language,
            answers,
            survey_services.new_submission_token(),
            source=source,
            channel=channel_tag(f"{kind}-{language}")
            if kind and source == ResponseSource.WEB
            else None,
            # About half the people let others read and rate their open answers.
            shared={key for key in questions if rng.random() < 0.5},
        )
        # Spread over the last three weeks; the day it counts in moves with it.
        forget_response_counts(response)
        response.submitted_at -= timedelta(days=rng.uniform(0, 20))
        record_response_counts(response, response.answers)
    db.session.flush()


def _demo_answer(question, texts: dict, rng: random.Random):
    values = [option.value for option in question.options]
    kind = question.kind
    if kind == QuestionKind.OPEN:
        pool = {"hopes": texts.get("hopes"), "missing": texts.get("missing")}.get(question.key)
        return rng.choice(pool) if pool and rng.random() < 0.85 else None
    if question.demographic:
        return None
    # Some people skip a question, but never a required one: the web form would refuse it.
    if rng.random() < 0.15 and not question.required:
        return None
    if kind == QuestionKind.HEADING:
        return None
    if kind == QuestionKind.NUMBER:
        low = question.min_value if question.min_value is not None else 0
        return rng.randint(low, question.max_value if question.max_value is not None else low + 10)
    if kind == QuestionKind.GRID:
        return {statement.value: rng.choice(values) for statement in question.statements}
    if kind == QuestionKind.MULTIPLE:
        return rng.sample(values, rng.randint(1, min(question.max_choices or 3, len(values))))
    if kind == QuestionKind.RANK:
        return rng.sample(values, question.max_choices or 3)
    return rng.choice(values)


def _home_language(code: str) -> str:
    return {
        "en": "english",
        "es": "spanish",
        "vi": "vietnamese",
        "zh-Hans": "chinese",
        "ar": "arabic",
        "pt-BR": "portuguese",
        "ht": "haitian_creole",
        "so": "somali",
        "hmn": "hmong",
    }[code]


DEMO_PROMPT = {
    "en": "What does a successful graduate of our schools look like?",
    "es": "¿Cómo es un graduado exitoso de nuestras escuelas?",
    "vi": "Một học sinh tốt nghiệp thành công của trường chúng ta là người như thế nào?",
    "ar": "كيف يبدو الخريج الناجح من مدارسنا؟",
}
DEMO_POSTS = [
    ("en", "Someone who can disagree with you respectfully and still work with you."),
    ("es", "Alguien que sabe cuidar su dinero y ayudar a su familia."),
    ("vi", "Một người biết suy nghĩ độc lập và tự tin nói lên ý kiến của mình."),
    ("en", "They know how to learn something new on their own, without a teacher."),
    ("ar", "شخص يحترم الثقافات المختلفة ويتحدث أكثر من لغة."),
    ("es", "Que tenga confianza para hablar en público, en inglés y en español."),
]


def _seed_conversation(engagement) -> list[str]:
    """One open conversation with a few posts, so the forum and the themes have some."""
    from .forum import services as forum_services
    from .forum.models import Moderation, ThreadStatus

    if forum_services.find_thread("successful-graduate") is not None:
        return []
    thread = forum_services.create_thread(
        engagement,
        "successful-graduate",
        DEMO_PROMPT,
        ThreadStatus.OPEN,
        Moderation.POST,
        actor=None,
    )
    for language, body in DEMO_POSTS:
        forum_services.submit_post(thread, body, language)
    return [f"demo conversation with {len(DEMO_POSTS)} posts"]
