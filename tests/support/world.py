"""A world to attack: one target dialogue with every kind of person around it.

Used by the authorisation matrix, the bad-input and fuzz tests. The target dialogue
`d` has an owner, a co-facilitator, a participant, a helper at table "A", a helper at
table "B", and a screen link; a second dialogue `d2` has its own facilitator,
participant and helper. Each *persona* is one of these people with their own
cookies (HTTP) or secret link (sockets).

`snapshot()` is every row of the database except those of `d2`, so a test can say
"this refused attempt changed nothing" without being disturbed by what the other
dialogue's people legitimately do in their own dialogue.
"""
from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select, text

from dialogue import activities, db, tables
from dialogue.actors import hash_token, new_token
from dialogue.extensions import socketio
from dialogue.models import Base, Contribution, DialogueShare, DialogueTable, Helper, Participant, Step

PERSONAS = ("anonymous", "participant_other", "participant", "helper_other", "helper_other_table",
            "helper", "facilitator_other", "co_facilitator", "owner", "screen")
#: People who may run the target dialogue.
FACILITATORS = frozenset({"owner", "co_facilitator"})
#: Helper links of the target dialogue (either table).
HELPERS = frozenset({"helper", "helper_other_table"})
#: Logged-in facilitator accounts (of any dialogue).
ACCOUNTS = FACILITATORS | {"facilitator_other"}
#: Personas whose credentials belong to the other dialogue.
OUTSIDERS = frozenset({"participant_other", "helper_other", "facilitator_other"})
EVERYONE = frozenset(PERSONAS)
#: The socket role each persona connects with (None: cannot connect anywhere).
SOCKET_ROLE = {"anonymous": None, "participant_other": "participant", "participant": "participant",
               "helper_other": "helper", "helper_other_table": "helper", "helper": "helper",
               "facilitator_other": "facilitator", "co_facilitator": "facilitator",
               "owner": "facilitator", "screen": "screen"}

MARKER = "Kohdedialogi-7f3a"  # in the target's title: must never show to outsiders


def cid() -> str:
    return uuid.uuid4().hex


class World:
    """The target dialogue `d`, the other dialogue `d2`, and a client per persona."""

    def __init__(self, make):
        self.make = make
        self.app = make.app
        self.owner = make.facilitator()
        self.co = make.facilitator()
        self.stranger = make.facilitator()
        self.d = make.dialogue(owner=self.owner, title=f"{MARKER} dialogi")
        self.d2 = make.dialogue(owner=self.stranger, title="Toinen dialogi")
        self._add_every_kind(self.d.id)
        self._add_every_kind(self.d2.id)
        self.helper_token = self._helper(self.d.id, "A")
        self.helper_other_table_token = self._helper(self.d.id, "B")
        self.helper_other_token = self._helper(self.d2.id, "A")
        with db.write() as s:
            s.add(DialogueShare(dialogue_id=self.d.id, facilitator_id=self.co.id))
        app = self.app
        self.http = {
            "anonymous": app.test_client(),
            "participant_other": make.participant_client(self.d2),
            "participant": make.participant_client(self.d),
            "helper_other": app.test_client(),
            "helper_other_table": app.test_client(),
            "helper": app.test_client(),
            "facilitator_other": make.facilitator_client(self.stranger),
            "co_facilitator": make.facilitator_client(self.co),
            "owner": make.facilitator_client(self.owner),
            "screen": app.test_client(),
        }
        db.session.expire_all()
        self.participant_id = db.session.scalars(
            select(Participant.id).where(Participant.dialogue_id == self.d.id)).one()

    # -- building ---------------------------------------------------------------

    def _add_every_kind(self, dialogue_id: int) -> None:
        """One extra step of every registered activity kind, so every command has a target."""
        with db.write() as s:
            last = max((st.position for st in s.scalars(select(Step).where(Step.dialogue_id == dialogue_id))),
                       default=-1)
            for n, (kind, activity) in enumerate(sorted(activities.REGISTRY.items())):
                s.add(Step(dialogue_id=dialogue_id, position=last + 1 + n, kind=kind,
                           config=activity.all_settings(),
                           texts={lang: {"title": f"{kind} ({lang})", "body": ""} for lang in ("fi", "sv", "en")}))

    def _helper(self, dialogue_id: int, table: str) -> str:
        token = new_token()
        with db.write() as s:
            s.add(Helper(dialogue_id=dialogue_id, token=token, kind="table_host", label=f"Pöytä {table}",
                         table_id=tables.find_or_add(s, dialogue_id, table).id))
        return token

    def step(self, kind: str, dialogue_id: int | None = None, **config) -> Step:
        """The target's (last) step of `kind`, with `config` merged into its settings."""
        did = dialogue_id or self.d.id
        with db.write() as s:
            step = s.scalars(select(Step).where(Step.dialogue_id == did, Step.kind == kind)
                             .order_by(Step.position.desc())).first()
            assert step is not None, f"no {kind} step"
            if config:
                step.config = {**step.config, **config}
        return step

    def current(self, kind: str, **config) -> Step:
        """Make the target's step of `kind` the current one (as the facilitator would)."""
        step = self.step(kind, **config)
        with db.write() as s:
            from dialogue.models import Dialogue
            s.get(Dialogue, self.d.id).current_step_id = step.id
        return step

    def contribution(self, text_: str = "Bussi kulkee harvoin", participant: bool = True, **fields) -> Contribution:
        """A contribution in the target's prompt step (by its participant, or staff)."""
        step = self.step("prompt")
        with db.write() as s:
            c = Contribution(dialogue_id=self.d.id, step_id=step.id, text=text_,
                             participant_id=self.participant_id if participant else None,
                             source="participant" if participant else "staff", **fields)
            s.add(c)
        return c

    def table(self, name: str = "A") -> DialogueTable:
        """The target's table `name` (the helpers' tables A and B; made if missing)."""
        with db.write() as s:
            table = tables.find_or_add(s, self.d.id, name)
        return table

    def new_participant(self, dialogue_id: int | None = None) -> int:
        """Another anonymous participant row (no client), for commands that need one."""
        with db.write() as s:
            p = Participant(dialogue_id=dialogue_id or self.d.id, token_hash=hash_token(new_token()))
            s.add(p)
            s.flush()
            return p.id

    def items(self, kind: str, n: int = 3, **config) -> list[int]:
        """The ids of the visible items of the target's `kind` step (made current, items filled)."""
        from dialogue.activities.voting import sync_items, visible_items
        step = self.current(kind, items=[f"Kohta {i + 1}" for i in range(n)], **config)
        with db.write() as s:
            sync_items(s, s.get(Step, step.id))
        return [i.id for i in visible_items(db.session, step.id)]

    def item_by_someone_else(self, kind: str, text_: str = "Toisen osallistujan kysymys") -> int:
        """An item written by another participant of the target (a question, a statement)."""
        from dialogue.models import Item
        step = self.current(kind)
        other = self.new_participant()
        with db.write() as s:
            item = Item(step_id=step.id, participant_id=other, text=text_, position=99)
            s.add(item)
        return item.id

    def row(self, model, **fields) -> int:
        """Add one row of `model` (for commands that act on existing rows); return its id."""
        with db.write() as s:
            obj = model(**fields)
            s.add(obj)
            s.flush()
            return obj.id

    def spare_account(self):
        """A fourth facilitator account, made once, that no persona uses."""
        if not hasattr(self, "_spare"):
            self._spare = self.make.facilitator()
        return self._spare

    def set_state(self, state: str) -> None:
        with db.write() as s:
            from dialogue.models import Dialogue
            d = s.get(Dialogue, self.d.id)
            d.state = state
            d.closed_at = None

    # -- acting -----------------------------------------------------------------

    def client(self, persona: str):
        """A fresh HTTP client carrying `persona`'s cookies (so attempts cannot leak into each other)."""
        source = self.http[persona]
        fresh = self.app.test_client()
        for cookie in list(source._cookies.values()):
            fresh.set_cookie(cookie.key, cookie.value, domain=cookie.domain, path=cookie.path)
        return fresh

    def secret(self, persona: str, kind: str, *, own: bool = False) -> str:
        """The persona's secret link token of `kind` ('screen' or 'helper'), or a wrong one.

        The other dialogue's helper holds a helper link of that dialogue only (own=True).
        """
        if kind == "screen" and persona == "screen":
            return self.d.screen_link_token
        if kind == "helper":
            tokens = {"helper": self.helper_token, "helper_other_table": self.helper_other_table_token}
            if own:
                tokens["helper_other"] = self.helper_other_token
            return tokens.get(persona, new_token())
        return new_token()

    def socket(self, persona: str, *, own: bool = False):
        """A socket test client of `persona` to the target (own=True: to their own dialogue)."""
        role = SOCKET_ROLE[persona]
        dialogue = self.d2 if (own and persona in OUTSIDERS) else self.d
        auth: dict[str, Any] = {"role": role or "participant", "dialogue": dialogue.id}
        if role == "helper":
            auth["token"] = self.secret(persona, "helper", own=own)
        elif role == "screen":
            auth["token"] = self.d.screen_link_token
        return socketio.test_client(self.app, flask_test_client=self.client(persona), auth=auth)

    # -- observing ----------------------------------------------------------------

    def snapshot(self) -> dict[str, list[tuple]]:
        """Every row of every table, except the other dialogue's rows."""
        s = db.session
        s.rollback()
        skip = _rows_of_dialogue(s, self.d2.id)
        out = {}
        for table in Base.metadata.sorted_tables:
            rows = s.execute(select(table)).all()
            pk = [c.name for c in table.primary_key.columns]
            keep = []
            for row in rows:
                key = tuple(row._mapping[c] for c in pk)
                if (table.name, key) not in skip:
                    keep.append(tuple(_plain(v) for v in row))
            out[table.name] = sorted(keep, key=repr)
        s.rollback()
        return out


IGNORED_METHODS = {"HEAD", "OPTIONS"}


def app_routes(app) -> dict[str, Any]:
    """'METHOD endpoint' -> rule, for every route of the app."""
    found = {}
    for rule in app.url_map.iter_rules():
        for method in sorted(rule.methods - IGNORED_METHODS):
            found[f"{method} {rule.endpoint}"] = rule
    return found


def url_of(app, rule, values: dict[str, Any]) -> str:
    """The URL of `rule` with `values`."""
    with app.test_request_context():
        from flask import url_for
        return url_for(rule.endpoint, **values)


def route_values(w: World, rule, entry, persona: str, *, own: bool = False) -> dict[str, Any]:
    """URL values for `rule`: the target's code and id, the persona's secret, the entry's extras."""
    dialogue = w.d2 if own else w.d
    values: dict[str, Any] = {}
    for arg in rule.arguments:
        if arg == "code":
            values[arg] = dialogue.code
        elif arg == "dialogue_id":
            values[arg] = dialogue.id
        elif arg == "token":
            assert entry.secret, f"{rule.endpoint}: say which secret link <token> is (Route.secret)"
            values[arg] = w.secret(persona, entry.secret, own=own)
    if entry.params:
        values.update(entry.params(w, persona))
    missing = set(rule.arguments) - set(values)
    assert not missing, f"{rule.endpoint}: give values for {missing} (Route.params)"
    return values


def _plain(value):
    return repr(value)


def _rows_of_dialogue(s, dialogue_id: int) -> set[tuple[str, tuple]]:
    """(table, primary key) of every row that belongs to `dialogue_id` only.

    A row belongs to a dialogue through its `dialogue_id` and through every foreign
    key to a row that belongs to one. A row that points at two dialogues (a bug: a
    write crossing dialogues) belongs to neither, so a snapshot still shows it.
    """
    owner: dict[tuple[str, tuple], int | None] = {}
    for table in Base.metadata.sorted_tables:
        pk = [c.name for c in table.primary_key.columns]
        for row in s.execute(select(table)).all():
            m = row._mapping
            found: set[int | None] = set()
            if table.name == "dialogue":
                found.add(m["id"])
            elif "dialogue_id" in table.c and m["dialogue_id"] is not None:
                found.add(m["dialogue_id"])
            for fk in table.foreign_keys:
                value = m[fk.parent.name]
                if value is None or fk.column.table.name == table.name:
                    continue
                if fk.column.table.name == "dialogue":
                    found.add(value)
                elif owner.get((fk.column.table.name, (value,))) is not None:
                    found.add(owner[(fk.column.table.name, (value,))])
            owner[(table.name, tuple(m[c] for c in pk))] = found.pop() if len(found) == 1 else None
    return {key for key, did in owner.items() if did == dialogue_id}


def integrity_problems() -> list[str]:
    """What SQLite's own checks find wrong with the database (empty: consistent)."""
    problems = []
    with db.engine.connect() as conn:
        ok = conn.execute(text("PRAGMA integrity_check")).scalar()
        if ok != "ok":
            problems.append(f"integrity_check: {ok}")
        for row in conn.execute(text("PRAGMA foreign_key_check")):
            problems.append(f"foreign key: {tuple(row)}")
    return problems
