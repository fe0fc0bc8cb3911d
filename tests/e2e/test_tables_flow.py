"""Tables in a real browser: the facilitator adds two tables and sets a step to "by table";
two 360 x 640 phones, one with JavaScript and one without, choose their tables and write;
each sees only their own table's task; the 1280 x 720 projector shows the tables side by
side; a phone changes its table. axe-core checks every page on the way."""
from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.e2e.helpers import (
    check_phone_page,
    check_staff_page,
    helper_link,
    join,
    move_to_step,
    new_dialogue,
    shot,
    start,
)

PROJECTOR = {"width": 1280, "height": 720}
PROMPT = "Mikä toimii hyvin?"


def add_table(fac: Page, name: str) -> None:
    fac.fill("#t-name", name)
    fac.click("form[data-action=table_add] button[type=submit]")
    expect(fac.locator(".table-column h3", has_text=name)).to_have_count(1)


def choose_table(phone: Page, name: str) -> None:
    phone.get_by_label(name).check()
    phone.locator("form[data-action=table_join]").first.locator("button[type=submit]").click()
    expect(phone.locator(".my-table strong")).to_have_text(name)


def write(phone: Page, text: str) -> None:
    phone.fill("textarea[name=text]", text)
    phone.click("form[data-action=contribute] button[type=submit]")
    expect(phone.locator(".mine li", has_text=text)).to_have_count(1)


def test_choosing_a_table_on_two_phones_with_and_without_javascript(server, facilitator, new_desktop, new_phone):
    fac = facilitator
    new_dialogue(fac, "Pöytäkeskustelu", "ideakierros")
    # The prompt is worked by table: the step editor's setting.
    fac.locator(".step-list > li", has_text=PROMPT).locator("a[id^=edit-step-]").click()
    fac.wait_for_url(re.compile(r"/steps/\d+"))
    fac.check("#cfg-by_table")
    fac.click("#save-step")
    fac.wait_for_url(re.compile(r"/prepare"))

    fac.click("#nav-tables")
    add_table(fac, "Ikkunapöytä")
    add_table(fac, "Ovipöytä")
    check_staff_page(fac, "fi")
    shot(fac, "tables-01-console")

    # A host link for the window table, made on the helper links page.
    host_url = helper_link(fac, "table_host", "Anna", "Ikkunapöytä")
    join_url = start(fac, server.url)
    screen = new_desktop(PROJECTOR)
    screen.goto(server.url + fac.get_attribute("#open-screen", "href"))

    phone, nojs = new_phone("fi"), new_phone("fi", js=False)
    join(phone, join_url)
    join(nojs, join_url)
    move_to_step(fac, PROMPT)

    # Before choosing, a phone sees the tables, not the question.
    expect(phone.locator("#step-title")).to_have_text("Nyt työskennellään pöydissä")
    expect(phone.locator("textarea")).to_have_count(0)
    check_phone_page(phone, "tables-02-choose", "fi")
    choose_table(phone, "Ikkunapöytä")
    expect(phone.locator("#step-title")).to_have_text(PROMPT)
    check_phone_page(phone, "tables-03-at-table", "fi")
    write(phone, "Neuvonta on ystävällistä")

    nojs.reload()
    expect(nojs.locator("#step-title")).to_have_text("Nyt työskennellään pöydissä")
    check_phone_page(nojs, "tables-04-choose-nojs", "fi")
    choose_table(nojs, "Ovipöytä")
    write(nojs, "Kirjaston tietokoneet")
    check_phone_page(nojs, "tables-05-at-table-nojs", "fi")

    # The projector: a column per table, each with its own answers, and nothing scrolls.
    ikkuna = screen.locator(".table-column", has=screen.locator("h2", has_text="Ikkunapöytä"))
    ovi = screen.locator(".table-column", has=screen.locator("h2", has_text="Ovipöytä"))
    expect(ikkuna.locator("li")).to_have_text(["Neuvonta on ystävällistä"])
    expect(ovi.locator("li")).to_have_text(["Kirjaston tietokoneet"])
    check_staff_page(screen, "fi")
    assert screen.evaluate("document.querySelector('main').scrollHeight") <= PROJECTOR["height"]
    shot(screen, "tables-06-screen")

    # The window table's host sees their own table only, hides an answer and writes the summary.
    host = new_phone("fi")
    host.goto(host_url)
    wall = host.locator("#table-wall")
    expect(wall.locator("li .text")).to_have_text(["Neuvonta on ystävällistä"])
    check_staff_page(host, "fi")
    shot(host, "tables-08-host")
    wall.locator("button", has_text="Piilota").click()
    expect(ikkuna.locator("li")).to_have_count(0)  # hidden by the host: off the projector
    expect(wall.locator("li.is-hidden")).to_have_count(1)
    host.fill("#table-summary", "Neuvonta toimii, kun sen löytää.")
    host.click("form[data-action=table_summary] button[type=submit]")
    expect(host.locator("#messages, [role=status]").first).to_be_attached()

    # A phone changes its table through its own page.
    phone.click("text=Vaihda pöytää")
    expect(phone.locator("h1")).to_have_text("Pöytäsi")
    check_phone_page(phone, "tables-07-change", "fi")
    phone.get_by_label("Ovipöytä").check()
    phone.locator("form[data-action=table_join]").first.locator("button[type=submit]").click()
    expect(phone.locator(".my-table strong")).to_have_text("Ovipöytä")

    # The console's contributions: the keyboard help's keys work from the start (no Tab first).
    fac.click("#nav-contributions")
    check_staff_page(fac, "fi")
    rows = fac.locator("[data-contribution]")
    expect(rows).to_have_count(1)  # the host hid the other one
    fac.keyboard.press("j")
    expect(rows.first).to_be_focused()
    fac.keyboard.press("x")
    expect(rows.first.locator("input[type=checkbox]")).to_be_checked()
