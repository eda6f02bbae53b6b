"""Small-cell suppression, including against recovery by subtraction."""

from engage.privacy import Suppressed, is_shown, suppress_breakdown, suppressed_total

SMALL, PARTNER = Suppressed.SMALL, Suppressed.PARTNER


def test_cells_under_five_are_hidden_and_a_lone_one_takes_a_partner():
    shown = suppress_breakdown({"en": 120, "es": 40, "so": 3, "hmn": 0})
    assert shown == {"en": 120, "es": PARTNER, "so": SMALL, "hmn": 0}


def test_two_small_cells_need_no_partner():
    assert suppress_breakdown({"a": 50, "b": 2, "c": 4, "d": 9}) == {
        "a": 50, "b": SMALL, "c": SMALL, "d": 9}


def test_no_small_cell_changes_nothing():
    assert suppress_breakdown({"a": 5, "b": 7}) == {"a": 5, "b": 7}


def test_a_lone_small_cell_cannot_be_recovered_from_the_total():
    counts = {"parent": 200, "student": 60, "staff": 30, "community": 2}
    shown = suppress_breakdown(counts)
    total = suppressed_total(counts)
    hidden = [group for group, value in shown.items() if not is_shown(value)]
    assert len(hidden) >= 2
    known = sum(value for value in shown.values() if is_shown(value))
    assert total - known != counts["community"]


def test_small_totals_are_hidden():
    assert suppressed_total({"a": 1, "b": 2}) is SMALL
    assert suppressed_total({"a": 3, "b": 2}) == 5
