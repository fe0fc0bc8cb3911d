"""A citizens' jury on the real server (python app.py, eventlet): six phones at two tables from
the expert hearing to the final approval, the screen following the support vote once shown."""
from __future__ import annotations

import pytest

from tests.support.live import LiveServer, Recorder, joined_session, socket_client
from tests.support.phone import act, database, staff_socket


@pytest.fixture
def server(tmp_path):
    live = LiveServer(tmp_path).start()
    yield live
    live.stop()


def _groups(state) -> dict[str, str]:
    results = ((state.get("step") or {}).get("results")) or {}
    return {g["title"]: " ".join(b["text"] for b in g["bars"]) for g in results.get("groups") or []}


def test_a_jury_of_six_phones_at_two_tables(server):
    d = server.new_dialogue(method="kansalaisraati")
    staff = staff_socket(server, d)
    with database(server) as conn:
        steps = [row[0] for row in conn.execute("SELECT id FROM step WHERE dialogue_id = ? ORDER BY position",
                                                (d["id"],))]
        table_ids = [row[0] for row in conn.execute(
            "SELECT id FROM dialogue_table WHERE dialogue_id = ? ORDER BY position", (d["id"],))]
    hearing, at_tables, merged, support, amendments, minority, final = steps[1], *steps[3:9]
    screen = Recorder(socket_client(server.url, None, "screen", d["id"], token=d["screen_url"].rsplit("/", 1)[1]),
                      "live")
    phones = [socket_client(server.url, joined_session(server.url, d["code"]), "participant", d["id"])
              for _ in range(6)]
    for n, phone in enumerate(phones):
        act(phone, "table_join", table_id=table_ids[n % 2])

    act(staff, "go_to_step", step_id=hearing)
    question = act(phones[0], "ask", step_id=hearing, text="Paljonko neuvontapiste maksaa?")
    for phone in phones[1:4]:
        act(phone, "upvote", step_id=hearing, item_id=question["item_id"])

    act(staff, "go_to_step", step_id=at_tables)
    first = act(phones[0], "draft_add_section", step_id=at_tables, text="Neuvontapiste kirjastoon.")
    act(phones[1], "draft_add_section", step_id=at_tables, text="Iltabussit Juvalta.")
    # a tablemate improves the first table's text; a stale edit from the other is kept, not saved
    act(phones[2], "draft_edit", step_id=at_tables, section_id=first["section_id"], base_version=1,
        text="Neuvontapiste kirjastoon, auki myös iltaisin.")
    stale = act(phones[4], "draft_edit", step_id=at_tables, section_id=first["section_id"], base_version=1,
                text="Neuvontapiste kirjastoon ja kauppaan.")
    assert stale["conflict"] and stale["current_text"] == "Neuvontapiste kirjastoon, auki myös iltaisin."

    act(staff, "go_to_step", step_id=merged)
    with database(server) as conn:
        sections = conn.execute("SELECT id, number, text FROM draft_section WHERE step_id = ? ORDER BY number",
                                (merged,)).fetchall()
    assert [(n, t) for _id, n, t in sections] == [(1, "Neuvontapiste kirjastoon, auki myös iltaisin."),
                                                  (2, "Iltabussit Juvalta.")]
    (s1, _n1, _t1), (s2, _n2, _t2) = sections

    act(staff, "go_to_step", step_id=support)
    for phone, vote in zip(phones, ["agree"] * 4 + ["disagree", "cant_say"]):
        act(phone, "draft_support", step_id=support, section_id=s1, vote=vote)
        act(phone, "draft_support", step_id=support, section_id=s2, vote="agree")
    act(staff, "reveal", step_id=support, revealed=True)
    title = "1. Neuvontapiste kirjastoon, auki myös iltaisin."
    state = screen.wait_for(lambda s: "67 % (4)" in _groups(s).get(title, ""))
    assert "17 % (1)" in _groups(state)[title]

    act(staff, "go_to_step", step_id=amendments)
    amendment = act(phones[3], "draft_amend", step_id=amendments, section_id=s2,
                    text="Iltabussit Juvalta ja Hirvensalmelta.", reason="Hirvensalmelta ei pääse illalla.")
    for phone in phones:
        act(phone, "draft_amendment_vote", step_id=amendments, amendment_id=amendment["amendment_id"], vote="agree")
    act(staff, "draft_decide", amendment_id=amendment["amendment_id"], accept=True)

    act(staff, "go_to_step", step_id=minority)
    statement = act(phones[4], "draft_minority", step_id=minority, section_id=s1, text="Kauppa olisi parempi paikka.")
    act(phones[5], "draft_join", step_id=minority, minority_id=statement["minority_id"], joined=True)

    act(staff, "go_to_step", step_id=final)
    for phone, vote in zip(phones, ["agree"] * 5 + ["cant_say"]):
        act(phone, "draft_final", step_id=final, vote=vote)
    with database(server) as conn:
        assert conn.execute("SELECT text, version FROM draft_section WHERE id = ?", (s2,)).fetchone() == (
            "Iltabussit Juvalta ja Hirvensalmelta.", 2)
        assert conn.execute("SELECT count(*) FROM draft_vote WHERE kind = 'minority' AND target_id = ?",
                            (statement["minority_id"],)).fetchone() == (2,)
        assert conn.execute("SELECT value, count(*) FROM draft_vote WHERE kind = 'final' GROUP BY value "
                            "ORDER BY value").fetchall() == [(0, 1), (1, 5)]
    for client in (*phones, staff):
        client.disconnect()
