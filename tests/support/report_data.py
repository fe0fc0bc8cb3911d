"""A dialogue with known data for the report and export tests (every number is known).

Participants (12): 5 residents from Mikkeli, 4 experts and 1 decision-maker from
Juva, 2 who told nothing. So by role: residents 5 are shown, the rest (4 + 1 + 2 =
7) are "other"; by municipality: Mikkeli 5, Juva 5, and 2 left out.

The dialogue is in Finnish; the tests build its report in English, so that the
labels are the msgids and the tests do not depend on translations.

Steps: 1 info (3 acknowledged), 2 prompt (6 visible contributions, 1 hidden, 3 with
personal data, 2 in the theme "Liikenne", 1 entered by staff), 3 dots over three
items, 4 the closing survey.
"""
from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field

from sqlalchemy import select

from dialogue import db
from dialogue.actors import FACILITATOR, PARTICIPANT, Actor, hash_token
from dialogue.commands.core import dispatch
from dialogue.commands.dialogues import join
from dialogue.models import Contribution, Dialogue, Participant, Step, Theme

HIDDEN_TEXT = "Piilotettava kommentti XYZ"
PII_TEXTS = {
    "phone": "Soita minulle 040 123 4567",
    "email": "Neuvonta on ystävällistä, kirjoita matti.meikalainen@example.fi",
    "hetu": "Henkilötunnukseni on 131052-308T",
}
PII_RAW = ("040 123 4567", "matti.meikalainen@example.fi", "131052-308T")
VISIBLE_TEXTS = [
    "Bussit kulkevat harvoin Juvalle",
    "Bussi ei kulje iltaisin",
    PII_TEXTS["phone"],
    PII_TEXTS["email"],
    PII_TEXTS["hetu"],
    "Paperilta: kurssit ovat hyviä",
]
DOT_ITEMS = ["Bussiyhteydet", "Neuvonta", "Kurssit"]
# Phone dots: Bussiyhteydet 3 (+2 entered by staff), Neuvonta 2, Kurssit 0.
DOTS = {"Bussiyhteydet": (3, 2), "Neuvonta": (2, 0), "Kurssit": (0, 0)}
# Closing survey: phone answers per question, and staff-entered paper counts.
HEARD_PHONE = [5, 4, 4, 2]
COULD_SAY_PHONE = [5, 5, 3]
HEARD_STAFF = {3: 2}   # two paper forms answered 3
COMMENT = "Hyvä tilaisuus, soita 0401234567"


def cid() -> str:
    return uuid.uuid4().hex


def ok(ack: dict) -> dict:
    assert ack.get("ok"), ack
    return ack


@dataclass
class KnownDialogue:
    dialogue: Dialogue
    staff: Actor
    people: list[Actor] = field(default_factory=list)
    steps: list[Step] = field(default_factory=list)


def add_step(d: Dialogue, position: int, kind: str, title: str, body: str = "", **config) -> Step:
    from dialogue import activities
    with db.write() as s:
        step = Step(dialogue_id=d.id, position=position, kind=kind,
                    texts={"fi": {"title": title, "body": body}, "sv": {"title": title, "body": body},
                           "en": {"title": title, "body": body}},
                    config=activities.get(kind).clean_config(config), minutes=5)
        s.add(step)
    return step


def go(k: KnownDialogue, step: Step) -> None:
    ok(dispatch(k.staff, "go_to_step", {"client_id": cid(), "step_id": step.id}))


def build(make, *, with_dots: bool = True) -> KnownDialogue:
    """Create the known dialogue through the same commands people use."""
    owner = make.facilitator()
    d = make.dialogue(owner=owner, method="blank", title="Raporttitesti", lang="fi",
                      topic="Palvelut Juvalla", municipality="Juva", place="Kirjasto",
                      date=dt.date(2025, 3, 14), organiser="ESR+ Osuva")
    with db.write() as s:
        dialogue = s.get(Dialogue, d.id)
        dialogue.ask_role = True
        dialogue.current_step_id = None
        for step in s.scalars(select(Step).where(Step.dialogue_id == d.id)):
            s.delete(step)  # the blank method's welcome slide: this dialogue has its own steps
    staff = Actor(FACILITATOR, d.id, facilitator_id=owner.id)
    k = KnownDialogue(d, staff)
    k.steps.append(add_step(d, 0, "info", "Tervetuloa", "Säännöt: kuuntele ja kunnioita.", acknowledge=True))
    k.steps.append(add_step(d, 1, "prompt", "Mikä toimii?", "Kirjoita yksi asia kerrallaan."))
    if with_dots:
        k.steps.append(add_step(d, 2, "dots", "Mikä on tärkeintä?", "", items=DOT_ITEMS, dots=3))
    k.steps.append(add_step(d, len(k.steps), "feedback", "Palaute", "",
                            questions=["heard", "could_say", "constructive"]))

    people = ([("resident", "Mikkeli")] * 5 + [("expert", "Juva")] * 4 + [("decision_maker", "Juva")]
              + [(None, None)] * 2)
    for role, place in people:
        token = join(d, role, place)
        pid = db.session.scalar(select(Participant.id).where(Participant.token_hash == hash_token(token)))
        k.people.append(Actor(PARTICIPANT, d.id, participant_id=pid, declared_role=role))

    info, prompt = k.steps[0], k.steps[1]
    go(k, info)
    for p in k.people[:3]:
        ok(dispatch(p, "acknowledge", {"client_id": cid(), "step_id": info.id}))

    go(k, prompt)
    # Four residents write, and one expert (a group of 4: shown as "other").
    for p, text in zip([k.people[i] for i in (0, 1, 2, 3, 5)], VISIBLE_TEXTS[:5]):
        ok(dispatch(p, "contribute", {"client_id": cid(), "step_id": prompt.id, "text": text}))
    hidden = ok(dispatch(k.people[6], "contribute", {"client_id": cid(), "step_id": prompt.id, "text": HIDDEN_TEXT}))
    ok(dispatch(staff, "set_hidden", {"client_id": cid(), "contribution_id": hidden["id"], "hidden": "1"}))
    ok(dispatch(staff, "contribute", {"client_id": cid(), "step_id": prompt.id, "text": VISIBLE_TEXTS[5]}))
    with db.write() as s:
        theme = Theme(dialogue_id=d.id, name="Liikenne")
        s.add(theme)
        s.flush()
        for c in s.scalars(select(Contribution).where(Contribution.step_id == prompt.id)):
            if c.text.startswith("Bussi"):
                c.theme_id = theme.id

    if with_dots:
        dots = k.steps[2]
        go(k, dots)
        from dialogue.models import Item
        items = {i.text: i.id for i in db.session.scalars(select(Item).where(Item.step_id == dots.id))}
        plan = [(0, "Bussiyhteydet"), (0, "Bussiyhteydet"), (1, "Bussiyhteydet"), (1, "Neuvonta"),
                (2, "Neuvonta")]
        for who, text in plan:
            ok(dispatch(k.people[who], "dot", {"client_id": cid(), "step_id": dots.id, "item_id": items[text]}))
        ok(dispatch(staff, "staff_count", {"client_id": cid(), "step_id": dots.id,
                                           "item_id": items["Bussiyhteydet"], "n_1": "2", "people": "1"}))

    feedback = k.steps[-1]
    go(k, feedback)
    for i, value in enumerate(HEARD_PHONE):
        payload = {"client_id": cid(), "step_id": feedback.id, "q_heard": str(value)}
        if i < len(COULD_SAY_PHONE):
            payload["q_could_say"] = str(COULD_SAY_PHONE[i])
        if i == 0:
            payload["comment"] = COMMENT
        ok(dispatch(k.people[i], "give_feedback", payload))
    for value, count in HEARD_STAFF.items():
        ok(dispatch(staff, "feedback_count", {"client_id": cid(), "step_id": feedback.id,
                                              "question": "heard", "value": str(value), "count": str(count)}))
    db.session.expire_all()
    k.dialogue = db.session.get(Dialogue, d.id)
    return k
