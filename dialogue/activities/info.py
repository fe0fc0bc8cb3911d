"""`info`: a slide (rules, programme, pre-reading) that participants may acknowledge.

With `source_step` set, the slide also shows what an earlier step collected: the
answers their writers allowed to be read aloud (Erätauko's "sharing insights"), or
the questions by upvotes (a decision-maker dialogue's joint dialogue). The screen
shows them (unless phones are down) and the console lists them for the facilitator.
"""
from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from dialogue.activities.base import Activity, get, register
from dialogue.actors import EVERYONE_WHO_WRITES
from dialogue.commands.core import CommandContext, command
from dialogue.models import Acknowledgement, Contribution, Step
from dialogue.synthesis import pii


def source(s, step: Step) -> Step | None:
    """The earlier step named by `source_step` (its position), if any."""
    position = step.config.get("source_step")
    if position is None:
        return None
    found = s.scalar(select(Step).where(Step.dialogue_id == step.dialogue_id, Step.position == position))
    return found if found is not None and found.id != step.id else None


def shown_answers(s, step: Step, *, masked: bool) -> list[dict[str, str]]:
    """What the slide shows of its source step, as cards {"text", "meta"}:

    - a step of open answers: those that may be read aloud, oldest first (private notes,
      hidden texts and answers kept "for the report only" are left out);
    - a questions step: the questions by upvotes, unanswered first.
    """
    src = source(s, step)
    if src is None:
        return []
    if src.kind == "questions":
        results = get("questions").results(s, src, masked=masked)  # the questions kind's own results
        ordered = sorted(results["items"], key=lambda q: (q["answered"], -q["upvotes"]["total"]))
        return [{"text": q["text"], "meta": str(_l("Upvotes: %(n)s", n=q["upvotes"]["total"])) +
                 (" · " + str(_l("Answered")) if q["answered"] else "")} for q in ordered]
    rows = s.scalars(select(Contribution).where(
        Contribution.step_id == src.id, Contribution.hidden.is_(False), Contribution.private.is_(False),
        Contribution.source.in_(("participant", "staff"))).order_by(Contribution.id))
    return [{"text": pii.mask(c.text) if masked else c.text, "meta": ""}
            for c in rows if (c.extra or {}).get("read_aloud") is not False]


@register
class Info(Activity):
    key = "info"
    participant_template = "activities/info.html"
    staff_template = "activities/info_staff.html"

    def label(self):
        return _l("Information slide")

    def default_config(self) -> dict[str, Any]:
        # speak_signal: phones show an "I'd like to speak" button in the phones-down view.
        # open_early: readable (and acknowledgeable) while the dialogue is open before
        # the meeting, e.g. a salon's pre-reading.
        # source_step: show the read-aloud answers of that earlier step (by position).
        return {"phones_down": False, "acknowledge": False, "speak_signal": False, "open_early": False,
                "source_step": None}

    def config_labels(self) -> dict[str, Any]:
        return {**super().config_labels(),
                "source_step": _l("Show the answers of the step (those that may be read aloud), or its questions")}

    def clean_config(self, config):
        config = super().clean_config(config)
        source = config["source_step"]
        if source is not None and (isinstance(source, bool) or not isinstance(source, int) or source < 0):
            raise ValueError("source_step must be the position of an earlier step")
        return config

    def participant_context(self, s, step, actor):
        acknowledged = False
        if actor is not None and actor.participant_id is not None and step.config.get("acknowledge"):
            acknowledged = s.get(Acknowledgement, (step.id, actor.participant_id)) is not None
        return {"acknowledged": acknowledged}

    def _acknowledged(self, s, step) -> int:
        return s.scalar(select(func.count()).select_from(Acknowledgement).where(
            Acknowledgement.step_id == step.id)) or 0

    def staff_context(self, s, step):
        src = source(s, step)
        return {"acknowledged": self._acknowledged(s, step) if step.config.get("acknowledge") else None,
                "source_kind": src.kind if src is not None else None,
                "answers": shown_answers(s, step, masked=False)}

    def live_state(self, s, step, *, staff):
        state: dict[str, Any] = {}
        if step.config.get("acknowledge"):
            state["acknowledged"] = self._acknowledged(s, step)
        if step.config.get("source_step") is not None:
            # The screen draws a `list` as cards (as it does for commitments).
            state["list"] = shown_answers(s, step, masked=not staff)
        return state

    def in_report(self, step):
        """A slide (welcome, ground rules, programme) is setup: the report's reader does not need it."""
        return False

    def export(self, s, step):
        # The answers read aloud belong to their own step's export, not to this slide's.
        return {"acknowledged": self._acknowledged(s, step)} if step.config.get("acknowledge") else {}


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
    ctx.changed(step, tally=True)  # the console's count of those who have confirmed
    return {"message": str(_l("Thank you. You have agreed to these."))}
