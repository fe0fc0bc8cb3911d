"""Palvelumuotoilu (service design workshop): its report section — the journey map as a picture,
the prioritised pain points, the ideas (concepts) with their ratings on useful and doable, and
the action plan."""
from __future__ import annotations

from typing import Any

from flask_babel import gettext as _

from dialogue.activities.journey import journey_chart
from dialogue.export import sections as sec


def _journey_blocks(model: dict[str, Any]) -> list[dict[str, Any]]:
    blocks = []
    for step in sec.of_kind(model, "journey"):
        rows = (step.get("journey") or {}).get("stages") or []
        chart = journey_chart(rows, step["title"], ident=f"method-journey-{step['id']}")
        table = sec.data_table(_("The service path"), [_("Stage"), _("Pain points"), _("Good moments"),
                                                       _("Average feeling (1–5)")],
                               [[r["name"], r["pain_count"], r["good_count"], sec.mean_text(r.get("mean_feeling"))]
                                for r in rows])
        block = sec.section_block(_("The journey map"), table=table)
        block["picture"] = {"svg": chart.svg, "alt": chart.alt, "width": chart.width, "height": chart.height}
        blocks.append(block)
    return blocks or [sec.section_block(_("The journey map"), empty=sec.nothing())]


def report_section(model: dict[str, Any]) -> dict[str, Any] | None:
    """Journey map, prioritised pain points, concepts with ratings, action plan."""
    blocks = _journey_blocks(model)
    blocks += sec.votes_table(sec.sourced_steps(model, "dots", "journey"), _("The most important pain points"),
                              _("Pain point"))
    blocks += sec.votes_table(sec.sourced_steps(model, "dots", "prompt"), _("The best ideas"), _("Idea"))
    blocks += sec.concept_ratings(sec.sourced_steps(model, "scale", "prompt"), _("Ideas rated: useful and doable"))
    blocks += sec.action_cards(model, _("Action plan"))
    return {"title": _("Service design: the journey map and the action plan"), "blocks": blocks}
