"""A salon (salonki) in a real browser: the pre-reading before the event, a talk with phones
down, questions to the speakers with upvotes, table conversations noted by a table host,
"one thing I take with me", a quick poll, and the report's salon section. Phones: Finnish
with JavaScript, Swedish, and Finnish with JavaScript off. axe-core checks every page.
"""
from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.e2e.helpers import (
    axe_check,
    check_phone_page,
    check_staff_page,
    join,
    move_to_step,
    shot,
    wait_until_answered,
)


def test_salon_from_pre_reading_to_the_report(server, facilitator, new_desktop, new_phone):
    fac = facilitator
    fac.click("a[href$='/console/new']")
    fac.fill("#title", "Salonki: arki ilman autoa")
    fac.check("#method-salonki")
    fac.click("#create-dialogue")
    fac.wait_for_url(re.compile(r"/console/d/\d+/prepare"))
    fac.click("#nav-helpers")
    fac.select_option("#h-kind", "table_host")
    fac.fill("#h-label", "Pöydän vetäjä")
    fac.fill("#h-table", "1")
    fac.click("#helper-create")
    host_url = fac.locator("input[id^=helper-url-]").first.input_value()
    fac.click("#nav-run")
    fac.click("#state-open")  # the pre-reading can be read before the event
    expect(fac.locator(".state-badge")).to_have_class(re.compile("state-open"))
    code = fac.inner_text(".join-line strong").strip()
    join_url = f"{server.url}/j/{code}"

    fi, sv, nojs = new_phone("fi"), new_phone("sv"), new_phone("fi", js=False)
    join(fi, join_url)
    join(sv, join_url + "?lang=sv")
    join(nojs, join_url)
    expect(fi.locator("#step-title")).to_have_text("Luettavaa ennen salonkia")
    check_phone_page(fi, "sa-01-pre-reading-fi", "fi")
    check_phone_page(sv, "sa-01-pre-reading-sv", "sv")
    check_phone_page(nojs, "sa-01-pre-reading-fi-nojs", "fi")

    screen = new_desktop()
    screen.goto(server.url + fac.get_attribute("#open-screen", "href"))

    # -- the talk: phones down -----------------------------------------------------
    move_to_step(fac, "Alustus")
    expect(fi.locator(".calm")).to_be_visible()
    expect(fi.locator("form[data-action=speak]")).to_have_count(0)  # a talk has no queue to speak
    check_phone_page(fi, "sa-02-talk-fi", "fi")

    # -- questions to the speakers ----------------------------------------------------
    move_to_step(fac, "Kysymykset puhujille")
    fi.fill("textarea[name=text]", "Paljonko kutsutaksi maksaa?")
    fi.locator("form[data-action=ask] button[type=submit]").click()
    expect(fi.locator(".questions")).to_contain_text("Paljonko kutsutaksi maksaa?")
    sv.reload()
    sv.locator(".questions button[aria-pressed=false]").first.click()
    expect(sv.locator(".questions button[aria-pressed=true]")).to_have_count(1)
    check_phone_page(sv, "sa-03-questions-sv", "sv")
    nojs.reload()
    nojs.locator("form[data-action=not_understood] button").click()
    expect(nojs.locator("form[data-action=not_understood] button")).to_have_attribute("aria-pressed", "true")
    check_phone_page(nojs, "sa-03-questions-fi-nojs", "fi")
    expect(screen.locator("#results")).to_contain_text("Paljonko kutsutaksi maksaa?")
    check_staff_page(screen, "fi")

    # -- table conversations: the table host's notes ------------------------------------
    move_to_step(fac, "Pöytäkeskustelut")
    expect(fi.locator(".calm")).to_be_visible()
    host = new_phone("fi")
    host.goto(host_url)
    check_staff_page(host, "fi")
    host.fill("#note-text", "Kylällä ei ole iltaisin kyytejä.")
    host.locator("form[data-action=note] button[type=submit]").click()
    expect(host.locator("#note-text")).to_have_value("")
    wait_until_answered(host)
    fac.reload()
    expect(fac.locator(".notes-feed")).to_contain_text("Kylällä ei ole iltaisin kyytejä.")
    check_staff_page(fac, "fi")
    shot(fac, "sa-console-table-notes")

    # -- one thing I take with me ---------------------------------------------------------
    move_to_step(fac, "Yksi asia, jonka otan mukaani")
    fi.fill("textarea", "Kimppakyydit kannattaa kysyä naapureilta.")
    fi.locator("form[data-action=contribute] button[type=submit]").click()
    expect(fi.locator(".mine li")).to_have_count(1)
    check_phone_page(fi, "sa-04-take-away-fi", "fi")
    expect(screen.locator("#wall li", has_text="Kimppakyydit")).to_have_count(1)

    # -- the quick poll: the facilitator writes the options live ------------------------------
    move_to_step(fac, "Pikakysely")
    fac.locator("details.staff-block summary").first.click()
    form = fac.locator("form[data-action=add_item]")
    for option in ("Kyllä", "Ei"):
        form.locator("input[name=text]").fill(option)
        expect(form).not_to_have_attribute("data-busy", "1")  # one send per tap: the last one is done
        form.locator("button[type=submit]").click()
        # the live results redraw with the new option once it is saved
        expect(fac.locator("[data-voting-live]")).to_contain_text(option)
    fi.reload()
    expect(fi.locator(".choice")).to_have_count(2)
    fi.locator("label", has_text=re.compile("^Kyllä$")).click()
    fi.locator("form[data-action=poll_vote] button[type=submit]").click()
    expect(fi.locator(".done")).to_be_visible()
    check_phone_page(fi, "sa-05-poll-fi", "fi")

    # -- the report's salon section -------------------------------------------------------
    fac.click("#nav-report")
    section = fac.locator("#r-method").locator("xpath=..")
    expect(section).to_contain_text("Paljonko kutsutaksi maksaa?")
    expect(section).to_contain_text("Kylällä ei ole iltaisin kyytejä.")
    expect(section).to_contain_text("Kimppakyydit kannattaa kysyä naapureilta.")
    expect(section).to_contain_text("Kyllä")
    check_staff_page(fac, "fi")
    shot(fac, "sa-report")
    axe_check(screen)
