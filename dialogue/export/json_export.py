"""The complete JSON export of a dialogue (schema-versioned; see docs/export.md).

Hidden contributions and private notes are left out, personal data is masked, and
no row says who wrote or voted what.
"""
from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from .. import activities, methods
from ..models import Dialogue
from ..state import iso, participant_count

SCHEMA = "osuva.dialogue/1"


def export_dialogue(s: Session, dialogue: Dialogue) -> dict[str, Any]:
    """The whole dialogue as one JSON-ready document."""
    method = methods.get(dialogue.method)
    steps = []
    for step in dialogue.steps:
        activity = activities.get(step.kind)
        steps.append({
            "id": step.id,
            "position": step.position,
            "kind": step.kind,
            "texts": step.texts,
            "config": step.config,
            **activity.export(s, step),
        })
    return {
        "schema": SCHEMA,
        "dialogue": {
            "id": dialogue.id,
            "title": dialogue.title,
            "topic": dialogue.topic,
            "method": dialogue.method,
            "method_name": method.names if method else None,
            "language": dialogue.language,
            "state": dialogue.state,
            "municipality": dialogue.municipality,
            "place": dialogue.place,
            "date": iso(dialogue.date),
            "organiser": dialogue.organiser,
            "created_at": iso(dialogue.created_at),
        },
        "participants": participant_count(s, dialogue.id),
        "steps": steps,
    }
