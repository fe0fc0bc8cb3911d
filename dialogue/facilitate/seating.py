"""The console's Tables page: the tables side by side, who sits where, rounds and the harvest.

Every change is a form POST to the console's command route (seating.py commands).
"""
from __future__ import annotations

from flask import render_template
from flask_babel import get_locale
from sqlalchemy import select

from dialogue import activities, db, tables
from dialogue.facilitate import bp
from dialogue.models import Contribution, Participant
from dialogue.realtime.snapshot import join_url, step_texts
from dialogue.web.access import login_required, own_dialogue


@bp.get("/d/<int:dialogue_id>/tables")
@login_required
def tables_page(dialogue_id: int):
    """The dialogue's tables: add and rename, seat people, rounds, the screen, the harvest."""
    dialogue = own_dialogue(dialogue_id)
    s = db.session
    lang = str(get_locale())
    all_tables = tables.tables_of(s, dialogue.id)
    people = list(s.scalars(select(Participant).where(
        Participant.dialogue_id == dialogue.id, Participant.removed.is_(False)).order_by(Participant.id)))
    current = dialogue.current_step
    answers = []
    if tables.by_table(current):
        rows = s.scalars(select(Contribution).where(
            Contribution.step_id == current.id, Contribution.private.is_(False),
            Contribution.source.in_(("participant", "staff"))).order_by(Contribution.id))
        answers = tables.group_by_table(rows, lambda c: c.table_id, all_tables)
    by_table_steps = [(st, step_texts(st, lang)["title"]) for st in dialogue.steps
                      if tables.by_table(st) and activities.get(st.kind).collects_contributions]
    return render_template(
        "facilitate/tables.html", dialogue=dialogue, tables=all_tables,
        seated=tables.group_by_table(people, lambda p: p.table_id, all_tables),
        counts=tables.seat_counts(s, dialogue.id), current=current, answers=answers,
        by_table_steps=by_table_steps, base_join_url=join_url(dialogue))
