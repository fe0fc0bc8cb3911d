"""`info`: a slide (rules, programme, pre-reading) that participants may acknowledge."""
from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from ..actors import EVERYONE_WHO_WRITES
from ..commands import CommandContext, command
from ..models import Acknowledgement
from .base import Activity, register


@register
class Info(Activity):
    key = "info"
    participant_template = "activities/info.html"

    def label(self):
        return _l("Information slide")

    def default_config(self) -> dict[str, Any]:
        # speak_signal: phones show an "I'd like to speak" button in the phones-down view.
        # open_early: readable (and acknowledgeable) while the dialogue is open before
        # the meeting, e.g. a salon's pre-reading.
        return {"phones_down": False, "acknowledge": False, "speak_signal": False, "open_early": False}

    def participant_context(self, s, step, actor):
        acknowledged = False
        if actor is not None and actor.participant_id is not None and step.config.get("acknowledge"):
            acknowledged = s.get(Acknowledgement, (step.id, actor.participant_id)) is not None
        return {"acknowledged": acknowledged}

    def live_state(self, s, step, *, staff):
        if not step.config.get("acknowledge"):
            return {}
        count = s.scalar(select(func.count()).select_from(Acknowledgement).where(
            Acknowledgement.step_id == step.id))
        return {"acknowledged": count}

    def export(self, s, step):
        return self.live_state(s, step, staff=True)


@command("acknowledge", roles=EVERYONE_WHO_WRITES)
def acknowledge(ctx: CommandContext) -> dict:
    """A participant acknowledges an info step (e.g. the ground rules)."""
    step = ctx.open_step(kind="info")
    if not step.config.get("acknowledge"):
        ctx.fail(_l("This step does not need to be acknowledged."))
    if ctx.actor.participant_id is None:
        ctx.fail(_l("Only participants acknowledge."))
    if ctx.s.get(Acknowledgement, (step.id, ctx.actor.participant_id)) is None:
        ctx.s.add(Acknowledgement(step_id=step.id, participant_id=ctx.actor.participant_id))
    ctx.changed(step)
    return {"message": str(_l("Thank you. You have agreed to these."))}
