"""Small-cell suppression: the one rule for every count of people staff or the public see.

A count of 1 to 4 people is never shown, and it must not come back by subtraction either:
from a total, from the other cells of its row or column, or by counting a listing. The rule:

1. every cell of 1 to 4 is hidden; zero is shown (nobody is not a person);
2. every hidden cell looks the same ("hidden"), so a reader cannot tell a small cell from a
   cell hidden to protect it;
3. in a breakdown whose total is shown, hidden cells come in groups: at least two of them,
   adding up to at least 5, and to more than their number (so no hidden cell is pinned to 1
   by the others being at least 1 each). The smallest shown cells are hidden until this holds;
   if it cannot hold, the total is hidden as well;
4. a cross-tab applies 3 to every row and column and to both margins, then checks every small
   hidden cell's feasible range against all the equations together and hides more until none
   is pinned;
5. a listing of a group (responses answered in one language, say) is shown only when the
   group's count is shown and is not small.

`suppress_breakdown` and `suppress_table` return ints for what may be shown and
`Suppressed.HIDDEN` for the rest; templates print both with the `cell` filter.
"""

import enum
from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field

from flask_babel import gettext as _

SMALL_CELL = 5


class Suppressed(enum.StrEnum):
    """A count that is not shown. One value on purpose: a small cell and the cells hidden to
    protect it must look alike. `SMALL` and `PARTNER` are aliases kept for older callers."""

    HIDDEN = "hidden"
    SMALL = "hidden"
    PARTNER = "hidden"


HIDDEN = Suppressed.HIDDEN


def is_small(count: int | None) -> bool:
    """1 to 4 people: the counts that must never be shown or recoverable."""
    return count is not None and 0 < count < SMALL_CELL


def is_shown(value) -> bool:
    return not isinstance(value, Suppressed)


def format_cell(value) -> str:
    """A suppressed value as the reader sees it: the number, or "hidden"."""
    if isinstance(value, Suppressed):
        return _("hidden")
    return str(value)


def small_cell(count: int | None) -> str:
    """A single count on its own, with no total or other cells beside it (so no cell is hidden
    to protect it): "fewer than 5" when it is 1 to 4."""
    if is_small(count):
        return _("fewer than %(num)s", num=SMALL_CELL)
    return str(count or 0)


def listing_allowed(value) -> bool:
    """Whether the items of a group may be listed: only when its count is shown and not small
    (counting the items would otherwise give the hidden count back)."""
    return is_shown(value) and not is_small(value)


def line_is_safe(hidden_values: list[int]) -> bool:
    """Whether the hidden cells of one line with a known total keep every small value unknown.

    With a known total, the hidden cells add up to S; each is at least 1, so each lies in
    [1, S - (k - 1)]. None is pinned when k >= 2 and S > k; S >= 5 keeps their sum from being
    a small count itself.
    """
    k, total = len(hidden_values), sum(hidden_values)
    return k == 0 or (k >= 2 and total >= SMALL_CELL and total > k)


def _complete_line(values: Mapping, hidden: set) -> bool:
    """Hide the smallest shown non-zero cells of a line until `line_is_safe`; False if the
    line runs out of cells first (then its total must be hidden)."""
    while not line_is_safe([values[key] for key in values if key in hidden]):
        candidates = sorted(
            (count, str(key), key)
            for key, count in values.items()
            if key not in hidden and count > 0
        )
        if not candidates:
            return False
        hidden.add(candidates[0][2])
    return True


def _suppress_line(counts: Mapping, total_shown: bool = True) -> tuple[dict, object]:
    hidden = {key for key, count in counts.items() if is_small(count)}
    total = sum(counts.values())
    total_ok = total_shown and not is_small(total)
    if total_ok and not _complete_line(counts, hidden):
        total_ok = False
    shown = {key: (HIDDEN if key in hidden else count) for key, count in counts.items()}
    return shown, (total if total_ok else HIDDEN)


def suppress_breakdown(counts: Mapping, total_shown: bool = True) -> dict:
    """Counts by group as they may be shown: an int, or `Suppressed.HIDDEN`.

    Include every group that adds up to the total shown beside the breakdown (a "not
    answered" group too, even when it is not displayed), so the rule sees what a reader can
    subtract. `total_shown=False` when no total or other sum of these cells is shown anywhere.
    """
    return _suppress_line(counts, total_shown)[0]


def suppressed_total(counts: Mapping):
    """The total of a breakdown as it may be shown (hidden when small, or when its cells
    could not be protected otherwise). Same counts as given to `suppress_breakdown`."""
    return _suppress_line(counts)[1]


@dataclass
class Table:
    """A suppressed cross-tab: cells by (row, column), both margins and the grand total."""

    cells: dict = field(default_factory=dict)
    rows: dict = field(default_factory=dict)
    columns: dict = field(default_factory=dict)
    total: object = 0

    def row(self, key: Hashable) -> dict:
        """One row's cells by column, as shown."""
        return {c: value for (r, c), value in self.cells.items() if r == key}


def suppress_table(counts: Mapping[tuple, int]) -> Table:
    """A cross-tab {(row, column): count} with row totals, column totals and the grand total
    all treated as known to the reader. Include zero cells for rows and columns that exist.

    Margins are suppressed as breakdowns of the grand total; then rows and columns are
    completed like breakdowns (a line whose total is hidden gets at least one hidden cell so
    the total cannot be added up); finally every small hidden value's range is computed from
    all equations together (a linear programme) and more cells are hidden until none is pinned.
    """
    row_counts: dict = {}
    column_counts: dict = {}
    for (r, c), count in counts.items():
        row_counts[r] = row_counts.get(r, 0) + count
        column_counts[c] = column_counts.get(c, 0) + count
    rows, total = _suppress_line(row_counts)
    columns, column_total = _suppress_line(column_counts)
    if not is_shown(column_total):
        total = HIDDEN
    hidden = {key for key, count in counts.items() if is_small(count)}
    lines = [({k: v for k, v in counts.items() if k[0] == r}, rows[r]) for r in row_counts]
    lines += [({k: v for k, v in counts.items() if k[1] == c}, columns[c]) for c in column_counts]
    while True:
        _complete_lines(lines, hidden)
        pinned = _pinned_small(counts, hidden, rows, columns, total)
        if pinned is None:
            break
        if not _hide_neighbour(counts, hidden, pinned):
            # Nothing left to hide beside it: show no sums at all.
            hidden.update(key for key, count in counts.items() if count > 0)
            rows, columns = dict.fromkeys(rows, HIDDEN), dict.fromkeys(columns, HIDDEN)
            total = HIDDEN
            break
    return Table(
        cells={key: (HIDDEN if key in hidden else count) for key, count in counts.items()},
        rows=rows,
        columns=columns,
        total=total,
    )


def _complete_lines(lines: list, hidden: set) -> None:
    changed = True
    while changed:
        changed = False
        for values, line_total in lines:
            before = len(hidden)
            if is_shown(line_total):
                _complete_line(values, hidden)
            elif not any(key in hidden for key in values):
                positive = sorted((count, str(key), key) for key, count in values.items() if count)
                if positive:
                    hidden.add(positive[0][2])
            changed = changed or len(hidden) != before


def _hide_neighbour(counts: Mapping, hidden: set, key) -> bool:
    """Hide the smallest shown non-zero cell sharing a row or column with `key`."""
    candidates = sorted(
        (count, str(other), other)
        for other, count in counts.items()
        if other not in hidden and count > 0 and (other[0] == key[0] or other[1] == key[1])
    )
    if isinstance(key, tuple) and len(key) == 2 and candidates:
        hidden.add(candidates[0][2])
        return True
    return False


def feasible_ranges(
    variables: list,
    equations: list[tuple[dict, float]],
    of: list | None = None,
    lower: dict | None = None,
) -> dict:
    """The [min, max] of each variable in `of` (default: all) given linear equations
    {variable: coefficient} = constant and every variable >= 1 (a hidden count is never 0;
    `lower` may say otherwise for some); max is None when unbounded. Used by `suppress_table`
    and by the tests that play the attacker."""
    from scipy.optimize import linprog

    if not variables:
        return {}
    index = {var: i for i, var in enumerate(variables)}
    a_eq = [[0.0] * len(variables) for _eq in equations]
    b_eq = []
    for row, (coefficients, constant) in zip(a_eq, equations, strict=True):
        for var, coefficient in coefficients.items():
            row[index[var]] += coefficient
        b_eq.append(constant)
    ranges = {}
    for var in variables if of is None else of:
        i = index[var]
        objective = [0.0] * len(variables)
        ends = []
        for sign in (1.0, -1.0):
            objective[i] = sign
            found = linprog(
                objective,
                A_eq=a_eq or None,
                b_eq=b_eq or None,
                bounds=[((lower or {}).get(var, 1), None) for var in variables],
                method="highs",
            )
            ends.append(sign * found.fun if found.status == 0 else (None if sign < 0 else 1))
        ranges[var] = (ends[0], ends[1])  # max None: unbounded
    return ranges


def _pinned_small(counts, hidden, rows, columns, total):
    """A small hidden value (cell or margin) whose feasible range is a single number."""
    small = [key for key in hidden if is_small(counts[key]) and not _can_move(counts, hidden, key)]
    margins = _sums(counts, 0), _sums(counts, 1)
    small += [("row", r) for r, v in rows.items() if not is_shown(v) and is_small(margins[0][r])]
    small += [
        ("column", c) for c, v in columns.items() if not is_shown(v) and is_small(margins[1][c])
    ]
    if not small:
        return None
    variables = sorted(hidden, key=str)
    variables += [("row", r) for r, v in rows.items() if not is_shown(v)]
    variables += [("column", c) for c, v in columns.items() if not is_shown(v)]
    grand = ("total",) if not is_shown(total) else None
    if grand:
        variables.append(grand)
    equations = []
    for margin, position, shown in (("row", 0, rows), ("column", 1, columns)):
        for line, value in shown.items():
            coefficients = {key: 1.0 for key in hidden if key[position] == line}
            constant = sum(
                count
                for key, count in counts.items()
                if key[position] == line and key not in hidden
            )
            if is_shown(value):
                constant = value - constant
            else:
                coefficients[(margin, line)] = -1.0
                constant = -constant
            equations.append((coefficients, float(constant)))
        coefficients = {(margin, k): 1.0 for k, v in shown.items() if not is_shown(v)}
        constant = sum(v for v in shown.values() if is_shown(v))
        if grand:
            coefficients[grand] = -1.0
            equations.append((coefficients, float(-constant)))
        else:
            equations.append((coefficients, float(total - constant)))
    ranges = feasible_ranges(variables, [e for e in equations if e[0]], of=small)
    margin_values = {("row", r): v for r, v in _sums(counts, 0).items()}
    margin_values |= {("column", c): v for c, v in _sums(counts, 1).items()}
    for key in small:
        value = counts.get(key, margin_values.get(key))
        low, high = ranges.get(key, (1, None))
        if is_small(value) and high is not None and low is not None and high - low < 0.5:
            return key if key in counts else _cell_in_line(counts, hidden, key)
    return None


def _can_move(counts, hidden, key) -> bool:
    """A quick certificate that a hidden cell is not pinned (saves a linear programme): it sits
    in a rectangle of hidden cells that can shift by one (+1 on one diagonal, -1 on the other,
    every cell staying >= 1), which changes no row or column total."""
    r, c = key
    in_row = [other for other in hidden if other[0] == r and other != key]
    in_column = {other[0] for other in hidden if other[1] == c and other != key}
    for _r, c2 in in_row:
        for r2 in in_column:
            if (r2, c2) in hidden:
                up = counts[(r, c2)] > 1 and counts[(r2, c)] > 1
                down = counts[key] > 1 and counts[(r2, c2)] > 1
                if up or down:
                    return True
    return False


def _sums(counts: Mapping, position: int) -> dict:
    sums: dict = {}
    for key, count in counts.items():
        sums[key[position]] = sums.get(key[position], 0) + count
    return sums


def _cell_in_line(counts, hidden, margin_key):
    """For a pinned margin, a cell of its line to hide a neighbour of."""
    position = 0 if margin_key[0] == "row" else 1
    line = [key for key in counts if key[position] == margin_key[1] and counts[key] > 0]
    return sorted(line, key=lambda key: (key not in hidden, str(key)))[0] if line else None
