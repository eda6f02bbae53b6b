"""WSGI entry point for production servers: `gunicorn engage.wsgi:app` (config from ENGAGE_ENV)."""

from config import config_from_environment

from . import create_app

app = create_app(config_from_environment())
