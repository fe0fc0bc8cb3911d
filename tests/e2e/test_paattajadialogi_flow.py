"""A decision-maker dialogue (päättäjädialogi) in a real browser.

The facilitator makes the dialogue in the console and opens it days before the meeting;
residents join and send and upvote questions (one phone in Swedish, one with JavaScript
off); a decision-maker joins with their role. At the meeting: the rules, the residents'
experience round with phones down, the decision-makers' "I heard…" entries on the
screen, the joint dialogue with the questions by votes in the console, a commitment the
decision-maker accepts, and the residents' clarity ratings; then the report. axe-core
checks every page on the way; the phone pages are screenshotted at 360 x 640.
"""
from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.e2e.helpers import (
    TAKE_PART,
    axe_check,
    check_phone_page,
    check_staff_page,
    join,
    move_to_step,
    shot,
    wait_until_answered,
)


def send(phone: Page, button: str = "form.act button[type=submit]") -> None:
    phone.locator(button).first.click()


def test_questions_before_i_heard_commitments_and_clarity(server, facilitator, new_desktop, new_phone):
    fac = facilitator
    fac.click("a[href$='/console/new']")
    fac.fill("#title", "Päättäjät kuuntelevat Juvalla")
    fac.check("#method-paattajadialogi")
    fac.click("#create-dialogue")
    fac.wait_for_url(re.compile(r"/console/d/\d+/prepare"))
    check_staff_page(fac, "fi")
    fac.click("#nav-run")
    # Open days before the meeting: joining and the questions step work, nothing else yet.
    fac.click("#state-open")
    expect(fac.locator(".state-badge")).to_have_class(re.compile("state-open"))
    check_staff_page(fac, "fi")
    code = fac.inner_text(".join-line strong").strip()
    join_url = f"{server.url}/j/{code}"

    # -- before the meeting: residents ask and upvote --------------------------------------
    fi = new_phone("fi")
    fi.goto(join_url)
    check_phone_page(fi, "pd-01-join-fi", "fi")
    fi.select_option("#role", "resident")
    fi.click(TAKE_PART)
    expect(fi.locator("#step-title")).to_have_text("Kysymykset päättäjille")
    check_phone_page(fi, "pd-02-questions-fi", "fi")
    fi.fill("textarea[name=text]", "Miksi bussi ei kulje iltaisin Juvalle?")
    send(fi)
    expect(fi.locator(".questions")).to_contain_text("Miksi bussi ei kulje iltaisin Juvalle?")

    sv = new_phone("sv")
    join(sv, join_url + "?lang=sv", role="resident")
    expect(sv.locator("#step-title")).to_have_text("Frågor till beslutsfattarna")
    sv.locator(".questions button[aria-pressed=false]").first.click()
    expect(sv.locator(".questions button[aria-pressed=true]")).to_have_count(1)
    check_phone_page(sv, "pd-03-questions-upvoted-sv", "sv")

    nojs = new_phone("fi", js=False)
    join(nojs, join_url, role="resident")
    nojs.fill("textarea[name=text]", "Saako kuntaan oman työnhakijan neuvojan?")
    send(nojs)
    expect(nojs.locator("#messages")).not_to_be_empty()
    check_phone_page(nojs, "pd-04-questions-fi-nojs", "fi")

    dm = new_phone("fi")
    join(dm, join_url, role="decision_maker")

    # -- the meeting: the projector, the rules, the experience round with phones down --------
    screen = new_desktop()
    screen.goto(server.url + fac.get_attribute("#open-screen", "href"))
    check_staff_page(screen, "fi")
    move_to_step(fac, "Yhteiset pelisäännöt")
    expect(fac.locator(".state-badge")).to_have_class(re.compile("state-running"))
    for phone in (fi, sv, dm):
        expect(phone.locator("#step-title")).not_to_have_text(re.compile("Kysymykset|Frågor"))
    fi.locator("form[data-action=acknowledge] button").click()
    expect(fi.locator(".done")).to_be_visible()
    check_phone_page(fi, "pd-05-rules-fi", "fi")

    move_to_step(fac, "Asukkaiden kokemukset")
    expect(fi.locator(".calm")).to_be_visible()
    expect(fi.locator("textarea")).to_have_count(0)
    check_phone_page(fi, "pd-06-experiences-phones-down-fi", "fi")
    expect(screen.locator("body")).to_have_class(re.compile("phones-down"))
    expect(screen.locator("#wall li")).to_have_count(0)
    check_staff_page(screen, "fi")
    shot(screen, "pd-screen-phones-down")
    nojs.reload()
    expect(nojs.locator(".calm")).to_be_visible()
    check_phone_page(nojs, "pd-06-experiences-phones-down-fi-nojs", "fi")

    # -- "I heard…": written by the decision-maker, read by everyone ------------------------
    move_to_step(fac, "Päättäjät: kuulin, että…")
    expect(dm.locator("textarea")).to_be_visible()
    dm.fill("textarea", "Kuulin, että iltaisin ei pääse kirjastoon ilman autoa.")
    send(dm)
    expect(dm.locator(".mine")).to_contain_text("Kuulin, että iltaisin")
    check_phone_page(dm, "pd-07-i-heard-decision-maker-fi", "fi")
    expect(screen.locator("#wall li", has_text="Kuulin, että iltaisin")).to_have_count(1)
    expect(screen.locator("#wall li .badge")).to_have_count(1)
    fi.reload()
    expect(fi.locator("textarea")).to_have_count(0)
    expect(fi.locator(".wall")).to_contain_text("Kuulin, että iltaisin")
    check_phone_page(fi, "pd-08-i-heard-resident-fi", "fi")

    # -- the joint dialogue: the console lists the questions by votes -------------------------
    move_to_step(fac, "Yhteinen keskustelu")
    expect(fac.locator(".read-aloud li").first).to_contain_text("Miksi bussi ei kulje iltaisin Juvalle?")
    check_staff_page(fac, "fi")
    shot(fac, "pd-console-joint-dialogue")

    # -- commitments: written in the console, accepted by the decision-maker ------------------
    move_to_step(fac, "Lupaukset")
    fac.fill("#commit-text", "Selvitetään iltabussi Juvalta Mikkeliin")
    fac.fill("#commit-who", "Juvan kunta")
    fac.fill("#commit-due", "2027-06-30")
    fac.locator("form[data-action=add_commitment] button[type=submit]").click()
    wait_until_answered(fac)
    dm.reload()
    expect(dm.locator(".card-text")).to_have_text("Selvitetään iltabussi Juvalta Mikkeliin")
    check_phone_page(dm, "pd-09-commitment-decision-maker-fi", "fi")
    dm.locator("form[data-action=accept_commitment] button").click()
    expect(dm.locator("form[data-action=accept_commitment]")).to_have_count(0)
    expect(screen.locator("#results")).to_contain_text("Juvan kunta")
    check_staff_page(screen, "fi")

    # -- clarity: residents rate the commitment 1–5 ----------------------------------------
    move_to_step(fac, "Kuinka selkeitä lupaukset olivat?")
    expect(fi.locator(".item-text")).to_contain_text("Selvitetään iltabussi")
    expect(fi.locator("label[for$='-clarity-4']")).to_have_text(re.compile("4 Selkeä"))
    fi.locator("label[for$='-clarity-4']").click()
    fi.locator("form[data-action=rate] button[type=submit]").click()
    expect(fi.locator("input[type=radio][value='4']")).to_be_checked()
    check_phone_page(fi, "pd-10-clarity-fi", "fi")
    expect(sv.locator(".item-text")).to_contain_text("Selvitetään iltabussi")
    expect(sv.locator("label[for$='-clarity-5']")).to_have_text(re.compile("5 Mycket tydligt"))
    sv.locator("label[for$='-clarity-5']").click()
    sv.locator("form[data-action=rate] button[type=submit]").click()
    expect(sv.locator("input[type=radio][value='5']")).to_be_checked()
    check_phone_page(sv, "pd-10-clarity-sv", "sv")
    nojs.reload()
    nojs.locator("label[for$='-clarity-3']").click()
    nojs.locator("form[data-action=rate] button[type=submit]").click()
    expect(nojs.locator("input[type=radio][value='3']")).to_be_checked()
    check_phone_page(nojs, "pd-10-clarity-fi-nojs", "fi")
    check_staff_page(fac, "fi")
    # Revealed on a 1280 x 720 projector: everything fits on the screen, nothing scrolls.
    screen.set_viewport_size({"width": 1280, "height": 720})
    fac.locator("form[data-action=reveal] button").first.click()
    expect(screen.locator("#results .bar-label").first).to_be_visible()  # drawn and fitted in one go
    assert screen.evaluate("document.querySelector('main').scrollHeight") <= 720
    shot(screen, "pd-screen-clarity-revealed")

    # -- the report: questions by votes, what was heard, commitments, clarity ------------------
    fac.click("#nav-report")
    report = fac.locator("#r-method").locator("xpath=..")
    expect(report).to_contain_text("Miksi bussi ei kulje iltaisin Juvalle?")
    expect(report).to_contain_text("Kuulin, että iltaisin ei pääse kirjastoon ilman autoa.")
    expect(report).to_contain_text("Juvan kunta")
    expect(report.locator("table").last).to_contain_text("4.0")  # (4 + 5 + 3) / 3
    check_staff_page(fac, "fi")
    shot(fac, "pd-report")
    axe_check(screen)
