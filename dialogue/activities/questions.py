"""`questions`: questions to speakers with upvotes, and an "I didn't understand" signal.

Participants send questions (moderated first if the facilitator chooses) and upvote
others' (one upvote per question per participant: the unique vote rule). Staff mark a
question answered or highlight it on the screen, and see how many people have pressed
"I didn't understand" (a count only, never who).
"""
from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext
from sqlalchemy import func, select, update

from dialogue import tables
from dialogue.activities import voting
from dialogue.activities.base import PaperQuestion, register
from dialogue.actors import EVERYONE_WHO_WRITES, FACILITATOR_ONLY, PARTICIPANTS_ONLY
from dialogue.commands.core import AFTERWARDS, CommandContext, command
from dialogue.export.blocks import (
    Blocks,
    Table,
    key_label,
    participants_fact,
    ranked_bars,
    split_cells,
    split_columns,
)
from dialogue.models import Item, Signal
from dialogue.synthesis import tally
from dialogue.textclean import clean_text

QUESTION_MAX = 300
QUESTIONS_PER_PARTICIPANT = 10
NOT_UNDERSTOOD = "not_understood"
SCREEN_QUESTIONS = 10


def signal_counts(s, step_id: int) -> dict[str, int]:
    """How many "I didn't understand" signals are on now, and how many were ever sent."""
    active = s.scalar(select(func.count()).select_from(Signal).where(
        Signal.step_id == step_id, Signal.kind == NOT_UNDERSTOOD, Signal.active.is_(True))) or 0
    presses = s.scalar(select(func.count()).select_from(Signal).where(
        Signal.step_id == step_id, Signal.kind == NOT_UNDERSTOOD)) or 0
    return {"active": active, "presses": presses}


def _my_signal(s, step_id: int, participant_id: int) -> Signal | None:
    return s.scalar(select(Signal).where(Signal.step_id == step_id, Signal.participant_id == participant_id,
                                         Signal.kind == NOT_UNDERSTOOD, Signal.active.is_(True)))


@register
class Questions(voting.VotingActivity):
    key = "questions"
    participant_template = "activities/questions.html"
    staff_items_are_entries = True
    paper_entry_template = "activities/_paper_question.html"

    def label(self):
        return _l("Questions")

    def paper_questions(self, s, step):
        return [PaperQuestion(lines=4)]

    def default_config(self) -> dict[str, Any]:
        # Upvote counts show at once: they tell the speaker what to answer first.
        return {**super().default_config(), "hide_results": False, "moderate": False,
                "not_understood": True}

    def clean_config(self, config):
        config = super().clean_config(config)
        for flag in ("moderate", "not_understood"):
            if not isinstance(config[flag], bool):
                raise ValueError(f"{flag} must be true or false")
        return config

    def staff_values(self, step):
        return [(1, str(_l("Upvotes")))]

    def my_state(self, s, step, participant_id):
        upvoted = {v.item_id for v in voting.my_votes(s, step.id, participant_id)}
        own = list(s.scalars(select(Item).where(Item.step_id == step.id, Item.participant_id == participant_id,
                                                Item.hidden.is_(False)).order_by(Item.id)))
        return {"upvoted": upvoted, "own_ids": {i.id for i in own},
                "own_pending": [i.text for i in own if i.pending],
                "not_understood_on": _my_signal(s, step.id, participant_id) is not None,
                "max_length": QUESTION_MAX}

    def participant_context(self, s, step, actor):
        context = super().participant_context(s, step, actor)
        counts = tally.step_counts(s, step.id)
        items = voting.visible_items(s, step.id, tables.visible_table(actor) if actor else None)
        show_counts = voting.results_visible(step, staff=False)
        questions = [{**voting.item_json(i, masked=True), "answered": i.answered, "highlighted": i.highlighted,
                      "upvotes": counts.votes(i.id, 1)["total"] if show_counts else None} for i in items]
        if show_counts:
            questions.sort(key=lambda q: (q["answered"], -q["upvotes"]))
        else:
            questions.sort(key=lambda q: (q["answered"], -q["id"]))
        context.update(questions=questions, show_counts=show_counts)
        return context

    def results(self, s, step, *, masked=True):
        counts = tally.step_counts(s, step.id)
        items = []
        for item in voting.visible_items(s, step.id):
            items.append({**voting.item_json(item, masked=masked), "upvotes": counts.votes(item.id, 1),
                          "answered": item.answered, "highlighted": item.highlighted})
        askers = s.scalars(select(Item.participant_id).where(Item.step_id == step.id,
                                                             Item.participant_id.is_not(None)))
        signallers = s.scalars(select(Signal.participant_id).where(Signal.step_id == step.id))
        return {"participants": tally.participants(s, step.id, also={*askers, *signallers}),
                "not_understood": signal_counts(s, step.id), "items": items}

    def screen(self, results, step):
        highlighted = next((i for i in results["items"] if i["highlighted"]), None)
        waiting = sorted((i for i in results["items"] if not i["answered"]),
                         key=lambda i: -i["upvotes"]["total"])[:SCREEN_QUESTIONS]
        top = max((i["upvotes"]["total"] for i in waiting), default=0)
        return {"highlight": highlighted["text"] if highlighted else None,
                "bars": [tally.bar(i["text"], i["upvotes"]["total"], top,
                                   str(lazy_ngettext("%(num)s upvote", "%(num)s upvotes", i["upvotes"]["total"]))) for i in waiting]}

    def live_state(self, s, step, *, staff):
        state = super().live_state(s, step, staff=staff)
        if staff:
            state["not_understood"] = signal_counts(s, step.id)["active"]
        return state

    def report_blocks(self, step: dict[str, Any], blocks: Blocks) -> None:
        """This step's result tables and chart in a report (see `dialogue.export.blocks`)."""
        res = step["results"]
        participants_fact(res, blocks)
        nu = res.get("not_understood") or {}
        if nu.get("presses"):
            blocks.facts.append((key_label("not_understood"), nu["presses"]))
        rows = [[i["text"], *split_cells(i["upvotes"]), _("yes") if i.get("answered") else ""]
                for i in res.get("items") or []]
        if rows:
            blocks.tables.append(Table(_("Questions"), [_("Question"), *split_columns(_("Upvotes")), _("Answered")],
                                       rows, key="results", splits=(1,)))
        ranked_bars(step, blocks, "upvotes", _("upvotes"))


@command("ask", roles=EVERYONE_WHO_WRITES)
def ask(ctx: CommandContext) -> dict:
    """Send a question (staff: one asked on paper or aloud, shown at once)."""
    step = voting.voting_step(ctx, "questions")
    text = clean_text(ctx.payload.get("text"), QUESTION_MAX)
    pending = False
    if ctx.actor.participant_id is not None:
        voting.lock_voter(ctx)
        voting.participant_item_limit(ctx, step, QUESTIONS_PER_PARTICIPANT)
        pending = bool(step.config.get("moderate"))
    item = Item(step_id=step.id, participant_id=ctx.actor.participant_id, by_staff=ctx.actor.is_staff,
                text=text, pending=pending, position=voting.next_position(ctx.s, step.id),
                table_id=ctx.table_for(step))
    ctx.s.add(item)
    ctx.s.flush()
    ctx.changed(step, tally=True)
    message = _l("Thank you. Your question is shown when the facilitator has checked it.") if pending \
        else _l("Thank you. Your question was sent.")
    return {"item_id": item.id, "pending": pending, "message": str(message)}


@command("upvote", roles=PARTICIPANTS_ONLY)
def upvote(ctx: CommandContext) -> dict:
    """Upvote another participant's question (`on` false takes the upvote back)."""
    step = voting.voting_step(ctx, "questions")
    item = voting.votable_item(ctx, step)
    participant_id = voting.lock_voter(ctx)
    if item.participant_id == participant_id:
        ctx.fail(_l("You cannot upvote your own question."))
    on = voting.clean_bool(ctx.payload.get("on", True))
    voting.set_vote(ctx.s, step, item, participant_id, 1 if on else None)
    ctx.changed(step, tally=True)
    message = _l("Upvoted.") if on else _l("Upvote taken back.")
    return {"item_id": item.id, "upvoted": on, "message": str(message)}


@command("not_understood", roles=PARTICIPANTS_ONLY)
def not_understood(ctx: CommandContext) -> dict:
    """Press (or release) "I didn't understand": the facilitator sees only the count."""
    step = voting.voting_step(ctx, "questions")
    if not step.config.get("not_understood", True):
        ctx.fail(_l("This step does not have this button."))
    participant_id = voting.lock_voter(ctx)
    on = voting.clean_bool(ctx.payload.get("on", True))
    mine = _my_signal(ctx.s, step.id, participant_id)
    if on and mine is None:
        ctx.s.add(Signal(step_id=step.id, participant_id=participant_id, kind=NOT_UNDERSTOOD))
    elif not on and mine is not None:
        mine.active = False
    ctx.changed(step, tally=True)
    message = _l("The facilitator sees that someone did not understand.") if on else _l("Taken back.")
    return {"on": on, "message": str(message)}


@command("clear_not_understood", roles=FACILITATOR_ONLY, audit=True, when=AFTERWARDS)
def clear_not_understood(ctx: CommandContext) -> dict:
    """Set the "I didn't understand" count back to zero (after explaining again)."""
    step = ctx.step()
    ctx.s.execute(update(Signal).where(Signal.step_id == step.id, Signal.kind == NOT_UNDERSTOOD)
                  .values(active=False))
    ctx.changed(tally=True)
    return {"message": str(_l("The count is back to zero."))}


@command("question_state", roles=FACILITATOR_ONLY, audit=True, when=AFTERWARDS)
def question_state(ctx: CommandContext) -> dict:
    """Mark a question answered (or not), or highlight it on the screen (one at a time)."""
    item = voting._staff_item(ctx)
    step = ctx.s.get(voting.Step, item.step_id)
    if step.kind != "questions":
        ctx.fail(_l("This step has no questions."))
    if "answered" in ctx.payload:
        item.answered = voting.clean_bool(ctx.payload.get("answered"))
        if item.answered:
            item.highlighted = False
    if "highlighted" in ctx.payload:
        on = voting.clean_bool(ctx.payload.get("highlighted"))
        if on:
            ctx.s.execute(update(Item).where(Item.step_id == step.id).values(highlighted=False))
            ctx.s.refresh(item)
        item.highlighted = on and not item.hidden
    ctx.changed(tally=True)
    return {"item_id": item.id, "answered": item.answered, "highlighted": item.highlighted}
