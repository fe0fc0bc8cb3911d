"""Moderation by the facilitator: fix an obvious typo, merge duplicates.

Hiding and restoring a contribution (`set_hidden`) is here too.

A fixed text keeps its first version in `original_text` and every earlier version
in `extra["edits"]` (with when and which staff member); the audit log records the
fix. Merging duplicates hides the duplicates (marked `merged_into`) and moves their
votes to the kept contribution's items without counting one participant twice:
where a participant voted on both, their vote on the kept one stands.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select, update

from dialogue import tables
from dialogue.actors import FACILITATOR_ONLY, STAFF
from dialogue.commands.core import AFTERWARDS, CommandContext, command
from dialogue.commands.themes import clean_ids
from dialogue.models import Contribution, Item, StaffCount, Vote, utcnow
from dialogue.synthesis import pii
from dialogue.textclean import clean_int, clean_text

MAX_TEXT = 4000
MAX_MERGE = 50


def _contribution(ctx: CommandContext, value) -> Contribution:
    c = ctx.s.get(Contribution, clean_int(value, 1, 2**31))
    if c is None or c.dialogue_id != ctx.dialogue.id:
        ctx.fail(_l("This contribution does not exist."))
    return c


@command("fix_text", roles=FACILITATOR_ONLY, when=AFTERWARDS)
def fix_text(ctx: CommandContext) -> dict:
    """Correct an obvious typo in a contribution; the earlier text is kept for the audit trail."""
    c = _contribution(ctx, ctx.payload.get("contribution_id"))
    text = clean_text(ctx.payload.get("text"), max(MAX_TEXT, len(c.text)))
    if text == c.text:
        return {"contribution_id": c.id, "changed": False}
    if c.original_text is None:
        c.original_text = c.text
    edits = list((c.extra or {}).get("edits", []))
    edits.append({"text": c.text, "at": utcnow().isoformat(timespec="seconds"), "by": ctx.actor.key})
    c.extra = {**(c.extra or {}), "edits": edits}
    # Items made from this text in voting steps show the same words.
    ctx.s.execute(update(Item).where(Item.contribution_id == c.id, Item.text == c.text).values(text=text))
    c.text = text
    c.pii = bool(pii.find(text))
    ctx.audit("fix_text", contribution_id=c.id)
    ctx.changed(wall=True, tally=True)
    return {"contribution_id": c.id, "changed": True, "pii": c.pii, "message": str(_l("The text was corrected."))}


def _merge_votes(ctx: CommandContext, duplicate: Contribution, keep: Contribution) -> int:
    """Move the duplicate's items' votes to the kept one's; return how many votes were dropped."""
    dropped = 0
    for item in list(ctx.s.scalars(select(Item).where(Item.contribution_id == duplicate.id))):
        kept_item = ctx.s.scalar(select(Item).where(Item.step_id == item.step_id, Item.contribution_id == keep.id))
        if kept_item is None:
            # The kept text was not voted on in this step: the item simply becomes its item.
            item.contribution_id = keep.id
            item.text = keep.text
            continue
        for vote in list(ctx.s.scalars(select(Vote).where(Vote.item_id == item.id))):
            twice = ctx.s.scalar(select(Vote.id).where(
                Vote.item_id == kept_item.id, Vote.participant_id == vote.participant_id,
                Vote.criterion == vote.criterion))
            if twice is not None:
                ctx.s.delete(vote)  # one participant, one vote per item: theirs on the kept one stands
                dropped += 1
            else:
                vote.item_id = kept_item.id
        ctx.s.flush()
        # Paper counts are of different people by nature: they add up.
        ctx.s.execute(update(StaffCount).where(StaffCount.item_id == item.id).values(item_id=kept_item.id))
        ctx.s.execute(delete(Item).where(Item.id == item.id))
    return dropped


@command("merge_contributions", roles=FACILITATOR_ONLY, when=AFTERWARDS)
def merge_contributions(ctx: CommandContext) -> dict:
    """Merge duplicates (`merge_ids`) into `keep_id`: they are hidden and their votes move."""
    keep = _contribution(ctx, ctx.payload.get("keep_id"))
    if (keep.extra or {}).get("merged_into"):
        ctx.fail(_l("This text was itself merged into another; keep that one instead."))
    # `contribution_ids` too: the console's batch form sends the ticked boxes under that name.
    ids = [i for i in clean_ids(ctx.payload.get("merge_ids", ctx.payload.get("contribution_ids"))) if i != keep.id]
    if not ids:
        ctx.fail(_l("Choose the duplicates to merge into the kept text."))
    if len(ids) > MAX_MERGE:
        ctx.fail(_l("Choose at most %(n)s at a time.", n=MAX_MERGE))
    dropped = 0
    for duplicate_id in ids:
        duplicate = _contribution(ctx, duplicate_id)
        dropped += _merge_votes(ctx, duplicate, keep)
        # Texts that were merged into this duplicate earlier now point at the kept one.
        for earlier in ctx.s.scalars(select(Contribution).where(Contribution.dialogue_id == ctx.dialogue.id)):
            if (earlier.extra or {}).get("merged_into") == duplicate.id:
                earlier.extra = {**earlier.extra, "merged_into": keep.id}
        duplicate.hidden = True
        duplicate.extra = {**(duplicate.extra or {}), "merged_into": keep.id}
        if keep.theme_id is None and duplicate.theme_id is not None:
            keep.theme_id = duplicate.theme_id
    ctx.audit("merge_contributions", keep_id=keep.id, merge_ids=ids)
    ctx.changed(wall=True, tally=True)
    return {"keep_id": keep.id, "merged": ids, "dropped_votes": dropped,
            "message": str(_l("%(n)s merged into the kept text.", n=len(ids)))}


@command("set_hidden", roles=STAFF, audit=True, when=AFTERWARDS)
def set_hidden(ctx: CommandContext) -> dict:
    """Hide or restore a contribution (hidden: off the screen and out of exports).

    A table host moderates their own table's answers; other helpers do not moderate.
    """
    cid = clean_int(ctx.payload.get("contribution_id"), 1, 2**31)
    c = ctx.s.get(Contribution, cid)
    if c is None or c.dialogue_id != ctx.dialogue.id:
        ctx.fail(_l("This contribution does not exist."))
    if not tables.may_moderate(ctx.actor, c.table_id):
        ctx.fail(_l("You are not allowed to do this."))
    c.hidden = bool(ctx.payload.get("hidden"))
    ctx.changed(wall=True)
    return {"contribution_id": c.id, "hidden": c.hidden}
