"""Moderation and themes: hide, fix a typo (kept in the audit trail), merge duplicates (votes
move without counting anyone twice), and grouping into themes by keyboard and in batches."""
from __future__ import annotations

from sqlalchemy import func, select

from dialogue import db
from dialogue.models import (
    AuditEvent,
    Contribution,
    Item,
    StaffCount,
    Step,
    Theme,
    Vote,
)
from tests.conftest import cid


def staff_socket(make, d):
    return make.socket(make.facilitator_client(d.owner), "facilitator", d)


def contribute(make, d, step, *texts):
    """Each text from its own participant; returns (contribution ids, the participants' sockets)."""
    ids, phones = [], []
    for text in texts:
        phone = make.socket(make.participant_client(d), "participant", d)
        ack = phone.emit("act", "contribute", {"step_id": step.id, "text": text, "client_id": cid()}, callback=True)
        assert ack["ok"], ack
        ids.append(ack["id"])
        phones.append(phone)
    return ids, phones


# -- hide, fix ----------------------------------------------------------------------------

def test_fixing_a_typo_keeps_the_original_in_the_audit_trail(make):
    d = make.dialogue()
    staff = staff_socket(make, d)
    prompt = d.steps[1]
    staff.emit("act", "go_to_step", {"step_id": prompt.id, "client_id": cid()}, callback=True)
    (cid_,), _ = contribute(make, d, prompt, "Busi kulkee harvon")
    ack = staff.emit("act", "fix_text", {"contribution_id": cid_, "text": "Bussi kulkee harvoin", "client_id": cid()},
                     callback=True)
    assert ack["ok"] and ack["changed"]
    staff.emit("act", "fix_text", {"contribution_id": cid_, "text": "Bussi kulkee liian harvoin", "client_id": cid()},
               callback=True)
    c = db.session.get(Contribution, cid_)
    db.session.refresh(c)
    assert c.text == "Bussi kulkee liian harvoin" and c.original_text == "Busi kulkee harvon"
    assert [e["text"] for e in c.extra["edits"]] == ["Busi kulkee harvon", "Bussi kulkee harvoin"]
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "fix_text")).all()
    assert len(events) == 2 and all(e.actor.startswith("f:") and e.detail == {"contribution_id": cid_} for e in events)
    # a fix that adds personal data is flagged; one that removes it, unflagged
    staff.emit("act", "fix_text", {"contribution_id": cid_, "text": "Soita 0401234567", "client_id": cid()},
               callback=True)
    assert db.session.get(Contribution, cid_).pii is True
    # the export shows the fixed text only
    export = make.facilitator_client(d.owner).get(f"/console/d/{d.id}/export.json").get_data(as_text=True)
    assert "Busi kulkee harvon" not in export


def test_an_empty_fix_is_refused(make):
    d = make.dialogue()
    staff = staff_socket(make, d)
    staff.emit("act", "go_to_step", {"step_id": d.steps[1].id, "client_id": cid()}, callback=True)
    (cid_,), _ = contribute(make, d, d.steps[1], "Hyvä asia")
    ack = staff.emit("act", "fix_text", {"contribution_id": cid_, "text": "  ", "client_id": cid()}, callback=True)
    assert ack["ok"] is False and ack["error"]
    assert db.session.get(Contribution, cid_).text == "Hyvä asia"


def test_hide_and_restore_from_the_contributions_page(make):
    d = make.dialogue()
    staff = staff_socket(make, d)
    staff.emit("act", "go_to_step", {"step_id": d.steps[1].id, "client_id": cid()}, callback=True)
    (cid_,), _ = contribute(make, d, d.steps[1], "Piilotettava")
    c = make.facilitator_client(d.owner)
    here = f"/console/d/{d.id}/contributions?show=all"
    r = c.post(f"/console/d/{d.id}/act", data={"action": "set_hidden", "contribution_id": cid_, "hidden": "1",
                                              "client_id": cid(), "next": f"{here}#c-{cid_}"})
    assert r.headers["Location"].endswith(f"{here}#c-{cid_}")
    assert db.session.get(Contribution, cid_).hidden is True
    assert "Piilotettava" not in c.get(f"/console/d/{d.id}/contributions").get_data(as_text=True)
    assert "Piilotettava" in c.get(f"/console/d/{d.id}/contributions?show=hidden").get_data(as_text=True)


# -- merge ----------------------------------------------------------------------------------

def test_merging_duplicates_moves_votes_without_counting_anyone_twice(make):
    d = make.dialogue()
    staff = staff_socket(make, d)
    prompt = d.steps[1]
    staff.emit("act", "go_to_step", {"step_id": prompt.id, "client_id": cid()}, callback=True)
    (keep, dup, other), phones = contribute(make, d, prompt, "Bussit harvoin", "bussit kulkee harvoin", "Neuvonta")
    staff.emit("act", "add_step", {"kind": "dots", "client_id": cid()}, callback=True)
    dots = db.session.scalars(select(Step).where(Step.dialogue_id == d.id, Step.kind == "dots")).one()
    assert staff.emit("act", "update_step", {"step_id": dots.id, "cfg_source_step": prompt.position,
                                             "client_id": cid()}, callback=True)["ok"]
    staff.emit("act", "go_to_step", {"step_id": dots.id, "client_id": cid()}, callback=True)
    items = {i.contribution_id: i.id for i in db.session.scalars(select(Item).where(Item.step_id == dots.id))}
    assert set(items) == {keep, dup, other}

    def dot(phone, contribution):
        ack = phone.emit("act", "dot", {"step_id": dots.id, "item_id": items[contribution], "delta": 1,
                                        "client_id": cid()}, callback=True)
        assert ack["ok"], ack
    p1, p2, p3 = phones
    dot(p1, keep)
    dot(p1, dup)      # p1 voted on both duplicates
    dot(p2, dup)
    dot(p3, keep)
    dot(p3, other)
    with db.write() as s:
        s.add(StaffCount(step_id=dots.id, item_id=items[dup], value=1, count=2))  # paper ballots
    ack = staff.emit("act", "merge_contributions", {"keep_id": keep, "merge_ids": [dup], "client_id": cid()},
                     callback=True)
    assert ack["ok"] and ack["dropped_votes"] == 1

    db.session.expire_all()
    kept_item = items[keep]
    voters = db.session.scalars(select(Vote.participant_id).where(Vote.item_id == kept_item)).all()
    assert len(voters) == len(set(voters)) == 3  # p1 once, p2 moved over, p3
    assert db.session.get(Item, items[dup]) is None
    assert db.session.scalar(select(func.sum(StaffCount.count)).where(StaffCount.item_id == kept_item)) == 2
    duplicate = db.session.get(Contribution, dup)
    assert duplicate.hidden and duplicate.extra["merged_into"] == keep
    # refreshing the items does not bring the duplicate back
    staff.emit("act", "refresh_items", {"step_id": dots.id, "client_id": cid()}, callback=True)
    assert db.session.scalar(select(Item.id).where(Item.contribution_id == dup)) is None
    # the other item is untouched
    assert db.session.scalar(select(func.count()).select_from(Vote).where(Vote.item_id == items[other])) == 1


def test_merging_without_votes_moves_the_theme_and_refuses_nonsense(make):
    d = make.dialogue()
    staff = staff_socket(make, d)
    prompt = d.steps[1]
    staff.emit("act", "go_to_step", {"step_id": prompt.id, "client_id": cid()}, callback=True)
    (a, b, c), _ = contribute(make, d, prompt, "A", "A!", "A?")
    theme = staff.emit("act", "theme_create", {"name": "Liikenne", "client_id": cid()}, callback=True)["theme_id"]
    staff.emit("act", "assign_theme", {"contribution_ids": [b], "theme_id": theme, "client_id": cid()}, callback=True)
    assert staff.emit("act", "merge_contributions", {"keep_id": a, "merge_ids": [b, c], "client_id": cid()},
                      callback=True)["ok"]
    db.session.expire_all()
    assert db.session.get(Contribution, a).theme_id == theme
    # merging into a merged text, into itself, or nothing, is refused with a message
    for payload in ({"keep_id": b, "merge_ids": [a]}, {"keep_id": a, "merge_ids": [a]}, {"keep_id": a, "merge_ids": []}):
        ack = staff.emit("act", "merge_contributions", {**payload, "client_id": cid()}, callback=True)
        assert ack["ok"] is False and ack["error"], payload
    # the batch form on the contributions page sends the ticked boxes as contribution_ids[]
    (x, y), _ = contribute(make, d, prompt, "X", "X.")
    r = make.facilitator_client(d.owner).post(f"/console/d/{d.id}/act", data={
        "action": "merge_contributions", "keep_id": str(x), "contribution_ids[]": [str(x), str(y)], "client_id": cid()})
    assert r.status_code == 303
    assert db.session.get(Contribution, y).extra["merged_into"] == x


def test_contributions_of_another_dialogue_cannot_be_merged_or_fixed(make):
    a, b = make.dialogue(), make.dialogue()
    sa, sb = staff_socket(make, a), staff_socket(make, b)
    sa.emit("act", "go_to_step", {"step_id": a.steps[1].id, "client_id": cid()}, callback=True)
    sb.emit("act", "go_to_step", {"step_id": b.steps[1].id, "client_id": cid()}, callback=True)
    (mine,), _ = contribute(make, a, a.steps[1], "Oma")
    (theirs,), _ = contribute(make, b, b.steps[1], "Toisen")
    for name, payload in [("merge_contributions", {"keep_id": mine, "merge_ids": [theirs]}),
                          ("fix_text", {"contribution_id": theirs, "text": "Kaapattu"}),
                          ("assign_theme", {"contribution_ids": [theirs]}),
                          ("set_hidden", {"contribution_id": theirs, "hidden": True})]:
        ack = sa.emit("act", name, {**payload, "client_id": cid()}, callback=True)
        assert ack["ok"] is False, name
    db.session.expire_all()
    t = db.session.get(Contribution, theirs)
    assert (t.text, t.hidden, t.extra) == ("Toisen", False, {})


# -- themes -----------------------------------------------------------------------------------

def test_themes_are_created_renamed_merged_and_deleted(make):
    d = make.dialogue()
    staff = staff_socket(make, d)
    prompt = d.steps[1]
    staff.emit("act", "go_to_step", {"step_id": prompt.id, "client_id": cid()}, callback=True)
    (a, b, c), _ = contribute(make, d, prompt, "Bussit", "Junat", "Neuvonta")

    def run(command, **payload):
        ack = staff.emit("act", command, {**payload, "client_id": cid()}, callback=True)
        assert ack["ok"], (command, ack)
        return ack
    t1 = run("theme_create", name="Liikenne")["theme_id"]
    t2 = run("theme_create", name="Joukkoliikenne")["theme_id"]
    t3 = run("theme_create", name="Palvelut")["theme_id"]
    dup = staff.emit("act", "theme_create", {"name": " liikenne ", "client_id": cid()}, callback=True)
    assert dup["ok"] is False and dup["error"]
    run("assign_theme", contribution_ids=[a], theme_id=t1)
    run("assign_theme", contribution_ids=[b], theme_id=t2)
    run("assign_theme", contribution_id=c, theme_id=t3)
    run("theme_rename", theme_id=t3, name="Palvelut ja neuvonta")
    run("theme_merge", theme_id=t1, merge_ids=[t2])
    db.session.expire_all()
    assert {x.name for x in db.session.scalars(select(Theme))} == {"Liikenne", "Palvelut ja neuvonta"}
    assert [db.session.get(Contribution, i).theme_id for i in (a, b, c)] == [t1, t1, t3]
    run("theme_delete", theme_id=t3)
    db.session.expire_all()
    assert db.session.get(Contribution, c).theme_id is None and db.session.get(Theme, t3) is None
    # take a theme away
    run("assign_theme", contribution_ids=[a, b], theme_id="")
    db.session.expire_all()
    assert db.session.get(Contribution, a).theme_id is None and db.session.get(Contribution, b).theme_id is None


def test_batch_assignment_from_the_page_and_the_keyboard_controls(make):
    d = make.dialogue()
    staff = staff_socket(make, d)
    prompt = d.steps[1]
    staff.emit("act", "go_to_step", {"step_id": prompt.id, "client_id": cid()}, callback=True)
    ids, _ = contribute(make, d, prompt, "Yksi", "Kaksi", "Kolme")
    theme = staff.emit("act", "theme_create", {"name": "Kaikki", "client_id": cid()}, callback=True)["theme_id"]
    c = make.facilitator_client(d.owner)
    page = c.get(f"/console/d/{d.id}/contributions").get_data(as_text=True)
    # each row: focusable, a tick box for the batch, its own theme form; themes numbered for the keys 1–9
    for i in ids:
        assert f'id="c-{i}"' in page and f'id="pick-{i}"' in page and f'id="theme-{i}"' in page
    assert 'tabindex="0"' in page and 'form="bulk"' in page and "<kbd>1</kbd>" in page
    r = c.post(f"/console/d/{d.id}/act", data={"action": "assign_theme", "theme_id": str(theme), "client_id": cid(),
                                              "contribution_ids[]": [str(i) for i in ids[:2]],
                                              "next": f"/console/d/{d.id}/contributions"})
    assert r.headers["Location"].endswith(f"/console/d/{d.id}/contributions")
    db.session.expire_all()
    assert [db.session.get(Contribution, i).theme_id for i in ids] == [theme, theme, None]
    # filters: by theme, and the ones without a theme
    only = c.get(f"/console/d/{d.id}/contributions?theme={theme}").get_data(as_text=True)
    assert "Yksi" in only and "Kolme" not in only
    rest = c.get(f"/console/d/{d.id}/contributions?theme=none").get_data(as_text=True)
    assert "Kolme" in rest and "Yksi" not in rest
    # nothing ticked: a clear refusal
    with c.session_transaction() as sess:
        sess.pop("_flashes", None)
    c.post(f"/console/d/{d.id}/act", data={"action": "assign_theme", "theme_id": str(theme), "client_id": cid()})
    with c.session_transaction() as sess:
        assert [cat for cat, _m in sess.get("_flashes", [])] == ["error"]


def test_themes_can_still_be_worked_on_after_closing(make):
    d = make.dialogue()
    staff = staff_socket(make, d)
    staff.emit("act", "go_to_step", {"step_id": d.steps[1].id, "client_id": cid()}, callback=True)
    (a,), _ = contribute(make, d, d.steps[1], "Sanottu")
    assert staff.emit("act", "set_state", {"state": "closed", "client_id": cid()}, callback=True)["ok"]
    theme = staff.emit("act", "theme_create", {"name": "Jälkikäteen", "client_id": cid()}, callback=True)
    assert theme["ok"]
    for name, payload in [("assign_theme", {"contribution_ids": [a], "theme_id": theme["theme_id"]}),
                          ("fix_text", {"contribution_id": a, "text": "Sanottu."}),
                          ("set_hidden", {"contribution_id": a, "hidden": True})]:
        assert staff.emit("act", name, {**payload, "client_id": cid()}, callback=True)["ok"], name
