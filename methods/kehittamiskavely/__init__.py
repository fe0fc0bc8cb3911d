"""Kehittämiskävely (development walk): its report section — station by station the ratings
(distribution and mean; a criterion rated by fewer people than the small-group rule allows
shows no figures), what works, what does not, the ideas and the photos; then the prioritised
measures and their owners."""
from __future__ import annotations

from typing import Any

from flask_babel import gettext as _

from dialogue.activities.journey import feeling_labels
from dialogue.export import sections as sec


def _ratings_table(row: dict[str, Any], minimum: int) -> dict[str, Any] | None:
    labels = feeling_labels()
    rows = []
    for c in row.get("criteria") or []:
        if not c.get("count"):
            continue
        if c.get("too_few"):
            rows.append([c["name"], c["count"], *([""] * 5),
                         _("fewer than %(n)s ratings: not shown", n=minimum)])
            continue
        dist = c.get("distribution") or {}
        rows.append([c["name"], c["count"], *(dist.get(str(v), 0) for v in range(1, 6)), sec.mean_text(c.get("mean"))])
    if not rows:
        return None
    return sec.data_table(_("Ratings: %(station)s", station=row["name"]),
                          [_("Criterion"), _("Ratings"), *(f"{v} {labels[v]}" for v in range(1, 6)),
                           _("Average (1–5)")], rows)


def _station_blocks(model: dict[str, Any]) -> list[dict[str, Any]]:
    minimum = (model.get("participation") or {}).get("min_group_size") or 5
    blocks: list[dict[str, Any]] = []
    for step in sec.of_kind(model, "stations"):
        for n, row in enumerate((step.get("stations") or {}).get("stations") or [], 1):
            facts = [(_("Observations"), row.get("visits", 0))]
            if row.get("address"):
                facts.append((_("Where"), row["address"]))
            block = sec.section_block(f"{n}. {row['name']}", facts=facts, table=_ratings_table(row, minimum))
            if row.get("photos"):
                block["photos"] = [{"photo": p["photo"], "alt": _("Photo from the station %(name)s", name=row["name"])}
                                   for p in row["photos"]]
            blocks.append(block)
            for heading, key in ((_("What works"), "works"), (_("What doesn't work"), "not_works"),
                                 (_("Ideas"), "ideas")):
                if row.get(key):
                    blocks.append(sec.section_block(heading, list(row[key]), level=4))
    return blocks or [sec.section_block(_("The stations"), empty=sec.nothing())]


def report_section(model: dict[str, Any]) -> dict[str, Any] | None:
    """The walk station by station (with photos), then the measures in order of dots, with owners."""
    blocks = _station_blocks(model)
    priorities = sec.sourced_steps(model, "dots", "stations")
    blocks += sec.votes_table(priorities, _("The measures in order of priority"), _("Observation"))
    blocks += sec.action_cards(model, _("Who takes care of the measures"))
    # The walk and its priorities are told here; the details do not repeat them step by step.
    covers = [step["id"] for step in sec.of_kind(model, "stations") + priorities]
    return {"title": _("Development walk: the stations and the measures"), "blocks": blocks, "covers": covers}
