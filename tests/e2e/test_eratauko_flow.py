"""An Erätauko (Timeout dialogue) in a real browser: the facilitator, the projector, a scribe
on a helper link, and three phones (Finnish, English, Finnish with JavaScript off).

The flow: the ground rules are acknowledged; a private note stays private until shared;
phones go quiet during the joint dialogue and a phone asks to speak; the scribe writes
notes under the report's themes and puts up candidate themes; the group votes on them;
insights are written with the read-aloud choice and only the allowed ones are shown;
the closing answers; the report's National Dialogues section. axe-core checks every
page on the way; phone pages are screenshotted at 360 x 640.
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


def test_eratauko_with_a_scribe_and_three_phones(server, facilitator, new_desktop, new_phone):
    fac = facilitator
    fac.click("a[href$='/console/new']")
    fac.fill("#title", "Erätauko: työnhaku maaseudulla")
    fac.check("#method-eratauko")
    fac.click("#create-dialogue")
    fac.wait_for_url(re.compile(r"/console/d/\d+/prepare"))
    fac.fill("#d-topic", "Miten työnhaku sujuu, kun bussi kulkee harvoin?")
    fac.fill("#d-organiser", "Osuva-hanke")
    fac.click("#save-details")
    expect(fac.locator("#messages")).not_to_be_empty()
    # A scribe's helper link, opened on the scribe's own phone.
    fac.click("#nav-helpers")
    fac.select_option("#h-kind", "scribe")
    fac.fill("#h-label", "Kirjuri")
    fac.click("#helper-create")
    scribe_url = fac.locator("input[id^=helper-url-]").first.input_value()
    fac.click("#nav-run")
    fac.locator("#state-running").first.click()
    expect(fac.locator("#state-running")).to_have_count(0)
    code = fac.inner_text(".join-line strong").strip()
    join_url = f"{server.url}/j/{code}"
    screen = new_desktop()
    screen.goto(server.url + fac.get_attribute("#open-screen", "href"))

    fi, en, nojs = new_phone("fi"), new_phone("en"), new_phone("fi", js=False)
    join(fi, join_url)
    join(en, join_url + "?lang=en")
    join(nojs, join_url)
    expect(fi.locator("#step-title")).to_have_text("Tervetuloa")
    check_phone_page(fi, "et-01-welcome-fi", "fi")
    check_phone_page(en, "et-01-welcome-en", "en")

    # -- the ground rules ------------------------------------------------------------
    move_to_step(fac, "Yhteiset pelisäännöt")
    expect(fi.locator("#step-title")).to_have_text("Yhteiset pelisäännöt")
    check_phone_page(fi, "et-02-rules-fi", "fi")
    fi.locator("form[data-action=acknowledge] button").click()
    expect(fi.locator(".done")).to_be_visible()
    nojs.reload()
    nojs.locator("form[data-action=acknowledge] button").click()
    expect(nojs.locator(".done")).to_be_visible()
    check_phone_page(nojs, "et-02-rules-fi-nojs", "fi")

    # -- reflection: a private note, shared later ----------------------------------------
    move_to_step(fac, "Hetki omille ajatuksille")
    fi.fill("textarea", "Bussi kulkee kerran päivässä, en ehdi haastatteluun.")
    fi.locator("form[data-action=contribute] button[type=submit]").click()
    expect(fi.locator(".mine li")).to_have_count(1)
    en.fill("textarea", "I keep this one to myself.")
    en.locator("form[data-action=contribute] button[type=submit]").click()
    expect(en.locator(".mine li")).to_have_count(1)
    check_phone_page(en, "et-03-private-note-en", "en")
    expect(screen.locator("#wall li")).to_have_count(0)
    fi.locator("form[data-action=share_note] button").click()
    expect(screen.locator("#wall li", has_text="Bussi kulkee kerran päivässä")).to_have_count(1)
    expect(screen.locator("#wall li", has_text="I keep this one")).to_have_count(0)
    check_phone_page(fi, "et-03-note-shared-fi", "fi")

    # -- joint dialogue: phones down, the speak signal, the scribe's notes ---------------------
    move_to_step(fac, "Yhteinen keskustelu")
    expect(fi.locator(".calm")).to_be_visible()
    expect(screen.locator("body")).to_have_class(re.compile("phones-down"))
    expect(screen.locator("#topic")).to_have_text("Miten työnhaku sujuu, kun bussi kulkee harvoin?")
    expect(screen.locator("#wall li")).to_have_count(0)
    shot(screen, "et-screen-phones-down")
    check_staff_page(screen, "fi")
    en.locator("form[data-action=speak] button").click()
    expect(en.locator("[data-hand-up]")).to_be_visible()
    check_phone_page(en, "et-04-phones-down-hand-up-en", "en")
    expect(fac.locator("[data-speak-count]")).to_have_text("1")
    check_staff_page(fac, "fi")
    shot(fac, "et-console-speak-queue")
    nojs.reload()
    expect(nojs.locator(".calm")).to_be_visible()
    check_phone_page(nojs, "et-04-phones-down-fi-nojs", "fi")

    scribe = new_phone("fi")
    scribe.goto(scribe_url)
    check_staff_page(scribe, "fi")
    scribe.fill("#note-text", "Pelkään, että tuki loppuu, jos en pääse haastatteluun.")
    scribe.select_option("#note-theme", label="Huolet")
    scribe.locator("form[data-action=note] button[type=submit]").click()
    expect(scribe.locator("#note-text")).to_have_value("")
    for n, theme in enumerate(("Bussiyhteydet", "Yksinäisyys"), 1):
        scribe.locator("form[data-action=add_candidate] input[name=text]").fill(theme)
        scribe.locator("form[data-action=add_candidate] button[type=submit]").click()
        expect(scribe.locator("form[data-action=add_candidate] input[name=text]")).to_have_value("")
        wait_until_answered(scribe)
        scribe.reload()  # the list of candidates is drawn by the server
        expect(scribe.locator(".candidate-list li")).to_have_count(n)
    shot(scribe, "et-scribe")
    fac.locator("[data-action=speaker_done] button").click()
    expect(fac.locator("[data-speak-count]")).to_have_text("0")

    # -- choosing themes to go deeper -------------------------------------------------
    move_to_step(fac, "Mistä puhumme lisää?")
    expect(fi.locator(".vote-item")).to_have_count(2)
    fi.locator(".vote-item", has_text="Bussiyhteydet").locator("form[data-action=dot] button").first.click()
    expect(fi.locator(".vote-item", has_text="Bussiyhteydet").locator(".my-dots strong")).to_have_text("1")
    check_phone_page(fi, "et-05-theme-choice-fi", "fi")
    nojs.reload()
    nojs.locator(".vote-item", has_text="Bussiyhteydet").locator("form[data-action=dot] button").first.click()
    expect(nojs.locator(".vote-item", has_text="Bussiyhteydet").locator(".my-dots strong")).to_have_text("1")
    check_phone_page(nojs, "et-05-theme-choice-fi-nojs", "fi")
    # the room sees no totals while it votes, until the facilitator shows them
    expect(screen.locator("#results .results-hidden")).to_be_visible()
    expect(fi.locator(".vote-results")).to_have_count(0)
    fac.locator("form[data-action=reveal] button").click()
    expect(screen.locator("#results")).to_contain_text("Bussiyhteydet")

    # -- insights: read aloud or for the report only ----------------------------------------
    move_to_step(fac, "Oivallukset")
    fi.fill("textarea", "En ole ainoa, jolla on tämä ongelma.")
    # nothing is preselected: reading aloud is the writer's own choice
    expect(fi.locator("input[name=read_aloud]:checked")).to_have_count(0)
    fi.locator("label[for^=aloud-yes]").click()
    fi.locator("form[data-action=contribute] button[type=submit]").click()
    expect(fi.locator(".mine li")).to_have_count(1)
    check_phone_page(fi, "et-06-insights-fi", "fi")
    en.fill("textarea", "Only for the report, please.")
    en.locator("label[for^=aloud-no]").click()
    en.locator("form[data-action=contribute] button[type=submit]").click()
    expect(en.locator(".mine li")).to_have_count(1)
    move_to_step(fac, "Oivallusten jakaminen")
    expect(fac.locator(".read-aloud li")).to_have_count(1)
    expect(screen.locator("#results")).to_contain_text("En ole ainoa")
    expect(screen.locator("#results")).not_to_contain_text("Only for the report")
    check_staff_page(fac, "fi")
    check_phone_page(fi, "et-07-sharing-insights-fi", "fi")

    # -- closing questions ------------------------------------------------------------
    move_to_step(fac, "Missä keskustelua pitäisi jatkaa?")
    fi.fill("textarea", "Kunnanvaltuustossa, valtuutettujen kanssa.")
    fi.locator("form[data-action=contribute] button[type=submit]").click()
    expect(fi.locator(".mine li")).to_have_count(1)
    move_to_step(fac, "Miten keskustelu onnistui?")
    check_phone_page(fi, "et-08-closing-scales-fi", "fi")
    fi.locator("label[for$='-constructive-5']").click()
    fi.locator("form[data-action=give_feedback] button[type=submit]").click()
    expect(fi.locator(".done")).to_be_visible()
    nojs.reload()
    nojs.locator("label[for$='-constructive-4']").click()
    nojs.locator("form[data-action=give_feedback] button[type=submit]").click()
    expect(nojs.locator(".done")).to_be_visible()
    check_phone_page(nojs, "et-08-closing-scales-fi-nojs", "fi")

    # -- the report: the National Dialogues structure ----------------------------------------
    fac.click("#nav-report")
    section = fac.locator("#r-method").locator("xpath=..")
    expect(section).to_contain_text("Pelkään, että tuki loppuu")
    expect(section).to_contain_text("En ole ainoa, jolla on tämä ongelma.")
    expect(section).to_contain_text("Only for the report, please.")
    expect(section).to_contain_text("Kunnanvaltuustossa, valtuutettujen kanssa.")
    expect(section).not_to_contain_text("I keep this one to myself.")
    check_staff_page(fac, "fi")
    shot(fac, "et-report")
    axe_check(screen)
