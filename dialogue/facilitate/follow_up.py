"""Follow-up meetings from the console: the run view's panel and the route that makes one.

Which meeting follows which is the method's to say (`follow_up_method` hook); this page
only offers it and links the meetings both ways.
"""
from __future__ import annotations

from typing import Any

from flask import abort, redirect, url_for
from flask_babel import gettext as _

from dialogue import activities, db
from dialogue.actors import can_run, current_facilitator_id
from dialogue.commands.dialogues import (
    create_follow_up,
    follow_up_method,
    follow_ups_of,
)
from dialogue.facilitate import bp
from dialogue.models import Dialogue, Facilitator
from dialogue.web.access import login_required, own_dialogue
from dialogue.web.forms import flash_ack


def follow_up_context(dialogue: Dialogue) -> dict[str, Any]:
    """Template variables of templates/facilitate/_follow_up.html."""
    followed = db.session.get(Dialogue, dialogue.follows_id) if dialogue.follows_id else None
    return {
        "can_follow_up": follow_up_method(dialogue) is not None and _commitments_reached(dialogue),
        "follow_ups": follow_ups_of(db.session, dialogue),
        # Only a link the facilitator may open (their own or shared with them).
        "followed": followed if followed is not None and can_run(current_facilitator_id(), followed) else None,
        # A series as one line of meetings; a meeting the facilitator may open is a link.
        "series": [{"meeting": m, "link": can_run(current_facilitator_id(), m)} for m in series_of(dialogue)],
    }


def series_of(dialogue: Dialogue) -> list[Dialogue]:
    """The meetings of this one's series in order (each follows the one before and is of the
    same method: a partnership table's meetings), or [] when it is a single meeting."""
    earlier: list[Dialogue] = []
    current = dialogue
    while current.follows_id and len(earlier) < 50:
        before = db.session.get(Dialogue, current.follows_id)
        if before is None or before.method != dialogue.method or before in earlier:
            break
        earlier.insert(0, before)
        current = before
    later: list[Dialogue] = []
    current = dialogue
    while len(later) < 50:
        after = next((f for f in follow_ups_of(db.session, current) if f.method == dialogue.method), None)
        if after is None or after in later:
            break
        later.append(after)
        current = after
    series = [*earlier, dialogue, *later]
    return series if len(series) > 1 else []


def _commitments_reached(dialogue: Dialogue) -> bool:
    """Offered once commitments are being made (or afterwards), not while the meeting begins."""
    if dialogue.has_ended:
        return True
    current = dialogue.current_step
    first = next((s for s in dialogue.steps if activities.get(s.kind).owners_accept), None)
    return current is not None and first is not None and current.position >= first.position


@bp.post("/d/<int:dialogue_id>/follow-up")
@login_required
def follow_up(dialogue_id: int):
    """Make the meeting that follows this dialogue as a new draft, and open its preparation."""
    source = own_dialogue(dialogue_id)
    owner = db.session.get(Facilitator, current_facilitator_id())
    follow = create_follow_up(source, owner, _("Follow-up: %(title)s", title=source.title))
    if follow is None:
        abort(404)
    flash_ack({"ok": True, "message": _("The follow-up meeting was made. It shows each commitment and its status.")})
    return redirect(url_for(".prepare", dialogue_id=follow.id), code=303)
