"""Palvelumuotoilu and kumppanuuspöytä on the real server (python app.py, eventlet): each
method's two tables and six phones. The service path's counts per stage reach the screen;
ideas are written at the phones' own tables; the action cards reach the screen."""
from __future__ import annotations

import uuid

import pytest

from tests.support.live import LiveServer, Recorder, joined_session, socket_client
from tests.support.phone import act, database, staff_socket


@pytest.fixture
def server(tmp_path):
    live = LiveServer(tmp_path).start()
    yield live
    live.stop()


def _steps(server, d) -> dict[str, int]:
    with database(server) as conn:
        return {kind_pos: sid for sid, kind_pos in (
            (sid, f"{kind}:{pos}") for sid, kind, pos in conn.execute(
                "SELECT id, kind, position FROM step WHERE dialogue_id = ? ORDER BY position", (d["id"],)))}


def _phones(server, d, n=6):
    return [socket_client(server.url, joined_session(server.url, d["code"]), "participant", d["id"])
            for _ in range(n)]


def _write(phone, action, payload):
    ack = phone.call("act", (action, {**payload, "client_id": uuid.uuid4().hex}), timeout=10)
    assert ack["ok"], ack


def _ideas_by_table(server, step_id):
    with database(server) as conn:
        rows = conn.execute("SELECT t.name, count(*) FROM contribution c JOIN dialogue_table t ON t.id = c.table_id "
                            "WHERE c.step_id = ? GROUP BY t.name", (step_id,)).fetchall()
    return dict(rows)


def _seated(server, method: str):
    """A dialogue of `method` with its screen and six phones seated evenly at its two tables."""
    d = server.new_dialogue(method=method)
    staff = staff_socket(server, d)
    screen = Recorder(socket_client(server.url, None, "screen", d["id"], token=d["screen_url"].rsplit("/", 1)[1]),
                      "live")
    phones = _phones(server, d)
    act(staff, "table_assign", mode="even")
    return d, staff, _steps(server, d), screen, phones


def test_service_design_with_two_tables_and_six_phones(server):
    d, staff, steps, screen, phones = _seated(server, "palvelumuotoilu")
    act(staff, "go_to_step", step_id=steps["journey:1"])
    for n, phone in enumerate(phones):
        _write(phone, "journey_add", {"step_id": steps["journey:1"], "stage": n % 3, "type": "pain" if n % 2 else "good",
                                      "feeling": 1 + n % 5, "text": f"Kokemus {n}"})

    def counts(state):
        groups = ((state.get("step") or {}).get("results") or {}).get("groups") or []
        return [[bar["value"] for bar in g["bars"]] for g in groups]
    screen.wait_for(lambda s: counts(s) == [[1, 1], [1, 1], [1, 1], [0, 0], [0, 0]])

    act(staff, "go_to_step", step_id=steps["prompt:3"])
    for n, phone in enumerate(phones):
        _write(phone, "contribute", {"step_id": steps["prompt:3"], "text": f"Idea {n}"})
    assert _ideas_by_table(server, steps["prompt:3"]) == {"Pöytä 1": 3, "Pöytä 2": 3}


def test_partnership_table_with_two_tables_and_six_phones(server):
    d, staff, steps, screen, phones = _seated(server, "kumppanuuspoyta")
    act(staff, "go_to_step", step_id=steps["prompt:4"])
    for n, phone in enumerate(phones):
        _write(phone, "contribute", {"step_id": steps["prompt:4"], "text": f"Idea {n}"})
    assert _ideas_by_table(server, steps["prompt:4"]) == {"Pöytä 1": 3, "Pöytä 2": 3}
    act(staff, "go_to_step", step_id=steps["commitments:7"])
    act(staff, "add_commitment", step_id=steps["commitments:7"], text="Neuvontapiste kirjastoon",
        who="Kunta", due="2027-03-31")

    def cards(state):
        return [c["text"] for c in ((state.get("step") or {}).get("results") or {}).get("list") or []]
    screen.wait_for(lambda s: cards(s) == ["Neuvontapiste kirjastoon"])
