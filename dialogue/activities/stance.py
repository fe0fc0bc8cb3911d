"""`stance`: agree / disagree / pass on statements, one at a time, in each participant's
own random order.

Statements come from the facilitator's list, an earlier step, or (if allowed) the
participants themselves, moderated before others see them if the facilitator chooses.
A vote can be changed while the step is open (one `Vote` per participant and statement).
"""
from __future__ import annotations

import threading
import time
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from dialogue.activities import voting
from dialogue.activities.base import register
from dialogue.actors import PARTICIPANTS_ONLY
from dialogue.commands.core import CommandContext, command
from dialogue.export.blocks import (
    Blocks,
    Table,
    chart_ident,
    participants_fact,
    percent,
    split_cells,
    split_columns,
)
from dialogue.models import Item, Vote
from dialogue.synthesis import charts, tally
from dialogue.textclean import clean_text

AGREE, DISAGREE, PASS = 1, -1, 0
VALUES = {"agree": AGREE, "disagree": DISAGREE, "pass": PASS}
NAMES = {v: k for k, v in VALUES.items()}
STATEMENT_MAX = 280
# (step id, dialogue code) -> (when computed, votes then, result), per process. The random
# code keeps a step id that a database reuses after a purge from finding another's groups.
_live_cache: dict[tuple[int, str], tuple[float, int, Any]] = {}
_live_lock = threading.Lock()
_now = time.time  # the clock (a test moves it on)
STATEMENTS_PER_PARTICIPANT = 10


def value_labels() -> dict[int, Any]:
    return {AGREE: _l("Agree"), DISAGREE: _l("Disagree"), PASS: _l("Pass")}


@register
class Stance(voting.VotingActivity):
    key = "stance"
    participant_template = "activities/stance.html"
    #: Opinion groups while voting runs are recomputed at most this often per step (seconds).
    refresh_seconds = 20

    def label(self):
        return _l("Agree or disagree")

    def default_config(self) -> dict[str, Any]:
        return {**super().default_config(), "allow_statements": False, "moderate_statements": True,
                "show_opinion_groups": False}

    def config_labels(self):
        return {**super().config_labels(),
                "show_opinion_groups": _l("Show the opinion groups and common ground on the screen")}

    def clean_config(self, config):
        config = super().clean_config(config)
        for flag in ("allow_statements", "moderate_statements", "show_opinion_groups"):
            if not isinstance(config[flag], bool):
                raise ValueError(f"{flag} must be true or false")
        return config

    def staff_values(self, step):
        labels = value_labels()
        return [(AGREE, str(labels[AGREE])), (DISAGREE, str(labels[DISAGREE])), (PASS, str(labels[PASS]))]

    def my_state(self, s, step, participant_id):
        items = voting.personal_order(step.id, participant_id, voting.items_for(s, step, participant_id))
        mine = {v.item_id: v.value for v in voting.my_votes(s, step.id, participant_id)}
        unanswered = [i for i in items if i.id not in mine]
        own_pending = list(s.scalars(select(Item).where(
            Item.step_id == step.id, Item.participant_id == participant_id, Item.pending.is_(True),
            Item.hidden.is_(False))))
        return {
            "ordered": [voting.item_json(i, masked=True) for i in items],
            "current": voting.item_json(unanswered[0], masked=True) if unanswered else None,
            "answered_count": len(items) - len(unanswered),
            "mine": {item_id: NAMES[value] for item_id, value in mine.items()},
            "own_pending": [i.text for i in own_pending],
            "value_labels": value_labels(),
        }

    def participant_context(self, s, step, actor):
        context = super().participant_context(s, step, actor)
        # One statement at a time: the results (which list every statement) wait until
        # this participant has answered them all, or voting has ended.
        if context.get("current") and not step.voting_closed:
            context["results"] = None
        return context

    def results(self, s, step, *, masked=True):
        counts = tally.step_counts(s, step.id)
        items = []
        for item in voting.visible_items(s, step.id):
            row = {**voting.item_json(item, masked=masked), "added_by_participant": item.participant_id is not None}
            for name, value in VALUES.items():
                row[name] = counts.votes(item.id, value)
            row["votes"] = counts.number(item.id)
            row["shares"] = {name: tally.share(row[name]["total"], row["votes"]["total"]) for name in VALUES}
            items.append(row)
        return {"participants": tally.participants(s, step.id), "items": items}

    def screen(self, results, step):
        labels = value_labels()
        groups = []
        for item in results["items"]:
            whole = item["votes"]["total"]
            groups.append({"title": item["text"], "bars": [
                tally.bar(str(labels[VALUES[name]]), item[name]["total"], whole,
                          f"{round(100 * item['shares'][name])} % ({item[name]['total']})")
                for name in VALUES]})
        return {"bars": [], "groups": groups}

    def export(self, s, step):
        out = super().export(s, step)
        groups = self.opinion_groups(s, step, out["results"])
        if groups:
            out["opinion_groups"] = groups
        return out

    def _votes(self, s, step) -> list[tuple[int, int, int]]:
        """Every phone vote of the step, hidden statements' included (they count towards
        who has voted enough to be grouped, as Pol.is counts its moderated-out comments)."""
        return [tuple(v) for v in s.execute(select(Vote.participant_id, Vote.item_id, Vote.value).where(
            Vote.step_id == step.id, Vote.criterion == ""))]

    def opinion_groups(self, s, step, results: dict[str, Any]) -> dict[str, Any] | None:
        """The step's opinion groups and common ground (`synthesis.opinion_view`), from the
        phone votes on the visible statements; computed off the event loop. Participants
        and statements imported from Pol.is are also named by their Pol.is ids."""
        from dialogue.polis import ITEM, PARTICIPANT, external_ids
        from dialogue.synthesis.groups import min_group_size
        from dialogue.synthesis.offload import off_loop
        from dialogue.synthesis.opinion_view import summarise
        texts = {i["id"]: i["text"] for i in results.get("items") or []}
        if not texts:
            return None
        votes = self._votes(s, step)
        hidden = {item for _, item, _ in votes} - set(texts)
        names = external_ids(s, step.dialogue_id)
        return off_loop(summarise, votes, texts, min_group_size(), moderated_out=hidden,
                        people=names[PARTICIPANT], statements=names[ITEM])

    def polis_rows(self, s, step):
        from dialogue.polis import ITEM, PARTICIPANT, external_ids
        from dialogue.synthesis.groups import min_group_size
        from dialogue.synthesis.opinion import find_opinion_groups
        votes = self._votes(s, step)
        if not votes:
            return None
        names = external_ids(s, step.dialogue_id)
        people = {p: int(names[PARTICIPANT].get(p, p)) for p, _, _ in votes}
        ids = {}
        statements = []
        for item in s.scalars(select(Item).where(Item.step_id == step.id, Item.pending.is_(False))
                              .order_by(Item.position, Item.id)):
            ids[item.id] = int(names[ITEM].get(item.id, item.id))
            statements.append({"id": ids[item.id], "text": item.text, "moderated": -1 if item.hidden else 1,
                               "author": people.get(item.participant_id) if item.participant_id else None})
        votes = [v for v in votes if v[1] in ids]
        hidden = {i for i, st in zip(ids, statements) if st["moderated"] == -1}
        found = find_opinion_groups(votes, min_group_size=min_group_size(), moderated_out=hidden)
        groups = {people[p]: g.id for g in found.groups if not g.suppressed for p in g.members}
        return (statements, [{"participant": people[p], "statement": ids[i], "vote": v} for p, i, v in votes],
                groups)

    def live_opinion_groups(self, s, step, now: float | None = None) -> tuple[dict[str, Any] | None, float]:
        """The opinion groups while voting runs, and when they were computed: recomputed at
        most every `refresh_seconds` per step, and only when votes have changed since, however
        often the console or the screen asks (see `_live_cache`)."""
        now = _now() if now is None else now
        votes = s.scalar(select(func.count()).select_from(Vote).where(Vote.step_id == step.id)) or 0
        key = (step.id, step.dialogue.code)
        with _live_lock:
            cached = _live_cache.get(key)
        if cached and (cached[1] == votes or now - cached[0] < self.refresh_seconds):
            return cached[2], cached[0]
        found = self.opinion_groups(s, step, self.results(s, step, masked=True))
        with _live_lock:
            _live_cache[key] = (now, votes, found)
        return found, now

    def live_state(self, s, step, *, staff):
        state = super().live_state(s, step, staff=staff)
        if step.config.get("show_opinion_groups"):
            found, _at = self.live_opinion_groups(s, step)
            if found:
                state["groups"] = opinion_screen(found) + state.get("groups", [])
        return state

    def role_rows(self, results, counts, voters):
        rows = []
        for item in results["items"]:
            n = counts.number(item["id"])["total"]
            agree, disagree = counts.votes(item["id"], AGREE)["total"], counts.votes(item["id"], DISAGREE)["total"]
            rows.append((item["text"], f"{percent(tally.share(agree, n))} / {percent(tally.share(disagree, n))} ({n})"
                         if n else "–"))
        return rows

    def role_note(self):
        return _l("Agree % / disagree % (votes)")

    def key_findings(self, s, row, step, minimum):
        """Common ground and the clearest disagreement, from the opinion groups of the votes
        (`synthesis.opinion`, as Pol.is finds them; groups under `minimum` are suppressed)."""
        from dialogue.synthesis.findings import Draft
        from dialogue.synthesis.opinion import find_opinion_groups
        results = step.get("results") or {}
        people = (results.get("participants") or {}).get("total", 0)
        items = {i["id"]: i for i in results.get("items") or []}
        if row is None or not items or people < minimum:
            return []
        votes = s.execute(select(Vote.participant_id, Vote.item_id, Vote.value).where(
            Vote.step_id == row.id, Vote.item_id.in_(list(items)))).all()
        from dialogue.synthesis.offload import off_loop
        found = off_loop(find_opinion_groups, [tuple(v) for v in votes], min_group_size=minimum, top=2)
        drafts = []
        agreed = [c for c in found.consensus if c.direction == "agree"]
        disagreed = [c for c in found.consensus if c.direction == "disagree"]
        if agreed or disagreed:
            parts = [_("most agreed that “%(text)s” (%(n)s of %(m)s)", text=items[c.statement]["text"],
                       n=c.n_success, m=c.n_trials) for c in agreed]
            parts += [_("most disagreed that “%(text)s” (%(n)s of %(m)s)", text=items[c.statement]["text"],
                        n=c.n_success, m=c.n_trials) for c in disagreed]
            drafts.append(Draft(_("Common ground in “%(step)s”: %(what)s.", step=step["title"],
                                  what="; ".join(parts)), "common_ground", [step["title"]], people, weight=people))
        split = self._clearest_split(found, items, minimum)
        if split:
            drafts.append(Draft(_("Opinions were divided in “%(step)s” on “%(text)s”: %(agree)s agreed, "
                                  "%(disagree)s disagreed.", step=step["title"], **split),
                                "disagreement", [step["title"]], people, weight=people))
        return drafts

    @staticmethod
    def _clearest_split(found, items: dict, minimum: int) -> dict | None:
        """The statement the opinion groups split on most; without two reported groups, the
        statement whose votes (phones and paper) split most evenly, if both sides have a third."""
        if found.divisive:
            item = items[found.divisive[0].statement]
        else:
            def balance(i):
                votes = i["votes"]["total"]
                return min(i["agree"]["total"], i["disagree"]["total"]) / votes if votes else 0
            candidates = [i for i in items.values() if i["votes"]["total"] >= minimum and balance(i) >= 1 / 3]
            if not candidates:
                return None
            item = max(candidates, key=balance)
        return {"text": item["text"], "agree": percent(item["shares"]["agree"]),
                "disagree": percent(item["shares"]["disagree"])}

    def report_blocks(self, step: dict[str, Any], blocks: Blocks) -> None:
        """This step's result tables and chart in a report (see `dialogue.export.blocks`)."""
        res = step["results"]
        participants_fact(res, blocks)
        items = res.get("items") or []
        rows = [[i["text"], *split_cells(i["agree"]), *split_cells(i["disagree"]), *split_cells(i["pass"]),
                 percent((i.get("shares") or {}).get("agree")), percent((i.get("shares") or {}).get("disagree"))]
                for i in items]
        if rows:
            blocks.tables.append(Table(_("Results"), [_("Statement"), *split_columns(_("Agree")),
                                                      *split_columns(_("Disagree")), *split_columns(_("Pass")),
                                                      _("Agree %"), _("Disagree %")], rows, key="results",
                                       splits=(1, 4, 7)))
        opinion_tables(step.get("opinion_groups"), blocks, chart_ident(step))
        blocks.chart = charts.diverging_chart(
            [(i["text"], i["agree"]["total"], i["disagree"]["total"], i["pass"]["total"]) for i in items],
            title=step["title"], labels=(_("agree"), _("disagree"), _("pass")), ident=chart_ident(step))


def opinion_screen(found: dict[str, Any]) -> list[dict[str, Any]]:
    """Common ground, then each opinion group's statements, as the screen's bar groups."""
    words = {"agree": _("agreed"), "disagree": _("disagreed")}

    def bars(rows):
        return [tally.bar(r["text"], round(100 * r["share"]), 100,
                          f'{round(100 * r["share"])} % {words[r["direction"]]}') for r in rows]
    out = [{"title": _("Common ground"), "bars": bars(found["consensus"])}] if found["consensus"] else []
    return out + [{"title": _("Group %(label)s (%(n)s people)", label=g["label"], n=g["size"]),
                   "bars": bars(g["representative"])} for g in found["groups"]]


def opinion_tables(found: dict[str, Any] | None, blocks: Blocks, ident: str) -> None:
    """Common ground first, then each opinion group and what sets it apart (report tables),
    and the picture of the groups."""
    if not found:
        return
    words = {"agree": _("agreed"), "disagree": _("disagreed")}
    blocks.tables.append(Table(
        _("Common ground: statements every opinion group leans the same way on"),
        [_("Statement"), _("Most"), _("Share of votes")],
        [[c["text"], words[c["direction"]], percent(c["share"])] for c in found["consensus"]]
        or [[_("No statement had the support of every group."), "", ""]], key="common_ground"))
    blocks.tables.append(Table(
        _("Opinion groups: what sets each group apart from the others"), [_("Group"), _("People"), _("Statements")],
        [[_("Group %(label)s", label=g["label"]), g["size"],
          "; ".join(_("%(share)s %(direction)s: %(text)s", share=percent(r["share"]),
                      direction=words[r["direction"]], text=r["text"]) for r in g["representative"])]
         for g in found["groups"]], key="opinion_groups"))
    if found["left_out"]:
        blocks.facts.append((_("People in opinion groups too small to show"), found["left_out"]))
    picture = charts.group_map(
        [(g["label"], g["size"], g["x"], g["y"]) for g in found["groups"]], title=_("Opinion groups"),
        alt="; ".join(_("group %(label)s, %(n)s people", label=g["label"], n=g["size"]) for g in found["groups"]),
        ident=f"groups-{ident}")
    if picture:
        blocks.more_charts.append(picture)


@command("stance", roles=PARTICIPANTS_ONLY)
def stance(ctx: CommandContext) -> dict:
    """Agree, disagree or pass on a statement; a second answer replaces the first."""
    step = voting.voting_step(ctx, "stance")
    item = voting.votable_item(ctx, step)
    name = ctx.payload.get("vote")
    if not isinstance(name, str) or name not in VALUES:
        ctx.fail(_l("Choose agree, disagree or pass."))
    participant_id = voting.lock_voter(ctx)
    voting.set_vote(ctx.s, step, item, participant_id, VALUES[name])
    ctx.changed(step, tally=True)
    return {"item_id": item.id, "vote": name, "message": str(_l("Saved."))}


@command("add_statement", roles=PARTICIPANTS_ONLY)
def add_statement(ctx: CommandContext) -> dict:
    """A participant adds a statement for everyone to answer (moderated first if so set)."""
    step = voting.voting_step(ctx, "stance")
    if not step.config.get("allow_statements"):
        ctx.fail(_l("In this step you cannot add statements."))
    text = clean_text(ctx.payload.get("text"), STATEMENT_MAX, multiline=False)
    participant_id = voting.lock_voter(ctx)
    voting.participant_item_limit(ctx, step, STATEMENTS_PER_PARTICIPANT)
    pending = bool(step.config.get("moderate_statements", True))
    item = Item(step_id=step.id, participant_id=participant_id, text=text, pending=pending,
                position=voting.next_position(ctx.s, step.id), table_id=ctx.table_for(step))
    ctx.s.add(item)
    ctx.s.flush()
    ctx.changed(step, tally=True)
    message = _l("Thank you. Others see your statement when the facilitator has checked it.") if pending \
        else _l("Thank you. Your statement was added.")
    return {"item_id": item.id, "pending": pending, "message": str(message)}
