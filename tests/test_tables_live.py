"""Tables on the real server (python app.py, eventlet): three tables, a host at each and nine
phones. Each host's live view follows their own table only; the facilitator and the screen
see every table side by side."""
from __future__ import annotations

import uuid

import pytest

from tests.support.live import LiveServer, Recorder, joined_session, socket_client
from tests.support.phone import act, database, staff_socket

TABLES = ("Pöytä 1", "Pöytä 2", "Pöytä 3")


@pytest.fixture
def server(tmp_path):
    live = LiveServer(tmp_path).start()
    yield live
    live.stop()


def _walls(state) -> dict[str, set[str]]:
    step = state.get("step") or {}
    return {t["name"]: {w["text"] for w in t["wall"]} for t in step.get("tables") or []}


def test_three_tables_three_hosts_and_nine_phones(server):
    d = server.new_dialogue()
    staff = staff_socket(server, d)
    table_ids = [act(staff, "table_add", name=name)["table_id"] for name in TABLES]
    hosts = {}
    for name in TABLES:
        url = act(staff, "helper_create", kind="table_host", label="Isäntä", table=name)["url"]
        hosts[name] = url.rsplit("/", 1)[1]
    with database(server) as conn:
        prompt_id = conn.execute("SELECT id FROM step WHERE dialogue_id = ? AND kind = 'prompt' ORDER BY position",
                                 (d["id"],)).fetchone()[0]
    act(staff, "update_step", step_id=prompt_id, title_fi="Mikä auttaisi?", title_sv="Vad skulle hjälpa?",
        title_en="What would help?", cfg_by_table=True, cfg_wall=True, cfg_max_length=500)
    act(staff, "go_to_step", step_id=prompt_id)

    host_views = {name: Recorder(socket_client(server.url, None, "helper", d["id"], token=token), "live")
                  for name, token in hosts.items()}
    screen = socket_client(server.url, None, "screen", d["id"], token=d["screen_url"].rsplit("/", 1)[1])
    screen_live = Recorder(screen, "live")
    phones = [socket_client(server.url, joined_session(server.url, d["code"]), "participant", d["id"])
              for _ in range(9)]
    act(staff, "table_assign", mode="even")
    with database(server) as conn:
        seated = dict(conn.execute("SELECT table_id, count(*) FROM participant WHERE dialogue_id = ? "
                                   "GROUP BY table_id", (d["id"],)).fetchall())
    assert seated == {t: 3 for t in table_ids}

    # Every phone writes at its own table; it does not say which: the server knows.
    for n, phone in enumerate(phones):
        ack = phone.call("act", ("contribute", {"step_id": prompt_id, "text": f"Ajatus {n}",
                                                "client_id": uuid.uuid4().hex}), timeout=10)
        assert ack["ok"], ack
    with database(server) as conn:
        by_table = {}
        for text, table_id in conn.execute("SELECT c.text, t.name FROM contribution c JOIN dialogue_table t "
                                           "ON t.id = c.table_id WHERE c.step_id = ?", (prompt_id,)):
            by_table.setdefault(table_id, set()).add(text)
    assert sorted(len(v) for v in by_table.values()) == [3, 3, 3]

    for name, view in host_views.items():
        state = view.wait_for(lambda s, name=name: _walls(s).get(name) == by_table[name])
        assert set(_walls(state)) == {name}  # a host's view holds their own table only
        assert {w["text"] for w in state["step"]["wall"]} == by_table[name]
    screen_live.wait_for(lambda s: _walls(s) == by_table)

    # The facilitator puts one table on the screen.
    act(staff, "screen_table", table_id=table_ids[1])
    screen_live.wait_for(lambda s: _walls(s) == {TABLES[1]: by_table[TABLES[1]]})
