"""Preparing a dialogue in the console: details, steps (edit, order, add, remove),
previewing a step as a phone shows it, and co-facilitators.

Forms with much typing (details, a step) post to their own page: on a refusal the
page comes back with what was typed and the message; on success it redirects.
Both run the same command as the socket event.
"""
from __future__ import annotations

import uuid

from flask import redirect, render_template, request, url_for
from flask_babel import force_locale, get_locale

from dialogue import activities, db, placeholders
from dialogue.actors import facilitator_actor
from dialogue.commands.core import dispatch
from dialogue.commands.preparation import (
    co_facilitators,
    config_fields,
    step_answers,
)
from dialogue.config import LANGUAGES, MUNICIPALITIES
from dialogue.facilitate import bp
from dialogue.realtime.snapshot import step_texts, timer_state
from dialogue.web.access import login_required, own_dialogue, own_step
from dialogue.web.forms import flash_ack, payload_from_form


def _post(dialogue, action: str, **fixed):
    """Run `action` with this form's fields (and `fixed` ones from the URL); return the acknowledgement."""
    payload = payload_from_form(request.form)
    payload.pop("action", None)
    if not payload.get("client_id"):
        payload["client_id"] = uuid.uuid4().hex  # a form without one is still one write
    return dispatch(facilitator_actor(dialogue), action, {**payload, **fixed})


@bp.route("/d/<int:dialogue_id>/prepare", methods=["GET", "POST"])
@login_required
def prepare(dialogue_id: int):
    """Details, steps and co-facilitators of a dialogue."""
    dialogue = own_dialogue(dialogue_id)
    error = None
    values = {"title": dialogue.title, "topic": dialogue.topic, "municipality": dialogue.municipality,
              "place": dialogue.place, "date": dialogue.date.isoformat() if dialogue.date else "",
              "language": dialogue.language, "organiser": dialogue.organiser, "ask_role": dialogue.ask_role}
    if request.method == "POST":
        ack = _post(dialogue, "update_details")
        if ack.get("ok"):
            flash_ack(ack)
            return redirect(url_for(".prepare", dialogue_id=dialogue.id) + "#details-h", code=303)
        error = ack.get("error")
        values = {**{k: request.form.get(k, "") for k in values}, "ask_role": bool(request.form.get("ask_role"))}
    lang = str(get_locale())
    steps = [{"step": s, "title": step_texts(s, lang)["title"], "answers": step_answers(db.session, s)}
             for s in dialogue.steps]
    kinds = sorted(((key, str(a.label())) for key, a in activities.REGISTRY.items()), key=lambda kv: kv[1].lower())
    return render_template("facilitate/prepare.html", dialogue=dialogue, values=values, error=error,
                           municipalities=MUNICIPALITIES, steps=steps, kinds=kinds,
                           shares=co_facilitators(db.session, dialogue)), 400 if error else 200


@bp.route("/d/<int:dialogue_id>/steps/<int:step_id>", methods=["GET", "POST"])
@login_required
def edit_step(dialogue_id: int, step_id: int):
    """Edit one step: texts in Finnish, Swedish and English, its time and its settings."""
    dialogue, step = own_step(dialogue_id, step_id)
    error = None
    texts = {lang: dict((step.texts or {}).get(lang) or {"title": "", "body": ""}) for lang in LANGUAGES}
    minutes = step.minutes
    fields = config_fields(step.kind, step.config, list(dialogue.steps))
    if request.method == "POST":
        ack = _post(dialogue, "update_step", step_id=step.id)
        if ack.get("ok"):
            flash_ack(ack)
            return redirect(url_for(".prepare", dialogue_id=dialogue.id) + f"#step-{step.id}", code=303)
        error = ack.get("error")
        texts = {lang: {"title": request.form.get(f"title_{lang}", ""), "body": request.form.get(f"body_{lang}", "")}
                 for lang in LANGUAGES}
        minutes = request.form.get("minutes", "")
        for field in fields:
            raw = request.form.get(f"cfg_{field['key']}")
            field["value"] = bool(raw) if field["type"] == "bool" else (raw or "")
    return render_template("facilitate/step_edit.html", dialogue=dialogue, step=step, texts=texts,
                           minutes=minutes, fields=fields, error=error, langs=LANGUAGES,
                           kind_label=activities.get(step.kind).label()), 400 if error else 200


@bp.get("/d/<int:dialogue_id>/steps/<int:step_id>/preview")
@login_required
def preview_step(dialogue_id: int, step_id: int):
    """A step as a participant sees it on a phone (nothing can be sent from the preview)."""
    dialogue, step = own_step(dialogue_id, step_id)
    lang = request.args.get("lang") if request.args.get("lang") in LANGUAGES else dialogue.language
    activity = activities.get(step.kind)
    timer = timer_state(step)
    if not timer["seconds"] and step.minutes:
        timer = {"seconds": step.minutes * 60, "running": False}
    public = {"dialogue_id": dialogue.id, "state": "running", "step_id": step.id, "kind": step.kind,
              "phones_down": bool(step.config.get("phones_down")), "timer": timer,
              "revealed": step.revealed, "voting_closed": getattr(step, "voting_closed", False)}
    # The phone part speaks the preview's language; the frame around it the facilitator's.
    with force_locale(lang):
        panel = render_template("participate/_panel.html", dialogue=dialogue, actor=None, step=step,
                                public=public, texts=placeholders.public(step_texts(step, lang)),
                                activity=activity, timer=timer,
                                preview=True, **activity.participant_context(db.session, step, None))
    steps = list(dialogue.steps)
    index = steps.index(step)
    return render_template("facilitate/preview.html", dialogue=dialogue, step=step, panel=panel, lang=lang,
                           langs=LANGUAGES, previous_step=steps[index - 1] if index > 0 else None,
                           next_step=steps[index + 1] if index + 1 < len(steps) else None,
                           title=step_texts(step, str(get_locale()))["title"])
