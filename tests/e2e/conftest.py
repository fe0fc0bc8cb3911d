"""Real-browser fixtures: the system Chromium through Playwright, a live Osuva per module.

One browser for the whole run and one server (python app.py, as the README starts it) per
test module keep the suite fast; each phone, the facilitator and the screen get a browser
context of their own (own cookies, like separate devices). A method's flow goes in its own
module, test_<method>_flow.py, using these fixtures and tests/e2e/helpers.py.
"""
from __future__ import annotations

import shutil

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

from tests.e2e.helpers import DESKTOP, NO_JS_CONTEXTS, PHONE
from tests.support.live import LiveServer

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]
FACILITATOR = ("ohjaaja@example.fi", "salasana123")


@pytest.fixture(scope="session")
def browser() -> Browser:
    """Headless system Chromium (Playwright's own browser download is not used)."""
    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    assert executable, "Chromium is missing: apt-get install chromium (.ci/run does it)"
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> LiveServer:
    """A live server of this module's own, with a facilitator account."""
    live = LiveServer(tmp_path_factory.mktemp("e2e")).start()
    live.cli("create-facilitator", FACILITATOR[0], "--password", FACILITATOR[1])
    yield live
    live.stop()


class Watch:
    """What the pages of a test did wrong: script errors, CSP refusals, requests elsewhere."""

    def __init__(self, origin: str):
        self.origin = origin
        self.problems: list[str] = []

    def attach(self, context: BrowserContext) -> None:
        context.on("request", self._request)
        context.on("response", self._response)
        context.on("page", self._page)

    def _page(self, page: Page) -> None:
        page.on("console", lambda msg: self._console(page, msg))
        page.on("pageerror", lambda exc: self.problems.append(f"script error on {page.url}: {exc}"))

    def _console(self, page: Page, msg) -> None:
        # A page that is itself an error (404, 400) logs its status; tests ask for those.
        # A failing stylesheet, script or image is caught by _response instead.
        if msg.type == "error" and not msg.text.startswith("Failed to load resource"):
            self.problems.append(f"console error on {page.url}: {msg.text}")

    def _response(self, response) -> None:
        if response.status >= 400 and response.request.resource_type != "document":
            self.problems.append(f"{response.status} for {response.request.resource_type} {response.url}")

    def _request(self, request) -> None:
        url = request.url
        if not (url.startswith(self.origin + "/") or url.startswith(("data:", "about:", "blob:"))):
            self.problems.append(f"request to another host: {url}")


@pytest.fixture
def contexts(browser, server):
    """Browser contexts made by a test; closed after it, failing on anything their pages did wrong.

    No page may log a script error or a Content-Security-Policy refusal, and no page may
    ask any host but Osuva's own for anything (no CDN, no fonts, no analytics).
    """
    made: list[BrowserContext] = []
    watch = Watch(server.url)
    yield made, watch
    for context in made:
        NO_JS_CONTEXTS.discard(id(context))
        context.close()
    assert not watch.problems, "\n".join(watch.problems[:20])


@pytest.fixture
def new_phone(browser, contexts):
    """new_phone(lang="fi", js=True): a 360 x 640 touch phone of its own, as a new page.

    `lang` only sets the browser's locale; the test chooses Osuva's language the way a
    person does (the language links in the header, or ?lang= on the address).
    """
    def make(lang: str = "fi", js: bool = True, viewport: dict | None = None) -> Page:
        context = browser.new_context(viewport=viewport or PHONE, is_mobile=True, has_touch=True,
                                      java_script_enabled=js, locale={"fi": "fi-FI", "sv": "sv-FI"}.get(lang, "en-GB"))
        context.set_default_timeout(10_000)
        contexts[0].append(context)
        contexts[1].attach(context)
        if not js:
            NO_JS_CONTEXTS.add(id(context))
        return context.new_page()
    return make


@pytest.fixture
def new_desktop(browser, contexts):
    """new_desktop(viewport=DESKTOP): a laptop browser (facilitator, projector)."""
    def make(viewport: dict | None = None) -> Page:
        context = browser.new_context(viewport=viewport or DESKTOP)
        context.set_default_timeout(10_000)
        contexts[0].append(context)
        contexts[1].attach(context)
        return context.new_page()
    return make


@pytest.fixture
def facilitator(server, new_desktop) -> Page:
    """A laptop logged in to the console as the module's facilitator."""
    page = new_desktop()
    page.goto(server.url + "/login")
    page.fill("#email", FACILITATOR[0])
    page.fill("#password", FACILITATOR[1])
    page.click("main button[type=submit]")
    page.wait_for_url("**/console/")
    return page
