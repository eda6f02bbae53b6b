"""Engage: community engagement for a district's graduate profile.

`create_app` wires configuration, extensions, blueprints, the CLI and error pages; nothing else.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from config import Config

if TYPE_CHECKING:
    from flask import Flask

# Flask is imported inside create_app so that `engage.themes` (a pure package) can be imported
# without loading Flask or SQLAlchemy.


def create_app(config_class=Config, overrides: dict | None = None) -> Flask:
    from flask import Flask

    overrides = overrides or {}
    app = Flask(
        __name__,
        instance_path=overrides.get("INSTANCE_PATH") or config_class.INSTANCE_PATH,
        instance_relative_config=True,
        template_folder=config_class.TEMPLATE_FOLDER,
    )
    app.config.from_object(config_class)
    app.config.update(overrides)
    from .ids import DatabaseIdConverter
    from .security import LimitedRequest

    app.request_class = LimitedRequest  # MAX_FORM_PARTS for urlencoded forms too
    app.url_map.converters["int"] = DatabaseIdConverter  # before any route is added
    _trust_proxies(app)
    # Survey pages are long; trimmed template whitespace keeps them light on a phone plan.
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    _configure_instance(app)

    from . import i18n, static_files
    from .extensions import babel, csrf, db, limiter, login_manager, migrate

    db.init_app(app)
    migrate.init_app(
        app, db, directory=str(Path(app.root_path).parent / "migrations"), render_as_batch=True
    )
    babel.init_app(app, locale_selector=i18n.formatting_locale)
    babel.domain_instance = i18n.LanguageDomain(
        translation_directories=[app.config["BABEL_TRANSLATION_DIRECTORIES"]]
    )
    csrf.init_app(app)
    login_manager.init_app(app)
    limiter.init_app(app)
    i18n.init_app(app)
    static_files.init_app(app)

    from .auth.admin import bp as admin_bp
    from .auth.views import bp as auth_bp
    from .desk.views import bp as desk_bp
    from .editor.opening_views import bp as survey_opening_bp
    from .editor.translation_views import bp as survey_translation_bp
    from .editor.views import bp as editor_bp
    from .engagements.views import bp as engagements_bp
    from .forum.staff import bp as forum_staff_bp
    from .forum.views import bp as forum_bp
    from .framework.public import bp as profile_bp
    from .framework.views import bp as framework_bp
    from .notifications.views import bp as notifications_bp
    from .outreach.views import bp as outreach_bp
    from .outreach.views import public_bp as short_links_bp
    from .paper.views import bp as paper_bp
    from .review.theme_views import bp as theme_review_bp
    from .review.version_views import bp as survey_versions_bp
    from .review.views import bp as review_bp
    from .surveys.views import bp as surveys_bp

    app.register_blueprint(surveys_bp)
    app.register_blueprint(forum_bp)
    app.register_blueprint(forum_staff_bp, url_prefix="/staff/forum")
    app.register_blueprint(auth_bp, url_prefix="/staff")
    app.register_blueprint(admin_bp, url_prefix="/staff/admin")
    app.register_blueprint(review_bp, url_prefix="/staff/review")
    app.register_blueprint(theme_review_bp, url_prefix="/staff/themes")
    app.register_blueprint(survey_versions_bp, url_prefix="/staff/survey-versions")
    app.register_blueprint(framework_bp, url_prefix="/staff/framework")
    app.register_blueprint(notifications_bp, url_prefix="/staff/notifications")
    app.register_blueprint(outreach_bp, url_prefix="/staff/outreach")
    app.register_blueprint(desk_bp, url_prefix="/staff/desk")
    app.register_blueprint(paper_bp, url_prefix="/staff/paper")
    app.register_blueprint(engagements_bp, url_prefix="/staff/engagements")
    app.register_blueprint(editor_bp, url_prefix="/staff/editor")
    app.register_blueprint(survey_translation_bp, url_prefix="/staff/editor")
    app.register_blueprint(survey_opening_bp, url_prefix="/staff/editor")
    app.register_blueprint(short_links_bp)
    app.register_blueprint(profile_bp)

    from . import models  # noqa: F401  (every table registered before the CLI or migrations)
    from .cli import register_commands
    from .errors import register_error_handlers
    from .notifications.mailer import start_sender_thread
    from .notifications.services import watch_audit_trail
    from .security import register_security_headers
    from .templating import register_template_helpers

    register_commands(app)
    register_error_handlers(app)
    register_security_headers(app)
    register_template_helpers(app)
    watch_audit_trail()
    app.before_request(lambda: start_sender_thread(app))
    return app


def _trust_proxies(app: Flask) -> None:
    """Honour X-Forwarded-For/-Proto only from the PROXY_COUNT proxies in front of the app."""
    count = int(app.config.get("PROXY_COUNT") or 0)
    if count > 0:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count)


def _configure_instance(app: Flask) -> None:
    instance = Path(app.instance_path)
    instance.mkdir(parents=True, exist_ok=True)
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{instance / 'engage.sqlite'}"
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    if uri.startswith("postgres://"):  # the scheme some hosts still hand out
        app.config["SQLALCHEMY_DATABASE_URI"] = "postgresql+psycopg://" + uri[len("postgres://") :]
    elif uri.startswith("postgresql://"):
        app.config["SQLALCHEMY_DATABASE_URI"] = (
            "postgresql+psycopg://" + uri[len("postgresql://") :]
        )
    if uri.startswith("sqlite"):
        options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
        options.setdefault("connect_args", {"timeout": 30})
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options
    secret = app.config.get("SECRET_KEY")
    if app.config.get("ENV_NAME") == "production":
        if not secret or len(secret) < 32 or "not-for-production" in secret:
            raise RuntimeError(
                "Production needs a real SECRET_KEY (32 or more random characters) in the "
                "environment, e.g. python -c 'import secrets; print(secrets.token_hex(32))'"
            )
    elif not secret:
        app.config["SECRET_KEY"] = _instance_secret(instance)


def _instance_secret(instance: Path) -> str:
    """A per-installation secret kept in the git-ignored instance folder."""
    import secrets

    path = instance / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()
