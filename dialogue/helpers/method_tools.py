"""What the dialogue methods add to a helper's page: candidate themes for a scribe, and a
decision-maker's own view (their "I heard…" entries and the commitments to accept)."""
from __future__ import annotations

from typing import Any

from .. import db
from ..activities import commitments
from ..candidates import candidate_steps
from ..models import Dialogue, Helper, Step
from ..state import step_texts


def helper_extras(helper: Helper, dialogue: Dialogue, current: Step | None, lang: str) -> dict[str, Any]:
    """Template variables of templates/helpers/_method_tools.html."""
    extras: dict[str, Any] = {"candidates": [], "heard_steps": [], "cards_step": None, "cards": []}
    if helper.kind != "decision_maker":
        extras["candidates"] = candidate_steps(db.session, dialogue, lang)
        return extras
    extras["heard_steps"] = [(s, step_texts(s, lang)["title"]) for s in dialogue.steps
                             if s.kind == "prompt" and s.config.get("writers") == "decision_makers"]
    if current is not None and current.kind == "commitments":
        extras["cards_step"] = current
        extras["cards"] = [commitments.card_json(c, masked=False) for c in commitments.cards(db.session, current)]
        extras["status_labels"] = commitments.status_labels()
    return extras
