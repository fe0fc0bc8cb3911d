"""Every count staff and phones see follows the data live, in a real browser: the console's
"have confirmed" and "took part" numbers, a table host's note in the console's feed, and a
new action card on a phone with JavaScript, all without reloading."""
from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.e2e.helpers import (
    add_step,
    check_phone_page,
    check_staff_page,
    helper_link,
    join,
    move_to_step,
    new_dialogue,
    start,
)


def test_console_counts_notes_and_cards_follow_the_room_live(server, facilitator, new_phone):
    fac = facilitator
    # (on the way: the jury lottery page, reached from the dashboard)
    fac.click("#lottery-link")
    expect(fac.locator("h1")).to_have_text("Raadin arvonta")
    check_staff_page(fac, "fi")
    fac.goto(server.url + "/console/")
    new_dialogue(fac, "Laskurit elävät", "blank")
    add_step(fac, "info", "Pelisäännöt", acknowledge=True)
    add_step(fac, "poll", "Mikä päivä sopii?", items=["Maanantai", "Tiistai"])
    add_step(fac, "rank", "Tärkeysjärjestys", items=["Bussit", "Kirjasto", "Neuvonta"], k="2")
    add_step(fac, "notes", "Pöytäkeskustelu")
    add_step(fac, "commitments", "Lupaukset")
    host_url = helper_link(fac, "table_host", table="Pöytä 1")
    join_url = start(fac, server.url)
    phone = new_phone("fi")
    join(phone, join_url)

    # Confirming the rules: the console's count goes up without a reload.
    move_to_step(fac, "Pelisäännöt")
    confirmed = fac.locator("[data-result=acknowledged]")
    expect(confirmed).to_have_text("0")
    phone.locator("form[data-action=acknowledge] button").click()
    expect(confirmed).to_have_text("1")

    # A poll answer: "took part" follows.
    move_to_step(fac, "Mikä päivä sopii?")
    took_part = fac.locator("[data-took-part=total]")
    expect(took_part).to_have_text("0")
    phone.get_by_label("Tiistai").check()
    phone.locator("form[data-action=poll_vote] button[type=submit]").click()
    expect(took_part).to_have_text("1")
    check_staff_page(fac, "fi")

    # Ranking, by choice lists (taps or the keyboard; no dragging): "took part" follows too.
    move_to_step(fac, "Tärkeysjärjestys")
    expect(fac.locator("[data-took-part=total]")).to_have_text("0")
    phone.select_option("select[name=place_1]", label="Kirjasto")
    phone.select_option("select[name=place_2]", label="Bussit")
    phone.locator("form[data-action=rank] button[type=submit]").click()
    expect(phone.locator(".done")).to_be_visible()
    check_phone_page(phone, "live-rank-phone", "fi")
    expect(fac.locator("[data-took-part=total]")).to_have_text("1")

    # A table host's note reaches the console's feed as it is written.
    move_to_step(fac, "Pöytäkeskustelu")
    expect(fac.locator("#notes-empty")).to_be_visible()
    host = new_phone("fi")
    host.goto(host_url)
    host.fill("#note-text", "Pöydässä toivottiin iltabussia.")
    host.locator("form[data-action=note] button[type=submit]").click()
    expect(fac.locator("#notes-feed li")).to_have_text([re.compile("Pöydässä toivottiin iltabussia")])
    expect(fac.locator("#notes-feed .badge")).to_contain_text("Pöytä 1")

    # A new action card appears on the phone (with JavaScript) without a reload.
    move_to_step(fac, "Lupaukset")
    expect(phone.locator("#step-title")).to_have_text("Lupaukset")
    fac.fill("#commit-text", "Kokeillaan iltabussia kesällä")
    fac.fill("#commit-who", "Mikkelin kaupunki")
    fac.locator("form[data-action=add_commitment] button[type=submit]").click()
    expect(phone.locator(".card-text")).to_have_text("Kokeillaan iltabussia kesällä")
    check_phone_page(phone, "live-cards-phone", "fi")
