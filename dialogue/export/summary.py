"""The plain-language parts of a report: the summary and the method's own section.

Both read the report model only (never the database), so they say exactly what
the rest of the report shows. Sentences are made in the report's language (the
caller sets the locale); they are short and plain, for participants ("this is
what we heard") and for decision-makers.
"""
from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import ngettext

from dialogue import activities, methodology
from dialogue.export.report import NOT_GIVEN, contribution_total
from dialogue.synthesis.groups import OTHER


def role_label(group: str) -> str:
    """A self-declared role group's name for people."""
    return {"resident": _("Residents and jobseekers"), "expert": _("Experts"),
            "decision_maker": _("Decision-makers"), OTHER: _("Other"),
            NOT_GIVEN: _("Not told")}.get(group, group)


def group_label(group: str) -> str:
    """A municipality group's name (the municipality itself, or other / not told)."""
    return {OTHER: _("Other"), NOT_GIVEN: _("Not told")}.get(group, group)


def summary(model: dict[str, Any]) -> dict[str, Any]:
    """Key numbers and plain-language sentences about the whole dialogue."""
    people = model["participation"]["count"]
    total = contribution_total(model)
    themes = sorted((t for t in model["themes"] if t["contributions"]), key=lambda t: -t["contributions"])[:5]
    points = [ngettext("%(num)s person took part.", "%(num)s people took part.", people)]
    if total:
        points.append(ngettext("%(num)s answer was written.", "%(num)s answers were written.", total))
    if themes:
        points.append(_("The most common themes were: %(themes)s.", themes=", ".join(
            f"{t['name']} ({t['contributions']})" for t in themes)))
    for step in model["steps"]:
        points.extend(activities.of_kind(step["kind"]).summary_points(step))
    commitments = sum(len(step.get("commitments") or []) for step in model["steps"])
    if commitments:
        points.append(ngettext("%(num)s commitment was made.", "%(num)s commitments were made.", commitments))
    return {"participants": people, "contributions": total,
            "themes": [{"name": t["name"], "contributions": t["contributions"]} for t in themes],
            "points": points}


# -- the method's own section --------------------------------------------------------

def method_section(model: dict[str, Any]) -> dict[str, Any] | None:
    """The section this dialogue's method adds to its report (its `report_section` hook), or None."""
    return methodology.hook(model["dialogue"]["method"], "report_section")(model)
