"""`feedback`: the closing survey, the same questions in every method.

Every question is a 1–5 scale with a text label on each value, plus one optional
free-text comment. The questions have fixed keys (`heard`, `could_say`, ...), so the
project can report them over all dialogues, methods and municipalities.

A phone answer is one `Vote` per question (value 1..5, criterion = the question's
key) on the step's one survey item; answering again replaces the earlier answer.
Staff enter paper forms as counts (`StaffCount`, the same criterion and value).
The comment is a contribution of the step (masked in exports, never on the screen).
"""
from __future__ import annotations

from collections import defaultdict
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from dialogue.activities.base import HIDE_RESULTS_DEFAULT, Activity, PaperQuestion, register
from dialogue.actors import PARTICIPANTS_ONLY, STAFF
from dialogue.commands.core import CommandContext, command
from dialogue.export.blocks import Blocks, Table, chart_ident, key_label, split_text
from dialogue.models import Contribution, Dialogue, Item, StaffCount, Step, Vote
from dialogue.synthesis import charts, pii, tally
from dialogue.textclean import clean_int, clean_text

VALUES = (1, 2, 3, 4, 5)
COMMENT_LENGTH = 500


def questions() -> dict[str, Any]:
    """Every question the survey knows, by key (the order is the order asked)."""
    return {
        "heard": _l("I felt heard."),
        "could_say": _l("I could say what I wanted."),
        "constructive": _l("The discussion was constructive."),
        "different_views": _l("Different views were listened to."),
        "right_issues": _l("We talked about things that matter."),
        "useful": _l("Taking part was useful to me."),
    }


def scale_labels() -> list[Any]:
    """The text of each value 1..5 (plain language; colour or number alone never says it)."""
    return [_l("Not at all"), _l("A little"), _l("Somewhat"), _l("Mostly"), _l("Fully")]


DEFAULT_QUESTIONS = ["heard", "could_say", "constructive"]


def step_questions(step: Step) -> list[str]:
    """The keys this step asks, in order (unknown keys are ignored)."""
    known = questions()
    return [k for k in step.config.get("questions", DEFAULT_QUESTIONS) if k in known]


def survey_item(s, step: Step, *, create: bool = False) -> Item | None:
    """The step's one survey item that the answers hang on (made on the first answer)."""
    item = s.scalar(select(Item).where(Item.step_id == step.id).order_by(Item.id).limit(1))
    if item is None and create:
        item = Item(step_id=step.id, text="feedback", position=0)
        s.add(item)
        s.flush()
    return item


def comments(s, step: Step) -> list[Contribution]:
    return list(s.scalars(select(Contribution).where(
        Contribution.step_id == step.id, Contribution.hidden.is_(False),
        Contribution.private.is_(False), Contribution.source.in_(("participant", "staff")))
        .order_by(Contribution.id)))


def results(s, step: Step) -> dict[str, Any]:
    """Per question: answers per value (phone, staff, total), the count and the mean."""
    item = survey_item(s, step)
    counts = tally.step_counts(s, step.id) if item else tally.Counts()
    labels = questions()
    out = []
    for key in step_questions(step):
        dist = counts.distribution(item.id, VALUES, key) if item else {
            "phone": [0] * 5, "staff": [0] * 5, "total": [0] * 5}
        n = sum(dist["total"])
        mean = round(sum(v * c for v, c in zip(VALUES, dist["total"])) / n, 2) if n else None
        out.append({"key": key, "text": str(labels[key]), "distribution": dist,
                    "count": n, "mean": mean})
    respondents = tally.participants(s, step.id)
    return {"scale": {"min": 1, "max": 5, "labels": [str(x) for x in scale_labels()]},
            "questions": out, "respondents": respondents}


@register
class Feedback(Activity):
    key = "feedback"
    participant_template = "activities/feedback.html"
    paper_entry_template = "activities/_paper_feedback.html"

    def paper_questions(self, s, step):
        labels = questions()
        boxes = tuple(str(label) for label in scale_labels())
        return [PaperQuestion(str(labels[k]), boxes) for k in step_questions(step)]

    def staff_context(self, s, step):
        labels = questions()
        return {"questions": [(k, labels[k]) for k in step_questions(step)],
                "scale": list(zip(VALUES, scale_labels()))}

    def label(self):
        return _l("Closing survey")

    def default_config(self) -> dict[str, Any]:
        return {"phones_down": False, "questions": list(DEFAULT_QUESTIONS), "comment": True,
                "hide_results": HIDE_RESULTS_DEFAULT, "open_early": False}

    def clean_config(self, config):
        config = super().clean_config(config)
        keys = config["questions"]
        if not isinstance(keys, list) or not keys or any(k not in questions() for k in keys) \
                or len(set(keys)) != len(keys):
            raise ValueError(f"questions must be a non-empty list of {sorted(questions())}")
        return config

    def participant_context(self, s, step, actor):
        mine: dict[str, int] = {}
        item = survey_item(s, step)
        if item is not None and actor is not None and actor.participant_id is not None:
            mine = dict(s.execute(select(Vote.criterion, Vote.value).where(
                Vote.item_id == item.id, Vote.participant_id == actor.participant_id)).all())
        labels = questions()
        return {"questions": [(k, labels[k]) for k in step_questions(step)],
                "scale": list(zip(VALUES, scale_labels())), "mine": mine,
                "answered": bool(mine), "comment_length": COMMENT_LENGTH}

    def live_state(self, s, step, *, staff):
        data = results(s, step)
        return {"respondents": data["respondents"]["total"],
                "questions": [{"key": q["key"], "text": q["text"], "counts": q["distribution"]["total"],
                               "count": q["count"], "mean": q["mean"]} for q in data["questions"]],
                "labels": data["scale"]["labels"]}

    def export(self, s, step):
        return {"results": results(s, step),
                "contributions": [{"id": c.id, "text": pii.mask(c.text), "entered_by_staff": c.source == "staff",
                                   "theme_id": c.theme_id} for c in comments(s, step)]}

    def summary_points(self, step):
        """How the closing survey went: the share answering 4 or 5 per question."""
        out = []
        results = step.get("results")
        for q in results.get("questions") or [] if isinstance(results, dict) else []:
            if not q["count"]:
                continue
            high = sum(q["distribution"]["total"][3:])
            out.append(_("“%(question)s” %(share)s %% answered 4 or 5 (mean %(mean)s, %(n)s answers).",
                         question=q["text"].rstrip("."), share=round(100 * high / q["count"]),
                         mean=f"{q['mean']:.1f}", n=q["count"]))
        return out

    def key_findings(self, s, row, step, minimum):
        """What participants said about the dialogue itself: the share answering 4 or 5 per
        question, and one comment if someone wrote one."""
        from dialogue.synthesis.findings import Draft, quote, representative
        results = step.get("results")
        if not isinstance(results, dict):
            return []
        people = (results.get("respondents") or {}).get("total", 0)
        parts = []
        for q in results.get("questions") or []:
            if q["count"] >= minimum:
                high = sum(q["distribution"]["total"][3:])
                parts.append(_("%(share)s %% “%(question)s”", share=round(100 * high / q["count"]),
                               question=q["text"].rstrip(".")))
        if not parts or people < minimum:
            return []
        text = _("What participants said about the dialogue (4 or 5 on a scale of 1–5): %(parts)s.",
                 parts="; ".join(parts))
        comments = [c["text"] for c in step.get("contributions") or []]
        if comments:
            text += " " + quote(representative(comments, 1)[0])
        return [Draft(text, "feedback", [step["title"]], people, weight=people)]

    def report_blocks(self, step: dict[str, Any], blocks: Blocks) -> None:
        """This step's result tables and chart in a report (see `dialogue.export.blocks`)."""
        res = step["results"]
        labels = res["scale"]["labels"]
        blocks.facts.append((key_label("respondents"), split_text(res["respondents"])))
        rows = []
        for q in res["questions"]:
            rows.append([q["text"], *q["distribution"]["total"], q["count"],
                         "" if q["mean"] is None else q["mean"]])
        blocks.tables.append(Table(_("Answers per question"),
                                   [_("Question"), *[f"{i + 1} {label}" for i, label in enumerate(labels)],
                                    _("Answers"), _("Mean")], rows, key="results"))
        blocks.chart = charts.distribution_chart(
            [(q["text"], q["distribution"]["total"]) for q in res["questions"]],
            title=step["title"], scale_labels=labels, mean_label=_("mean"), answers_label=_("answers"),
            ident=chart_ident(step))


def _answers(ctx: CommandContext, step: Step) -> dict[str, int]:
    answers = {}
    for key in step_questions(step):
        raw = ctx.payload.get(f"q_{key}")
        if raw in (None, ""):
            continue  # every question may be skipped
        answers[key] = clean_int(raw, 1, 5)
    return answers


@command("give_feedback", roles=PARTICIPANTS_ONLY)
def give_feedback(ctx: CommandContext) -> dict:
    """A participant answers the closing survey (again: the new answers replace the old)."""
    step = ctx.open_step(kind="feedback")
    answers = _answers(ctx, step)
    comment = ""
    if step.config.get("comment", True):
        comment = clean_text(ctx.payload.get("comment"), COMMENT_LENGTH, required=False)
    if not answers and not comment:
        ctx.fail(_l("Choose at least one answer first."))
    item = survey_item(ctx.s, step, create=True)
    pid = ctx.actor.participant_id
    existing = {v.criterion: v for v in ctx.s.scalars(select(Vote).where(
        Vote.item_id == item.id, Vote.participant_id == pid))}
    for key, value in answers.items():
        if key in existing:
            existing[key].value = value
        else:
            ctx.s.add(Vote(step_id=step.id, item_id=item.id, participant_id=pid, criterion=key, value=value))
    if comment:
        ctx.s.add(Contribution(dialogue_id=ctx.dialogue.id, step_id=step.id, participant_id=pid,
                               source="participant", author_role=ctx.actor.declared_role, text=comment,
                               pii=bool(pii.find(comment))))
    ctx.changed(step, tally=True)
    return {"message": str(_l("Thank you! Your answers were saved."))}


@command("feedback_count", roles=STAFF, audit=True)
def feedback_count(ctx: CommandContext) -> dict:
    """Staff add paper forms: `count` answers of `value` to question `question`."""
    step = ctx.open_step(kind="feedback")
    key = ctx.payload.get("question")
    if key not in step_questions(step):
        ctx.fail(_l("The choice is not valid."))
    value = clean_int(ctx.payload.get("value"), 1, 5)
    count = clean_int(ctx.payload.get("count"), 0, 1000)
    item = survey_item(ctx.s, step, create=True)
    ctx.s.add(StaffCount(step_id=step.id, item_id=item.id, criterion=key, value=value, count=count,
                         helper_id=ctx.actor.helper_id))
    ctx.changed(step, tally=True)
    return {"message": str(_l("Saved."))}


def respondent_count(s, step: Step) -> int:
    """How many people answered the survey (phones plus paper forms staff said they had)."""
    return tally.participants(s, step.id)["total"]


def answer_counts(s: Session, d: Dialogue) -> dict[str, list[int]]:
    """Answers per value (1..5) per question key over a dialogue's closing surveys (the project
    report sums these over dialogues; a purged dialogue's come from its kept summary)."""
    out: dict[str, list[int]] = defaultdict(lambda: [0] * len(VALUES))
    if d.purged_at is not None:
        for step in (d.summary or {}).get("steps", []):
            if step.get("kind") == Feedback.key:
                for q in (step.get("results") or {}).get("questions", []):
                    out[q["key"]] = [a + b for a, b in zip(out[q["key"]], q["counts"])]
        return out
    for step in s.scalars(select(Step).where(Step.dialogue_id == d.id, Step.kind == Feedback.key)):
        for q in results(s, step)["questions"]:
            out[q["key"]] = [a + b for a, b in zip(out[q["key"]], q["distribution"]["total"])]
    return out
