"""Secret links are kept only as hashes: a copy of the database opens nothing, the console
still shows every link (made from the hash and SECRET_KEY: dialogue/links.py), and links
made before the hashing keep working after the migration."""
from __future__ import annotations

import shutil

from sqlalchemy import create_engine, select, text

from dialogue import create_app, db
from dialogue.actors import FACILITATOR, Actor, helper_actor, screen_dialogue
from dialogue.commands.core import dispatch
from dialogue.db import upgrade
from dialogue.links import hash_token
from dialogue.models import Dialogue, ProcessedWrite
from tests.support.world import cid
from tests.test_migrations import RELEASE_2026_11


def stored(model, column, row_id):
    db.session.rollback()
    return db.session.scalar(select(column).where(model.id == row_id))


def test_links_work_but_the_database_holds_none_of_them(app, make):
    owner = make.facilitator()
    d = make.dialogue(owner=owner)
    staff = Actor(FACILITATOR, d.id, facilitator_id=owner.id)
    ack = dispatch(staff, "helper_create", {"kind": "scribe", "label": "Kirjuri", "client_id": cid()})
    assert ack["ok"], ack
    helper_token = ack["url"].rsplit("/h/", 1)[1]
    # The link opens the helper page, and the screen's link the screen.
    assert make.app.test_client().get(f"/h/{helper_token}").status_code == 200
    screen_token = d.screen_link_token
    assert make.app.test_client().get(f"/s/{screen_token}").status_code == 200
    # Nothing in the database is a link: not the token columns, not the stored acknowledgement.
    dump = "\n".join(str(v) for row in db.session.execute(text(
        "SELECT screen_token FROM dialogue UNION ALL SELECT token FROM helper")).scalars() for v in [row])
    acks = " ".join(str(r) for r in db.session.scalars(select(ProcessedWrite.response)))
    for token in (helper_token, screen_token):
        assert token not in dump and token.split(".", 1)[1] not in dump and token not in acks
    # The console's helpers page shows the same link again.
    page = make.facilitator_client(owner).get(f"/console/d/{d.id}/helpers").get_data(as_text=True)
    assert helper_token in page


def test_a_forged_or_altered_link_opens_nothing(app, make):
    d = make.dialogue()
    good = d.screen_link_token
    row_id, mac = good.split(".", 1)
    other = make.dialogue()
    altered = mac[:-1] + ("y" if mac.endswith("x") else "x")  # one character changed, whatever it was
    for bad in (f"{row_id}.{altered}", f"{other.id}.{mac}", f"{row_id}.", "x.y", stored(Dialogue, Dialogue.screen_token, d.id)):
        assert screen_dialogue(bad) is None, bad
        assert make.app.test_client().get(f"/s/{bad}").status_code == 404
    assert screen_dialogue(good).id == d.id


def test_a_new_publication_ends_the_old_link(app, make):
    owner = make.facilitator()
    d = make.dialogue(owner=owner)
    staff = Actor(FACILITATOR, d.id, facilitator_id=owner.id)
    assert dispatch(staff, "set_state", {"state": "closed", "client_id": cid()})["ok"]
    first = dispatch(staff, "publish_results", {"client_id": cid()})
    assert first["ok"], first
    client = make.app.test_client()
    assert client.get(f"/r/{first['token']}").status_code == 200
    assert dispatch(staff, "withdraw_results", {"client_id": cid()})["ok"]
    second = dispatch(staff, "publish_results", {"client_id": cid()})
    assert second["token"] != first["token"]
    assert client.get(f"/r/{first['token']}").status_code == 404
    assert client.get(f"/r/{second['token']}").status_code == 200


def test_links_made_before_the_hashing_keep_working_after_the_migration(tmp_path):
    path = tmp_path / "release.sqlite3"
    shutil.copy(RELEASE_2026_11, path)
    url = f"sqlite:///{path}"
    engine = create_engine(url)
    with engine.connect() as conn:
        old_screen = conn.execute(text("SELECT screen_token FROM dialogue")).scalar()
        old_helpers = list(conn.execute(text("SELECT token FROM helper")).scalars())
    upgrade(url)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT screen_token FROM dialogue")).scalar() == hash_token(old_screen)
        assert old_screen not in str(conn.execute(text("SELECT * FROM dialogue")).all())
    engine.dispose()
    app = create_app({"TESTING": True, "INSTANCE_PATH": tmp_path, "SECRET_KEY": "test-secret", "DATABASE_URL": url,
                      "ASYNC_MODE": "threading", "AUTO_MIGRATE": False})
    with app.app_context():
        assert screen_dialogue(old_screen) is not None
        assert app.test_client().get(f"/s/{old_screen}").status_code == 200
        for token in old_helpers:
            assert helper_actor(token) is not None
    db.session.remove()
    db.engine.dispose()
