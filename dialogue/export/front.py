"""The front page of every report: what a decision-maker reads in two minutes.

The dialogue's facts (what, when, where, who took part as groups, how many), the
approved key findings (each with what it rests on) and the commitments; the details
follow. `detail_steps` says which steps the details show: setup texts (a welcome,
the ground rules) and steps nobody answered stay out, and so do zero counts. Every
renderer reads these, so the HTML, PDF, Word and spreadsheet reports lead the same way.
Like the rest of the export, this reads the report model only (call in its locale).
"""
from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import ngettext

from dialogue import activities
from dialogue.export.blocks import Blocks, Table
from dialogue.export.sections import due_label
from dialogue.export.summary import role_label
from dialogue.synthesis.findings import basis_text


def groups_text(participation: dict[str, Any]) -> str:
    """Who took part, as the groups the small-group rule lets us show: "Residents 5, other 7"."""
    groups = participation["by_role"]["groups"]
    if not groups:
        return ""
    return ", ".join(f"{role_label(g['group'])} {g['count']}" for g in groups)


def front_facts(model: dict[str, Any]) -> list[tuple[str, Any]]:
    """The dialogue's facts for the front page, leaving out what is not known."""
    d = model["dialogue"]
    people = model["participation"]["count"]
    facts = [(_("Topic"), d["topic"]), (_("Method"), d["method_label"]),
             (_("Date"), d["date"] or (d["created_at"] or "")[:10]), (_("Place"), d["place"]),
             (_("Municipality"), d["municipality"]), (_("Organiser"), d["organiser"]),
             (_("Participants"), people or ""), (_("Who took part"), groups_text(model["participation"]))]
    return [(label, value) for label, value in facts if value not in ("", None)]


def commitments(model: dict[str, Any]) -> list[dict[str, Any]]:
    """Every commitment card of the dialogue, in step order."""
    # Deadlines as the report's language writes dates (d.m.yyyy in Finnish); JSON keeps ISO dates.
    return [{**c, "due": due_label(c.get("due"))} for step in model["steps"] for c in step.get("commitments") or []]


def front_page(model: dict[str, Any]) -> dict[str, Any]:
    """The front page: facts, key findings (approved only, each with its basis as text), commitments."""
    return {
        "facts": front_facts(model),
        "findings": [{**f, "basis_text": basis_text(f.get("basis"))} for f in model.get("findings") or []],
        "commitments": commitments(model),
    }


def readable_facts(facts: list[tuple[str, Any]]) -> list[tuple[str, Any]]:
    """Facts without zero counts (a reader learns nothing from "Acknowledged: 0")."""
    return [(label, value) for label, value in facts if value not in (0, "0", 0.0, "", None)]


def detail_steps(model: dict[str, Any]) -> list[dict[str, Any]]:
    """The steps the report's details show, in order: each activity says (`in_report`), and a
    step the method's own section already tells (its `covers`) is not told twice."""
    covered = set((model.get("method_section") or {}).get("covers") or ())
    return [step for step in model["steps"]
            if step["id"] not in covered and activities.of_kind(step["kind"]).in_report(step)]


def _only_zeros(row: list[Any]) -> bool:
    counts = [cell for cell in row[1:] if cell not in ("", None)]
    return bool(counts) and all(isinstance(c, (int, float)) and not isinstance(c, bool) and c == 0 for c in counts)


def without_zero_rows(table: Table) -> Table:
    """A table for reading without its rows of only zeros (an option nobody chose), saying how
    many were left out; the spreadsheet formats keep every row."""
    kept = [row for row in table.rows if not _only_zeros(row)]
    left_out = len(table.rows) - len(kept)
    if not left_out or not kept:
        return table
    caption = table.caption + " – " + ngettext("%(num)s row with only zeros left out",
                                                "%(num)s rows with only zeros left out", left_out)
    return Table(caption, table.columns, kept, key=table.key, splits=table.splits)


def reading_blocks(blocks: Blocks) -> Blocks:
    """A step's blocks for reading (HTML, PDF, Word): zero facts and rows of zeros left out."""
    return Blocks(facts=readable_facts(blocks.facts), tables=[without_zero_rows(t) for t in blocks.tables],
                  chart=blocks.chart,
                  more_charts=blocks.more_charts, words_chart=blocks.words_chart)
