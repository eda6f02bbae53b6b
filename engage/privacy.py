"""Small-cell suppression: no count of fewer than 5 people is ever shown to staff."""

from flask_babel import gettext as _

SMALL_CELL = 5


def is_small(count: int | None) -> bool:
    return count is not None and 0 < count < SMALL_CELL


def small_cell(count: int | None) -> str:
    """A count as shown to staff: 'fewer than 5' for 1 to 4 people."""
    if is_small(count):
        return _("fewer than %(num)s", num=SMALL_CELL)
    return str(count or 0)
