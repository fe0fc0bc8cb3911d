"""The console's key findings page (Keskeiset havainnot): draft them from the data, edit,
reorder, merge, delete, add staff's own and approve. Every form posts to the console's
write route (`facilitate.act`), so each change is one domain command (commands/findings.py)."""
from __future__ import annotations

from flask import render_template, url_for
from flask_babel import get_locale

from dialogue import db, registers
from dialogue.commands.findings import MAX_NOTE, MAX_TEXT, findings_of
from dialogue.facilitate import bp
from dialogue.synthesis.findings import basis_text
from dialogue.web.access import login_required, own_dialogue


@bp.get("/d/<int:dialogue_id>/findings")
@login_required
def findings(dialogue_id: int):
    """The dialogue's key findings, drafts and approved, with their forms."""
    dialogue = own_dialogue(dialogue_id)
    rows = findings_of(db.session, dialogue.id)
    items = [{"f": f, "basis": basis_text(f.basis), "entry": registers.entry_of_finding(db.session, f.id)}
             for f in rows]
    return render_template("facilitate/findings.html", dialogue=dialogue, items=items,
                           here=url_for(".findings", dialogue_id=dialogue.id), max_text=MAX_TEXT,
                           max_note=MAX_NOTE, approved=sum(1 for f in rows if f.approved),
                           register=_register_choices(dialogue))


def _register_choices(dialogue) -> dict | None:
    """What the "send to the register" forms offer: the registers with their service areas,
    respondents and entries (to link a finding heard before). None for a demo dialogue."""
    if dialogue.is_demo:
        return None
    lang = str(get_locale())
    out = []
    for r in registers.registers(db.session):
        if r.is_demo:
            continue  # the demo's own register takes no real findings
        out.append({"register": r, "areas": registers.area_names(r, lang),
                    "responders": registers.responders(db.session, r.id),
                    "entries": registers.entry_views(db.session, r, lang=lang)})
    return {"registers": out}
