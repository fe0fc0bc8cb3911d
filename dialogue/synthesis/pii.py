"""Detect and mask personal data in free text.

Three kinds are found:
- `hetu`: a Finnish personal identity code (henkilötunnus) whose date exists and
  whose check character is right (DDMMYYCZZZQ; century signs + - U–Y A–F). A code
  with a wrong check character is a typo or made up, and is left alone.
- `phone`: Finnish numbers (040 123 4567, 0401234567, (09) 123 4567, 015 123 456,
  +358 40 123 4567, 00358 401234567, +358 (0)40 …) and other international
  numbers (+46 70 123 45 67). Service numbers (0295 …) look the same and are
  masked too: text cannot tell a person's number from an office's.
- `email`: name@domain.fi, also written name(at)domain.fi or name[at]domain.fi.

Detected text is flagged to staff, and masked on the screen and in every export.
Dates (01.02.2023, 2023-02-01), times (klo 9-16), sums (1 200 €), postal codes
(50100) and years are not phone numbers: a Finnish number starts with 0 and a real
area or operator code, or with a + country code, and has at least 7 digits.
"""
from __future__ import annotations

import datetime as dt
import re
from typing import Any, NamedTuple

MASK = "[•••]"
KINDS = ("hetu", "phone", "email")

_CHECK = "0123456789ABCDEFHJKLMNPRSTUVWXY"
_CENTURY = {"+": 1800, "-": 1900, "Y": 1900, "X": 1900, "W": 1900, "V": 1900, "U": 1900,
            "A": 2000, "B": 2000, "C": 2000, "D": 2000, "E": 2000, "F": 2000}
_HETU = re.compile(r"(?<![\w+-])(\d{2})(\d{2})(\d{2})([-+A-FU-Y])(\d{3})([0-9A-Y])(?!\w)", re.IGNORECASE)

_EMAIL = re.compile(
    r"(?<![\w.+-])[\w.+-]+[ ]?(?:@|\(at\)|\[at\])[ ]?[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}(?![\w-])",
    re.IGNORECASE)

_SEP = r"[ -]?"
# Finnish national format: 0 + an area/operator code (02…09, 010…019, 040…050, 0295, 0800, …)
# that never starts 00 or is 01 alone, then the subscriber number; 7–13 digits in all.
_FI_NATIONAL = rf"\(?0(?:[2-9]\d{{0,2}}|1\d{{1,2}})\)?(?:{_SEP}\d){{5,9}}"
# +358 / 00358, an optional (0), then 6–10 digits not starting with 0.
_FI_INTERNATIONAL = rf"(?:\+|00)358{_SEP}(?:\(0\){_SEP})?[1-9](?:{_SEP}\d){{5,9}}"
# Other countries: + and a country code, then 6–12 digits.
_OTHER_INTERNATIONAL = rf"\+(?!358)[1-9]\d{{0,2}}{_SEP}(?:\(0\){_SEP})?\d(?:{_SEP}\(?\d\)?){{5,11}}"
_PHONE = re.compile(rf"(?<![\w+\-/.,])(?:{_FI_INTERNATIONAL}|{_OTHER_INTERNATIONAL}|{_FI_NATIONAL})(?![\w-])")


class Span(NamedTuple):
    """One piece of personal data found in a text: text[start:end] is of `kind`."""
    start: int
    end: int
    kind: str


def valid_hetu(code: str) -> bool:
    """Whether `code` is a well-formed identity code: a real date and the right check character."""
    m = _HETU.fullmatch(code.strip())
    return bool(m) and _valid_hetu(m)


def _valid_hetu(m: re.Match) -> bool:
    day, month, year, sign, serial, check = m.groups()
    try:
        dt.date(_CENTURY[sign.upper()] + int(year), int(month), int(day))
    except ValueError:
        return False
    return _CHECK[int(day + month + year + serial) % 31] == check.upper()


def spans(text: str) -> list[Span]:
    """Every piece of personal data in `text`, in order, never overlapping.

    Identity codes win over e-mail addresses, which win over phone numbers, where
    they overlap (an identity code's digits never count as a phone number).
    """
    if not text:
        return []
    found: list[Span] = [Span(m.start(), m.end(), "hetu") for m in _HETU.finditer(text) if _valid_hetu(m)]
    for kind, pattern in (("email", _EMAIL), ("phone", _PHONE)):
        for m in pattern.finditer(text):
            if not any(m.start() < s.end and s.start < m.end() for s in found):
                found.append(Span(m.start(), m.end(), kind))
    return sorted(found)


def find(text: str) -> list[str]:
    """The kinds of personal data found in `text`, in KINDS order: 'hetu', 'phone', 'email'."""
    kinds = {s.kind for s in spans(text)}
    return [k for k in KINDS if k in kinds]


def mask(text: str) -> str:
    """`text` with every identity code, phone number and e-mail address replaced by MASK."""
    out, last = [], 0
    for s in spans(text):
        out.append(text[last:s.start])
        out.append(MASK)
        last = s.end
    out.append(text[last:])
    return "".join(out)


def mask_all(value: Any) -> Any:
    """`value` with every string in it masked, however deep in lists and dicts (a step's
    settings hold item texts, for one): what reaches an export passes the same mask."""
    if isinstance(value, str):
        return mask(value)
    if isinstance(value, list):
        return [mask_all(v) for v in value]
    if isinstance(value, dict):
        return {k: mask_all(v) for k, v in value.items()}
    return value
