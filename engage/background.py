"""Background threads started once per app process, on its first request.

The mail sender and the spool drainer each run in a daemon thread of the process that serves
requests, unless their setting names another way to run them (a worker command).
"""

import threading
from collections.abc import Callable

from flask import Flask

_started: set[tuple[int, str]] = set()
_lock = threading.Lock()


def start_once(app: Flask, name: str, loop: Callable[[Flask], None]) -> None:
    """Start `loop(app)` in a daemon thread called `name`, once per app in this process."""
    key = (id(app), name)
    if key in _started:
        return  # called before every request: the usual answer costs no lock
    with _lock:
        if key in _started:
            return
        _started.add(key)
    threading.Thread(target=loop, args=(app,), name=name, daemon=True).start()
