"""Demo dialogues: one per method, with invented content, to explore before a real session.

A method folder may hold `demo.json`: the demo dialogue's title and details, the
participants' declared roles, and a script of actions played through the same domain
commands as phones and the console (so the demo is valid data by construction):

    {"title": "...", "details": {"municipality": "Juva", "place": "...", "topic": "..."},
     "participants": ["resident", "resident", "expert", null],
     "helpers": [{"kind": "scribe", "label": "Sihteeri"}],
     "script": [
        {"step": 3},                                        # the facilitator moves to step 3
        {"as": "p1", "action": "contribute", "text": "..."},  # step_id: the current step
        {"as": "facilitator", "action": "theme_create", "name": "Liikkuminen"},
        {"as": "p2", "action": "dot", "item_id": "@item:Bussiyhteydet"},
        {"as": "facilitator", "action": "assign_theme", "contribution_id": "@contribution:...",
         "theme_id": "@theme:Liikkuminen"}
     ],
     "state": "closed"}

"pN" is the N-th participant (1-based), "facilitator" the demo facilitator, "helper:LABEL"
a helper link of the dialogue. A value "@item:TEXT", "@contribution:TEXT", "@theme:NAME",
"@section:TEXT", "@amendment:TEXT" or "@minority:TEXT" is the id of the newest row of the dialogue whose text starts so (REFERENCES). Demo dialogues are
marked (`Dialogue.is_demo`) and left out of project reporting; seeding again adds only
what is missing.
"""
from __future__ import annotations

import json
import secrets
import uuid
from pathlib import Path
from typing import Any

from sqlalchemy import select

from dialogue import db, methodology
from dialogue.actors import Actor, facilitator_actor, helper_actor, participant_actor
from dialogue.auth.accounts import by_email, create_facilitator
from dialogue.commands.core import dispatch
from dialogue.commands.dialogues import create_dialogue, join
from dialogue.commands.findings import findings_of
from dialogue.models import (
    Contribution,
    Dialogue,
    DraftAmendment,
    DraftMinority,
    DraftSection,
    Facilitator,
    Helper,
    Item,
    Step,
    Theme,
)

DEMO_EMAIL = "demo.ohjaaja@example.fi"

#: "@name:text" references in a script: the model and its text column, looked up in the dialogue.
REFERENCES = {
    "item": (Item, Item.text),
    "contribution": (Contribution, Contribution.text),
    "theme": (Theme, Theme.name),
    "section": (DraftSection, DraftSection.text),
    "amendment": (DraftAmendment, DraftAmendment.text),
    "minority": (DraftMinority, DraftMinority.text),
}


class DemoError(Exception):
    """A demo script does not play: the message names the file, the entry and the problem."""


def demo_file(method_key: str) -> Path | None:
    """The method's demo.json, if it has one."""
    method = methodology.get(method_key)
    path = method.folder / "demo.json" if method is not None else None
    return path if path is not None and path.is_file() else None


def demo_facilitator() -> tuple[Facilitator, str | None]:
    """The demo facilitator, created if missing; with its password only when just created."""
    account = by_email(DEMO_EMAIL)
    if account is not None:
        return account, None
    password = secrets.token_urlsafe(12)
    return create_facilitator(DEMO_EMAIL, password), password


def seed(owner: Facilitator) -> list[Dialogue]:
    """One demo dialogue per method with a demo.json, for `owner`; existing ones are kept."""
    made = []
    for key in list(methodology.REGISTRY):
        path = demo_file(key)
        if path is None:
            continue
        existing = db.session.scalar(select(Dialogue).where(
            Dialogue.owner_id == owner.id, Dialogue.method == key, Dialogue.is_demo.is_(True)))
        made.append(existing or play(owner, key, path))
    # The demo's own findings register (never a real one): invented entries heard in these dialogues.
    from dialogue.register_demo import seed_register
    seed_register(made)
    return made


def play(owner: Facilitator, method_key: str, path: Path) -> Dialogue:
    """Create the demo dialogue of `method_key` from `path` and play its script."""
    try:
        spec = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise DemoError(f"{path}: {exc}") from None
    dialogue = create_dialogue(owner, method_key, spec["title"], spec.get("language", "fi"), is_demo=True,
                               **spec.get("details", {}))
    player = _Player(dialogue, owner, path)
    for role in spec.get("participants", []):
        player.join(role)
    for helper in spec.get("helpers", []):
        player.run("facilitator", "helper_create", dict(helper), f"helper {helper}")
    for number, entry in enumerate(spec.get("script", []), 1):
        player.entry(entry, f"script entry {number}")
    if spec.get("state"):
        player.run("facilitator", "set_state", {"state": spec["state"]}, "state")
    player.key_findings()
    db.session.expire_all()
    return db.session.get(Dialogue, dialogue.id)


class _Player:
    """Plays a demo script against one dialogue through `dispatch`."""

    def __init__(self, dialogue: Dialogue, owner: Facilitator, path: Path) -> None:
        self.dialogue_id = dialogue.id
        self.owner_id = owner.id
        self.path = path
        self.tokens: list[str] = []

    @property
    def dialogue(self) -> Dialogue:
        return db.session.get(Dialogue, self.dialogue_id)

    def key_findings(self) -> None:
        """Draft the key findings from the played data as staff would, and approve them but the
        last of three or more: the report leads with approved findings, the console shows a draft too."""
        self.run("facilitator", "finding_draft", {}, "key findings")
        drafts = findings_of(db.session, self.dialogue_id)
        for finding in drafts[:-1] if len(drafts) >= 3 else drafts:
            self.run("facilitator", "finding_approve", {"finding_id": finding.id}, "key findings")

    def join(self, role: str | None) -> None:
        self.tokens.append(join(self.dialogue, role=role))

    def entry(self, entry: dict[str, Any], where: str) -> None:
        if "step" in entry and "action" not in entry:
            self.run("facilitator", "go_to_step", {"step_id": self._step(entry["step"], where).id}, where)
            return
        payload = {k: v for k, v in entry.items() if k not in ("as", "action")}
        self.run(entry.get("as", "facilitator"), entry["action"], payload, where)

    def run(self, who: str, action: str, payload: dict[str, Any], where: str) -> dict[str, Any]:
        db.session.expire_all()
        dialogue = self.dialogue
        payload = {key: self._resolve(value, where) for key, value in payload.items()}
        if "step" in payload:
            payload["step_id"] = self._step(payload.pop("step"), where).id
        elif dialogue.current_step_id is not None:
            payload.setdefault("step_id", dialogue.current_step_id)
        payload["client_id"] = uuid.uuid4().hex
        ack = dispatch(self._actor(who, where), action, payload)
        if not ack.get("ok"):
            raise DemoError(f"{self.path}: {where}: {action} as {who}: {ack.get('error')}")
        return ack

    def _actor(self, who: str, where: str) -> Actor:
        dialogue = self.dialogue
        actor: Actor | None = None
        if who == "facilitator":
            actor = facilitator_actor(dialogue, self.owner_id)
        elif who.startswith("helper:"):
            helper = db.session.scalar(select(Helper).where(
                Helper.dialogue_id == dialogue.id, Helper.label == who.split(":", 1)[1]))
            token = helper.link_token if helper else None
            actor = helper_actor(token)
        elif who.startswith("p") and who[1:].isdigit() and 1 <= int(who[1:]) <= len(self.tokens):
            actor = participant_actor(dialogue, self.tokens[int(who[1:]) - 1])
        if actor is None:
            raise DemoError(f"{self.path}: {where}: no one called {who!r}")
        return actor

    def _step(self, position: int, where: str) -> Step:
        step = db.session.scalar(select(Step).where(Step.dialogue_id == self.dialogue_id,
                                                    Step.position == position))
        if step is None:
            raise DemoError(f"{self.path}: {where}: the method has no step {position}")
        return step

    def _resolve(self, value: Any, where: str) -> Any:
        if not (isinstance(value, str) and value.startswith("@") and ":" in value):
            return value
        name, text = value[1:].split(":", 1)
        if name not in REFERENCES:
            raise DemoError(f"{self.path}: {where}: unknown reference {value!r}")
        model, column = REFERENCES[name]
        # A text may be the start of the row's text: an item copied from a commitment card
        # carries its owner and date after the commitment's own words.
        query = select(model.id).where(column.startswith(text, autoescape=True))
        if model is Item or model is DraftSection:
            query = query.join(Step, Step.id == model.step_id).where(Step.dialogue_id == self.dialogue_id)
        elif model in (DraftAmendment, DraftMinority):
            query = query.join(DraftSection, DraftSection.id == model.section_id).join(
                Step, Step.id == DraftSection.step_id).where(Step.dialogue_id == self.dialogue_id)
        else:
            query = query.where(model.dialogue_id == self.dialogue_id)
        found = db.session.scalar(query.order_by(model.id.desc()).limit(1))
        if found is None:
            raise DemoError(f"{self.path}: {where}: no {name} {text!r}")
        return found
