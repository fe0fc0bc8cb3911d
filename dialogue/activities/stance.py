"""`stance`: agree / disagree / pass on statements, one at a time, in each participant's
own random order.

Statements come from the facilitator's list, an earlier step, or (if allowed) the
participants themselves, moderated before others see them if the facilitator chooses.
A vote can be changed while the step is open (one `Vote` per participant and statement).
"""
from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from dialogue.activities import voting
from dialogue.activities.base import register
from dialogue.actors import PARTICIPANTS_ONLY
from dialogue.commands.core import CommandContext, command
from dialogue.export.blocks import (
    Blocks,
    Table,
    chart_ident,
    participants_fact,
    percent,
    split_cells,
    split_columns,
)
from dialogue.models import Item
from dialogue.synthesis import charts, tally
from dialogue.textclean import clean_text

AGREE, DISAGREE, PASS = 1, -1, 0
VALUES = {"agree": AGREE, "disagree": DISAGREE, "pass": PASS}
NAMES = {v: k for k, v in VALUES.items()}
STATEMENT_MAX = 280
STATEMENTS_PER_PARTICIPANT = 10


def value_labels() -> dict[int, Any]:
    return {AGREE: _l("Agree"), DISAGREE: _l("Disagree"), PASS: _l("Pass")}


@register
class Stance(voting.VotingActivity):
    key = "stance"
    participant_template = "activities/stance.html"

    def label(self):
        return _l("Agree or disagree")

    def default_config(self) -> dict[str, Any]:
        return {**super().default_config(), "allow_statements": False, "moderate_statements": True}

    def clean_config(self, config):
        config = super().clean_config(config)
        for flag in ("allow_statements", "moderate_statements"):
            if not isinstance(config[flag], bool):
                raise ValueError(f"{flag} must be true or false")
        return config

    def staff_values(self, step):
        labels = value_labels()
        return [(AGREE, str(labels[AGREE])), (DISAGREE, str(labels[DISAGREE])), (PASS, str(labels[PASS]))]

    def my_state(self, s, step, participant_id):
        items = voting.personal_order(step.id, participant_id, voting.visible_items(s, step.id))
        mine = {v.item_id: v.value for v in voting.my_votes(s, step.id, participant_id)}
        unanswered = [i for i in items if i.id not in mine]
        own_pending = list(s.scalars(select(Item).where(
            Item.step_id == step.id, Item.participant_id == participant_id, Item.pending.is_(True),
            Item.hidden.is_(False))))
        return {
            "ordered": [voting.item_json(i, masked=True) for i in items],
            "current": voting.item_json(unanswered[0], masked=True) if unanswered else None,
            "answered_count": len(items) - len(unanswered),
            "mine": {item_id: NAMES[value] for item_id, value in mine.items()},
            "own_pending": [i.text for i in own_pending],
            "value_labels": value_labels(),
        }

    def participant_context(self, s, step, actor):
        context = super().participant_context(s, step, actor)
        # One statement at a time: the results (which list every statement) wait until
        # this participant has answered them all, or voting has ended.
        if context.get("current") and not step.voting_closed:
            context["results"] = None
        return context

    def results(self, s, step, *, masked=True):
        counts = tally.step_counts(s, step.id)
        items = []
        for item in voting.visible_items(s, step.id):
            row = {**voting.item_json(item, masked=masked), "added_by_participant": item.participant_id is not None}
            for name, value in VALUES.items():
                row[name] = counts.votes(item.id, value)
            row["votes"] = counts.number(item.id)
            row["shares"] = {name: tally.share(row[name]["total"], row["votes"]["total"]) for name in VALUES}
            items.append(row)
        return {"participants": tally.participants(s, step.id), "items": items}

    def screen(self, results, step):
        labels = value_labels()
        groups = []
        for item in results["items"]:
            whole = item["votes"]["total"]
            groups.append({"title": item["text"], "bars": [
                tally.bar(str(labels[VALUES[name]]), item[name]["total"], whole,
                          f"{round(100 * item['shares'][name])} % ({item[name]['total']})")
                for name in VALUES]})
        return {"bars": [], "groups": groups}

    def report_blocks(self, step: dict[str, Any], blocks: Blocks) -> None:
        """This step's result tables and chart in a report (see `dialogue.export.blocks`)."""
        res = step["results"]
        participants_fact(res, blocks)
        items = res.get("items") or []
        rows = [[i["text"], *split_cells(i["agree"]), *split_cells(i["disagree"]), *split_cells(i["pass"]),
                 percent((i.get("shares") or {}).get("agree")), percent((i.get("shares") or {}).get("disagree"))]
                for i in items]
        if rows:
            blocks.tables.append(Table(_("Results"), [_("Statement"), *split_columns(_("Agree")),
                                                      *split_columns(_("Disagree")), *split_columns(_("Pass")),
                                                      _("Agree %"), _("Disagree %")], rows, key="results",
                                       splits=(1, 4, 7)))
        blocks.chart = charts.diverging_chart(
            [(i["text"], i["agree"]["total"], i["disagree"]["total"], i["pass"]["total"]) for i in items],
            title=step["title"], labels=(_("agree"), _("disagree"), _("pass")), ident=chart_ident(step))


@command("stance", roles=PARTICIPANTS_ONLY)
def stance(ctx: CommandContext) -> dict:
    """Agree, disagree or pass on a statement; a second answer replaces the first."""
    step = voting.voting_step(ctx, "stance")
    item = voting.votable_item(ctx, step)
    name = ctx.payload.get("vote")
    if not isinstance(name, str) or name not in VALUES:
        ctx.fail(_l("Choose agree, disagree or pass."))
    participant_id = voting.lock_voter(ctx)
    voting.set_vote(ctx.s, step, item, participant_id, VALUES[name])
    ctx.changed(step, tally=True)
    return {"item_id": item.id, "vote": name, "message": str(_l("Saved."))}


@command("add_statement", roles=PARTICIPANTS_ONLY)
def add_statement(ctx: CommandContext) -> dict:
    """A participant adds a statement for everyone to answer (moderated first if so set)."""
    step = voting.voting_step(ctx, "stance")
    if not step.config.get("allow_statements"):
        ctx.fail(_l("In this step you cannot add statements."))
    text = clean_text(ctx.payload.get("text"), STATEMENT_MAX, multiline=False)
    participant_id = voting.lock_voter(ctx)
    voting.participant_item_limit(ctx, step, STATEMENTS_PER_PARTICIPANT)
    pending = bool(step.config.get("moderate_statements", True))
    item = Item(step_id=step.id, participant_id=participant_id, text=text, pending=pending,
                position=voting.next_position(ctx.s, step.id))
    ctx.s.add(item)
    ctx.s.flush()
    ctx.changed(step, tally=True)
    message = _l("Thank you. Others see your statement when the facilitator has checked it.") if pending \
        else _l("Thank you. Your statement was added.")
    return {"item_id": item.id, "pending": pending, "message": str(message)}
