"""The console's live opinion groups of a stance step (the Pol.is picture while voting runs).

The groups are computed off the event loop and at most a few times a minute per step
(`Stance.live_opinion_groups`), however often staff reload: forty phones voting must
never wait for the maths.
"""
from __future__ import annotations

import time

from flask import abort, render_template
from flask_babel import gettext as _

from dialogue import activities, db
from dialogue.facilitate import bp
from dialogue.realtime.snapshot import step_texts
from dialogue.synthesis import charts
from dialogue.web.access import login_required, own_step


@bp.get("/d/<int:dialogue_id>/steps/<int:step_id>/opinion-groups")
@login_required
def opinion_groups(dialogue_id: int, step_id: int):
    """Opinion groups and common ground of a stance step, updated while voting runs."""
    dialogue, step = own_step(dialogue_id, step_id)
    activity = activities.get(step.kind)
    if not hasattr(activity, "live_opinion_groups"):
        abort(404)
    found, computed = activity.live_opinion_groups(db.session, step)
    picture = None
    if found:
        alt = "; ".join(_("group %(label)s, %(n)s people", label=g["label"], n=g["size"]) for g in found["groups"])
        picture = charts.group_map([(g["label"], g["size"], g["x"], g["y"]) for g in found["groups"]],
                                   title=_("Opinion groups"), alt=alt, ident=f"groups-{step.id}")
    return render_template("facilitate/opinion_groups.html", dialogue=dialogue, step=step, found=found,
                           title=step_texts(step, dialogue.language)["title"], picture=picture,
                           computed=time.strftime("%H:%M:%S", time.localtime(computed)),
                           refresh=activity.refresh_seconds, on_screen=bool(step.config.get("show_opinion_groups")))
