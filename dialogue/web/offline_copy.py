"""A page fetched by the service worker as a copy for later, not opened by the person.

While a phone is online, the service worker (static/js/sw.js) fetches the pages a page
links to with `data-offline-page` (a walk's other stations), so that they open later
without a connection. Such a fetch carries COPY_HEADER; a page that remembers what the
person opened (the station a phone has open) must not remember a copy as an opening.
"""
from __future__ import annotations

from flask import has_request_context, request

#: Set by sw.js on the copies it keeps (the same name is written there).
COPY_HEADER = "Osuva-Offline-Copy"


def is_offline_copy() -> bool:
    """Whether this request is the service worker keeping a copy of a page for later."""
    return has_request_context() and request.headers.get(COPY_HEADER) == "1"
