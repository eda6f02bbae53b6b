"""The coverage check's figures, against a hand computation, and against subtraction."""

from engage.framework.evidence import Membership, coverage
from engage.privacy import is_shown

T1 = ("T1", "Critical thinking")


def _people():
    # English parents: 16 in linked "T1", 6 in unlinked "T2". Somali parents: 5 in T1, 9 in
    # unlinked "T3", 1 without a theme. 3 Vietnamese students (a small group), all in T1;
    # 13 Arabic-speaking students: 6 in T1, 7 in T2.
    return (
        [Membership("en", "parent", "westview", *T1)] * 16
        + [Membership("en", "parent", "westview", "T2", "Money")] * 6
        + [Membership("so", "parent", "eastside", *T1)] * 5
        + [Membership("so", "parent", "eastside", "T3", "Mother tongue")] * 9
        + [Membership("so", "parent", "eastside", None)]
        + [Membership("vi", "student", None, *T1)] * 3
        + [Membership("ar", "student", None, *T1)] * 6
        + [Membership("ar", "student", None, "T2", "Money")] * 7
    )


def test_coverage_matches_a_hand_computation():
    result = coverage(_people(), linked_keys={"T1"})
    assert result.overall == 30 / 53  # 16 + 5 + 3 + 6 of 53
    languages = {row.group: row for row in result.by_dimension["language"]}
    assert (languages["en"].total, languages["en"].covered) == (22, 16)
    assert languages["en"].share == 16 / 22 and not languages["en"].below
    assert languages["so"].share == 5 / 15
    assert languages["so"].below  # 33% < 75% of 57%
    assert languages["so"].missing_theme == "Mother tongue"
    assert languages["en"].missing_theme == "Money"
    roles = {row.group: row for row in result.by_dimension["role"]}
    assert (roles["parent"].total, roles["parent"].covered) == (37, 21)
    schools = {row.group: row for row in result.by_dimension["school"]}
    assert set(schools) == {"westview", "eastside"}  # no school given: not a group


def test_a_small_group_and_its_partner_show_no_count_share_or_theme():
    languages = {row.group: row for row in coverage(_people(), {"T1"}).by_dimension["language"]}
    # Three people: hidden; the total of everyone would give it back, so a second group too.
    for group in ("vi", "ar"):
        assert not is_shown(languages[group].shown_total)
        assert languages[group].share is None and languages[group].missing_theme is None
        assert not languages[group].below
    assert languages["en"].shown_total == 22


def test_a_share_is_hidden_when_it_would_give_a_small_count_back():
    # 10 people, 8 reflected: "80%" would say that 2 people are not.
    people = [Membership("en", "parent", None, *T1)] * 48 + [
        Membership("en", "parent", None, "T2", "Money")
    ] * 12
    people += [Membership("es", "parent", None, *T1)] * 8 + [
        Membership("es", "parent", None, "T2", "Money")
    ] * 2
    languages = {row.group: row for row in coverage(people, {"T1"}).by_dimension["language"]}
    assert languages["es"].share is None and languages["es"].shown_total == 10


def test_a_language_the_engine_cannot_read_is_not_reported_as_unreflected():
    # The Somali answers were grouped by their words alone (9 of them not understood across
    # languages): no share, no "well below" flag and no theme of their own is claimed for them.
    languages = {
        row.group: row
        for row in coverage(_people(), {"T1"}, not_understood={"so": 9}).by_dimension["language"]
    }
    somali = languages["so"]
    assert somali.not_understood == 9
    assert somali.share is None and not somali.below and somali.missing_theme is None
    assert somali.shown_total == 15  # how many took part is still shown
    assert languages["en"].share == 16 / 22 and languages["en"].not_understood == 0


def test_once_translated_a_language_gets_its_share_back():
    languages = {
        row.group: row
        for row in coverage(_people(), {"T1"}, not_understood={}).by_dimension["language"]
    }
    assert languages["so"].share == 5 / 15 and languages["so"].not_understood == 0


def test_the_unread_count_never_gives_a_small_understood_count_back():
    from engage.privacy import Suppressed

    def somali(unread):
        rows = coverage(_people(), {"T1"}, not_understood={"so": unread}).by_dimension
        return next(row for row in rows["language"] if row.group == "so")

    # 15 Somali contributions shown: 12 unread would say that 3 were understood.
    assert somali(12).not_understood_shown is Suppressed.HIDDEN
    assert somali(15).not_understood_shown == 15  # none understood: nothing small to give back
    assert somali(9).not_understood_shown == 9
