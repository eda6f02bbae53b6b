"""Small-cell suppression: no count of fewer than 5 people is ever shown to staff."""

import enum

from flask_babel import gettext as _

SMALL_CELL = 5


def is_small(count: int | None) -> bool:
    return count is not None and 0 < count < SMALL_CELL


def small_cell(count: int | None) -> str:
    """A count as shown to staff: 'fewer than 5' for 1 to 4 people."""
    if is_small(count):
        return _("fewer than %(num)s", num=SMALL_CELL)
    return str(count or 0)


class Suppressed(enum.StrEnum):
    """Why a count is not shown."""

    SMALL = "small"  #: fewer than 5 people
    PARTNER = "partner"  #: hidden so that a small group cannot be worked out from the total


def suppress_breakdown(counts: dict) -> dict:
    """Counts by group as staff may see them: an int, or a `Suppressed` reason.

    Suppressing one cell is not enough: the total minus the other cells would give it back.
    Whenever exactly one cell is small, the next-smallest non-zero cell is hidden too
    (complementary suppression), so no small count can be recovered by subtraction.
    """
    shown = {
        group: (Suppressed.SMALL if is_small(count) else count) for group, count in counts.items()
    }
    small = [group for group, value in shown.items() if value is Suppressed.SMALL]
    if len(small) == 1:
        candidates = sorted(
            ((count, str(group)), group)
            for group, count in counts.items()
            if isinstance(shown[group], int) and count > 0
        )
        if candidates:
            shown[candidates[0][1]] = Suppressed.PARTNER
    return shown


def is_shown(value) -> bool:
    return not isinstance(value, Suppressed)


def format_cell(value) -> str:
    """A suppressed-breakdown value as staff read it."""
    if value is Suppressed.SMALL:
        return _("fewer than %(num)s", num=SMALL_CELL)
    if value is Suppressed.PARTNER:
        return _("hidden (protects a small group)")
    return str(value)


def suppressed_total(counts: dict):
    """The total of a breakdown, itself suppressed when it is a small number of people."""
    total = sum(counts.values())
    return Suppressed.SMALL if is_small(total) else total
