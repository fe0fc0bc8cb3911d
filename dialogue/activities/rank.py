"""`rank`: put the top k items in order.

The phone shows one choice list per place (1st, 2nd, ...), so ranking works with
taps, a keyboard or a screen reader; nothing needs dragging. A ballot is one `Vote`
per ranked item (value = place); a new ballot replaces the old one. Scores are
Borda points: place 1 of k gives k points, place k gives 1.
"""
from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext

from dialogue import tables
from dialogue.activities import voting
from dialogue.activities.base import register
from dialogue.actors import PARTICIPANTS_ONLY
from dialogue.commands.core import CommandContext, command
from dialogue.export.blocks import (
    Blocks,
    Table,
    participants_fact,
    ranked_bars,
    split_cells,
    split_columns,
)
from dialogue.synthesis import tally
from dialogue.textclean import InvalidInput, clean_int

MAX_K = 10


def places(step, options: int) -> int:
    """How many places a ballot has: k, or fewer when there are fewer items."""
    return max(1, min(step.config.get("k") or 3, options or 1))


def place_label(n: int) -> str:
    return str(_l("Place %(n)s", n=n))


@register
class Rank(voting.VotingActivity):
    key = "rank"
    participant_template = "activities/rank.html"

    def label(self):
        return _l("Ranking")

    def default_config(self) -> dict[str, Any]:
        return {**super().default_config(), "k": 3}

    def clean_config(self, config):
        config = super().clean_config(config)
        self._int_setting(config, "k", 1, MAX_K)
        return config

    def staff_values(self, step):
        k = step.config.get("k") or 3
        return [(n, place_label(n)) for n in range(1, k + 1)]

    def my_state(self, s, step, participant_id):
        options = len(voting.visible_items(s, step.id))
        by_place = {v.value: v.item_id for v in voting.my_votes(s, step.id, participant_id)}
        k = places(step, options)
        return {"k": k, "places": [{"n": n, "label": place_label(n), "item_id": by_place.get(n)}
                                   for n in range(1, k + 1)]}

    def results(self, s, step, *, masked=True):
        k = step.config.get("k") or 3
        counts = tally.step_counts(s, step.id)

        def points(place: int) -> int:
            return k - place + 1 if 1 <= place <= k else 0

        items = []
        for item in voting.visible_items(s, step.id):
            items.append({**voting.item_json(item, masked=masked),
                          "score": counts.weighted(item.id, weight=points),
                          "places": counts.distribution(item.id, range(1, k + 1))})
        return {"k": k, "participants": tally.participants(s, step.id), "items": items}

    def key_findings(self, s, row, step, minimum):
        """The items ranked highest (most points): the participants' priorities."""
        return voting.priority_findings(step, minimum,
                                        lambda n: str(lazy_ngettext("%(num)s point", "%(num)s points", n)))

    def screen(self, results, step):
        ranked = sorted(results["items"], key=lambda i: -i["score"]["total"])
        top = max((i["score"]["total"] for i in ranked), default=0)
        return {"bars": [tally.bar(i["text"], i["score"]["total"], top,
                                   str(lazy_ngettext("%(num)s point", "%(num)s points", i["score"]["total"]))) for i in ranked]}

    def report_blocks(self, step: dict[str, Any], blocks: Blocks) -> None:
        """This step's result tables and chart in a report (see `dialogue.export.blocks`)."""
        res = step["results"]
        participants_fact(res, blocks)
        k = int(res.get("k") or 0)
        rows = [[i["text"], *split_cells(i["score"]), *((i.get("places") or {}).get("total") or [0] * k)]
                for i in res.get("items") or []]
        if rows:
            blocks.tables.append(Table(_("Results"), [_("Item"), *split_columns(_("Points")),
                                                      *[_("Place %(n)s", n=n + 1) for n in range(k)]],
                                       rows, key="results", splits=(1,)))
        ranked_bars(step, blocks, "score", _("points"))


@command("rank", roles=PARTICIPANTS_ONLY)
def rank(ctx: CommandContext) -> dict:
    """Send a ranking: `place_1` .. `place_k` are item ids (the first place is needed)."""
    step = voting.voting_step(ctx, "rank")
    options = {i.id: i for i in voting.visible_items(ctx.s, step.id, tables.visible_table(ctx.actor))}
    k = places(step, len(options))
    chosen: list[int] = []
    gap = False
    for n in range(1, k + 1):
        raw = ctx.payload.get(f"place_{n}")
        if raw in (None, ""):
            gap = True
            continue
        if gap:
            ctx.fail(_l("Fill the places in order, starting from the first."))
        try:
            item_id = clean_int(raw, 1, 2**31)
        except InvalidInput:
            ctx.fail(voting.NOT_AVAILABLE)
        if item_id not in options:
            ctx.fail(voting.NOT_AVAILABLE)
        if item_id in chosen:
            ctx.fail(_l("Each item can be in one place only."))
        chosen.append(item_id)
    if not chosen:
        ctx.fail(_l("Choose at least the first place."))
    participant_id = voting.lock_voter(ctx)
    voting.clear_votes(ctx.s, step.id, participant_id)
    for place, item_id in enumerate(chosen, 1):
        voting.set_vote(ctx.s, step, options[item_id], participant_id, place)
    ctx.changed(step, tally=True)
    return {"ranking": chosen, "message": str(_l("Saved. Thank you!"))}
