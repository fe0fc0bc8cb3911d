"""Cleaning of user text: one rule for every input, HTTP or socket."""
from __future__ import annotations

import re
import unicodedata

from flask_babel import lazy_gettext as _l

# C0/C1 control characters except tab and newline (pasted text carries some: removed).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# Explicit bidirectional embeddings, overrides and isolates can make a text on the
# screen read differently from what was stored ("Trojan Source"); right-to-left
# scripts display correctly without them. Removed.
_BIDI = re.compile(r"[\u202a-\u202e\u2066-\u2069]")
# Text that did not decode: lone surrogates (broken UTF-16 in JSON) and U+FFFD (what
# invalid UTF-8 in a form post becomes). Refused, so that nothing garbled is stored.
_BROKEN = re.compile(r"[\ud800-\udfff\ufffd]")
# More combining marks on one letter than any language needs ("Zalgo" text that
# spills over the lines around it on the projector): the extra ones are removed.
_MAX_MARKS = 4


class InvalidInput(ValueError):
    """Bad user input; `message` is a translated text to show to the person."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def clean_text(value, max_length: int, *, required: bool = True, multiline: bool = True) -> str:
    """Return `value` normalised (NFC, no control characters, trimmed) or raise InvalidInput."""
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise InvalidInput(_l("The text is not valid."))
    if _BROKEN.search(value):
        raise InvalidInput(_l("Some characters could not be read. Write the text again."))
    text = unicodedata.normalize("NFC", value.replace("\r\n", "\n"))
    text = _limit_marks(_BIDI.sub("", _CONTROL.sub("", text)))
    if not multiline:
        text = " ".join(text.split())
    text = text.strip()
    if not _visible(text):
        if required:
            raise InvalidInput(_l("Write something first."))
        text = ""
    if len(text) > max_length:
        raise InvalidInput(_l("The text is too long. The limit is %(n)s characters.", n=max_length))
    return text


def _visible(text: str) -> bool:
    """Whether `text` has something to see: a letter, digit, punctuation or symbol (emoji too).

    Spaces, zero-width and other invisible characters alone are not an answer.
    """
    return any(unicodedata.category(ch)[0] in "LNPS" for ch in text)


def _limit_marks(text: str) -> str:
    if not any(unicodedata.combining(ch) for ch in text):
        return text
    out, run = [], 0
    for ch in text:
        run = run + 1 if unicodedata.combining(ch) else 0
        if run <= _MAX_MARKS:
            out.append(ch)
    return "".join(out)


def clean_int(value, low: int, high: int) -> int:
    """An integer in [low, high] from a form field or a JSON value, or InvalidInput."""
    if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
        raise InvalidInput(_l("The choice is not valid."))
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise InvalidInput(_l("The choice is not valid.")) from None
    if not low <= number <= high:
        raise InvalidInput(_l("The choice is not valid."))
    return number


_CLIENT_ID = re.compile(r"^[A-Za-z0-9_-]{8,64}$")


def clean_client_id(value) -> str:
    if not isinstance(value, str) or not _CLIENT_ID.match(value):
        raise InvalidInput(_l("The request is not valid. Reload the page."))
    return value


def clean_bool(value) -> bool:
    """A yes/no from a form field ("1", "on", "", absent) or a JSON value (true/false)."""
    if isinstance(value, str):
        return value.strip().lower() not in ("", "0", "false", "off", "no")
    return bool(value)
