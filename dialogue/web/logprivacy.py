"""Logs never hold a participant's IP address.

The access logs are off (eventlet's in app.py; werkzeug's below INFO), but the
servers still log some errors with the client's address in them (werkzeug's
development server prefixes every line with it, e.g. a malformed request). A filter
on every logger that could see a request replaces addresses with "[address]"
before anything is written. Osuva's own code never logs a request's address or
user agent in the first place; this is the safety net.
"""
from __future__ import annotations

import ipaddress
import logging
import re

# Anything that looks like an address (hex digits, dots, colons, an optional zone);
# `ipaddress` decides whether it is one, so times like 10:00:01 stay as they are.
_CANDIDATE = re.compile(r"(?<![0-9A-Za-z_])[0-9A-Fa-f:.]*[:.][0-9A-Fa-f:.]*(?:%[0-9A-Za-z_.-]+)?(?![0-9A-Za-z_])")
REPLACEMENT = "[address]"


def _is_address(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def _replace(match: re.Match) -> str:
    token = match.group(0)
    core = token.split("%", 1)[0]
    trimmed = core.rstrip(".")
    if _is_address(trimmed):
        return REPLACEMENT + core[len(trimmed):]
    host, sep, port = trimmed.rpartition(":")  # 192.0.2.1:54321
    if sep and port.isdigit() and "." in host and _is_address(host):
        return f"{REPLACEMENT}:{port}"
    return token


#: Loggers that handle requests or connections (their records carry what a client sent).
LOGGERS = ("werkzeug", "engineio.server", "socketio.server", "eventlet.wsgi", "flask.app", "dialogue")


def redact(text: str) -> str:
    """`text` with every IP address replaced."""
    return _CANDIDATE.sub(_replace, text)


class RedactAddresses(logging.Filter):
    """Rewrite a record's message without IP addresses (the record is still logged)."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string: leave it to the handler to report
            return True
        clean = redact(message)
        if clean != message:
            record.msg, record.args = clean, None
        return True


_FILTER = RedactAddresses()


def install() -> None:
    """Quiet the access log and put the filter on every logger that sees requests."""
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    for name in LOGGERS:
        logger = logging.getLogger(name)
        if _FILTER not in logger.filters:
            logger.addFilter(_FILTER)
    # Records from child loggers propagate to the root's handlers without passing the
    # parents' filters; filtering the root's handlers as well covers them.
    for handler in logging.getLogger().handlers:
        if _FILTER not in handler.filters:
            handler.addFilter(_FILTER)
