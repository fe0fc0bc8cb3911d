"""A scripted dialogue of fifteen contributions for the key findings tests (tests/test_findings.py).

Eight participants (six residents, two experts) answer one open question (fifteen texts,
two themes and three texts without one), put dots on three items, answer three
statements (one everyone agrees with, one that splits the room in half, one mostly
agreed), a commitment is made, and six answer the closing survey. It runs through the
same commands people use. The tests read what the drafts should say from this data,
not from fixed strings.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from dialogue import db
from dialogue.actors import FACILITATOR, PARTICIPANT, Actor, hash_token
from dialogue.commands.core import dispatch
from dialogue.commands.dialogues import join
from dialogue.models import Contribution, Dialogue, Item, Participant, Step
from tests.support.report_data import add_step, cid, ok

THEMES = {
    "Liikenne": ["Bussit kulkevat harvoin Juvalle", "Bussi ei kulje iltaisin kurssille",
                 "Matka työkkäriin kestää tunnin bussilla", "Ilman autoa en pääse haastatteluun",
                 "Bussit eivät kulje viikonloppuna", "Kyytejä ei ole maaseudulta",
                 "Bussilippu on kallis työttömälle"],
    "Verkkopalvelut": ["Verkkopalveluun kirjautuminen on vaikeaa", "En osaa käyttää verkkopalvelua yksin",
                       "Verkkopalvelun lomakkeet ovat vaikeita", "Pankkitunnuksia ei ole kaikilla",
                       "Soita 040 123 4567 jos verkkopalvelu ei toimi"],
}
UNTHEMED = ["Neuvoja saa hyvin puhelimessa", "Kurssit ovat hyödyllisiä", "Odotin vastausta kaksi viikkoa"]
# Who wrote what: participant index per text, in the order of THEMES then UNTHEMED.
WRITERS = [0, 1, 2, 3, 4, 5, 6, 0, 1, 2, 3, 7, 4, 5, 6]
DOT_ITEMS = ["Bussiyhteydet", "Neuvonta puhelimessa", "Kurssit"]
# (participant, item) per dot: Bussiyhteydet 7, Neuvonta puhelimessa 4, Kurssit 1.
DOTS = ([(i, 0) for i in range(7)] + [(i, 1) for i in range(4)] + [(7, 2)])
STATEMENTS = ["Bussien pitäisi kulkea myös iltaisin", "Verkkopalvelu on helppo käyttää",
              "Kurssit auttavat työllistymään"]
# Per statement, the vote of each of the eight participants.
STANCES = [["agree"] * 8,
           ["agree"] * 4 + ["disagree"] * 4,
           ["agree"] * 5 + ["disagree", "pass", "pass"]]
COMMITMENT = ("Selvitetään iltabussin mahdollisuus Juvalle", "Juvan kunta", "2027-03-31")
FEEDBACK = [5, 4, 4, 5, 3, 4]


@dataclass
class ScriptedDialogue:
    dialogue: Dialogue
    staff: Actor
    owner_id: int
    people: list[Actor] = field(default_factory=list)
    steps: dict[str, Step] = field(default_factory=dict)


def _go(k: ScriptedDialogue, step: Step) -> None:
    ok(dispatch(k.staff, "go_to_step", {"client_id": cid(), "step_id": step.id}))


def build_scripted(make) -> ScriptedDialogue:
    """Create the scripted dialogue through the same commands people use."""
    import datetime as dt
    owner = make.facilitator()
    d = make.dialogue(owner=owner, method="blank", title="Työnhaku Juvalla", lang="fi",
                      topic="Mikä auttaa työnhaussa?", municipality="Juva", place="Kirjasto",
                      date=dt.date(2026, 11, 20), organiser="ESR+ Osuva")
    with db.write() as s:
        dialogue = s.get(Dialogue, d.id)
        dialogue.ask_role, dialogue.current_step_id = True, None
        for step in s.scalars(select(Step).where(Step.dialogue_id == d.id)):
            s.delete(step)
    k = ScriptedDialogue(d, Actor(FACILITATOR, d.id, facilitator_id=owner.id), owner.id)
    k.steps["info"] = add_step(d, 0, "info", "Tervetuloa", "Säännöt: kuuntele, kunnioita ja puhu omasta puolestasi.")
    k.steps["prompt"] = add_step(d, 1, "prompt", "Mikä vaikeuttaa työnhakua?", "Kirjoita yksi asia kerrallaan.")
    k.steps["empty"] = add_step(d, 2, "prompt", "Mitä muuta haluat sanoa?", "")
    k.steps["dots"] = add_step(d, 3, "dots", "Mikä on tärkeintä?", "", items=DOT_ITEMS, dots=3)
    k.steps["stance"] = add_step(d, 4, "stance", "Mitä mieltä olet?", "", items=STATEMENTS)
    k.steps["commitments"] = add_step(d, 5, "commitments", "Sitoumukset", "")
    k.steps["feedback"] = add_step(d, 6, "feedback", "Palaute", "", questions=["heard", "could_say"])
    for role in ["resident"] * 6 + ["expert"] * 2:
        token = join(d, role, "Juva")
        pid = db.session.scalar(select(Participant.id).where(Participant.token_hash == hash_token(token)))
        k.people.append(Actor(PARTICIPANT, d.id, participant_id=pid, declared_role=role))

    _go(k, k.steps["prompt"])
    texts = [t for group in THEMES.values() for t in group] + UNTHEMED
    for who, text in zip(WRITERS, texts):
        ok(dispatch(k.people[who], "contribute", {"client_id": cid(), "step_id": k.steps["prompt"].id,
                                                  "text": text}))
    for name, members in THEMES.items():
        theme = ok(dispatch(k.staff, "theme_create", {"client_id": cid(), "name": name}))
        ids = list(db.session.scalars(select(Contribution.id).where(
            Contribution.dialogue_id == d.id, Contribution.text.in_(members))))
        ok(dispatch(k.staff, "assign_theme", {"client_id": cid(), "theme_id": theme["theme_id"],
                                              "contribution_ids": ids}))

    _go(k, k.steps["dots"])
    items = list(db.session.scalars(select(Item.id).where(Item.step_id == k.steps["dots"].id).order_by(Item.position)))
    for who, index in DOTS:
        ok(dispatch(k.people[who], "dot", {"client_id": cid(), "step_id": k.steps["dots"].id,
                                           "item_id": items[index]}))

    _go(k, k.steps["stance"])
    statements = list(db.session.scalars(select(Item.id).where(Item.step_id == k.steps["stance"].id)
                                         .order_by(Item.position)))
    for item_id, votes in zip(statements, STANCES):
        for person, vote in zip(k.people, votes):
            ok(dispatch(person, "stance", {"client_id": cid(), "step_id": k.steps["stance"].id,
                                           "item_id": item_id, "vote": vote}))

    _go(k, k.steps["commitments"])
    text, who, due = COMMITMENT
    ok(dispatch(k.staff, "add_commitment", {"client_id": cid(), "step_id": k.steps["commitments"].id,
                                            "text": text, "who": who, "due": due}))

    _go(k, k.steps["feedback"])
    for person, value in zip(k.people, FEEDBACK):
        ok(dispatch(person, "give_feedback", {"client_id": cid(), "step_id": k.steps["feedback"].id,
                                              "q_heard": str(value), "q_could_say": str(value)}))
    db.session.expire_all()
    k.dialogue = db.session.get(Dialogue, d.id)
    return k
