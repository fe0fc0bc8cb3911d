"""Tables (small groups): adding them, who sits where, work by table, a table host's limits,
world-café rounds, the harvest, the screen, the report by table and the small-group rule."""
from __future__ import annotations

import re
import subprocess
from collections import Counter

import pytest
from alembic import command as alembic_command
from sqlalchemy import create_engine, select, text

from dialogue import db
from dialogue.db import alembic_config, upgrade
from dialogue.models import Contribution, DialogueTable, Helper, Item, Participant, Step
from dialogue import links
from tests.conftest import cid

pytestmark = pytest.mark.usefixtures("app")


# -- helpers -------------------------------------------------------------------------------

def staff_of(make, d):
    return make.socket(make.facilitator_client(d.owner), "facilitator", d)


def ok(ack: dict) -> dict:
    assert ack["ok"], ack
    return ack


def act(sock, command: str, /, **payload) -> dict:
    return sock.emit("act", command, {**payload, "client_id": cid()}, callback=True)


def add_tables(staff, *names) -> list[int]:
    return [ok(act(staff, "table_add", name=n))["table_id"] for n in names]


def phones(make, d, n, **form):
    """n joined phones: (http client, socket)."""
    out = []
    for _ in range(n):
        http = make.participant_client(d, **form)
        out.append((http, make.socket(http, "participant", d)))
    return out


def by_table(d, kind: str, **config) -> Step:
    """The dialogue's (first) step of `kind`, worked by table, with `config`."""
    with db.write() as s:
        step = s.scalars(select(Step).where(Step.dialogue_id == d.id, Step.kind == kind)
                         .order_by(Step.position)).first()
        step.config = {**step.config, "by_table": True, **config}
    return db.session.get(Step, step.id)


def host_link(staff, d, table_name: str) -> str:
    ok(act(staff, "helper_create", kind="table_host", label="Isäntä", table=table_name))
    return db.session.scalars(select(Helper).where(Helper.dialogue_id == d.id).order_by(Helper.id.desc())).first().link_token


def seats(d) -> Counter:
    db.session.expire_all()
    return Counter(db.session.scalars(select(Participant.table_id).where(Participant.dialogue_id == d.id)))


# -- the tables --------------------------------------------------------------------------

def test_the_facilitator_adds_renames_and_removes_tables_without_javascript(make):
    d = make.dialogue()
    console = make.facilitator_client(d.owner)
    for name in ("Pöytä 1", "Pöytä 2"):
        r = console.post(f"/console/d/{d.id}/act", data={"action": "table_add", "name": name, "client_id": cid(),
                                                         "next": f"/console/d/{d.id}/tables"})
        assert r.status_code == 303
    page = console.get(f"/console/d/{d.id}/tables").get_data(as_text=True)
    assert "Pöytä 1" in page and "Pöytä 2" in page
    first, second = db.session.scalars(select(DialogueTable).order_by(DialogueTable.id)).all()
    console.post(f"/console/d/{d.id}/act", data={"action": "table_update", "table_id": first.id, "name": "Liikenne",
                                                 "description": "Bussit ja kyydit", "client_id": cid()})
    console.post(f"/console/d/{d.id}/act", data={"action": "table_remove", "table_id": second.id, "client_id": cid()})
    page = console.get(f"/console/d/{d.id}/tables").get_data(as_text=True)
    assert "Liikenne" in page and "Pöytä 2" not in page
    # An empty name is refused with a message, and changes nothing.
    console.post(f"/console/d/{d.id}/act", data={"action": "table_add", "name": "  ", "client_id": cid()})
    assert len(db.session.scalars(select(DialogueTable)).all()) == 1


def test_a_table_with_answers_cannot_be_removed(make):
    d = make.dialogue()
    staff = staff_of(make, d)
    (table,) = add_tables(staff, "A")
    prompt = by_table(d, "prompt")
    ok(act(staff, "go_to_step", step_id=prompt.id))
    [(_http, phone)] = phones(make, d, 1)
    ok(act(phone, "table_join", table_id=table))
    ok(act(phone, "contribute", step_id=prompt.id, text="Kyydit puuttuvat"))
    refused = act(staff, "table_remove", table_id=table)
    assert not refused["ok"] and "Nimeä se" in refused["error"]


def test_a_method_brings_its_tables_and_a_host_link_takes_its_table_by_name(make):
    d = make.dialogue(method="salonki")
    assert [t.name for t in db.session.scalars(select(DialogueTable).where(DialogueTable.dialogue_id == d.id))] == [
        "Pöytä 1", "Pöytä 2", "Pöytä 3"]
    staff = staff_of(make, d)
    token = host_link(staff, d, "pöytä 2")
    helper = links.find(db.session, Helper, Helper.token, links.HELPER, token)
    assert helper.at_table.name == "Pöytä 2"
    assert db.session.scalar(select(DialogueTable).where(DialogueTable.dialogue_id == d.id).order_by(
        DialogueTable.id.desc())).name == "Pöytä 3"  # no new table was made


# -- who sits where ------------------------------------------------------------------------

def test_seating_evenly_at_random_fills_tables_within_one_of_each_other(make):
    d = make.dialogue()
    staff = staff_of(make, d)
    ids = add_tables(staff, "A", "B", "C")
    phones(make, d, 10)
    ok(act(staff, "table_assign", mode="even"))
    sizes = seats(d)
    assert set(sizes) == set(ids) and sorted(sizes.values()) == [3, 3, 4]


def test_seating_by_role_mixes_residents_experts_and_decision_makers(make):
    d = make.dialogue(ask_role=True)
    staff = staff_of(make, d)
    ids = add_tables(staff, "A", "B", "C")
    for role, n in (("resident", 7), ("expert", 3), ("decision_maker", 3)):
        phones(make, d, n, role=role)
    ok(act(staff, "table_assign", mode="balanced"))
    db.session.expire_all()
    people = db.session.scalars(select(Participant).where(Participant.dialogue_id == d.id)).all()
    sizes = Counter(p.table_id for p in people)
    assert max(sizes.values()) - min(sizes.values()) <= 1
    for role in ("expert", "decision_maker"):
        assert sorted(Counter(p.table_id for p in people if p.role == role).values()) == [1, 1, 1], role
    residents = Counter(p.table_id for p in people if p.role == "resident")
    assert set(residents) == set(ids) and max(residents.values()) - min(residents.values()) <= 1


def test_seating_only_those_without_a_table_keeps_the_others_where_they_are(make):
    d = make.dialogue()
    staff = staff_of(make, d)
    a, b = add_tables(staff, "A", "B")
    [(_h, first), *_rest] = phones(make, d, 5)
    ok(act(first, "table_join", table_id=b))
    ok(act(staff, "table_assign", mode="even"))
    first_row = db.session.scalars(select(Participant).where(Participant.dialogue_id == d.id)
                                   .order_by(Participant.id)).first()
    assert first_row.table_id == b and None not in seats(d)


def test_a_participant_chooses_and_changes_their_table_without_javascript(make):
    d = make.dialogue()
    staff = staff_of(make, d)
    a, b = add_tables(staff, "Ikkunapöytä", "Ovipöytä")
    prompt = by_table(d, "prompt")
    ok(act(staff, "go_to_step", step_id=prompt.id))
    http = make.participant_client(d)
    page = http.get(f"/p/{d.code}").get_data(as_text=True)
    assert "Valitse pöytäsi" in page and "Ikkunapöytä" in page and 'name="text"' not in page  # choose first
    r = http.post(f"/p/{d.code}/act", data={"action": "table_join", "table_id": a, "client_id": cid()})
    assert r.status_code == 303
    page = http.get(f"/p/{d.code}").get_data(as_text=True)
    assert "Ikkunapöytä" in page and 'name="text"' in page
    assert "Vaihda pöytää" in page
    http.post(f"/p/{d.code}/act", data={"action": "table_join", "table_id": b, "client_id": cid()})
    assert "Pöytäsi:" in (p := http.get(f"/p/{d.code}").get_data(as_text=True)) and "Ovipöytä" in p
    # A table that is not this dialogue's is refused, with a message.
    other = make.dialogue()
    foreign = ok(act(staff_of(make, other), "table_add", name="Muu"))["table_id"]
    http.post(f"/p/{d.code}/act", data={"action": "table_join", "table_id": foreign, "client_id": cid()})
    assert "Tätä pöytää ei ole" in http.get(f"/p/{d.code}").get_data(as_text=True)
    assert seats(d) == Counter({b: 1})
    # The code on a table's card, typed in (any case), seats the phone there too.
    code = db.session.get(DialogueTable, a).code
    http.post(f"/p/{d.code}/act", data={"action": "table_join", "code": code.lower(), "client_id": cid()})
    assert seats(d) == Counter({a: 1})


def test_a_table_card_joins_and_seats_in_one_tap(make):
    d = make.dialogue()
    staff = staff_of(make, d)
    (a,) = add_tables(staff, "Pöytä 7")
    code = db.session.get(DialogueTable, a).code
    phone = make.app.test_client()
    page = phone.get(f"/j/{d.code}/t/{code}")
    assert page.status_code == 200 and "Pöytä 7" in page.get_data(as_text=True)
    assert seats(d) == Counter()  # a GET asks, it does not join
    r = phone.post(f"/j/{d.code}/t/{code}")
    assert r.status_code == 302
    assert seats(d) == Counter({a: 1})
    # Already in: the card only moves the phone there.
    (b,) = add_tables(staff, "Pöytä 8")
    phone.post(f"/j/{d.code}/t/{db.session.get(DialogueTable, b).code}")
    assert seats(d) == Counter({b: 1})
    assert phone.get(f"/j/{d.code}/t/XXXX").status_code == 404


def test_staff_move_a_participant_and_the_phone_is_told_to_redraw(make):
    d = make.dialogue()
    staff = staff_of(make, d)
    a, b = add_tables(staff, "A", "B")
    [(_http, phone)] = phones(make, d, 1)
    ok(act(phone, "table_join", table_id=a))
    phone.get_received()
    person = db.session.scalar(select(Participant.id).where(Participant.dialogue_id == d.id))
    ok(act(staff, "table_move", participant_id=person, table_id=b))
    assert seats(d) == Counter({b: 1})
    states = [m["args"][0] for m in phone.get_received() if m["name"] == "state"]
    assert states and states[-1]["seating"] >= 1


# -- work by table -------------------------------------------------------------------------

def _tables_with_answers(make, d):
    """Two tables, a phone at each writing one answer in the by-table prompt."""
    staff = staff_of(make, d)
    a, b = add_tables(staff, "A", "B")
    prompt = by_table(d, "prompt")
    ok(act(staff, "go_to_step", step_id=prompt.id))
    (ha, pa), (hb, pb) = phones(make, d, 2)
    ok(act(pa, "table_join", table_id=a))
    ok(act(pb, "table_join", table_id=b))
    ok(act(pa, "contribute", step_id=prompt.id, text="A: bussit kulkevat harvoin"))
    ok(act(pb, "contribute", step_id=prompt.id, text="B: neuvonta puhelimessa"))
    return staff, (a, b), prompt, ((ha, pa), (hb, pb))


def test_a_participant_without_a_table_cannot_write_in_a_step_worked_by_table(make):
    d = make.dialogue()
    staff = staff_of(make, d)
    add_tables(staff, "A")
    prompt = by_table(d, "prompt")
    ok(act(staff, "go_to_step", step_id=prompt.id))
    [(_h, phone)] = phones(make, d, 1)
    refused = act(phone, "contribute", step_id=prompt.id, text="Hei")
    assert not refused["ok"] and refused["error"] == "Valitse ensin pöytäsi."
    assert db.session.scalars(select(Contribution)).all() == []


def test_each_table_votes_on_its_own_answers_and_the_harvest_brings_all_together(make):
    d = make.dialogue(method="blank")
    with db.write() as s:
        for position, kind in enumerate(("prompt", "dots"), start=1):  # after the blank method's welcome
            s.add(Step(dialogue_id=d.id, position=position, kind=kind, texts={"fi": {"title": kind, "body": ""}},
                       config={}))
    d = db.session.get(type(d), d.id)
    staff, (a, b), prompt, ((ha, pa), (hb, pb)) = _tables_with_answers(make, d)
    dots = by_table(d, "dots", source_step=prompt.position, dots=3)
    ok(act(staff, "go_to_step", step_id=dots.id))
    page_a = ha.get(f"/p/{d.code}").get_data(as_text=True)
    assert "A: bussit" in page_a and "B: neuvonta" not in page_a
    other_item = db.session.scalar(select(Item.id).where(Item.step_id == dots.id, Item.text.startswith("B:")))
    refused = act(pa, "dot", step_id=dots.id, item_id=other_item, delta=1)
    assert not refused["ok"]
    own_item = db.session.scalar(select(Item.id).where(Item.step_id == dots.id, Item.text.startswith("A:")))
    ok(act(pa, "dot", step_id=dots.id, item_id=own_item, delta=1))
    # The harvest: a vote of every table's answers after the prompt; everyone sees all of them.
    harvest = ok(act(staff, "table_harvest", step_id=prompt.id))["step_id"]
    assert db.session.get(Step, harvest).position == prompt.position + 1
    ok(act(staff, "go_to_step", step_id=harvest))
    page_a = ha.get(f"/p/{d.code}").get_data(as_text=True)
    assert "A: bussit" in page_a and "B: neuvonta" in page_a


def test_a_table_host_sees_and_moderates_only_their_table_over_http_and_the_socket(make):
    d = make.dialogue()
    staff, (a, b), prompt, _phones = _tables_with_answers(make, d)
    host_a = host_link(staff, d, "A")
    page = make.app.test_client().get(f"/h/{host_a}").get_data(as_text=True)
    assert "A: bussit" in page and "B: neuvonta" not in page
    # The socket: the host's live state holds only their table's wall, and no other room's.
    sock = make.socket(make.app.test_client(), "helper", d, token=host_a)
    live = [m["args"][0] for m in sock.get_received() if m["name"] == "live"][-1]
    assert [w["text"] for w in live["step"]["wall"]] == ["A: bussit kulkevat harvoin"]
    assert [t["name"] for t in live["step"]["tables"]] == ["A"]
    assert live["step"]["results"] is None  # counts span every table: not in a host's view
    ok(act(staff, "contribute", step_id=prompt.id, text="Henkilökunta kirjasi B:lle", table_id=b))
    for m in sock.get_received():
        if m["name"] == "live":
            assert all("B:lle" not in w["text"] for w in m["args"][0]["step"]["wall"] or [])
    # Moderation ends at the table: hiding B's answer is refused (socket and form), A's works.
    b_answer = db.session.scalar(select(Contribution.id).where(Contribution.text.startswith("B:")))
    a_answer = db.session.scalar(select(Contribution.id).where(Contribution.text.startswith("A:")))
    assert not act(sock, "set_hidden", contribution_id=b_answer, hidden=True)["ok"]
    make.app.test_client().post(f"/h/{host_a}/act", data={"action": "set_hidden", "contribution_id": b_answer,
                                                          "hidden": "1", "client_id": cid()})
    assert not db.session.get(Contribution, b_answer).hidden
    ok(act(sock, "set_hidden", contribution_id=a_answer, hidden=True))
    assert not act(sock, "table_summary", table_id=b, summary="Toisen pöydän yhteenveto")["ok"]
    # What the host writes goes to their own table, whatever they claim.
    ok(act(sock, "contribute", step_id=prompt.id, text="Isäntä kirjasi", table_id=b))
    db.session.expire_all()
    assert db.session.scalar(select(Contribution).where(Contribution.text == "Isäntä kirjasi")).table_id == a


def test_the_screen_shows_every_table_side_by_side_or_one_without_javascript(make):
    d = make.dialogue()
    staff, (a, b), _prompt, _phones = _tables_with_answers(make, d)
    screen = make.app.test_client().get(f"/s/{d.screen_link_token}").get_data(as_text=True)
    assert "table-column" in screen and "A: bussit" in screen and "B: neuvonta" in screen
    ok(act(staff, "screen_table", table_id=b))
    screen = make.app.test_client().get(f"/s/{d.screen_link_token}").get_data(as_text=True)
    assert "B: neuvonta" in screen and "A: bussit" not in screen


# -- rounds ----------------------------------------------------------------------------------

def test_a_new_round_parts_tablemates_keeps_hosts_and_shows_the_last_summary(make):
    d = make.dialogue()
    staff = staff_of(make, d)
    ids = add_tables(staff, "A", "B", "C")
    prompt = by_table(d, "prompt")
    ok(act(staff, "go_to_step", step_id=prompt.id))
    hosts = [host_link(staff, d, name) for name in ("A", "B", "C")]
    clients = phones(make, d, 9)
    ok(act(staff, "table_assign", mode="even"))
    db.session.expire_all()
    before = {p.id: p.table_id for p in db.session.scalars(select(Participant).where(Participant.dialogue_id == d.id))}
    host_sock = make.socket(make.app.test_client(), "helper", d, token=hosts[0])
    ok(act(host_sock, "table_summary", table_id=ids[0], summary="Kyydit ovat suurin huoli"))
    ok(act(staff, "table_round", seed=7))
    db.session.expire_all()
    after = {p.id: p.table_id for p in db.session.scalars(select(Participant).where(Participant.dialogue_id == d.id))}
    assert sorted(Counter(after.values()).values()) == [3, 3, 3]
    for table in ids:  # the three who sat together now sit at three different tables
        mates = [pid for pid, t in before.items() if t == table]
        assert len({after[pid] for pid in mates}) == 3
    assert [links.find(db.session, Helper, Helper.token, links.HELPER, t).table_id for t in hosts] == ids
    assert db.session.get(type(d), d.id).table_round == 2
    # The next group at table A reads what the previous group found.
    newcomer = next(pid for pid, t in after.items() if t == ids[0])
    http = next(h for h, _s in clients if _participant_of(h, d) == newcomer)
    assert "Kyydit ovat suurin huoli" in http.get(f"/p/{d.code}").get_data(as_text=True)


def _participant_of(http, d) -> int:
    from dialogue.actors import hash_token
    with http.session_transaction() as sess:
        token = sess["p"][str(d.id)]
    return db.session.scalar(select(Participant.id).where(Participant.token_hash == hash_token(token)))


# -- the report --------------------------------------------------------------------------------

def test_the_report_gives_each_table_and_hides_a_small_tables_vote_figures(make):
    d = make.dialogue(method="blank")
    with db.write() as s:
        s.add(Step(dialogue_id=d.id, position=1, kind="dots", texts={"fi": {"title": "Tärkeimmät", "body": ""}},
                   config={"items": ["Bussit", "Neuvonta"], "dots": 1, "by_table": True}))
        s.add(Step(dialogue_id=d.id, position=2, kind="prompt", texts={"fi": {"title": "Ajatukset", "body": ""}},
                   config={"by_table": True}))
    staff = staff_of(make, d)
    big, small = add_tables(staff, "Iso pöytä", "Pieni pöytä")
    steps = db.session.scalars(select(Step).where(Step.dialogue_id == d.id).order_by(Step.position)).all()[1:]
    ok(act(staff, "go_to_step", step_id=steps[0].id))
    items = db.session.scalars(select(Item.id).where(Item.step_id == steps[0].id).order_by(Item.position)).all()
    clients = phones(make, d, 7)
    for n, (_h, phone) in enumerate(clients):
        ok(act(phone, "table_join", table_id=big if n < 5 else small))
        ok(act(phone, "dot", step_id=steps[0].id, item_id=items[0] if n < 4 else items[1], delta=1))
    ok(act(staff, "go_to_step", step_id=steps[1].id))
    ok(act(clients[6][1], "contribute", step_id=steps[1].id, text="Pienen pöydän ajatus"))
    report = make.facilitator_client(d.owner).get(f"/console/d/{d.id}/export.json").get_json()
    _welcome, vote_step, prompt_step = report["steps"]
    by_name = {t["name"]: t for t in vote_step["tables"]}
    assert by_name["Iso pöytä"]["voters"] == 5
    assert by_name["Iso pöytä"]["votes"] == [{"item": "Bussit", "value": 4}, {"item": "Neuvonta", "value": 1}]
    assert by_name["Pieni pöytä"]["voters"] == 2 and by_name["Pieni pöytä"]["votes"] is None
    # Together (the harvest) every vote counts, the small table's too.
    assert sum(i["dots"]["total"] for i in vote_step["results"]["items"]) == 7
    # Texts may be shown by table, however small the table.
    assert [(c["text"], c["table"]) for c in prompt_step["contributions"]] == [("Pienen pöydän ajatus", "Pieni pöytä")]
    html = make.facilitator_client(d.owner).get(f"/console/d/{d.id}/report").get_data(as_text=True)
    assert "Pöydittäin" in html and "Pieni pöytä" in html


# -- printing and upgrading --------------------------------------------------------------------

def test_table_cards_print_one_page_per_table(make, tmp_path):
    d = make.dialogue(method="salonki")
    r = make.facilitator_client(d.owner).get(f"/console/d/{d.id}/print/table-cards.pdf")
    assert r.status_code == 200 and r.data.startswith(b"%PDF")
    pdf = tmp_path / "cards.pdf"
    pdf.write_bytes(r.data)
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"^Pages:\s+3$", info, re.M)  # the salon's three tables


def test_an_older_database_turns_helper_links_free_text_tables_into_tables(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    config = alembic_config(url)
    alembic_command.upgrade(config, "0010")
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO facilitator (id, email, password_hash, created_at) "
                          "VALUES (1, 'a@b.fi', 'x', '2026-01-01')"))
        conn.execute(text("INSERT INTO dialogue (id, code, screen_token, owner_id, method, title, topic, language, "
                          "municipality, place, organiser, state, join_locked, ask_role, screen_mode, retention_days, "
                          "summary, is_demo, created_at) VALUES (1, 'ABC123', 't', 1, 'salonki', 'D', '', 'fi', '', '', "
                          "'', 'running', 0, 0, 'step', 180, '{}', 0, '2026-01-01')"))
        for n, table in enumerate(("Pöytä 1", "Pöytä 2", "Pöytä 1", ""), 1):
            conn.execute(text("INSERT INTO helper (id, dialogue_id, token, kind, label, \"table\", revoked, created_at) "
                              "VALUES (:id, 1, :tok, 'table_host', '', :t, 0, '2026-01-01')"),
                         {"id": n, "tok": f"tok{n}", "t": table})
    engine.dispose()
    upgrade(url)
    engine = create_engine(url)
    with engine.connect() as conn:
        names = dict(conn.execute(text("SELECT id, name FROM dialogue_table")).all())
        helpers = dict(conn.execute(text("SELECT id, table_id FROM helper")).all())
    engine.dispose()
    assert sorted(names.values()) == ["Pöytä 1", "Pöytä 2"]
    assert names[helpers[1]] == names[helpers[3]] == "Pöytä 1" and names[helpers[2]] == "Pöytä 2"
    assert helpers[4] is None


def test_statements_written_at_a_table_stay_at_that_table(make):
    d = make.dialogue(method="blank")
    with db.write() as s:
        s.add(Step(dialogue_id=d.id, position=1, kind="stance", texts={"fi": {"title": "Väitteet", "body": ""}},
                   config={"allow_statements": True, "moderate_statements": False, "by_table": True,
                           "items": ["Kaikille yhteinen väite"]}))
    staff = staff_of(make, d)
    a, b = add_tables(staff, "A", "B")
    stance = db.session.scalar(select(Step).where(Step.dialogue_id == d.id, Step.kind == "stance"))
    ok(act(staff, "go_to_step", step_id=stance.id))
    (ha, pa), (hb, pb) = phones(make, d, 2)
    ok(act(pa, "table_join", table_id=a))
    ok(act(pb, "table_join", table_id=b))
    ok(act(pa, "add_statement", step_id=stance.id, text="Pöydän A oma väite"))
    other = db.session.scalar(select(Item.id).where(Item.text == "Pöydän A oma väite"))
    assert not act(pb, "stance", step_id=stance.id, item_id=other, vote="agree")["ok"]
    assert _all_statements(ha, d, stance) == {"Kaikille yhteinen väite", "Pöydän A oma väite"}
    assert _all_statements(hb, d, stance) == {"Kaikille yhteinen väite"}


def _all_statements(http, d, stance) -> set[str]:
    """The texts a phone is given to answer in the stance step (answering each in turn)."""
    seen = []
    for _ in range(5):
        page = http.get(f"/p/{d.code}").get_data(as_text=True)
        found = re.search(r'name="item_id" value="(\d+)"', page)
        if not found:
            break
        seen.append(db.session.get(Item, int(found.group(1))).text)
        http.post(f"/p/{d.code}/act", data={"action": "stance", "step_id": stance.id, "item_id": found.group(1),
                                            "vote": "pass", "client_id": cid()})
    return set(seen)
