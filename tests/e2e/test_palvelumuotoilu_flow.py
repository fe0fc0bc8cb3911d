"""A service design workshop (palvelumuotoilu) in a real browser: the service path step on a
360x640 phone with JavaScript and on one with JavaScript off. Each phone adds a pain point or
a good moment to a stage with a feeling (face, number and words); the screen shows the counts
per stage live; axe-core checks every phone page (check_phone_page).
"""
from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.e2e.helpers import (
    PHONE,
    check_phone_page,
    check_staff_page,
    join,
    move_to_step,
    new_dialogue,
    shot,
    start,
)

STAGES = ["Tiedon etsiminen", "Ensimmäinen yhteydenotto", "Odottaminen", "Tapaaminen", "Jälkiseuranta"]


def add_entry(page: Page, stage: str, kind: str, feeling: str, text: str) -> None:
    """Choose the stage, the type and the feeling by their labels, write, and send."""
    page.get_by_label(re.compile(rf"^\d\. {re.escape(stage)}$")).check()
    page.get_by_label(kind, exact=True).check()
    page.locator("label", has=page.locator(".word", has_text=re.compile(f"^{re.escape(feeling)}$"))).click()
    page.fill("textarea[name=text]", text)
    page.locator("form[data-action=journey_add] button[type=submit]").click()
    expect(page.locator(".journey-mine li", has_text=text)).to_have_count(1)


def stage_group(screen: Page, n: int, stage: str):
    return screen.locator("#results .result-group", has_text=f"{n}. {stage}")


def test_service_path_on_a_phone_with_and_without_javascript(server, facilitator, new_desktop, new_phone):
    fac = facilitator
    new_dialogue(fac, "Työnhakijan polku", "palvelumuotoilu")
    join_url = start(fac, server.url)
    screen = new_desktop()
    screen.goto(server.url + fac.get_attribute("#open-screen", "href"))

    phone, nojs = new_phone("fi", viewport=PHONE), new_phone("fi", js=False, viewport=PHONE)
    join(phone, join_url)
    join(nojs, join_url)
    check_phone_page(phone, "pm-01-persona-fi", "fi")

    move_to_step(fac, "Palvelun polku")
    expect(phone.locator("#step-title")).to_have_text("Palvelun polku")
    for n, stage in enumerate(STAGES, 1):
        expect(phone.get_by_label(f"{n}. {stage}", exact=True)).to_have_count(1)
    # Every feeling has its words beside the face.
    for word in ("Tosi huono", "Huono", "Ei hyvä eikä huono", "Hyvä", "Tosi hyvä"):
        expect(phone.locator("form[data-action=journey_add] .word", has_text=re.compile(f"^{word}$"))).to_have_count(1)
    check_phone_page(phone, "pm-02-journey-fi", "fi")

    add_entry(phone, "Odottaminen", "Kipukohta", "Tosi huono", "En tiennyt, kauanko pitää odottaa.")
    add_entry(phone, "Tapaaminen", "Hyvä hetki", "Tosi hyvä", "Minua kuunneltiin.")
    check_phone_page(phone, "pm-03-journey-added-fi", "fi")

    nojs.reload()
    expect(nojs.locator("#step-title")).to_have_text("Palvelun polku")
    check_phone_page(nojs, "pm-04-journey-fi-nojs", "fi")
    add_entry(nojs, "Odottaminen", "Kipukohta", "Huono", "Puhelimessa jonotin puoli tuntia.")
    expect(nojs.locator(".msg-ok")).to_be_visible()
    check_phone_page(nojs, "pm-05-journey-added-fi-nojs", "fi")

    # The screen: counts per stage (pain points, good moments) and the average feeling.
    waiting = stage_group(screen, 3, "Odottaminen")
    expect(waiting.locator(".bar-label").nth(0)).to_contain_text(re.compile(r"Kipukohta\s*2"))
    expect(waiting).to_contain_text("1.5 / 5")
    meeting = stage_group(screen, 4, "Tapaaminen")
    expect(meeting.locator(".bar-label").nth(1)).to_contain_text(re.compile(r"Hyvä hetki\s*1"))
    check_staff_page(screen, "fi")
    shot(screen, "pm-screen-journey")
