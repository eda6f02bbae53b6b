"""Record ids from URLs, query strings and forms, checked once for every route.

Ids are 32-bit integer columns on PostgreSQL: a larger number in a URL would reach the database
and fail there (a 500 page). `DatabaseIdConverter` replaces Werkzeug's `int` converter for the
whole URL map, so `/<int:id>` matches only 1..2,147,483,647 and anything else is a plain 404;
`db_id` and `page_number` are the `type=` (or `coerce=`) of every id or page read from a query
or a form.
"""

from werkzeug.routing import IntegerConverter

MAX_ID = 2**31 - 1
#: Pages past this are treated as the first (no list is that long; the offset stays small).
MAX_PAGE = 100_000


class DatabaseIdConverter(IntegerConverter):
    """`<int:...>` in every route: a positive number that fits a database id."""

    def __init__(self, map, fixed_digits=0, min=1, max=MAX_ID, signed=False):  # noqa: A002
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def db_id(value: str | int) -> int:
    """An id for `type=` or a form's `coerce=`: raises ValueError unless 1..MAX_ID.

    `get` then gives its default, and a form field reports an invalid choice. Forms also pass
    their own (int) choices through `coerce`, so an int is checked the same way.
    """
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    text = (value or "").strip()
    if not text.isascii() or not text.isdigit() or len(text) > 10:
        raise ValueError(value)
    number = int(text)
    if not 1 <= number <= MAX_ID:
        raise ValueError(value)
    return number


def page_number(value: str) -> int:
    """A page number for `type=`: 1..MAX_PAGE, anything else is page 1 (via the default)."""
    number = db_id(value)
    if number > MAX_PAGE:
        raise ValueError(value)
    return number
