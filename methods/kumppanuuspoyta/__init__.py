"""Kumppanuuspöytä (partnership table): a series of meetings and its final document.

The next meeting of a series is the same method (`follow_up` in method.json). It inherits
the agreed goal (as the statement its goal vote starts from) and the tables' names, never
who sat there; its first step reviews the action cards still open from every earlier
meeting, whose statuses are updated there (each update dated, a dropped card with its reason).
The minutes are written by Osuva from the meeting itself (the goal agreed, the priorities,
the action cards, the proposals to the municipality) into the text of the minutes step,
where the participants read them on their phones and approve them with a support vote.
The report section is the final document (loppudokumentti).
"""
from __future__ import annotations

from typing import Any

from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy import delete, select, update

from dialogue import activities, db, tables
from dialogue.activities.voting import visible_items
from dialogue.actors import FACILITATOR_ONLY
from dialogue.commands import CommandContext, command
from dialogue.config import LANGUAGES
from dialogue.export import sections as sec
from dialogue.export.report import build_report
from dialogue.methodology import Panel
from dialogue.models import Dialogue, DialogueTable, Participant, Step
from dialogue.synthesis import tally

#: How many of the top priorities the minutes name.
MINUTES_PRIORITIES = 3

#: The first step of a series' next meeting: the open action cards of the earlier meetings.
REVIEW_TEXTS = {
    "fi": {"title": "Mitä sovittiin ja mitä on tehty?",
           "body": "Tässä ovat aiempien tapaamisten avoimet toimenpidekortit. Kerrotaan jokaisesta, mikä on tilanne: "
                   "ei aloitettu, käynnissä, valmis tai luovuttu. Jos kortista luovutaan, kerrotaan miksi."},
    "sv": {"title": "Vad kom vi överens om och vad har gjorts?",
           "body": "Här är de öppna åtgärdskorten från de tidigare mötena. Vi berättar om varje kort hur läget är: "
                   "inte påbörjat, pågår, klart eller slopat. Om ett kort slopas berättar vi varför."},
    "en": {"title": "What was agreed and what has been done?",
           "body": "Here are the open action cards of the earlier meetings. For each we tell how it stands: "
                   "not started, in progress, done or dropped. If a card is dropped, we tell why."},
}


def _goal_vote(steps: list[Step]) -> Step | None:
    """The support vote on the goal: a stance step on the answers of a prompt reported as the goal."""
    by_position = {s.position: s for s in steps}
    for step in steps:
        source = by_position.get(step.config.get("source_step")) if step.kind == "stance" else None
        if source is not None and source.config.get("report_as") == "goal":
            return step
    return None


def agreed_goal(s, dialogue: Dialogue) -> str:
    """The goal a meeting agreed: the proposal with the most support (more agree than disagree);
    else the goal it inherited (its vote's listed statement); else ""."""
    steps = list(s.scalars(select(Step).where(Step.dialogue_id == dialogue.id).order_by(Step.position)))
    vote = _goal_vote(steps)
    if vote is None:
        return ""
    counts = tally.step_counts(s, vote.id)
    scored = [(counts.votes(i.id, 1)["total"], -counts.votes(i.id, -1)["total"], i.text)
              for i in visible_items(s, vote.id)]
    supported = [row for row in scored if row[0] > -row[1]]
    if supported:
        return max(supported)[2]
    listed = [t for t in vote.config.get("items") or [] if isinstance(t, str)]
    return listed[0] if listed else ""


def on_follow_up(s, source, follow) -> None:
    """The next meeting: the review of open cards first, the goal carried over, the same tables."""
    steps = list(s.scalars(select(Step).where(Step.dialogue_id == follow.id).order_by(Step.position.desc())))
    for step in steps:  # from the last, so that no two steps ever share a position
        step.position += 1
        if isinstance(step.config.get("source_step"), int):  # a step named by its position moved too
            step.config = {**step.config, "source_step": step.config["source_step"] + 1}
        s.flush()
    review = Step(dialogue_id=follow.id, position=0, kind="commitments", texts=REVIEW_TEXTS, minutes=15,
                  config=activities.get("commitments").clean_config({"follow_up": True, "open_only": True}))
    s.add(review)
    s.flush()
    follow.current_step_id = review.id
    goal = agreed_goal(s, source)
    vote = _goal_vote(list(reversed(steps)))
    if goal and vote is not None:
        vote.config = {**vote.config, "items": [goal]}
    # People tell their role again if they did last time (roles, never who they are).
    follow.ask_role = source.ask_role
    # The tables by name (who sat where is not carried over: people choose again).
    s.execute(update(Participant).where(Participant.dialogue_id == follow.id).values(table_id=None))
    s.execute(delete(DialogueTable).where(DialogueTable.dialogue_id == follow.id))
    for table in tables.tables_of(s, source.id):
        tables.add(s, follow.id, table.name, table.description)


# -- the minutes, written from the meeting ------------------------------------------------------

def minutes_step(steps: list[Step]) -> Step | None:
    """The step where the minutes are approved: the last agree/disagree vote on listed
    statements rather than on an earlier step's answers."""
    votes = [s for s in steps if s.kind == "stance" and s.config.get("source_step") is None]
    return votes[-1] if votes else None


def minutes_text(model: dict[str, Any], goal: str) -> str:
    """The minutes in the report's language, from the report model: the goal, the top priorities,
    the action cards (who, by when) and the proposals to the municipality. Texts are masked."""
    lines = [_("Goal: %(goal)s", goal=goal) if goal else _("No goal was agreed.")]
    priorities = sorted((i for step in sec.sourced_steps(model, "dots", "prompt", "ideas")
                         for i in (step.get("results") or {}).get("items") or []),
                        key=lambda i: -i["dots"]["total"])[:MINUTES_PRIORITIES]
    if priorities:
        lines.append(_("Most important:"))
        lines += [f"– {i['text']} ({i['dots']['total']})" for i in priorities]
    cards = [c for step in model["steps"] for c in step.get("commitments") or []]
    if cards:
        lines.append(_("We agreed:"))
        lines += ["– " + " · ".join(x for x in (c["text"], c.get("who", ""), sec.due_label(c.get("due"))) if x)
                  for c in cards]
    proposals = sec.texts_under(model, "proposals")
    if proposals:
        lines.append(_("Proposals to the municipality:"))
        lines += [f"– {text}" for text in proposals]
    return "\n".join(lines)


@command("minutes_write", roles=FACILITATOR_ONLY, audit=True)
def minutes_write(ctx: CommandContext) -> dict:
    """Write the minutes from what the meeting decided into the minutes step's text (in every
    language); run again after changes, before the participants approve them."""
    steps = list(ctx.s.scalars(select(Step).where(Step.dialogue_id == ctx.dialogue.id).order_by(Step.position)))
    step = minutes_step(steps)
    if step is None:
        ctx.fail(_l("This dialogue has no step for approving the minutes."))
    goal = agreed_goal(ctx.s, ctx.dialogue)
    texts = dict(step.texts or {})
    for lang in LANGUAGES:  # the headings in each language; what was said, as it was said
        model = build_report(ctx.s, ctx.dialogue, lang=lang)
        with force_locale(lang):
            texts[lang] = {**(texts.get(lang) or {}), "body": minutes_text(model, goal)}
    step.texts = texts
    ctx.changed(everyone=True, wall=True)
    return {"step_id": step.id, "message": str(_l("The minutes were written into the step. Read them through."))}


def console_panels(dialogue: Dialogue, lang: str) -> list[Panel]:
    """The run view: write the minutes from the meeting, and see them."""
    step = minutes_step(list(dialogue.steps))
    if step is None:
        return []
    body = (step.texts.get(dialogue.language) or step.texts.get("fi") or {}).get("body", "")
    return [Panel("methods/kumppanuuspoyta/minutes.html", {"step": step, "body": body})]


# -- the final document -------------------------------------------------------------------

def _goal_block(model: dict[str, Any]) -> dict[str, Any]:
    positions = sec.by_position(model)
    for step in sec.of_kind(model, "stance"):
        source = positions.get((step.get("config") or {}).get("source_step")) or {}
        if (source.get("config") or {}).get("report_as") != "goal" or not isinstance(step.get("results"), dict):
            continue
        items = sorted(step["results"].get("items") or [],
                       key=lambda i: (-i["agree"]["total"], i["disagree"]["total"]))
        if not items:
            break
        best = items[0]
        facts = [(_("The goal"), best["text"]),
                  (_("Support"), _("agree %(agree)s, disagree %(disagree)s, pass %(passed)s",
                                   agree=best["agree"]["total"], disagree=best["disagree"]["total"],
                                   passed=best["pass"]["total"]))]
        others = [ngettext("%(text)s (%(num)s agrees)", "%(text)s (%(num)s agree)", i["agree"]["total"],
                           text=i["text"]) for i in items[1:]]
        return sec.section_block(_("The goal"), others, facts=facts)
    return sec.section_block(_("The goal"), empty=_("No goal was agreed."))


def _ideas_by_theme(model: dict[str, Any]) -> list[dict[str, Any]]:
    themes = {t["id"]: t["name"] for t in model.get("themes") or []}
    grouped: dict[str, list[str]] = {}
    for step in model["steps"]:
        if (step.get("config") or {}).get("report_as") != "ideas":
            continue
        for c in step.get("contributions") or []:
            grouped.setdefault(themes.get(c.get("theme_id"), ""), []).append(c["text"])
    if not grouped:
        return [sec.section_block(_("Ideas"), empty=sec.nothing())]
    blocks = [sec.section_block(_("Ideas"))]
    for theme in sorted(grouped, key=lambda t: (t == "", t)):
        blocks.append(sec.section_block(theme or _("Not in a theme"), grouped[theme], level=4))
    return blocks


def _minutes(model: dict[str, Any]) -> list[dict[str, Any]]:
    positions = sec.by_position(model)
    facts, texts = [], []
    for step in sec.of_kind(model, "stance"):
        if positions.get((step.get("config") or {}).get("source_step")) is not None:
            continue  # a vote on proposals (the goal), not on the minutes
        texts += [line for line in (step.get("body") or "").splitlines() if line.strip()]  # the minutes
        for item in (step.get("results") or {}).get("items") or []:
            facts.append((item["text"], _("agree %(agree)s, disagree %(disagree)s, pass %(passed)s",
                                          agree=item["agree"]["total"], disagree=item["disagree"]["total"],
                                          passed=item["pass"]["total"])))
    return [sec.section_block(_("The minutes and their approval"), texts, facts=facts, empty=_("No answers."))]


def report_section(model: dict[str, Any]) -> dict[str, Any] | None:
    """The final document: goal, ideas, priorities with votes, action cards with their history,
    proposals to the municipality, the minutes' approval."""
    blocks = [_goal_block(model)]
    blocks += _ideas_by_theme(model)
    blocks += sec.votes_table(sec.sourced_steps(model, "dots", "prompt", "ideas"), _("Priorities"), _("Idea"))
    blocks += sec.action_cards(model, _("Action cards"))
    blocks.append(sec.section_block(_("Proposals to the municipality"), sec.texts_under(model, "proposals"),
                                    empty=sec.nothing()))
    blocks += _minutes(model)
    return {"title": _("Partnership table: the final document"), "blocks": blocks}
