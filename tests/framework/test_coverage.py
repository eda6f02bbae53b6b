"""The coverage check's figures, against a hand computation."""

from engage.framework.evidence import Membership, coverage


def test_coverage_matches_a_hand_computation():
    # 10 English parents: 8 in linked theme "T1", 2 in unlinked "T2".
    # 6 Somali parents: 1 in "T1", 4 in unlinked "T3", 1 without a theme.
    # 3 Vietnamese students (a small group): 3 in "T1".
    people = (
        [Membership("en", "parent", "westview", "T1", "Critical thinking")] * 8
        + [Membership("en", "parent", "westview", "T2", "Money")] * 2
        + [Membership("so", "parent", "eastside", "T1", "Critical thinking")]
        + [Membership("so", "parent", "eastside", "T3", "Mother tongue")] * 4
        + [Membership("so", "parent", "eastside", None)]
        + [Membership("vi", "student", None, "T1", "Critical thinking")] * 3
    )
    result = coverage(people, linked_keys={"T1"})
    # Overall: 8 + 1 + 3 = 12 of 19.
    assert result.overall == 12 / 19
    languages = {row.group: row for row in result.by_dimension["language"]}
    assert (languages["en"].total, languages["en"].covered) == (10, 8)
    assert languages["en"].share == 0.8 and not languages["en"].below
    assert (languages["so"].total, languages["so"].covered) == (6, 1)
    assert languages["so"].share == 1 / 6
    assert languages["so"].below  # 16.7% < 75% of 63.2%
    assert languages["so"].missing_theme == "Mother tongue"
    assert languages["en"].missing_theme == "Money"
    assert languages["vi"].share is None  # three people: no share shown
    assert languages["vi"].missing_theme is None
    roles = {row.group: row for row in result.by_dimension["role"]}
    assert (roles["parent"].total, roles["parent"].covered) == (16, 9)
    schools = {row.group: row for row in result.by_dimension["school"]}
    assert set(schools) == {"westview", "eastside"}  # no school given: not a group
