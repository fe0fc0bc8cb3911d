"""Detect and mask personal data in free text.

Finnish personal identity codes (henkilötunnus, with a valid check character),
phone numbers (Finnish and international formats) and e-mail addresses. Detected
text is flagged to staff and masked on the screen and in every export.
"""
from __future__ import annotations

import re

_CHECK = "0123456789ABCDEFHJKLMNPRSTUVWXY"
# Century signs: + (1800s), - Y X W V U (1900s), A B C D E F (2000s) since 2023.
_HETU = re.compile(r"\b(\d{2})(\d{2})(\d{2})([-+A-FU-Y])(\d{3})([0-9A-Y])\b", re.IGNORECASE)
_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}\b")
# +358 / 00358 / a leading 0, then 6-11 more digits with optional spaces, dashes, brackets.
_PHONE = re.compile(r"(?<![\w+])(?:\+358|00358|\(?0)\d{1,3}\)?(?:[ -]?\d){5,9}(?!\w)")

MASK = "[•••]"


def _valid_hetu(m: re.Match) -> bool:
    day, month, year, _sign, serial, check = m.groups()
    if not (1 <= int(day) <= 31 and 1 <= int(month) <= 12):
        return False
    return _CHECK[int(day + month + year + serial) % 31] == check.upper()


def find(text: str) -> list[str]:
    """The kinds of personal data found in `text`: 'hetu', 'phone', 'email'."""
    kinds = []
    if any(_valid_hetu(m) for m in _HETU.finditer(text)):
        kinds.append("hetu")
    if _PHONE.search(_HETU.sub(" ", text)):
        kinds.append("phone")
    if _EMAIL.search(text):
        kinds.append("email")
    return kinds


def mask(text: str) -> str:
    """`text` with every identity code, phone number and e-mail address replaced by MASK."""
    text = _HETU.sub(lambda m: MASK if _valid_hetu(m) else m.group(0), text)
    text = _EMAIL.sub(MASK, text)
    return _PHONE.sub(MASK, text)
