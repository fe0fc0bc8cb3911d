"""A decision-maker's helper link: their "I heard…" entries and the commitments to accept.

A decision-maker is a kind of helper (no account). Their page shows the prompt steps
written by decision-makers (the `writers` setting) and, while a commitments step is on,
its cards to accept and a form to write their own.
"""
from __future__ import annotations

from typing import Any

from dialogue import activities, db
from dialogue.actors import DECISION_MAKER
from dialogue.models import Dialogue, Helper, Step
from dialogue.realtime.snapshot import step_texts


def decision_maker_view(helper: Helper, dialogue: Dialogue, current: Step | None, lang: str) -> dict[str, Any]:
    """Template variables of templates/helpers/_decision_maker.html (empty for other helpers)."""
    view: dict[str, Any] = {"heard_steps": [], "cards_step": None, "cards": []}
    if helper.kind != DECISION_MAKER:
        return view
    view["heard_steps"] = [(s, step_texts(s, lang)["title"]) for s in dialogue.steps
                           if s.config.get("writers") == "decision_makers"]
    activity = activities.get(current.kind) if current is not None else None
    if activity is not None and activity.owners_accept:
        view["cards_step"] = current
        view.update(activity.owner_view(db.session, current))
    return view
