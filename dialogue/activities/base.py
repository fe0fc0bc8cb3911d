"""The activity interface and its registry.

An activity is a kind of step (info, prompt, dots, ...). Each kind registers one
instance under its key; the rest of the app asks the registry, never a kind
directly. Methods are data made of steps; activities are the code behind them.
"""
from __future__ import annotations

from dataclasses import dataclass
from collections.abc import Callable, Iterable
from typing import Any, ClassVar

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from dialogue.actors import Actor
from dialogue.export.blocks import Blocks, item_results, top_items
from dialogue.models import Step
from dialogue.synthesis.findings import Draft

REGISTRY: dict[str, "Activity"] = {}

#: Whether a vote-like step hides its results from participants and the screen until the
#: facilitator shows them: the default of the `hide_results` setting, for every kind that has
#: it. Hidden by default so that early totals do not steer the votes still to come.
HIDE_RESULTS_DEFAULT = True

#: The names of the settings, for the console's step editor (an activity may add its own).
SETTING_LABELS = {
    "phones_down": _l("Phones down: participants see a calm 'listen' view"),
    "wall": _l("Show the answers on the screen"),
    "max_length": _l("Longest answer (characters)"),
    "private_notes": _l("Private notes: only the writer sees them until they share"),
    "read_aloud_choice": _l("The writer chooses whether the answer may be read aloud"),
    "writers": _l("Who writes"),
    "open_early": _l("Open for answers before the meeting"),
    "acknowledge": _l("Participants confirm they have read this"),
    "speak_signal": _l("Participants may silently ask to speak"),
    "hide_results": _l("Hide the results until you show them"),
    "items": _l("Items (one per line)"),
    "source_step": _l("Take the items from the answers of the step"),
    "follow_up": _l("Follow-up meeting: show the status of earlier commitments"),
    "open_only": _l("A series: show only the commitments still open"),
    "anyone_proposes": _l("Participants may propose action cards"),
    "stages": _l("Stages of the path (one per line; empty: a jobseeker's path)"),
    "dots": _l("Dots per participant"),
    "max_per_item": _l("Most dots on one item (empty: no limit)"),
    "multiple": _l("Several choices allowed"),
    "max_choices": _l("Most choices (empty: no limit)"),
    "moderate": _l("Check questions before others see them"),
    "not_understood": _l("Participants may signal “I didn't understand”"),
    "k": _l("How many to put in order"),
    "criteria": _l("Criteria (one per line; empty: one rating)"),
    "style": _l("Rating style"),
    "labels": _l("Names of the five ratings (JSON list; empty: the default)"),
    "comments": _l("Participants may add a comment"),
    "comment": _l("Participants may add a comment"),
    "allow_statements": _l("Participants may add statements"),
    "moderate_statements": _l("Check new statements before others see them"),
    "questions": _l("Questions (their keys, one per line)"),
    "report_as": _l("In the method's report, these answers go under"),
    "by_table": _l("By table: each table works on its own answers (tables)"),
}
#: Settings that take one of a few values: (value, label) pairs.
SETTING_CHOICES = {
    "writers": (("everyone", _l("Everyone")), ("decision_makers", _l("Only the decision-makers"))),
    "style": (("number", _l("Numbers 1–5")), ("smiley", _l("Smileys"))),
    "report_as": (("", _l("Their own step")), ("insights", _l("Insights")),
                  ("continue", _l("Where to continue, and who")), ("message", _l("Message to decision-makers")),
                  ("take_away", _l("What people take with them")), ("goal", _l("The goal")),
                  ("ideas", _l("Ideas")), ("proposals", _l("Proposals to the municipality"))),
}


def register(cls: type["Activity"]) -> type["Activity"]:
    """Class decorator: register one instance of an activity kind under its key."""
    REGISTRY[cls.key] = cls()
    return cls


def get(kind: str) -> "Activity":
    """The activity of a kind that exists (a step's kind is validated when it is made)."""
    return REGISTRY[kind]


def of_kind(kind: str) -> "Activity":
    """The activity of `kind`, or the generic one for a kind this installation does not have
    (a report of an older or imported dialogue)."""
    return REGISTRY.get(kind) or Activity()


@dataclass(frozen=True)
class PaperQuestion:
    """One question of the paper form for someone without a phone.

    `text` is what is asked ("" for the step's own question); `choices` are boxes to
    tick (one per choice), or, with no choices, `lines` lines to write on.
    """
    text: str = ""
    choices: tuple[str, ...] = ()
    lines: int = 0


def answered(step: dict[str, Any]) -> bool:
    """Whether a report step holds any answer: texts, cards, notes, or a count above zero."""
    if step.get("contributions") or step.get("commitments") or step.get("notes"):
        return True
    results = step.get("results")
    if not isinstance(results, dict):
        return False
    for key in ("participants", "respondents"):
        value = results.get(key)
        if isinstance(value, dict) and value.get("total"):
            return True
    return bool(top_items(step, 1))


class Activity:
    """Base class of every activity kind; subclasses override what they need."""

    key: ClassVar[str] = ""
    #: The template (under templates/activities/) that renders the phone view.
    participant_template: ClassVar[str] = "activities/info.html"
    #: The template of this kind's staff controls in the console run view (or None).
    #: It is included for the current step with `step`, `act_url` and `staff`
    #: (the dict from `staff_context`) in its context.
    staff_template: ClassVar[str | None] = None
    #: Whether participants write in this step (the screen/console shows a wall).
    collects_contributions: ClassVar[bool] = False
    #: Whether its cards have owners who accept them (a decision-maker's helper page offers them).
    owners_accept: ClassVar[bool] = False
    #: The staff form (a template fragment) that enters a paper form's answers in this kind's
    #: step, or None. It is included with `url`, `step` and `staff` (from `staff_context`).
    paper_entry_template: ClassVar[str | None] = None
    #: Whether a step of this kind can be worked by table (the `by_table` setting, tables.py).
    supports_tables: ClassVar[bool] = False
    #: Whether a helper (a table host writing for their group) works in this kind's phone view:
    #: the helper page then shows `participant_template` for the current step, posting to the
    #: helper's own act route (`act_url`) with the helper as the actor.
    helper_writes: ClassVar[bool] = False

    def label(self) -> str:
        """The kind's name for the facilitator, translated."""
        return self.key

    def default_config(self) -> dict[str, Any]:
        """The settings of a new step of this kind."""
        return {"phones_down": False}

    def all_settings(self) -> dict[str, Any]:
        """Every setting a step of this kind takes, with its default: the kind's own and the
        generic ones it supports (by table)."""
        return {**self.default_config(), **({"by_table": False} if self.supports_tables else {})}

    def config_labels(self) -> dict[str, Any]:
        """The names of this kind's settings for the console's step editor."""
        return SETTING_LABELS

    def config_choices(self) -> dict[str, tuple]:
        """Settings of this kind that take one of a few values: key -> ((value, label), ...)."""
        return SETTING_CHOICES

    def clean_config(self, config: dict[str, Any]) -> dict[str, Any]:
        """Validate a step's settings; return them complete, or raise ValueError."""
        if not isinstance(config, dict):
            raise ValueError("config must be an object")
        merged = {**self.all_settings(), **config}
        unknown = set(merged) - set(self.all_settings())
        if unknown:
            raise ValueError(f"unknown settings for {self.key}: {sorted(unknown)}")
        return merged

    def config_refusal(self, s: Session, step: Step, config: dict[str, Any]) -> Any:
        """Why `config` may not replace the step's settings now (answers saved already depend
        on them); None if it may. Checked when a step is saved in the editor."""
        return None

    def participant_context(self, s: Session, step: Step, actor: Actor | None) -> dict[str, Any]:
        """Template variables for the phone view of `step` as seen by `actor`."""
        return {}

    def on_enter(self, s: Session, step: Step) -> None:
        """Called inside the transaction that makes `step` the current step (e.g. fill its items)."""

    def phone_count(self, s: Session, step: Step) -> int:
        """A number that changes when what every phone shows in this step changes (items
        put up, cards added): phones redraw their view when it does. 0: nothing of the kind."""
        return 0

    def staff_context(self, s: Session, step: Step) -> dict[str, Any]:
        """Template variables for `staff_template` (as `staff`)."""
        return {}

    def live_state(self, s: Session, step: Step, *, staff: bool) -> dict[str, Any]:
        """JSON for the screen and the console (aggregates only, never who did what)."""
        return {}

    def while_hidden(self, s: Session, step: Step) -> dict[str, Any] | None:
        """What the screen shows of this step while its results are hidden (in `live_state`'s
        shape, without any figures): e.g. the text under discussion. None: nothing."""
        return None

    def paper_questions(self, s: Session, step: Step) -> list[PaperQuestion]:
        """What the paper form asks in this step (nothing by default: the step only informs)."""
        return []

    def stations_of(self, step: Step) -> list[dict[str, Any]]:
        """The places of this step that have their own QR code (a walk's stations): each a dict
        with at least `code` and `name`, in order. The station sheets print them. None by default."""
        return []

    def makes_own_cards(self, step: Step) -> bool:
        """Whether this step makes cards of its own that a later meeting can follow up."""
        return False

    def items_from(self, s: Session, step: Step) -> tuple[Iterable[Any], Callable[[Any], str]]:
        """What a later voting step takes from this step as its items (`source_step`): the rows
        (contributions, hidden ones too, which the voting step then hides) and how each reads.
        By default every shared contribution of participants and staff, as written."""
        from sqlalchemy import select

        from dialogue.models import Contribution
        rows = s.scalars(select(Contribution).where(
            Contribution.step_id == step.id, Contribution.private.is_(False),
            Contribution.source.in_(("participant", "staff"))).order_by(Contribution.id))
        return rows, lambda c: c.text

    def owner_view(self, s: Session, step: Step) -> dict[str, Any]:
        """Template variables of the cards an owner accepts (only when `owners_accept`)."""
        return {}

    def polis_rows(self, s: Session, step: Step) -> tuple[list, list, dict] | None:
        """The step as a Pol.is conversation, (statements, votes, groups) for
        `synthesis.polis_io.write_polis_export`; None for kinds that are not one."""
        return None

    def export(self, s: Session, step: Step) -> dict[str, Any]:
        """This step's part of the JSON export beyond kind and texts (the report model's step)."""
        return {}

    def summary_points(self, step: dict[str, Any]) -> list[str]:
        """Plain-language sentences for the report's summary, read from the report model's `step`.
        The default names the item with the most support, if the step has counted items."""
        top = top_items(step, 1)
        if not top:
            return []
        text, value, _what = top[0]
        return [_("In “%(step)s” the most support went to “%(item)s” (%(n)s).",
                  step=step["title"], item=text, n=f"{value:g}")]

    def in_report(self, step: dict[str, Any]) -> bool:
        """Whether the report's details show this step (the report model's `step`): only if
        someone answered it. Steps nobody answered tell a reader nothing."""
        return answered(step)

    def key_findings(self, s: Session, row: Step | None, step: dict[str, Any], minimum: int) -> list[Draft]:
        """Key findings this step suggests for the front of the report (`synthesis.findings`),
        read from the report model's `step` (and the step's `row` where votes are needed).
        Each draft says what it rests on; `minimum` is the small-group rule's size, and a
        draft resting on fewer people is dropped. Nothing by default: a step that only
        informs, or collects texts that themes summarise, suggests nothing of its own."""
        return []

    def report_blocks(self, step: dict[str, Any], blocks: Blocks) -> None:
        """This step's results in a report: facts, tables (also the XLSX/CSV columns) and a
        chart, read from the report model's `step` (what `export` gave). The default lays
        out any results of items with counts generically."""
        if isinstance(step.get("results"), dict):
            item_results(step, blocks)
