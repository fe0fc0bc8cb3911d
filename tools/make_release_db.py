"""Make tests/data/release-2026-11.sqlite3: a database written by the release of 2026-11 (kept as it was made).

Run once with that release checked out (`PYTHONPATH=. python tools/make_release_db.py`); the
migration test upgrades the file it made to the newest schema and checks the data survived.
"""
import pathlib
import shutil
import tempfile
import uuid

from flask_babel import force_locale
from sqlalchemy import select

from dialogue import create_app, db
from dialogue.actors import Actor, hash_token
from dialogue.auth.accounts import create_facilitator
from dialogue.commands.core import dispatch
from dialogue.commands.dialogues import create_dialogue, join
from dialogue.models import Dialogue, Participant

tmp = pathlib.Path(tempfile.mkdtemp())
url = f"sqlite:///{tmp/'release.sqlite3'}"
app = create_app({"TESTING": True, "INSTANCE_PATH": tmp, "SECRET_KEY": "x", "DATABASE_URL": url,
                  "PUBLIC_URL": "http://osuva.test", "ASYNC_MODE": "threading", "TALLY_INTERVAL": 0,
                  "WTF_CSRF_ENABLED": False, "AUTO_MIGRATE": True})
with app.app_context():
    owner = create_facilitator("ohjaaja@example.fi", "salasana123")
    d = create_dialogue(owner, "eratauko", "Arki ja työ", "fi")
    staff = Actor("facilitator", d.id, facilitator_id=owner.id)
    def act(actor, name, **p):
        p.setdefault("client_id", uuid.uuid4().hex)
        with force_locale("en"):
            r = dispatch(actor, name, p)
        assert r.get("ok"), (name, r)
        return r
    steps = db.session.get(Dialogue, d.id).steps
    prompt = next(s for s in steps if s.kind == "prompt" and not s.config.get("private"))
    act(staff, "go_to_step", step_id=prompt.id)
    phones = []
    for i in range(3):
        tok = join(db.session.get(Dialogue, d.id), role="resident" if i else "expert")
        p = db.session.scalar(select(Participant).where(Participant.token_hash == hash_token(tok)))
        phones.append(Actor("participant", d.id, participant_id=p.id))
    for i, text in enumerate(["Bussit kulkevat harvoin Juvalta", "Kelan päätökset kestää", "Netissä asiointi on vaikeaa"]):
        act(phones[i], "contribute", step_id=prompt.id, text=text)
    dots = next(s for s in steps if s.kind == "dots")
    act(staff, "go_to_step", step_id=dots.id)
    act(staff, "refresh_items", step_id=dots.id)
    act(staff, "add_item", step_id=dots.id, text="Liikkuminen")
    act(staff, "add_item", step_id=dots.id, text="Raha ja etuudet")
    from dialogue.models import Item
    items = list(db.session.scalars(select(Item).where(Item.step_id == dots.id)))
    print("items", len(items))
    for ph in phones:
        if items:
            act(ph, "dot", step_id=dots.id, item_id=items[0].id)
    print("dialogue", d.id, d.code)
db.engine.dispose()
shutil.copy(tmp/'release.sqlite3', 'tests/data/release-2026-11.sqlite3')
