"""Key findings: staff draft them from the data, edit, reorder, merge, delete, add their own
and approve them. Only approved findings are published or exported as key findings.

Drafting again replaces the drafts that are still unapproved and untouched by staff,
and keeps the approved findings and staff's own (written or edited) ones. Editing an
approved finding withdraws its approval: what was approved is the text that was read.
"""
from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from dialogue.actors import FACILITATOR_ONLY
from dialogue.commands.core import AFTERWARDS, CommandContext, command
from dialogue.commands.themes import clean_ids
from dialogue.models import Finding
from dialogue.synthesis import pii
from dialogue.synthesis.findings import draft_findings
from dialogue.textclean import clean_bool, clean_int, clean_text

MAX_TEXT = 1200
MAX_NOTE = 200
MAX_FINDINGS = 30
#: The source of a finding staff wrote or changed (drafting again keeps it).
STAFF_SOURCE = "staff"


def findings_of(s: Session, dialogue_id: int, *, approved_only: bool = False) -> list[Finding]:
    """The dialogue's findings in their order (only the approved ones if `approved_only`)."""
    query = select(Finding).where(Finding.dialogue_id == dialogue_id)
    if approved_only:
        query = query.where(Finding.approved.is_(True))
    return list(s.scalars(query.order_by(Finding.position, Finding.id)))


def export_findings(s: Session, dialogue_id: int) -> list[dict[str, Any]]:
    """The approved key findings for the report model: masked text and what each rests on."""
    return [{"text": pii.mask(f.text), "basis": f.basis or {}, "position": n}
            for n, f in enumerate(findings_of(s, dialogue_id, approved_only=True), 1)]


def _finding(ctx: CommandContext, key: str = "finding_id") -> Finding:
    finding = ctx.s.get(Finding, clean_int(ctx.payload.get(key), 1, 2**31))
    if finding is None or finding.dialogue_id != ctx.dialogue.id:
        ctx.fail(_l("This finding does not exist."))
    return finding


def _renumber(findings: list[Finding]) -> None:
    for n, f in enumerate(findings):
        f.position = n


def _next_position(ctx: CommandContext) -> int:
    top = ctx.s.scalar(select(func.max(Finding.position)).where(Finding.dialogue_id == ctx.dialogue.id))
    return 0 if top is None else top + 1


def _room_for(ctx: CommandContext, n: int) -> None:
    count = ctx.s.scalar(select(func.count()).select_from(Finding).where(Finding.dialogue_id == ctx.dialogue.id))
    if count + n > MAX_FINDINGS:
        ctx.fail(_l("This dialogue has the largest number of findings already."))


@command("finding_draft", roles=FACILITATOR_ONLY, audit=True, when=AFTERWARDS)
def finding_draft(ctx: CommandContext) -> dict:
    """Draft key findings from the dialogue's data (again: unapproved drafts are replaced)."""
    ctx.s.execute(delete(Finding).where(Finding.dialogue_id == ctx.dialogue.id, Finding.approved.is_(False),
                                        Finding.source != STAFF_SOURCE))
    drafts = draft_findings(ctx.s, ctx.dialogue)
    _room_for(ctx, len(drafts))
    position = _next_position(ctx)
    for n, draft in enumerate(drafts):
        ctx.s.add(Finding(dialogue_id=ctx.dialogue.id, text=draft.text[:MAX_TEXT], basis=draft.basis(),
                          position=position + n, source=draft.source))
    ctx.s.flush()
    if not drafts:
        return {"drafted": 0, "message": str(_l("The data does not support any findings yet: too few people "
                                                "took part, or nothing has been grouped into themes."))}
    return {"drafted": len(drafts), "message": str(_l("Findings were drafted. Check them, edit and approve."))}


@command("finding_add", roles=FACILITATOR_ONLY, audit=True, when=AFTERWARDS)
def finding_add(ctx: CommandContext) -> dict:
    """Add a finding of staff's own, with an optional note on what it rests on."""
    text = clean_text(ctx.payload.get("text"), MAX_TEXT)
    note = clean_text(ctx.payload.get("note"), MAX_NOTE, required=False, multiline=False)
    _room_for(ctx, 1)
    finding = Finding(dialogue_id=ctx.dialogue.id, text=text, basis={"note": note} if note else {},
                      position=_next_position(ctx), source=STAFF_SOURCE)
    ctx.s.add(finding)
    ctx.s.flush()
    return {"finding_id": finding.id, "message": str(_l("The finding was added."))}


@command("finding_edit", roles=FACILITATOR_ONLY, audit=True, when=AFTERWARDS)
def finding_edit(ctx: CommandContext) -> dict:
    """Change a finding's text; an approved finding goes back to draft until approved again."""
    finding = _finding(ctx)
    text = clean_text(ctx.payload.get("text"), MAX_TEXT)
    if text != finding.text:
        finding.text, finding.source = text, STAFF_SOURCE
        was_approved, finding.approved = finding.approved, False
        if was_approved:
            return {"finding_id": finding.id,
                    "message": str(_l("The finding was changed. Approve it again to publish it."))}
    return {"finding_id": finding.id, "message": str(_l("The finding was saved."))}


@command("finding_move", roles=FACILITATOR_ONLY, audit=True, when=AFTERWARDS)
def finding_move(ctx: CommandContext) -> dict:
    """Move a finding one place up or down."""
    finding = _finding(ctx)
    direction = ctx.payload.get("direction")
    if direction not in ("up", "down"):
        ctx.fail(_l("Choose up or down."))
    findings = findings_of(ctx.s, ctx.dialogue.id)
    i = findings.index(finding)
    j = i - 1 if direction == "up" else i + 1
    if 0 <= j < len(findings):
        findings[i], findings[j] = findings[j], findings[i]
    _renumber(findings)
    return {"finding_id": finding.id, "message": str(_l("The finding was moved."))}


@command("finding_merge", roles=FACILITATOR_ONLY, audit=True, when=AFTERWARDS)
def finding_merge(ctx: CommandContext) -> dict:
    """Merge findings `merge_ids` into `finding_id`: texts joined, bases combined, the others deleted.
    The merged finding is a draft again (its text is new)."""
    keep = _finding(ctx)
    others = []
    for other_id in clean_ids(ctx.payload.get("merge_ids")):
        if other_id == keep.id:
            continue
        other = ctx.s.get(Finding, other_id)
        if other is None or other.dialogue_id != ctx.dialogue.id:
            ctx.fail(_l("This finding does not exist."))
        others.append(other)
    if not others:
        ctx.fail(_l("Choose the findings to merge."))
    text = " ".join([keep.text] + [o.text for o in others])
    if len(text) > MAX_TEXT:
        ctx.fail(_l("The merged text would be too long. Shorten the findings first."))
    keep.text, keep.basis = text, merged_basis([keep.basis] + [o.basis for o in others])
    keep.approved, keep.source = False, STAFF_SOURCE
    for other in others:
        ctx.s.delete(other)
    ctx.s.flush()
    _renumber(findings_of(ctx.s, ctx.dialogue.id))
    return {"finding_id": keep.id, "merged": [o.id for o in others], "message": str(_l("The findings were merged."))}


def merged_basis(bases: list[dict[str, Any]]) -> dict[str, Any]:
    """What merged findings rest on: every step; the most people any of them rests on (the same
    people may be behind each, so they are not added up); the contributions added up."""
    out: dict[str, Any] = {"steps": list(dict.fromkeys(t for b in bases for t in (b or {}).get("steps") or []))}
    people = [b["people"] for b in bases if (b or {}).get("people")]
    if people:
        out["people"] = max(people)
    contributions = sum((b or {}).get("contributions") or 0 for b in bases)
    if contributions:
        out["contributions"] = contributions
    notes = [b["note"] for b in bases if (b or {}).get("note")]
    if notes:
        out["note"] = "; ".join(notes)[:MAX_NOTE]
    return out


@command("finding_delete", roles=FACILITATOR_ONLY, audit=True, when=AFTERWARDS)
def finding_delete(ctx: CommandContext) -> dict:
    """Delete a finding."""
    finding = _finding(ctx)
    ctx.s.delete(finding)
    ctx.s.flush()
    _renumber(findings_of(ctx.s, ctx.dialogue.id))
    return {"finding_id": finding.id, "message": str(_l("The finding was deleted."))}


@command("finding_approve", roles=FACILITATOR_ONLY, audit=True, when=AFTERWARDS)
def finding_approve(ctx: CommandContext) -> dict:
    """Approve a finding for the published page and the exports (or take the approval back)."""
    finding = _finding(ctx)
    finding.approved = clean_bool(ctx.payload.get("approved", True))
    message = _l("The finding was approved.") if finding.approved else _l("The finding is a draft again.")
    return {"finding_id": finding.id, "approved": finding.approved, "message": str(message)}


@command("finding_to_register", roles=FACILITATOR_ONLY, audit=True, when=AFTERWARDS)
def finding_to_register(ctx: CommandContext) -> dict:
    """Send an approved finding to a findings register: as a new entry (`register_id`, `area`,
    optional `responder_id` and `text`), or linked to an entry heard before (`entry_id`)."""
    from dialogue import registers  # late: registers reads the report model's helpers
    finding = _finding(ctx)
    entry_id = ctx.payload.get("entry_id")
    try:
        if entry_id not in (None, ""):
            entry, new = registers.send_finding(ctx.s, finding, ctx.dialogue, entry_id=clean_int(entry_id, 1, 2**31))
        else:
            responder = ctx.payload.get("responder_id")
            text = clean_text(ctx.payload.get("text"), registers.MAX_TEXT, required=False)
            entry, new = registers.send_finding(
                ctx.s, finding, ctx.dialogue, register_id=clean_int(ctx.payload.get("register_id"), 1, 2**31),
                area=str(ctx.payload.get("area") or "")[:40], text=text,
                responder_id=clean_int(responder, 1, 2**31) if responder not in (None, "") else None)
    except registers.RegisterError as exc:
        ctx.fail(exc.message)
    message = _l("The finding was sent to the register.") if new else \
        _l("The finding was linked to the register entry heard before.")
    return {"finding_id": finding.id, "entry_id": entry.id, "message": str(message)}
