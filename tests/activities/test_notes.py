"""Staff notes (`notes` steps and the `note` command): a scribe writes in the speakers' own words,
optionally in a theme; personal data is flagged and masked in exports; phones never see notes."""
from __future__ import annotations

from dialogue import db
from dialogue.models import Contribution, Theme
from tests.support.rooms import Room


def test_a_scribes_note_with_a_theme_is_kept_flagged_and_masked_in_the_export(make):
    room = Room(make, "notes", items=())
    helper, _token = room.helper()
    with db.write() as s:
        theme = Theme(dialogue_id=room.dialogue.id, name="Liikkuminen")
        s.add(theme)
        s.flush()
        theme_id = theme.id
    ack = room.act(helper, "note", text="Bussi ei kulje iltaisin, soita 040 123 4567", theme_id=theme_id)
    assert ack["ok"] and ack["pii"] and "personal data" in ack["message"]
    note = db.session.get(Contribution, ack["id"])
    assert note.source == "note" and note.theme_id == theme_id and note.step_id == room.step_id
    exported = room.export_step()
    assert "040 123 4567" not in str(exported)


def test_participants_cannot_write_notes(make):
    room = Room(make, "notes", items=())
    ack = room.act(room.phone(), "note", text="Minäkin haluan kirjoittaa")
    assert not ack["ok"] and ack["error"] == "You are not allowed to do this."
    assert db.session.query(Contribution).count() == 0
