"""Screen routes: the projector page, its state as JSON, and the join QR code."""
from __future__ import annotations

from flask import Response, abort, jsonify, render_template, request
from flask_babel import force_locale

from dialogue import db
from dialogue.actors import screen_dialogue
from dialogue.commands.dialogues import by_code
from dialogue.config import LANGUAGES
from dialogue.realtime.snapshot import join_url, live_state
from dialogue.screen import bp
from dialogue.web import ratelimit
from dialogue.web.qr import qr_svg


def _dialogue(token: str):
    dialogue = screen_dialogue(token)
    if dialogue is None:
        abort(404)
    return dialogue


@bp.get("/s/<token>")
def screen(token: str):
    """The projector page: join QR and code, the current step, the live wall, the timer."""
    dialogue = _dialogue(token)
    lang = request.args.get("lang") if request.args.get("lang") in LANGUAGES else dialogue.language
    state = live_state(db.session, dialogue, staff=False, lang=lang)
    # The projector speaks the dialogue's language, whatever the laptop's cookie says.
    with force_locale(lang):
        return render_template("screen/screen.html", dialogue=dialogue, state=state, token=token, lang=lang)


@bp.get("/s/<token>/state")
def screen_state(token: str):
    """The screen's full state as JSON (what the socket sends on connect)."""
    return jsonify(live_state(db.session, _dialogue(token), staff=False))


@bp.get("/j/<code>/qr.svg")
def join_qr(code: str):
    """The QR code of a dialogue's join address (the code itself is public)."""
    if ratelimit.WRONG_CODES.blocked(ratelimit.client_key()):
        abort(429)  # codes are not to be guessed through the QR address either
    dialogue = by_code(code)
    if dialogue is None:
        ratelimit.WRONG_CODES.failed(ratelimit.client_key())
        abort(404)
    response = Response(qr_svg(join_url(dialogue)), mimetype="image/svg+xml")
    response.headers["Cache-Control"] = "private, max-age=3600"
    return response
