"""Console pages for the room's paper: the printables (join poster, paper form, ...) and the
entry view for paper forms.

People without a phone take part on the paper form; staff type the answers in on the
entry view, which follows the form's order step by step, through the same commands as
every other write.
"""
from __future__ import annotations

from flask import Response, abort, render_template, url_for
from flask_babel import get_locale

from dialogue import db
from dialogue.export import room_printables
from dialogue.export.paper_form import paper_steps
from dialogue.facilitate import bp
from dialogue.web.access import login_required, own_dialogue


def pdf_response(body: bytes, filename: str) -> Response:
    """A PDF to open in the browser (and print), with a file name for saving it."""
    return Response(body, mimetype="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="{filename}"'})


@bp.get("/d/<int:dialogue_id>/print")
@login_required
def printing(dialogue_id: int):
    """What to print for the room, and the way to enter paper answers."""
    dialogue = own_dialogue(dialogue_id)
    steps = paper_steps(db.session, dialogue, str(get_locale()))
    return render_template("facilitate/print.html", dialogue=dialogue, paper_steps=steps,
                           printables=list(room_printables.REGISTRY.values()))


@bp.get("/d/<int:dialogue_id>/print/<name>.pdf")
@login_required
def printable(dialogue_id: int, name: str):
    """One printable as a PDF; 404 when it is unknown or the dialogue has nothing of it."""
    dialogue = own_dialogue(dialogue_id)
    if name not in room_printables.REGISTRY:
        abort(404)
    body = room_printables.make(name, db.session, dialogue)
    if body is None:
        abort(404)
    return pdf_response(body, f"osuva-{dialogue.id}-{name}.pdf")


@bp.get("/d/<int:dialogue_id>/paper")
@login_required
def paper_entry(dialogue_id: int):
    """Enter a paper form's answers, step by step in the form's order."""
    dialogue = own_dialogue(dialogue_id)
    steps = paper_steps(db.session, dialogue, str(get_locale()))
    for entry in steps:
        entry["staff"] = entry["activity"].staff_context(db.session, entry["step"])
    return render_template("facilitate/paper_entry.html", dialogue=dialogue, paper_steps=steps,
                           act_url=url_for(".act", dialogue_id=dialogue.id),
                           next_url=url_for(".paper_entry", dialogue_id=dialogue.id),
                           writable=not dialogue.has_ended)
