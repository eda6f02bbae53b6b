"""An engagement's schools and groups: seeded from a survey file, edited in the browser (add,
rename per language, remove when unused), and the source of the survey's school and role
choices, the dashboard's rows and the codes targets accept."""

from sqlalchemy import select

from engage.audit import AuditEvent
from engage.engagements import groups as group_services
from engage.engagements.models import Engagement, EngagementGroup, EngagementStatus, GroupKind
from engage.extensions import db
from engage.i18n import KNOWN_LANGUAGES
from engage.surveys import cache
from engage.surveys import services as survey_services
from engage.surveys.loader import load_survey_file
from engage.surveys.models import Question, Survey
from tests.conftest import hidden_fields
from tests.factories import DEFAULT_SURVEY, make_user


def _engagement_with_survey(app):
    with app.app_context():
        engagement = Engagement(slug="gp", name={"en": "GP"}, status=EngagementStatus.OPEN)
        db.session.add(engagement)
        db.session.flush()
        survey_services.import_surveys(
            [load_survey_file(DEFAULT_SURVEY, KNOWN_LANGUAGES)], engagement=engagement
        )
        db.session.commit()
        return engagement.id


def _school_options(survey_id=None):
    query = select(Question).where(Question.maps_to == "school")
    if survey_id:
        query = query.where(Question.survey_id == survey_id)
    question = db.session.scalars(query).first()
    return [(option.value, option.text) for option in question.options]


def test_importing_a_file_seeds_the_engagement(app):
    engagement_id = _engagement_with_survey(app)
    with app.app_context():
        engagement = db.session.get(Engagement, engagement_id)
        schools = group_services.groups_of(engagement, GroupKind.SCHOOL)
        assert [s.code for s in schools][:2] == ["lincoln-elementary", "riverside-elementary"]
        assert "none" not in [s.code for s in schools]  # "prefer not to say" is not a school
        assert schools[0].name["ar"] and schools[0].name["en"] == "Lincoln Elementary School"
        roles = [g.code for g in group_services.groups_of(engagement, GroupKind.ROLE)]
        assert roles == ["parent", "student", "staff", "community"]
        # the survey still offers the same choices, "none" last
        values = [value for value, _text in _school_options()]
        assert values[-1] == "none" and len(values) == len(schools) + 1


def test_adding_a_school_in_the_browser_reaches_the_survey_dashboard_and_targets(
    app, client, sign_in
):
    engagement_id = _engagement_with_survey(app)
    sign_in("facilitator")
    url = f"/staff/engagements/{engagement_id}/groups"
    page = client.get(url)
    assert page.status_code == 200
    data = hidden_fields(page.get_data(as_text=True)) | {
        "new-school-code": "",
        "new-school-name_en": "Harbor Academy",
        "new-school-name_es": "Academia del Puerto",
        "new-school-name_ar": "أكاديمية الميناء",
    }
    saved = client.post(f"{url}/school/add", data=data)
    assert saved.status_code == 303
    with app.app_context():
        survey = survey_services.find_open_survey("graduate-profile")
        options = _school_options(survey.id)
        assert options[-2] == (
            "harbor-academy",
            {"en": "Harbor Academy", "es": "Academia del Puerto", "ar": "أكاديمية الميناء"},
        )
        assert options[-1][0] == "none"
        # the answering pages see the new choice: the version's hash changed, the file's kept
        assert survey.file_hash and survey.file_hash != survey.content_hash
        open_version = cache.current_open("graduate-profile")
        school = next(q for q in open_version.questions if q.key == "school")
        assert "harbor-academy" in [o.value for o in school.options]
        # importing the same file again changes nothing and keeps the school
        report = survey_services.import_surveys(
            [load_survey_file(DEFAULT_SURVEY, KNOWN_LANGUAGES)],
            engagement=db.session.get(Engagement, engagement_id),
        )
        assert report == ["graduate-profile v1: unchanged"]
        assert "harbor-academy" in [v for v, _t in _school_options(survey.id)]
        event = db.session.scalar(
            select(AuditEvent).filter_by(action="survey.options_from_engagement")
        )
        assert event.details["questions"]["school"]["added"] == ["harbor-academy"]
    dashboard = client.get(f"/staff/review/engagements/{engagement_id}").get_data(as_text=True)
    assert "Harbor Academy" in dashboard
    targets = client.get(f"/staff/review/engagements/{engagement_id}/targets")
    assert "harbor-academy" in targets.get_data(as_text=True)
    history = client.get("/staff/survey-versions/graduate-profile").get_data(as_text=True)
    assert "Choices updated from the engagement's schools and groups" in history
    assert "school added <bdi>harbor-academy</bdi>" in history


def test_renaming_in_one_language_changes_only_that_name(app, client, sign_in):
    engagement_id = _engagement_with_survey(app)
    with app.app_context():
        group = db.session.scalar(select(EngagementGroup).filter_by(code="westview-high"))
        group_id, names = group.id, dict(group.name)
    sign_in("facilitator")
    url = f"/staff/engagements/{engagement_id}/groups"
    data = hidden_fields(client.get(url).get_data(as_text=True))
    data |= {f"g{group_id}-name_{code.replace('-', '_')}": text for code, text in names.items()}
    data[f"g{group_id}-name_ar"] = "ثانوية ويستفيو الجديدة"
    assert client.post(f"{url}/{group_id}/rename", data=data).status_code == 303
    with app.app_context():
        group = db.session.get(EngagementGroup, group_id)
        assert group.name["ar"] == "ثانوية ويستفيو الجديدة"
        assert group.name["en"] == names["en"]
        option = dict(_school_options())["westview-high"]
        assert option["ar"] == "ثانوية ويستفيو الجديدة"
        event = db.session.scalar(select(AuditEvent).filter_by(action="engagement.group_renamed"))
        assert event.details == {"kind": "school", "code": "westview-high", "languages": ["ar"]}


def test_a_refused_name_is_shown_beside_its_field_and_nothing_typed_is_lost(app, client, sign_in):
    engagement_id = _engagement_with_survey(app)
    sign_in("facilitator")
    url = f"/staff/engagements/{engagement_id}/groups"
    data = hidden_fields(client.get(url).get_data(as_text=True))
    missing_name = client.post(
        f"{url}/school/add",
        data=data | {"new-school-code": "bay", "new-school-name_es": "Bahía <b>"},
    )
    html = missing_name.get_data(as_text=True)
    assert missing_name.status_code == 400
    assert 'id="new-school-name_en-error">Give it a name in the working language.' in html
    assert 'value="Bahía &lt;b&gt;"' in html and 'value="bay"' in html
    taken = client.post(
        f"{url}/school/add",
        data=data | {"new-school-code": "westview-high", "new-school-name_en": "Again"},
    )
    assert taken.status_code == 400
    assert "This engagement already has the code westview-high." in taken.get_data(as_text=True)
    bad_code = client.post(
        f"{url}/role/add", data=data | {"new-role-code": "Big Kids!", "new-role-name_en": "Big"}
    )
    assert bad_code.status_code == 400
    assert 'id="new-role-code-error"' in bad_code.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(EngagementGroup).filter_by(code="bay")) is None


def test_a_school_can_be_removed_only_while_nobody_named_it(app, client, sign_in):
    engagement_id = _engagement_with_survey(app)
    with app.app_context():
        survey = survey_services.find_open_survey("graduate-profile")
        survey_services.submit_response(
            survey,
            "en",
            {"competencies": ["wellbeing"], "school": "westview-high"},
            survey_services.new_submission_token(),
        )
        db.session.commit()
        used = db.session.scalar(select(EngagementGroup).filter_by(code="westview-high")).id
        unused = db.session.scalar(select(EngagementGroup).filter_by(code="eastside-high")).id
    sign_in("facilitator")
    url = f"/staff/engagements/{engagement_id}/groups"
    page = client.get(url).get_data(as_text=True)
    assert f"/groups/{used}/remove" not in page and f"/groups/{unused}/remove" in page
    data = hidden_fields(page)
    refused = client.post(f"{url}/{used}/remove", data=data)
    assert refused.status_code == 409
    assert "westview-high cannot be removed" in refused.get_data(as_text=True)
    assert client.post(f"{url}/{unused}/remove", data=data).status_code == 303
    with app.app_context():
        assert db.session.get(EngagementGroup, unused) is None
        assert "eastside-high" not in dict(_school_options())
        assert "westview-high" in dict(_school_options())


def test_a_school_with_a_target_is_not_removed(app):
    engagement_id = _engagement_with_survey(app)
    with app.app_context():
        from engage.engagements.models import TargetDimension
        from engage.engagements.services import set_targets

        engagement = db.session.get(Engagement, engagement_id)
        actor = make_user("admin")
        set_targets(engagement, {TargetDimension.SCHOOL: {"jefferson-middle": 400}}, actor)
        group = db.session.scalar(select(EngagementGroup).filter_by(code="jefferson-middle"))
        try:
            group_services.remove_group(group, actor)
        except group_services.GroupError as error:
            assert "cannot be removed" in str(error)
        else:
            raise AssertionError("a school with a target was removed")


def test_a_closed_engagement_lists_its_schools_read_only(app, client, sign_in):
    engagement_id = _engagement_with_survey(app)
    with app.app_context():
        db.session.get(Engagement, engagement_id).status = EngagementStatus.CLOSED
        db.session.commit()
    sign_in("facilitator")
    url = f"/staff/engagements/{engagement_id}/groups"
    page = client.get(url).get_data(as_text=True)
    assert "A closed or archived engagement cannot be changed." in page
    assert "/school/add" not in page
    refused = client.post(
        f"{url}/school/add", data=hidden_fields(page) | {"new-school-name_en": "Late School"}
    )
    assert refused.status_code == 400


def test_names_are_escaped_on_the_page(app, client, sign_in):
    engagement_id = _engagement_with_survey(app)
    with app.app_context():
        engagement = db.session.get(Engagement, engagement_id)
        group_services.add_group(
            engagement,
            GroupKind.ROLE,
            None,
            names={"en": "<script>alert(1)</script>"},
            code="grandparent",
        )
        db.session.commit()
    sign_in("facilitator")
    page = client.get(f"/staff/engagements/{engagement_id}/groups").get_data(as_text=True)
    assert "<script>alert(1)" not in page and "&lt;script&gt;" in page


def test_a_new_version_gets_the_engagement_schools(app, tmp_path):
    engagement_id = _engagement_with_survey(app)
    with app.app_context():
        engagement = db.session.get(Engagement, engagement_id)
        group_services.add_group(engagement, GroupKind.SCHOOL, None, names={"en": "Harbor Academy"})
        text = DEFAULT_SURVEY.read_text(encoding="utf-8").replace("version = 1", "version = 2")
        path = tmp_path / "gp2.toml"
        path.write_text(text, encoding="utf-8")
        survey_services.import_surveys([load_survey_file(path, KNOWN_LANGUAGES)])
        v2 = db.session.scalar(select(Survey).filter_by(slug="graduate-profile", version=2))
        assert v2.engagement_id == engagement_id
        assert "harbor-academy" in dict(_school_options(v2.id))


def test_a_new_engagement_goes_on_to_its_schools_and_groups(app, client, sign_in):
    sign_in("facilitator")
    page = client.get("/staff/engagements/new").get_data(as_text=True)
    data = hidden_fields(page) | {"working_language": "en", "status": "draft", "name_en": "Fall"}
    created = client.post("/staff/engagements/new", data=data)
    assert created.status_code == 303 and created.headers["Location"].endswith("/groups")
    groups = client.get(created.headers["Location"]).get_data(as_text=True)
    # nothing yet: both add forms are open
    assert groups.count('<details class="add-group-details" open>') == 2
    data = hidden_fields(groups) | {"new-school-name_en": "Harbor Academy"}
    with app.app_context():
        engagement_id = db.session.scalar(select(Engagement.id))
    added = client.post(f"/staff/engagements/{engagement_id}/groups/school/add", data=data)
    assert added.status_code == 303
    with app.app_context():
        group = db.session.scalar(select(EngagementGroup))
        assert (group.code, group.name) == ("harbor-academy", {"en": "Harbor Academy"})
