"""Closing a dialogue ends its phones' sockets, and a phone cannot open one again while it is
closed (across processes: tests/test_two_processes.py)."""
from __future__ import annotations

from dialogue.actors import FACILITATOR, Actor
from dialogue.commands.core import dispatch
from tests.support.world import cid


def test_closing_disconnects_the_phones_and_they_stay_disconnected(app, make):
    owner = make.facilitator()
    d = make.dialogue(owner=owner)
    phone_http = make.participant_client(d)
    phone = make.socket(phone_http, "participant", d)
    staff = make.socket(make.facilitator_client(owner), "facilitator", d)
    assert phone.is_connected() and staff.is_connected()
    ack = dispatch(Actor(FACILITATOR, d.id, facilitator_id=owner.id), "set_state",
                   {"state": "closed", "client_id": cid()})
    assert ack["ok"], ack
    assert not phone.is_connected()
    assert staff.is_connected()
    assert not make.socket(phone_http, "participant", d).is_connected()
    # Opened again: the phone connects again.
    ack = dispatch(Actor(FACILITATOR, d.id, facilitator_id=owner.id), "set_state",
                   {"state": "running", "client_id": cid()})
    assert ack["ok"], ack
    assert make.socket(phone_http, "participant", d).is_connected()
