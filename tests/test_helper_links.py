"""Helper links: secret links for a scribe, table host or recorder; staff notes; revoking."""
from __future__ import annotations

from sqlalchemy import select

from dialogue import db
from dialogue.models import AuditEvent, Contribution, Dialogue, DialogueTable, Helper, StaffCount, Step
from tests.conftest import cid


def make_link(make, d, kind="scribe", table="") -> Helper:
    staff = make.socket(make.facilitator_client(d.owner), "facilitator", d)
    ack = staff.emit("act", "helper_create", {"kind": kind, "label": "Anna", "table": table, "client_id": cid()},
                     callback=True)
    assert ack["ok"], ack
    assert ack["url"].startswith("http://osuva.test/h/")
    return db.session.get(Helper, ack["helper_id"])


def test_facilitator_makes_a_link_and_the_helper_page_works_without_an_account(make):
    d = make.dialogue(title="Juvan dialogi")
    c = make.facilitator_client(d.owner)
    r = c.post(f"/console/d/{d.id}/act", data={"action": "helper_create", "kind": "table_host", "label": "Pekka",
                                              "table": "3", "client_id": cid()})
    assert r.status_code == 303
    helper = db.session.scalars(select(Helper)).one()
    assert helper.kind == "table_host"
    assert db.session.get(DialogueTable, helper.table_id).name == "3"  # the table was made for the link
    assert helper.link_token in c.get(f"/console/d/{d.id}/helpers").get_data(as_text=True)
    page = make.app.test_client().get(f"/h/{helper.link_token}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Juvan dialogi" in html and 'id="note-text"' in html and 'id="contrib-text"' in html
    assert make.app.test_client().get("/h/not-a-real-token").status_code == 404


def test_helper_writes_notes_and_answers_without_javascript(make):
    d = make.dialogue()
    helper = make_link(make, d, table="B")
    http = make.app.test_client()
    prompt = d.steps[1]
    r = http.post(f"/h/{helper.link_token}/act", data={"action": "note", "step_id": prompt.id, "client_id": cid(),
                                                  "text": "Ihmiset kertoivat, että bussi ei kulje iltaisin."})
    assert r.status_code == 303 and r.headers["Location"].endswith(f"/h/{helper.link_token}#main")
    r = http.post(f"/h/{helper.link_token}/act", data={"action": "contribute", "step_id": prompt.id,
                                                  "client_id": cid(), "text": "Paperilta: lisää neuvontaa"})
    rows = db.session.scalars(select(Contribution).order_by(Contribution.id)).all()
    assert [(c.source, c.text) for c in rows] == [
        ("note", "Ihmiset kertoivat, että bussi ei kulje iltaisin."), ("staff", "Paperilta: lisää neuvontaa")]
    assert rows[0].at_table.name == "B" and rows[0].helper_id == helper.id and rows[0].participant_id is None
    # notes never go to the screen's wall, the answer does
    screen = make.socket(make.app.test_client(), "screen", d, token=d.screen_link_token)
    owner = make.socket(make.facilitator_client(d.owner), "facilitator", d)
    owner.emit("act", "go_to_step", {"step_id": prompt.id, "client_id": cid()}, callback=True)
    wall = [m["args"][0] for m in screen.get_received() if m["name"] == "live"][-1]["step"]["wall"]
    assert [w["text"] for w in wall] == ["Paperilta: lisää neuvontaa"]
    # the helper's own page shows what they wrote; the audit log names the helper link
    assert "Ihmiset kertoivat" in http.get(f"/h/{helper.link_token}").get_data(as_text=True)
    actors = db.session.scalars(select(AuditEvent.actor).where(AuditEvent.action == "note")).all()
    assert actors == [f"h:{helper.id}"]


def test_helper_socket_writes_notes_with_a_theme_but_cannot_moderate_or_run(make):
    d = make.dialogue()
    helper = make_link(make, d)
    owner = make.socket(make.facilitator_client(d.owner), "facilitator", d)
    theme_id = owner.emit("act", "theme_create", {"name": "Liikenne", "client_id": cid()}, callback=True)["theme_id"]
    sock = make.socket(make.app.test_client(), "helper", d, token=helper.link_token)
    assert sock.is_connected()
    ack = sock.emit("act", "note", {"text": "Matkat ovat pitkiä", "theme_id": theme_id, "client_id": cid()},
                    callback=True)
    assert ack["ok"]
    note = db.session.get(Contribution, ack["id"])
    assert note.theme_id == theme_id and note.step_id == d.current_step_id
    for name, payload in [("set_hidden", {"contribution_id": note.id, "hidden": True}),
                          ("theme_create", {"name": "Oma"}), ("set_state", {"state": "closed"}),
                          ("go_to_step", {"step_id": d.steps[2].id}), ("helper_create", {"kind": "scribe"}),
                          ("fix_text", {"contribution_id": note.id, "text": "Muutettu"})]:
        ack = sock.emit("act", name, {**payload, "client_id": cid()}, callback=True)
        assert ack["ok"] is False and ack["error"], name
    db.session.expire_all()
    assert db.session.get(Contribution, note.id).text == "Matkat ovat pitkiä"
    # a theme of another dialogue is refused
    other = make.dialogue()
    other_owner = make.socket(make.facilitator_client(other.owner), "facilitator", other)
    foreign = other_owner.emit("act", "theme_create", {"name": "Vieras", "client_id": cid()}, callback=True)
    ack = sock.emit("act", "note", {"text": "x", "theme_id": foreign["theme_id"], "client_id": cid()}, callback=True)
    assert ack["ok"] is False


def test_a_revoked_link_stops_working_at_once(make):
    d = make.dialogue()
    helper = make_link(make, d)
    sock = make.socket(make.app.test_client(), "helper", d, token=helper.link_token)
    http = make.app.test_client()
    assert sock.emit("act", "note", {"text": "Ennen", "client_id": cid()}, callback=True)["ok"]
    owner = make.facilitator_client(d.owner)
    r = owner.post(f"/console/d/{d.id}/act", data={"action": "helper_revoke", "helper_id": helper.id,
                                                   "client_id": cid()})
    assert r.status_code == 303
    # the open socket was closed by the server, and its next event would be refused anyway
    assert not sock.is_connected()
    assert http.get(f"/h/{helper.link_token}").status_code == 404
    r = http.post(f"/h/{helper.link_token}/act", data={"action": "note", "text": "Jälkeen", "client_id": cid()})
    assert r.status_code == 404
    assert not make.socket(make.app.test_client(), "helper", d, token=helper.link_token).is_connected()
    assert [c.text for c in db.session.scalars(select(Contribution))] == ["Ennen"]


def test_a_connected_revoked_helper_is_refused_on_the_next_event(make):
    """Even where the server cannot close the socket (another process), every event is checked again."""
    d = make.dialogue()
    helper = make_link(make, d)
    sock = make.socket(make.app.test_client(), "helper", d, token=helper.link_token)
    with db.write() as s:
        s.get(Helper, helper.id).revoked = True
    ack = sock.emit("act", "note", {"text": "Jälkeen", "client_id": cid()}, callback=True)
    assert ack["ok"] is False
    assert db.session.scalar(select(Contribution.id)) is None


def test_a_helper_link_works_only_in_its_own_dialogue(make):
    a, b = make.dialogue(), make.dialogue()
    helper = make_link(make, a)
    http = make.app.test_client()
    http.post(f"/h/{helper.link_token}/act", data={"action": "contribute", "step_id": b.steps[1].id, "client_id": cid(),
                                              "text": "Väärään dialogiin"})
    http.post(f"/h/{helper.link_token}/act", data={"action": "note", "step_id": b.steps[1].id, "client_id": cid(),
                                              "text": "Väärään dialogiin"})
    assert db.session.scalar(select(Contribution.id)) is None
    # another dialogue's facilitator cannot revoke it
    other = make.facilitator_client(b.owner)
    other.post(f"/console/d/{b.id}/act", data={"action": "helper_revoke", "helper_id": helper.id, "client_id": cid()})
    assert db.session.get(Helper, helper.id).revoked is False


def test_helpers_cannot_write_before_opening_or_after_closing(make):
    d = make.dialogue(state="draft")
    helper = make_link(make, d)
    sock = make.socket(make.app.test_client(), "helper", d, token=helper.link_token)
    assert sock.emit("act", "note", {"text": "Liian aikaisin", "client_id": cid()}, callback=True)["ok"] is False
    with db.write() as s:
        s.get(Dialogue, d.id).state = "closed"
    assert sock.emit("act", "note", {"text": "Liian myöhään", "client_id": cid()}, callback=True)["ok"] is False
    page = make.app.test_client().get(f"/h/{helper.link_token}").get_data(as_text=True)
    assert 'role="alert"' in page
    assert db.session.scalar(select(Contribution.id)) is None


def test_helper_enters_paper_votes_for_a_voting_step(make):
    d = make.dialogue()
    owner = make.socket(make.facilitator_client(d.owner), "facilitator", d)
    owner.emit("act", "add_step", {"kind": "dots", "client_id": cid()}, callback=True)
    dots = db.session.scalars(select(Step).where(Step.dialogue_id == d.id, Step.kind == "dots")).one()
    ack = owner.emit("act", "update_step", {"step_id": dots.id, "cfg_items": "Bussit\nNeuvonta", "client_id": cid()},
                     callback=True)
    assert ack["ok"], ack
    owner.emit("act", "go_to_step", {"step_id": dots.id, "client_id": cid()}, callback=True)
    helper = make_link(make, d)
    http = make.app.test_client()
    page = http.get(f"/h/{helper.link_token}").get_data(as_text=True)
    assert 'id="votes-h"' in page and 'name="n_1"' in page
    from dialogue.models import Item
    item = db.session.scalars(select(Item).where(Item.step_id == dots.id).order_by(Item.position)).first()
    r = http.post(f"/h/{helper.link_token}/act", data={"action": "staff_count", "step_id": dots.id, "item_id": item.id,
                                                  "n_1": "4", "people": "4", "client_id": cid()})
    assert r.status_code == 303
    counts = db.session.scalars(select(StaffCount).where(StaffCount.step_id == dots.id)).all()
    assert {(c.item_id, c.count) for c in counts} == {(item.id, 4), (None, 4)}
    assert all(c.helper_id == helper.id for c in counts)
