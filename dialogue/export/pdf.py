"""The report as PDF: WeasyPrint renders the same HTML document as the HTML download.

Fonts: the stylesheet asks for DejaVu Sans (Debian's fonts-dejavu-core), which has
every Finnish and Swedish letter; WeasyPrint needs Pango from the system.
"""
from __future__ import annotations

import logging
from typing import Any

from dialogue.export.html import render_document

# WeasyPrint logs every CSS property it does not know (e.g. in the shared sheet) as a warning.
logging.getLogger("weasyprint").setLevel(logging.ERROR)
logging.getLogger("fontTools").setLevel(logging.ERROR)


def html_to_pdf(document: str) -> bytes:
    """PDF bytes of a self-contained HTML document (no external requests are made)."""
    from weasyprint import (
        HTML,  # imported late: it loads Pango, which the rest of the app never needs
    )
    return HTML(string=document, base_url=None, url_fetcher=_fetcher()).write_pdf()


def _no_fetch(url: str, *args, **kwargs):
    # Reports are self-contained: nothing is fetched, from the network or the disk.
    raise ValueError(f"not fetched: {url[:60]}")


def _fetcher():
    """WeasyPrint's fetcher limited to data: URLs (an embedded photo is part of the document
    itself): anything else, from the network or the disk, is refused (_no_fetch)."""
    from weasyprint.urls import URLFetcher

    class DataOnly(URLFetcher):
        def fetch(self, url, headers=None):
            if not url.startswith("data:"):
                _no_fetch(url)
            return super().fetch(url, headers)
    return DataOnly(allowed_protocols=("data",))


def render_pdf(model: dict[str, Any]) -> bytes:
    return html_to_pdf(render_document(model))
