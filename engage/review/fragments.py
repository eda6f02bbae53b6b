"""Rendered page fragments, kept per process and keyed by everything they are drawn from.

The dashboard's figures cost more to render than to compute: at 8 staff at once the template
was most of the page. A fragment is looked up by a digest of the exact values it is rendered
from (the figures themselves, the reader's language and locale, the engagement) and rendered
again whenever any of them differs, so a new response, target or translation shows at once:
nothing is ever invalidated, because a changed input is simply another key. Entries are few
(engagements x languages) and the oldest are dropped past `LIMIT`.
"""

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable

from markupsafe import Markup

#: Fragments kept per process.
LIMIT = 64

_lock = threading.Lock()
_fragments: OrderedDict[str, Markup] = OrderedDict()


def digest(*inputs) -> str:
    """A key for `inputs`: their repr, which for the dataclasses, enums, dates, numbers and
    strings a fragment is drawn from holds every value shown."""
    return hashlib.sha256(repr(inputs).encode()).hexdigest()


def rendered(key: str, render: Callable[[], str]) -> Markup:
    """The fragment kept under `key`, rendering (and keeping) it on first use."""
    with _lock:
        found = _fragments.get(key)
        if found is not None:
            _fragments.move_to_end(key)
            return found
    html = Markup(render())  # noqa: S704 - rendered by an autoescaping template
    with _lock:
        _fragments[key] = html
        while len(_fragments) > LIMIT:
            _fragments.popitem(last=False)
    return html


def clear() -> None:
    with _lock:
        _fragments.clear()
