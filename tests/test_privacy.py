"""Small-cell suppression: no count of 1 to 4 comes back from a total, a row or a column."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engage.privacy import (
    HIDDEN,
    Suppressed,
    format_cell,
    is_shown,
    listing_allowed,
    suppress_breakdown,
    suppress_table,
    suppressed_total,
)
from tests.attacker import breakdown_leaks, table_leaks


def _as_seen(shown: dict) -> dict:
    return {group: (value if is_shown(value) else None) for group, value in shown.items()}


def _leaks(counts: dict) -> list:
    total = suppressed_total(counts)
    return breakdown_leaks(_as_seen(suppress_breakdown(counts)), total if is_shown(total) else None)


@pytest.mark.parametrize(
    "counts",
    [
        {"en": 33, "es": 11, "so": 1, "vi": 1},  # the public profile of issue 10: two ones
        {"en": 120, "es": 40, "so": 3, "hmn": 0},
        {"a": 1, "b": 5},  # small + partner: total 6, partner >= 5 would give 1 back
        {"a": 1, "b": 1, "c": 1, "d": 60},  # three small adding up to 3
        {"a": 1, "b": 1, "c": 1, "d": 1, "e": 1, "f": 40},  # five ones: sum 5, all pinned
        {"a": 2, "b": 0, "c": 0},
        {"a": 4, "b": 4, "c": 200},
    ],
)
def test_no_small_cell_comes_back_from_the_total(counts):
    assert _leaks(counts) == []


def test_every_hidden_cell_looks_the_same():
    shown = suppress_breakdown({"en": 120, "es": 40, "so": 3})
    assert shown == {"en": 120, "es": HIDDEN, "so": HIDDEN}
    assert Suppressed.SMALL is Suppressed.PARTNER is HIDDEN
    assert format_cell(shown["es"]) == format_cell(shown["so"]) == "hidden"


def test_two_ones_take_the_next_smallest_cell_with_them():
    shown = suppress_breakdown({"en": 33, "es": 11, "so": 1, "vi": 1})
    assert shown == {"en": 33, "es": HIDDEN, "so": HIDDEN, "vi": HIDDEN}


def test_no_small_cell_changes_nothing():
    assert suppress_breakdown({"a": 5, "b": 7}) == {"a": 5, "b": 7}


def test_a_total_that_cannot_protect_its_cells_is_hidden():
    assert suppressed_total({"a": 1, "b": 2}) is HIDDEN
    assert suppressed_total({"a": 2, "b": 0}) is HIDDEN
    assert suppressed_total({"a": 3, "b": 2}) == 5


def test_a_listing_of_a_small_or_hidden_group_is_refused():
    assert listing_allowed(12)
    assert not listing_allowed(4)
    assert not listing_allowed(HIDDEN)


def test_a_cross_tab_holds_for_rows_and_columns():
    counts = {
        ("t1", "en"): 20, ("t1", "es"): 1, ("t1", "so"): 6,
        ("t2", "en"): 30, ("t2", "es"): 7, ("t2", "so"): 2,
        ("t3", "en"): 3, ("t3", "es"): 9, ("t3", "so"): 12,
    }  # fmt: skip
    assert _table_leaks(counts) == []


def _table_leaks(counts: dict) -> list:
    table = suppress_table(counts)
    seen = {k: (v if is_shown(v) else None) for k, v in table.cells.items()}
    return table_leaks(
        seen,
        _as_seen(table.rows),
        _as_seen(table.columns),
        table.total if is_shown(table.total) else None,
    )


counts_strategy = st.integers(min_value=0, max_value=60).flatmap(
    lambda big: st.sampled_from([0, 1, 1, 2, 3, 4, 5, 6, 9, big])
)


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.text("abcdefgh", min_size=1, max_size=2), counts_strategy, max_size=9))
def test_property_no_breakdown_gives_a_small_cell_back(counts):
    assert _leaks(counts) == []
    shown = suppress_breakdown(counts)
    assert all(is_shown(shown[g]) or counts[g] > 0 for g in counts)  # zeros stay visible
    assert all(not is_shown(shown[g]) for g in counts if 0 < counts[g] < 5)


@settings(max_examples=100, deadline=None)
@given(
    st.integers(1, 5).flatmap(
        lambda rows: st.integers(1, 4).flatmap(
            lambda columns: st.lists(
                counts_strategy, min_size=rows * columns, max_size=rows * columns
            ).map(
                lambda values: {
                    (r, c): values[r * columns + c] for r in range(rows) for c in range(columns)
                }
            )
        )
    )
)
def test_property_no_cross_tab_gives_a_small_cell_back(counts):
    assert _table_leaks(counts) == []
