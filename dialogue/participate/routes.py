"""Participant routes: home, join, the current step, and the one write route.

Every write is a form POST to /p/CODE/act that runs the same command as the socket
event `act`; the page then redirects back (post/redirect/get), so a reload never
resends. JavaScript only makes the page live.
"""
from __future__ import annotations

import datetime as dt
import time

from flask import (
    abort,
    current_app,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import format_date, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from dialogue import activities, db, placeholders, tables
from dialogue.activities.stations import remember_station
from dialogue.actors import new_token, participant_actor, participant_token, remember_participant
from dialogue.commands import speaking
from dialogue.commands.core import dispatch
from dialogue.commands.dialogues import JoinRefused, by_code, join, join_refusal
from dialogue.participate import bp, offline
from dialogue.participate.forms import CodeForm, JoinForm
from dialogue.realtime.snapshot import public_state, step_texts, timer_state
from dialogue.web import ratelimit
from dialogue.web.forms import add_upload, flash_ack, payload_from_form
from dialogue.web.security import allow_upload
from dialogue.photos import MAX_UPLOAD_BYTES

#: What the join page says when nobody can join (commands.dialogues.join_refusal).
JOIN_REFUSALS = {
    "locked": _l("Joining is closed right now. Ask the facilitator."),
    "not_started": _l("This dialogue has not started yet. Try again when the facilitator says so."),
    "closed": _l("This dialogue has ended. Thank you for taking part."),
}
WRONG_CODE_LIMIT = 5
WRONG_CODE_WINDOW = 60


def _too_many_wrong_codes() -> bool:
    """Too many wrong codes lately from this browser, or from this address (cookies can be dropped)."""
    recent = [t for t in session.get("wrong_codes", []) if t > time.time() - WRONG_CODE_WINDOW]
    return len(recent) >= WRONG_CODE_LIMIT or ratelimit.WRONG_CODES.blocked(ratelimit.client_key())


def _wrong_code() -> None:
    recent = [t for t in session.get("wrong_codes", []) if t > time.time() - WRONG_CODE_WINDOW]
    session["wrong_codes"] = recent + [time.time()]
    ratelimit.WRONG_CODES.failed(ratelimit.client_key())


@bp.route("/", methods=["GET", "POST"])
def home():
    """The front page: type the code you see on the screen."""
    form = CodeForm()
    error = None
    if form.validate_on_submit():
        if _too_many_wrong_codes():
            return render_template("participate/home.html", form=form,
                                   error=_("Too many wrong codes. Wait a minute and try again.")), 429
        dialogue = by_code(form.code.data)
        if dialogue is not None:
            return redirect(url_for(".join_page", code=dialogue.code))
        _wrong_code()
        error = _("No dialogue has this code. Check the code on the screen and try again.")
    elif form.errors:
        error = next(iter(form.errors.values()))[0]
    return render_template("participate/home.html", form=form, error=error), 200 if not error else 400


def _dialogue_or_404(code: str):
    """The dialogue with this code; a wrong code counts as a guess (404), too many guesses get 429."""
    dialogue = by_code(code)
    if dialogue is not None and participant_token(dialogue.id):
        return dialogue  # a phone already in never waits because of someone else's guessing
    if _too_many_wrong_codes():
        abort(429)  # the same answer for right and wrong codes: guessing learns nothing
    if dialogue is None:
        _wrong_code()
        abort(404)
    return dialogue


@bp.route("/j/<code>", methods=["GET", "POST"])
def join_page(code: str):
    """The QR code's address: one tap to join (a GET never creates a participant)."""
    return _join(_dialogue_or_404(code))


@bp.route("/j/<code>/t/<table_code>", methods=["GET", "POST"])
def join_table(code: str, table_code: str):
    """A table card's QR code: join the dialogue if need be, and sit at that table.

    A GET only asks (one tap); the POST joins and seats through the same commands.
    """
    dialogue = _dialogue_or_404(code)
    table = tables.find_by_code(db.session, dialogue.id, table_code)
    if table is None:
        abort(404)
    return _join(dialogue, table)


@bp.route("/j/<code>/s/<station_code>", methods=["GET", "POST"])
def join_station(code: str, station_code: str):
    """A station sheet's QR code: join the dialogue if need be, and open that station of the walk.

    The code is remembered for the phone; the walk's step checks it (an unknown one opens the list).
    """
    dialogue = _dialogue_or_404(code)
    if not station_code.isalnum() or len(station_code) > 8:
        abort(404)
    remember_station(dialogue.id, station_code)
    return _join(dialogue, station=station_code.upper())


def _join(dialogue, table=None, station=None):
    """The join form: join (unless already in) and, from a table's card, sit at that table."""
    actor = participant_actor(dialogue)
    after = url_for(".step_page", code=dialogue.code, **({"station": station} if station else {}))
    if actor is not None and table is None:
        return redirect(after)
    form = JoinForm()
    error = None
    refused = join_refusal(dialogue) if actor is None else None
    if refused:
        # Nothing to join: say why, and offer no form that could only fail.
        message = str(JOIN_REFUSALS[refused])
        if request.method == "POST":  # a refused attempt: announced as an error
            return render_template("participate/join.html", dialogue=dialogue, form=None, refused=message,
                                   error=message, table=table), 400
        return render_template("participate/join.html", dialogue=dialogue, form=None, refused=message, table=table)
    if form.validate_on_submit():
        if actor is None:
            role = form.role.data if dialogue.ask_role and form.role.data else None
            municipality = form.municipality.data if dialogue.ask_role and form.municipality.data else None
            try:
                token = join(dialogue, role, municipality)
            except JoinRefused as refused:
                error = str(JOIN_REFUSALS[str(refused)])
            else:
                remember_participant(dialogue.id, token)
                actor = participant_actor(dialogue, token)
        if actor is not None:
            if table is not None:
                flash_ack(dispatch(actor, "table_join", {"code": table.code, "client_id": new_token()}))
            return redirect(after)
    elif form.errors:
        error = _("The choice is not valid.")
    return render_template("participate/join.html", dialogue=dialogue, form=form, error=error, table=table,
                           joined=actor is not None), 400 if error else 200


def _panel_context(code: str):
    dialogue = _dialogue_or_404(code)
    actor = participant_actor(dialogue)
    if actor is None:
        return None
    step = dialogue.current_step
    context = {"dialogue": dialogue, "actor": actor, "step": step, "public": public_state(db.session, dialogue),
               "seat": tables.seat_context(db.session, dialogue.id, actor, step)}
    if step is not None and not context["seat"]["needed"]:
        lang = str(get_locale())
        activity = activities.get(step.kind)
        context.update(texts=placeholders.public(step_texts(step, lang)), activity=activity, timer=timer_state(step),
                       hand_up=speaking.waiting(db.session, dialogue.id, actor.participant_id),
                       **activity.participant_context(db.session, step, actor))
    return context


@bp.get("/p/<code>/table")
def table_page(code: str):
    """Choose or change one's table (the phone's "change table" link)."""
    context = _panel_context(code)
    if context is None:
        return redirect(url_for(".join_page", code=code))
    return render_template("participate/table.html", **context)


@bp.get("/p/<code>")
def step_page(code: str):
    """The participant's page: the current step, one task per screen."""
    context = _panel_context(code)
    if context is None:
        return redirect(url_for(".join_page", code=code))
    return render_template("participate/step.html", **context)


@bp.get("/p/<code>/panel")
def panel(code: str):
    """The step part of the page alone, for the live page to swap in."""
    context = _panel_context(code)
    if context is None:
        abort(403)
    return render_template("participate/_panel.html", **context)


@bp.post("/p/<code>/act")
@allow_upload(MAX_UPLOAD_BYTES + 256 * 1024)
def act(code: str):
    """Every participant write without JavaScript: the same command as the socket event.
    A form may carry a photo (multipart); the command decides whether it takes one."""
    dialogue = _dialogue_or_404(code)
    payload = add_upload(payload_from_form(request.form), request.files)
    actor = participant_actor(dialogue)
    # The same bucket as the socket's: a flood is slowed whichever way it comes.
    if actor is not None and not ratelimit.bucket_for(f"{actor.dialogue_id}:{actor.key}").take():
        ack = {"ok": False, "error": _("Too fast. Wait a moment and try again."), "retry": True}
    else:
        ack = dispatch(actor, payload.pop("action", ""), payload)
    if offline.wants_json():  # the phone's offline outbox sending a kept answer
        return offline.ack_response(ack)
    flash_ack(ack)
    return redirect(url_for(".step_page", code=dialogue.code) + "#main", code=303)


@bp.post("/text-size")
def text_size():
    """Larger text on or off; the phone remembers it in its cookie."""
    session["big_text"] = not session.get("big_text", False)
    session.permanent = True  # remembered after the browser closes, like the participant cookie
    target = request.form.get("next", "/")
    return redirect(target if target.startswith("/") and not target.startswith("//") else "/", code=303)


@bp.get("/saavutettavuus")
def accessibility():
    """The accessibility statement (saavutettavuusseloste), with the organisation's feedback channel."""
    config = current_app.config
    contact = config["ACCESSIBILITY_CONTACT"].strip()
    is_web = contact.startswith(("https://", "http://"))
    try:
        checked = format_date(dt.date.fromisoformat(config["ACCESSIBILITY_DATE"]), "long")
    except ValueError:
        checked = config["ACCESSIBILITY_DATE"]
    return render_template("participate/accessibility.html", contact=contact, checked=checked,
                           contact_href=contact if is_web else f"mailto:{contact}",
                           organisation=config["ACCESSIBILITY_ORGANISATION"].strip(),
                           phone=config["ACCESSIBILITY_PHONE"].strip(), site=request.host_url.rstrip("/"))
