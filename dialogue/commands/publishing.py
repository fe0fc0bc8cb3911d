"""Publishing a dialogue's results page, and withdrawing it (facilitator commands)."""
from __future__ import annotations

import secrets

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from dialogue.actors import FACILITATOR_ONLY
from dialogue.commands.core import AFTERWARDS, ALWAYS, CommandContext, command
from dialogue.models import Publication, utcnow
from dialogue.textclean import clean_text

MESSAGE_LENGTH = 2000


def _flag(value) -> bool:
    return str(value or "").strip().lower() in ("1", "true", "on", "yes")


def publication(s, dialogue_id: int) -> Publication | None:
    return s.scalar(select(Publication).where(Publication.dialogue_id == dialogue_id))


def is_live(pub: Publication | None) -> bool:
    return pub is not None and pub.withdrawn_at is None


# Publishing is what happens after a dialogue ends, so it runs when closed too (not archived:
# an archived dialogue's data are on their way out); withdrawing is always possible.
@command("publish_results", roles=FACILITATOR_ONLY, audit=True, when=AFTERWARDS)
def publish_results(ctx: CommandContext) -> dict:
    """Publish (or update) the results page: a secret link, and a public listing by choice."""
    message = clean_text(ctx.payload.get("message"), MESSAGE_LENGTH, required=False)
    pub = publication(ctx.s, ctx.dialogue.id)
    if pub is None:
        pub = Publication(dialogue_id=ctx.dialogue.id, token=secrets.token_urlsafe(18))
        ctx.s.add(pub)
    elif pub.withdrawn_at is not None:
        # A withdrawn link never comes back: publishing again makes a new one.
        pub.token = secrets.token_urlsafe(18)
        pub.withdrawn_at = None
        pub.published_at = utcnow()
    pub.public = _flag(ctx.payload.get("public"))
    pub.include_contributions = _flag(ctx.payload.get("include_contributions"))
    pub.message = message
    ctx.s.flush()
    return {"token": pub.link_token, "public": pub.public, "message": str(_l("The results page is published."))}


@command("withdraw_results", roles=FACILITATOR_ONLY, audit=True, when=ALWAYS)
def withdraw_results(ctx: CommandContext) -> dict:
    """Withdraw the results page: its link stops working and it leaves the public list."""
    pub = publication(ctx.s, ctx.dialogue.id)
    if not is_live(pub):
        ctx.fail(_l("The results page is not published."))
    pub.withdrawn_at = utcnow()
    return {"message": str(_l("The results page was withdrawn. Its link no longer works."))}
