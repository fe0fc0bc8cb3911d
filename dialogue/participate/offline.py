"""The participant pages offline: the service worker, and the outbox's JSON answers.

A phone on a walk loses its connection. The service worker (static/js/sw.js, served
here at /p/sw.js so that its scope covers the participant pages under /p/) keeps a copy
of those pages and of the static files they use; static/js/offline.js keeps a form
marked `data-offline` in the phone's IndexedDB while there is no connection and posts
it to the same action route later. That post asks for JSON (`wants_json`), so the
outbox can tell "stored" from "refused" from "try again" without reading a page.
"""
from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from flask import Response, current_app, jsonify, request

from dialogue.participate import bp

#: The static files a participant page needs (cached by the service worker at install).
PRECACHE = ("css/osuva.css", "js/act.js", "js/participant.js", "js/offline.js",
            "vendor/socket.io.min.js", "favicon.svg")
SW_SOURCE = "js/sw.js"
#: Where the worker's own URL is, and the pages it may control.
SCOPE = "/p/"
_versions: dict[tuple, str] = {}


def _static(name: str) -> Path:
    return Path(current_app.static_folder) / name


def cache_version() -> str:
    """A short hash of the worker and the files it caches: a new deploy means a new cache."""
    files = [_static(SW_SOURCE), *(_static(n) for n in PRECACHE)]
    key = tuple((str(f), f.stat().st_mtime_ns, f.stat().st_size) for f in files)
    if key not in _versions:
        digest = hashlib.sha256()
        for f in files:
            digest.update(f.read_bytes())
        _versions[key] = digest.hexdigest()[:12]
    return _versions[key]


@bp.get("/p/sw.js")
def service_worker():
    """The service worker, with its cache version and the list of files to cache filled in."""
    source = _static(SW_SOURCE).read_text(encoding="utf-8")
    files = ",".join(f'"/static/{n}"' for n in PRECACHE)
    body = source.replace("__VERSION__", cache_version()).replace('"__PRECACHE__"', files)
    response = Response(body, mimetype="text/javascript")
    # Always asked again: a new deploy must reach the phones at their next page load.
    response.headers["Cache-Control"] = "no-cache"
    response.headers["Service-Worker-Allowed"] = SCOPE
    return response


def wants_json() -> bool:
    """The post came from the offline outbox (fetch with Accept: application/json)."""
    return request.accept_mimetypes.best == "application/json"


def ack_response(ack: dict[str, Any]) -> tuple[Response, int]:
    """A command's answer for the outbox: 200 stored, 429 try again later, 422 refused."""
    if ack.get("ok"):
        return jsonify(ok=True, message=str(ack.get("message") or "")), 200
    status = 429 if ack.get("retry") else 422
    return jsonify(ok=False, retry=bool(ack.get("retry")), error=str(ack.get("error") or "")), status


def csrf_refused(message: str) -> tuple[Response, int]:
    """A stored post whose CSRF token is no longer valid: the outbox gets a fresh one and retries."""
    return jsonify(ok=False, csrf=True, error=message), 400
