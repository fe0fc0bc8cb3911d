"""The real server (python app.py, eventlet) driven by python-socketio clients."""
from __future__ import annotations

import uuid

import pytest

from tests.support.live import (
    LiveServer,
    Recorder,
    facilitator_session,
    joined_session,
    socket_client,
)


@pytest.fixture
def server(tmp_path):
    live = LiveServer(tmp_path).start()
    yield live
    live.stop()


def test_three_phones_and_a_screen(server):
    d = server.new_dialogue()
    staff_http = facilitator_session(server.url)
    staff = socket_client(server.url, staff_http, "facilitator", d["id"])
    screen = socket_client(server.url, None, "screen", d["id"], token=d["screen_url"].rsplit("/", 1)[1])
    screen_live = Recorder(screen, "live")
    sessions = [joined_session(server.url, d["code"]) for _ in range(3)]
    phones = [socket_client(server.url, http, "participant", d["id"]) for http in sessions]
    # move to the first prompt step
    steps = staff_http.get(f"{server.url}/console/d/{d['id']}/export.json").json()["steps"]
    prompt_id = steps[1]["id"]
    recorders = []
    for c in phones:
        recorders.append(Recorder(c, "state"))
    ack = staff.call("act", ("go_to_step", {"step_id": prompt_id, "client_id": uuid.uuid4().hex}), timeout=10)
    assert ack["ok"]
    for r in recorders:
        r.wait_for(lambda s: s["step_id"] == prompt_id)
    for n, c in enumerate(phones):
        ack = c.call("act", ("contribute", {"step_id": prompt_id, "client_id": uuid.uuid4().hex,
                                            "text": f"Ajatus {n}"}), timeout=10)
        assert ack["ok"], ack
    screen_live.wait_for(lambda s: s["step"] and s["step"]["wall"] and
                         {c["text"] for c in s["step"]["wall"]} == {"Ajatus 0", "Ajatus 1", "Ajatus 2"})
    # a repeated client id stores one contribution
    write_id = uuid.uuid4().hex
    for _ in range(2):
        assert phones[0].call("act", ("contribute", {"step_id": prompt_id, "client_id": write_id,
                                                     "text": "Kahdesti"}), timeout=10)["ok"]
    # the same phone, reconnecting, gets the full state
    phones[1].disconnect()
    again = socket_client(server.url, sessions[1], "participant", d["id"])
    fresh = Recorder(again, "state")
    again.emit("sync")
    fresh.wait_for(lambda s: s["step_id"] == prompt_id)
    exported = staff_http.get(f"{server.url}/console/d/{d['id']}/export.json").json()
    texts = [c["text"] for c in exported["steps"][1]["contributions"]]
    assert sorted(texts) == ["Ajatus 0", "Ajatus 1", "Ajatus 2", "Kahdesti"]
    for c in (staff, screen, again, phones[0], phones[2]):
        c.disconnect()


def test_each_phone_is_answered_in_the_language_it_chose(server):
    # The server groups the writes of phones in different languages into one commit.
    d = server.new_dialogue()
    staff_http = facilitator_session(server.url)
    staff = socket_client(server.url, staff_http, "facilitator", d["id"])
    prompt_id = staff_http.get(f"{server.url}/console/d/{d['id']}/export.json").json()["steps"][1]["id"]
    assert staff.call("act", ("go_to_step", {"step_id": prompt_id, "client_id": uuid.uuid4().hex}), timeout=10)["ok"]
    phones = {}
    for lang in ("sv", "en", "fi"):
        http = joined_session(server.url, d["code"])
        assert f'lang="{lang}"' in http.get(f"{server.url}/p/{d['code']}?lang={lang}", timeout=10).text
        phones[lang] = socket_client(server.url, http, "participant", d["id"])
    refusals = {lang: phone.call("act", ("contribute", {"step_id": 10**9, "client_id": uuid.uuid4().hex,
                                                        "text": "Hej"}), timeout=10)["error"]
                for lang, phone in phones.items()}
    assert refusals == {"sv": "Det här steget finns inte.", "en": "This step does not exist.",
                        "fi": "Tätä vaihetta ei ole."}


def test_new_dialogue_prints_addresses_on_the_port_the_server_started_on(tmp_path):
    """`python app.py --port P`, no OSUVA_PORT: `flask new-dialogue` still prints port P."""
    live = LiveServer(tmp_path)
    for name in ("OSUVA_PORT", "OSUVA_PUBLIC_URL"):
        live.env.pop(name)
    live.start()
    try:
        d = live.new_dialogue()
    finally:
        live.stop()
    assert d["join_url"].endswith(f":{live.port}/j/{d['code']}")
    assert f":{live.port}/s/" in d["screen_url"]
