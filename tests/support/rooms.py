"""A room: a blank dialogue with one step of a kind made current, and people in it."""
from __future__ import annotations

import json

from flask_babel import force_locale
from sqlalchemy import select

from dialogue import activities, db
from dialogue.actors import Actor, hash_token
from dialogue.commands.core import dispatch
from dialogue.commands.dialogues import join
from dialogue.export.json_export import export_dialogue
from dialogue.models import (
    Dialogue,
    Helper,
    Item,
    Participant,
    Step,
    Vote,
)
from tests.conftest import cid

ITEMS = ["Bussit kulkevat harvoin", "Kirjasto on kiinni iltaisin", "Neuvoja saa vain netissä"]


class Room:
    """A dialogue (blank method) with one voting step made current, and people in it."""

    def __init__(self, make, kind, items=ITEMS, **config):
        self.make = make
        self.dialogue = make.dialogue(method="blank")
        self.owner = self.dialogue.owner
        self.staff = Actor("facilitator", self.dialogue.id, facilitator_id=self.owner.id)
        self.step_id = self.add_step(kind, **({"items": list(items)} if items else {}), **config)
        assert self.act(self.staff, "go_to_step", step_id=self.step_id)["ok"]

    def add_step(self, kind, position=None, **config):
        with db.write() as s:
            position = position if position is not None else len(self.steps()) + 1
            step = Step(dialogue_id=self.dialogue.id, position=position, kind=kind,
                        texts={"fi": {"title": f"Vaihe {kind}", "body": ""}},
                        config=activities.get(kind).clean_config(config))
            s.add(step)
            s.flush()
            return step.id

    def steps(self):
        return db.session.get(Dialogue, self.dialogue.id).steps

    def phone(self):
        token = join(db.session.get(Dialogue, self.dialogue.id))
        p = db.session.scalar(select(Participant).where(Participant.token_hash == hash_token(token)))
        return Actor("participant", self.dialogue.id, participant_id=p.id)

    def helper(self):
        with db.write() as s:
            h = Helper(dialogue_id=self.dialogue.id, token=cid(), kind="scribe")
            s.add(h)
            s.flush()
            return Actor("helper", self.dialogue.id, helper_id=h.id), h.link_token

    def act(self, actor, name, **payload):
        """Run a command as `actor`; messages in English (the msgids) whatever is translated."""
        payload.setdefault("client_id", cid())
        with force_locale("en"):
            return dispatch(actor, name, payload)

    def items(self, step_id=None):
        return list(db.session.scalars(select(Item).where(Item.step_id == (step_id or self.step_id))
                                       .order_by(Item.position, Item.id)))

    def item_ids(self):
        return [i.id for i in self.items()]

    def step(self):
        db.session.expire_all()
        return db.session.get(Step, self.step_id)

    def results(self):
        db.session.expire_all()
        step = db.session.get(Step, self.step_id)
        return activities.get(step.kind).results(db.session, step)

    def export_step(self):
        """This step's part of the JSON export."""
        db.session.expire_all()
        doc = export_dialogue(db.session, db.session.get(Dialogue, self.dialogue.id))
        json.dumps(doc)
        return next(st for st in doc["steps"] if st["id"] == self.step_id)

    def votes(self):
        return db.session.query(Vote).filter_by(step_id=self.step_id).count()


def by_id(results, item_id):
    return next(i for i in results["items"] if i["id"] == item_id)


# -- dots ---------------------------------------------------------------------------
