"""Staff pages to create, edit, close and archive engagements; every change goes through
`services`."""

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ..auth.models import Role
from ..auth.permissions import require_role
from ..extensions import db
from ..i18n import KNOWN_LANGUAGES
from . import groups as group_services
from . import services
from .forms import STATUS_LABELS, engagement_form, field_key, group_form
from .models import Engagement, EngagementGroup, GroupKind

bp = Blueprint("engagements", __name__)


def _status_label(engagement) -> str:
    if engagement.archived_at is not None:
        return _("Archived")
    if services.is_closed(engagement):
        return _("Closed")
    return str(STATUS_LABELS[engagement.status])


@bp.get("/")
@require_role(Role.FACILITATOR)
def list_engagements():
    engagements = services.list_engagements()
    return render_template(
        "engagements/list.html",
        current=[e for e in engagements if e.archived_at is None],
        archived=[e for e in engagements if e.archived_at is not None],
        status_label=_status_label,
        format_date=format_date,
    )


def _save(form, engagement=None):
    """Run the service for a checked form: the engagement, or None with the refusal shown."""
    values = {
        "name": form.texts("name"),
        "description": form.texts("description"),
        "working_language": form.working_language.data,
        "opens_on": form.opens_on.data,
        "closes_on": form.closes_on.data,
        "status": form.status.data,
    }
    try:
        if engagement is None:
            engagement = services.create_engagement(
                current_user, slug=form.slug.data or "", **values
            )
        else:
            engagement = services.update_engagement(engagement, current_user, **values)
    except services.EngagementError as error:
        db.session.rollback()
        return None, str(error)
    db.session.commit()
    return engagement, None


def _form_page(form, engagement, error):
    failed = bool(error or form.errors)
    return render_template(
        "engagements/form.html",
        form=form,
        engagement=engagement,
        error=error,
        languages=KNOWN_LANGUAGES,
    ), 400 if failed else 200


@bp.route("/new", methods=["GET", "POST"])
@require_role(Role.FACILITATOR)
def create_engagement():
    form = engagement_form()
    if request.method == "GET":
        form.working_language.data = current_app.config["LANGUAGES"][0]
    error = None
    if form.validate_on_submit():
        engagement, error = _save(form)
        if engagement is not None:
            flash(_("Engagement saved."))
            # next: its schools and groups (a survey file imported later adds its own too)
            return redirect(
                url_for("engagements.show_groups", engagement_id=engagement.id), code=303
            )
    return _form_page(form, None, error)


@bp.route("/<int:engagement_id>/edit", methods=["GET", "POST"])
@require_role(Role.FACILITATOR)
def edit_engagement(engagement_id: int):
    engagement = db.get_or_404(Engagement, engagement_id)
    form = engagement_form(engagement)
    error = None
    if form.validate_on_submit():
        saved, error = _save(form, engagement)
        if saved is not None:
            flash(_("Engagement saved."))
            return redirect(url_for("engagements.list_engagements"), code=303)
    return _form_page(form, engagement, error)


@bp.post("/<int:engagement_id>/close")
@require_role(Role.FACILITATOR)
def close_engagement(engagement_id: int):
    engagement = db.get_or_404(Engagement, engagement_id)
    services.close_engagement(engagement, current_user)  # a refusal is a 409 page
    db.session.commit()
    flash(_("Engagement closed: it no longer takes answers."))
    return redirect(url_for("engagements.list_engagements"), code=303)


@bp.post("/<int:engagement_id>/archive")
@require_role(Role.FACILITATOR)
def archive_engagement(engagement_id: int):
    engagement = db.get_or_404(Engagement, engagement_id)
    services.archive_engagement(engagement, current_user)
    db.session.commit()
    flash(_("Engagement archived."))
    return redirect(url_for("engagements.list_engagements"), code=303)


# ---- Schools and groups ----

GROUP_HEADINGS = {
    GroupKind.SCHOOL: _l("Schools"),
    GroupKind.ROLE: _l("Groups of people (who is answering)"),
}


def _group_prefix(group=None, kind=None) -> str:
    return f"g{group.id}" if group is not None else f"new-{kind}"


def _groups_page(engagement, failed=None, error=None, status=200):
    """The schools and groups page; `failed` is the form sent back with its errors."""
    editable = engagement.archived_at is None and not services.is_closed(engagement)
    sections = []
    for kind in GroupKind:
        rows = []
        for group in group_services.groups_of(engagement, kind):
            prefix = _group_prefix(group)
            form = failed if failed is not None and failed._prefix == prefix + "-" else None
            rows.append(
                {
                    "group": group,
                    "form": form or group_form(group, prefix=prefix),
                    "used": group_services.is_used(group),
                }
            )
        prefix = _group_prefix(kind=kind)
        new = failed if failed is not None and failed._prefix == prefix + "-" else None
        sections.append(
            {
                "kind": kind,
                "heading": GROUP_HEADINGS[kind],
                "rows": rows,
                "new": new or group_form(prefix=prefix),
            }
        )
    return render_template(
        "engagements/groups.html",
        engagement=engagement,
        sections=sections,
        editable=editable,
        error=error,
        failed=failed,
    ), status


def _refused(engagement, form, error):
    """Show a refusal next to its field (or above the form), keeping what was typed."""
    db.session.rollback()
    field = error.field
    if field.startswith("name_"):
        field = "name_" + field_key(field[len("name_") :])
    if field and field in form:
        form[field].errors = list(form[field].errors) + [str(error)]
    return _groups_page(engagement, failed=form, error=str(error), status=400)


@bp.get("/<int:engagement_id>/groups")
@require_role(Role.FACILITATOR)
def show_groups(engagement_id: int):
    return _groups_page(db.get_or_404(Engagement, engagement_id))


@bp.post("/<int:engagement_id>/groups/<kind>/add")
@require_role(Role.FACILITATOR)
def add_group(engagement_id: int, kind: str):
    engagement = db.get_or_404(Engagement, engagement_id)
    if kind not in tuple(GroupKind):
        abort(404)
    form = group_form(prefix=_group_prefix(kind=kind), submitted=True)
    if not form.validate_on_submit():
        return _groups_page(engagement, failed=form, status=400)
    try:
        group_services.add_group(
            engagement, GroupKind(kind), current_user, names=form.names(), code=form.code.data
        )
    except group_services.GroupError as error:
        return _refused(engagement, form, error)
    db.session.commit()
    flash(_("Saved."))
    return redirect(url_for("engagements.show_groups", engagement_id=engagement.id), code=303)


def _group_of(engagement_id: int, group_id: int) -> EngagementGroup:
    group = db.get_or_404(EngagementGroup, group_id)
    if group.engagement_id != engagement_id:
        abort(404)
    return group


@bp.post("/<int:engagement_id>/groups/<int:group_id>/rename")
@require_role(Role.FACILITATOR)
def rename_group(engagement_id: int, group_id: int):
    group = _group_of(engagement_id, group_id)
    engagement = group.engagement
    form = group_form(group, prefix=_group_prefix(group), submitted=True)
    if not form.validate_on_submit():
        return _groups_page(engagement, failed=form, status=400)
    try:
        group_services.rename_group(group, current_user, names=form.names())
    except group_services.GroupError as error:
        return _refused(engagement, form, error)
    db.session.commit()
    flash(_("Saved."))
    return redirect(url_for("engagements.show_groups", engagement_id=engagement.id), code=303)


@bp.post("/<int:engagement_id>/groups/<int:group_id>/remove")
@require_role(Role.FACILITATOR)
def remove_group(engagement_id: int, group_id: int):
    group = _group_of(engagement_id, group_id)
    engagement = group.engagement
    form = group_form(group, prefix=_group_prefix(group), submitted=True)
    if not form.validate_on_submit():
        return _groups_page(engagement, failed=form, status=400)
    try:
        group_services.remove_group(group, current_user)
    except group_services.GroupError as error:
        db.session.rollback()
        return _groups_page(engagement, error=str(error), status=409)
    db.session.commit()
    flash(_("Removed."))
    return redirect(url_for("engagements.show_groups", engagement_id=engagement.id), code=303)
