"""`dots`: each participant spreads N dots over the items, at most M on one item.

A participant's dots on an item are one `Vote` row (value = number of dots). The
budget (N) and the per-item cap (M) are checked inside the write transaction with
the participant's row locked, so simultaneous taps can never overspend.
"""
from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext

from dialogue.activities import voting
from dialogue.activities.base import register
from dialogue.actors import PARTICIPANTS_ONLY
from dialogue.commands.core import CommandContext, command
from dialogue.synthesis import tally
from dialogue.textclean import InvalidInput, clean_int

MAX_DOTS = 50


def budget(step) -> tuple[int, int]:
    """The step's (dots per participant, most dots on one item)."""
    dots = step.config.get("dots") or 3
    cap = step.config.get("max_per_item") or dots
    return dots, min(cap, dots)


@register
class Dots(voting.VotingActivity):
    key = "dots"
    participant_template = "activities/dots.html"

    def label(self):
        return _l("Dot voting")

    def default_config(self) -> dict[str, Any]:
        return {**super().default_config(), "dots": 3, "max_per_item": None}

    def clean_config(self, config):
        config = super().clean_config(config)
        self._int_setting(config, "dots", 1, MAX_DOTS)
        self._int_setting(config, "max_per_item", 1, config["dots"], optional=True)
        return config

    def staff_values(self, step):
        return [(1, str(_l("Dots")))]

    def my_state(self, s, step, participant_id):
        dots, cap = budget(step)
        mine = {v.item_id: v.value for v in voting.my_votes(s, step.id, participant_id)}
        return {"mine": mine, "remaining": dots - sum(mine.values()), "budget": dots, "cap": cap}

    def results(self, s, step, *, masked=True):
        dots, cap = budget(step)
        counts = tally.step_counts(s, step.id)
        items = []
        for item in voting.visible_items(s, step.id):
            items.append({**voting.item_json(item, masked=masked), "dots": counts.weighted(item.id)})
        return {
            "budget": dots,
            "max_per_item": cap,
            "participants": tally.participants(s, step.id),
            "dots": tally.split(sum(i["dots"]["phone"] for i in items), sum(i["dots"]["staff"] for i in items)),
            "items": items,
        }

    def key_findings(self, s, row, step, minimum):
        """The items with the most dots: the participants' priorities."""
        return voting.priority_findings(step, minimum, lambda n: str(lazy_ngettext("%(num)s dot", "%(num)s dots", n)))

    def screen(self, results, step):
        ranked = sorted(results["items"], key=lambda i: -i["dots"]["total"])
        top = max((i["dots"]["total"] for i in ranked), default=0)
        return {"bars": [tally.bar(i["text"], i["dots"]["total"], top,
                                   str(lazy_ngettext("%(num)s dot", "%(num)s dots", i["dots"]["total"]))) for i in ranked]}


@command("dot", roles=PARTICIPANTS_ONLY)
def dot(ctx: CommandContext) -> dict:
    """Put one dot on an item (delta 1) or take one back (delta -1)."""
    step = voting.voting_step(ctx, "dots")
    item = voting.votable_item(ctx, step)
    try:
        delta = clean_int(ctx.payload.get("delta", 1), -1, 1)
    except InvalidInput:
        delta = 0
    if delta == 0:
        ctx.fail(_l("The choice is not valid."))
    participant_id = voting.lock_voter(ctx)
    dots, cap = budget(step)
    mine = voting.my_values(ctx.s, step.id, participant_id)
    used = sum(mine.values())
    now = mine.get(item.id, 0) + delta
    if now < 0:
        ctx.fail(_l("There is no dot of yours here to take back."))
    if now > cap:
        ctx.fail(lazy_ngettext("You can put at most %(num)s dot on one item.",
                               "You can put at most %(num)s dots on one item.", cap))
    if delta > 0 and used + delta > dots:
        ctx.fail(_l("You have no dots left. Take a dot back first if you want to move it."))
    voting.set_vote(ctx.s, step, item, participant_id, now or None, current=mine.get(item.id))
    remaining = dots - used - delta
    ctx.changed(step, tally=True)
    message = _l("Dot added. Dots left: %(n)s.", n=remaining) if delta > 0 else \
        _l("Dot taken back. Dots left: %(n)s.", n=remaining)
    return {"item_id": item.id, "dots": now, "remaining": remaining, "message": str(message)}
