"""Who may use what: the declared table the authorisation matrix checks the app against.

Every HTTP route (per method), every socket event and every command must have an
entry here; a new one without an entry makes tests/test_authz_matrix.py fail, so
whoever adds it has to say who may use it. Personas are defined in tests/world.py:

    anonymous, participant_other, participant, helper_other, helper_other_table,
    helper, facilitator_other, co_facilitator, owner, screen

An entry for a command gives the personas that may run it on the target dialogue
and a function that builds a valid payload in the world (it may prepare the world,
e.g. make a step current or add a contribution to hide). The payload's `*_id`
fields are also used by tests/test_bad_input.py to try ids that do not exist.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

from tests.world import ACCOUNTS, EVERYONE, FACILITATORS, HELPERS, World

PARTICIPANT = frozenset({"participant"})
SCREEN = frozenset({"screen"})
WRITERS = PARTICIPANT | HELPERS | FACILITATORS
STAFF = HELPERS | FACILITATORS


# -- commands ---------------------------------------------------------------------

@dataclass
class Cmd:
    """A command's allowed personas and a valid payload for the target dialogue."""
    allowed: frozenset[str]
    payload: Callable[[World], dict[str, Any]]
    #: The same payload as form fields, when it cannot be derived (nested objects).
    form: Callable[[World], dict[str, Any]] | None = None


COMMANDS: dict[str, Cmd] = {
    # running a dialogue (dialogue/commands.py)
    "go_to_step": Cmd(FACILITATORS, lambda w: {"step_id": w.step("prompt").id}),
    "set_hidden": Cmd(FACILITATORS, lambda w: {"contribution_id": w.contribution().id, "hidden": True}),
    "screen_mode": Cmd(FACILITATORS, lambda w: {"mode": "qr"}),
    "lock_join": Cmd(FACILITATORS, lambda w: {"locked": True}),
    # info
    "acknowledge": Cmd(PARTICIPANT, lambda w: {"step_id": w.current("info", acknowledge=True).id}),
    # prompt
    "contribute": Cmd(WRITERS, lambda w: {"step_id": w.current("prompt").id, "text": "Neuvoja saa puhelimessa"}),
}


# -- HTTP routes ---------------------------------------------------------------------

#: Endpoints that run commands (the payload's `action`), and who each serves; the
#: command matrix tries every command through each of them.
ACT_ENDPOINTS: dict[str, frozenset[str]] = {
    "participate.act": PARTICIPANT,
    "facilitate.act": FACILITATORS,
}


@dataclass
class Route:
    """Who gets a route on the target dialogue, and how to call it."""
    allowed: frozenset[str]
    #: When the URL's <token> is a secret link: "screen" or "helper".
    secret: str | None = None
    #: URL values beyond code / dialogue_id / token (persona -> values).
    params: Callable[[World, str], dict[str, Any]] | None = None
    #: Form data for a POST.
    data: Callable[[World], dict[str, Any]] | None = None
    #: Redirects that mean "not for you" besides /login (e.g. /j/ for participant pages).
    refusal_redirects: tuple[str, ...] = ()
    #: The page may show the target's title to anyone (the join page: the code is public).
    shows_title: bool = False
    extra: dict[str, Any] = field(default_factory=dict)


ROUTES: dict[str, Route] = {
    "GET static": Route(EVERYONE, params=lambda w, p: {"filename": "css/osuva.css"}),
    "GET auth.login": Route(EVERYONE),
    "POST auth.login": Route(EVERYONE, data=lambda w: {"email": w.owner.email, "password": "salasana123"}),
    "POST auth.logout": Route(EVERYONE),
    "GET participate.home": Route(EVERYONE),
    "POST participate.home": Route(EVERYONE, data=lambda w: {"code": w.d.code}),
    "GET participate.join_page": Route(EVERYONE, shows_title=True),
    "POST participate.join_page": Route(EVERYONE, shows_title=True),
    "GET participate.step_page": Route(PARTICIPANT, refusal_redirects=("/j/",)),
    "GET participate.panel": Route(PARTICIPANT),
    "POST participate.act": Route(PARTICIPANT),  # a command transport: see ACT_ENDPOINTS
    "POST participate.text_size": Route(EVERYONE, data=lambda w: {"next": "/"}),
    "GET participate.accessibility": Route(EVERYONE),
    "GET screen.screen": Route(SCREEN, secret="screen"),
    "GET screen.screen_state": Route(SCREEN, secret="screen"),
    "GET screen.join_qr": Route(EVERYONE),
    "GET facilitate.dashboard": Route(ACCOUNTS),
    "GET facilitate.new_dialogue": Route(ACCOUNTS),
    "POST facilitate.new_dialogue": Route(ACCOUNTS, data=lambda w: {
        "method": "ideakierros", "title": "Uusi dialogi", "language": "fi"}),
    "GET facilitate.run": Route(FACILITATORS),
    "POST facilitate.act": Route(FACILITATORS),
    "GET facilitate.export_json": Route(FACILITATORS),
}


# -- socket events -------------------------------------------------------------------

@dataclass
class Event:
    """A socket event other than connect/act: who may send it, with what arguments."""
    allowed: frozenset[str]
    args: Callable[[World], tuple] = lambda w: ()
    #: Whether an acknowledgement means success.
    succeeded: Callable[[Any], bool] = lambda ack: isinstance(ack, dict) and ack.get("ok") is True


#: connect, disconnect and act are tested on their own (connect per claimed role, act per command).
SPECIAL_EVENTS = frozenset({"connect", "disconnect", "act"})

#: Everyone who can connect to the target dialogue.
CONNECTED = PARTICIPANT | HELPERS | FACILITATORS | SCREEN

EVENTS: dict[str, Event] = {
    "sync": Event(CONNECTED),
}
