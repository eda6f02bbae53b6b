"""Static files with versioned URLs, so browsers may keep them for a year, and compression.

`url_for('static', filename=...)` gets `?v=<hash of the file>`: a changed file has a new URL, so
a long cache lifetime never serves a stale stylesheet. Pages and exports are compressed by
Flask-Compress (a maintained extension: gzip and brotli, negotiated from Accept-Encoding, with
the right Vary header), which cuts a phone's download of the survey page by about four fifths.
"""

import hashlib
from functools import lru_cache
from pathlib import Path

from flask import Flask
from flask_compress import Compress

compress = Compress()

#: A year: versioned URLs change whenever the file does.
STATIC_MAX_AGE = 365 * 24 * 3600


def init_app(app: Flask) -> None:
    app.config.setdefault("COMPRESS_ALGORITHM", ["br", "gzip"])
    # Pages and exports only: static files are cached for a year, and compressing a file
    # response makes Flask-Compress read it without closing it (a leaked file per request).
    app.config.setdefault("COMPRESS_MIMETYPES", ["text/html", "text/csv", "application/json"])
    if app.config.get("SEND_FILE_MAX_AGE_DEFAULT") is None:  # Flask's own default is None
        app.config["SEND_FILE_MAX_AGE_DEFAULT"] = STATIC_MAX_AGE
    compress.init_app(app)
    static_folder = Path(app.static_folder or "")

    @lru_cache(maxsize=256)
    def version_of(filename: str) -> str | None:
        path = static_folder / filename
        try:
            return hashlib.sha256(path.read_bytes()).hexdigest()[:12]
        except OSError:
            return None

    if app.debug:  # files change while a developer works on them
        version_of = version_of.__wrapped__

    @app.url_defaults
    def _versioned_static(endpoint: str, values: dict) -> None:
        if endpoint == "static" and "v" not in values and "filename" in values:
            version = version_of(values["filename"])
            if version:
                values["v"] = version
