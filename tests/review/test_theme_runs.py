"""Theme runs from the staff screens: queued, worked outside the request, reviewed by a person,
and a person's edits surviving the next run."""

import pytest
from sqlalchemy import select

from engage.engagements.models import Engagement, EngagementStatus
from engage.extensions import db
from engage.review import runner, theme_edits, theme_runs
from engage.review.models import AnalysisRun, RunStatus, ThemeAssignment, ThemeStatus
from engage.surveys import services as survey_services
from tests.conftest import hidden_fields
from tests.factories import import_default_survey

TOPICS = {
    "money": [
        "Manage money and make a budget {i}",
        "Saving money, budgets and credit {i}",
        "Aprender a manejar el dinero y ahorrar {i}",
    ],
    "kindness": [
        "Be kind and respectful to others {i}",
        "Kindness, respect and honesty {i}",
        "Ser amables y respetuosos con los demás {i}",
    ],
    "thinking": [
        "Think critically and solve problems {i}",
        "Critical thinking, solving problems {i}",
        "Pensar críticamente y resolver problemas {i}",
    ],
}


def add_answers(survey, count_per_phrase=4, start=0):
    for topic in TOPICS.values():
        for phrase in topic:
            for i in range(start, start + count_per_phrase):
                language = (
                    "es" if "ar " in phrase or "Ser " in phrase or "Pensar" in phrase else "en"
                )
                survey_services.submit_response(
                    survey,
                    language,
                    {"competencies": ["wellbeing"], "hopes": phrase.format(i=i), "role": "parent"},
                    survey_services.new_submission_token(),
                )


@pytest.fixture
def engagement(app):
    with app.app_context():
        engagement = Engagement(
            slug="gp", name={"en": "Graduate profile"}, status=EngagementStatus.OPEN
        )
        db.session.add(engagement)
        survey = import_default_survey()
        survey.engagement = engagement
        add_answers(survey)
        db.session.commit()
        return engagement.id


def run_now(app, engagement_id, **parameters):
    with app.app_context():
        engagement = db.session.get(Engagement, engagement_id)
        run = theme_runs.start_run(
            engagement, {"seed": 0, "include_forum": True} | parameters, actor=None
        )
        db.session.commit()
        assert runner.claim(run.id) and not runner.claim(run.id)  # claimed once only
        runner.work(run.id, "tfidf")
        run = db.session.get(AnalysisRun, run.id)
        assert run.status == RunStatus.DONE, run.message
        return run.id


def test_a_run_groups_every_answer_and_caches_vectors(app, engagement):
    run_id = run_now(app, engagement)
    with app.app_context():
        run = db.session.get(AnalysisRun, run_id)
        assignments = db.session.scalars(select(ThemeAssignment).filter_by(run_id=run_id)).all()
        assert len(assignments) == 36 == run.metrics["contributions"]
        assert len(run.themes) >= 2 and run.encoder == "tfidf"
        from engage.review.models import ContributionVector

        assert db.session.query(ContributionVector).count() == 36


def test_edits_survive_the_next_run(app, engagement):
    first = run_now(app, engagement, n_themes=3)
    with app.app_context():
        run = db.session.get(AnalysisRun, first)
        themes = sorted(run.themes, key=lambda t: -len(t.assignments))
        keep, merged_away = themes[0], themes[1]
        theme_edits.rename_theme(keep, "Life skills", None, actor=None)
        theme_edits.rename_theme(keep, "Habilidades para la vida", "es", actor=None)
        theme_edits.merge_themes(keep, [merged_away], actor=None)
        members = sorted(keep.assignments, key=lambda a: a.contribution)
        pinned, moved_off = members[0], members[1]
        theme_edits.pin_quote(pinned, True, actor=None)
        theme_edits.mark_contribution_off_topic(moved_off, actor=None)
        db.session.commit()
        key, pinned_ref, off_ref = keep.key, pinned.contribution, moved_off.contribution
        survey = survey_services.find_open_survey("graduate-profile")
        add_answers(survey, count_per_phrase=2, start=100)  # new answers arrive
        db.session.commit()
    second = run_now(app, engagement, n_themes=3)
    with app.app_context():
        run = db.session.get(AnalysisRun, second)
        again = next(t for t in run.themes if t.key == key)
        assert again.label == "Life skills" and again.translations == {
            "es": "Habilidades para la vida"
        }
        assert again.edited and again.engine_label  # what the engine had said is kept
        assignments = {
            a.contribution: a
            for a in db.session.scalars(select(ThemeAssignment).filter_by(run_id=second))
        }
        assert assignments[pinned_ref].pinned and assignments[pinned_ref].theme_id == again.id
        assert assignments[off_ref].off_topic and assignments[off_ref].theme_id is None
        assert len(assignments) == 54
        assert run.comparison["previous_run"] == first
        assert "Life skills" in run.comparison["kept"] + run.comparison["grown"]


def test_split_by_hand_and_by_engine(app, engagement):
    run_id = run_now(app, engagement, n_themes=2)
    with app.app_context():
        run = db.session.get(AnalysisRun, run_id)
        theme = max(run.themes, key=lambda t: len(t.assignments))
        size = len(theme.assignments)
        chosen = [a.contribution for a in theme.assignments[:3]]
        new = theme_edits.split_theme(theme, chosen, "Split off", actor=None)
        assert {a.contribution for a in new.assignments} == set(chosen)
        assert len(theme.assignments) == size - 3
        engine_part = theme_edits.split_theme_by_engine(theme, actor=None, encoder_name="tfidf")
        assert 0 < len(engine_part.assignments) < size - 3
        db.session.commit()


def test_staff_start_a_run_and_review_it_in_the_browserless_flow(app, client, sign_in, engagement):
    sign_in("facilitator")
    page = client.get("/staff/themes/")
    data = hidden_fields(page.get_data(as_text=True))
    response = client.post("/staff/themes/", data=data | {"include_forum": "y"})
    assert response.status_code == 302
    progress = client.get(response.location).get_data(as_text=True)
    # Queued for the worker: no self-reloading page (axe's meta-refresh), a polite live status,
    # a Refresh link, and a script (external, for the CSP) that polls the status.
    assert 'http-equiv="refresh"' not in progress
    assert 'aria-live="polite"' in progress and ">Refresh</a>" in progress
    assert "/static/run-progress.js" in progress and "<script>" not in progress
    status = client.get(response.location + "/status").get_json()
    assert status["finished"] is False and status["text"].startswith("waiting to start")
    with app.app_context():
        assert runner.work_forever("tfidf", once=True) == 1
        run = db.session.scalars(select(AnalysisRun)).one()
        theme_id = run.themes[0].id
    status = client.get(response.location + "/status").get_json()
    assert status["finished"] is True and status["href"].endswith(response.location)
    run_page = client.get(response.location).get_data(as_text=True)
    assert "Themes" in run_page and f"/staff/themes/themes/{theme_id}" in run_page
    assert client.get(f"/staff/themes/themes/{theme_id}").status_code == 200
    export = client.get(f"/staff/themes/runs/{run.id}/themes.csv")
    assert export.status_code == 200 and export.get_data(as_text=True).startswith("\ufeff")
    assert client.get(f"/staff/themes/runs/{run.id}/report").status_code == 200
    data = hidden_fields(client.get(f"/staff/themes/themes/{theme_id}").get_data(as_text=True))
    client.post(
        f"/staff/themes/themes/{theme_id}/rename",
        data=data | {"rename-label": "<b>Money</b> matters", "rename-language": ""},
    )
    html = client.get(f"/staff/themes/themes/{theme_id}").get_data(as_text=True)
    assert "&lt;b&gt;Money&lt;/b&gt; matters" in html and "<b>Money</b>" not in html


def test_a_failed_run_says_so(app, engagement):
    with app.app_context():
        engagement_row = db.session.get(Engagement, engagement)
        run = theme_runs.start_run(engagement_row, {"seed": 0}, actor=None)
        db.session.commit()
        runner.claim(run.id)
        runner.work(run.id, "no-such-encoder")
        run = db.session.get(AnalysisRun, run.id)
        assert run.status == RunStatus.FAILED and "no-such-encoder" in run.message


def test_theme_status_names(app, engagement):
    run_id = run_now(app, engagement)
    with app.app_context():
        theme = db.session.get(AnalysisRun, run_id).themes[0]
        theme_edits.accept_theme(theme, actor=None)
        assert theme.status == ThemeStatus.ACCEPTED


def test_theme_pages_show_no_count_under_five(app, client, sign_in, engagement):
    from tests.review.test_dashboard import visible_small_counts

    with app.app_context():  # a small community: three answers in Somali
        survey = survey_services.find_open_survey("graduate-profile")
        for i in range(3):
            survey_services.submit_response(
                survey,
                "so",
                {"competencies": ["wellbeing"], "hopes": f"Lacagta maaree {i}"},
                survey_services.new_submission_token(),
            )
        db.session.commit()
    run_id = run_now(app, engagement, n_themes=4)
    sign_in("facilitator")
    with app.app_context():
        theme_ids = [t.id for t in db.session.get(AnalysisRun, run_id).themes]
    pages = [f"/staff/themes/runs/{run_id}", f"/staff/themes/runs/{run_id}/report"]
    pages += [f"/staff/themes/themes/{theme_id}" for theme_id in theme_ids]
    for url in pages:
        html = client.get(url).get_data(as_text=True)
        assert visible_small_counts(html) == [], url


def test_forum_posts_join_the_next_run_labelled_as_forum_posts(app, client, sign_in, engagement):
    from engage.forum import services as forum_services
    from engage.forum.models import Moderation, ThreadStatus

    with app.app_context():
        thread = forum_services.create_thread(
            db.session.get(Engagement, engagement),
            "graduates",
            {"en": "What does a successful graduate look like?"},
            ThreadStatus.OPEN,
            Moderation.POST,
            actor=None,
        )
        post = forum_services.submit_post(thread, "Saving money, budgets and credit matter", "en")
        db.session.commit()
        post_ref = f"p:{post.id}"
    run_id = run_now(app, engagement)
    with app.app_context():
        assignment = db.session.scalar(
            select(ThemeAssignment).filter_by(run_id=run_id, contribution=post_ref)
        )
        assert assignment is not None and assignment.post_id is not None
        theme_id = assignment.theme_id
    assert theme_id is not None  # it speaks of money, like a dozen answers do
    sign_in("facilitator")
    html = client.get(f"/staff/themes/themes/{theme_id}").get_data(as_text=True)
    assert "Saving money, budgets and credit matter" in html and "forum post" in html


def test_the_run_page_shows_phrase_labels_in_the_staff_language_with_cohesion(
    app, client, sign_in, engagement
):
    run_id = run_now(app, engagement, n_themes=3)
    with app.app_context():
        themes = db.session.get(AnalysisRun, run_id).themes
        assert all(t.cohesion is not None and t.label_share is not None for t in themes)
        # a theme of Spanish answers gets a Spanish phrase from them (tfidf has no shared space)
        spanish = [t.engine_labels["es"] for t in themes if "es" in t.engine_labels]
        assert spanish, [t.engine_labels for t in themes]
        spanish_theme = next(t.id for t in themes if "es" in t.engine_labels)
    sign_in("facilitator")
    client.get("/staff/sign-in?lang=es")
    html = client.get(f"/staff/themes/runs/{run_id}").get_data(as_text=True)
    assert "Cohesión" in html and "de este tema" in html
    for label in spanish:
        assert label in html
    page = client.get(f"/staff/themes/themes/{spanish_theme}").get_data(as_text=True)
    assert "Español:</span>" in page and spanish[0] in page  # each language by its name


@pytest.mark.parametrize("huge", ["2147483648", "99999999999999999999", "-1"])
def test_a_merge_naming_an_id_that_cannot_exist_is_refused_not_a_crash(
    app, client, sign_in, engagement, huge
):
    run_id = run_now(app, engagement, n_themes=3)
    sign_in("facilitator")
    with app.app_context():
        keep, other = [t.id for t in db.session.get(AnalysisRun, run_id).themes][:2]
    page = client.get(f"/staff/themes/themes/{keep}").get_data(as_text=True)
    data = hidden_fields(page)
    response = client.post(
        f"/staff/themes/themes/{keep}/merge", data=data | {"merge-others": [str(other), huge]}
    )
    assert response.status_code in (302, 303, 409), response.status_code
    with app.app_context():  # nothing was merged from a form that did not validate
        assert db.session.get(AnalysisRun, run_id).themes[1].status != ThemeStatus.MERGED
