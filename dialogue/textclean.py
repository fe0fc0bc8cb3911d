"""Cleaning of user text: one rule for every input, HTTP or socket."""
from __future__ import annotations

import re
import unicodedata

from flask_babel import lazy_gettext as _l

# C0/C1 control characters except tab and newline; also lone surrogates, which
# arrive from broken UTF-16 in JSON payloads and cannot be stored as UTF-8.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")


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
    text = unicodedata.normalize("NFC", value.replace("\r\n", "\n"))
    text = _CONTROL.sub("", text)
    if not multiline:
        text = " ".join(text.split())
    text = text.strip()
    if required and not text:
        raise InvalidInput(_l("Write something first."))
    if len(text) > max_length:
        raise InvalidInput(_l("The text is too long. The limit is %(n)s characters.", n=max_length))
    return text


def clean_int(value, low: int, high: int) -> int:
    """An integer in [low, high] from a form field or a JSON value, or InvalidInput."""
    if isinstance(value, bool):
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
