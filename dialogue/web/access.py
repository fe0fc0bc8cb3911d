"""Who may open a console page: the login check and the dialogues a facilitator may run.

Shared by the blueprints that serve facilitators (console, reports), so none of them
imports another blueprint's routes.
"""
from __future__ import annotations

from functools import wraps

from flask import abort, redirect, request, url_for

from dialogue import db
from dialogue.actors import can_run, current_facilitator_id
from dialogue.models import Dialogue, Step


def login_required(view):
    """Send anyone not logged in to the login page."""
    @wraps(view)
    def wrapped(*args, **kwargs):
        if current_facilitator_id() is None:
            return redirect(url_for("auth.login", next=request.path))
        return view(*args, **kwargs)
    return wrapped


def own_dialogue(dialogue_id: int) -> Dialogue:
    """The dialogue, if the logged-in facilitator owns or co-facilitates it; else 404."""
    dialogue = db.session.get(Dialogue, dialogue_id)
    if dialogue is None or not can_run(current_facilitator_id(), dialogue):
        abort(404)  # 404, not 403: do not reveal that someone else's dialogue exists
    return dialogue


def own_step(dialogue_id: int, step_id: int) -> tuple[Dialogue, Step]:
    """The dialogue (as `own_dialogue`) and one of its steps; 404 for a step of another dialogue."""
    dialogue = own_dialogue(dialogue_id)
    step = db.session.get(Step, step_id)
    if step is None or step.dialogue_id != dialogue.id:
        abort(404)
    return dialogue, step
