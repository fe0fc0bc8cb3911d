"""Bad input gets a clear, translated error and changes nothing.

Over-long, empty, whitespace-only and invisible texts, control characters, text that
did not decode (invalid UTF-8, broken UTF-16), 10,000 emoji, wrong types and missing
fields, ids that do not exist, payloads over the size limit. The per-command checks
run over every command declared in tests/support/authz_table.py, so new commands are
attacked the same way as soon as they are declared.
"""
from __future__ import annotations

import json
import logging
import socket

import pytest
import requests
import websocket
from flask import g
from flask_babel import force_locale, gettext

from dialogue import db
from dialogue.models import Contribution
from tests.support.authz_table import COMMANDS
from tests.support.live import LiveServer
from tests.support.phone import Phone, database, prepare_live_dialogue
from tests.support.world import World, cid

TEN_THOUSAND_EMOJI = "😀" * 10_000
BAD_TEXTS = {
    "empty": "",
    "whitespace only": " \n\t \u3000 ",
    "invisible only": "\u200b\u200d\ufeff\u2060",
    "control characters only": "\x00\x01\x1b\x7f",
    "undecodable (invalid UTF-8 in a form)": "Hyv\ufffd p\ufffdiv\ufffd",
    "broken UTF-16 (a lone surrogate)": "Moi \ud83d",
    "10,000 emoji": TEN_THOUSAND_EMOJI,
    "a number": 5,
    "a list": ["teksti"],
    "an object": {"text": "teksti"},
    "true": True,
    "null": None,
}
BAD_IDS = {
    "missing": ..., "null": None, "a word": "abc", "a list": [1], "an object": {"id": 1}, "a fraction": 1.5,
    "negative": -1, "zero": 0, "huge": 2**70, "nonexistent": 987_654, "SQL": "1 OR 1=1", "true": True,
}
WRONG_VALUES = [None, "", [], {}, True, 1.5, -1, 2**70, "x" * 2000, "<script>alert(1)</script>", ["a", {"b": []}]]


def sender(w: World, name: str):
    """A socket of the first persona allowed to run `name` (a participant if possible)."""
    allowed = COMMANDS[name].allowed
    for persona in ("participant", "helper", "owner", "co_facilitator", "helper_other_table"):
        if persona in allowed:
            return w.socket(persona)
    raise AssertionError(f"{name}: nobody may run it")


def attempt(w: World, sock, name: str, payload, *, label: str, failures: list[str], must_refuse: bool) -> dict:
    """Send one bad payload; a refusal must be clear and change nothing."""
    before = w.snapshot()
    if isinstance(payload, dict):
        payload = dict(payload, client_id=cid())
    ack = sock.emit("act", name, payload, callback=True)
    if not (isinstance(ack, dict) and isinstance(ack.get("ok"), bool)):
        failures.append(f"{name} {label}: no proper acknowledgement: {ack!r}")
        return {}
    if ack["ok"]:
        if must_refuse:
            failures.append(f"{name} {label}: accepted")
        return ack
    error = ack.get("error")
    if not isinstance(error, str) or not error.strip() or "Traceback" in error or "Error" in error:
        failures.append(f"{name} {label}: unclear error {error!r}")
    if w.snapshot() != before:
        failures.append(f"{name} {label}: refused but the database changed")
    return ack


@pytest.fixture
def no_errors_logged(caplog):
    caplog.set_level(logging.WARNING)
    yield
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert not errors, [r.getMessage() for r in errors]


# -- every command -------------------------------------------------------------------

@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_bad_texts_ids_and_types_are_refused_clearly(make, name, no_errors_logged):
    w = World(make)
    entry = COMMANDS[name]
    sock = sender(w, name)
    failures: list[str] = []
    valid = entry.payload(w)
    for field in entry.text_fields(valid):
        for label, bad in BAD_TEXTS.items():
            attempt(w, sock, name, {**entry.payload(w), field: bad}, label=f"{field}={label}",
                    failures=failures, must_refuse=True)
    for field in entry.id_fields(valid):
        for label, bad in BAD_IDS.items():
            payload = entry.payload(w)
            optional = field in entry.optional_ids and label in ("missing", "null")
            if bad is ...:
                payload.pop(field)
            elif field.endswith("_ids") and label not in ("missing", "null"):
                payload[field] = [bad]  # a list of ids, with a bad one in it
            else:
                payload[field] = bad
            attempt(w, sock, name, payload, label=f"{field} {label}", failures=failures, must_refuse=not optional)
    # any other field: missing or of a wrong type never breaks anything
    for field in [k for k in valid if k not in entry.id_fields(valid) and k not in entry.text_fields(valid)]:
        payload = entry.payload(w)
        payload.pop(field)
        attempt(w, sock, name, payload, label=f"without {field}", failures=failures, must_refuse=False)
        for bad in WRONG_VALUES:
            attempt(w, sock, name, {**entry.payload(w), field: bad}, label=f"{field}={bad!r:.30}",
                    failures=failures, must_refuse=False)
    assert not failures, "\n".join(failures)


def test_whole_payloads_of_the_wrong_shape_are_refused(make, no_errors_logged):
    w = World(make)
    step = w.current("prompt")
    sock = w.socket("participant")
    failures: list[str] = []
    good = {"step_id": step.id, "text": "Hyvä ajatus"}
    for label, name, payload in [
        ("payload null", "contribute", None), ("payload a list", "contribute", [good]),
        ("payload a string", "contribute", "text=Hyvä"), ("payload a number", "contribute", 7),
        ("name a number", 5, good), ("name null", None, good), ("name a list", ["contribute"], good),
        ("name empty", "", good), ("unknown name", "drop_table", good), ("name over-long", "x" * 5000, good),
        ("client_id missing", "contribute", dict(good)), ("client_id short", "contribute", {**good, "client_id": "1"}),
        ("client_id over-long", "contribute", {**good, "client_id": "a" * 65}),
        ("client_id with spaces", "contribute", {**good, "client_id": "a b c d e f g h"}),
        ("client_id a number", "contribute", {**good, "client_id": 12345678}),
    ]:
        before = w.snapshot()
        ack = sock.emit("act", name, payload, callback=True)
        if not (isinstance(ack, dict) and ack.get("ok") is False and ack.get("error")):
            failures.append(f"{label}: {ack!r}")
        if w.snapshot() != before:
            failures.append(f"{label}: changed the database")
    # extra arguments and unknown fields are ignored, not stored
    ack = sock.emit("act", "contribute", {**good, "client_id": cid(), "participant_id": 1, "hidden": False,
                                          "dialogue_id": w.d2.id}, callback=True)
    assert ack["ok"], ack
    stored = db.session.get(Contribution, ack["id"])
    assert stored.dialogue_id == w.d.id and stored.step_id == step.id
    assert not failures, "\n".join(failures)


def test_texts_are_cleaned_not_mangled(make):
    """Mixed scripts and emoji are kept exactly; invisible controls and bidi overrides are not."""
    w = World(make)
    step = w.current("prompt")
    sock = w.socket("participant")
    cases = {
        "Hyvä 你好 مرحبا Привет שלום 👍🏽 👨‍👩‍👧": "Hyvä 你好 مرحبا Привет שלום 👍🏽 👨‍👩‍👧",
        "Hei\x00 maailma\x1b!\x07": "Hei maailma!",
        "tiedosto\u202egpj.exe": "tiedostogpj.exe",  # a right-to-left override would show "exe.jpg"
        "e\u0301": "é",  # NFC
        "Z" + "\u0336" * 40 + "algo": "Z" + "\u0336" * 4 + "algo",
        "  rivi 1\r\nrivi 2  ": "rivi 1\nrivi 2",
    }
    for sent, kept in cases.items():
        ack = sock.emit("act", "contribute", {"step_id": step.id, "text": sent, "client_id": cid()}, callback=True)
        assert ack["ok"], (sent, ack)
        assert db.session.get(Contribution, ack["id"]).text == kept
    page = w.client("participant").get(f"/p/{w.d.code}").get_data(as_text=True)
    assert "Hyvä 你好 مرحبا Привет שלום 👍🏽" in page and "\u202e" not in page


def test_errors_come_in_the_persons_language(make):
    w = World(make)
    step = w.current("prompt", max_length=500)
    fi_http = w.client("participant")
    en_http = w.client("participant")
    en_http.get("/?lang=en")
    cases = [("", "Write something first."), ("x" * 501, "The text is too long. The limit is %(n)s characters.")]
    for http, lang in ((fi_http, "fi"), (en_http, "en")):
        sock = make.socket(http, "participant", w.d)
        for text, msgid in cases:
            # Tests run every request inside one app context; a real event gets its own, with
            # its own cached locale: forget the cached one, as a new event would.
            g.pop("_flask_babel", None)
            ack = sock.emit("act", "contribute", {"step_id": step.id, "text": text, "client_id": cid()},
                            callback=True)
            with force_locale(lang):
                expected = gettext(msgid, n=500)
            assert ack == {"ok": False, "error": expected}
        g.pop("_flask_babel", None)
        ack = sock.emit("act", "go_to_step", {"step_id": step.id, "client_id": cid()}, callback=True)
        with force_locale(lang):
            assert ack["error"] == gettext("You are not allowed to do this.")
    with force_locale("fi"):
        assert gettext("Write something first.") != "Write something first."  # Finnish really differs


def test_invalid_utf8_in_a_form_post_is_refused(make):
    w = World(make)
    step = w.current("prompt")
    phone = w.client("participant")
    before = w.snapshot()
    body = f"action=contribute&step_id={step.id}&client_id={cid()}&text=".encode() + b"Hyv\xe4 \xff\xfe p\xe4iv\xe4"
    r = phone.post(f"/p/{w.d.code}/act", data=body, content_type="application/x-www-form-urlencoded")
    assert r.status_code == 303
    page = phone.get(f"/p/{w.d.code}").get_data(as_text=True)
    assert "msg-error" in page
    assert w.snapshot() == before


def test_http_bodies_over_the_limit_are_refused_with_a_translated_page(make):
    w = World(make)
    w.current("prompt")
    before = w.snapshot()
    for persona, url in (("participant", f"/p/{w.d.code}/act"), ("owner", f"/console/d/{w.d.id}/act"),
                         ("anonymous", "/"), ("anonymous", "/login"), ("anonymous", f"/j/{w.d.code}")):
        r = w.client(persona).post(url, data={"action": "contribute", "text": "x" * 70_000, "client_id": cid()})
        assert r.status_code == 413, url
        with force_locale("fi"):
            assert gettext("That was too large to send.") in r.get_data(as_text=True)
    assert w.snapshot() == before


def test_upload_routes_get_their_own_size_limit_and_no_other_route_does(app, make):
    """A route marked with security.allow_upload takes a photo; everything else stays at 64 KB."""
    from io import BytesIO

    from flask import request

    from dialogue.web.security import allow_upload

    @allow_upload(1_000_000)
    def upload():
        return {"bytes": len(request.files["photo"].read()), "caption": request.form.get("caption", "")}

    app.add_url_rule("/test-upload", "test_upload", upload, methods=["POST"])
    client = app.test_client()
    ok = client.post("/test-upload", data={"photo": (BytesIO(b"x" * 500_000), "kuva.jpg"), "caption": "Asema"})
    assert ok.status_code == 200 and ok.json == {"bytes": 500_000, "caption": "Asema"}
    too_big = client.post("/test-upload", data={"photo": (BytesIO(b"x" * 1_200_000), "kuva.jpg")})
    assert too_big.status_code == 413
    with force_locale("fi"):
        assert gettext("That was too large to send.") in too_big.get_data(as_text=True)
    # the upload's text fields are as limited as any form's
    long_caption = client.post("/test-upload", data={"photo": (BytesIO(b"x"), "kuva.jpg"), "caption": "x" * 70_000})
    assert long_caption.status_code == 413
    # and other routes keep the small limit
    d = make.dialogue()
    assert client.post(f"/j/{d.code}", data={"x": "y" * 70_000}).status_code == 413


# -- the real server: the socket's own size limit ------------------------------------------

@pytest.fixture(scope="module")
def server(tmp_path_factory):
    live = LiveServer(tmp_path_factory.mktemp("badinput")).start()
    yield live
    live.stop()


def test_socket_messages_over_64_kb_are_dropped_and_the_server_carries_on(server):
    d = prepare_live_dialogue(server)
    flooder, neighbour = Phone(server.url, d["code"], d["id"]).connect(), Phone(server.url, d["code"], d["id"]).connect()
    flooder.send("contribute", {"step_id": d["prompt_id"], "text": "x" * 70_000})
    assert flooder.wait_until(lambda: flooder.disconnects == 1, 10), "the connection stayed open"
    # nothing was stored, and the server serves everyone, the same phone included
    neighbour.send("contribute", {"step_id": d["prompt_id"], "text": "Naapuri"})
    neighbour.wait_all_acked()
    flooder.outbox.clear()
    flooder.connect()
    flooder.send("contribute", {"step_id": d["prompt_id"], "text": "Lyhyt"})
    flooder.wait_all_acked()
    with database(server) as conn:
        texts = sorted(t for (t,) in conn.execute("SELECT text FROM contribution WHERE step_id = ?",
                                                 (d["prompt_id"],)))
    assert texts == ["Lyhyt", "Naapuri"]
    for phone in (flooder, neighbour):
        phone.close()
    assert "Traceback" not in server.log_path.read_text()


def test_garbage_on_the_socket_closes_that_connection_only(server):
    d = prepare_live_dialogue(server)
    victim = Phone(server.url, d["code"], d["id"]).connect()
    garbler = Phone(server.url, d["code"], d["id"]).connect()
    ws = garbler.sock.eio.ws
    for frame in (b'42["act","contribute",{"text":"\xff\xfe"}]', b"42[\"act\"", b"4" + b"[" * 5000, b"\x00\x01"):
        try:
            ws.send(frame, opcode=websocket.ABNF.OPCODE_TEXT)
        except (websocket.WebSocketException, OSError, socket.error):
            break
    victim.send("contribute", {"step_id": d["prompt_id"], "text": "Yhä toimii"})
    victim.wait_all_acked()
    assert victim.acks and all(a["ok"] for a in victim.acks.values())
    with database(server) as conn:
        texts = [t for (t,) in conn.execute("SELECT text FROM contribution WHERE step_id = ?", (d["prompt_id"],))]
    assert texts == ["Yhä toimii"]
    for phone in (victim, garbler):
        phone.close()
    # the long-polling transport has the same limit
    handshake = requests.get(f"{server.url}/socket.io/?EIO=4&transport=polling", timeout=10)
    sid = json.loads(handshake.text[1:])["sid"]
    r = requests.post(f"{server.url}/socket.io/?EIO=4&transport=polling&sid={sid}", data=b"4" + b"x" * 70_000,
                      timeout=10)
    assert r.status_code == 413
    r = requests.post(f"{server.url}/socket.io/?EIO=4&transport=polling&sid={sid}", data=b"40", timeout=10)
    assert r.status_code == 200  # refused at once; the connection itself still works
