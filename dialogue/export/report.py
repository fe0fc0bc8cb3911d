"""The report model of a dialogue: the one source of every export format.

`build_report()` reads a dialogue once and returns plain JSON-ready data: metadata,
participation (small groups suppressed), the key findings staff approved (never the
drafts: see synthesis/findings.py), then every step in order with its texts,
its visible contributions, its results (each activity's `export()` part), word
counts for open questions, a plain-language summary and the method's own section.
The JSON export *is* this model; HTML, PDF, DOCX, XLSX and CSV render it and hold
no content logic of their own.

What the model promises, whatever the format:
- hidden contributions and private notes are left out (the activities' exports do that);
- personal data (identity codes, phone numbers, e-mail addresses) is masked in every
  text, also in texts staff wrote (step texts, theme names, metadata);
- nobody's votes are included, only totals;
- a self-declared group (role, municipality) smaller than the minimum size is not
  shown on its own: it is merged into "other", or left out if "other" is small too.
"""
from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from flask_babel import force_locale
from sqlalchemy import select
from sqlalchemy.orm import Session

from dialogue import activities, methodology, placeholders, tables
from dialogue.models import Dialogue, Participant, Step, Theme
from dialogue.realtime.snapshot import iso, step_texts
from dialogue.synthesis import pii
from dialogue.synthesis.by_table import step_by_table
from dialogue.synthesis.groups import NOT_GIVEN, OTHER, min_group_size, suppress_small_groups
from dialogue.synthesis.words import word_counts

SCHEMA = "osuva.dialogue/1"
WORD_LIMIT = 40


def participation(s: Session, dialogue: Dialogue, minimum: int | None = None) -> dict[str, Any]:
    """How many took part, and by self-declared role and municipality (small groups suppressed)."""
    minimum = minimum or min_group_size()
    rows = s.execute(select(Participant.role, Participant.municipality).where(
        Participant.dialogue_id == dialogue.id, Participant.removed.is_(False))).all()
    roles = Counter((role or NOT_GIVEN) for role, _ in rows)
    places = Counter((place or NOT_GIVEN) for _, place in rows)
    return {
        "count": len(rows),
        "min_group_size": minimum,
        "by_role": suppress_small_groups(dict(roles), minimum),
        "by_municipality": suppress_small_groups(dict(places), minimum),
    }


def _shown_role(role: str | None, by_role: dict[str, Any]) -> str | None:
    """A contribution's author role as far as the groups shown allow (else None)."""
    if not role:
        return None
    shown = {g["group"] for g in by_role["groups"]}
    if role in shown:
        return role
    return OTHER if OTHER in shown else None


def _texts_masked(texts: dict[str, Any]) -> dict[str, Any]:
    """Step texts for readers: personal data masked, the facilitator's placeholders left out."""
    return {lang: {k: pii.mask(v) if isinstance(v, str) else v for k, v in placeholders.public(t or {}).items()}
            for lang, t in (texts or {}).items()}


def _step(s: Session, step: Step, lang: str, themes: dict[int, str], by_role: dict[str, Any]) -> dict[str, Any]:
    activity = activities.get(step.kind)
    part = dict(activity.export(s, step))
    table_names = {i: pii.mask(name) for i, name in tables.table_names(s, step.dialogue_id).items()}
    text_lang = step.dialogue.language or "fi"
    texts = placeholders.public(step_texts(step, lang))
    out: dict[str, Any] = {
        "id": step.id,
        "position": step.position,
        "number": step.position + 1,
        "kind": step.kind,
        "kind_label": str(activity.label()),
        "title": pii.mask(texts["title"]),
        "body": pii.mask(texts["body"]),
        "texts": _texts_masked(step.texts),
        "config": pii.mask_all(step.config),
        "minutes": step.minutes,
    }
    contributions = part.pop("contributions", None)
    if contributions is not None:
        for c in contributions:
            c["text"] = pii.mask(c["text"])  # the activities mask; masking twice is harmless
            if "author_role" in c:
                c["author_role"] = _shown_role(c["author_role"], by_role)
            c["theme"] = themes.get(c.get("theme_id")) if c.get("theme_id") else None
            if c.get("table_id"):
                c["table"] = table_names.get(c["table_id"], "")
        out["contributions"] = contributions
        out["words"] = [{"word": w, "count": n} for w, n in
                        # People wrote in the dialogue's language, whatever the report's.
                        word_counts((c["text"] for c in contributions), text_lang, WORD_LIMIT)]
    out.update(part)
    by_table = step_by_table(s, step)
    if by_table is not None:
        out["tables"] = by_table
    return out


def contribution_groups(step: dict[str, Any]) -> list[dict[str, Any]]:
    """A step's contributions grouped by theme (in theme order), ungrouped ones last.

    Without any themes the result is one group with `theme` None.
    """
    groups: dict[Any, dict[str, Any]] = {}
    for c in step.get("contributions") or []:
        key = c.get("theme") or None
        groups.setdefault(key, {"theme": key, "contributions": []})["contributions"].append(c)
    named = sorted((g for k, g in groups.items() if k), key=lambda g: (-len(g["contributions"]), g["theme"]))
    return named + ([groups[None]] if None in groups else [])


def _method_name(dialogue: Dialogue, lang: str) -> str:
    method = methodology.get(dialogue.method)
    return method.name(lang) if method else dialogue.method


def build_report(s: Session, dialogue: Dialogue, *, lang: str | None = None,
                 minimum: int | None = None) -> dict[str, Any]:
    """The report model of `dialogue` (JSON-ready; see docs/export.md), in `lang`
    (default: the dialogue's language) whatever the language of the request."""
    lang = lang or dialogue.language or "fi"
    with force_locale(lang):
        return _build(s, dialogue, lang, minimum)


def _build(s: Session, dialogue: Dialogue, lang: str, minimum: int | None) -> dict[str, Any]:
    from dialogue.commands.findings import export_findings
    from dialogue.export.summary import (  # the plain-language parts read the model
        method_section,
        summary,
    )
    method = methodology.get(dialogue.method)
    theme_rows = list(s.scalars(select(Theme).where(Theme.dialogue_id == dialogue.id).order_by(Theme.id)))
    themes = {t.id: pii.mask(t.name) for t in theme_rows}
    people = participation(s, dialogue, minimum)
    steps = [_step(s, step, lang, themes, people["by_role"]) for step in dialogue.steps]
    theme_counts = Counter(c["theme_id"] for st in steps for c in st.get("contributions") or [] if c.get("theme_id"))
    model: dict[str, Any] = {
        "schema": SCHEMA,
        "generated_at": dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat(),
        "language": lang,
        "dialogue": {
            "id": dialogue.id,
            "title": pii.mask(dialogue.title),
            "topic": pii.mask(dialogue.topic or ""),
            "method": dialogue.method,
            "method_label": _method_name(dialogue, lang),
            "method_name": method.names if method else None,
            "language": dialogue.language,
            "state": dialogue.state,
            "municipality": dialogue.municipality or "",
            "place": pii.mask(dialogue.place or ""),
            "date": iso(dialogue.date),
            "organiser": pii.mask(dialogue.organiser or ""),
            "created_at": iso(dialogue.created_at),
            "closed_at": iso(dialogue.closed_at),
            "demo": dialogue.is_demo,
        },
        "participation": people,
        "themes": [{"id": t.id, "name": themes[t.id], "key": t.key, "contributions": theme_counts.get(t.id, 0)}
                   for t in theme_rows],
        "steps": steps,
        "notes": _notes(s, dialogue, themes),
        # Only the key findings staff approved: drafts never leave the console.
        "findings": export_findings(s, dialogue.id),
    }
    model["summary"] = summary(model)
    model["method_section"] = method_section(model)
    return model


def _notes(s: Session, dialogue: Dialogue, themes: dict[int, str]) -> list[dict[str, Any]]:
    """Staff notes (scribe, table host) of every step, masked, with their theme's name."""
    from dialogue.activities.notes import export_notes
    notes = export_notes(s, dialogue.id)
    for n in notes:
        n["theme"] = themes.get(n["theme_id"]) if n.get("theme_id") else None
    return notes


def contribution_total(model: dict[str, Any]) -> int:
    """How many visible contributions the report holds over all steps."""
    return sum(len(st.get("contributions") or []) for st in model["steps"])



def step_report(s: Session, step: Step, *, lang: str | None = None) -> dict[str, Any]:
    """One step of the report model alone (for its chart on the screen and in the console)."""
    dialogue = s.get(Dialogue, step.dialogue_id)
    lang = lang or dialogue.language or "fi"
    with force_locale(lang):
        themes = {t.id: pii.mask(t.name) for t in s.scalars(select(Theme).where(Theme.dialogue_id == dialogue.id))}
        return _step(s, step, lang, themes, participation(s, dialogue)["by_role"])
