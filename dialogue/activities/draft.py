"""`draft`: a statement of numbered sections (recommendations) that a group writes and the
jury decides on.

Each section keeps every version (`DraftVersion`). An edit names the version it started
from; if the text changed meanwhile the edit is refused and kept (`DraftConflict`), and
the writer's page shows both texts so they merge them: nothing is overwritten silently.
Participants vote on each section (agree / disagree / can't say), on amendments (a
proposed new text and a reason, which the facilitator accepts as the section's new
version or rejects) and on the whole statement (final approval); they write or join
minority statements, published with the number who joined, never who.

The steps of a jury share one document: a draft step whose `source_step` is an earlier
draft step works on that step's sections; if that step was worked by table, its tables'
sections are merged (copied, once each) into this step's own numbered set instead.
The step's settings say what participants do in it (write, support, amendments,
minority statements, final approval); the votes stay hidden until the facilitator shows
them (`hide_results`, the `reveal` command) and are reported as counts and shares.
"""
from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from dialogue import tables
from dialogue.activities import voting
from dialogue.activities.base import SETTING_LABELS, Activity, PaperQuestion, register
from dialogue.actors import (
    EVERYONE_WHO_WRITES,
    FACILITATOR,
    FACILITATOR_ONLY,
    HELPER,
    PARTICIPANTS_ONLY,
    RESPONDENT,
    STAFF,
    Actor,
)
from dialogue.commands.core import AFTERWARDS, ALWAYS, CommandContext, command
from dialogue.export.blocks import Blocks, Table, chart_ident, percent
from dialogue.models import (
    DraftAmendment,
    DraftConflict,
    DraftMinority,
    DraftResponse,
    DraftSection,
    DraftVersion,
    DraftVote,
    Step,
    utcnow,
)
from dialogue.synthesis import charts, pii, tally
from dialogue.textclean import InvalidInput, clean_bool, clean_int, clean_text

SECTION_MAX = 2000
REASON_MAX = 500
MINORITY_MAX = 1000
RESPONSE_MAX = 8000
MAX_SECTIONS = 60
#: Amendments and minority statements one participant may write in one document (flood guard).
PER_PARTICIPANT = 10
AGREE, DISAGREE, CANT_SAY = 1, -1, 0
VALUES = {"agree": AGREE, "disagree": DISAGREE, "cant_say": CANT_SAY}
NAMES = {v: k for k, v in VALUES.items()}
#: Vote kinds (DraftVote.kind): what the target id names.
SUPPORT, AMENDMENT, FINAL, MINORITY = "support", "amendment", "final", "minority"
#: At most this many recommendations are drafted as key findings (the front page stays short).
MAX_KEY_RECOMMENDATIONS = 4
SETTINGS = {
    "writing": _l("Participants and table hosts write and edit the sections"),
    "support": _l("Support vote on each section"),
    "amendments": _l("Participants propose amendments and vote on them"),
    "minority": _l("Participants write or join minority statements"),
    "final_approval": _l("Final approval of the whole statement"),
    "source_step": _l("The draft of the step (its position): the same text, or the tables' drafts merged"),
}
NOT_AVAILABLE = _l("This section is not available. Reload the page to see the current text.")


def value_labels() -> dict[str, Any]:
    """The three answers, by name."""
    return {"agree": _l("Agree"), "disagree": _l("Disagree"), "cant_say": _l("Can't say")}


def writer_labels() -> dict[str, Any]:
    """Who wrote a version, as staff see it (never who in person)."""
    return {"participant": _l("participant"), "table_host": _l("table host"), "facilitator": _l("facilitator")}


def writer_kind(actor: Actor) -> str:
    """The kind of writer an actor is, for the version history."""
    if actor.role == FACILITATOR:
        return "facilitator"
    return "table_host" if actor.role == HELPER else "participant"


# -- the document --------------------------------------------------------------------------

def document_step(s: Session, step: Step) -> Step:
    """The step whose sections `step` works on: an earlier draft step not worked by table
    named by `source_step` (followed back), else the step itself."""
    source = voting.source_step(s, step)
    if source is not None and source.kind == "draft" and not tables.by_table(source):
        return document_step(s, source)
    return step


def sections_of(s: Session, step_id: int, table_id: int | None = None, *, hidden: bool = False) -> list[DraftSection]:
    """A document's sections in order; with `table_id`, one table's view (its own and the shared ones)."""
    query = select(DraftSection).where(DraftSection.step_id == step_id)
    if not hidden:
        query = query.where(DraftSection.hidden.is_(False))
    if table_id is not None:
        query = query.where((DraftSection.table_id.is_(None)) | (DraftSection.table_id == table_id))
    return list(s.scalars(query.order_by(DraftSection.table_id.is_not(None), DraftSection.table_id,
                                         DraftSection.number, DraftSection.id)))


def _next_number(s: Session, step_id: int, table_id: int | None) -> int:
    query = select(func.max(DraftSection.number)).where(DraftSection.step_id == step_id)
    query = query.where(DraftSection.table_id.is_(None) if table_id is None else DraftSection.table_id == table_id)
    return (s.scalar(query) or 0) + 1


def add_section(s: Session, step: Step, text: str, by: str, table_id: int | None = None,
                origin_id: int | None = None) -> DraftSection:
    """A new section at the end of the document (or of its table's part), with its first version."""
    section = DraftSection(step_id=step.id, table_id=table_id, origin_id=origin_id, text=text, version=1,
                           number=_next_number(s, step.id, table_id))
    s.add(section)
    s.flush()
    s.add(DraftVersion(section_id=section.id, number=1, text=text, by=by))
    s.flush()
    return section


def new_version(s: Session, section: DraftSection, text: str, by: str, amendment_id: int | None = None) -> None:
    """Make `text` the section's newest version; the earlier ones stay in its history."""
    section.version += 1
    section.text = text
    s.add(DraftVersion(section_id=section.id, number=section.version, text=text, by=by, amendment_id=amendment_id))
    s.flush()


def merge_tables(s: Session, step: Step) -> int:
    """Copy the sections of the tables of this step's source step (worked by table) into
    this step's one numbered set, table by table; each once. Returns how many were copied."""
    source = voting.source_step(s, step)
    if source is None or source.kind != "draft" or not tables.by_table(source) or tables.by_table(step):
        return 0
    copied = set(s.scalars(select(DraftSection.origin_id).where(DraftSection.step_id == step.id,
                                                               DraftSection.origin_id.is_not(None))))
    order = {t.id: n for n, t in enumerate(tables.tables_of(s, step.dialogue_id))}
    rows = [r for r in sections_of(s, source.id) if r.id not in copied]
    rows.sort(key=lambda r: (order.get(r.table_id, len(order)), r.number, r.id))
    for row in rows:
        add_section(s, step, row.text, "facilitator", origin_id=row.id)
    return len(rows)


# -- counts ---------------------------------------------------------------------------------

def counts(s: Session, kind: str, target_ids: list[int]) -> dict[int, dict[str, Any]]:
    """Agree / disagree / can't say counts and shares per target (aggregates only)."""
    out = {t: {name: 0 for name in VALUES} for t in target_ids}
    if target_ids:
        rows = s.execute(select(DraftVote.target_id, DraftVote.value, func.count()).where(
            DraftVote.kind == kind, DraftVote.target_id.in_(target_ids)).group_by(DraftVote.target_id, DraftVote.value))
        for target, value, n in rows:
            if value in NAMES:
                out[target][NAMES[value]] = n
    for row in out.values():
        row["votes"] = sum(row[name] for name in VALUES)
        row["shares"] = {name: tally.share(row[name], row["votes"]) for name in VALUES}
    return out


def joined(s: Session, minority_ids: list[int]) -> dict[int, int]:
    """How many joined each minority statement."""
    if not minority_ids:
        return {}
    return dict(s.execute(select(DraftVote.target_id, func.count()).where(
        DraftVote.kind == MINORITY, DraftVote.target_id.in_(minority_ids)).group_by(DraftVote.target_id)).all())


def document(s: Session, doc: Step, *, masked: bool = True, staff: bool = False,
             table_id: int | None = None) -> dict[str, Any]:
    """The document with its history, amendments, minority statements and vote counts.

    `staff` adds who wrote each version as a kind of writer; never anyone's identity.
    """
    mask = pii.mask if masked else (lambda t: t)
    rows = sections_of(s, doc.id, table_id, hidden=staff)
    ids = [r.id for r in rows]
    versions: dict[int, list[DraftVersion]] = {i: [] for i in ids}
    amendments: dict[int, list[DraftAmendment]] = {i: [] for i in ids}
    minorities: dict[int, list[DraftMinority]] = {i: [] for i in ids}
    if ids:
        for v in s.scalars(select(DraftVersion).where(DraftVersion.section_id.in_(ids)).order_by(DraftVersion.number)):
            versions[v.section_id].append(v)
        query = select(DraftAmendment).where(DraftAmendment.section_id.in_(ids)).order_by(DraftAmendment.id)
        for a in s.scalars(query if staff else query.where(DraftAmendment.hidden.is_(False))):
            amendments[a.section_id].append(a)
        query = select(DraftMinority).where(DraftMinority.section_id.in_(ids)).order_by(DraftMinority.id)
        for m in s.scalars(query if staff else query.where(DraftMinority.hidden.is_(False))):
            minorities[m.section_id].append(m)
    support = counts(s, SUPPORT, ids)
    amendment_votes = counts(s, AMENDMENT, [a.id for rows_ in amendments.values() for a in rows_])
    joins = joined(s, [m.id for rows_ in minorities.values() for m in rows_])
    names = tables.table_names(s, doc.dialogue_id)
    labels = writer_labels()
    sections = []
    for r in rows:
        number_of = {a.id: n for n, a in enumerate(amendments[r.id], 1)}
        sections.append({
            "id": r.id, "number": r.number, "text": mask(r.text), "version": r.version, "hidden": r.hidden,
            **({"table_id": r.table_id, "table": names.get(r.table_id, "")} if r.table_id else {}),
            "versions": [{"number": v.number, "text": mask(v.text),
                          "amendment": number_of.get(v.amendment_id) if v.amendment_id else None,
                          **({"by": str(labels.get(v.by, v.by))} if staff else {})} for v in versions[r.id]],
            "support": support[r.id],
            "amendments": [{"id": a.id, "number": number_of[a.id], "text": mask(a.text), "reason": mask(a.reason),
                            "status": a.status, "base_version": a.base_version, "hidden": a.hidden,
                            "votes": amendment_votes[a.id]} for a in amendments[r.id]],
            "minority": [{"id": m.id, "text": mask(m.text), "joined": joins.get(m.id, 0), "hidden": m.hidden}
                         for m in minorities[r.id]],
        })
        if staff:  # personal data in the texts, flagged to staff (masked for everyone else)
            texts = [r.text, *(a.text + " " + a.reason for a in amendments[r.id]),
                     *(m.text for m in minorities[r.id])]
            sections[-1]["pii"] = sorted({kind for text in texts for kind in pii.find(text)})
    voters = s.scalar(select(func.count(func.distinct(DraftVote.participant_id))).where(
        DraftVote.step_id.in_(select(Step.id).where(Step.dialogue_id == doc.dialogue_id, Step.kind == "draft")),
        DraftVote.kind != MINORITY)) or 0
    response = s.scalar(select(DraftResponse.text).where(DraftResponse.step_id == doc.id)) or ""
    return {"document_step_id": doc.id, "sections": sections, "final": counts(s, FINAL, [doc.id])[doc.id],
            "voters": voters, "response": mask(response)}


@register
class Draft(Activity):
    key = "draft"
    participant_template = "activities/draft.html"
    staff_template = "activities/draft_staff.html"
    supports_tables = True
    helper_writes = True  # a table host may write the group's draft

    def label(self):
        return _l("Draft statement")

    def default_config(self) -> dict[str, Any]:
        # writing / support / amendments / minority / final_approval: what participants do in
        # this step; source_step: the earlier draft step whose text this step works on.
        return {"phones_down": False, "hide_results": True, "writing": True, "support": False,
                "amendments": False, "minority": False, "final_approval": False, "source_step": None}

    def config_labels(self) -> dict[str, Any]:
        return {**SETTING_LABELS, **SETTINGS}

    def clean_config(self, config):
        config = super().clean_config(config)
        for flag in ("phones_down", "hide_results", "writing", "support", "amendments", "minority",
                     "final_approval", "by_table"):
            if not isinstance(config.get(flag), bool):
                raise ValueError(f"{flag} must be true or false")
        source = config.get("source_step")
        if source is not None and (isinstance(source, bool) or not isinstance(source, int) or source < 0):
            raise ValueError("source_step must be the position of an earlier step")
        return config

    def on_enter(self, s, step):
        """The tables' drafts of the source step are merged when this step begins."""
        merge_tables(s, step)

    def paper_questions(self, s, step):
        doc = document_step(s, step)
        boxes = tuple(str(v) for v in value_labels().values())
        questions = []
        if step.config.get("support"):
            questions += [PaperQuestion(f"{r.number}. {pii.mask(r.text)}", boxes) for r in sections_of(s, doc.id)]
        if step.config.get("final_approval"):
            questions.append(PaperQuestion(str(_l("Do you approve the whole statement?")), boxes))
        return questions

    def participant_context(self, s, step, actor):
        doc = document_step(s, step)
        table_id = tables.visible_table(actor) if actor is not None else None
        data = document(s, doc, table_id=table_id)
        pid = actor.participant_id if actor is not None else None
        mine: dict[tuple[str, int], str] = {}
        if pid is not None:
            for kind, target, value in s.execute(select(DraftVote.kind, DraftVote.target_id, DraftVote.value).where(
                    DraftVote.participant_id == pid)):
                mine[(kind, target)] = NAMES.get(value, "")
        conflicts = {}
        if actor is not None and data["sections"]:
            conflicts = {c.section_id: c for c in s.scalars(select(DraftConflict).where(
                DraftConflict.writer == actor.key,
                DraftConflict.section_id.in_([r["id"] for r in data["sections"]])))}
        may_write = bool(actor is not None and (actor.role == FACILITATOR or step.config.get("writing")))
        if tables.by_table(step) and actor is not None and actor.role != FACILITATOR and table_id is None:
            may_write = False  # a participant without a table chooses one first
        return {"draft": data, "mine": mine, "conflicts": conflicts, "may_write": may_write,
                "results_shown": voting.results_visible(step, staff=False),
                "voting_closed": step.voting_closed, "value_labels": value_labels(),
                "draft_max": SECTION_MAX, "reason_max": REASON_MAX, "minority_max": MINORITY_MAX}

    def staff_context(self, s, step):
        doc = document_step(s, step)
        source = voting.source_step(s, step)
        return {"draft": document(s, doc, masked=False, staff=True), "document_step": doc,
                "merges": bool(source is not None and source.kind == "draft" and tables.by_table(source)),
                "value_labels": value_labels(), "tables": tables.tables_of(s, step.dialogue_id),
                "draft_max": SECTION_MAX, "screen": self.live_state(s, step, staff=True)}

    def phone_count(self, s, step):
        """Changes whenever what the jury reads changes: a section or a version, an amendment
        (proposed or decided) or a minority statement, so others' work reaches every phone."""
        doc = document_step(s, step)
        sections = select(DraftSection.id).where(DraftSection.step_id == doc.id, DraftSection.hidden.is_(False))
        texts = s.execute(select(func.count(), func.coalesce(func.sum(DraftSection.version), 0)).where(
            DraftSection.step_id == doc.id, DraftSection.hidden.is_(False))).one()
        amendments = s.execute(select(func.count(), func.count(DraftAmendment.id).filter(
            DraftAmendment.status != "open")).where(DraftAmendment.section_id.in_(sections),
                                                    DraftAmendment.hidden.is_(False))).one()
        minorities = s.scalar(select(func.count()).select_from(DraftMinority).where(
            DraftMinority.section_id.in_(sections), DraftMinority.hidden.is_(False))) or 0
        return int(texts[0] + texts[1] + amendments[0] + amendments[1] + minorities)

    def live_state(self, s, step, *, staff):
        """The screen's view: each section's text with its support, open amendments with
        their votes, and the final approval (aggregates only)."""
        data = document(s, document_step(s, step), masked=not staff)
        labels = value_labels()

        def bars(row):
            return [tally.bar(str(labels[name]), row[name], row["votes"],
                              f"{round(100 * row['shares'][name])} % ({row[name]})") for name in VALUES]
        groups = []
        for section in data["sections"]:
            groups.append({"title": f"{section['number']}. {section['text']}",
                           "bars": bars(section["support"]) if step.config.get("support") else []})
            if step.config.get("amendments"):
                for a in section["amendments"]:
                    if a["status"] == "open":
                        groups.append({"title": _("Amendment %(n)s to section %(section)s: %(text)s",
                                                  n=a["number"], section=section["number"], text=a["text"]),
                                       "bars": bars(a["votes"])})
        if step.config.get("final_approval"):
            groups.append({"title": _("Final approval of the whole statement"), "bars": bars(data["final"])})
        return {"kind": self.key, "participants": data["voters"], "bars": [], "groups": groups}

    def while_hidden(self, s, step):
        """The sections (and open amendments) under discussion, without their support."""
        shown = self.live_state(s, step, staff=False)
        return {**shown, "groups": [{"title": g["title"], "bars": []} for g in shown["groups"]]}

    def export(self, s, step):
        doc = document_step(s, step)
        if doc.id != step.id:
            return {"document_step_id": doc.id}
        return {"draft": document(s, doc)}

    def summary_points(self, step):
        data = step.get("draft") or {}
        final = data.get("final") or {}
        if not final.get("votes"):
            return []
        return [_("%(share)s of those who answered approved the whole statement (%(n)s of %(total)s).",
                  share=percent(final["shares"]["agree"]), n=final["agree"], total=final["votes"])]

    def key_findings(self, s, row, step, minimum):
        """The recommendations the jury stands behind most clearly, each with its support (the
        share who agreed of those who answered); a section fewer than `minimum` answered says nothing."""
        from dialogue.synthesis.findings import Draft, quote
        sections = [r for r in (step.get("draft") or {}).get("sections") or []
                    if not r.get("hidden") and r["support"]["votes"] >= minimum]
        strongest = sorted(sections, key=lambda r: -r["support"]["shares"]["agree"])[:MAX_KEY_RECOMMENDATIONS]
        return [Draft(_("Recommendation %(number)s: %(text)s – %(share)s agreed (%(n)s of %(total)s).",
                        number=r["number"], text=quote(r["text"]), share=percent(r["support"]["shares"]["agree"]),
                        n=r["support"]["agree"], total=r["support"]["votes"]),
                      "common_ground", [step["title"]], r["support"]["votes"], weight=r["support"]["shares"]["agree"])
                for r in strongest]

    def report_blocks(self, step, blocks: Blocks) -> None:
        """The sections with their support, the amendments and minority statements, the final approval."""
        data = step.get("draft")
        if not data:
            return
        add_draft_blocks(data, blocks)
        sections = [r for r in data.get("sections") or [] if not r.get("hidden")]
        if any(r["support"]["votes"] for r in sections):
            blocks.chart = charts.diverging_chart(
                [(f"{r['number']}. {r['text']}", r["support"]["agree"], r["support"]["disagree"],
                  r["support"]["cant_say"]) for r in sections],
                title=step["title"], labels=(_("agree"), _("disagree"), _("can't say")), ident=chart_ident(step))


def add_draft_blocks(data: dict[str, Any], blocks: Blocks) -> None:
    """A document's tables for a report (also the method's public statement)."""
    sections = [r for r in data.get("sections") or [] if not r.get("hidden")]
    rows = [[r["number"], r["text"], r["support"]["agree"], r["support"]["disagree"], r["support"]["cant_say"],
             percent(r["support"]["shares"]["agree"]), percent(r["support"]["shares"]["disagree"])]
            for r in sections]
    if rows:
        blocks.tables.append(Table(_("Recommendations and their support"),
                                   [_("No."), _("Text"), _("Agree"), _("Disagree"), _("Can't say"),
                                    _("Agree %"), _("Disagree %")], rows, key="results"))
    amendment_rows = [[r["number"], a["number"], a["text"], a["reason"], status_label(a["status"]),
                       a["votes"]["agree"], a["votes"]["disagree"], a["votes"]["cant_say"]]
                      for r in sections for a in r["amendments"] if not a.get("hidden")]
    if amendment_rows:
        blocks.tables.append(Table(_("Amendments"), [_("Section"), _("Amendment"), _("Proposed text"), _("Reason"),
                                                     _("Decision"), _("Agree"), _("Disagree"), _("Can't say")],
                                   amendment_rows, key="draft_amendments"))
    minority_rows = [[r["number"], m["text"], m["joined"]] for r in sections for m in r["minority"]
                     if not m.get("hidden")]
    if minority_rows:
        blocks.tables.append(Table(_("Minority statements"), [_("Section"), _("Statement"), _("Joined")],
                                   minority_rows, key="draft_minority"))
    if data.get("response"):
        # The answer to the statement ("you said – we did"): in every format and on the published page.
        blocks.tables.append(Table(_("Response of the commissioning body"), [_("Response")], [[data["response"]]],
                                   key="response"))
    final = data.get("final") or {}
    if final.get("votes"):
        blocks.facts.append((_("Final approval: agree"), f"{final['agree']} ({percent(final['shares']['agree'])})"))
        blocks.facts.append((_("Final approval: disagree"),
                             f"{final['disagree']} ({percent(final['shares']['disagree'])})"))
        blocks.facts.append((_("Final approval: can't say"),
                             f"{final['cant_say']} ({percent(final['shares']['cant_say'])})"))


def status_label(status: str) -> str:
    """An amendment's state for people."""
    return str({"open": _l("Open"), "accepted": _l("Accepted"), "rejected": _l("Rejected")}.get(status, status))


# -- commands -----------------------------------------------------------------------------

def _draft_step(ctx: CommandContext) -> tuple[Step, Step]:
    """The payload's draft step (open now) and the step whose document it works on."""
    step = ctx.open_step("draft")
    return step, document_step(ctx.s, step)


def _switch(ctx: CommandContext, step: Step, setting: str, message) -> None:
    """Refuse unless this step takes this kind of answer now."""
    if not step.config.get(setting):
        ctx.fail(message)
    if step.voting_closed and not ctx.actor.is_staff:
        ctx.fail(_l("Voting has ended in this step."))


def _section(ctx: CommandContext, doc: Step | None = None) -> DraftSection:
    """The payload's section: of this dialogue (of `doc`, if given), not hidden, at a table the actor may see."""
    try:
        section_id = clean_int(ctx.payload.get("section_id"), 1, 2**31)
    except InvalidInput:
        ctx.fail(NOT_AVAILABLE)
    section = ctx.s.get(DraftSection, section_id)
    step = ctx.s.get(Step, section.step_id) if section is not None else None
    if step is None or step.dialogue_id != ctx.dialogue.id or (doc is not None and step.id != doc.id) \
            or (section.hidden and not ctx.actor.is_staff) or not tables.may_see(ctx.actor, section.table_id):
        ctx.fail(NOT_AVAILABLE)
    return section


def _vote_value(ctx: CommandContext) -> int:
    name = ctx.payload.get("vote")
    if not isinstance(name, str) or name not in VALUES:
        ctx.fail(_l("Choose agree, disagree or can't say."))
    return VALUES[name]


def _set_vote(ctx: CommandContext, step: Step, kind: str, target_id: int, value: int | None) -> None:
    """One participant's answer per target: insert, change or (None) remove."""
    participant_id = voting.lock_voter(ctx)
    vote = ctx.s.scalar(select(DraftVote).where(DraftVote.participant_id == participant_id, DraftVote.kind == kind,
                                                DraftVote.target_id == target_id))
    if value is None:
        if vote is not None:
            ctx.s.delete(vote)
    elif vote is None:
        ctx.s.add(DraftVote(step_id=step.id, kind=kind, target_id=target_id, participant_id=participant_id,
                            value=value))
    else:
        vote.value = value
    ctx.s.flush()
    ctx.changed(tally=True)


def _may_write(ctx: CommandContext, step: Step) -> None:
    if ctx.actor.role != FACILITATOR and not step.config.get("writing"):
        ctx.fail(_l("In this step the text is not edited."))


@command("draft_add_section", roles=EVERYONE_WHO_WRITES)
def draft_add_section(ctx: CommandContext) -> dict:
    """Add a numbered section (at the writer's table, in a step worked by table)."""
    step, doc = _draft_step(ctx)
    _may_write(ctx, step)
    text = clean_text(ctx.payload.get("text"), SECTION_MAX)
    table_id = ctx.table_for(step) if doc.id == step.id else None
    if len(sections_of(ctx.s, doc.id, hidden=True)) >= MAX_SECTIONS:
        ctx.fail(_l("The draft has the most sections it can have."))
    section = add_section(ctx.s, doc, text, writer_kind(ctx.actor), table_id=table_id)
    ctx.changed(everyone=True, tally=True)
    return {"section_id": section.id, "number": section.number, "message": str(_l("The section was added."))}


@command("draft_edit", roles=EVERYONE_WHO_WRITES)
def draft_edit(ctx: CommandContext) -> dict:
    """Save a new version of a section. `base_version` is the version the writer started
    from: if the text has changed since, nothing is overwritten; the writer's text is kept
    and they see both texts to merge them."""
    step, doc = _draft_step(ctx)
    _may_write(ctx, step)
    section = _section(ctx, doc)
    text = clean_text(ctx.payload.get("text"), SECTION_MAX)
    base = clean_int(ctx.payload.get("base_version"), 1, 2**31)
    mine = delete(DraftConflict).where(DraftConflict.section_id == section.id, DraftConflict.writer == ctx.actor.key)
    if base != section.version:
        ctx.s.execute(mine)
        ctx.s.add(DraftConflict(section_id=section.id, writer=ctx.actor.key, text=text, base_version=base))
        return {"section_id": section.id, "conflict": True, "version": section.version,
                "current_text": pii.mask(section.text), "your_text": text,
                "message": str(_l("Someone changed this section while you were writing. Your text was not saved "
                                  "yet: compare the two texts, merge them and save again."))}
    ctx.s.execute(mine)
    if text == section.text:
        return {"section_id": section.id, "version": section.version, "message": str(_l("No changes."))}
    new_version(ctx.s, section, text, writer_kind(ctx.actor))
    ctx.changed(everyone=True, tally=True)  # every phone reads the new version
    return {"section_id": section.id, "version": section.version, "message": str(_l("Saved as a new version."))}


@command("draft_support", roles=PARTICIPANTS_ONLY)
def draft_support(ctx: CommandContext) -> dict:
    """Agree, disagree or can't say on a section; a second answer replaces the first."""
    step, doc = _draft_step(ctx)
    _switch(ctx, step, "support", _l("This step has no support vote."))
    section = _section(ctx, doc)
    _set_vote(ctx, step, SUPPORT, section.id, _vote_value(ctx))
    return {"section_id": section.id, "vote": ctx.payload["vote"], "message": str(_l("Saved."))}


@command("draft_amend", roles=PARTICIPANTS_ONLY)
def draft_amend(ctx: CommandContext) -> dict:
    """Propose an amendment: a new text for a section and the reason for it."""
    step, doc = _draft_step(ctx)
    _switch(ctx, step, "amendments", _l("In this step amendments are not proposed."))
    section = _section(ctx, doc)
    text = clean_text(ctx.payload.get("text"), SECTION_MAX)
    reason = clean_text(ctx.payload.get("reason"), REASON_MAX, required=False)
    if text == section.text:
        ctx.fail(_l("The proposed text is the same as the current text. Change it first."))
    pid = voting.lock_voter(ctx)
    mine = ctx.s.scalar(select(func.count()).select_from(DraftAmendment).join(
        DraftSection, DraftSection.id == DraftAmendment.section_id).where(
        DraftSection.step_id == doc.id, DraftAmendment.participant_id == pid)) or 0
    if mine >= PER_PARTICIPANT:
        ctx.fail(_l("You have sent the most you can in this step. Thank you!"))
    amendment = DraftAmendment(section_id=section.id, participant_id=pid, text=text, reason=reason,
                               base_version=section.version)
    ctx.s.add(amendment)
    ctx.s.flush()
    ctx.changed(everyone=True, tally=True)
    return {"amendment_id": amendment.id, "message": str(_l("Thank you. Your amendment was added for the vote."))}


def _amendment(ctx: CommandContext, doc: Step | None = None) -> tuple[DraftAmendment, DraftSection]:
    try:
        amendment_id = clean_int(ctx.payload.get("amendment_id"), 1, 2**31)
    except InvalidInput:
        ctx.fail(NOT_AVAILABLE)
    amendment = ctx.s.get(DraftAmendment, amendment_id)
    if amendment is None or (amendment.hidden and not ctx.actor.is_staff):
        ctx.fail(NOT_AVAILABLE)
    ctx.payload["section_id"] = amendment.section_id
    return amendment, _section(ctx, doc)


@command("draft_amendment_vote", roles=PARTICIPANTS_ONLY)
def draft_amendment_vote(ctx: CommandContext) -> dict:
    """Agree, disagree or can't say on an open amendment."""
    step, doc = _draft_step(ctx)
    _switch(ctx, step, "amendments", _l("In this step amendments are not voted on."))
    amendment, _section_ = _amendment(ctx, doc)
    if amendment.status != "open":
        ctx.fail(_l("This amendment has been decided already."))
    _set_vote(ctx, step, AMENDMENT, amendment.id, _vote_value(ctx))
    return {"amendment_id": amendment.id, "vote": ctx.payload["vote"], "message": str(_l("Saved."))}


@command("draft_decide", roles=FACILITATOR_ONLY, audit=True)
def draft_decide(ctx: CommandContext) -> dict:
    """Accept an amendment (its text becomes the section's new version) or reject it."""
    amendment, section = _amendment(ctx)
    if amendment.status != "open":
        ctx.fail(_l("This amendment has been decided already."))
    if clean_bool(ctx.payload.get("accept")):
        amendment.status = "accepted"
        new_version(ctx.s, section, amendment.text, "facilitator", amendment_id=amendment.id)
        message = _l("Accepted: the amendment is now the section's text.")
    else:
        amendment.status = "rejected"
        message = _l("Rejected: the section's text stays.")
    ctx.changed(everyone=True, tally=True)
    return {"amendment_id": amendment.id, "status": amendment.status, "message": str(message)}


@command("draft_minority", roles=PARTICIPANTS_ONLY)
def draft_minority(ctx: CommandContext) -> dict:
    """Write a minority statement on a section; the writer joins it."""
    step, doc = _draft_step(ctx)
    _switch(ctx, step, "minority", _l("In this step minority statements are not written."))
    section = _section(ctx, doc)
    text = clean_text(ctx.payload.get("text"), MINORITY_MAX)
    pid = voting.lock_voter(ctx)
    mine = ctx.s.scalar(select(func.count()).select_from(DraftVote).where(
        DraftVote.step_id == step.id, DraftVote.kind == MINORITY, DraftVote.participant_id == pid)) or 0
    if mine >= PER_PARTICIPANT:
        ctx.fail(_l("You have sent the most you can in this step. Thank you!"))
    minority = DraftMinority(section_id=section.id, text=text)
    ctx.s.add(minority)
    ctx.s.flush()
    _set_vote(ctx, step, MINORITY, minority.id, 1)
    ctx.changed(everyone=True)
    return {"minority_id": minority.id, "message": str(_l("Thank you. Your minority statement was added. "
                                                          "Others can join it."))}


@command("draft_join", roles=PARTICIPANTS_ONLY)
def draft_join(ctx: CommandContext) -> dict:
    """Join a minority statement (`joined` true) or leave it; only the number is shown."""
    step, doc = _draft_step(ctx)
    _switch(ctx, step, "minority", _l("In this step minority statements are not written."))
    try:
        minority_id = clean_int(ctx.payload.get("minority_id"), 1, 2**31)
    except InvalidInput:
        ctx.fail(NOT_AVAILABLE)
    minority = ctx.s.get(DraftMinority, minority_id)
    if minority is None or minority.hidden:
        ctx.fail(NOT_AVAILABLE)
    ctx.payload["section_id"] = minority.section_id
    _section(ctx, doc)
    join = clean_bool(ctx.payload.get("joined"))
    _set_vote(ctx, step, MINORITY, minority.id, 1 if join else None)
    message = _l("You joined the minority statement.") if join else _l("You left the minority statement.")
    return {"minority_id": minority.id, "joined": join, "message": str(message)}


@command("draft_final", roles=PARTICIPANTS_ONLY)
def draft_final(ctx: CommandContext) -> dict:
    """Approve the whole statement: agree, disagree or can't say."""
    step, doc = _draft_step(ctx)
    _switch(ctx, step, "final_approval", _l("This step has no final approval."))
    _set_vote(ctx, step, FINAL, doc.id, _vote_value(ctx))
    return {"vote": ctx.payload["vote"], "message": str(_l("Saved."))}


@command("draft_merge", roles=FACILITATOR_ONLY, audit=True)
def draft_merge(ctx: CommandContext) -> dict:
    """Merge the tables' drafts of the source step into this step's one numbered set (new ones only)."""
    step = ctx.step()
    if step.kind != "draft":
        ctx.fail(_l("This step does not take this answer."))
    added = merge_tables(ctx.s, step)
    ctx.changed(everyone=True, tally=True)
    return {"added": added, "message": str(_l("Sections merged from the tables: %(n)s.", n=added))}


@command("draft_renumber", roles=FACILITATOR_ONLY, audit=True)
def draft_renumber(ctx: CommandContext) -> dict:
    """Number the visible sections 1, 2, 3… again (after sections were hidden)."""
    step = ctx.step()
    if step.kind != "draft":
        ctx.fail(_l("This step does not take this answer."))
    doc = document_step(ctx.s, step)
    numbers: dict[int | None, int] = {}
    for section in sections_of(ctx.s, doc.id):
        numbers[section.table_id] = numbers.get(section.table_id, 0) + 1
        section.number = numbers[section.table_id]
    ctx.changed(everyone=True, tally=True)
    return {"message": str(_l("The sections were numbered again."))}


@command("draft_response", roles=STAFF, audit=True, when=ALWAYS)
def draft_response(ctx: CommandContext) -> dict:
    """Enter (or correct) the commissioning body's answer to the statement (vastine), also
    after the dialogue has closed: the facilitator, or the body itself through its own
    respondent link (no other helper)."""
    if ctx.actor.role == HELPER and ctx.actor.helper_kind != RESPONDENT:
        ctx.fail(_l("You are not allowed to do this."))
    step = ctx.step()
    if step.kind != "draft":
        ctx.fail(_l("This step does not take this answer."))
    doc = document_step(ctx.s, step)
    text = clean_text(ctx.payload.get("text"), RESPONSE_MAX)
    row = ctx.s.scalar(select(DraftResponse).where(DraftResponse.step_id == doc.id))
    if row is None:
        row = DraftResponse(step_id=doc.id, text=text)
        ctx.s.add(row)
    row.text = text
    row.updated_at = utcnow()
    ctx.changed(tally=True)
    return {"step_id": doc.id, "message": str(_l("The response was saved. It is in the report from now on."))}


@command("draft_hide", roles=FACILITATOR_ONLY, audit=True, when=AFTERWARDS)
def draft_hide(ctx: CommandContext) -> dict:
    """Hide (or restore) a section, an amendment or a minority statement, e.g. one that names someone."""
    hidden = clean_bool(ctx.payload.get("hidden"))
    if ctx.payload.get("amendment_id") not in (None, ""):
        target, _section_ = _amendment(ctx)
    elif ctx.payload.get("minority_id") not in (None, ""):
        try:
            target = ctx.s.get(DraftMinority, clean_int(ctx.payload.get("minority_id"), 1, 2**31))
        except InvalidInput:
            target = None
        if target is None:
            ctx.fail(NOT_AVAILABLE)
        ctx.payload["section_id"] = target.section_id
        _section(ctx)
    else:
        target = _section(ctx)
    target.hidden = hidden
    ctx.changed(everyone=True, tally=True)
    return {"hidden": hidden, "message": str(_l("Hidden.") if hidden else _l("Restored."))}

