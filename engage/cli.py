"""The `engage` command: thin wrappers over services that print what they did.

Also reachable as `flask --app engage ...`. Heavy imports stay inside the commands.
"""

from datetime import UTC
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup, with_appcontext

from config import BASE_DIR


def _create_app_from_environment():
    from config import config_from_environment

    from . import create_app

    return create_app(config_from_environment())


@click.group(cls=FlaskGroup, create_app=_create_app_from_environment, add_version_option=False)
def main():
    """Engage: community engagement for a district's graduate profile."""


def register_commands(app: Flask) -> None:
    for command in (
        init_db,
        create_engagement_command,
        import_surveys_command,
        create_user_command,
        demo,
        translate,
        themes_command,
        notify_command,
        counts_command,
        spool_command,
    ):
        app.cli.add_command(command)


@click.command("init-db")
@with_appcontext
def init_db():
    """Create or upgrade the database schema (Alembic migrations)."""
    upgrade_database()
    click.echo(f"Database ready: {_safe_url()}")


def upgrade_database() -> None:
    from flask_migrate import upgrade

    upgrade(directory=str(BASE_DIR / "migrations"))


def stamp_database() -> None:
    """Mark a schema made by `db.create_all()` as up to date with the migrations."""
    from flask_migrate import stamp

    stamp(directory=str(BASE_DIR / "migrations"))


def _safe_url() -> str:
    from .extensions import db

    return db.engine.url.render_as_string(hide_password=True)


@click.command("create-engagement")
@click.argument("slug")
@click.option(
    "--name", required=True, help="The engagement's name, e.g. 'Graduate Profile 2026-27'."
)
@click.option("--language", default="en", show_default=True, help="Working language.")
@click.option("--open/--draft", "is_open", default=True, show_default=True)
@click.option(
    "--closes",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Closing date (YYYY-MM-DD); staff hear of under-heard groups a week before.",
)
@with_appcontext
def create_engagement_command(slug, name, language, is_open, closes):
    """Start an engagement (one cycle of community input) to attach surveys and forums to."""
    from .engagements.models import Engagement, EngagementStatus
    from .extensions import db

    if db.session.query(Engagement).filter_by(slug=slug).one_or_none() is not None:
        raise click.ClickException(f"An engagement with the slug {slug!r} already exists.")
    status = EngagementStatus.OPEN if is_open else EngagementStatus.DRAFT
    closes_at = closes.replace(hour=23, minute=59, tzinfo=UTC) if closes else None
    db.session.add(
        Engagement(
            slug=slug,
            name={language: name},
            default_language=language,
            status=status,
            closes_at=closes_at,
        )
    )
    db.session.commit()
    closing = f", closes {closes_at:%Y-%m-%d}" if closes_at else ""
    click.echo(f"Created engagement {slug} ({status.value}{closing}).")


@click.command("import-surveys")
@click.option("--folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--engagement", "engagement_slug", help="Attach the surveys to this engagement.")
@with_appcontext
def import_surveys_command(folder, engagement_slug):
    """Load every survey file (surveys/*.toml); a broken file changes nothing."""
    from .extensions import db
    from .i18n import KNOWN_LANGUAGES
    from .surveys import services
    from .surveys.loader import SurveyFileError, load_survey_folder

    folder = folder or Path(current_app.config["SURVEYS_FOLDER"])
    try:
        definitions = load_survey_folder(folder, KNOWN_LANGUAGES)
        engagement = _engagement(engagement_slug) if engagement_slug else None
        report = services.import_surveys(definitions, engagement=engagement)
        db.session.commit()
    except SurveyFileError as error:
        db.session.rollback()
        raise click.ClickException(f"Nothing was imported. {error}") from error
    for line in report:
        click.echo(line)


def _engagement(slug):
    from .engagements.models import Engagement
    from .extensions import db

    engagement = db.session.query(Engagement).filter_by(slug=slug).one_or_none()
    if engagement is None:
        raise click.ClickException(f"No engagement with the slug {slug!r}.")
    return engagement


@click.command("create-user")
@click.argument("email")
@click.option("--role", type=click.Choice(["facilitator", "board", "admin"]), required=True)
@click.option("--language", default="en", show_default=True, help="Preferred interface language.")
@click.password_option(help="Asked for if not given.")
@with_appcontext
def create_user_command(email, role, language, password):
    """Create a staff account (the first admin, for example)."""
    from .auth.services import create_user
    from .extensions import db
    from .models_base import DomainError

    try:
        user = create_user(email, password, role, preferred_language=language)
        db.session.commit()
    except DomainError as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from error
    click.echo(f"Created {user.role} account {user.email}.")


@click.command("demo")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--responses", default=300, show_default=True, type=int)
@click.option("--no-serve", is_flag=True, help="Prepare the demo data only.")
@with_appcontext
def demo(host, port, responses, no_serve):
    """Create the database, import the surveys, seed a demo engagement, and serve it."""
    from .demo import seed_demo

    upgrade_database()
    for line in seed_demo(Path(current_app.config["SURVEYS_FOLDER"]), responses):
        click.echo(line)
    if no_serve:
        return
    click.echo(f"Serving on http://{host}:{port}/  (Ctrl+C to stop)")
    # Flask refuses app.run() inside its own CLI: serve with Werkzeug, a thread per request.
    from werkzeug.serving import run_simple

    run_simple(host, port, current_app._get_current_object(), threaded=True)


@click.group("translate")
def translate():
    """Manage the gettext catalogs in translations/ (see README, "Adding a language")."""


@translate.command("extract")
def translate_extract():
    """Extract UI strings from the code and templates into translations/messages.pot."""
    from . import catalogs

    click.echo(f"wrote {catalogs.extract()}")


@translate.command("update")
def translate_update():
    """Extract, then merge new strings into every catalog."""
    from . import catalogs

    for line in catalogs.update():
        click.echo(line)


@translate.command("init")
@click.argument("catalog")
def translate_init(catalog):
    """Start a catalog for a new language (its folder name, e.g. pt_BR)."""
    from . import catalogs

    click.echo(f"created {catalogs.init(catalog)}")


@translate.command("compile")
def translate_compile():
    """Compile every catalog to .mo (`engage demo` and the tests do it too; .mo files are
    built, not kept in git)."""
    from . import catalogs

    for line in catalogs.compile_stale() or ["all catalogs up to date"]:
        click.echo(line)


@click.group("themes")
def themes_command():
    """Theme runs over an engagement's open answers and forum posts."""


@themes_command.command("run")
@click.option("--engagement", "engagement_slug", help="Default: the open engagement.")
@click.option("--themes", "n_themes", type=int, help="Number of themes (default: chosen).")
@with_appcontext
def themes_run(engagement_slug, n_themes):
    """Run the theme engine now, in this process, and print the themes."""
    from .engagements.services import current_engagement
    from .extensions import db
    from .review import runner, theme_runs

    engagement = _engagement(engagement_slug) if engagement_slug else current_engagement()
    if engagement is None:
        raise click.ClickException("No engagement yet: run `engage demo` or import surveys.")
    parameters = {
        "n_themes": n_themes,
        "seed": 0,
        "include_forum": True,
        "working_language": engagement.default_language,
    }
    run = theme_runs.start_run(engagement, parameters, actor=None)
    db.session.commit()
    runner.claim(run.id)
    runner.work(run.id, current_app.config["THEME_ENCODER"])
    db.session.refresh(run)
    if run.status != "done":
        raise click.ClickException(f"Run {run.id} failed: {run.message}")
    sizes = theme_runs.members_by_theme(run)
    click.echo(f"Run {run.id}: {run.metrics.get('contributions', 0)} contributions")
    for theme in run.themes:
        click.echo(f"  {len(sizes.get(theme.id, ())):>5}  {theme.label}")


@themes_command.command("worker")
@click.option("--once", is_flag=True, help="Stop when the queue is empty.")
@with_appcontext
def themes_worker(once):
    """Take queued theme runs from the database and carry them out (THEME_RUNNER=worker)."""
    from .review import runner

    done = runner.work_forever(current_app.config["THEME_ENCODER"], once=once)
    click.echo(f"{done} theme run(s) done")


@click.group("notify")
def notify_command():
    """Staff notification email: the outbox and its sender."""


@notify_command.command("send")
@click.option("--once", is_flag=True, help="One round, then stop.")
@with_appcontext
def notify_send(once):
    """Queue reminders that are due and deliver the outbox (MAIL_SENDER=worker)."""
    from .notifications import mailer

    outcome = mailer.work_forever(current_app._get_current_object(), once=once)
    click.echo(f"{outcome['sent']} sent, {outcome['failed']} failed (will be retried)")


@notify_command.command("status")
@with_appcontext
def notify_status():
    """How much staff mail is waiting, failing and sent."""
    from .notifications.services import outbox_summary

    summary = outbox_summary()
    click.echo(
        f"{summary['waiting']} waiting ({summary['failing']} failed at least once), "
        f"{summary['sent']} sent"
    )
    if not current_app.config.get("MAIL_SERVER"):
        click.echo("MAIL_SERVER is not set: mail waits in the outbox until it is.")


@click.group("counts")
def counts_command():
    """The response counts the dashboard reads (kept in step with every response)."""


@counts_command.command("rebuild")
@with_appcontext
def counts_rebuild():
    """Recompute every response count from the responses table."""
    from .extensions import db
    from .review.counts import rebuild_counts, stored_counts

    out_of_step = rebuild_counts()
    db.session.commit()
    cells = stored_counts()
    responses = sum(count for (_s, dimension, _v), count in cells.items() if dimension == "day")
    click.echo(
        f"{responses} responses counted in {len(cells)} cells; "
        f"{out_of_step} cells were out of step and are now corrected"
    )


@click.group("spool")
def spool_command():
    """Survey answers kept on this server while the database was unreachable."""


@spool_command.command("status")
@with_appcontext
def spool_status():
    """How many answers wait in the spool, since when, and the last drain error."""
    from .surveys import spool

    summary = spool.status(current_app._get_current_object())
    click.echo(f"{summary['waiting']} waiting in {summary['path']}")
    if summary["waiting"]:
        click.echo(f"oldest sent at {summary['oldest']}; {summary['failing']} failed to drain")
    if summary["last_error"]:
        click.echo(f"last error: {summary['last_error']}")


@spool_command.command("drain")
@with_appcontext
def spool_drain():
    """Store the spooled answers in the database now (each exactly once)."""
    from .surveys import spool

    outcome = spool.drain(current_app._get_current_object())
    click.echo(
        f"{outcome['stored']} stored, {outcome['already']} were already stored, "
        f"{outcome['failed']} failed, {outcome['waiting']} still waiting"
    )
    if outcome["failed"] or outcome["waiting"]:
        raise SystemExit(1)
