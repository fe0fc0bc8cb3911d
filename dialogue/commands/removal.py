"""Removing a disruptive participant in one action.

The facilitator never learns who a participant is, so they remove "the writer of
this text": every text, question and statement that participant wrote is hidden
(off the screen, the walls and the exports) and the participant is marked removed,
which refuses their next request or socket event at once. Their votes stay: they
are anonymous, counted once each, and cannot be told apart from anyone else's.

Removed people can join again as someone new (joining is anonymous); the
facilitator locks joining (`lock_join`) to stop that.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from dialogue.actors import FACILITATOR_ONLY
from dialogue.commands.core import AFTERWARDS, CommandContext, command
from dialogue.models import Contribution, Item, Participant, Step
from dialogue.textclean import clean_int


@command("remove_participant", roles=FACILITATOR_ONLY, audit=True, when=AFTERWARDS)
def remove_participant(ctx: CommandContext) -> dict:
    """Hide everything the writer of `contribution_id` (or of item `item_id`) wrote, and shut them out."""
    participant_id = None
    if ctx.payload.get("item_id") not in (None, ""):
        item = ctx.s.get(Item, clean_int(ctx.payload.get("item_id"), 1, 2**31))
        step = ctx.s.get(Step, item.step_id) if item is not None else None
        if step is None or step.dialogue_id != ctx.dialogue.id:
            ctx.fail(_l("This item does not exist."))
        participant_id = item.participant_id
    else:
        c = ctx.s.get(Contribution, clean_int(ctx.payload.get("contribution_id"), 1, 2**31))
        if c is None or c.dialogue_id != ctx.dialogue.id:
            ctx.fail(_l("This contribution does not exist."))
        participant_id = c.participant_id
    participant = ctx.s.get(Participant, participant_id) if participant_id else None
    if participant is None or participant.dialogue_id != ctx.dialogue.id:
        ctx.fail(_l("This was not written by a participant's phone. Hide it instead."))
    participant.removed = True
    hidden = ctx.s.execute(update(Contribution).where(
        Contribution.participant_id == participant.id, Contribution.hidden.is_(False)).values(hidden=True)).rowcount
    theirs = select(Contribution.id).where(Contribution.participant_id == participant.id)
    hidden += ctx.s.execute(update(Item).where(
        (Item.participant_id == participant.id) | Item.contribution_id.in_(theirs),
        Item.hidden.is_(False)).values(hidden=True)).rowcount
    ctx.changed(wall=True, tally=True)
    return {"hidden": hidden,
            "message": str(_l("The writer was removed; %(n)s of their texts were hidden.", n=hidden))}
