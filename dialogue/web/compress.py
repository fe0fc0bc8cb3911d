"""Gzip for the static CSS, JavaScript and SVG files, for phones on a slow network.

Only static files are compressed: pages carry the CSRF token and user text, and
compressing secrets next to attacker-chosen text over HTTPS leaks them (BREACH).
Each file is compressed once per version (its ETag); the result is kept in memory.
"""
from __future__ import annotations

import gzip

from flask import Flask, Response, request

COMPRESSIBLE = {"text/css", "text/javascript", "application/javascript", "image/svg+xml"}
MIN_SIZE = 512  # below this the gzip header costs more than it saves
_cache: dict[tuple[str, str], bytes] = {}


def _wants_gzip(response: Response) -> bool:
    return (request.path.startswith("/static/") and response.status_code == 200
            and response.mimetype in COMPRESSIBLE and "Content-Encoding" not in response.headers
            and "gzip" in request.headers.get("Accept-Encoding", "").lower())


def init_app(app: Flask) -> None:
    @app.after_request
    def _gzip(response: Response) -> Response:
        if not _wants_gzip(response):
            return response
        response.direct_passthrough = False  # send_file streams the file; read it here
        data = response.get_data()
        if len(data) < MIN_SIZE:
            return response
        key = (request.path, response.headers.get("ETag", ""))
        if key not in _cache:
            _cache[key] = gzip.compress(data, 9)
        response.set_data(_cache[key])
        response.headers["Content-Encoding"] = "gzip"
        response.headers.add("Vary", "Accept-Encoding")
        return response
