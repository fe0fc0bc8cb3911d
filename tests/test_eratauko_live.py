"""A whole Erätauko against the real server (python app.py, eventlet): five phones, a scribe
on a helper link, the facilitator and the projector, each a python-socketio client.

What must hold: phones are quiet while phones are down (a calm view, nothing live on
them or on the screen); private notes stay private until their writer shares them;
the group chooses themes the scribe and the facilitator put up; the insights and the
closing answers end up in the report's National Dialogues section.
"""
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


def act(client, name, **payload):
    ack = client.call("act", (name, {"client_id": uuid.uuid4().hex, **payload}), timeout=10)
    assert ack.get("ok"), (name, ack)
    return ack


def test_a_whole_eratauko_with_five_phones_a_scribe_and_the_facilitator(server):
    d = server.new_dialogue(method="eratauko")
    base = server.url
    staff_http = facilitator_session(base)
    staff = socket_client(base, staff_http, "facilitator", d["id"])
    staff_live = Recorder(staff, "live")
    screen = socket_client(base, None, "screen", d["id"], token=d["screen_url"].rsplit("/", 1)[1])
    screen_live = Recorder(screen, "live")
    doc = staff_http.get(f"{base}/console/d/{d['id']}/export.json").json()
    steps = {s["texts"]["en"]["title"]: s["id"] for s in doc["steps"]}
    themes = {t["key"]: t["id"] for t in doc["themes"]}
    assert set(themes) >= {"concerns", "helps", "hopes", "quotes", "message"}

    # the scribe's helper link, connected like the helper page does
    link = act(staff, "helper_create", kind="scribe", label="Kirjuri")["url"]
    scribe = socket_client(base, None, "helper", d["id"], token=link.rsplit("/", 1)[1])

    sessions = [joined_session(base, d["code"]) for _ in range(5)]
    phones = [socket_client(base, http, "participant", d["id"]) for http in sessions]
    states = [Recorder(p, "state") for p in phones]
    phone_live = [Recorder(p, "live") for p in phones]

    def go(title):
        act(staff, "go_to_step", step_id=steps[title])
        for s in states:
            s.wait_for(lambda st: st["step_id"] == steps[title])

    def panel(n):
        return sessions[n].get(f"{base}/p/{d['code']}/panel", timeout=10).text

    # -- the ground rules, acknowledged ------------------------------------------------
    go("Our ground rules")
    for p in phones:
        act(p, "acknowledge", step_id=steps["Our ground rules"])
    staff_live.wait_for(lambda s: s["step"] and (s["step"]["results"] or {}).get("acknowledged") == 5)

    # -- reflection: private notes stay private until shared -----------------------------
    go("A moment for your own thoughts")
    notes = [act(p, "contribute", step_id=steps["A moment for your own thoughts"], text=f"Oma muistiinpano {n}")
             for n, p in enumerate(phones)]
    assert "Oma muistiinpano 0" in panel(0) and "Oma muistiinpano 0" not in panel(1)
    screen_live.wait_for(lambda s: s["step"] and s["step"]["id"] == steps["A moment for your own thoughts"])
    assert all(not (s["step"] or {}).get("wall") for s in screen_live.items)
    assert all(not (s["step"] or {}).get("wall") for s in staff_live.items
               if s["step"] and s["step"]["id"] == steps["A moment for your own thoughts"])
    act(phones[0], "share_note", contribution_id=notes[0]["id"])
    shared = screen_live.wait_for(lambda s: s["step"] and s["step"]["wall"])
    assert [c["text"] for c in shared["step"]["wall"]] == ["Oma muistiinpano 0"]
    # another participant cannot share someone else's note
    ack = phones[1].call("act", ("share_note", {"contribution_id": notes[2]["id"],
                                                "client_id": uuid.uuid4().hex}), timeout=10)
    assert not ack["ok"]

    # -- joint dialogue, phones down -------------------------------------------------
    for e in phone_live + [screen_live]:
        e.clear()
    go("Joint dialogue")
    for s in states:
        assert s.wait_for(lambda st: st["step_id"] == steps["Joint dialogue"])["phones_down"] is True
    calm = panel(2)
    assert 'class="calm"' in calm and "<textarea" not in calm and 'value="speak"' in calm
    quiet = screen_live.wait_for(lambda s: s["step"] and s["step"]["id"] == steps["Joint dialogue"])
    assert quiet["phones_down"] and quiet["step"]["wall"] is None and quiet["step"]["results"] is None
    # the silent signal: the facilitator sees an anonymous queue, the screen nothing
    act(phones[3], "speak", **{"raise": True})
    queue = staff_live.wait_for(lambda s: len(s.get("speak_queue") or []) == 1)["speak_queue"]
    assert set(queue[0]) == {"id", "waiting_seconds"}
    states[3].wait_for(lambda st: st.get("speakers_waiting") == 1)
    assert "data-hand-up" in panel(3)
    # the scribe writes notes in the speakers' words, some under the report's themes
    for text, key in (("Bussi kulkee kerran päivässä.", None), ("Pelkään, että tuki loppuu.", "concerns"),
                      ("Vertaistuki auttaa.", "helps"), ("”Minut nähtiin ihmisenä.”", "quotes"),
                      ("Kunnan pitää kuulla kyliä.", "message")):
        act(scribe, "note", text=text, **({"theme_id": themes[key]} if key else {}))
    # candidate themes for the theme choice, from the scribe and the facilitator
    for who, text in ((scribe, "Bussiyhteydet"), (scribe, "Yksinäisyys"), (staff, "Velat")):
        act(who, "add_candidate", step_id=steps["What shall we talk more about?"], text=text)
    act(staff, "speaker_done")
    staff_live.wait_for(lambda s: s.get("speak_queue") == [])
    # nothing live reached the phones or the screen while phones were down
    assert all(not e.items for e in phone_live)
    assert all(s["step"]["wall"] is None and s["step"]["results"] is None and "speak_queue" not in s
               for s in screen_live.items if s["step"])

    # -- choosing themes to go deeper ----------------------------------------------------
    go("What shall we talk more about?")
    choice = staff_http.get(f"{base}/console/d/{d['id']}/export.json").json()
    items = {i["text"]: i["id"] for s in choice["steps"] if s["id"] == steps["What shall we talk more about?"]
             for i in s["results"]["items"]}
    assert set(items) == {"Bussiyhteydet", "Yksinäisyys", "Velat"}
    for n, p in enumerate(phones):
        act(p, "dot", step_id=steps["What shall we talk more about?"], item_id=items["Bussiyhteydet"], delta=1)
        act(p, "dot", step_id=steps["What shall we talk more about?"],
            item_id=items["Yksinäisyys" if n < 3 else "Velat"], delta=1)
    bars = screen_live.wait_for(lambda s: s["step"] and s["step"]["results"] and
                                s["step"]["results"].get("bars") and
                                sum(b["value"] for b in s["step"]["results"]["bars"]) == 10)
    assert bars["step"]["results"]["bars"][0]["label"] == "Bussiyhteydet"

    # -- the dialogue continues (phones down again) ---------------------------------------
    go("The dialogue continues")
    assert 'class="calm"' in panel(4)

    # -- insights: anonymous, read aloud or for the report only ------------------------------
    go("Insights")
    for n, p in enumerate(phones):
        act(p, "contribute", step_id=steps["Insights"], text=f"Oivallus {n}", read_aloud="1" if n < 3 else "")
    go("Sharing insights")
    shown = screen_live.wait_for(lambda s: s["step"] and s["step"]["id"] == steps["Sharing insights"])
    assert [c["text"] for c in shown["step"]["results"]["list"]] == ["Oivallus 0", "Oivallus 1", "Oivallus 2"]

    # -- closing questions ---------------------------------------------------------------
    go("What was your most important insight?")
    act(phones[0], "contribute", step_id=steps["What was your most important insight?"], text="Tärkein oivallus")
    go("Where should this conversation continue?")
    act(phones[1], "contribute", step_id=steps["Where should this conversation continue?"],
        text="Valtuustossa, valtuutettujen kanssa")
    go("How did the conversation go?")
    for n, p in enumerate(phones):
        act(p, "give_feedback", step_id=steps["How did the conversation go?"], q_right_issues=4,
            q_different_views=5, q_constructive=5 if n else 3)
    go("Thank you!")

    # -- the report's National Dialogues section --------------------------------------------
    report = staff_http.get(f"{base}/console/d/{d['id']}/export.json").json()
    section = report["method_section"]
    blocks = {b["heading"]: b for b in section["blocks"]}
    assert report["language"] == "fi"
    insights = next(b for b in section["blocks"] if "Oivallus 0" in (b.get("items") or []))
    assert insights["items"] == ["Oivallus 0", "Oivallus 1", "Oivallus 2", "Oivallus 3", "Oivallus 4",
                                 "Tärkein oivallus"]
    assert any(b.get("items") == ["Valtuustossa, valtuutettujen kanssa"] for b in section["blocks"])
    assert any(b.get("items") == ["Pelkään, että tuki loppuu."] for b in section["blocks"])
    assert any(b.get("items") == ["Kunnan pitää kuulla kyliä."] for b in section["blocks"])
    assert any((b.get("items") or [""])[0].startswith("Bussiyhteydet") for b in section["blocks"])
    constructive = dict(section["blocks"][-1]["facts"])
    assert len(constructive) == 3 and all("5" in v for v in constructive.values())
    # private notes never reach the report; the shared one does
    text = str(report)
    assert "Oma muistiinpano 0" in text and not any(f"Oma muistiinpano {n}" in text for n in range(1, 5))
    assert blocks  # headings are in Finnish (the dialogue's language)
    for c in (staff, screen, scribe, *phones):
        c.disconnect()
