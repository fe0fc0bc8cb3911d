"""`poll`: single or multiple choice among the step's options (its items).

A participant's answer is one `Vote` per chosen option; answering again replaces
the whole answer in one transaction, so a single-choice poll never holds two.
"""
from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from dialogue import tables
from dialogue.activities import voting
from dialogue.activities.base import register
from dialogue.actors import PARTICIPANTS_ONLY
from dialogue.commands.core import CommandContext, command
from dialogue.export.blocks import (
    Blocks,
    Table,
    participants_fact,
    percent,
    ranked_bars,
    split_cells,
    split_columns,
)
from dialogue.synthesis import tally
from dialogue.textclean import InvalidInput, clean_int


def max_choices(step, options: int) -> int:
    if not step.config.get("multiple"):
        return 1
    return min(step.config.get("max_choices") or options, options) or 1


@register
class Poll(voting.VotingActivity):
    key = "poll"
    participant_template = "activities/poll.html"

    def label(self):
        return _l("Poll")

    def default_config(self) -> dict[str, Any]:
        return {**super().default_config(), "multiple": False, "max_choices": None}

    def clean_config(self, config):
        config = super().clean_config(config)
        if not isinstance(config["multiple"], bool):
            raise ValueError("multiple must be true or false")
        self._int_setting(config, "max_choices", 1, voting.MAX_ITEMS, optional=True)
        return config

    def my_state(self, s, step, participant_id):
        chosen = {v.item_id for v in voting.my_votes(s, step.id, participant_id)}
        options = len(voting.visible_items(s, step.id))
        return {"chosen": chosen, "multiple": bool(step.config.get("multiple")),
                "max_choices": max_choices(step, options)}

    def results(self, s, step, *, masked=True):
        counts = tally.step_counts(s, step.id)
        people = tally.participants(s, step.id)
        items = []
        for item in voting.visible_items(s, step.id):
            votes = counts.votes(item.id, 1)
            items.append({**voting.item_json(item, masked=masked), "votes": votes,
                          "share": tally.share(votes["total"], people["total"])})
        return {"multiple": bool(step.config.get("multiple")), "participants": people,
                "votes": tally.split(sum(i["votes"]["phone"] for i in items), sum(i["votes"]["staff"] for i in items)),
                "items": items}

    def screen(self, results, step):
        whole = results["participants"]["total"]
        return {"bars": [tally.bar(i["text"], i["votes"]["total"], whole,
                                   f'{i["votes"]["total"]} ({round(100 * i["share"])} %)')
                         for i in results["items"]]}

    def role_rows(self, results, counts, voters):
        rows = []
        for item in results["items"]:
            n = counts.votes(item["id"], 1)["total"]
            rows.append((item["text"], f"{percent(tally.share(n, voters))} ({n})"))
        return rows

    def role_note(self):
        return _l("Share of the group's voters (votes)")

    def report_blocks(self, step: dict[str, Any], blocks: Blocks) -> None:
        """This step's result tables and chart in a report (see `dialogue.export.blocks`)."""
        res = step["results"]
        participants_fact(res, blocks)
        rows = [[i["text"], *split_cells(i["votes"]), percent(i.get("share"))] for i in res.get("items") or []]
        if rows:
            blocks.tables.append(Table(_("Results"), [_("Option"), *split_columns(_("Votes")), _("Share of voters")],
                                       rows, key="results", splits=(1,)))
        ranked_bars(step, blocks, "votes", _("votes"))


@command("poll_vote", roles=PARTICIPANTS_ONLY)
def poll_vote(ctx: CommandContext) -> dict:
    """Answer a poll: `choice` is one option id, or a list of them in a multiple-choice poll."""
    step = voting.voting_step(ctx, "poll")
    raw = ctx.payload.get("choice")
    raw = [raw] if not isinstance(raw, list) else raw
    raw = [r for r in raw if r not in (None, "")]
    if not raw:
        ctx.fail(_l("Choose an option first."))
    try:
        ids = {clean_int(r, 1, 2**31) for r in raw[:voting.MAX_ITEMS + 1]}
    except InvalidInput:
        ctx.fail(voting.NOT_AVAILABLE)
    options = {i.id: i for i in voting.visible_items(ctx.s, step.id, tables.visible_table(ctx.actor))}
    if not ids <= set(options):
        ctx.fail(voting.NOT_AVAILABLE)
    limit = max_choices(step, len(options))
    if len(ids) > limit:
        ctx.fail(_l("Choose only one option.") if limit == 1 else _l("Choose at most %(n)s options.", n=limit))
    participant_id = voting.lock_voter(ctx)
    voting.clear_votes(ctx.s, step.id, participant_id)
    for item_id in sorted(ids):
        voting.set_vote(ctx.s, step, options[item_id], participant_id, 1)
    ctx.changed(step, tally=True)
    return {"choice": sorted(ids), "message": str(_l("Saved. Thank you!"))}
