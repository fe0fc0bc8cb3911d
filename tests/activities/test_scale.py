"""Ratings (`scale`): distribution, mean, comments, revotes."""
from __future__ import annotations

from tests.support.rooms import Room, by_id


def test_scale_distribution_mean_comment_and_revote(make):
    room = Room(make, "scale", items=["Työkokeilu"], criteria=["Hyödyllinen", "Toteutettava"], style="smiley")
    item = room.item_ids()[0]
    p1, p2 = room.phone(), room.phone()
    assert room.act(p1, "rate", step_id=room.step_id, item_id=item, rating_c1="2", rating_c2=5,
                    comment="Soita minulle 040 1234567")["ok"]
    assert room.act(p1, "rate", step_id=room.step_id, item_id=item, rating_c1=4)["ok"]  # revote
    assert room.act(p2, "rate", step_id=room.step_id, item_id=item, rating_c1=5)["ok"]
    assert not room.act(p2, "rate", step_id=room.step_id, item_id=item, rating_c1=6)["ok"]
    assert not room.act(p2, "rate", step_id=room.step_id, item_id=item)["ok"]
    row = by_id(room.results(), item)
    useful, doable = row["criteria"]
    assert useful["distribution"]["total"] == [0, 0, 0, 1, 1] and useful["mean"] == 4.5
    assert doable["distribution"]["phone"] == [0, 0, 0, 0, 1] and doable["count"]["total"] == 1
    assert row["comments"] and "040" not in row["comments"][0]["text"]  # masked
    page = make.participant_client(room.dialogue).get(f"/p/{room.dialogue.code}").get_data(as_text=True)
    assert 'class="word"' in page  # every option has a text label, not colour alone
    assert page.count('type="radio"') == 10  # 5 options x 2 criteria
    assert 'type="radio"' in page and "😀" in page and "<legend>" in page


def test_the_screen_shows_each_rated_item_once(make):
    """A few items: each one's 1-5 distribution, titled with its average (no second bar for it);
    many: the averages side by side. The phone shows the averages."""
    from dialogue.models import Dialogue
    from dialogue.realtime.snapshot import live_state
    from dialogue import db

    for items, distributions in ((["Iltabussi"], True), (["Bussi", "Kirjasto", "Neuvonta", "Kahvila"], False)):
        room = Room(make, "scale", items=items, hide_results=False)
        phone = room.phone()
        for item in room.item_ids():
            assert room.act(phone, "rate", step_id=room.step_id, item_id=item, rating=4)["ok"]
        results = live_state(db.session, db.session.get(Dialogue, room.dialogue.id), staff=False)["step"]["results"]
        titles = [b["label"] for b in results["bars"]] + [g["title"] for g in results["groups"]]
        assert sorted(titles) == sorted(items)  # each item exactly once
        assert bool(results["groups"]) is distributions
        page = make.participant_client(room.dialogue).get(f"/p/{room.dialogue.code}").get_data(as_text=True)
        assert "Keskiarvo 4.0 / 5" in page
