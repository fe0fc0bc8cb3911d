"""`commitments`: action cards — what, who, by when — that their owner accepts, with a
status followed up later ("you said – we did").

A commitment is a contribution with its card fields in `extra`, so moderation,
themes, masking and the exports treat it like every other text; staff write the
cards (or a decision-maker through a helper link), and the owner accepts.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy import func, select

from dialogue.activities.base import Activity, register
from dialogue.actors import EVERYONE_WHO_WRITES, STAFF
from dialogue.commands.core import AFTERWARDS, CommandContext, command
from dialogue.export.blocks import Blocks, Table
from dialogue.models import Contribution, Dialogue, Step, Theme
from dialogue.synthesis import pii
from dialogue.textclean import InvalidInput, clean_int, clean_text

STATUSES = ("proposed", "accepted", "not_started", "in_progress", "done", "dropped")
#: A card with one of these statuses is closed: a series does not carry it to its next meeting.
CLOSED = ("done", "dropped")
#: The most status updates a card keeps (each dated).
HISTORY_MAX = 50


def status_labels() -> dict[str, Any]:
    return {"proposed": _l("Proposed"), "accepted": _l("Accepted"), "not_started": _l("Not started"),
            "in_progress": _l("In progress"), "done": _l("Done"), "dropped": _l("Dropped")}


def earlier_meetings(s, dialogue: Dialogue) -> list[int]:
    """The ids of the meetings this one follows, nearest first (a series: every earlier meeting)."""
    out: list[int] = []
    followed = dialogue.follows_id
    while followed and followed not in out and len(out) < 100:
        out.append(followed)
        earlier = s.get(Dialogue, followed)
        followed = earlier.follows_id if earlier is not None else None
    return out


def closed_elsewhere(c: Contribution, dialogue_id: int) -> bool:
    """Whether a card was closed (done or dropped) before the meeting `dialogue_id`, so that
    a series' next meeting no longer carries it (one closed in this meeting stays in view)."""
    extra = c.extra or {}
    if extra.get("status") not in CLOSED:
        return False
    history = extra.get("history") or []
    return not history or history[-1].get("dialogue_id") != dialogue_id


def due_label(due: str | None) -> str:
    """A commitment's deadline (stored as YYYY-MM-DD) as people write dates in the current
    language: 30.6.2027 in Finnish, 30 juni 2027 in Swedish."""
    if not due:
        return ""
    try:
        return format_date(dt.date.fromisoformat(due), "medium")
    except ValueError:  # an older card with free text
        return due


def cards_query(s, step: Step, *, hidden: bool = False):
    """The cards of a step (hidden ones too if `hidden`); in a follow-up step, those of the
    meetings followed (a series: of every earlier meeting)."""
    query = select(Contribution).where(Contribution.source == "commitment")
    if not hidden:
        query = query.where(Contribution.hidden.is_(False))
    followed = earlier_meetings(s, s.get(Dialogue, step.dialogue_id)) if step.config.get("follow_up") else []
    if followed:
        query = query.where(Contribution.dialogue_id.in_(followed))
    else:
        query = query.where(Contribution.step_id == step.id)
    return query.order_by(Contribution.id)


def cards(s, step: Step, *, hidden: bool = False, every: bool = False) -> list[Contribution]:
    """The visible cards of a step; in a follow-up step, those of the meetings followed up,
    without the ones closed before this meeting when the step takes only open cards
    (`open_only`, a series) — unless `every` (the report's history)."""
    rows = list(s.scalars(cards_query(s, step, hidden=hidden)))
    if step.config.get("follow_up") and step.config.get("open_only") and not every:
        rows = [c for c in rows if not closed_elsewhere(c, step.dialogue_id)]
    return rows


def item_text(c: Contribution) -> str:
    """A card as an item to rate (e.g. how clear it is): what, and who does it."""
    who = (c.extra or {}).get("who", "")
    return f"{c.text} – {who}" if who else c.text


def card_json(c: Contribution, *, masked: bool) -> dict[str, Any]:
    extra = c.extra or {}
    shown = pii.mask if masked else (lambda t: t)  # an owner or a note may hold personal data too
    return {"id": c.id, "text": shown(c.text), "who": shown(extra.get("who", "")), "due": extra.get("due", ""),
            "status": extra.get("status", "proposed"), "status_note": shown(extra.get("status_note", "")),
            "accepted": extra.get("status", "proposed") != "proposed", "theme_id": c.theme_id,
            "dialogue_id": c.dialogue_id,
            "history": [{"date": h.get("date", ""), "status": h.get("status", ""), "note": shown(h.get("note", "")),
                         "dialogue_id": h.get("dialogue_id")} for h in extra.get("history") or []]}


def history_text(card: dict[str, Any]) -> str:
    """A card's dated status updates in one line: "2027-01-10 In progress; 2027-02-14 Dropped: why"."""
    labels = status_labels()
    return "; ".join(f"{h['date']} {labels.get(h['status'], h['status'])}" + (f": {h['note']}" if h.get("note") else "")
                     for h in card.get("history") or [])


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

    def items_from(self, s, step):
        """Commitment cards (in a follow-up, the followed meetings'), e.g. to rate how clear each is."""
        return cards(s, step, hidden=True), item_text

    def owner_view(self, s, step):
        """The cards a decision-maker's helper page shows to accept (unmasked: staff see them)."""
        return {"cards": [card_json(c, masked=False) for c in cards(s, step)], "status_labels": status_labels()}

    def default_config(self) -> dict[str, Any]:
        # follow_up: a follow-up meeting showing each commitment's status.
        # open_only: a series' review, carrying forward only the cards still open.
        # anyone_proposes: participants propose cards too (the owner or staff accept them).
        return {"phones_down": False, "follow_up": False, "open_only": False, "anyone_proposes": False}

    def participant_context(self, s, step, actor):
        may_accept = actor is not None and actor.declared_role == "decision_maker"
        may_propose = bool(step.config.get("anyone_proposes")) and not step.config.get("follow_up")
        themes = list(s.scalars(select(Theme).where(Theme.dialogue_id == step.dialogue_id).order_by(Theme.id))) \
            if may_propose else []
        return {"cards": [card_json(c, masked=True) for c in cards(s, step)],
                "status_labels": status_labels(), "may_accept": may_accept, "may_propose": may_propose,
                "themes": themes}

    def phone_count(self, s, step):
        """Changes when a card is added, accepted or updated: the phones show the cards and their history."""
        shown = cards(s, step)
        return len(shown) + 1000 * sum(1 + len((c.extra or {}).get("history") or []) for c in shown
                                       if (c.extra or {}).get("status", "proposed") != "proposed")

    def staff_context(self, s, step):
        themes = list(s.scalars(select(Theme).where(Theme.dialogue_id == step.dialogue_id).order_by(Theme.id)))
        return {"cards": [card_json(c, masked=False) for c in cards(s, step)],
                "status_labels": status_labels(), "themes": themes}

    def live_state(self, s, step, *, staff):
        labels = status_labels()
        return {"list": [
            {"text": card["text"],
             "meta": " · ".join(x for x in (card["who"], card["due"], str(labels[card["status"]])) if x)}
            for card in (card_json(c, masked=not staff) for c in cards(s, step))]}

    def export(self, s, step):
        meetings = {d.id: d for d in s.scalars(select(Dialogue).where(
            Dialogue.id.in_([step.dialogue_id, *earlier_meetings(s, s.get(Dialogue, step.dialogue_id))])))}
        out = []
        rows = cards(s, step, every=True)
        # Theme names here: an earlier meeting's card answers a theme of that meeting.
        themes = {t.id: t.name for t in s.scalars(select(Theme).where(
            Theme.id.in_({c.theme_id for c in rows if c.theme_id})))}
        for c in rows:
            card = card_json(c, masked=True)
            card["theme"] = themes.get(c.theme_id, "")
            made = meetings.get(c.dialogue_id)
            # In a series the report says which meeting agreed each card.
            card["meeting"] = (pii.mask(made.title) + (f" ({made.date.isoformat()})" if made.date else "")) if made else ""
            out.append(card)
        return {"commitments": out}

    def in_report(self, step):
        """The cards are on the report's front page; the details do not repeat them."""
        return False

    def key_findings(self, s, row, step, minimum):
        """The commitments made: what, who, by when (cards are staff's and owners' own words,
        not a group of participants, so the small-group rule does not apply)."""
        from dialogue.synthesis.findings import Draft, quote
        cards = step.get("commitments") or []
        if not cards or (row is not None and not self.makes_own_cards(row)):  # a follow-up's cards are another meeting's
            return []
        listed = "; ".join(" – ".join(x for x in (quote(c["text"]), c.get("who", ""), c.get("due", "")) if x)
                           for c in cards[:3])
        more = len(cards) - 3
        text = ngettext("%(num)s commitment was made: %(cards)s.", "%(num)s commitments were made: %(cards)s.",
                        len(cards), cards=listed)
        if more > 0:
            text += " " + ngettext("And %(num)s more.", "And %(num)s more.", more)
        return [Draft(text, "commitments", [step["title"]], weight=len(cards))]

    def report_blocks(self, step: dict[str, Any], blocks: Blocks) -> None:
        """This step's result tables and chart in a report (see `dialogue.export.blocks`)."""
        from dialogue.activities.commitments import status_labels
        labels = status_labels()  # the statuses in the report's language, not their keys
        cards = step.get("commitments") or []
        if cards:
            blocks.tables.append(Table(
                _("Commitments"), [_("What"), _("Who"), _("By when"), _("Status"), _("What was done"),
                                   _("Status history")],
                [[c["text"], c.get("who", ""), due_label(c.get("due")),
                  str(labels.get(c.get("status"), c.get("status", ""))),
                  c.get("status_note", ""), history_text(c)] for c in cards], key="commitments"))


def _card(ctx: CommandContext) -> Contribution:
    card_id = clean_int(ctx.payload.get("contribution_id"), 1, 2**31)
    c = ctx.s.get(Contribution, card_id)
    # A follow-up meeting updates the cards of the dialogue it follows up.
    if c is None or c.source != "commitment" or c.dialogue_id not in (
            ctx.dialogue.id, *earlier_meetings(ctx.s, ctx.dialogue)):
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


#: The most cards one participant proposes in a step (staff write as many as needed).
PROPOSALS_PER_PARTICIPANT = 10


@command("add_commitment", roles=EVERYONE_WHO_WRITES)
def add_commitment(ctx: CommandContext) -> dict:
    """Write an action card: what will be done, who does it, by when (and the theme it answers).
    Staff write cards; participants propose them where the step lets anyone propose."""
    step = ctx.open_step(kind="commitments")
    if not ctx.actor.is_staff:
        if not step.config.get("anyone_proposes") or step.config.get("follow_up"):
            ctx.fail(_l("In this step the facilitator writes the action cards."))
        mine = ctx.s.scalar(select(func.count()).select_from(Contribution).where(
            Contribution.step_id == step.id, Contribution.participant_id == ctx.actor.participant_id))
        if mine >= PROPOSALS_PER_PARTICIPANT:
            ctx.fail(_l("You have proposed the largest number of cards already."))
    text = clean_text(ctx.payload.get("text"), 500)
    who = clean_text(ctx.payload.get("who"), 120, multiline=False)
    due = _clean_due(ctx.payload.get("due"))
    theme_id = None
    if ctx.payload.get("theme_id") not in (None, ""):
        theme = ctx.s.get(Theme, clean_int(ctx.payload.get("theme_id"), 1, 2**31))
        if theme is None or theme.dialogue_id != ctx.dialogue.id:
            ctx.fail(_l("This theme does not exist."))
        theme_id = theme.id  # the theme the card answers
    c = Contribution(dialogue_id=ctx.dialogue.id, step_id=step.id, source="commitment", text=text, theme_id=theme_id,
                     helper_id=ctx.actor.helper_id, participant_id=ctx.actor.participant_id,
                     author_role=ctx.actor.declared_role,
                     extra={"who": who, "due": due, "status": "proposed", "status_note": ""},
                     pii=bool(pii.find(text)))
    ctx.s.add(c)
    ctx.s.flush()
    ctx.changed(wall=True, everyone=True)  # the phones list the cards too
    ctx.audit("add_commitment", contribution_id=c.id)
    return {"id": c.id, "message": str(_l("The commitment was added."))}


@command("accept_commitment", roles=EVERYONE_WHO_WRITES)
def accept_commitment(ctx: CommandContext) -> dict:
    """The owner (a decision-maker) accepts a proposed commitment."""
    if not (ctx.actor.is_staff or ctx.actor.declared_role == "decision_maker"):
        ctx.fail(_l("Only decision-makers and staff accept commitments."))
    c = _card(ctx)
    if c.extra.get("status", "proposed") == "proposed":
        entry = {"date": dt.date.today().isoformat(), "status": "accepted", "note": "", "dialogue_id": ctx.dialogue.id}
        c.extra = {**c.extra, "status": "accepted", "history": [*(c.extra.get("history") or []), entry][-HISTORY_MAX:]}
    ctx.changed(wall=True, everyone=True)
    ctx.audit("accept_commitment", contribution_id=c.id)
    return {"id": c.id, "message": str(_l("Accepted. Thank you."))}


# Following up what was done happens after the meeting: allowed when closed, too.
@command("commitment_status", roles=STAFF, when=AFTERWARDS)
def commitment_status(ctx: CommandContext) -> dict:
    """Follow-up: set a commitment's status and a short note of what was done."""
    c = _card(ctx)
    status = ctx.payload.get("status")
    if status not in STATUSES:
        ctx.fail(_l("The choice is not valid."))
    note = clean_text(ctx.payload.get("status_note"), 500, required=False)
    if status == "dropped" and not note:
        ctx.fail(_l("Tell why the commitment was dropped."))
    # Each update is dated and names the meeting where it was made (a series' history).
    entry = {"date": dt.date.today().isoformat(), "status": status, "note": note, "dialogue_id": ctx.dialogue.id}
    history = [*(c.extra.get("history") or []), entry][-HISTORY_MAX:]
    c.extra = {**c.extra, "status": status, "status_note": note, "history": history}
    ctx.changed(wall=True, everyone=True)
    ctx.audit("commitment_status", contribution_id=c.id, status=status)
    return {"id": c.id, "status": status}
