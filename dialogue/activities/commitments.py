"""`commitments`: action cards — what, who, by when — that their owner accepts, with a
status followed up later ("you said – we did").

A commitment is a contribution with its card fields in `extra`, so moderation,
themes, masking and the exports treat it like every other text; staff write the
cards (or a decision-maker through a helper link), and the owner accepts.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from dialogue.activities.base import Activity, register
from dialogue.actors import EVERYONE_WHO_WRITES, STAFF
from dialogue.commands.core import CommandContext, command
from dialogue.export.blocks import Blocks, Table
from dialogue.models import Contribution, Dialogue, Step
from dialogue.synthesis import pii
from dialogue.textclean import InvalidInput, clean_int, clean_text

STATUSES = ("proposed", "accepted", "in_progress", "done", "dropped")


def status_labels() -> dict[str, Any]:
    return {"proposed": _l("Proposed"), "accepted": _l("Accepted"), "in_progress": _l("In progress"),
            "done": _l("Done"), "dropped": _l("Dropped")}


def cards_query(s, step: Step, *, hidden: bool = False):
    """The cards of a step (hidden ones too if `hidden`); in a follow-up step, the followed dialogue's."""
    query = select(Contribution).where(Contribution.source == "commitment")
    if not hidden:
        query = query.where(Contribution.hidden.is_(False))
    followed = s.get(Dialogue, step.dialogue_id).follows_id if step.config.get("follow_up") else None
    if followed:
        query = query.where(Contribution.dialogue_id == followed)
    else:
        query = query.where(Contribution.step_id == step.id)
    return query.order_by(Contribution.id)


def cards(s, step: Step) -> list[Contribution]:
    """The visible cards of a step; in a follow-up step, those of the dialogue followed up."""
    return list(s.scalars(cards_query(s, step)))


def item_text(c: Contribution) -> str:
    """A card as an item to rate (e.g. how clear it is): what, and who does it."""
    who = (c.extra or {}).get("who", "")
    return f"{c.text} – {who}" if who else c.text


def card_json(c: Contribution, *, masked: bool) -> dict[str, Any]:
    extra = c.extra or {}
    text = pii.mask(c.text) if masked else c.text
    return {"id": c.id, "text": text, "who": extra.get("who", ""), "due": extra.get("due", ""),
            "status": extra.get("status", "proposed"), "status_note": extra.get("status_note", ""),
            "accepted": extra.get("status", "proposed") != "proposed"}


@register
class Commitments(Activity):
    key = "commitments"
    participant_template = "activities/commitments.html"
    staff_template = "activities/commitments_staff.html"
    owners_accept = True

    def label(self):
        return _l("Commitments")

    def makes_own_cards(self, step):
        return not step.config.get("follow_up")  # a follow-up's step shows another meeting's cards

    def owner_view(self, s, step):
        """The cards a decision-maker's helper page shows to accept (unmasked: staff see them)."""
        return {"cards": [card_json(c, masked=False) for c in cards(s, step)], "status_labels": status_labels()}

    def default_config(self) -> dict[str, Any]:
        # follow_up: a follow-up meeting showing each commitment's status.
        return {"phones_down": False, "follow_up": False}

    def participant_context(self, s, step, actor):
        may_accept = actor is not None and actor.declared_role == "decision_maker"
        return {"cards": [card_json(c, masked=True) for c in cards(s, step)],
                "status_labels": status_labels(), "may_accept": may_accept}

    def staff_context(self, s, step):
        return {"cards": [card_json(c, masked=False) for c in cards(s, step)],
                "status_labels": status_labels()}

    def live_state(self, s, step, *, staff):
        labels = status_labels()
        return {"list": [
            {"text": card["text"],
             "meta": " · ".join(x for x in (card["who"], card["due"], str(labels[card["status"]])) if x)}
            for card in (card_json(c, masked=not staff) for c in cards(s, step))]}

    def export(self, s, step):
        return {"commitments": [card_json(c, masked=True) for c in cards(s, step)]}

    def report_blocks(self, step: dict[str, Any], blocks: Blocks) -> None:
        """This step's result tables and chart in a report (see `dialogue.export.blocks`)."""
        from dialogue.activities.commitments import status_labels
        labels = status_labels()  # the statuses in the report's language, not their keys
        cards = step.get("commitments") or []
        if cards:
            blocks.tables.append(Table(
                _("Commitments"), [_("What"), _("Who"), _("By when"), _("Status"), _("What was done")],
                [[c["text"], c.get("who", ""), c.get("due", ""), str(labels.get(c.get("status"), c.get("status", ""))),
                  c.get("status_note", "")] for c in cards], key="commitments"))


def _card(ctx: CommandContext) -> Contribution:
    card_id = clean_int(ctx.payload.get("contribution_id"), 1, 2**31)
    c = ctx.s.get(Contribution, card_id)
    # A follow-up meeting updates the cards of the dialogue it follows up.
    if c is None or c.source != "commitment" or c.dialogue_id not in (ctx.dialogue.id, ctx.dialogue.follows_id):
        ctx.fail(_l("This commitment does not exist."))
    return c


def _clean_due(value) -> str:
    text = clean_text(value, 10, required=False, multiline=False)
    if not text:
        return ""
    try:
        return dt.date.fromisoformat(text).isoformat()
    except ValueError:
        raise InvalidInput(_l("Write the date as YYYY-MM-DD.")) from None


@command("add_commitment", roles=STAFF)
def add_commitment(ctx: CommandContext) -> dict:
    """Write an action card: what will be done, who does it, by when."""
    step = ctx.open_step(kind="commitments")
    text = clean_text(ctx.payload.get("text"), 500)
    who = clean_text(ctx.payload.get("who"), 120, multiline=False)
    due = _clean_due(ctx.payload.get("due"))
    c = Contribution(dialogue_id=ctx.dialogue.id, step_id=step.id, source="commitment", text=text,
                     helper_id=ctx.actor.helper_id, author_role=ctx.actor.declared_role,
                     extra={"who": who, "due": due, "status": "proposed", "status_note": ""},
                     pii=bool(pii.find(text)))
    ctx.s.add(c)
    ctx.s.flush()
    ctx.changed(wall=True)
    ctx.audit("add_commitment", contribution_id=c.id)
    return {"id": c.id, "message": str(_l("The commitment was added."))}


@command("accept_commitment", roles=EVERYONE_WHO_WRITES)
def accept_commitment(ctx: CommandContext) -> dict:
    """The owner (a decision-maker) accepts a proposed commitment."""
    if not (ctx.actor.is_staff or ctx.actor.declared_role == "decision_maker"):
        ctx.fail(_l("Only decision-makers and staff accept commitments."))
    c = _card(ctx)
    if c.extra.get("status", "proposed") == "proposed":
        c.extra = {**c.extra, "status": "accepted"}
    ctx.changed(wall=True)
    ctx.audit("accept_commitment", contribution_id=c.id)
    return {"id": c.id, "message": str(_l("Accepted. Thank you."))}


@command("commitment_status", roles=STAFF)
def commitment_status(ctx: CommandContext) -> dict:
    """Follow-up: set a commitment's status and a short note of what was done."""
    c = _card(ctx)
    status = ctx.payload.get("status")
    if status not in STATUSES:
        ctx.fail(_l("The choice is not valid."))
    note = clean_text(ctx.payload.get("status_note"), 500, required=False)
    c.extra = {**c.extra, "status": status, "status_note": note}
    ctx.changed(wall=True)
    ctx.audit("commitment_status", contribution_id=c.id, status=status)
    return {"id": c.id, "status": status}
