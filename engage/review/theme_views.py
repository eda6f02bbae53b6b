"""Theme runs and theme review for facilitators: start a run, watch it, review its themes."""

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask import Response as HttpResponse
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from wtforms.fields.choices import SelectChoice

from ..auth.models import Role
from ..auth.permissions import require_role
from ..engagements import services as engagement_services
from ..engagements.models import Engagement
from ..extensions import db
from ..i18n import KNOWN_LANGUAGES, localized, offered_languages, select_language
from ..ids import db_id, page_number
from ..models_base import DomainError
from ..privacy import is_shown
from ..themes.encoders import base_language
from . import dashboard, runner, theme_community, theme_edits, theme_runs
from .contributions import texts_for
from .exports import csv_line
from .models import AnalysisRun, RunStatus, Theme, ThemeAssignment, ThemeStatus
from .theme_forms import MergeForm, MoveForm, RenameForm, SplitForm, StartRunForm

bp = Blueprint("theme_review", __name__)


def _question_label(group, engagement: Engagement) -> str:
    """A question's text, saying which versions asked it when not all of them did."""
    label = group.newest.text.get(engagement.default_language) or group.key
    if group.in_every_version:
        return label
    return _(
        "%(question)s (asked in versions %(versions)s)",
        question=label,
        versions=group.versions_label,
    )


def _start_form(engagement: Engagement) -> StartRunForm:
    form = StartRunForm()
    groups = theme_runs.open_question_groups(engagement.id)
    form.questions.choices = [
        SelectChoice(group.newest.id, _question_label(group, engagement)) for group in groups
    ]
    form.languages.choices = [SelectChoice(lang.code, lang.name) for lang in offered_languages()]
    if request.method == "GET":
        form.questions.data = [group.newest.id for group in groups]
    return form


@bp.route("/", methods=["GET", "POST"])
@require_role(Role.FACILITATOR)
def list_runs():
    engagement = engagement_services.current_engagement()
    if engagement is None:
        return render_template("review/no_engagement.html")
    form = _start_form(engagement)
    if form.validate_on_submit():
        parameters = {
            "question_ids": form.questions.data,
            "languages": form.languages.data,
            "include_forum": form.include_forum.data,
            "n_themes": form.n_themes.data,
            "seed": 0,
            "working_language": engagement.default_language,
        }
        run = theme_runs.start_run(engagement, parameters, current_user)
        db.session.commit()
        runner.launch(current_app._get_current_object(), run.id)
        return redirect(url_for("theme_review.show_run", run_id=run.id))
    runs = db.session.scalars(
        select(AnalysisRun)
        .filter_by(engagement_id=engagement.id)
        .options(selectinload(AnalysisRun.themes), selectinload(AnalysisRun.started_by))
        .order_by(AnalysisRun.id.desc())
    ).all()  # the list shows each run's theme count and starter: load them in two queries
    return render_template("themes/runs.html", engagement=engagement, runs=runs, form=form)


@bp.get("/runs/<int:run_id>")
@require_role(Role.FACILITATOR)
def show_run(run_id: int):
    run = db.get_or_404(AnalysisRun, run_id)
    if run.status != RunStatus.DONE:
        return render_template("themes/progress.html", run=run)
    themes = [t for t in run.themes if t.status != ThemeStatus.MERGED]
    sizes = theme_sizes(run)
    return render_template(
        "themes/run.html",
        run=run,
        themes=themes,
        sizes=sizes,
        communities=theme_community.communities(run),
        understanding=understanding_table(run),
        unread=theme_community.not_understood(run),
        base_language_names=_base_language_names(),
        unclear=sizes[UNCLEAR],
        languages=KNOWN_LANGUAGES,
        by_key={t.key: t for t in themes},
    )


@bp.get("/runs/<int:run_id>/status")
@require_role(Role.FACILITATOR)
def run_status(run_id: int):
    """The run's state for run-progress.js: the same line the page shows, in the reader's
    language, so the script carries no text of its own."""
    from ..templating import RUN_STATUS_NAMES

    run = db.get_or_404(AnalysisRun, run_id)
    finished = run.status in (RunStatus.DONE, RunStatus.FAILED)
    name = str(RUN_STATUS_NAMES.get(str(run.status), run.status))
    if run.status == RunStatus.DONE:
        text = _("The run is done.")
    elif run.status == RunStatus.FAILED:
        text = _("The run failed.") + " " + (run.message or "")
    else:
        text = f"{name}: {run.message or ''}"
    return {
        "status": str(run.status),
        "text": text,
        "progress": int(run.progress or 0),
        "finished": finished,
        "href": url_for("theme_review.show_run", run_id=run.id),
        "link_text": _("See its themes") if run.status == RunStatus.DONE else _("See why"),
    }


UNCLEAR = theme_community.UNCLEAR
UNDERSTANDING_COLUMNS = ("by_encoder", "by_translation", "not_understood")


def understanding_table(run: AnalysisRun):
    """Per language: contributions the engine read across languages by itself, through a
    translation, and not at all; small cells suppressed as one cross-tab."""
    from ..privacy import suppress_table

    understanding = (run.metrics or {}).get("understanding") or {}
    if not understanding:
        return None
    return suppress_table(
        {
            (language, column): int(figures.get(column, 0))
            for language, figures in understanding.items()
            for column in UNDERSTANDING_COLUMNS
        }
    )


def theme_sizes(run: AnalysisRun) -> dict:
    """Members per theme and without a theme, suppressed with the run's languages and total
    (one cross-tab, see `theme_community.language_table`)."""
    return theme_community.theme_sizes(run)


#: Answers shown per page of a theme (a page of 71 answers was some 15,000 pixels tall).
MEMBERS_PER_PAGE = 20


def _page_asked() -> int:
    """The page of answers asked for: ?page= on a GET, the form's `page` on a POST."""
    source = request.form if request.method == "POST" else request.args
    return source.get("page", 1, type=page_number)


@bp.get("/themes/<int:theme_id>")
@require_role(Role.FACILITATOR)
def show_theme(theme_id: int):
    theme = db.get_or_404(Theme, theme_id)
    return _theme_page(theme, _theme_forms(theme))


def ordered_members(theme: Theme) -> list[ThemeAssignment]:
    """Pinned quotes first, then the engine's most representative answers, then the rest."""
    return sorted(theme.assignments, key=lambda a: (not a.pinned, not a.representative, a.id))


def _theme_page(theme: Theme, forms: dict, status: int = 200):
    members = ordered_members(theme)
    pages = max(1, -(-len(members) // MEMBERS_PER_PAGE))
    page = min(_page_asked(), pages)
    shown = members[(page - 1) * MEMBERS_PER_PAGE : page * MEMBERS_PER_PAGE]
    return render_template(
        "themes/theme.html",
        theme=theme,
        members=shown,
        member_count=len(members),
        page=page,
        pages=pages,
        first_number=(page - 1) * MEMBERS_PER_PAGE + 1,
        unmoved=request.args.get("unmoved", type=db_id),
        texts=texts_for([a.contribution for a in shown]),
        community=theme_community.communities(theme.run).get(theme.id),
        base_language_names=_base_language_names(),
        same_as=next(
            (t for t in theme.run.themes if theme.similar_to and t.key == theme.similar_to), None
        ),
        languages=KNOWN_LANGUAGES,
        role_names=option_labels(theme.run.engagement_id, "role"),
        school_names=option_labels(theme.run.engagement_id, "school"),
        **forms,
    ), status


def _base_language_names() -> dict[str, str]:
    """Names for the engine's base codes ("zh", "pt"): the first known language of each."""
    names: dict[str, str] = {}
    for code, language in KNOWN_LANGUAGES.items():
        names.setdefault(base_language(code), language.name)
    return names


def option_labels(engagement_id: int, maps_to: str) -> dict[str, str]:
    engagement = db.session.get(Engagement, engagement_id)
    return dashboard.option_labels(engagement, maps_to, select_language(), localized)


def _theme_forms(theme: Theme) -> dict:
    others = [t for t in theme.run.themes if t.id != theme.id and t.status != ThemeStatus.MERGED]
    rename = RenameForm(prefix="rename", label=theme.label)
    rename.language.choices = [SelectChoice("", _("Working language"))] + [
        SelectChoice(lang.code, lang.name) for lang in offered_languages()
    ]
    merge = MergeForm(prefix="merge")
    merge.others.choices = [SelectChoice(t.id, t.label) for t in others]
    split = SplitForm(prefix="split")
    split.members.choices = [
        SelectChoice(a.contribution, a.contribution) for a in theme.assignments
    ]
    move = MoveForm(prefix="move")
    # Starts empty: a preset theme would move an answer somewhere nobody chose.
    move.target.choices = [SelectChoice("", _("Choose a theme"))] + [
        SelectChoice(t.id, t.label) for t in others
    ]
    return {"rename_form": rename, "merge_form": merge, "split_form": split, "move_form": move}


def _back(theme: Theme, anchor: str | None = None, **args):
    """To the theme, on the page of answers the person was on."""
    db.session.commit()
    page = _page_asked()
    return redirect(
        url_for(
            "theme_review.show_theme",
            theme_id=theme.id,
            page=page if page > 1 else None,
            _anchor=anchor,
            **args,
        )
    )


@bp.post("/themes/<int:theme_id>/rename")
@require_role(Role.FACILITATOR)
def rename_theme(theme_id: int):
    theme = db.get_or_404(Theme, theme_id)
    forms = _theme_forms(theme)
    form = forms["rename_form"]
    if form.validate_on_submit():
        try:
            theme_edits.rename_theme(
                theme, form.label.data, form.language.data or None, current_user
            )
        except DomainError as error:
            form.label.errors.append(str(error.args[0]))  # e.g. a name of only spaces
        else:
            flash(_("Theme renamed."))
            return _back(theme)
    # Back to the theme with the error beside the field and what was typed still in it.
    db.session.rollback()
    return _theme_page(db.get_or_404(Theme, theme_id), forms, 400)


@bp.post("/themes/<int:theme_id>/accept")
@require_role(Role.FACILITATOR)
def accept_theme(theme_id: int):
    theme = db.get_or_404(Theme, theme_id)
    theme_edits.accept_theme(theme, current_user)
    flash(_("Theme accepted: it keeps its name and identity in later runs."))
    return _back(theme)


@bp.post("/themes/<int:theme_id>/off-topic")
@require_role(Role.FACILITATOR)
def mark_theme_off_topic(theme_id: int):
    theme = db.get_or_404(Theme, theme_id)
    theme_edits.mark_theme_off_topic(theme, current_user)
    flash(_("Theme marked off-topic."))
    return _back(theme)


@bp.post("/themes/<int:theme_id>/merge")
@require_role(Role.FACILITATOR)
def merge_themes(theme_id: int):
    theme = db.get_or_404(Theme, theme_id)
    form = _theme_forms(theme)["merge_form"]
    form.validate_on_submit()
    others = [db.session.get(Theme, other_id) for other_id in form.others.data or []]
    theme_edits.merge_themes(theme, [t for t in others if t is not None], current_user)
    flash(_("Themes merged."))
    return _back(theme)


@bp.post("/themes/<int:theme_id>/split")
@require_role(Role.FACILITATOR)
def split_theme(theme_id: int):
    theme = db.get_or_404(Theme, theme_id)
    if "engine" in request.form:
        new = theme_edits.split_theme_by_engine(
            theme, current_user, current_app.config["THEME_ENCODER"]
        )
    else:
        form = _theme_forms(theme)["split_form"]
        form.validate_on_submit()
        new = theme_edits.split_theme(theme, form.members.data or [], form.label.data, current_user)
    db.session.commit()
    flash(_("Theme split: the new theme is “%(label)s”.", label=new.label))
    return redirect(url_for("theme_review.show_theme", theme_id=theme.id))


@bp.post("/assignments/<int:assignment_id>/move")
@require_role(Role.FACILITATOR)
def move_contribution(assignment_id: int):
    assignment = db.get_or_404(ThemeAssignment, assignment_id)
    source_theme = assignment.theme
    target_id = request.form.get("move-target", type=db_id)
    if not target_id:
        flash(_("Choose a theme to move the answer to. Nothing was moved."))
        return (
            # Back to the answer, with the reason beside its "Move to" (and at the top).
            _back(source_theme, f"member-{assignment.id}", unmoved=assignment.id)
            if source_theme
            else redirect(url_for("theme_review.show_run", run_id=assignment.run_id))
        )
    target = db.get_or_404(Theme, target_id)
    if target.run_id != assignment.run_id:
        raise DomainError(_("Only themes of the same run can be chosen."))
    theme_edits.move_contribution(assignment, target, current_user)
    flash(_("Answer moved to “%(label)s”.", label=target.label))
    return _back(source_theme or target)


@bp.post("/assignments/<int:assignment_id>/off-topic")
@require_role(Role.FACILITATOR)
def mark_contribution_off_topic(assignment_id: int):
    assignment = db.get_or_404(ThemeAssignment, assignment_id)
    theme = assignment.theme
    theme_edits.mark_contribution_off_topic(assignment, current_user)
    flash(_("Answer marked off-topic."))
    if theme is None:
        db.session.commit()
        return redirect(url_for("theme_review.show_run", run_id=assignment.run_id))
    return _back(theme)


@bp.post("/assignments/<int:assignment_id>/pin")
@require_role(Role.FACILITATOR)
def pin_quote(assignment_id: int):
    assignment = db.get_or_404(ThemeAssignment, assignment_id)
    pinned = request.form.get("pinned") == "1"
    theme_edits.pin_quote(assignment, pinned, current_user)
    flash(_("Quote pinned.") if pinned else _("Quote unpinned."))
    return _back(assignment.theme)


@bp.get("/runs/<int:run_id>/themes.csv")
@require_role(Role.FACILITATOR)
def export_themes(run_id: int):
    run = db.get_or_404(AnalysisRun, run_id)
    assignments = db.session.scalars(
        select(ThemeAssignment).filter_by(run_id=run.id).order_by(ThemeAssignment.theme_id)
    ).all()
    texts = texts_for([a.contribution for a in assignments])
    themes = {t.id: t for t in run.themes}
    # Counting rows by theme and language must not give a hidden cell of the report back.
    cells = theme_community.language_table(run).cells

    def language_of(assignment, item) -> str:
        row = assignment.theme_id if assignment.theme_id is not None else UNCLEAR
        if item is None or not is_shown(cells.get((row, item.language), 0)):
            return "hidden" if item else ""
        return item.language

    def rows():
        yield "\ufeff" + csv_line(
            [
                "theme",
                "theme_status",
                "keywords",
                "contribution",
                "kind",
                "question",
                "language",
                "pinned",
                "text",
            ]
        )
        for a in assignments:
            theme = themes.get(a.theme_id)
            item = texts.get(a.contribution)
            yield csv_line(
                [
                    theme.label if theme else ("off-topic" if a.off_topic else "no clear theme"),
                    theme.status.value if theme else "",
                    ", ".join(theme.keywords) if theme else "",
                    a.contribution,
                    item.kind if item else "",
                    (item.question_key or "") if item else "",
                    language_of(a, item),
                    "yes" if a.pinned else "",
                    item.text if item else "",
                ]
            )

    return HttpResponse(
        stream_with_context(rows()),
        mimetype="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="themes-run-{run.id}.csv"'},
    )


@bp.get("/runs/<int:run_id>/report")
@require_role(Role.FACILITATOR)
def print_report(run_id: int):
    run = db.get_or_404(AnalysisRun, run_id)
    themes = [t for t in run.themes if t.status not in (ThemeStatus.MERGED, ThemeStatus.OFF_TOPIC)]
    quotes = {}
    for theme in themes:
        chosen = [a for a in theme.assignments if a.pinned] or [
            a for a in theme.assignments if a.representative
        ]
        quotes[theme.id] = chosen[:3]
    texts = texts_for([a.contribution for chosen in quotes.values() for a in chosen])
    table = theme_community.language_table(run)
    return render_template(
        "themes/report.html",
        run=run,
        themes=themes,
        quotes=quotes,
        texts=texts,
        sizes=theme_community.theme_sizes(run, table),
        communities=theme_community.communities(run, table),
        unclear_languages={g: v for g, v in table.row(UNCLEAR).items() if g and v != 0},
        languages=KNOWN_LANGUAGES,
    )
