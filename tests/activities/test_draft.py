"""The draft statement (`draft`): versions, conflicting edits merged, support hidden then
shown, amendments accepted and rejected, minority statements, final approval, tables
merged, and the same actions as plain forms without JavaScript."""
from __future__ import annotations

from flask_babel import force_locale
from sqlalchemy import select

from dialogue import activities, db
from dialogue.actors import Actor
from dialogue.commands.core import dispatch
from dialogue.models import DraftSection, DraftVote, Step
from tests.conftest import cid
from tests.support.rooms import Room


def _draft_room(make, **config):
    config.setdefault("writing", True)
    return Room(make, "draft", items=None, **config)


def _sections(room, step_id=None):
    db.session.expire_all()
    return list(db.session.scalars(select(DraftSection).where(DraftSection.step_id == (step_id or room.step_id))
                                   .order_by(DraftSection.number)))


def _doc(room, staff=False):
    db.session.expire_all()
    step = db.session.get(Step, room.step_id)
    with force_locale("en"):
        return activities.draft.document(db.session, activities.draft.document_step(db.session, step), staff=staff)


def _add(room, actor, text):
    ack = room.act(actor, "draft_add_section", step_id=room.step_id, text=text)
    assert ack["ok"], ack
    return ack["section_id"]


def test_versions_are_kept_and_staff_see_the_kind_of_writer_only(make):
    room = _draft_room(make)
    phone = room.phone()
    sid = _add(room, phone, "Bussivuoroja lisää Juvalle.")
    assert room.act(phone, "draft_edit", step_id=room.step_id, section_id=sid, base_version=1,
                    text="Bussivuoroja lisää Juvalle ja Kangasniemelle.")["ok"]
    assert room.act(room.staff, "draft_edit", step_id=room.step_id, section_id=sid, base_version=2,
                    text="Lisää bussivuoroja Juvalle ja Kangasniemelle.")["ok"]
    staff_view = _doc(room, staff=True)["sections"][0]
    assert [v["number"] for v in staff_view["versions"]] == [1, 2, 3]
    assert [v["by"] for v in staff_view["versions"]] == ["participant", "participant", "facilitator"]
    public = _doc(room)["sections"][0]
    assert public["text"] == "Lisää bussivuoroja Juvalle ja Kangasniemelle." and public["version"] == 3
    assert all("by" not in v for v in public["versions"])
    # participants never see who wrote which version
    page = make.participant_client(room.dialogue).get(f"/p/{room.dialogue.code}").get_data(as_text=True)
    assert "Bussivuoroja lisää Juvalle." in page
    history = page[page.index('class="draft-history"'):]
    assert '<span class="badge">Versio 1</span>' in history and "ohjaaja" not in history
    assert "osallistuja" not in history


def test_conflicting_edit_is_refused_kept_and_merged(make):
    room = _draft_room(make)
    a, b = room.phone(), room.phone()
    sid = _add(room, a, "Työkokeiluja enemmän.")
    assert room.act(a, "draft_edit", step_id=room.step_id, section_id=sid, base_version=1,
                    text="Työkokeiluja enemmän pienille yrityksille.")["ok"]
    late = room.act(b, "draft_edit", step_id=room.step_id, section_id=sid, base_version=1,
                    text="Työkokeiluja enemmän ja ohjausta niiden aikana.")
    assert late["ok"] and late["conflict"]
    assert late["current_text"] == "Työkokeiluja enemmän pienille yrityksille."
    assert late["your_text"] == "Työkokeiluja enemmän ja ohjausta niiden aikana."
    assert _sections(room)[0].text == "Työkokeiluja enemmän pienille yrityksille."  # nothing overwritten
    merged = "Työkokeiluja enemmän pienille yrityksille ja ohjausta niiden aikana."
    assert room.act(b, "draft_edit", step_id=room.step_id, section_id=sid, base_version=2, text=merged)["ok"]
    section = _sections(room)[0]
    assert section.text == merged and section.version == 3
    assert [v["text"] for v in _doc(room)["sections"][0]["versions"]][-1] == merged


def test_conflict_is_shown_with_both_texts_without_javascript(make):
    room = _draft_room(make)
    sid = _add(room, room.staff, "Kirjasto auki iltaisin.")
    client = make.participant_client(room.dialogue)
    url = f"/p/{room.dialogue.code}"
    assert room.act(room.staff, "draft_edit", step_id=room.step_id, section_id=sid, base_version=1,
                    text="Kirjasto auki iltaisin ja lauantaisin.")["ok"]
    r = client.post(f"{url}/act", data={"action": "draft_edit", "step_id": room.step_id, "section_id": sid,
                                         "base_version": 1, "text": "Kirjasto auki myös sunnuntaisin.",
                                         "client_id": cid()})
    assert r.status_code == 303
    page = client.get(url).get_data(as_text=True)
    assert 'class="msg msg-error draft-conflict"' in page
    assert "Kirjasto auki iltaisin ja lauantaisin." in page and "Kirjasto auki myös sunnuntaisin." in page
    assert 'name="base_version" value="2"' in page
    r = client.post(f"{url}/act", data={"action": "draft_edit", "step_id": room.step_id, "section_id": sid,
                                         "base_version": 2, "client_id": cid(),
                                         "text": "Kirjasto auki iltaisin, lauantaisin ja sunnuntaisin."})
    page = client.get(url).get_data(as_text=True)
    assert "draft-conflict" not in page and "Kirjasto auki iltaisin, lauantaisin ja sunnuntaisin." in page


def test_support_is_hidden_until_revealed_then_shares_with_counts(make):
    room = _draft_room(make, writing=False, support=True)
    sid = _add(room, room.staff, "Asiointi onnistuu myös paperilla.")
    phones = [room.phone() for _ in range(4)]
    for phone, vote in zip(phones, ["agree", "agree", "agree", "disagree"]):
        assert room.act(phone, "draft_support", step_id=room.step_id, section_id=sid, vote=vote)["ok"]
    assert room.act(phones[3], "draft_support", step_id=room.step_id, section_id=sid, vote="cant_say")["ok"]
    assert not room.act(phones[0], "draft_support", step_id=room.step_id, section_id=sid, vote="maybe")["ok"]
    client = make.participant_client(room.dialogue)
    page = client.get(f"/p/{room.dialogue.code}").get_data(as_text=True)
    assert "draft-counts" not in page and "later" in page.lower() or "myöhemmin" in page
    assert room.act(room.staff, "reveal", step_id=room.step_id, revealed="1")["ok"]
    page = client.get(f"/p/{room.dialogue.code}").get_data(as_text=True)
    assert "draft-counts" in page and "(75 %)" in page
    support = _doc(room)["sections"][0]["support"]
    assert (support["agree"], support["disagree"], support["cant_say"], support["votes"]) == (3, 0, 1, 4)
    assert support["shares"]["agree"] == 0.75


def test_amendments_accepted_and_rejected(make):
    room = _draft_room(make, writing=False, amendments=True)
    sid = _add(room, room.staff, "Kela-asiointiin apua kirjastossa.")
    author, voter = room.phone(), room.phone()
    ok = room.act(author, "draft_amend", step_id=room.step_id, section_id=sid,
                  text="Kela- ja TE-asiointiin apua kirjastossa.", reason="TE-palvelut ovat yhtä vaikeita.")
    no = room.act(author, "draft_amend", step_id=room.step_id, section_id=sid,
                  text="Kela-asiointiin apua netissä.", reason="")
    assert ok["ok"] and no["ok"]
    assert not room.act(author, "draft_amend", step_id=room.step_id, section_id=sid,
                        text="Kela-asiointiin apua kirjastossa.")["ok"]  # the same text is no amendment
    for phone in (author, voter):
        assert room.act(phone, "draft_amendment_vote", step_id=room.step_id, amendment_id=ok["amendment_id"],
                        vote="agree")["ok"]
    assert room.act(voter, "draft_amendment_vote", step_id=room.step_id, amendment_id=no["amendment_id"],
                    vote="disagree")["ok"]
    assert not room.act(author, "draft_decide", amendment_id=ok["amendment_id"], accept="1")["ok"]  # staff only
    assert room.act(room.staff, "draft_decide", amendment_id=ok["amendment_id"], accept="1")["ok"]
    assert room.act(room.staff, "draft_decide", amendment_id=no["amendment_id"], accept="")["ok"]
    assert not room.act(room.staff, "draft_decide", amendment_id=no["amendment_id"], accept="1")["ok"]
    assert not room.act(voter, "draft_amendment_vote", step_id=room.step_id, amendment_id=no["amendment_id"],
                        vote="agree")["ok"]  # decided: no more votes
    section = _doc(room)["sections"][0]
    assert section["text"] == "Kela- ja TE-asiointiin apua kirjastossa."
    assert section["versions"][-1]["amendment"] == 1 and len(section["versions"]) == 2
    assert [(a["status"], a["votes"]["agree"], a["votes"]["disagree"]) for a in section["amendments"]] == [
        ("accepted", 2, 0), ("rejected", 0, 1)]


def test_minority_statements_published_with_the_count_never_who(make):
    room = _draft_room(make, writing=False, minority=True)
    sid = _add(room, room.staff, "Kaikki palvelut verkkoon.")
    phones = [room.phone() for _ in range(3)]
    ack = room.act(phones[0], "draft_minority", step_id=room.step_id, section_id=sid,
                   text="Osa meistä ei käytä verkkoa: palvelua pitää saada myös kasvokkain.")
    assert ack["ok"]
    mid = ack["minority_id"]
    assert room.act(phones[1], "draft_join", step_id=room.step_id, minority_id=mid, joined="1")["ok"]
    assert room.act(phones[2], "draft_join", step_id=room.step_id, minority_id=mid, joined="1")["ok"]
    assert room.act(phones[2], "draft_join", step_id=room.step_id, minority_id=mid, joined="")["ok"]
    minority = _doc(room)["sections"][0]["minority"]
    assert minority == [{"id": mid, "text": "Osa meistä ei käytä verkkoa: palvelua pitää saada myös kasvokkain.",
                         "joined": 2, "hidden": False}]
    exported = room.export_step()["draft"]["sections"][0]["minority"][0]
    assert exported["joined"] == 2 and "participant_id" not in str(exported)


def test_final_approval(make):
    room = _draft_room(make, writing=False, final_approval=True, hide_results=False)
    _add(room, room.staff, "Suositus yksi.")
    phones = [room.phone() for _ in range(3)]
    for phone, vote in zip(phones, ["agree", "agree", "cant_say"]):
        assert room.act(phone, "draft_final", step_id=room.step_id, vote=vote)["ok"]
    final = _doc(room)["final"]
    assert (final["agree"], final["cant_say"], final["votes"]) == (2, 1, 3)
    assert not room.act(phones[0], "draft_support", step_id=room.step_id,
                        section_id=_sections(room)[0].id, vote="agree")["ok"]  # no support vote in this step


def test_tables_draft_their_own_and_the_facilitator_merges_them(make):
    room = _draft_room(make, by_table=True)
    t1, t2 = (dispatch(room.staff, "table_add", {"name": n, "client_id": cid()})["table_id"]
              for n in ("Pöytä 1", "Pöytä 2"))
    a, b = room.phone(), room.phone()
    assert room.act(a, "table_join", table_id=t1)["ok"] and room.act(b, "table_join", table_id=t2)["ok"]
    a = Actor("participant", a.dialogue_id, participant_id=a.participant_id, table_id=t1)
    b = Actor("participant", b.dialogue_id, participant_id=b.participant_id, table_id=t2)
    s1 = _add(room, a, "Pöydän 1 suositus.")
    _add(room, b, "Pöydän 2 suositus.")
    _add(room, a, "Pöydän 1 toinen suositus.")
    # a table sees only its own sections, and cannot edit another table's
    step = db.session.get(Step, room.step_id)
    seen = activities.get("draft").participant_context(db.session, step, b)["draft"]["sections"]
    assert [s["text"] for s in seen] == ["Pöydän 2 suositus."]
    assert not room.act(b, "draft_edit", step_id=room.step_id, section_id=s1, base_version=1, text="Toinen")["ok"]
    merged_id = room.add_step("draft", source_step=len(room.steps()), writing=False, support=True)
    assert room.act(room.staff, "go_to_step", step_id=merged_id)["ok"]
    merged = _sections(room, merged_id)
    assert [(s.number, s.text) for s in merged] == [
        (1, "Pöydän 1 suositus."), (2, "Pöydän 1 toinen suositus."), (3, "Pöydän 2 suositus.")]
    assert room.act(room.staff, "draft_merge", step_id=merged_id)["added"] == 0  # once each
    # a later step on the same document votes on the merged sections
    vote_id = room.add_step("draft", source_step=len(room.steps()), writing=False, support=True)
    assert room.act(room.staff, "go_to_step", step_id=vote_id)["ok"]
    assert room.act(a, "draft_support", step_id=vote_id, section_id=merged[2].id, vote="agree")["ok"]
    assert db.session.scalar(select(DraftVote.target_id).where(DraftVote.kind == "support")) == merged[2].id


def test_every_action_works_as_a_plain_form(make):
    room = _draft_room(make, support=True, amendments=True, minority=True, final_approval=True,
                       hide_results=False)
    client = make.participant_client(room.dialogue)
    url = f"/p/{room.dialogue.code}"

    def post(**data):
        r = client.post(f"{url}/act", data={**data, "step_id": room.step_id, "client_id": cid()})
        assert r.status_code == 303
        page = client.get(url).get_data(as_text=True)
        assert 'class="msg msg-ok"' in page, page[page.find("msg"):][:300]
        return page

    page = client.get(url).get_data(as_text=True)
    assert 'data-action="draft_add_section"' in page
    post(action="draft_add_section", text="Nuorille oma ohjaaja.")
    sid = _sections(room)[0].id
    post(action="draft_edit", section_id=sid, base_version=1, text="Nuorille oma ohjaaja koko ajaksi.")
    post(action="draft_support", section_id=sid, vote="agree")
    page = post(action="draft_amend", section_id=sid, text="Kaikille oma ohjaaja.", reason="Ei vain nuorille.")
    assert "Kaikille oma ohjaaja." in page and "Ei vain nuorille." in page
    amendment_id = _doc(room)["sections"][0]["amendments"][0]["id"]
    post(action="draft_amendment_vote", amendment_id=amendment_id, vote="disagree")
    page = post(action="draft_minority", section_id=sid, text="Ohjaajan pitää tulla myös kotiin.")
    assert "Ohjaajan pitää tulla myös kotiin." in page
    page = post(action="draft_final", vote="agree")
    assert page.count('aria-pressed="true"') >= 3  # the support, amendment vote and final answers shown as chosen
    doc = _doc(room)
    assert doc["sections"][0]["support"]["agree"] == 1 and doc["final"]["agree"] == 1


def test_report_blocks_carry_the_statement(make):
    room = _draft_room(make, support=True, minority=True, final_approval=True)
    sid = _add(room, room.staff, "Suositus: bussit kulkemaan illalla.")
    phone = room.phone()
    room.act(phone, "draft_support", step_id=room.step_id, section_id=sid, vote="agree")
    room.act(phone, "draft_minority", step_id=room.step_id, section_id=sid, text="Taksiseteli olisi parempi.")
    room.act(phone, "draft_final", step_id=room.step_id, vote="agree")
    from dialogue.export.blocks import Blocks
    blocks = Blocks()
    activities.get("draft").report_blocks(room.export_step(), blocks)
    keys = [t.key for t in blocks.tables]
    assert keys == ["results", "draft_minority"]
    assert blocks.chart is not None  # the support as a chart (also on the published page)
    assert blocks.tables[0].rows[0][:3] == [1, "Suositus: bussit kulkemaan illalla.", 1]
    assert any("100" in str(value) for _label, value in blocks.facts)


def test_console_shows_versions_by_kind_of_writer_and_decides_amendments(make):
    room = _draft_room(make, amendments=True)
    sid = _add(room, room.phone(), "Kotiin vietäviä palveluja lisää.")
    phone = room.phone()
    room.act(phone, "draft_amend", step_id=room.step_id, section_id=sid, text="Kotiin vietäviä palveluja.",
             reason="Lyhyempi.")
    console = make.facilitator_client(room.owner)
    page = console.get(f"/console/d/{room.dialogue.id}").get_data(as_text=True)
    assert 'data-action="draft_decide"' in page and "Lyhyempi." in page
    assert "participant" in page or "osallistuja" in page
    amendment_id = _doc(room)["sections"][0]["amendments"][0]["id"]
    r = console.post(f"/console/d/{room.dialogue.id}/act", data={"action": "draft_decide", "amendment_id": amendment_id,
                                                                  "accept": "1", "client_id": cid()})
    assert r.status_code == 303
    assert _sections(room)[0].text == "Kotiin vietäviä palveluja."


def test_a_table_host_writes_the_groups_draft_on_the_helper_page(make):
    room = _draft_room(make, by_table=True)
    table = dispatch(room.staff, "table_add", {"name": "Pöytä 1", "client_id": cid()})["table_id"]
    with db.write() as s:
        from dialogue.models import Helper
        token = cid()
        s.add(Helper(dialogue_id=room.dialogue.id, token=token, kind="table_host", label="Vetäjä", table_id=table))
    client = make.app.test_client()
    page = client.get(f"/h/{token}").get_data(as_text=True)
    assert f'action="/h/{token}/act"' in page and 'data-action="draft_add_section"' in page
    r = client.post(f"/h/{token}/act", data={"action": "draft_add_section", "step_id": room.step_id,
                                              "text": "Pöydän yhteinen suositus.", "client_id": cid()})
    assert r.status_code == 303
    section = _sections(room)[0]
    assert section.table_id == table and section.text == "Pöydän yhteinen suositus."
    assert _doc(room, staff=True)["sections"][0]["versions"][0]["by"] == "table host"
    page = client.get(f"/h/{token}").get_data(as_text=True)
    assert "Pöydän yhteinen suositus." in page and 'name="vote"' not in page  # a host writes, never votes


def test_purging_the_dialogue_deletes_the_draft(make):
    from dialogue.commands.lifecycle import purge_dialogue
    from dialogue.models import Dialogue, DraftAmendment, DraftMinority, DraftVersion
    room = _draft_room(make, amendments=True, minority=True)
    sid = _add(room, room.staff, "Suositus, joka poistetaan.")
    phone = room.phone()
    room.act(phone, "draft_amend", step_id=room.step_id, section_id=sid, text="Muutettu suositus.")
    room.act(phone, "draft_minority", step_id=room.step_id, section_id=sid, text="Eriävä mielipide.")
    with db.write() as s:
        purge_dialogue(s, s.get(Dialogue, room.dialogue.id))
    db.session.expire_all()
    for model in (DraftSection, DraftVersion, DraftAmendment, DraftMinority, DraftVote):
        assert db.session.query(model).count() == 0, model.__name__


def test_personal_data_is_flagged_to_staff_and_masked_for_everyone_else(make):
    room = _draft_room(make, minority=True)
    sid = _add(room, room.phone(), "Soittakaa minulle numeroon 040 123 4567.")
    assert _doc(room, staff=True)["sections"][0]["pii"] == ["phone"]
    public = _doc(room)["sections"][0]
    assert "040 123 4567" not in public["text"] and "pii" not in public
    assert "040 123 4567" not in str(room.export_step())
    assert sid


def test_what_others_write_changes_every_phones_state_so_phones_redraw(make):
    """A section, a new version, an amendment or a minority statement by someone else changes
    the number phones watch in their state (participant.js redraws when it changes)."""
    from dialogue.models import Dialogue
    from dialogue.realtime.snapshot import public_state

    room = _draft_room(make, amendments=True, minority=True)
    phone = room.phone()

    def seen():
        db.session.expire_all()
        return public_state(db.session, db.session.get(Dialogue, room.dialogue.id))["items"]

    counts = [seen()]
    sid = _add(room, room.staff, "Iltabussi Juvalle.")
    counts.append(seen())
    assert room.act(room.staff, "draft_edit", step_id=room.step_id, section_id=sid, base_version=1,
                    text="Iltabussi Juvalle ja Kangasniemelle.")["ok"]
    counts.append(seen())
    assert room.act(phone, "draft_amend", step_id=room.step_id, section_id=sid, text="Iltabussi joka päivä",
                    reason="Työvuorot")["ok"]
    counts.append(seen())
    assert room.act(phone, "draft_minority", step_id=room.step_id, section_id=sid, text="Taksiseteli")["ok"]
    counts.append(seen())
    assert all(later > earlier for earlier, later in zip(counts, counts[1:])), counts


def test_the_screen_shows_the_text_under_discussion_while_support_is_hidden(make):
    from dialogue.models import Dialogue
    from dialogue.realtime.snapshot import live_state

    room = _draft_room(make, support=True, hide_results=True)
    _add(room, room.staff, "Iltabussi Juvalle.")
    assert room.act(room.phone(), "draft_support", step_id=room.step_id, section_id=_sections(room)[0].id,
                    vote="agree")["ok"]
    db.session.expire_all()
    screen = live_state(db.session, db.session.get(Dialogue, room.dialogue.id), staff=False)["step"]
    assert screen["results_hidden"] is True
    assert [g["title"] for g in screen["results"]["groups"]] == ["1. Iltabussi Juvalle."]
    assert all(g["bars"] == [] for g in screen["results"]["groups"])  # no figures until revealed
