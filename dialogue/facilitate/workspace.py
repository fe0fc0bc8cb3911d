"""Console pages beside the run view: contributions and themes (moderation), helper
links, and the dialogue's data (state, retention, what a purge deletes, audit log)."""
from __future__ import annotations

from flask import render_template, request
from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import select

from dialogue import db, tables
from dialogue.commands.helper_links import helper_url, kind_labels, links_of
from dialogue.commands.lifecycle import TRANSITIONS, raw_counts, retention_date
from dialogue.commands.themes import theme_counts, themes_of
from dialogue.facilitate import bp
from dialogue.models import HELPER_KINDS, AuditEvent, Contribution, Facilitator, Helper
from dialogue.realtime.snapshot import step_texts
from dialogue.synthesis import pii
from dialogue.web.access import login_required, own_dialogue

LIST_LIMIT = 500
AUDIT_LIMIT = 300
SOURCES = ("all", "participants", "notes")


def pii_labels() -> dict[str, str]:
    return {"hetu": _("personal identity code"), "phone": _("phone number"), "email": _("e-mail address")}


def source_labels() -> dict[str, str]:
    return {"staff": _("Entered by staff"), "note": _("Staff note"), "commitment": _("Commitment")}


@bp.get("/d/<int:dialogue_id>/contributions")
@login_required
def contributions(dialogue_id: int):
    """Every text of the dialogue: hide, fix, merge, and group into themes (keyboard and batch)."""
    dialogue = own_dialogue(dialogue_id)
    lang = str(get_locale())
    steps = list(dialogue.steps)
    titles = {s.id: f"{i}. {step_texts(s, lang)['title']}" for i, s in enumerate(steps, 1)}
    themes = themes_of(db.session, dialogue.id)
    step_id = request.args.get("step", type=int)
    theme = request.args.get("theme", "")
    show = request.args.get("show", "visible")
    source = request.args.get("source", "all")
    # Rows without text (a walk's ratings and photo) are not texts to moderate here; their
    # step's own console view shows them.
    query = select(Contribution).where(Contribution.dialogue_id == dialogue.id, Contribution.private.is_(False),
                                       Contribution.text != "")
    if step_id in titles:
        query = query.where(Contribution.step_id == step_id)
    if theme == "none":
        query = query.where(Contribution.theme_id.is_(None))
    elif theme.isdigit():
        query = query.where(Contribution.theme_id == int(theme))
    if show == "visible":
        query = query.where(Contribution.hidden.is_(False))
    elif show == "hidden":
        query = query.where(Contribution.hidden.is_(True))
    if source == "notes":
        query = query.where(Contribution.source == "note")
    elif source == "participants":
        query = query.where(Contribution.source != "note")
    rows = db.session.scalars(query.order_by(Contribution.step_id, Contribution.id).limit(LIST_LIMIT + 1)).all()
    order = {s.id: i for i, s in enumerate(steps)}
    rows = sorted(rows[:LIST_LIMIT], key=lambda c: (order.get(c.step_id, 0), c.id))
    labels = pii_labels()
    items = [{"c": c, "step": titles.get(c.step_id, ""),
              "pii": [labels[k] for k in pii.find(c.text)] if c.pii else [],
              "merged_into": (c.extra or {}).get("merged_into"), "edited": c.original_text is not None}
             for c in rows]
    return render_template("facilitate/contributions.html", dialogue=dialogue, items=items, themes=themes,
                           counts=theme_counts(db.session, dialogue.id), titles=titles,
                           filters={"step": step_id if step_id in titles else None, "theme": theme, "show": show,
                                    "source": source},
                           truncated=len(rows) >= LIST_LIMIT, source_labels=source_labels(),
                           here=request.full_path.rstrip("?"))


@bp.get("/d/<int:dialogue_id>/helpers")
@login_required
def helper_links(dialogue_id: int):
    """Secret helper links: make, see and revoke them."""
    dialogue = own_dialogue(dialogue_id)
    links = [{"h": h, "url": helper_url(h)} for h in links_of(db.session, dialogue.id)]
    return render_template("facilitate/helpers.html", dialogue=dialogue, links=links, kinds=HELPER_KINDS,
                           kind_labels=kind_labels(), tables=tables.tables_of(db.session, dialogue.id))


def action_labels() -> dict[str, str]:
    """Audit actions for people (others show by their command name)."""
    return {
        "set_state": _("Changed the state"), "set_retention": _("Changed the retention time"),
        "go_to_step": _("Moved to a step"), "screen_mode": _("Changed what the screen shows"),
        "lock_join": _("Locked or unlocked joining"), "set_hidden": _("Hid or restored a text"),
        "fix_text": _("Corrected a text"), "merge_contributions": _("Merged duplicates"),
        "theme_create": _("Created a theme"), "theme_rename": _("Renamed a theme"),
        "theme_merge": _("Merged themes"), "theme_delete": _("Deleted a theme"),
        "assign_theme": _("Put texts in a theme"), "accept_suggestion": _("Accepted a theme suggestion"),
        "note": _("Wrote a staff note"),
        "timer_start": _("Started the timer"), "timer_pause": _("Paused the timer"),
        "timer_add": _("Added time"), "timer_reset": _("Reset the timer"), "reveal": _("Showed or hid results"),
        "update_details": _("Changed the details"), "add_step": _("Added a step"),
        "update_step": _("Edited a step"), "move_step": _("Moved a step"), "remove_step": _("Removed a step"),
        "share_add": _("Shared the dialogue"), "share_remove": _("Stopped sharing"),
        "helper_create": _("Made a helper link"), "helper_revoke": _("Revoked a helper link"),
        "duplicate": _("Made this as a copy"), "purge": _("Deleted the raw data"),
        "finding_draft": _("Drafted key findings"), "finding_add": _("Added a key finding"),
        "finding_edit": _("Edited a key finding"), "finding_move": _("Moved a key finding"),
        "finding_merge": _("Merged key findings"), "finding_delete": _("Deleted a key finding"),
        "finding_approve": _("Approved a key finding or took the approval back"),
    }


def actor_names(events: list[AuditEvent]) -> dict[str, str]:
    """Audit actor keys ("f:3", "h:7") as people's names for staff: e-mail or helper link."""
    names = {"system": _("Osuva (automatic)")}
    ids = {"f": set(), "h": set()}
    for e in events:
        kind, _sep, ident = e.actor.partition(":")
        if kind in ids and ident.isdigit():
            ids[kind].add(int(ident))
    for f in db.session.scalars(select(Facilitator).where(Facilitator.id.in_(ids["f"]))):
        names[f"f:{f.id}"] = f.email
    labels = kind_labels()
    for h in db.session.scalars(select(Helper).where(Helper.id.in_(ids["h"]))):
        names[f"h:{h.id}"] = " · ".join(str(x) for x in (labels.get(h.kind, h.kind), h.label, h.at_table and h.at_table.name) if x)
    return names


@bp.get("/d/<int:dialogue_id>/data")
@login_required
def data(dialogue_id: int):
    """State, retention (what will be deleted and when) and the audit log of staff actions."""
    dialogue = own_dialogue(dialogue_id)
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.dialogue_id == dialogue.id)
                                .order_by(AuditEvent.id.desc()).limit(AUDIT_LIMIT)).all()
    return render_template("facilitate/data.html", dialogue=dialogue, transitions=TRANSITIONS[dialogue.state],
                           counts=raw_counts(db.session, dialogue), retention=retention_date(dialogue),
                           events=events, names=actor_names(events), actions=action_labels())
