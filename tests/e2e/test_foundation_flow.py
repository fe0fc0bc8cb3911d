"""The foundation's main flow in a real browser: a facilitator, a screen and four phones.

The facilitator creates a dialogue in the console and opens the screen view; phones join
by the code on the front page or by the QR link (one Finnish phone by keyboard alone, one
Finnish phone with JavaScript off, one in Swedish, one in English), answer, and their
answers appear on the screen. axe-core checks every page on the way.
"""
from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.e2e.helpers import (
    assert_focus_visible,
    axe_check,
    check_phone_page,
    check_staff_page,
    shot,
)

TAKE_PART = "main form button[type=submit]"


def move_to_step(facilitator: Page, title: str) -> None:
    """The facilitator opens a step from the run view's step list."""
    facilitator.locator(".step-button", has_text=title).click()
    expect(facilitator.locator(".step-button[aria-current=step]")).to_contain_text(title)


def answer_by_keyboard(phone: Page, text: str) -> None:
    """Tab from the top of the page to the answer box, write, Tab to Send, press Enter."""
    phone.evaluate("document.activeElement && document.activeElement.blur()")
    for _ in range(30):
        phone.keyboard.press("Tab")
        assert_focus_visible(phone)
        if phone.evaluate("document.activeElement.tagName") == "TEXTAREA":
            break
    else:
        raise AssertionError("the answer box cannot be reached with Tab")
    phone.keyboard.type(text)
    phone.keyboard.press("Tab")
    assert phone.evaluate("document.activeElement.type") == "submit"
    assert_focus_visible(phone)
    phone.keyboard.press("Enter")


def test_facilitator_screen_and_four_phones(server, facilitator, new_desktop, new_phone):
    fac = facilitator
    check_staff_page(fac, "fi")
    fac.click("a[href$='/console/new']")
    check_staff_page(fac, "fi")
    fac.fill("#title", "Kylätalon ilta")
    fac.check("#method-ideakierros")
    fac.click("main form button[type=submit]")
    # A new dialogue is a draft to prepare; the facilitator starts it and opens the run view.
    fac.wait_for_url(re.compile(r"/console/d/\d+"))
    check_staff_page(fac, "fi")
    fac.click("#nav-run")
    expect(fac.locator("#nav-run")).to_have_attribute("aria-current", "page")
    check_staff_page(fac, "fi")
    fac.locator("#state-running").first.click()
    expect(fac.locator("#state-running")).to_have_count(0)
    shot(fac, "console-run-fi")

    # The projector: a device of its own, opened by the screen link.
    screen = new_desktop()
    screen.goto(server.url + fac.get_attribute("#open-screen", "href"))
    join_url = screen.inner_text("#join-url").strip()
    code = screen.inner_text("#code").strip()
    assert join_url == f"{server.url}/j/{code}"
    assert screen.evaluate("document.querySelector('img.qr').naturalWidth") > 0
    assert join_url in screen.get_attribute("img.qr", "alt")
    check_staff_page(screen, "fi")

    # Finnish phone, JavaScript on: the front page, the code, then take part.
    fi = new_phone("fi")
    fi.goto(server.url + "/")
    check_phone_page(fi, "01-home-fi", "fi")
    fi.fill("#code", code.lower())
    fi.click(TAKE_PART)
    expect(fi.locator("h1")).to_have_text("Kylätalon ilta")
    check_phone_page(fi, "02-join-fi", "fi")
    fi.click(TAKE_PART)
    expect(fi.locator("#step-title")).to_have_text("Tervetuloa")
    check_phone_page(fi, "03-welcome-fi", "fi")

    # Swedish phone: the QR link, then the language link in the header.
    sv = new_phone("sv")
    sv.goto(join_url)
    sv.click("a[hreflang=sv]")
    expect(sv.locator("html")).to_have_attribute("lang", "sv")
    check_phone_page(sv, "02-join-sv", "sv")
    sv.click(TAKE_PART)
    expect(sv.locator("#step-title")).to_have_text("Välkommen")
    check_phone_page(sv, "03-welcome-sv", "sv")

    # English phone: the QR link with ?lang=en.
    en = new_phone("en")
    en.goto(join_url + "?lang=en")
    check_phone_page(en, "02-join-en", "en")
    en.click(TAKE_PART)
    expect(en.locator("#step-title")).to_have_text("Welcome")
    check_phone_page(en, "03-welcome-en", "en")

    # Finnish phone with JavaScript off: plain forms and links.
    nojs = new_phone("fi", js=False)
    nojs.goto(join_url)
    check_phone_page(nojs, "02-join-fi-nojs", "fi")
    nojs.click(TAKE_PART)
    expect(nojs.locator("#step-title")).to_have_text("Tervetuloa")
    check_phone_page(nojs, "03-welcome-fi-nojs", "fi")

    expect(fac.locator("#participant-count")).to_have_text("4")
    expect(screen.locator("#participants")).to_have_text("4")

    # The facilitator opens the first question. Live phones follow by themselves, the new
    # step is announced politely, and the focus stays where the person left it.
    fi.focus("a[hreflang=en]")
    move_to_step(fac, "Mikä toimii hyvin?")
    for phone, title in ((fi, "Mikä toimii hyvin?"), (sv, "Vad fungerar bra?"), (en, "What works well?")):
        expect(phone.locator("#step-title")).to_have_text(title)
        expect(phone.locator("#messages[aria-live=polite]")).to_contain_text(title)
    assert fi.evaluate("document.activeElement.getAttribute('hreflang')") == "en"
    expect(screen.locator("#step-title")).to_have_text("Mikä toimii hyvin?")
    # Without JavaScript the phone shows the new step when the page is loaded again.
    nojs.click("a.refresh")
    expect(nojs.locator("#step-title")).to_have_text("Mikä toimii hyvin?")

    check_phone_page(fi, "04-question-fi", "fi")
    check_phone_page(sv, "04-question-sv", "sv")
    check_phone_page(en, "04-question-en", "en")
    check_phone_page(nojs, "04-question-fi-nojs", "fi")

    answer_by_keyboard(fi, "Bussi kulkee kylään kahdesti päivässä.")
    expect(fi.locator(".mine")).to_contain_text("Bussi kulkee kylään kahdesti päivässä.")
    assert fi.evaluate("document.activeElement.tagName") != "BODY", "sending lost the focus"
    sv.fill("textarea", "Biblioteket har bra öppettider.")
    sv.click("form.act button[type=submit]")
    en.fill("textarea", "The job fair was useful.")
    en.click("form.act button[type=submit]")
    nojs.fill("textarea", "Kirjaston tietokoneet auttavat.")
    nojs.click("form.act button[type=submit]")
    expect(nojs.locator(".mine")).to_contain_text("Kirjaston tietokoneet auttavat.")
    expect(nojs.locator("#messages")).not_to_be_empty()
    for phone, name, lang in ((fi, "05-answered-fi", "fi"), (sv, "05-answered-sv", "sv"),
                              (en, "05-answered-en", "en"), (nojs, "05-answered-fi-nojs", "fi")):
        expect(phone.locator(".mine li")).to_have_count(1)
        check_phone_page(phone, name, lang)

    answers = ["Bussi kulkee kylään kahdesti päivässä.", "Biblioteket har bra öppettider.",
               "The job fair was useful.", "Kirjaston tietokoneet auttavat."]
    for text in answers:
        expect(screen.locator("#wall li", has_text=text)).to_have_count(1)
        expect(fac.locator("#wall li", has_text=text)).to_have_count(1)
    check_staff_page(screen, "fi")
    shot(screen, "screen-wall")
    fac.reload()
    check_staff_page(fac, "fi")

    # The last step: everyone sees the thanks.
    move_to_step(fac, "Kiitos!")
    for phone, title in ((fi, "Kiitos!"), (sv, "Tack!"), (en, "Thank you!")):
        expect(phone.locator("#step-title")).to_have_text(title)
    nojs.reload()
    expect(nojs.locator("#step-title")).to_have_text("Kiitos!")
    check_phone_page(fi, "06-thanks-fi", "fi")
    check_phone_page(nojs, "06-thanks-fi-nojs", "fi")
    expect(screen.locator("#step-title")).to_have_text("Kiitos!")
    axe_check(screen)
