"""Secret links (the screen, helper links, published results) without secrets in the database.

The database keeps only a hash of each link's random value (the models hash what is
assigned to their token column: `hashed_on_assignment`). The link itself is

    <row id>.<HMAC(SECRET_KEY, kind, row id, stored hash)>

so the console can show it again (the projector's screen, the helper links page, the
table cards' QR codes, the public list of published results) while a copy of the
database alone opens nothing. Whoever has SECRET_KEY as well could make links, but
could already sign a facilitator's session cookie with it: no new exposure. A new
random value (publishing again, say) changes the hash and so ends the old link.

Links made before the hashing (plain random tokens) keep working: their hash is what
the migration stored, and a presented token without a dot is looked up by its hash.
"""
from __future__ import annotations

import base64
import hashlib
import hmac

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session


def hash_token(token: str) -> str:
    """The stored form of a secret: its SHA-256, hex."""
    return hashlib.sha256(token.encode()).hexdigest()


#: The kinds of link, each with its own HMAC domain.
SCREEN, HELPER, PUBLICATION = "screen", "helper", "publication"


def _mac(kind: str, row_id: int, stored: str) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    digest = hmac.new(key, f"osuva-{kind}:{row_id}:{stored}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:24]).decode().rstrip("=")


def link_token(kind: str, row_id: int, stored: str) -> str:
    """The token in the link of row `row_id`, whose stored hash is `stored`."""
    return f"{row_id}.{_mac(kind, row_id, stored)}"


def find(s: Session, model, column, kind: str, token: str | None):
    """The row of `model` whose link is `token` (a made link, or an older plain token whose
    hash is in `column`); None if there is none."""
    if not token or len(token) > 200:
        return None
    if "." in token:
        head, _, mac = token.partition(".")
        if not head.isdigit() or len(head) > 12:
            return None
        row = s.get(model, int(head))
        stored = getattr(row, column.key) if row is not None else None
        return row if stored and hmac.compare_digest(mac, _mac(kind, row.id, stored)) else None
    return s.scalar(select(model).where(column == hash_token(token)))


def hashed_on_assignment(value: str | None) -> str | None:
    """What a token column keeps of an assigned secret (models call this from @validates)."""
    return None if value is None else hash_token(value)
