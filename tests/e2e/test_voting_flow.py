"""The voting kinds in a real browser on a phone viewport: dot voting and agree/disagree.

The facilitator makes a dialogue from the blank method and adds a `dots` step (three
listed items, three dots each) and a `stance` step (two statements, results hidden)
with the console's own step editor. Two phones vote, one with JavaScript and one
without, each by tapping the buttons (the dots) or with the keyboard (the statements).
axe-core checks every phone page (check_phone_page, which also screenshots it); the
console shows the tallies; the hidden stance results stay off the screen and the phones
until the facilitator reveals them, then the screen shows labelled bars with the counts.
"""
from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.e2e.helpers import (
    add_step,
    check_phone_page,
    check_staff_page,
    join,
    move_to_step,
    shot,
)

DOT_ITEMS = ["Bussivuorot iltaisin", "Kahvila työnhakijoille", "Ilmainen tietokonekurssi"]
STATEMENTS = ["Työkkärin lomakkeet ovat liian vaikeita.", "Haluan tavata työnantajia kasvokkain."]


def item(page: Page, text: str):
    return page.locator(".vote-item", has=page.locator(".item-text", has_text=text))


def add_dot(page: Page, text: str, expected: int) -> None:
    item(page, text).locator("form[data-action=dot]:has(input[name=delta][value='1']) button").click()
    expect(item(page, text).locator(".my-dots strong")).to_have_text(str(expected))


def count_of(container, label: str):
    """The number written beside the bar labelled `label` (the bar's second span)."""
    return container.locator(".bar-label", has_text=label).locator("span").last


def answer_current(page: Page, vote: str) -> str:
    """Answer the statement now shown, with the keyboard (focus the button, press Enter)."""
    statement = page.locator("blockquote.statement").inner_text().strip()
    button = page.locator(".stance-buttons").first.locator(f"button.stance-{vote}")
    button.focus()
    page.keyboard.press("Enter")
    return statement


def test_dots_and_stance_on_two_phones(server, facilitator, new_desktop, new_phone):
    fac = facilitator
    fac.click("a[href$='/console/new']")
    fac.fill("#title", "Äänestykset puhelimella")
    fac.check("#method-blank")
    fac.click("#create-dialogue")
    fac.wait_for_url(re.compile(r"/console/d/\d+/prepare"))
    add_step(fac, "dots", "Mikä auttaisi eniten?", items=DOT_ITEMS, hide_results=False)
    add_step(fac, "stance", "Mitä mieltä olet?", items=STATEMENTS)
    # a new voting step hides its results until revealed
    fac.locator(".step-list > li").last.locator("a[id^=edit-step-]").click()
    expect(fac.locator("#cfg-hide_results")).to_be_checked()
    fac.go_back()

    fac.click("#nav-run")
    fac.locator("#state-running").first.click()
    expect(fac.locator("#state-running")).to_have_count(0)
    code = fac.inner_text(".join-line strong").strip()
    join_url = f"{server.url}/j/{code}"
    screen = new_desktop()
    screen.goto(server.url + fac.get_attribute("#open-screen", "href"))

    phone, nojs = new_phone("fi"), new_phone("fi", js=False)
    join(phone, join_url)
    join(nojs, join_url)

    # -- dot voting: 2 + 1 dots from the phone, 1 from the phone without JavaScript ---------
    move_to_step(fac, "Mikä auttaisi eniten?")
    expect(phone.locator("#step-title")).to_have_text("Mikä auttaisi eniten?")
    expect(phone.locator(".vote-item")).to_have_count(3)
    check_phone_page(phone, "vote-01-dots-fi", "fi")
    add_dot(phone, DOT_ITEMS[0], 1)
    add_dot(phone, DOT_ITEMS[0], 2)
    add_dot(phone, DOT_ITEMS[1], 1)
    expect(phone.locator(".dots-left strong")).to_contain_text("0")
    check_phone_page(phone, "vote-02-dots-spent-fi", "fi")
    nojs.reload()
    expect(nojs.locator(".vote-item")).to_have_count(3)
    add_dot(nojs, DOT_ITEMS[0], 1)
    check_phone_page(nojs, "vote-03-dots-fi-nojs", "fi")

    # The console's tally: 3 dots on the first item, 1 on the second, none on the third.
    live = fac.locator("[data-voting-live]")
    for text, n in zip(DOT_ITEMS, (3, 1, 0)):
        expect(count_of(live, text)).to_have_text(re.compile(rf"^{n}\b"))
    check_staff_page(fac, "fi")
    shot(fac, "vote-console-dots")
    # Not hidden (the facilitator unticked it): the screen shows the bars at once, largest first.
    expect(screen.locator("#results .bars li")).to_have_count(3)
    expect(screen.locator("#results .bars li").first).to_contain_text(DOT_ITEMS[0])
    expect(screen.locator("#results .bars li").first.locator(".bar-label span").last).to_have_text(re.compile(r"^3\b"))
    shot(screen, "vote-screen-dots")

    # -- agree / disagree with hidden results --------------------------------------------
    move_to_step(fac, "Mitä mieltä olet?")
    expect(phone.locator("#step-title")).to_have_text("Mitä mieltä olet?")
    expect(phone.locator("blockquote.statement")).to_be_visible()
    check_phone_page(phone, "vote-04-stance-fi", "fi")
    for _ in STATEMENTS:
        shown = answer_current(phone, "agree")
        expect(phone.locator("blockquote.statement", has_text=shown)).to_have_count(0)
    expect(phone.locator(".done")).to_be_visible()
    check_phone_page(phone, "vote-05-stance-answered-fi", "fi")
    nojs.reload()
    for _ in STATEMENTS:
        shown = answer_current(nojs, "disagree")
        expect(nojs.locator("blockquote.statement", has_text=shown)).to_have_count(0)
    expect(nojs.locator(".done")).to_be_visible()
    check_phone_page(nojs, "vote-06-stance-answered-fi-nojs", "fi")

    # Hidden: the console sees the tally, the screen and the phones see no results.
    for statement in STATEMENTS:
        group = live.locator(".result-group", has_text=statement)
        expect(group.locator(".bar-label")).to_have_count(3)
        expect(group).to_contain_text("50 % (1)")
    shot(fac, "vote-console-stance-hidden")
    expect(screen.locator("#results .results-hidden")).to_be_visible()
    expect(screen.locator("#results .bars")).to_have_count(0)
    for statement in STATEMENTS:
        expect(screen.locator("#results")).not_to_contain_text(statement)
    shot(screen, "vote-screen-stance-hidden")
    expect(phone.locator(".vote-results")).to_have_count(0)
    nojs.reload()
    expect(nojs.locator(".vote-results")).to_have_count(0)

    # Revealed: labelled bars with the right numbers on the screen and the phones.
    fac.locator("form[data-action=reveal] button").click()
    expect(screen.locator("#results .result-group")).to_have_count(2)
    for statement in STATEMENTS:
        group = screen.locator("#results .result-group", has_text=statement)
        labels = group.locator(".bar-label")
        expect(labels).to_have_count(3)
        expect(labels.nth(0)).to_contain_text("50 % (1)")  # agree
        expect(labels.nth(1)).to_contain_text("50 % (1)")  # disagree
        expect(labels.nth(2)).to_contain_text("0 % (0)")   # pass
        expect(labels.nth(0).locator("span").first).not_to_be_empty()
    expect(screen.locator("#results .results-hidden")).to_have_count(0)
    check_staff_page(screen, "fi")
    shot(screen, "vote-screen-stance-revealed")
    expect(phone.locator(".vote-results .result-group")).to_have_count(2)
    check_phone_page(phone, "vote-07-stance-revealed-fi", "fi")
    nojs.reload()
    expect(nojs.locator(".vote-results .result-group")).to_have_count(2)
    check_phone_page(nojs, "vote-08-stance-revealed-fi-nojs", "fi")
    expect(fac.locator("form[data-action=reveal] button")).to_have_attribute("aria-pressed", "true")
