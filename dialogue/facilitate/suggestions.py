"""The console's theme suggestions: which theme each text without one might belong to, and
new themes for what no theme covers. Shown with the reasons; applied only when staff accept."""
from __future__ import annotations

from flask import render_template, request
from sqlalchemy import select

from dialogue import db
from dialogue.commands.themes import MAX_BATCH, themes_of
from dialogue.facilitate import bp
from dialogue.models import Contribution
from dialogue.synthesis.offload import off_loop
from dialogue.synthesis.theme_view import prepare, propose
from dialogue.web.access import login_required, own_dialogue

# At most this many texts are looked at in one go (the benchmark's 2,000 take seconds).
MAX_TEXTS = 2000
# A theme learns from at most this many of the texts already put in it.
MAX_EXAMPLES = 200


@bp.get("/d/<int:dialogue_id>/suggestions")
@login_required
def theme_suggestions(dialogue_id: int):
    """Suggested themes for the visible texts and staff notes that have none yet."""
    dialogue = own_dialogue(dialogue_id)
    here = request.full_path.rstrip("?")
    if not prepare(dialogue.language):
        return render_template("facilitate/suggestions.html", dialogue=dialogue, found=None, here=here)
    visible = (Contribution.dialogue_id == dialogue.id, Contribution.private.is_(False),
               Contribution.hidden.is_(False))
    rows = db.session.execute(select(Contribution.id, Contribution.text).where(
        *visible, Contribution.theme_id.is_(None)).order_by(Contribution.id).limit(MAX_TEXTS + 1)).all()
    themes = themes_of(db.session, dialogue.id)
    examples: dict[int, list[str]] = {}
    for theme_id, text in db.session.execute(select(Contribution.theme_id, Contribution.text).where(
            *visible, Contribution.theme_id.is_not(None)).order_by(Contribution.id.desc())):
        if len(examples.setdefault(theme_id, [])) < MAX_EXAMPLES:
            examples[theme_id].append(text)
    contributions = [(r.id, r.text) for r in rows[:MAX_TEXTS] if r.text and r.text.strip()]
    # Plain data in and out: the work runs in a real thread, away from live voting.
    found = off_loop(propose, contributions, [(t.id, t.name) for t in themes], examples, dialogue.language)
    for group in found["targets"] + found["new"]:
        group["items"] = group["items"][:MAX_BATCH]
    return render_template("facilitate/suggestions.html", dialogue=dialogue, found=found,
                           truncated=len(rows) > MAX_TEXTS, here=here)
