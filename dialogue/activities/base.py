"""The activity interface and its registry.

An activity is a kind of step (info, prompt, dots, ...). Each kind registers one
instance under its key; the rest of the app asks the registry, never a kind
directly. Methods are data made of steps; activities are the code behind them.
"""
from __future__ import annotations

from typing import Any, ClassVar

from flask_babel import gettext as _
from sqlalchemy.orm import Session

from dialogue.actors import Actor
from dialogue.export.blocks import Blocks, item_results, top_items
from dialogue.models import Step

REGISTRY: dict[str, "Activity"] = {}


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

    def label(self) -> str:
        """The kind's name for the facilitator, translated."""
        return self.key

    def default_config(self) -> dict[str, Any]:
        """The settings of a new step of this kind."""
        return {"phones_down": False}

    def clean_config(self, config: dict[str, Any]) -> dict[str, Any]:
        """Validate a step's settings; return them complete, or raise ValueError."""
        if not isinstance(config, dict):
            raise ValueError("config must be an object")
        merged = {**self.default_config(), **config}
        unknown = set(merged) - set(self.default_config())
        if unknown:
            raise ValueError(f"unknown settings for {self.key}: {sorted(unknown)}")
        return merged

    def participant_context(self, s: Session, step: Step, actor: Actor | None) -> dict[str, Any]:
        """Template variables for the phone view of `step` as seen by `actor`."""
        return {}

    def on_enter(self, s: Session, step: Step) -> None:
        """Called inside the transaction that makes `step` the current step (e.g. fill its items)."""

    def staff_context(self, s: Session, step: Step) -> dict[str, Any]:
        """Template variables for `staff_template` (as `staff`)."""
        return {}

    def live_state(self, s: Session, step: Step, *, staff: bool) -> dict[str, Any]:
        """JSON for the screen and the console (aggregates only, never who did what)."""
        return {}

    def makes_own_cards(self, step: Step) -> bool:
        """Whether this step makes cards of its own that a later meeting can follow up."""
        return False

    def owner_view(self, s: Session, step: Step) -> dict[str, Any]:
        """Template variables of the cards an owner accepts (only when `owners_accept`)."""
        return {}

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

    def report_blocks(self, step: dict[str, Any], blocks: Blocks) -> None:
        """This step's results in a report: facts, tables (also the XLSX/CSV columns) and a
        chart, read from the report model's `step` (what `export` gave). The default lays
        out any results of items with counts generically."""
        if isinstance(step.get("results"), dict):
            item_results(step, blocks)
