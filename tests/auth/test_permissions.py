"""Every staff endpoint declares its roles, and each role gets exactly what the roles table says."""

import pytest

from engage.auth.models import Role

# Endpoints anyone may reach: the community's pages and the staff front door.
PUBLIC_ENDPOINTS = {
    "static",
    "surveys.choose_language",
    "surveys.list_surveys",
    "surveys.answer_survey",
    "surveys.show_receipt",
    "surveys.answer_again",
    "auth.sign_in",
    "auth.sign_out",
    "auth.accept_invitation",
    "profile.show_profile",
    "profile.comment_on_draft",
    "forum.list_threads",
    "forum.show_thread",
    "forum.endorse_post",
    "forum.report_post",
    "forum.rate_answers",
    "short_links.follow",
}

STAFF = (Role.FACILITATOR, Role.BOARD, Role.ADMIN)
# Admins pass every role check except these: they never vote or comment in the board's place.
BOARD_MEMBERS_ONLY = {"framework.vote", "framework.add_board_comment"}
# endpoint -> (URL, method, roles that may use it). Admins may use everything.
ROLE_TABLE = {
    "auth.staff_home": ("/staff/", "GET", STAFF),
    "auth.edit_account": ("/staff/account", "GET", STAFF + (Role.TRANSLATOR,)),
    # The translation desk: translators (and facilitators) and nothing else for translators.
    "desk.choose_engagement": ("/staff/desk/", "GET", (Role.TRANSLATOR, Role.FACILITATOR)),
    "desk.show_desk": ("/staff/desk/engagements/1", "GET", (Role.TRANSLATOR, Role.FACILITATOR)),
    "desk.translate_item": ("/staff/desk/items/a/1", "GET", (Role.TRANSLATOR, Role.FACILITATOR)),
    "desk.ask_machine": (
        "/staff/desk/items/a/1/machine",
        "POST",
        (Role.TRANSLATOR, Role.FACILITATOR),
    ),
    "notifications.edit_notifications": ("/staff/notifications/", "GET", STAFF),
    "review.list_responses": ("/staff/review/responses", "GET", (Role.FACILITATOR, Role.ADMIN)),
    "review.show_response": ("/staff/review/responses/1", "GET", (Role.FACILITATOR, Role.ADMIN)),
    "review.choose_engagement": ("/staff/review/", "GET", (Role.FACILITATOR, Role.ADMIN)),
    "review.show_dashboard": ("/staff/review/engagements/1", "GET", (Role.FACILITATOR,)),
    "outreach.choose_engagement": ("/staff/outreach/", "GET", (Role.FACILITATOR,)),
    "outreach.show_kits": ("/staff/outreach/engagements/1", "GET", (Role.FACILITATOR,)),
    "outreach.show_kit": ("/staff/outreach/surveys/1/so/", "GET", (Role.FACILITATOR,)),
    "outreach.download_qr": ("/staff/outreach/surveys/1/so/qr.png", "GET", (Role.FACILITATOR,)),
    "outreach.show_flyer": ("/staff/outreach/surveys/1/so/flyer", "GET", (Role.FACILITATOR,)),
    "engagements.list_engagements": ("/staff/engagements/", "GET", (Role.FACILITATOR,)),
    "engagements.show_groups": ("/staff/engagements/1/groups", "GET", (Role.FACILITATOR,)),
    "engagements.add_group": (
        "/staff/engagements/1/groups/school/add",
        "POST",
        (Role.FACILITATOR,),
    ),
    "engagements.rename_group": (
        "/staff/engagements/1/groups/1/rename",
        "POST",
        (Role.FACILITATOR,),
    ),
    "engagements.remove_group": (
        "/staff/engagements/1/groups/1/remove",
        "POST",
        (Role.FACILITATOR,),
    ),
    "survey_versions.history": ("/staff/survey-versions/x", "GET", (Role.FACILITATOR,)),
    "survey_versions.compare": ("/staff/survey-versions/x/compare", "GET", (Role.FACILITATOR,)),
    "engagements.create_engagement": ("/staff/engagements/new", "GET", (Role.FACILITATOR,)),
    "engagements.edit_engagement": ("/staff/engagements/1/edit", "GET", (Role.FACILITATOR,)),
    "engagements.close_engagement": ("/staff/engagements/1/close", "POST", (Role.FACILITATOR,)),
    "engagements.archive_engagement": (
        "/staff/engagements/1/archive",
        "POST",
        (Role.FACILITATOR,),
    ),
    "paper.show_desk": ("/staff/paper/", "GET", (Role.FACILITATOR,)),
    "paper.create_batch": ("/staff/paper/batches", "POST", (Role.FACILITATOR,)),
    "paper.show_batch": ("/staff/paper/batches/K7QM", "GET", (Role.FACILITATOR,)),
    "paper.print_batch": ("/staff/paper/batches/K7QM/print", "GET", (Role.FACILITATOR,)),
    "paper.print_survey": ("/staff/paper/surveys/1/so/print", "GET", (Role.FACILITATOR,)),
    "paper.choose_batch": ("/staff/paper/enter", "GET", (Role.FACILITATOR,)),
    "paper.enter_sheet": ("/staff/paper/batches/K7QM/enter", "GET", (Role.FACILITATOR,)),
    "review.edit_targets": ("/staff/review/engagements/1/targets", "GET", (Role.FACILITATOR,)),
    "review.enter_response": ("/staff/review/surveys/1/enter", "GET", (Role.FACILITATOR,)),
    "theme_review.list_runs": ("/staff/themes/", "GET", (Role.FACILITATOR,)),
    "theme_review.show_run": ("/staff/themes/runs/1", "GET", (Role.FACILITATOR,)),
    "theme_review.run_status": ("/staff/themes/runs/1/status", "GET", (Role.FACILITATOR,)),
    "theme_review.show_theme": ("/staff/themes/themes/1", "GET", (Role.FACILITATOR,)),
    "theme_review.export_themes": ("/staff/themes/runs/1/themes.csv", "GET", (Role.FACILITATOR,)),
    "theme_review.print_report": ("/staff/themes/runs/1/report", "GET", (Role.FACILITATOR,)),
    "theme_review.rename_theme": ("/staff/themes/themes/1/rename", "POST", (Role.FACILITATOR,)),
    "theme_review.accept_theme": ("/staff/themes/themes/1/accept", "POST", (Role.FACILITATOR,)),
    "theme_review.mark_theme_off_topic": (
        "/staff/themes/themes/1/off-topic",
        "POST",
        (Role.FACILITATOR,),
    ),
    "theme_review.merge_themes": ("/staff/themes/themes/1/merge", "POST", (Role.FACILITATOR,)),
    "theme_review.split_theme": ("/staff/themes/themes/1/split", "POST", (Role.FACILITATOR,)),
    "theme_review.move_contribution": (
        "/staff/themes/assignments/1/move",
        "POST",
        (Role.FACILITATOR,),
    ),
    "theme_review.mark_contribution_off_topic": (
        "/staff/themes/assignments/1/off-topic",
        "POST",
        (Role.FACILITATOR,),
    ),
    "theme_review.pin_quote": ("/staff/themes/assignments/1/pin", "POST", (Role.FACILITATOR,)),
    "framework.list_frameworks": ("/staff/framework/", "GET", (Role.FACILITATOR, Role.BOARD)),
    "framework.show_version": (
        "/staff/framework/versions/1",
        "GET",
        (Role.FACILITATOR, Role.BOARD),
    ),
    "framework.compare_versions": (
        "/staff/framework/versions/1/compare",
        "GET",
        (Role.FACILITATOR, Role.BOARD),
    ),
    "framework.show_coverage": (
        "/staff/framework/1/coverage",
        "GET",
        (Role.FACILITATOR, Role.BOARD),
    ),
    "framework.new_competency": (
        "/staff/framework/versions/1/competencies/new",
        "GET",
        (Role.FACILITATOR,),
    ),
    "framework.edit_competency": (
        "/staff/framework/competencies/1/edit",
        "GET",
        (Role.FACILITATOR,),
    ),
    "framework.delete_competency": (
        "/staff/framework/competencies/1/delete",
        "POST",
        (Role.FACILITATOR,),
    ),
    "framework.link_theme": (
        "/staff/framework/competencies/1/evidence",
        "POST",
        (Role.FACILITATOR,),
    ),
    "framework.unlink_theme": ("/staff/framework/evidence/1/delete", "POST", (Role.FACILITATOR,)),
    "framework.decide_suggestion": (
        "/staff/framework/versions/1/suggestions/1",
        "POST",
        (Role.FACILITATOR,),
    ),
    "framework.change_version": (
        "/staff/framework/versions/1/send-to-board",
        "POST",
        (Role.FACILITATOR,),
    ),
    "framework.approve_version": (
        "/staff/framework/versions/1/approve",
        "POST",
        (Role.FACILITATOR, Role.BOARD),
    ),
    "framework.vote": ("/staff/framework/versions/1/vote", "POST", (Role.BOARD,)),
    "framework.record_vote": ("/staff/framework/versions/1/votes/record", "POST", (Role.ADMIN,)),
    "framework.add_board_comment": (
        "/staff/framework/versions/1/board-comments",
        "POST",
        (Role.BOARD,),
    ),
    "framework.hide_public_comment": (
        "/staff/framework/public-comments/1/hide",
        "POST",
        (Role.FACILITATOR,),
    ),
    "review.export_responses": (
        "/staff/review/surveys/1/responses.csv",
        "GET",
        (Role.FACILITATOR,),
    ),
    "review.show_exports": ("/staff/review/surveys/1/export", "GET", (Role.FACILITATOR,)),
    "review.export_responses_full": (
        "/staff/review/surveys/1/responses-full.csv",
        "POST",
        (Role.ADMIN,),
    ),
    "admin.list_staff": ("/staff/admin/staff", "GET", (Role.ADMIN,)),
    "admin.change_role": ("/staff/admin/staff/1/role", "POST", (Role.ADMIN,)),
    "admin.change_reads_languages": ("/staff/admin/staff/1/languages", "POST", (Role.ADMIN,)),
    "admin.deactivate_user": ("/staff/admin/staff/1/deactivate", "POST", (Role.ADMIN,)),
    "admin.reactivate_user": ("/staff/admin/staff/1/reactivate", "POST", (Role.ADMIN,)),
    "admin.list_audit_events": ("/staff/admin/audit", "GET", (Role.ADMIN,)),
    "forum_staff.list_threads": ("/staff/forum/", "GET", (Role.FACILITATOR, Role.ADMIN)),
    "forum_staff.new_thread": ("/staff/forum/threads/new", "GET", (Role.FACILITATOR, Role.ADMIN)),
    "forum_staff.edit_thread": ("/staff/forum/threads/1", "GET", (Role.FACILITATOR, Role.ADMIN)),
    "forum_staff.moderation_queue": (
        "/staff/forum/moderation",
        "GET",
        (Role.FACILITATOR, Role.ADMIN),
    ),
    "forum_staff.show_post": ("/staff/forum/posts/1", "GET", (Role.FACILITATOR, Role.ADMIN)),
    "forum_staff.approve_post": (
        "/staff/forum/posts/1/approve",
        "POST",
        (Role.FACILITATOR, Role.ADMIN),
    ),
    "forum_staff.hide_post": ("/staff/forum/posts/1/hide", "POST", (Role.FACILITATOR, Role.ADMIN)),
    "forum_staff.restore_post": (
        "/staff/forum/posts/1/restore",
        "POST",
        (Role.FACILITATOR, Role.ADMIN),
    ),
    "forum_staff.answer_support": ("/staff/forum/support", "GET", (Role.FACILITATOR, Role.ADMIN)),
    "editor.list_surveys": ("/staff/editor/engagements/1/surveys", "GET", (Role.FACILITATOR,)),
    "editor.create_draft": ("/staff/editor/engagements/1/surveys/new", "POST", (Role.FACILITATOR,)),
    "editor.import_new_draft": (
        "/staff/editor/engagements/1/surveys/import",
        "POST",
        (Role.FACILITATOR,),
    ),
    "editor.show_draft": ("/staff/editor/drafts/1", "GET", (Role.FACILITATOR,)),
    "editor.edit_settings": ("/staff/editor/drafts/1/settings", "GET", (Role.FACILITATOR,)),
    "editor.add_question": (
        "/staff/editor/drafts/1/questions/new?kind=open",
        "GET",
        (Role.FACILITATOR,),
    ),
    "editor.edit_question": ("/staff/editor/drafts/1/questions/1", "GET", (Role.FACILITATOR,)),
    "editor.move_question": (
        "/staff/editor/drafts/1/questions/1/move",
        "POST",
        (Role.FACILITATOR,),
    ),
    "editor.delete_question": (
        "/staff/editor/drafts/1/questions/1/delete",
        "POST",
        (Role.FACILITATOR,),
    ),
    "survey_translation.translate": (
        "/staff/editor/drafts/1/translate/es",
        "GET",
        (Role.FACILITATOR,),
    ),
    "survey_translation.show_preview": (
        "/staff/editor/drafts/1/preview/es",
        "GET",
        (Role.FACILITATOR,),
    ),
    "survey_translation.preview_frame": (
        "/staff/editor/drafts/1/preview/es/frame",
        "GET",
        (Role.FACILITATOR,),
    ),
    "survey_opening.open_survey": ("/staff/editor/drafts/1/open", "GET", (Role.FACILITATOR,)),
    "survey_opening.export_draft": (
        "/staff/editor/drafts/1/export.toml",
        "GET",
        (Role.FACILITATOR,),
    ),
    "survey_opening.import_into_draft": (
        "/staff/editor/drafts/1/import",
        "POST",
        (Role.FACILITATOR,),
    ),
    "survey_opening.show_survey": ("/staff/editor/surveys/1", "GET", (Role.FACILITATOR,)),
    "survey_opening.edit_survey": ("/staff/editor/surveys/1/edit", "POST", (Role.FACILITATOR,)),
    "survey_opening.export_version": (
        "/staff/editor/surveys/1/export.toml",
        "GET",
        (Role.FACILITATOR,),
    ),
}


def test_every_staff_endpoint_declares_its_roles(app):
    undeclared = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint in PUBLIC_ENDPOINTS:
            continue
        view = app.view_functions[rule.endpoint]
        if not getattr(view, "required_roles", None):
            undeclared.append(rule.endpoint)
    assert undeclared == []


def test_role_table_covers_every_staff_endpoint(app):
    staff_endpoints = {r.endpoint for r in app.url_map.iter_rules()} - PUBLIC_ENDPOINTS
    assert staff_endpoints == set(ROLE_TABLE)


def test_declared_roles_match_the_table(app):
    for endpoint, (_url, _method, roles) in ROLE_TABLE.items():
        declared = set(app.view_functions[endpoint].required_roles) | {Role.ADMIN}
        assert declared == set(roles) | {Role.ADMIN}, endpoint


@pytest.mark.parametrize("endpoint", sorted(ROLE_TABLE))
def test_signed_out_visitors_are_sent_to_sign_in(client, endpoint):
    url, method, _roles = ROLE_TABLE[endpoint]
    response = client.open(url, method=method, data=_csrf(client) if method == "POST" else None)
    assert response.status_code == 302
    assert response.location.startswith("/staff/sign-in")


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("endpoint", sorted(ROLE_TABLE))
def test_each_role_gets_what_the_table_says(client, sign_in, role, endpoint):
    sign_in(role.value)
    url, method, roles = ROLE_TABLE[endpoint]
    response = client.open(url, method=method, data=_csrf(client) if method == "POST" else None)
    if role == Role.ADMIN and endpoint in BOARD_MEMBERS_ONLY:
        assert response.status_code == 403, (role, endpoint)
    elif role in roles or role == Role.ADMIN:
        assert response.status_code != 403, (role, endpoint)
        assert not (response.location or "").startswith("/staff/sign-in"), (role, endpoint)
    else:
        assert response.status_code == 403, (role, endpoint)


def _csrf(client):
    from tests.conftest import hidden_fields

    return hidden_fields(client.get("/staff/sign-in").get_data(as_text=True))
