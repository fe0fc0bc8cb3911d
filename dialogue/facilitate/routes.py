"""Console routes. Every route checks that the facilitator may run this dialogue."""
from __future__ import annotations

import json

from flask import Blueprint, Response, abort, redirect, render_template, request, url_for
from flask_babel import get_locale
from sqlalchemy import or_, select

from .. import activities, db, methods
from ..actors import can_run, current_facilitator_id, facilitator_actor
from ..auth.routes import login_required
from ..commands import dispatch
from ..dialogues import create_dialogue
from ..export.json_export import export_dialogue
from ..forms_util import flash_ack, payload_from_form
from ..models import Dialogue, DialogueShare, Facilitator, Step
from ..state import join_url, live_state
from .forms import NewDialogueForm

bp = Blueprint("facilitate", __name__, url_prefix="/console")


def own_dialogue(dialogue_id: int) -> Dialogue:
    """The dialogue, if the logged-in facilitator owns or co-facilitates it; else 404."""
    dialogue = db.session.get(Dialogue, dialogue_id)
    if dialogue is None or not can_run(current_facilitator_id(), dialogue):
        abort(404)  # 404, not 403: do not reveal that someone else's dialogue exists
    return dialogue


@bp.get("/")
@login_required
def dashboard():
    """The facilitator's dialogues, newest first, and a form to start a new one."""
    fid = current_facilitator_id()
    shared = select(DialogueShare.dialogue_id).where(DialogueShare.facilitator_id == fid)
    dialogues = db.session.scalars(select(Dialogue).where(
        or_(Dialogue.owner_id == fid, Dialogue.id.in_(shared))).order_by(Dialogue.id.desc())).all()
    return render_template("facilitate/dashboard.html", dialogues=dialogues)


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new_dialogue():
    """Create a dialogue from a method, seeing each method's description first."""
    lang = str(get_locale())
    form = NewDialogueForm()
    form.method.choices = [(m.key, m.name(lang)) for m in methods.REGISTRY.values()]
    if form.validate_on_submit():
        owner = db.session.get(Facilitator, current_facilitator_id())
        dialogue = create_dialogue(owner, form.method.data, form.title.data.strip(), form.language.data)
        return redirect(url_for(".run", dialogue_id=dialogue.id))
    return render_template("facilitate/new.html", form=form, methods=methods.REGISTRY, lang=lang), \
        400 if form.errors else 200


@bp.get("/d/<int:dialogue_id>")
@login_required
def run(dialogue_id: int):
    """The run view: steps, the current step, its wall, the screen's mode."""
    dialogue = own_dialogue(dialogue_id)
    state = live_state(db.session, dialogue, staff=True, lang=str(get_locale()))
    step = db.session.get(Step, dialogue.current_step_id) if dialogue.current_step_id else None
    activity = activities.get(step.kind) if step else None
    return render_template("facilitate/run.html", dialogue=dialogue, state=state,
                           join_url=join_url(dialogue), step=step, activity=activity,
                           staff=activity.staff_context(db.session, step) if activity else {})


@bp.post("/d/<int:dialogue_id>/act")
@login_required
def act(dialogue_id: int):
    """Every console write without JavaScript: the same commands as the socket events."""
    dialogue = own_dialogue(dialogue_id)
    payload = payload_from_form(request.form)
    flash_ack(dispatch(facilitator_actor(dialogue), payload.pop("action", ""), payload))
    return redirect(url_for(".run", dialogue_id=dialogue.id), code=303)


@bp.get("/d/<int:dialogue_id>/export.json")
@login_required
def export_json(dialogue_id: int):
    """Download the dialogue as one JSON document (works while it is running, too)."""
    dialogue = own_dialogue(dialogue_id)
    body = json.dumps(export_dialogue(db.session, dialogue), ensure_ascii=False, indent=2)
    return Response(body, mimetype="application/json", headers={
        "Content-Disposition": f'attachment; filename="osuva-{dialogue.id}.json"'})
