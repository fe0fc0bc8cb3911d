"""Comparing roles: residents, experts and decision-makers side by side in the report.

A dialogue asks each participant's role. 5 residents and 5 experts answer a stance, a
scale and a poll step; 2 decision-makers answer too, but a group of 2 is below the
minimum group size, so it is never shown on its own. The report (in English, so the
labels are the msgids) shows one table per step with a column per role group.
"""
from __future__ import annotations

import html
import re
from types import SimpleNamespace

from sqlalchemy import select

from dialogue import db
from dialogue.actors import FACILITATOR, PARTICIPANT, Actor, hash_token
from dialogue.commands.core import dispatch
from dialogue.commands.dialogues import join
from dialogue.export.formats import render
from dialogue.export.report import build_report
from dialogue.models import Dialogue, Item, Participant, Step
from tests.support.report_data import add_step, cid, go, ok

STATEMENTS = ["Bussit kulkevat liian harvoin", "Neuvonta on hyvää"]
OPTIONS = ["Kyllä", "Ei"]


def role_dialogue(make, roles):
    owner = make.facilitator()
    d = make.dialogue(owner=owner, method="blank", title="Roolit", lang="fi")
    with db.write() as s:
        s.get(Dialogue, d.id).ask_role = True
        s.get(Dialogue, d.id).current_step_id = None
        for step in s.scalars(select(Step).where(Step.dialogue_id == d.id)):
            s.delete(step)
    staff = Actor(FACILITATOR, d.id, facilitator_id=owner.id)
    steps = [add_step(d, 0, "stance", "Mitä mieltä?", items=STATEMENTS),
             add_step(d, 1, "scale", "Kuinka hyvin?", items=["Palvelu"]),
             add_step(d, 2, "poll", "Jatketaanko?", items=OPTIONS)]
    people = []
    for role in roles:
        token = join(d, role, None)
        pid = db.session.scalar(select(Participant.id).where(Participant.token_hash == hash_token(token)))
        people.append(Actor(PARTICIPANT, d.id, participant_id=pid, declared_role=role))
    return d, staff, steps, people


def items_of(step):
    return {i.text: i.id for i in db.session.scalars(select(Item).where(Item.step_id == step.id))}


def vote_all(staff, steps, people, answer):
    """`answer(role)` gives (stance on statement 1, on statement 2, rating, poll option)."""
    stance, scale, poll = steps
    for step, fill in ((stance, "stance"), (scale, "scale"), (poll, "poll")):
        go(SimpleNamespace(staff=staff), step)
        items = items_of(step)
        for p in people:
            s1, s2, rating, option = answer(p.declared_role)
            if fill == "stance":
                ok(dispatch(p, "stance", {"client_id": cid(), "step_id": step.id, "item_id": items[STATEMENTS[0]],
                                          "vote": s1}))
                ok(dispatch(p, "stance", {"client_id": cid(), "step_id": step.id, "item_id": items[STATEMENTS[1]],
                                          "vote": s2}))
            elif fill == "scale":
                ok(dispatch(p, "rate", {"client_id": cid(), "step_id": step.id, "item_id": items["Palvelu"],
                                        "rating": rating}))
            else:
                ok(dispatch(p, "poll_vote", {"client_id": cid(), "step_id": step.id, "choice": items[option]}))


def by_role_table(page: str, row: str) -> str:
    """As text, the comparison-by-role table that has a row starting with `row`."""
    for table in re.findall(r"<table.*?</table>", page, re.S):
        text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", table))
        if "By self-declared role:" in text and row in text:
            return text
    return ""


def test_residents_and_experts_side_by_side_decision_makers_too_few(make):
    roles = ["resident"] * 5 + ["expert"] * 5 + ["decision_maker"] * 2
    d, staff, steps, people = role_dialogue(make, roles)

    def answer(role):
        if role == "resident":
            return "agree", "agree", 2, "Kyllä"
        if role == "expert":
            return "disagree", "agree", 4, "Ei"
        return "pass", "disagree", 5, "Ei"
    vote_all(staff, steps, people, answer)

    model = build_report(db.session, db.session.get(Dialogue, d.id), lang="en")
    stance, scale, poll = model["steps"]
    assert [g["group"] for g in stance["by_role"]["groups"]] == ["expert", "resident"]
    assert stance["by_role"]["left_out"] == 2  # the two decision-makers: too few to show, even as "other"
    rows = {r["label"]: r["cells"] for r in stance["by_role"]["rows"]}
    assert rows == {STATEMENTS[0]: ["0 % / 100 % (5)", "100 % / 0 % (5)"],
                    STATEMENTS[1]: ["100 % / 0 % (5)", "100 % / 0 % (5)"]}
    assert {r["label"]: r["cells"] for r in scale["by_role"]["rows"]} == {"Palvelu": ["4.0 (5)", "2.0 (5)"]}
    assert {r["label"]: r["cells"] for r in poll["by_role"]["rows"]} == {"Kyllä": ["0 % (0)", "100 % (5)"],
                                                                          "Ei": ["100 % (5)", "0 % (0)"]}

    # The report as read (HTML; PDF, DOCX, XLSX and CSV draw the same table).
    table = by_role_table(html.unescape(render(model, "html").decode()), STATEMENTS[0])
    assert "Experts (5 people)" in table and "Residents and jobseekers (5 people)" in table
    assert "Decision-makers" not in table
    assert f"{STATEMENTS[0]} 0 % / 100 % (5) 100 % / 0 % (5)" in table
    # ... and in the console's report page, in the dialogue's language.
    page = make.facilitator_client(d.owner).get(f"/console/d/{d.id}/report").get_data(as_text=True)
    assert "0 % / 100 % (5)" in page and "4.0 (5)" in page


def test_no_comparison_with_one_stated_role(make):
    d, staff, steps, people = role_dialogue(make, ["resident"] * 5 + [None] * 5)
    vote_all(staff, steps, people, lambda role: ("agree", "pass", 3, "Kyllä"))
    model = build_report(db.session, db.session.get(Dialogue, d.id), lang="en")
    assert all("by_role" not in step for step in model["steps"])
