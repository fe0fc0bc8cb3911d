"""Group commit (dialogue/commands/group_commit.py): socket writes arriving together share one
transaction; each is acknowledged only after that commit; a bad write fails alone.

Also: SQLite commits with synchronous=FULL, so what is acknowledged survives a power cut.
"""
from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from dialogue import db
from dialogue.actors import FACILITATOR, PARTICIPANT, Actor
from dialogue.commands import core
from dialogue.commands.group_commit import GroupCommitter, Job
from dialogue.models import Contribution, ProcessedWrite, Vote
from tests.support.world import World, cid


@pytest.fixture
def room(make):
    w = World(make)
    step = w.step("dots")
    items = w.items("dots", n=3, dots=2, max_per_item=2)
    return w, step.id, items


def job(actor: Actor, payload: dict, client_id: str | None = None) -> Job:
    client_id = client_id or cid()
    return Job(core.REGISTRY["dot"], actor, {**payload, "client_id": client_id}, client_id, "fi")


def votes_of(participant_id: int) -> int:
    db.session.rollback()
    return db.session.scalar(select(func.coalesce(func.sum(Vote.value), 0)).where(
        Vote.participant_id == participant_id))


def committer(app, start_task=None) -> GroupCommitter:
    return GroupCommitter(app, 0.001, start_task or (lambda f: threading.Thread(target=f, daemon=True).start()),
                          time.sleep)


def test_commits_are_synced_to_disk(app):
    with db.engine.connect() as conn:
        if db.engine.dialect.name == "sqlite":
            assert conn.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL
            assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        else:
            assert conn.execute(text("SHOW synchronous_commit")).scalar() == "on"


def test_a_bad_write_fails_alone_and_the_others_of_its_group_are_stored(app, room):
    w, step_id, items = room
    me = Actor(PARTICIPANT, w.d.id, participant_id=w.participant_id)
    other = Actor(PARTICIPANT, w.d.id, participant_id=w.new_participant())
    batch = [job(me, {"step_id": step_id, "item_id": items[0], "delta": 1}),
             job(me, {"step_id": step_id, "item_id": 10**9, "delta": 1}),        # no such item
             job(other, {"step_id": step_id, "item_id": items[1], "delta": 1}),
             job(me, {"step_id": step_id, "item_id": items[1], "delta": 1}),
             job(me, {"step_id": step_id, "item_id": items[2], "delta": 1})]     # over the budget of 2
    committer(app).commit(batch)
    answers = [j.answer() for j in batch]
    assert [a["ok"] for a in answers] == [True, False, True, True, False]
    assert answers[1]["error"] and answers[4]["error"]
    assert votes_of(me.participant_id) == 2
    assert votes_of(other.participant_id) == 1
    # Each stored write has its acknowledgement stored with it; the refused ones none.
    stored = set(db.session.scalars(select(ProcessedWrite.client_id)))
    assert {batch[0].client_id, batch[2].client_id, batch[3].client_id} <= stored
    assert batch[1].client_id not in stored and batch[4].client_id not in stored


@pytest.fixture
def write_then_refuse():
    """A command that writes a contribution and is refused afterwards (most refuse before)."""
    @core.command("test_write_then_refuse", roles={PARTICIPANT})
    def write_then_refuse(ctx):
        ctx.s.add(Contribution(dialogue_id=ctx.actor.dialogue_id, step_id=ctx.payload["step_id"],
                               participant_id=ctx.actor.participant_id, source="participant", text="Ei saa jäädä"))
        ctx.s.flush()
        ctx.fail("Refused after writing.")
    yield "test_write_then_refuse"
    del core.REGISTRY["test_write_then_refuse"]


def test_a_write_refused_after_it_wrote_leaves_nothing_and_the_others_are_stored(app, room, write_then_refuse):
    w, step_id, items = room
    me = Actor(PARTICIPANT, w.d.id, participant_id=w.participant_id)
    other = Actor(PARTICIPANT, w.d.id, participant_id=w.new_participant())
    refused = Job(core.REGISTRY[write_then_refuse], other, {"step_id": step_id, "client_id": "x" * 32}, "x" * 32, "fi")
    batch = [job(me, {"step_id": step_id, "item_id": items[0], "delta": 1}), refused,
             job(other, {"step_id": step_id, "item_id": items[1], "delta": 1})]
    committer(app).commit(batch)
    assert [j.answer()["ok"] for j in batch] == [True, False, True]
    assert refused.answer()["error"] == "Refused after writing."
    assert votes_of(me.participant_id) == 1 and votes_of(other.participant_id) == 1
    assert not db.session.scalars(select(Contribution).where(Contribution.text == "Ei saa jäädä")).all()
    assert "x" * 32 not in set(db.session.scalars(select(ProcessedWrite.client_id)))


def test_a_write_sent_twice_in_one_group_counts_once(app, room):
    w, step_id, items = room
    me = Actor(PARTICIPANT, w.d.id, participant_id=w.participant_id)
    same = cid()
    batch = [job(me, {"step_id": step_id, "item_id": items[0], "delta": 1}, same),
             job(me, {"step_id": step_id, "item_id": items[0], "delta": 1}, same)]
    committer(app).commit(batch)
    first, second = (j.answer() for j in batch)
    assert first["ok"] and second["ok"] and second.get("duplicate")
    assert votes_of(me.participant_id) == 1
    # And resent in a later group, it still gets the first answer and changes nothing.
    again = [job(me, {"step_id": step_id, "item_id": items[0], "delta": 1}, same)]
    committer(app).commit(again)
    assert again[0].answer().get("duplicate")
    assert votes_of(me.participant_id) == 1


def test_a_resent_last_dot_gets_its_first_answer_not_no_dots_left(app, room):
    """The write is not looked up before it runs: a resend that its own first copy made
    impossible (the budget is spent) still gets the first answer, in a group and alone."""
    w, step_id, items = room
    me = Actor(PARTICIPANT, w.d.id, participant_id=w.participant_id)
    first = job(me, {"step_id": step_id, "item_id": items[0], "delta": 1})
    last = job(me, {"step_id": step_id, "item_id": items[1], "delta": 1})
    committer(app).commit([first, last])
    assert last.answer()["ok"] and votes_of(me.participant_id) == 2  # the budget of 2 is spent
    resent = job(me, last.payload, last.client_id)
    committer(app).commit([resent])
    assert resent.answer() == {**last.answer(), "duplicate": True}
    assert core.dispatch(me, "dot", dict(last.payload)) == {**last.answer(), "duplicate": True}
    assert votes_of(me.participant_id) == 2


def test_what_another_writer_changes_between_groups_reaches_the_next_group(app, room):
    """The committer keeps the rows its writes loaded (a vote's step and item) from group to
    group; the facilitator's change, committed elsewhere meanwhile, decides the next group."""
    w, step_id, items = room
    me = Actor(PARTICIPANT, w.d.id, participant_id=w.participant_id)
    staff = Actor(FACILITATOR, w.d.id, facilitator_id=w.owner.id)
    group = committer(app)  # one committer for the whole test, as in the server

    def facilitator(name: str, **payload) -> None:
        answers = []
        def post():  # a form post: its own thread, its own session
            with app.app_context():
                answers.append(core.dispatch(staff, name, {**payload, "client_id": cid()}))
        t = threading.Thread(target=post)
        t.start()
        t.join(30)
        assert answers and answers[0]["ok"], answers

    def dot(item_id: int) -> dict:
        one = job(me, {"step_id": step_id, "item_id": item_id, "delta": 1})
        group.commit([one])
        return one.answer()

    assert dot(items[0])["ok"]
    facilitator("set_item_hidden", step_id=step_id, item_id=items[0], hidden=True)
    assert not dot(items[0])["ok"]
    assert dot(items[1])["ok"]
    facilitator("close_voting", step_id=step_id, closed=True)
    assert dot(items[1])["error"] == "Äänestys on päättynyt tässä vaiheessa."
    assert votes_of(me.participant_id) == 2


def test_when_the_commit_fails_no_write_of_the_group_is_acknowledged(app, room, monkeypatch):
    w, step_id, items = room
    me = Actor(PARTICIPANT, w.d.id, participant_id=w.participant_id)
    batch = [job(me, {"step_id": step_id, "item_id": items[0], "delta": 1}),
             job(me, {"step_id": step_id, "item_id": 10**9, "delta": 1})]

    def failing_commit(self):
        raise OperationalError("COMMIT", {}, Exception("disk I/O error"))
    monkeypatch.setattr(Session, "commit", failing_commit)
    committer(app).commit(batch)
    monkeypatch.undo()
    answers = [j.answer() for j in batch]
    assert not any(a["ok"] for a in answers)
    assert all(a.get("retry") for a in answers)  # the phone's outbox sends them again
    assert votes_of(me.participant_id) == 0
    assert db.session.scalar(select(func.count()).select_from(ProcessedWrite).where(
        ProcessedWrite.client_id.in_([j.client_id for j in batch]))) == 0


def test_writes_submitted_together_are_each_acknowledged_after_their_commit(app, room):
    w, step_id, items = room
    actors = [Actor(PARTICIPANT, w.d.id, participant_id=w.new_participant()) for _ in range(6)]
    group = committer(app)
    answers: dict[int, dict] = {}
    seen_at_ack: dict[int, int] = {}

    def phone(n: int, actor: Actor) -> None:
        with app.app_context():
            answers[n] = group.submit(actor, "dot", {"step_id": step_id, "item_id": items[n % 3], "delta": 1,
                                                     "client_id": cid()})
            # Acknowledged means committed: a fresh session sees the vote at once.
            seen_at_ack[n] = votes_of(actor.participant_id)
            db.session.remove()

    threads = [threading.Thread(target=phone, args=(n, a)) for n, a in enumerate(actors)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert all(answers[n]["ok"] for n in range(len(actors)))
    assert all(seen_at_ack[n] == 1 for n in range(len(actors)))
    # Refusals before any transaction are answered at once, without the committer.
    assert not group.submit(None, "dot", {})["ok"]


def test_each_write_is_answered_in_its_own_connections_language(app, room):
    w, step_id, items = room
    group = committer(app)
    answers = {}

    def phone(lang: str) -> None:
        actor = Actor(PARTICIPANT, w.d.id, participant_id=w.new_participant())
        with app.app_context():
            answers[lang] = group.submit(actor, "dot", {"step_id": step_id, "item_id": items[0], "delta": 1,
                                                        "client_id": cid()}, lang)

    threads = [threading.Thread(target=phone, args=(lang,)) for lang in ("sv", "en", "fi")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert [answers[lang]["message"] for lang in ("sv", "en", "fi")] == [
        "Prick tillagd. Prickar kvar: 1.", "Dot added. Dots left: 1.", "Piste annettu. Pisteitä jäljellä: 1."]
