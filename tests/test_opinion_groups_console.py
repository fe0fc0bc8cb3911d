"""Opinion groups of a stance step where staff read them: the console while voting runs,
and the report (common ground first, then each group and what sets it apart)."""
from __future__ import annotations

import html
import re

from sqlalchemy import select

from dialogue import db
from dialogue.actors import FACILITATOR, PARTICIPANT, Actor, hash_token
from dialogue.commands.core import dispatch
from dialogue.commands.dialogues import join
from dialogue.export.formats import render
from dialogue.export.report import build_report
from dialogue import activities
from dialogue.activities import stance
from dialogue.models import Dialogue, Item, Participant, Step
from tests.support.report_data import add_step, cid, go, ok

STATEMENTS = ["Bussit kulkevat harvoin", "Neuvonta on hyvää", "Kela on hidas", "Kurssit ovat hyviä",
              "Etätyö sopii", "Toimisto on kaukana", "Chatti auttaa", "Kaikki palvelut yhteen paikkaan"]
COMMON = STATEMENTS[-1]


def stance_dialogue(make, people: int):
    owner = make.facilitator()
    d = make.dialogue(owner=owner, method="blank", title="Mielipiteet", lang="fi")
    with db.write() as s:
        s.get(Dialogue, d.id).current_step_id = None
        for step in s.scalars(select(Step).where(Step.dialogue_id == d.id)):
            s.delete(step)
    staff = Actor(FACILITATOR, d.id, facilitator_id=owner.id)
    step = add_step(d, 0, "stance", "Mitä mieltä?", items=STATEMENTS, hide_results=False)  # the screen shows them
    from types import SimpleNamespace
    go(SimpleNamespace(staff=staff), step)
    actors = []
    for _ in range(people):
        token = join(d, None, None)
        pid = db.session.scalar(select(Participant.id).where(Participant.token_hash == hash_token(token)))
        actors.append(Actor(PARTICIPANT, d.id, participant_id=pid))
    items = {i.text: i.id for i in db.session.scalars(select(Item).where(Item.step_id == step.id))}
    return d, step, actors, items


def vote_two_camps(step, actors, items):
    """Half agree with the first half of the statements and disagree with the rest; the
    other half the opposite; everyone agrees with the last one."""
    for n, p in enumerate(actors):
        camp = n % 2
        for k, text in enumerate(STATEMENTS):
            vote = "agree" if text == COMMON or (k < 4) == (camp == 0) else "disagree"
            ok(dispatch(p, "stance", {"client_id": cid(), "step_id": step.id, "item_id": items[text], "vote": vote}))


def visible_text(page: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))


def test_console_shows_groups_and_common_ground_while_voting_runs(make, monkeypatch):
    d, step, actors, items = stance_dialogue(make, 12)
    staff = make.facilitator_client(d.owner)
    url = f"/console/d/{d.id}/steps/{step.id}/opinion-groups"
    # the run view's stance controls link to it
    assert url in staff.get(f"/console/d/{d.id}").get_data(as_text=True)
    page = staff.get(url).get_data(as_text=True)
    assert 'id="no-groups"' in page  # nobody has voted

    vote_two_camps(step, actors, items)
    # Computed at most every REFRESH_SECONDS: right after, the page still shows the old result.
    page = staff.get(url).get_data(as_text=True)
    assert 'id="no-groups"' in page
    later = stance._now() + activities.get("stance").refresh_seconds + 1
    monkeypatch.setattr(stance, "_now", lambda: later)
    text = visible_text(staff.get(url).get_data(as_text=True))
    # (the console is in Finnish: "Ryhmä" group, "Yhteinen maaperä" common ground)
    assert "Ryhmä A" in text and "Ryhmä B" in text and "(6 henkilöä)" in text
    common = text.split("Yhteinen maaperä", 1)[1]
    assert COMMON in common.split("Ryhmä A", 1)[0]  # common ground first
    assert "<svg" in staff.get(url).get_data(as_text=True)  # the picture, groups as circles
    # no participant is named or numbered on the page
    assert all(f"participant {a.participant_id}" not in text for a in actors)


def test_report_has_common_ground_and_the_groups(make):
    d, step, actors, items = stance_dialogue(make, 12)
    vote_two_camps(step, actors, items)
    model = build_report(db.session, db.session.get(Dialogue, d.id), lang="en")
    found = model["steps"][0]["opinion_groups"]
    assert [g["size"] for g in found["groups"]] == [6, 6]
    assert [c["text"] for c in found["consensus"] if c["direction"] == "agree"] == [COMMON]
    text = visible_text(render(model, "html").decode())
    assert text.index("Common ground: statements every opinion group leans the same way on") < \
        text.index("Opinion groups: what sets each group apart from the others")
    assert "Group A 6" in text and "Group B 6" in text
    page = render(model, "html").decode()
    assert 'id="groups-' in page and "group A, 6 people" in page  # the picture, with its text alternative


def test_too_few_people_for_two_groups_shows_none(make):
    d, step, actors, items = stance_dialogue(make, 6)  # two camps of 3: below the minimum of 5
    vote_two_camps(step, actors, items)
    model = build_report(db.session, db.session.get(Dialogue, d.id), lang="en")
    assert "opinion_groups" not in model["steps"][0]
    page = make.facilitator_client(d.owner).get(f"/console/d/{d.id}/steps/{step.id}/opinion-groups")
    assert 'id="no-groups"' in page.get_data(as_text=True)


def test_screen_shows_the_groups_when_the_facilitator_chooses(make, monkeypatch):
    from dialogue.realtime.snapshot import live_state
    d, step, actors, items = stance_dialogue(make, 12)
    vote_two_camps(step, actors, items)
    screen = live_state(db.session, db.session.get(Dialogue, d.id), staff=False)
    assert not any(g["title"].startswith("Group") for g in screen["step"]["results"]["groups"])
    # The setting is in the step's settings, and one button on the opinion-groups page.
    staff = make.facilitator_client(d.owner)
    form = staff.get(f"/console/d/{d.id}/steps/{step.id}").get_data(as_text=True)
    assert 'name="cfg_show_opinion_groups"' in form
    url = f"/console/d/{d.id}/steps/{step.id}/opinion-groups"
    assert 'id="toggle-screen"' in staff.get(url).get_data(as_text=True)
    r = staff.post(f"/console/d/{d.id}/act", data={"action": "update_step", "step_id": str(step.id),
                                                   "cfg_show_opinion_groups": "1", "client_id": cid()})
    assert r.status_code == 303
    db.session.expire_all()
    assert db.session.get(Step, step.id).config["show_opinion_groups"] is True
    screen = live_state(db.session, db.session.get(Dialogue, d.id), staff=False)
    titles = [g["title"] for g in screen["step"]["results"]["groups"]]
    assert titles[:3] == ["Yhteinen maaperä", "Ryhmä A (6 henkilöä)", "Ryhmä B (6 henkilöä)"], titles
    assert [b["label"] for b in screen["step"]["results"]["groups"][0]["bars"]] == [COMMON]
    page = staff.get(f"/console/d/{d.id}/steps/{step.id}/opinion-groups").get_data(as_text=True)
    assert 'id="on-screen"' in page


def test_the_button_turns_the_screen_view_off_again(make):
    d, step, actors, items = stance_dialogue(make, 2)
    staff = make.facilitator_client(d.owner)
    for value, expected in (("1", True), ("", False)):
        r = staff.post(f"/console/d/{d.id}/act", data={"action": "update_step", "step_id": str(step.id),
                                                       "cfg_show_opinion_groups": value, "client_id": cid()})
        assert r.status_code == 303
        db.session.expire_all()
        assert db.session.get(Step, step.id).config["show_opinion_groups"] is expected
        assert db.session.get(Step, step.id).texts["fi"]["title"] == "Mitä mieltä?"  # nothing else changed
