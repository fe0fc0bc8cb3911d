"""The silent "I'd like to speak" signal of spoken dialogues (e.g. Erätauko).

A participant raises or lowers their hand from the calm phones-down view; the
facilitator sees an anonymous queue (numbers in order, no names) and marks the
first one done when that person has spoken.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dialogue.actors import FACILITATOR_ONLY, PARTICIPANTS_ONLY
from dialogue.commands.core import CommandContext, command
from dialogue.models import SpeakRequest, utcnow
from dialogue.textclean import clean_int


def waiting(s: Session, dialogue_id: int, participant_id: int) -> int:
    """This participant's place in the queue (1 = next to speak), or 0 if their hand is down."""
    mine = s.scalar(select(func.min(SpeakRequest.id)).where(
        SpeakRequest.dialogue_id == dialogue_id, SpeakRequest.participant_id == participant_id,
        SpeakRequest.done.is_(False)))
    if mine is None:
        return 0
    return s.scalar(select(func.count()).select_from(SpeakRequest).where(
        SpeakRequest.dialogue_id == dialogue_id, SpeakRequest.done.is_(False), SpeakRequest.id <= mine)) or 0


def queue_length(s: Session, dialogue_id: int) -> int:
    """How many hands are up (phones in the queue refresh their place when this changes)."""
    return s.scalar(select(func.count()).select_from(SpeakRequest).where(
        SpeakRequest.dialogue_id == dialogue_id, SpeakRequest.done.is_(False))) or 0


def queue(s: Session, dialogue_id: int) -> list[dict]:
    """The open requests in order, as anonymous entries for the facilitator."""
    now = utcnow()
    rows = s.scalars(select(SpeakRequest).where(
        SpeakRequest.dialogue_id == dialogue_id, SpeakRequest.done.is_(False)).order_by(SpeakRequest.id))
    return [{"id": r.id, "waiting_seconds": int((now - r.created_at).total_seconds())} for r in rows]


@command("speak", roles=PARTICIPANTS_ONLY)
def speak(ctx: CommandContext) -> dict:
    """Raise (`raise`: true) or lower the hand, while a step with the signal is on."""
    step = ctx.dialogue.current_step
    if step is None or not step.config.get("speak_signal"):
        ctx.fail(_l("You can ask to speak only during the joint dialogue."))
    up = bool(ctx.payload.get("raise"))
    open_requests = ctx.s.scalars(select(SpeakRequest).where(
        SpeakRequest.dialogue_id == ctx.dialogue.id, SpeakRequest.participant_id == ctx.actor.participant_id,
        SpeakRequest.done.is_(False))).all()
    if up and not open_requests:
        ctx.s.add(SpeakRequest(dialogue_id=ctx.dialogue.id, participant_id=ctx.actor.participant_id))
    if not up:
        for r in open_requests:
            r.done = True
    ctx.changed(everyone=True)
    message = _l("The facilitator sees that you want to speak.") if up else _l("Your request was taken back.")
    return {"raised": up, "message": str(message)}


@command("speaker_done", roles=FACILITATOR_ONLY)
def speaker_done(ctx: CommandContext) -> dict:
    """The facilitator marks a request done (that person has spoken): `request_id`,
    or without it the first one in the queue."""
    if ctx.payload.get("request_id") in (None, ""):
        r = ctx.s.scalar(select(SpeakRequest).where(
            SpeakRequest.dialogue_id == ctx.dialogue.id, SpeakRequest.done.is_(False)).order_by(SpeakRequest.id))
        if r is None:
            ctx.fail(_l("Nobody is waiting to speak."))
    else:
        r = ctx.s.get(SpeakRequest, clean_int(ctx.payload.get("request_id"), 1, 2**31))
    if r is None or r.dialogue_id != ctx.dialogue.id:
        ctx.fail(_l("This request does not exist."))
    r.done = True
    ctx.changed(everyone=True)
    return {"request_id": r.id, "message": str(_l("Marked as spoken."))}
