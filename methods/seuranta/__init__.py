"""Seuranta: the follow-up meeting of a päättäjädialogi ("you said – we did"). Its commitments
step (`follow_up: true`) shows and updates the followed dialogue's cards, and its rating step
rates how each went; its report says what became of each commitment."""
from __future__ import annotations

from typing import Any

from flask_babel import gettext as _

from dialogue.export import sections as sec


def report_section(model: dict[str, Any]) -> dict[str, Any] | None:
    """Each commitment's status, and how residents rated the way it was kept."""
    blocks = sec.commitment_blocks(model, _("Commitments and their status"))
    blocks += sec.rating_blocks(sec.rated_steps(model, "scale", "commitments"))
    return {"title": _("You said – we did"), "blocks": blocks}
