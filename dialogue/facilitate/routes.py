"""Console routes: dashboard, create, duplicate, run, the write route, JSON export.

Every route checks that the logged-in facilitator may run this dialogue (owner or
co-facilitator); another's dialogue is a 404. The other console pages live in
prepare.py (details, steps, preview, co-facilitators) and workspace.py
(contributions and themes, helper links, data and audit log).
"""
from __future__ import annotations

import json
from urllib.parse import urlsplit

from flask import Response, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import func, or_, select

from dialogue import activities, db, demo, methodology
from dialogue.actors import current_facilitator_id, facilitator_actor
from dialogue.commands.core import dispatch
from dialogue.commands.dialogues import create_dialogue, join_refusal
from dialogue.commands.lifecycle import TRANSITIONS, retention_date
from dialogue.commands.preparation import duplicate_dialogue
from dialogue.export.json_export import export_dialogue
from dialogue.facilitate import bp
from dialogue.facilitate.forms import NewDialogueForm
from dialogue.models import Dialogue, DialogueShare, Facilitator, Participant, Step
from dialogue.realtime.snapshot import join_url, live_state, step_texts, timer_state
from dialogue.web.access import login_required, own_dialogue
from dialogue.web.forms import flash_ack, payload_from_form

#: The dashboard's groups, in order: (key, states).
GROUPS = (("upcoming", ("draft", "open")), ("running", ("running",)), ("closed", ("closed",)),
          ("archived", ("archived",)))
SEARCH_MAX = 100


def group_names() -> dict[str, str]:
    return {"upcoming": _("Upcoming"), "running": _("Running"), "closed": _("Closed"), "archived": _("Archived")}


@bp.get("/")
@login_required
def dashboard():
    """The facilitator's dialogues by state (upcoming, running, closed, archived), with search."""
    fid = current_facilitator_id()
    shared = select(DialogueShare.dialogue_id).where(DialogueShare.facilitator_id == fid)
    query = select(Dialogue).where(or_(Dialogue.owner_id == fid, Dialogue.id.in_(shared)))
    q = " ".join(request.args.get("q", "").split())[:SEARCH_MAX]
    if q:
        like = f"%{q.replace('%', '').replace('_', '')}%"
        query = query.where(or_(*(column.ilike(like) for column in (
            Dialogue.title, Dialogue.topic, Dialogue.municipality, Dialogue.place, Dialogue.organiser,
            Dialogue.code))))
    dialogues = db.session.scalars(query.order_by(Dialogue.date.desc().nulls_last(), Dialogue.id.desc())).all()
    counts = dict(db.session.execute(select(Participant.dialogue_id, func.count()).where(
        Participant.dialogue_id.in_([d.id for d in dialogues])).group_by(Participant.dialogue_id)).all())
    groups = [(key, group_names()[key], [d for d in dialogues if d.state in states]) for key, states in GROUPS]
    return render_template("facilitate/dashboard.html", groups=groups, q=q, counts=counts,
                           retention_date=retention_date, any_dialogues=bool(dialogues) or bool(q))


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new_dialogue():
    """Create a dialogue from a method, seeing each method's description first; it starts as a draft."""
    lang = str(get_locale())
    form = NewDialogueForm()
    form.method.choices = [(m.key, m.name(lang)) for m in methodology.listed().values()]
    if form.validate_on_submit():
        owner = db.session.get(Facilitator, current_facilitator_id())
        dialogue = create_dialogue(owner, form.method.data, form.title.data.strip(), form.language.data,
                                   state="draft")
        return redirect(url_for(".prepare", dialogue_id=dialogue.id), code=303)
    return render_template("facilitate/new.html", form=form, methods=methodology.listed(), lang=lang), \
        400 if form.errors else 200


@bp.post("/demo")
@login_required
def try_demo():
    """Make the demo dialogues (one per method, invented content) for this facilitator."""
    owner = db.session.get(Facilitator, current_facilitator_id())
    demo.seed(owner)
    flash_ack({"ok": True, "message": _("The demo dialogues are ready. Open one and look around.")})
    return redirect(url_for(".dashboard"), code=303)


@bp.post("/d/<int:dialogue_id>/duplicate")
@login_required
def duplicate(dialogue_id: int):
    """Copy a dialogue's details and steps into a new draft (to run the method again elsewhere)."""
    source = own_dialogue(dialogue_id)
    title = _("Copy of %(title)s", title=source.title)[:200]
    copy = duplicate_dialogue(source, current_facilitator_id(), title)
    flash_ack({"ok": True, "message": _("This is a copy. Change its details, e.g. the municipality and date.")})
    return redirect(url_for(".prepare", dialogue_id=copy.id), code=303)


def step_title(step: Step | None, lang: str) -> str:
    return step_texts(step, lang)["title"] if step else ""


@bp.get("/d/<int:dialogue_id>")
@login_required
def run(dialogue_id: int):
    """The run view: the current step and its wall in the middle, steps on the side, the next step named."""
    dialogue = own_dialogue(dialogue_id)
    lang = str(get_locale())
    state = live_state(db.session, dialogue, staff=True, lang=lang)
    step = dialogue.current_step
    activity = activities.get(step.kind) if step else None
    steps = list(dialogue.steps)
    index = steps.index(step) if step in steps else -1
    next_step = steps[index + 1] if 0 <= index < len(steps) - 1 else (steps[0] if index < 0 and steps else None)
    previous_step = steps[index - 1] if index > 0 else None
    return render_template("facilitate/run.html", dialogue=dialogue, state=state,
                           join_url=join_url(dialogue), step=step, activity=activity,
                           staff=activity.staff_context(db.session, step) if activity else {},
                           next_step=next_step, next_title=step_title(next_step, lang),
                           previous_step=previous_step, timer=timer_state(step),
                           transitions=TRANSITIONS[dialogue.state],
                           writable=not dialogue.has_ended, join_refused=join_refusal(dialogue),
                           method_panels=methodology.hook(dialogue.method, "console_panels")(dialogue, lang),
                           **follow_up.follow_up_context(dialogue))


def _safe_next(dialogue: Dialogue) -> str:
    """Where to go after a form post: a console page of this dialogue, or the run view."""
    target = request.form.get("next", "")
    prefix = url_for(".run", dialogue_id=dialogue.id)
    parts = urlsplit(target)
    if not parts.scheme and not parts.netloc and (parts.path == prefix or parts.path.startswith(prefix + "/")):
        return target
    return prefix


@bp.post("/d/<int:dialogue_id>/act")
@login_required
def act(dialogue_id: int):
    """Every console write without JavaScript: the same commands as the socket events."""
    dialogue = own_dialogue(dialogue_id)
    payload = payload_from_form(request.form)
    payload.pop("next", None)
    flash_ack(dispatch(facilitator_actor(dialogue), payload.pop("action", ""), payload))
    return redirect(_safe_next(dialogue), code=303)


@bp.get("/d/<int:dialogue_id>/export.json")
@login_required
def export_json(dialogue_id: int):
    """Download the dialogue as one JSON document (works while it is running, too)."""
    dialogue = own_dialogue(dialogue_id)
    body = json.dumps(export_dialogue(db.session, dialogue), ensure_ascii=False, indent=2)
    return Response(body, mimetype="application/json", headers={
        "Content-Disposition": f'attachment; filename="osuva-{dialogue.id}.json"'})


# The other console pages register their routes on `bp` when imported.
from dialogue.facilitate import (  # noqa: E402,F401
    findings,
    follow_up,
    lottery,
    opinion,
    photos,
    prepare,
    printing,
    seating,
    suggestions,
    workspace,
)
