"""Console tools of the dialogue methods: candidate themes and follow-up meetings.

`run_extras()` gives the run view what these tools show; the follow-up route makes
a "you said – we did" meeting from a dialogue with commitments.
"""
from __future__ import annotations

from typing import Any

from flask import abort, redirect, url_for
from flask_babel import gettext as _

from .. import db
from ..actors import current_facilitator_id
from ..auth.routes import login_required
from ..candidates import candidate_steps
from ..forms_util import flash_ack
from ..followup import can_be_followed_up, create_follow_up, follow_ups_of
from ..models import Dialogue, Facilitator, Step
from .routes import bp, own_dialogue


def run_extras(dialogue: Dialogue, lang: str) -> dict[str, Any]:
    """Template variables of the run view's method tools (templates/facilitate/_method_tools.html)."""
    followed = db.session.get(Dialogue, dialogue.follows_id) if dialogue.follows_id else None
    return {
        "candidates": candidate_steps(db.session, dialogue, lang),
        # Offered once the commitments are being made (or afterwards), not while the meeting begins.
        "can_follow_up": can_be_followed_up(dialogue) and (
            dialogue.state in ("closed", "archived") or _at_commitments(dialogue)),
        "follow_ups": follow_ups_of(db.session, dialogue),
        # Only a link the facilitator may open (their own or shared with them).
        "followed": followed if followed is not None and _may_open(followed) else None,
    }


def _at_commitments(dialogue: Dialogue) -> bool:
    """Whether the current step is the first commitments step or after it."""
    current = db.session.get(Step, dialogue.current_step_id) if dialogue.current_step_id else None
    first = next((s for s in dialogue.steps if s.kind == "commitments"), None)
    return current is not None and first is not None and current.position >= first.position


def _may_open(dialogue: Dialogue) -> bool:
    from ..actors import can_run
    return can_run(current_facilitator_id(), dialogue)


@bp.post("/d/<int:dialogue_id>/follow-up")
@login_required
def follow_up(dialogue_id: int):
    """Make a follow-up meeting of this dialogue as a new draft, and open its preparation."""
    source = own_dialogue(dialogue_id)
    if not can_be_followed_up(source):
        abort(404)
    owner = db.session.get(Facilitator, current_facilitator_id())
    follow = create_follow_up(source, owner, _("Follow-up: %(title)s", title=source.title))
    flash_ack({"ok": True, "message": _("The follow-up meeting was made. It shows each commitment and its status.")})
    return redirect(url_for(".prepare", dialogue_id=follow.id), code=303)
