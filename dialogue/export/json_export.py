"""The complete JSON export of a dialogue: the report model itself (see docs/export.md).

Every export validates against `docs/export.schema.json`. Hidden contributions and
private notes are left out, personal data is masked, and no row says who wrote or
voted what.
"""
from __future__ import annotations

import json
from typing import Any

from sqlalchemy.orm import Session

from dialogue.export.report import SCHEMA, build_report
from dialogue.models import Dialogue

__all__ = ["SCHEMA", "export_dialogue", "render_json"]


def export_dialogue(s: Session, dialogue: Dialogue) -> dict[str, Any]:
    """The whole dialogue as one JSON-ready document (the report model)."""
    return build_report(s, dialogue)


def render_json(model: dict[str, Any]) -> bytes:
    """The report model as UTF-8 JSON text."""
    return json.dumps(model, ensure_ascii=False, indent=2).encode("utf-8")
