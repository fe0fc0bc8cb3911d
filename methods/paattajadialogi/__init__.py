"""Päättäjädialogi (decision-maker dialogue): its report section. (Its follow-up meeting, "you
said – we did", is data: `follow_up` in method.json names the `seuranta` method.)"""
from __future__ import annotations

from typing import Any

from flask_babel import gettext as _

from dialogue.export import sections as sec


def report_section(model: dict[str, Any]) -> dict[str, Any] | None:
    """Questions by votes, what the decision-makers heard, commitments, clarity ratings."""
    heard = [c["text"] for s in model["steps"] if (s.get("config") or {}).get("writers") == "decision_makers"
             for c in s.get("contributions") or []]
    blocks = sec.questions_by_votes(sec.of_kind(model, "questions"))
    blocks.append(sec.section_block(_("What the decision-makers heard"), heard, empty=sec.nothing()))
    blocks += sec.commitment_blocks(model, _("Commitments"))
    blocks += sec.rating_blocks(sec.rated_steps(model, "scale", "commitments"))
    return {"title": _("Decision-maker dialogue: what was asked, heard and promised"), "blocks": blocks}
