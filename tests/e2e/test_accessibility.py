"""Every page, in Finnish, Swedish and English, on a phone and on a desktop.

axe-core finds no WCAG 2.1 A/AA violation; nothing scrolls sideways at 320 px or at 200 %
zoom; participant pages have 44 px targets and 18 px text; larger text is remembered;
animations stop for reduced motion; the keyboard reaches everything with a visible focus;
and the first participant page stays within 60 KB compressed, all from Osuva itself.
"""
from __future__ import annotations

import gzip
import re

import pytest
from playwright.sync_api import Page, expect

from dialogue.config import LANGUAGES as LANGS
from tests.e2e.helpers import (
    DESKTOP,
    NARROW,
    PHONE,
    ZOOM_200,
    assert_focus_visible,
    assert_keyboard_reaches_everything,
    assert_language,
    assert_no_horizontal_scroll,
    axe_check,
    check_phone_page,
    shot,
)

BUDGET = 60 * 1024


@pytest.fixture(scope="module")
def world(server):
    """A running dialogue made from the command line (the flows test the console's own way)."""
    return server.new_dialogue(method="ideakierros")


def check_everywhere(page: Page, lang: str, name: str | None, phone_rules: bool) -> None:
    """The page at phone size (full checks), 320 px, desktop and 200 % zoom."""
    page.set_viewport_size(PHONE)
    if phone_rules:
        check_phone_page(page, name, lang)
    else:
        axe_check(page)
        assert_language(page, lang)
        assert_no_horizontal_scroll(page)
        if name:
            shot(page, name)
    page.set_viewport_size(NARROW)
    assert_no_horizontal_scroll(page)
    page.set_viewport_size(DESKTOP)
    axe_check(page)
    page.set_viewport_size(ZOOM_200)
    assert_no_horizontal_scroll(page)
    page.set_viewport_size(PHONE)


@pytest.mark.parametrize("lang", LANGS)
def test_participant_pages(server, world, new_phone, lang):
    phone = new_phone(lang)
    phone.goto(f"{server.url}/?lang={lang}")
    check_everywhere(phone, lang, f"home-{lang}", phone_rules=True)
    # A wrong code: the error is announced and tied to the field.
    phone.fill("#code", "XXXXXX")
    phone.click("main form button[type=submit]")
    expect(phone.locator("[role=alert]")).to_be_visible()
    assert phone.get_attribute("#code", "aria-invalid") == "true"
    check_everywhere(phone, lang, f"home-wrong-code-{lang}", phone_rules=True)
    phone.goto(world["join_url"])
    check_everywhere(phone, lang, f"join-{lang}", phone_rules=True)
    phone.click("main form button[type=submit]")
    expect(phone.locator("#step-title")).to_be_visible()
    check_everywhere(phone, lang, f"step-{lang}", phone_rules=True)
    assert_keyboard_reaches_everything(phone)
    phone.click("footer a[href^='/saavutettavuus']")
    check_everywhere(phone, lang, f"accessibility-statement-{lang}", phone_rules=True)
    phone.goto(f"{server.url}/no-such-page")
    check_everywhere(phone, lang, f"not-found-{lang}", phone_rules=True)
    phone.goto(f"{server.url}/login")
    check_everywhere(phone, lang, f"login-{lang}", phone_rules=True)


def console_pages(facilitator: Page, server, dialogue_id: int) -> list[str]:
    """The console's pages for one dialogue: its own navigation, plus the lists."""
    facilitator.goto(f"{server.url}/console/d/{dialogue_id}")
    nav = facilitator.eval_on_selector_all(".dialogue-nav a[href]", "els => els.map(a => a.getAttribute('href'))")
    return ["/console/", "/console/new", *nav]


@pytest.mark.parametrize("lang", LANGS)
def test_console_and_screen_pages(server, world, facilitator, new_desktop, lang):
    facilitator.goto(f"{server.url}/console/?lang={lang}")
    for path in console_pages(facilitator, server, world["id"]):
        facilitator.goto(server.url + path)
        check_everywhere(facilitator, lang, None, phone_rules=False)
        assert_keyboard_reaches_everything(facilitator)
    screen = new_desktop()
    screen.goto(f"{world['screen_url']}?lang={lang}")
    check_everywhere(screen, lang, f"screen-{lang}", phone_rules=False)


def test_larger_text_is_remembered_without_javascript(server, world, new_phone):
    phone = new_phone("fi", js=False)
    phone.goto(world["join_url"])
    normal = phone.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    big = re.compile(r"\bbig-text\b")
    phone.click("footer form button")
    expect(phone.locator("body")).to_have_class(big)
    larger = phone.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    assert larger >= normal * 1.2
    phone.click("main form button[type=submit]")  # take part: a new page, still larger
    expect(phone.locator("#step-title")).to_be_visible()
    expect(phone.locator("body")).to_have_class(big)
    check_phone_page(phone, "step-larger-text-fi", "fi")
    phone.click("footer form button")
    expect(phone.locator("body")).not_to_have_class(big)
    assert phone.evaluate("parseFloat(getComputedStyle(document.body).fontSize)") == normal


def test_keyboard_skip_link_and_focus(server, world, new_phone):
    phone = new_phone("en")
    phone.goto(world["join_url"] + "?lang=en")
    phone.keyboard.press("Tab")
    assert phone.evaluate("document.activeElement.className") == "skip"
    assert_focus_visible(phone)
    assert phone.evaluate("document.activeElement.getBoundingClientRect().top >= 0")
    phone.keyboard.press("Enter")
    assert phone.evaluate("document.activeElement.id") == "main"
    phone.keyboard.press("Tab")
    assert phone.evaluate("document.activeElement.closest('main') !== null")
    assert_focus_visible(phone)
    phone.keyboard.press("Enter")  # "Take part" by keyboard
    expect(phone.locator("#step-title")).to_be_visible()


def test_reduced_motion_stops_animations(server, world, new_phone):
    phone = new_phone("fi")
    phone.emulate_media(reduced_motion="reduce")
    phone.goto(world["join_url"])
    phone.click("main form button[type=submit]")
    expect(phone.locator("#step-title")).to_be_visible()
    moving = phone.evaluate("""() => [...document.querySelectorAll('*')].filter(el => {
        const s = getComputedStyle(el);
        return s.animationName !== 'none' && parseFloat(s.animationDuration) > 0.01
            || parseFloat(s.transitionDuration) > 0.01; }).map(el => el.tagName + '.' + el.className)""")
    assert moving == [], moving
    assert phone.evaluate("document.getAnimations().length") == 0


def _first_load(context, url: str) -> dict[str, int]:
    """Load `url` in `context` with an empty cache; the gzip size of each HTML, CSS and JS file."""
    page = context.new_page()
    loaded = []
    page.on("response", lambda response: loaded.append(response))
    page.goto(url, wait_until="networkidle")
    return {r.url: len(gzip.compress(r.body(), 9)) for r in loaded
            if r.status < 300 and r.request.resource_type in ("document", "stylesheet", "script")}


def test_first_participant_pages_fit_a_slow_phone_network(server, world, new_phone):
    """The QR link's page and the step page each load at most 60 KB compressed."""
    phone = new_phone("fi")
    join = _first_load(phone.context, world["join_url"])
    assert sum(join.values()) <= BUDGET, join
    phone.goto(world["join_url"])
    phone.click("main form button[type=submit]")
    expect(phone.locator("#step-title")).to_be_visible()
    # The same cookie in a new context, so nothing is cached: the step page as a first load.
    fresh = phone.context.browser.new_context(viewport=PHONE, storage_state=phone.context.storage_state())
    try:
        step = _first_load(fresh, phone.url)
    finally:
        fresh.close()
    assert any(url.endswith(".js") for url in step), step  # the live page's scripts are counted
    assert sum(step.values()) <= BUDGET, step


def test_static_files_are_served_compressed(server, new_phone):
    """What the budget counts is what the phone downloads: CSS and JS go out gzipped."""
    phone = new_phone("fi")
    for path in ("/static/css/osuva.css", "/static/vendor/socket.io.min.js"):
        response = phone.request.get(server.url + path, headers={"Accept-Encoding": "gzip"})
        assert response.ok
        assert response.headers.get("content-encoding") == "gzip", (path, response.headers)


@pytest.fixture(scope="module")
def links():
    """Secret links made once per module through the console (results page, helper link)."""
    return {}


def _make_links(facilitator: Page, server, dialogue_id: int, links: dict) -> None:
    if links:
        return
    facilitator.goto(f"{server.url}/console/d/{dialogue_id}/publish")
    facilitator.check("#pub-public")
    facilitator.locator("main form button.primary").click()
    links["results"] = facilitator.get_attribute("a.result-link", "href")
    facilitator.goto(f"{server.url}/console/d/{dialogue_id}/helpers")
    facilitator.fill("#h-label", "Kirjuri")
    facilitator.click("#helper-create")
    links["helper"] = facilitator.input_value("input[id^=helper-url-]")


@pytest.mark.parametrize("lang", LANGS)
def test_editor_report_results_and_helper_pages(server, world, facilitator, new_phone, links, lang):
    _make_links(facilitator, server, world["id"], links)
    facilitator.goto(f"{server.url}/console/d/{world['id']}/prepare?lang={lang}")
    edit = facilitator.get_attribute("a[href*='/steps/']:not([href$='/preview'])", "href")
    preview = facilitator.get_attribute("a[href$='/preview']", "href")
    for path in (edit, preview, f"/console/d/{world['id']}/report", f"/console/d/{world['id']}/publish",
                 "/console/project"):
        facilitator.goto(server.url + path)
        check_everywhere(facilitator, lang, None, phone_rules=False)
    # Pages people open on their phones: the published results, their list, a helper's page.
    phone = new_phone(lang)
    phone.goto(f"{server.url}/r/?lang={lang}")
    check_everywhere(phone, lang, f"results-list-{lang}", phone_rules=True)
    phone.goto(links["results"])
    check_everywhere(phone, lang, f"results-{lang}", phone_rules=True)
    phone.goto(links["helper"])
    check_everywhere(phone, lang, f"helper-{lang}", phone_rules=True)
