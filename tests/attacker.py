"""The attacker's arithmetic, shared by the privacy tests: given what a page shows (numbers,
"hidden" cells and totals), the feasible range of every hidden value. A hidden value is at
least 1 (zeros are shown); nothing else is assumed about it."""

from engage.privacy import feasible_ranges, is_small


def breakdown_leaks(shown: dict, total, actual: dict) -> list:
    """Hidden cells of a breakdown whose value is pinned and is 1 to 4. `shown` maps groups to
    an int or None (hidden); `total` is an int or None (hidden)."""
    hidden = [group for group, value in shown.items() if value is None]
    leaks = [g for g in hidden if len(hidden) == 1 and total is not None and is_small(actual[g])]
    if total is None or len(hidden) < 2:
        return leaks
    rest = total - sum(value for value in shown.values() if value is not None)
    # each hidden cell lies in [1, rest - (k - 1)]
    if rest - (len(hidden) - 1) == 1:
        leaks += [g for g in hidden if is_small(actual[g])]
    if is_small(rest):
        leaks.append(("sum of hidden", rest))
    return leaks


def table_leaks(cells: dict, rows: dict, columns: dict, total, actual: dict) -> list:
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
    leaks = []
    for var, (low, high) in ranges.items():
        value = actual.get(var)
        if high is not None and low is not None and high - low < 0.5 and is_small(value):
            leaks.append((var, value))
    return leaks
