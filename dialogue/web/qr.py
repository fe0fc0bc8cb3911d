"""QR codes as SVG, made on the server (no external service)."""
from __future__ import annotations

import re

import qrcode
import qrcode.image.svg


def qr_svg(url: str) -> str:
    """An SVG QR code for `url` that scales to its container, on a white background."""
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, border=2,
                        error_correction=qrcode.constants.ERROR_CORRECT_M)
    svg = image.to_string(encoding="unicode")
    svg = re.sub(r'\s(width|height)="[^"]*mm"', "", svg, count=2)
    # A white square under the modules: a QR code needs a light quiet zone to scan.
    return svg.replace("><path", '><rect width="100%" height="100%" fill="#fff"/><path', 1)
