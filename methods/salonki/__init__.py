"""Salonki (salon): its report section — questions to the speakers, the table hosts' notes by
theme and table, what people take with them, and the quick poll."""
from __future__ import annotations

from typing import Any

from flask_babel import gettext as _

from dialogue.export import sections as sec


def report_section(model: dict[str, Any]) -> dict[str, Any] | None:
    """Questions by votes, table notes, take-aways and the poll."""
    blocks = sec.questions_by_votes(sec.of_kind(model, "questions"))
    blocks += sec.table_notes(model)
    blocks.append(sec.section_block(_("What people take with them"), sec.texts_under(model, "take_away"),
                                    empty=sec.nothing()))
    blocks += sec.poll_blocks(sec.of_kind(model, "poll"))
    return {"title": _("Salon: questions, table conversations and take-aways"), "blocks": blocks}
