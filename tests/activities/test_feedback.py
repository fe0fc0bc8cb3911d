"""The closing survey (`feedback`): answered on a phone without JavaScript, counted exactly."""
from __future__ import annotations

from sqlalchemy import func, select

from dialogue import db
from dialogue.activities import feedback as fb
from dialogue.actors import FACILITATOR, Actor
from dialogue.commands.core import dispatch
from dialogue.models import Step, Vote
from tests.conftest import cid
from tests.support.report_data import add_step


def _survey(make):
    owner = make.facilitator()
    d = make.dialogue(owner=owner)
    step = add_step(d, 10, "feedback", "Palaute", "", questions=["heard", "could_say", "constructive"])
    staff = Actor(FACILITATOR, d.id, facilitator_id=owner.id)
    assert dispatch(staff, "go_to_step", {"client_id": cid(), "step_id": step.id})["ok"]
    return d, step, staff


def test_phone_answers_with_a_plain_form(make):
    d, step, _staff = _survey(make)
    phone = make.participant_client(d)
    page = phone.get(f"/p/{d.code}?lang=en").get_data(as_text=True)
    assert "I felt heard." in page and 'name="q_heard"' in page and 'value="5"' in page
    assert "5 – Fully" in page  # every value has a text label
    r = phone.post(f"/p/{d.code}/act", data={"action": "give_feedback", "client_id": cid(), "step_id": step.id,
                                             "q_heard": "4", "q_could_say": "5", "comment": "Hyvä päivä"})
    assert r.status_code == 303
    page = phone.get(f"/p/{d.code}").get_data(as_text=True)
    assert "Your answers were saved" in page
    assert 'value="4" checked' in page  # the phone sees its own answer to change it
    # Answering again replaces the answer: still one vote per question.
    phone.post(f"/p/{d.code}/act", data={"action": "give_feedback", "client_id": cid(), "step_id": step.id,
                                         "q_heard": "2"})
    res = fb.results(db.session, db.session.get(Step, step.id))
    heard = res["questions"][0]
    assert heard["distribution"]["total"] == [0, 1, 0, 0, 0] and heard["mean"] == 2.0
    assert res["questions"][1]["distribution"]["total"] == [0, 0, 0, 0, 1]
    assert res["respondents"]["total"] == 1


def test_bad_answers_change_nothing(make):
    d, step, _staff = _survey(make)
    phone = make.participant_client(d)
    for bad in ({"q_heard": "6"}, {"q_heard": "x"}, {}, {"q_heard": "3", "comment": "x" * 501}):
        r = phone.post(f"/p/{d.code}/act", data={"action": "give_feedback", "client_id": cid(),
                                                 "step_id": step.id, **bad}, follow_redirects=True)
        assert 'class="msg msg-error"' in r.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Vote)) == 0


def test_staff_enter_paper_forms_and_participants_cannot(make):
    d, step, staff = _survey(make)
    ack = dispatch(staff, "feedback_count", {"client_id": cid(), "step_id": step.id, "question": "heard",
                                             "value": "5", "count": "3"})
    assert ack["ok"]
    res = fb.results(db.session, db.session.get(Step, step.id))
    assert res["questions"][0]["distribution"] == {"phone": [0] * 5, "staff": [0, 0, 0, 0, 3],
                                                   "total": [0, 0, 0, 0, 3]}
    phone = make.participant_client(d)
    r = phone.post(f"/p/{d.code}/act", data={"action": "feedback_count", "client_id": cid(), "step_id": step.id,
                                             "question": "heard", "value": "5", "count": "100"},
                   follow_redirects=True)
    assert 'class="msg msg-error"' in r.get_data(as_text=True)
    assert fb.results(db.session, db.session.get(Step, step.id))["questions"][0]["count"] == 3


def test_results_stay_off_the_screen_until_revealed(make):
    d, step, _staff = _survey(make)
    phone = make.participant_client(d)
    phone.post(f"/p/{d.code}/act", data={"action": "give_feedback", "client_id": cid(), "step_id": step.id,
                                         "q_heard": "4"})
    screen = make.app.test_client()
    assert screen.get(f"/s/{d.screen_link_token}/chart/{step.id}.svg").status_code == 404


def test_config_is_checked():
    activity = fb.Feedback()
    assert activity.clean_config({"questions": ["useful", "heard"]})["questions"] == ["useful", "heard"]
    for bad in ({"questions": []}, {"questions": ["nope"]}, {"questions": ["heard", "heard"]}):
        try:
            activity.clean_config(bad)
        except ValueError:
            continue
        raise AssertionError(bad)


def test_the_instruction_is_given_once(make):
    """The survey step's own text tells how to answer; the form does not say it again."""
    d = make.dialogue(method="eratauko")
    survey = next(s for s in d.steps if s.kind == "feedback")
    staff = Actor(FACILITATOR, d.id, facilitator_id=d.owner.id)
    assert dispatch(staff, "go_to_step", {"client_id": cid(), "step_id": survey.id})["ok"]
    page = make.participant_client(d).get(f"/p/{d.code}").get_data(as_text=True)
    assert page.count("Valitse jokaiseen kohtaan yksi vastaus") == 1  # from the step's own text
    assert page.count("kohdan väliin") + page.count("kysymyksen väliin") == 1
