"""`prompt`: open contributions, on a live wall on the screen or hidden from it.

With `private_notes` set, a contribution is a note to self that only its author
sees until they choose to share it (anonymously).
"""
from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from dialogue.activities.base import Activity, PaperQuestion, register
from dialogue.actors import EVERYONE_WHO_WRITES, PARTICIPANTS_ONLY
from dialogue.commands.core import CommandContext, command
from dialogue.models import Contribution
from dialogue.synthesis import pii
from dialogue.textclean import clean_int, clean_text

MAX_LENGTH = 1000
#: Headings of the methods' report sections a prompt's answers can go under
#: (export/method_sections.py): "" is none, the step is reported as itself.
REPORT_AS = ("", "insights", "continue", "message", "take_away", "goal", "ideas", "proposals")


@register
class Prompt(Activity):
    key = "prompt"
    participant_template = "activities/prompt.html"
    collects_contributions = True
    supports_tables = True
    paper_entry_template = "activities/_paper_contribution.html"

    def label(self):
        return _l("Open question")

    def paper_questions(self, s, step):
        if step.config.get("writers") == "decision_makers":
            return []
        return [PaperQuestion(lines=8)]

    def default_config(self) -> dict[str, Any]:
        # private_notes: notes to self that the author may share later (reflection).
        # read_aloud_choice: the author chooses "may be read aloud" or "for the report only";
        # only the former reach the screen (insights in Erätauko).
        # writers "decision_makers": only decision-makers (and staff) write, e.g. the
        # "I heard…" entries of a decision-maker dialogue; the others read them.
        # report_as: where the method's report section puts these answers (e.g. "insights").
        return {"phones_down": False, "wall": True, "max_length": 500,
                "private_notes": False, "read_aloud_choice": False, "open_early": False,
                "writers": "everyone", "report_as": ""}

    def clean_config(self, config):
        config = super().clean_config(config)
        if not isinstance(config["max_length"], int) or not 10 <= config["max_length"] <= MAX_LENGTH:
            raise ValueError(f"max_length must be 10..{MAX_LENGTH}")
        if config["writers"] not in ("everyone", "decision_makers"):
            raise ValueError("writers must be 'everyone' or 'decision_makers'")
        if config["report_as"] not in REPORT_AS:
            raise ValueError(f"report_as must be one of {REPORT_AS}")
        return config

    def participant_context(self, s, step, actor):
        mine = []
        if actor is not None and actor.participant_id is not None:
            mine = list(s.scalars(select(Contribution).where(
                Contribution.step_id == step.id, Contribution.participant_id == actor.participant_id,
                Contribution.hidden.is_(False)).order_by(Contribution.id)))
        may_write = step.config.get("writers", "everyone") == "everyone" or (
            actor is not None and actor.declared_role == "decision_maker")
        entries = [] if may_write else [pii.mask(c.text) for c in s.scalars(select(Contribution).where(
            Contribution.step_id == step.id, Contribution.hidden.is_(False), Contribution.private.is_(False),
            Contribution.source.in_(("participant", "staff"))).order_by(Contribution.id))]
        return {"mine": mine, "max_length": step.config.get("max_length", 500),
                "may_write": may_write, "entries": entries, "earlier": self._earlier_notes(s, step, actor)}

    @staticmethod
    def _earlier_notes(s, step, actor) -> list[Contribution]:
        """In a step of private notes: the writer's notes of the earlier such steps, which
        they may still share (a reflection note shared later, in the next reflection)."""
        if not step.config.get("private_notes") or actor is None or actor.participant_id is None:
            return []
        from dialogue.models import Step
        earlier = select(Step.id).where(Step.dialogue_id == step.dialogue_id, Step.kind == "prompt",
                                        Step.position < step.position)
        rows = s.scalars(select(Contribution).where(
            Contribution.participant_id == actor.participant_id, Contribution.step_id.in_(earlier),
            Contribution.hidden.is_(False), Contribution.private.is_(True)).order_by(Contribution.id))
        return list(rows)

    def live_state(self, s, step, *, staff):
        count = s.scalar(select(func.count()).select_from(Contribution).where(
            Contribution.step_id == step.id, Contribution.hidden.is_(False),
            Contribution.source.in_(("participant", "staff"))))
        return {"contributions": count}

    def export(self, s, step):
        rows = s.scalars(select(Contribution).where(
            Contribution.step_id == step.id, Contribution.hidden.is_(False),
            Contribution.private.is_(False), Contribution.source.in_(("participant", "staff")))
            .order_by(Contribution.id))
        return {"contributions": [
            {"id": c.id, "text": pii.mask(c.text), "entered_by_staff": c.source == "staff",
             "theme_id": c.theme_id, "author_role": c.author_role,
             **({"table_id": c.table_id} if c.table_id else {}),
             **({"read_aloud": c.extra.get("read_aloud", False)} if "read_aloud" in (c.extra or {}) else {})}
            for c in rows]}


@command("contribute", roles=EVERYONE_WHO_WRITES)
def contribute(ctx: CommandContext) -> dict:
    """Add a contribution to a prompt step (staff: on behalf of someone without a phone)."""
    step = ctx.open_step(kind="prompt")
    if step.config.get("writers") == "decision_makers" and not (
            ctx.actor.is_staff or ctx.actor.declared_role == "decision_maker"):
        ctx.fail(_l("In this step only the decision-makers write. You can read what they wrote."))
    text = clean_text(ctx.payload.get("text"), step.config.get("max_length", 500))
    private = bool(step.config.get("private_notes")) and ctx.actor.participant_id is not None
    extra = {}
    if step.config.get("read_aloud_choice"):
        extra["read_aloud"] = str(ctx.payload.get("read_aloud", "")).lower() in ("1", "true", "yes", "on")
    c = Contribution(
        dialogue_id=ctx.dialogue.id, step_id=step.id, text=text, private=private, extra=extra,
        participant_id=ctx.actor.participant_id, helper_id=ctx.actor.helper_id,
        source="participant" if ctx.actor.participant_id else "staff",
        author_role=ctx.actor.declared_role, pii=bool(pii.find(text)),
        table_id=ctx.table_for(step), round=ctx.dialogue.table_round)
    ctx.s.add(c)
    ctx.s.flush()
    ctx.changed(step, wall=True)
    message = _l("Saved. Only you can see this note.") if private else _l("Sent. Thank you!")
    return {"id": c.id, "message": str(message)}


@command("share_note", roles=PARTICIPANTS_ONLY)
def share_note(ctx: CommandContext) -> dict:
    """The author shares their own private note, anonymously, with the group."""
    contribution_id = clean_int(ctx.payload.get("contribution_id"), 1, 2**31)
    c = ctx.s.get(Contribution, contribution_id)
    if c is None or c.participant_id != ctx.actor.participant_id or c.dialogue_id != ctx.dialogue.id:
        ctx.fail(_l("This note does not exist."))
    if c.private:
        c.private = False
        ctx.changed(wall=True)
    return {"id": c.id, "message": str(_l("Shared. Your name is not shown."))}
