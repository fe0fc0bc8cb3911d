"""Creating and revoking helper links, and what a helper is called in the console.

A helper link is a secret URL (/h/<token>) that gives its holder staff rights in
one dialogue (optionally one table): write staff notes, enter contributions and
paper votes. Moderation and running the dialogue stay with the facilitator.
Revoking works at once: every request and socket event resolves the link again,
and the link's open sockets are disconnected.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from dialogue import tables
from dialogue.actors import FACILITATOR_ONLY, new_token
from dialogue.commands.core import ALWAYS, CommandContext, command
from dialogue.models import HELPER_KINDS, Helper
from dialogue.realtime import broadcast, control
from dialogue.realtime.snapshot import public_url
from dialogue.textclean import clean_int, clean_text

MAX_LINKS = 100


def kind_labels() -> dict[str, object]:
    """Helper kinds for people."""
    return {"scribe": _l("Scribe"), "table_host": _l("Table host"), "recorder": _l("Group recorder"),
            "decision_maker": _l("Decision-maker"), "respondent": _l("Responding body (answers the outcome)")}


def helper_url(helper: Helper) -> str:
    return f"{public_url()}/h/{helper.link_token}"


def links_of(s: Session, dialogue_id: int) -> list[Helper]:
    """The dialogue's helper links, newest first (revoked ones too, marked)."""
    return list(s.scalars(select(Helper).where(Helper.dialogue_id == dialogue_id).order_by(Helper.id.desc())))


def disconnect_helper(dialogue_id: int, helper_id: int) -> None:
    """Close this helper's open sockets, on every server process."""
    control.disconnect_room(broadcast.room(dialogue_id, f"helper-{helper_id}"))


@command("helper_create", roles=FACILITATOR_ONLY)
def helper_create(ctx: CommandContext) -> dict:
    """Make a secret helper link: `kind` (scribe, table_host, recorder, decision_maker),
    a `label` to recognise it by, and optionally a `table` (its name: made if there is none yet)."""
    kind = ctx.payload.get("kind")
    if kind not in HELPER_KINDS:
        ctx.fail(_l("Choose what the helper does."))
    label = clean_text(ctx.payload.get("label"), 80, required=False, multiline=False)
    table = clean_text(ctx.payload.get("table"), 80, required=False, multiline=False)
    if len(links_of(ctx.s, ctx.dialogue.id)) >= MAX_LINKS:
        ctx.fail(_l("This dialogue has the largest number of helper links already."))
    if table and len(tables.tables_of(ctx.s, ctx.dialogue.id)) >= tables.MAX_TABLES:
        ctx.fail(tables.TOO_MANY)
    table_id = tables.find_or_add(ctx.s, ctx.dialogue.id, table).id if table else None
    helper = Helper(dialogue_id=ctx.dialogue.id, token=new_token(), kind=kind, label=label, table_id=table_id)
    ctx.s.add(helper)
    ctx.s.flush()
    ctx.audit("helper_create", helper_id=helper.id, kind=kind)
    return {"helper_id": helper.id, "url": helper_url(helper),
            "message": str(_l("The helper link was made. Send it only to that helper."))}


@command("helper_revoke", roles=FACILITATOR_ONLY, when=ALWAYS)
def helper_revoke(ctx: CommandContext) -> dict:
    """Revoke a helper link: it stops working at once."""
    helper = ctx.s.get(Helper, clean_int(ctx.payload.get("helper_id"), 1, 2**31))
    if helper is None or helper.dialogue_id != ctx.dialogue.id:
        ctx.fail(_l("This helper link does not exist."))
    helper.revoked = True
    ctx.audit("helper_revoke", helper_id=helper.id)
    did, hid = ctx.dialogue.id, helper.id
    ctx.effects.append(lambda: disconnect_helper(did, hid))
    return {"helper_id": helper.id, "message": str(_l("The link no longer works."))}
