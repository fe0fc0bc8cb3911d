"""Who may use what: the declared table the authorisation matrix checks the app against.

Every HTTP route (per method), every socket event and every command must have an
entry here; a new one without an entry makes tests/test_authz_matrix.py fail, so
whoever adds it has to say who may use it. Personas are defined in tests/support/world.py:

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

from dialogue.activities.stations import station_code
from dialogue.models import Contribution, SpeakRequest, StaffCount
from tests.support.world import ACCOUNTS, EVERYONE, FACILITATORS, HELPERS, MARKER, World

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
    #: Free-text fields of the payload that must not be empty (bad texts are tried on them);
    #: None: "text" and "name", where the payload has them.
    texts: tuple[str, ...] | None = None
    #: Id fields that may be left out (e.g. "the current step"); a wrong one is still refused.
    optional_ids: tuple[str, ...] = ()

    def text_fields(self, payload: dict[str, Any]) -> tuple[str, ...]:
        if self.texts is not None:
            return self.texts
        return tuple(k for k in ("text", "name") if k in payload)

    @staticmethod
    def id_fields(payload: dict[str, Any]) -> tuple[str, ...]:
        """Fields naming rows (…_id, …_ids): each must exist and belong to the dialogue."""
        return tuple(k for k in payload if k != "client_id" and (k.endswith("_id") or k.endswith("_ids")))


def _photo(w: World) -> int:
    """A stored photo of a walk's station in the target dialogue (its visit row's id)."""
    import io

    from PIL import Image

    from dialogue import photos
    out = io.BytesIO()
    Image.new("RGB", (8, 8), "green").save(out, "JPEG")
    name = photos.store_photo(w.d.id, photos.process_photo(out.getvalue()))
    return w.row(Contribution, dialogue_id=w.d.id, step_id=w.step("stations").id, participant_id=w.participant_id,
                 source="visit", text="", extra={"station": station_code("bus-stop"), "photo": name})


def _contribution_by_another(w: World) -> int:
    """A phone's text by a participant who is not one of the personas (to remove them)."""
    return w.row(Contribution, dialogue_id=w.d.id, step_id=w.step("prompt").id, participant_id=w.new_participant(),
                 source="participant", text="Häiriköivä teksti")


def _card(w: World) -> int:
    step = w.current("commitments")
    return w.row(Contribution, dialogue_id=w.d.id, step_id=step.id, source="commitment",
                 text="Bussiaikataulu korjataan", extra={"who": "Kunta", "due": "", "status": "proposed",
                                                         "status_note": ""})


COMMANDS: dict[str, Cmd] = {
    # running a dialogue (commands.py, running.py, speaking.py, lifecycle.py)
    "go_to_step": Cmd(FACILITATORS, lambda w: {"step_id": w.step("prompt").id}),
    # a table host moderates their own table's answers (the helper persona hosts table A)
    "set_hidden": Cmd(FACILITATORS | {"helper"}, lambda w: {
        "contribution_id": w.contribution(table_id=w.table("A").id).id, "hidden": True}),
    "screen_mode": Cmd(FACILITATORS, lambda w: {"mode": "qr"}),
    "lock_join": Cmd(FACILITATORS, lambda w: {"locked": True}),
    "speak": Cmd(PARTICIPANT, lambda w: {"raise": True} if w.current("info", speak_signal=True) else {}),
    "speaker_done": Cmd(FACILITATORS, lambda w: {"request_id": w.row(SpeakRequest, dialogue_id=w.d.id,
                                                                      participant_id=w.new_participant())},
                        optional_ids=("request_id",)),  # none: the first in the queue
    # moderation (removal.py)
    "remove_participant": Cmd(FACILITATORS, lambda w: {"contribution_id": _contribution_by_another(w)}),
    # info, prompt, commitments
    "acknowledge": Cmd(PARTICIPANT, lambda w: {"step_id": w.current("info", acknowledge=True).id}),
    "contribute": Cmd(WRITERS, lambda w: {"step_id": w.current("prompt").id, "text": "Neuvoja saa puhelimessa"}),
    "journey_add": Cmd(WRITERS, lambda w: {"step_id": w.current("journey").id, "stage": 1, "type": "pain",
                                           "feeling": 2, "text": "Jonotin puhelimessa tunnin"}),
    "station_visit": Cmd(WRITERS, lambda w: {"step_id": w.current("stations").id, "station": station_code("bus-stop"),
                                             "works": "Katos suojaa sateelta"}, texts=("works",)),
    "share_note": Cmd(PARTICIPANT, lambda w: {"contribution_id": w.contribution("Oma muistiinpano",
                                                                               private=True).id}),
    "add_commitment": Cmd(WRITERS, lambda w: {"step_id": w.current("commitments", anyone_proposes=True).id,
                                              "text": "Korjataan aikataulu",
                                              "who": "Kunta", "due": "2027-01-31"}, texts=("text", "who")),
    "accept_commitment": Cmd(STAFF, lambda w: {"contribution_id": _card(w)}),
    "commitment_status": Cmd(STAFF, lambda w: {"contribution_id": _card(w), "status": "done",
                                               "status_note": "Tehty"}),
    # voting (activities/voting.py and the kinds)
    "dot": Cmd(PARTICIPANT, lambda w: {"step_id": w.step("dots").id, "delta": 1,
                                       "item_id": w.items("dots", dots=50, max_per_item=50)[0]}),
    "stance": Cmd(PARTICIPANT, lambda w: {"step_id": w.step("stance").id, "vote": "agree",
                                          "item_id": w.items("stance")[0]}),
    "add_statement": Cmd(PARTICIPANT, lambda w: {"step_id": w.current("stance", allow_statements=True).id,
                                                 "text": "Bussien pitäisi kulkea iltaisin"}),
    "poll_vote": Cmd(PARTICIPANT, lambda w: {"step_id": w.step("poll").id, "choice": w.items("poll")[0]}),
    "rank": Cmd(PARTICIPANT, lambda w: (lambda ids: {"step_id": w.step("rank").id, "place_1": ids[0],
                                                     "place_2": ids[1]})(w.items("rank"))),
    "rate": Cmd(PARTICIPANT, lambda w: {"step_id": w.step("scale").id, "item_id": w.items("scale")[0],
                                        "rating": 4}),
    "ask": Cmd(WRITERS, lambda w: {"step_id": w.current("questions").id, "text": "Milloin bussi kulkee?"}),
    "upvote": Cmd(PARTICIPANT, lambda w: {"item_id": w.item_by_someone_else("questions"),
                                          "step_id": w.step("questions").id}),
    "not_understood": Cmd(PARTICIPANT, lambda w: {"step_id": w.current("questions").id, "on": True}),
    "clear_not_understood": Cmd(FACILITATORS, lambda w: {"step_id": w.step("questions").id}),
    "question_state": Cmd(FACILITATORS, lambda w: {"item_id": w.item_by_someone_else("questions"),
                                                   "answered": True}),
    "reveal": Cmd(FACILITATORS, lambda w: {"step_id": w.step("dots").id, "revealed": True}),
    "close_voting": Cmd(FACILITATORS, lambda w: {"step_id": w.step("dots").id, "closed": True}),
    "refresh_items": Cmd(FACILITATORS, lambda w: {"step_id": w.step("dots").id}),
    "add_item": Cmd(FACILITATORS, lambda w: {"step_id": w.step("dots").id, "text": "Uusi kohta"}),
    "set_item_hidden": Cmd(FACILITATORS, lambda w: {"item_id": w.items("dots", n=10)[0], "hidden": True}),
    "moderate_item": Cmd(FACILITATORS, lambda w: {"item_id": w.item_by_someone_else("stance"), "approve": True}),
    "staff_count": Cmd(STAFF, lambda w: {"step_id": w.step("dots").id, "item_id": w.items("dots")[0], "n_1": 3}),
    # tables (commands/seating.py)
    "table_add": Cmd(FACILITATORS, lambda w: {"name": "Pöytä C", "description": "Liikenne"}),
    "table_update": Cmd(FACILITATORS, lambda w: {"table_id": w.table("A").id, "name": "Pöytä A2", "description": ""}),
    "table_remove": Cmd(FACILITATORS, lambda w: {"table_id": w.table("Tyhjä").id}),
    "table_join": Cmd(PARTICIPANT, lambda w: {"table_id": w.table("A").id}),
    "table_move": Cmd(FACILITATORS, lambda w: {"participant_id": w.new_participant(), "table_id": w.table("A").id},
                      optional_ids=("table_id",)),  # none: the participant leaves their table
    "table_assign": Cmd(FACILITATORS, lambda w: {"mode": "balanced", "everyone": True}),
    "table_round": Cmd(FACILITATORS, lambda w: {"seed": 1} if w.table("A") and w.table("B") else {}),
    "table_summary": Cmd(FACILITATORS | {"helper"}, lambda w: {"table_id": w.table("A").id,
                                                               "summary": "Bussit puhuttivat"}, texts=()),
    "screen_table": Cmd(FACILITATORS, lambda w: {"table_id": w.table("A").id},
                        optional_ids=("table_id",)),  # none: every table side by side
    "table_harvest": Cmd(FACILITATORS, lambda w: {"step_id": w.step("prompt", by_table=True).id}),
    # kumppanuuspöytä's minutes, written from the meeting into its approval step (any dialogue's last
    # agree/disagree vote on listed statements)
    "minutes_write": Cmd(FACILITATORS, lambda w: {}),
    "remove_staff_count": Cmd(FACILITATORS, lambda w: {"entry_id": w.row(
        StaffCount, step_id=w.step("dots").id, item_id=w.items("dots")[0], value=1, count=2)}),
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
    "GET participate.table_page": Route(PARTICIPANT, refusal_redirects=("/j/",)),
    # a table card's QR code: anyone with the dialogue's code may join there (like the join page)
    "GET participate.join_table": Route(EVERYONE, params=lambda w, p: {"table_code": w.table("A").code},
                                        shows_title=True),
    "POST participate.join_table": Route(EVERYONE, params=lambda w, p: {"table_code": w.table("A").code},
                                         shows_title=True),
    "POST participate.act": Route(PARTICIPANT),  # a command transport: see ACT_ENDPOINTS
    # a station sheet's QR code: anyone with the dialogue's code may join there (like the join page)
    "GET participate.join_station": Route(EVERYONE, params=lambda w, p: {"station_code": station_code("bus-stop")},
                                          shows_title=True),
    "POST participate.join_station": Route(EVERYONE, params=lambda w, p: {"station_code": station_code("bus-stop")},
                                           shows_title=True),
    "POST participate.text_size": Route(EVERYONE, data=lambda w: {"next": "/"}),
    "GET participate.accessibility": Route(EVERYONE),
    # the participant pages' service worker: the same script for everyone, nothing of a dialogue in it
    "GET participate.service_worker": Route(EVERYONE),
    "GET guide.page": Route(EVERYONE),
    "GET guide.image": Route(EVERYONE, params=lambda w, p: {"name": "phone.jpg"}),
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


# -- the console: preparing, running, moderating, themes, lifecycle, helper links ----------

def _running(w: World) -> None:
    """Put the target back to running (set_state may have closed it in the previous attempt)."""
    from dialogue import db
    from dialogue.models import Dialogue
    with db.write() as s:
        d = s.get(Dialogue, w.d.id)
        d.state, d.closed_at = "running", None


def _theme(w: World) -> int:
    import uuid

    from dialogue import db
    from dialogue.models import Theme
    with db.write() as s:
        theme = Theme(dialogue_id=w.d.id, name=f"Teema {uuid.uuid4().hex[:8]}")
        s.add(theme)
        s.flush()
        return theme.id


def _new_step(w: World) -> int:
    from dialogue import db
    from dialogue.models import Step
    with db.write() as s:
        step = Step(dialogue_id=w.d.id, position=99, kind="info",
                    texts={lang: {"title": "Poistettava", "body": ""} for lang in ("fi", "sv", "en")})
        s.add(step)
        s.flush()
        return step.id


def _shared_account(w: World) -> int:
    from dialogue import db
    from dialogue.models import DialogueShare
    account = w.make.facilitator()
    with db.write() as s:
        s.add(DialogueShare(dialogue_id=w.d.id, facilitator_id=account.id))
    return account.id


def _helper_link(w: World) -> int:
    from dialogue import db
    from dialogue.actors import new_token
    from dialogue.models import Helper
    with db.write() as s:
        helper = Helper(dialogue_id=w.d.id, token=new_token(), kind="scribe", label="Peruttava")
        s.add(helper)
        s.flush()
        return helper.id


def _unique(prefix: str) -> str:
    import uuid
    return f"{prefix} {uuid.uuid4().hex[:8]}"


def _closing(w: World) -> dict[str, Any]:
    _running(w)
    return {"state": "closed"}


COMMANDS.update({
    # dialogue/preparation.py
    "update_details": Cmd(FACILITATORS, lambda w: {"title": f"{MARKER} dialogi", "place": "Kirjasto",
                                                    "municipality": "Juva", "date": "2026-12-01"}),
    "add_step": Cmd(FACILITATORS, lambda w: {"kind": "info"}),
    "update_step": Cmd(FACILITATORS, lambda w: {"step_id": w.step("prompt").id, "title_fi": "Mikä toimii?",
                                                "minutes": 7, "cfg_max_length": 300}),
    "move_step": Cmd(FACILITATORS, lambda w: {"step_id": w.step("prompt").id, "direction": "down"}),
    "remove_step": Cmd(FACILITATORS, lambda w: {"step_id": _new_step(w)}),
    "share_add": Cmd(frozenset({"owner"}), lambda w: {"email": w.make.facilitator().email}),
    "share_remove": Cmd(frozenset({"owner"}), lambda w: {"facilitator_id": _shared_account(w)}),
    # dialogue/running.py
    "timer_start": Cmd(FACILITATORS, lambda w: {"step_id": w.step("prompt").id, "minutes": 5},
                       optional_ids=("step_id",)),  # no step: the current one
    "timer_pause": Cmd(FACILITATORS, lambda w: {"step_id": w.step("prompt").id}, optional_ids=("step_id",)),
    "timer_add": Cmd(FACILITATORS, lambda w: {"step_id": w.step("prompt").id}, optional_ids=("step_id",)),
    "timer_reset": Cmd(FACILITATORS, lambda w: {"step_id": w.step("prompt").id}, optional_ids=("step_id",)),
    "reveal": Cmd(FACILITATORS, lambda w: {"step_id": w.step("prompt").id, "revealed": True},
                  optional_ids=("step_id",)),
    # dialogue/activities/notes.py
    "note": Cmd(STAFF, lambda w: {"step_id": w.step("prompt").id, "text": "Joku sanoi: bussit kulkevat harvoin"},
                optional_ids=("step_id",)),  # no step: the current one
    # dialogue/moderation.py and dialogue/themes.py
    "fix_text": Cmd(FACILITATORS, lambda w: {"contribution_id": w.contribution().id, "text": "Bussi kulkee harvoin."}),
    "merge_contributions": Cmd(FACILITATORS, lambda w: {"keep_id": w.contribution().id,
                                                        "merge_ids": [w.contribution("Bussi kulkee harvoin!").id]}),
    "theme_create": Cmd(FACILITATORS, lambda w: {"name": _unique("Liikenne")}),
    "theme_rename": Cmd(FACILITATORS, lambda w: {"theme_id": _theme(w), "name": _unique("Palvelut")}),
    "theme_merge": Cmd(FACILITATORS, lambda w: {"theme_id": _theme(w), "merge_ids": [_theme(w)]}),
    "theme_delete": Cmd(FACILITATORS, lambda w: {"theme_id": _theme(w)}),
    "assign_theme": Cmd(FACILITATORS, lambda w: {"contribution_ids": [w.contribution().id], "theme_id": _theme(w)},
                        optional_ids=("theme_id",)),  # no theme: out of its theme
    "accept_suggestion": Cmd(FACILITATORS, lambda w: {"contribution_ids": [w.contribution().id],
                                                      "theme_id": _theme(w)},
                             optional_ids=("theme_id",)),  # no theme: one made from `name`
    # dialogue/lifecycle.py
    "set_state": Cmd(FACILITATORS, _closing),
    "set_retention": Cmd(FACILITATORS, lambda w: {"days": 90}),
    # dialogue/helpers/links.py
    "helper_create": Cmd(FACILITATORS, lambda w: {"kind": "scribe", "label": "Kirjuri", "table": "C"}),
    "helper_revoke": Cmd(FACILITATORS, lambda w: {"helper_id": _helper_link(w)}),
})

ACT_ENDPOINTS["helpers.act"] = HELPERS


def _prompt_step(w: World, persona: str) -> dict[str, Any]:
    return {"step_id": w.step("prompt").id}


ROUTES.update({
    "GET facilitate.prepare": Route(FACILITATORS),
    "POST facilitate.prepare": Route(FACILITATORS, data=lambda w: {
        "title": f"{MARKER} dialogi", "language": "fi", "details_form": "1"}),
    "GET facilitate.edit_step": Route(FACILITATORS, params=_prompt_step),
    "POST facilitate.edit_step": Route(FACILITATORS, params=_prompt_step, data=lambda w: {
        "title_fi": "Mikä toimii hyvin?", "minutes": "5", "config_form": "1", "cfg_wall": "1"}),
    "GET facilitate.preview_step": Route(FACILITATORS, params=_prompt_step),
    "POST facilitate.duplicate": Route(FACILITATORS),
    "GET facilitate.contributions": Route(FACILITATORS),
    "GET facilitate.theme_suggestions": Route(FACILITATORS),
    "GET facilitate.opinion_groups": Route(FACILITATORS, params=lambda w, p: {"step_id": w.step("stance").id}),
    "GET facilitate.helper_links": Route(FACILITATORS),
    "GET facilitate.tables_page": Route(FACILITATORS),
    # the jury lottery: any facilitator account, about no dialogue (nothing of the file is kept)
    "GET facilitate.lottery": Route(ACCOUNTS),
    "POST facilitate.lottery": Route(ACCOUNTS, data=lambda w: {
        "size": "2", "volunteers": (__import__("io").BytesIO(b"id,kunta\nA,Juva\nB,Mikkeli\nC,Juva\n"), "v.csv")}),
    "GET facilitate.data": Route(FACILITATORS),
    "GET facilitate.printing": Route(FACILITATORS),
    "POST facilitate.try_demo": Route(ACCOUNTS),
    "GET facilitate.printable": Route(FACILITATORS, params=lambda w, p: {"name": "join-poster"}),
    "GET facilitate.paper_entry": Route(FACILITATORS),
    "GET facilitate.photo": Route(FACILITATORS, params=lambda w, p: {"contribution_id": _photo(w)}),
    "GET helpers.page": Route(HELPERS, secret="helper"),
    "POST helpers.act": Route(HELPERS, secret="helper"),  # a command transport: see ACT_ENDPOINTS
})


# -- reports, published results and the project report (dialogue/results/) ----------------------

def _publication(w: World, *, live: bool = True) -> str:
    """The target's published results page (made, or made live again), and its secret key."""
    from dialogue import db
    from dialogue.models import Publication
    with db.write() as s:
        pub = s.scalar(select_publication(w.d.id))
        if pub is None:
            pub = Publication(dialogue_id=w.d.id, token=f"pub-{w.d.id}-secret", public=False)
            s.add(pub)
        if live:
            pub.withdrawn_at = None
        s.flush()
        return pub.link_token  # the database keeps only a hash; the link is made from it


def select_publication(dialogue_id: int):
    from sqlalchemy import select

    from dialogue.models import Publication
    return select(Publication).where(Publication.dialogue_id == dialogue_id)


def _chart_step(w: World, persona: str) -> dict[str, Any]:
    w.contribution()  # a word cloud needs words
    return {"step_id": w.step("prompt").id}


COMMANDS.update({
    # dialogue/activities/feedback.py
    "give_feedback": Cmd(PARTICIPANT, lambda w: {"step_id": w.current("feedback").id, "q_heard": 4}),
    "feedback_count": Cmd(STAFF, lambda w: {"step_id": w.step("feedback").id, "question": "heard",
                                            "value": 3, "count": 2}),
    # dialogue/results/commands.py
    "publish_results": Cmd(FACILITATORS, lambda w: {"message": "Kiitos kaikille", "public": True}),
    "withdraw_results": Cmd(FACILITATORS, lambda w: (_publication(w), {})[1]),
})

ROUTES.update({
    "GET results.report_page": Route(FACILITATORS),
    "GET results.download": Route(FACILITATORS, params=lambda w, p: {"fmt": "json"}),
    "GET results.staff_chart": Route(FACILITATORS, params=_chart_step),
    "GET results.screen_chart": Route(SCREEN, secret="screen", params=_chart_step),
    "GET results.publish_page": Route(FACILITATORS),
    "POST results.publish_page": Route(FACILITATORS, data=lambda w: {"action": "publish_results",
                                                                    "client_id": __import__("uuid").uuid4().hex}),
    # A published page is for anyone with its link (it shows the dialogue's title by design).
    "GET results.published": Route(EVERYONE, params=lambda w, p: {"key": _publication(w)}, shows_title=True),
    "GET results.public_list": Route(EVERYONE),
    "GET results.project_page": Route(ACCOUNTS),
    "GET results.project_download": Route(ACCOUNTS, params=lambda w, p: {"fmt": "json"}),
})


# -- the dialogue methods (dialogue/candidates.py, dialogue/facilitate/method_tools.py) --------------

COMMANDS.update({
    # a candidate theme for a theme choice: a dots step with no listed items and no source step
    "add_candidate": Cmd(STAFF, lambda w: {"step_id": w.step("dots", items=[], source_step=None).id,
                                           "text": _unique("Bussiyhteydet")}),
})

ROUTES.update({
    # makes a follow-up meeting of the target (it has a commitments step)
    "POST facilitate.follow_up": Route(FACILITATORS),
})


# -- key findings (dialogue/commands/findings.py, dialogue/facilitate/findings.py) ----------------

def _finding(w: World) -> int:
    from dialogue import db
    from dialogue.models import Finding
    with db.write() as s:
        finding = Finding(dialogue_id=w.d.id, text=_unique("Bussit kulkevat harvoin"), basis={}, position=0)
        s.add(finding)
        s.flush()
        return finding.id


COMMANDS.update({
    "finding_draft": Cmd(FACILITATORS, lambda w: {}),
    "finding_add": Cmd(FACILITATORS, lambda w: {"text": "Iltabussi puuttuu", "note": "Kirjurin muistiinpanot"}),
    "finding_edit": Cmd(FACILITATORS, lambda w: {"finding_id": _finding(w), "text": "Bussit kulkevat liian harvoin"}),
    "finding_move": Cmd(FACILITATORS, lambda w: (_finding(w), {"finding_id": _finding(w), "direction": "up"})[1]),
    "finding_merge": Cmd(FACILITATORS, lambda w: {"finding_id": _finding(w), "merge_ids": [_finding(w)]}),
    "finding_delete": Cmd(FACILITATORS, lambda w: {"finding_id": _finding(w)}),
    "finding_approve": Cmd(FACILITATORS, lambda w: {"finding_id": _finding(w), "approved": True}),
})

ROUTES.update({
    "GET facilitate.findings": Route(FACILITATORS),
})


# -- the draft statement (dialogue/activities/draft.py) -----------------------------------------

def _draft_section(w: World, **config) -> dict[str, Any]:
    """The target's draft step made current with `config`, and a new section in it."""
    from dialogue import db
    from dialogue.activities.draft import add_section
    from dialogue.models import Step
    step = w.current("draft", **config)
    with db.write() as s:
        section = add_section(s, s.get(Step, step.id), "Bussivuoroja lisää iltaisin", "facilitator")
        return {"step_id": step.id, "section_id": section.id}


def _draft_amendment(w: World) -> dict[str, Any]:
    from dialogue import db
    from dialogue.models import DraftAmendment
    ids = _draft_section(w, amendments=True)
    with db.write() as s:
        a = DraftAmendment(section_id=ids["section_id"], text="Bussivuoroja lisää myös viikonloppuisin",
                           reason="", base_version=1)
        s.add(a)
        s.flush()
        return {"step_id": ids["step_id"], "amendment_id": a.id}


def _draft_minority(w: World) -> dict[str, Any]:
    from dialogue import db
    from dialogue.models import DraftMinority
    ids = _draft_section(w, minority=True)
    with db.write() as s:
        m = DraftMinority(section_id=ids["section_id"], text="Taksiseteli olisi parempi")
        s.add(m)
        s.flush()
        return {"step_id": ids["step_id"], "minority_id": m.id}


COMMANDS.update({
    "draft_add_section": Cmd(WRITERS, lambda w: {"step_id": w.current("draft", writing=True).id,
                                                 "text": "Kirjasto auki iltaisin"}),
    "draft_edit": Cmd(WRITERS, lambda w: {**_draft_section(w, writing=True), "base_version": 1,
                                          "text": "Bussivuoroja lisää iltaisin ja viikonloppuisin"}),
    "draft_support": Cmd(PARTICIPANT, lambda w: {**_draft_section(w, support=True), "vote": "agree"}),
    "draft_amend": Cmd(PARTICIPANT, lambda w: {**_draft_section(w, amendments=True),
                                               "text": "Bussivuoroja lisää aamuisin", "reason": "Työmatkat"},
                       texts=("text",)),
    "draft_amendment_vote": Cmd(PARTICIPANT, lambda w: {**_draft_amendment(w), "vote": "agree"}),
    "draft_decide": Cmd(FACILITATORS, lambda w: {"amendment_id": _draft_amendment(w)["amendment_id"],
                                                 "accept": True}),
    "draft_minority": Cmd(PARTICIPANT, lambda w: {**_draft_section(w, minority=True),
                                                  "text": "Taksiseteli olisi parempi"}),
    "draft_join": Cmd(PARTICIPANT, lambda w: {**_draft_minority(w), "joined": True}),
    "draft_final": Cmd(PARTICIPANT, lambda w: {"step_id": w.current("draft", final_approval=True).id,
                                               "vote": "agree"}),
    "draft_merge": Cmd(FACILITATORS, lambda w: {"step_id": w.step("draft").id}),
    "draft_renumber": Cmd(FACILITATORS, lambda w: {"step_id": w.step("draft").id}),
    "draft_response": Cmd(FACILITATORS, lambda w: {"step_id": w.step("draft").id, "text": "Kaupunki vastaa: selvitämme"}),
    "draft_hide": Cmd(FACILITATORS, lambda w: {"section_id": _draft_section(w)["section_id"], "hidden": True}),
})


# -- the findings register (dialogue/registers.py, dialogue/register/routes.py) --------------------

def _register(w: World) -> int:
    """A register of the instance (made once per world)."""
    if getattr(w, "_register_id", None) is None:
        from dialogue import db, registers
        with db.write() as s:
            w._register_id = registers.create_register(s, _unique("Hankkeen rekisteri"), "project").id
    return w._register_id


def _register_entry(w: World) -> dict[str, Any]:
    """An entry of the register addressed to an organisation, and that organisation's secret key."""
    if getattr(w, "_register_entry", None) is None:
        from dialogue import db, registers
        from dialogue.models import RegisterEntry, RegisterResponder
        register_id = _register(w)
        with db.write() as s:
            responder = RegisterResponder(register_id=register_id, name="TE-palvelut")
            s.add(responder)
            s.flush()
            key = registers.new_link(responder)
            entry = RegisterEntry(register_id=register_id, text="Bussit kulkevat harvoin", area="transport",
                                  responder_id=responder.id)
            s.add(entry)
            s.flush()
            w._register_entry = {"register_id": register_id, "entry_id": entry.id, "key": key}
    return w._register_entry


def _viewer_key(w: World) -> str:
    """The experts' read-only link of the register (made once per world)."""
    if getattr(w, "_viewer_key", None) is None:
        from dialogue import db, registers
        from dialogue.models import FindingRegister
        register_id = _register(w)
        with db.write() as s:
            w._viewer_key = registers.new_viewer_link(s.get(FindingRegister, register_id))
    return w._viewer_key


def _approved_finding(w: World) -> int:
    from dialogue import db
    from dialogue.models import Finding
    with db.write() as s:
        finding = Finding(dialogue_id=w.d.id, text=_unique("Bussit kulkevat harvoin"), basis={}, position=0,
                          approved=True)
        s.add(finding)
        s.flush()
        return finding.id


COMMANDS.update({
    "finding_to_register": Cmd(FACILITATORS, lambda w: {"finding_id": _approved_finding(w),
                                                        "register_id": _register(w), "area": "transport"}),
})

ROUTES.update({
    # The registers are the project's: every facilitator account uses them (as project reporting).
    "GET register.index": Route(ACCOUNTS),
    "POST register.index": Route(ACCOUNTS, data=lambda w: {"name": _unique("Rekisteri"), "kind": "named"}),
    "GET register.view": Route(ACCOUNTS, params=lambda w, p: {"register_id": _register(w)}),
    "GET register.download": Route(ACCOUNTS, params=lambda w, p: {"register_id": _register(w), "fmt": "json"}),
    "GET register.settings": Route(ACCOUNTS, params=lambda w, p: {"register_id": _register(w)}),
    "POST register.settings": Route(ACCOUNTS, params=lambda w, p: {"register_id": _register(w)}, data=lambda w: {
        "action": "add_responder", "name": "Kunta", "client_id": __import__("uuid").uuid4().hex}),
    "GET register.entry": Route(ACCOUNTS, params=lambda w, p: {
        k: v for k, v in _register_entry(w).items() if k != "key"}),
    "POST register.entry": Route(ACCOUNTS, params=lambda w, p: {
        k: v for k, v in _register_entry(w).items() if k != "key"}, data=lambda w: {
        "text": "Bussit kulkevat liian harvoin", "area": "transport"}),
    # The experts' read-only view and exports: for anyone with the register's secret link.
    "GET register.expert_view": Route(EVERYONE, params=lambda w, p: {"key": _viewer_key(w)}),
    "GET register.expert_download": Route(EVERYONE, params=lambda w, p: {"key": _viewer_key(w), "fmt": "csv"}),
    # A responding organisation's page: for anyone with its secret link (it has no account).
    "GET register.respond": Route(EVERYONE, params=lambda w, p: {"key": _register_entry(w)["key"]}),
    "POST register.respond": Route(EVERYONE, params=lambda w, p: {"key": _register_entry(w)["key"]}, data=lambda w: {
        "entry_id": _register_entry(w)["entry_id"], "status": "received", "text": "Selvitämme",
        "public": "1", "client_id": __import__("uuid").uuid4().hex}),
})
