"""The plain-language parts of a report: the summary and the method's own section.

Both read the report model only (never the database), so they say exactly what
the rest of the report shows. Sentences are made in the report's language (the
caller sets the locale); they are short and plain, for participants ("this is
what we heard") and for decision-makers.
"""
from __future__ import annotations

from typing import Any, Callable

from flask_babel import gettext as _, ngettext

from .report import OTHER, NOT_GIVEN, contribution_total

TOP = 3


def role_label(group: str) -> str:
    """A self-declared role group's name for people."""
    return {"resident": _("Residents and jobseekers"), "expert": _("Experts"),
            "decision_maker": _("Decision-makers"), OTHER: _("Other"),
            NOT_GIVEN: _("Not told")}.get(group, group)


def group_label(group: str) -> str:
    """A municipality group's name (the municipality itself, or other / not told)."""
    return {OTHER: _("Other"), NOT_GIVEN: _("Not told")}.get(group, group)


def _main_count(item: dict[str, Any]) -> tuple[str, float] | None:
    """The first count of a result item (e.g. its dots) as (key, total)."""
    for key, value in item.items():
        if isinstance(value, dict) and "total" in value and "phone" in value:
            return key, value["total"]
    return None


def top_items(step: dict[str, Any], k: int = TOP) -> list[tuple[str, float, str]]:
    """The items of a voting step with the most support: (text, total, what was counted)."""
    results = step.get("results")
    if not isinstance(results, dict) or step["kind"] == "feedback":
        return []
    scored = []
    for item in results.get("items") or []:
        main = _main_count(item)
        if main and main[1]:
            scored.append((item.get("text", ""), main[1], main[0]))
    return sorted(scored, key=lambda t: -t[1])[:k]


def _feedback_sentences(step: dict[str, Any]) -> list[str]:
    out = []
    for q in step["results"]["questions"]:
        if not q["count"]:
            continue
        high = sum(q["distribution"]["total"][3:])
        out.append(_("“%(question)s” %(share)s %% answered 4 or 5 (mean %(mean)s, %(n)s answers).",
                     question=q["text"].rstrip("."), share=round(100 * high / q["count"]),
                     mean=f"{q['mean']:.1f}", n=q["count"]))
    return out


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
        top = top_items(step, 1)
        if top:
            text, value, what = top[0]
            points.append(_("In “%(step)s” the most support went to “%(item)s” (%(n)s).",
                            step=step["title"], item=text, n=f"{value:g}"))
        if step["kind"] == "feedback":
            points.extend(_feedback_sentences(step))
    commitments = sum(len(step.get("commitments") or []) for step in model["steps"])
    if commitments:
        points.append(ngettext("%(num)s commitment was made.", "%(num)s commitments were made.", commitments))
    return {"participants": people, "contributions": total,
            "themes": [{"name": t["name"], "contributions": t["contributions"]} for t in themes],
            "points": points}


# -- the method's own section --------------------------------------------------------

def _commitment_list(model: dict[str, Any]) -> dict[str, Any] | None:
    """Methods that end in responsibilities: who takes responsibility for what, by when."""
    cards = [c for s in model["steps"] for c in s.get("commitments") or []]
    if not cards:
        return None
    items = [" – ".join(x for x in (c["text"], c.get("who", ""), c.get("due", "")) if x) for c in cards]
    return {"title": _("Who takes responsibility for what"),
            "blocks": [{"heading": _("Commitments"), "items": items}]}


METHOD_SECTIONS: dict[str, Callable[[dict[str, Any]], dict[str, Any] | None]] = {
    # eratauko, paattajadialogi, seuranta and salonki: method_sections.py (imported below).
    "kumppanuuspoyta": _commitment_list,
    "kansalaisraati": _commitment_list,
    "kehittamiskavely": _commitment_list,
    "palvelumuotoilu": _commitment_list,
}


def method_section(model: dict[str, Any]) -> dict[str, Any] | None:
    """The section this dialogue's method adds to its report, or None."""
    builder = METHOD_SECTIONS.get(model["dialogue"]["method"])
    return builder(model) if builder else None


from . import method_sections  # noqa: E402,F401  (the spoken dialogue methods add their sections)
