"""The helper's page (/h/<token>): staff notes, contributions and paper votes for one dialogue.

No account: the secret link is the credential, checked again on every request, so a
revoked link stops working at once. Writes go through the same commands as the
socket event `act` (role "helper").
"""
from __future__ import annotations

from flask import abort, redirect, render_template, request, url_for
from flask_babel import get_locale
from markupsafe import Markup
from sqlalchemy import select

from dialogue import activities, db, methodology, tables
from dialogue.actors import DECISION_MAKER, OWN_TASKS_ONLY, helper_actor
from dialogue.commands.core import dispatch
from dialogue.commands.helper_links import kind_labels
from dialogue.helpers import bp
from dialogue.helpers.decision_maker import decision_maker_view
from dialogue.models import Contribution, Dialogue, Helper, Step, Theme
from dialogue.realtime.snapshot import step_texts, wall
from dialogue.photos import MAX_UPLOAD_BYTES
from dialogue.web.forms import add_upload, flash_ack, payload_from_form
from dialogue.web.security import allow_upload

RECENT_NOTES = 10


def _helper(token: str) -> tuple[Helper, Dialogue]:
    actor = helper_actor(token)
    if actor is None:
        abort(404)
    return db.session.get(Helper, actor.helper_id), db.session.get(Dialogue, actor.dialogue_id)


def takes_paper_votes(step: Step) -> bool:
    """Whether staff may enter paper/show-of-hands counts for this step's kind."""
    return bool(getattr(activities.get(step.kind), "takes_staff_counts", False))


@bp.get("/<token>")
def page(token: str):
    """What a scribe, table host or recorder needs during the dialogue, on one page."""
    helper, dialogue = _helper(token)
    lang = str(get_locale())
    current = dialogue.current_step
    steps = [(s, step_texts(s, lang)["title"]) for s in dialogue.steps]
    themes = list(db.session.scalars(select(Theme).where(Theme.dialogue_id == dialogue.id).order_by(Theme.name)))
    prompt_steps = [(s, title) for s, title in steps if activities.get(s.kind).collects_contributions]
    vote_steps = [(s, title) for s, title in steps if takes_paper_votes(s)]
    vote_step = None
    wanted = request.args.get("votes", type=int)
    for s, _title in vote_steps:
        if s.id == wanted or (wanted is None and current is not None and s.id == current.id):
            vote_step = s
    vote_staff = activities.get(vote_step.kind).staff_context(db.session, vote_step) if vote_step else None
    mine = db.session.scalars(select(Contribution).where(
        Contribution.helper_id == helper.id, Contribution.hidden.is_(False)).order_by(Contribution.id.desc())
        .limit(RECENT_NOTES)).all()
    return render_template(
        "helpers/page.html", helper=helper, dialogue=dialogue, token=token, kind_label=kind_labels().get(helper.kind),
        current=current, current_title=step_texts(current, lang)["title"] if current else "", steps=steps,
        themes=themes, prompt_steps=prompt_steps, vote_steps=vote_steps, vote_step=vote_step,
        vote_staff=vote_staff, mine=mine, writable=dialogue.accepts_writes, act_url=url_for(".act", token=token),
        takes_notes=helper.kind not in OWN_TASKS_ONLY, table_work=_table_work(helper, current),
        method_panels=[] if helper.kind == DECISION_MAKER else
        methodology.hook(dialogue.method, "helper_panels")(helper, dialogue, current, lang),
        step_view=_step_view(token, dialogue, current), **decision_maker_view(helper, dialogue, current, lang))


def _step_view(token: str, dialogue: Dialogue, current: Step | None) -> Markup | None:
    """The current step's phone view for a helper who writes in it (Activity.helper_writes),
    e.g. a table host writing their group's draft; its forms post to the helper's act route."""
    activity = activities.get(current.kind) if current is not None else None
    if activity is None or not activity.helper_writes:
        return None
    actor = helper_actor(token)
    return Markup(render_template(activity.participant_template, dialogue=dialogue, step=current, actor=actor,
                                  act_url=url_for(".act", token=token),
                                  **activity.participant_context(db.session, current, actor)))


def _table_work(helper: Helper, current: Step | None) -> dict | None:
    """A table host's own table: its current answers (in a step worked by table) and summary."""
    table = helper.at_table
    if table is None:
        return None
    seated = tables.seat_counts(db.session, helper.dialogue_id).get(table.id, 0)
    wall_now = wall(db.session, current, staff=True, table_id=table.id) if tables.by_table(current) else None
    return {"table": table, "seated": seated, "wall": wall_now}


@bp.post("/<token>/act")
@allow_upload(MAX_UPLOAD_BYTES + 256 * 1024)
def act(token: str):
    """Every helper write without JavaScript: the same commands as the socket event (a group
    recorder's station form may carry a photo)."""
    actor = helper_actor(token)
    if actor is None:
        abort(404)
    payload = add_upload(payload_from_form(request.form), request.files)
    payload.pop("votes", None)  # where to come back to, not part of the command
    flash_ack(dispatch(actor, payload.pop("action", ""), payload))
    target = url_for(".page", token=token)
    if request.form.get("votes", "").isdigit():
        target += f"?votes={request.form['votes']}"
    return redirect(target + "#main", code=303)
