"""The attacker's arithmetic, shared by the privacy tests: from what a page shows (numbers,
"hidden" cells and totals), the feasible range of every hidden value, by linear programming.
A hidden value is at least 1 (zeros are shown); an undisplayed remainder ("named no group")
is at least 0; nothing else is assumed. A leak is a hidden value pinned to 1-4, or hidden
cells whose sum is pinned to 1-4."""

from engage.privacy import feasible_ranges, is_small

REMAINDER = ("remainder",)


def breakdown_leaks(shown: dict, total, remainder: bool = False) -> list:
    """`shown`: group -> int, or None when hidden; `total`: int or None (not shown)."""
    hidden = [group for group, value in shown.items() if value is None]
    if total is None:
        return []  # no equation: every hidden value is only known to be >= 1
    rest = total - sum(value for value in shown.values() if value is not None)
    variables = hidden + ([REMAINDER] if remainder else [])
    if not variables:
        return []
    ranges = feasible_ranges(
        variables, [(dict.fromkeys(variables, 1.0), float(rest))], lower={REMAINDER: 0}
    )
    leaks = [(var, low) for var, (low, high) in ranges.items() if _pinned_small(low, high)]
    if hidden and not remainder and is_small(rest):
        leaks.append(("sum of hidden", rest))
    return leaks


def table_leaks(cells: dict, rows: dict, columns: dict, total) -> list:
    """The same for a cross-tab {(row, column): int or None} with its margins (None: hidden)."""
    variables = [key for key, value in cells.items() if value is None]
    variables += [("row", r) for r, v in rows.items() if v is None]
    variables += [("column", c) for c, v in columns.items() if v is None]
    if total is None:
        variables.append(("total",))
    equations = []
    for margin, position, shown in (("row", 0, rows), ("column", 1, columns)):
        for line, value in shown.items():
            coefficients = {k: 1.0 for k, v in cells.items() if k[position] == line and v is None}
            known = sum(v for k, v in cells.items() if k[position] == line and v is not None)
            if value is None:
                coefficients[(margin, line)] = -1.0
                equations.append((coefficients, float(-known)))
            else:
                equations.append((coefficients, float(value - known)))
        coefficients = {(margin, k): 1.0 for k, v in shown.items() if v is None}
        known = sum(v for v in shown.values() if v is not None)
        if total is None:
            coefficients[("total",)] = -1.0
            equations.append((coefficients, float(-known)))
        else:
            equations.append((coefficients, float(total - known)))
    ranges = feasible_ranges(variables, [e for e in equations if e[0]])
    return [(var, low) for var, (low, high) in ranges.items() if _pinned_small(low, high)]


def _pinned_small(low, high) -> bool:
    return low is not None and high is not None and high - low < 0.5 and is_small(round(low))
