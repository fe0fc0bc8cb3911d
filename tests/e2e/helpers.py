"""What every real-browser test checks on the pages it visits.

`axe_check(page)`: axe-core (WCAG 2.1 A and AA rules) finds no violations.
`shot(page, name)`: a full-page screenshot into test-artifacts/screenshots/ (gitignored).
`check_phone_page(page, name)`: everything a participant page must hold at phone size
(axe, no horizontal scroll, 44 px targets, 18 px text, translated, screenshot).
`check_staff_page(page, name)`: the same for console and screen pages (no phone-only rules).
`join(phone, url)` and `move_to_step(fac, title)`: the steps every method flow takes.

axe is injected with `page.evaluate`, which the page's Content-Security-Policy does not
govern, so the CSP stays exactly as served. A page whose context has JavaScript off cannot
run axe (its timers never fire): its rendered HTML is checked in a JavaScript-on copy
whose own scripts are blocked, so it is the same DOM the no-JavaScript phone shows.
"""
from __future__ import annotations

import functools
import re
from pathlib import Path

from babel.messages.pofile import read_po
from playwright.sync_api import Page, expect

ROOT = Path(__file__).resolve().parents[2]
AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
TRANSLATIONS = ROOT / "dialogue" / "translations"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
TAKE_PART = "main form button[type=submit]"  # the join page's one button
PHONE = {"width": 360, "height": 640}
NARROW = {"width": 320, "height": 640}
DESKTOP = {"width": 1280, "height": 800}
ZOOM_200 = {"width": 640, "height": 400}  # a 1280 x 800 window at 200 % zoom
MIN_TARGET = 44
MIN_TEXT = 18
# Secondary text that may be a little smaller than the 18 px base: hints, labels above a
# title, captions and the small print at the foot of a report.
FINE_PRINT = ".hint, .quiet, .step-kind, .small-text, .report-kicker, .report-foot, figcaption, .note"

# Contexts made with JavaScript off (new_phone(js=False)); axe_check needs to know.
NO_JS_CONTEXTS: "set[int]" = set()


@functools.lru_cache(maxsize=1)
def _axe_source() -> str:
    return AXE.read_text(encoding="utf-8")


def _format(violations: list) -> str:
    lines = []
    for v in violations:
        lines.append(f"- {v['id']} ({v['impact']}): {v['help']}")
        for node in v["nodes"][:5]:
            lines.append(f"    {node['target']}: {node['html'][:160]}")
            if node.get("failureSummary"):
                lines.append("      " + node["failureSummary"].replace("\n", " ")[:300])
    return "\n".join(lines)


def _run_axe(page: Page) -> list:
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(_axe_source())
    return page.evaluate(
        "async (tags) => (await axe.run(document, {runOnly: {type: 'tag', values: tags},"
        " resultTypes: ['violations']})).violations", AXE_TAGS)


def _static_copy(page: Page) -> Page:
    """A JavaScript-on page showing `page`'s current DOM, with the site's own scripts blocked."""
    html = page.content()
    url = page.url
    context = page.context.browser.new_context(viewport=page.viewport_size,
                                               storage_state=page.context.storage_state())

    def route(request_route):
        request = request_route.request
        if request.url == url and request.resource_type == "document":
            request_route.fulfill(status=200, body=html, content_type="text/html; charset=utf-8")
        elif request.resource_type == "script":
            request_route.abort()
        else:
            request_route.continue_()

    context.route("**/*", route)
    copy = context.new_page()
    copy.goto(url)
    return copy


def axe_check(page: Page) -> None:
    """Fail with a readable list if axe-core finds WCAG 2.1 A/AA violations on the page."""
    if id(page.context) in NO_JS_CONTEXTS:
        copy = _static_copy(page)
        try:
            violations = _run_axe(copy)
        finally:
            copy.context.close()
    else:
        violations = _run_axe(page)
    assert not violations, f"axe-core on {page.url}:\n{_format(violations)}"


def shot(page: Page, name: str) -> Path:
    """Save a full-page screenshot as test-artifacts/screenshots/NAME.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{re.sub(r'[^A-Za-z0-9_.-]+', '-', name)}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def assert_no_horizontal_scroll(page: Page) -> None:
    """The page fits its width: nothing makes the reader scroll sideways."""
    overflow = page.evaluate("""() => {
        const width = document.documentElement.clientWidth;
        // Inside a box that scrolls (or clips) by itself, e.g. a wide data table, is fine:
        // WCAG 1.4.10 lets two-dimensional content scroll, as long as the page does not.
        const inScroller = el => { for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
            if (['auto', 'scroll', 'hidden', 'clip'].includes(getComputedStyle(a).overflowX)) return true; } return false; };
        const wide = [...document.querySelectorAll('body *')].filter(el => {
            const r = el.getBoundingClientRect();
            return r.width > 0 && r.right > width + 1 && getComputedStyle(el).position !== 'fixed'
                   && !el.closest('.visually-hidden, .skip') && !inScroller(el);
        }).map(el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + '.' + el.className);
        return {scroll: document.documentElement.scrollWidth, width, wide: wide.slice(0, 5)};
    }""")
    assert overflow["scroll"] <= overflow["width"] and not overflow["wide"], \
        f"horizontal scroll on {page.url}: {overflow}"


SMALL_TARGETS_JS = """(min) => {
    const visible = el => { const r = el.getBoundingClientRect(); const s = getComputedStyle(el);
        return r.width > 0 && r.height > 0 && s.visibility !== 'hidden'; };
    // A link inside a sentence is exempt (WCAG 2.5.5's inline exception).
    const inline = el => { if (el.tagName !== 'A') return false;
        const block = el.parentElement.closest('p, li, td, dd');
        return block && block.textContent.trim().length > el.textContent.trim().length + 3
            && !el.closest('nav, footer, .button-row'); };
    const box = el => {
        if (el.matches('input[type=radio], input[type=checkbox]')) {
            // The label is part of the target: a tap on it checks the box.
            const label = el.closest('label') || (el.id && document.querySelector(`label[for="${el.id}"]`));
            const row = label && (label.contains(el) ? label : label.parentElement.contains(el) ? label.parentElement : null);
            if (row) return row.getBoundingClientRect();
        }
        return el.getBoundingClientRect(); };
    return [...document.querySelectorAll('a[href], button, input:not([type=hidden]), select, textarea, summary')]
        .filter(el => visible(el) && !inline(el) && !el.closest('.skip'))
        .map(el => ({el, r: box(el)}))
        .filter(({r}) => r.width < min - 0.5 || r.height < min - 0.5)
        .map(({el, r}) => `${el.outerHTML.slice(0, 100)} ${Math.round(r.width)}x${Math.round(r.height)}`);
}"""


def assert_touch_targets(page: Page) -> None:
    """Every control a finger uses is at least 44 x 44 CSS px."""
    small = page.evaluate(SMALL_TARGETS_JS, MIN_TARGET)
    assert not small, f"targets under {MIN_TARGET} px on {page.url}:\n" + "\n".join(small)


def assert_text_size(page: Page) -> None:
    """Base text is at least 18 px (hints and fine print may be a little smaller)."""
    small = page.evaluate("""([min, FINE_PRINT]) => {
        const body = parseFloat(getComputedStyle(document.body).fontSize);
        const texts = [...document.querySelectorAll('main p, main li, main label, main button, main textarea, main input')]
            .filter(el => !el.closest(FINE_PRINT) && el.getBoundingClientRect().height > 0)
            .filter(el => parseFloat(getComputedStyle(el).fontSize) < min - 0.01)
            .map(el => el.outerHTML.slice(0, 80) + ' ' + getComputedStyle(el).fontSize);
        return body < min ? ['body ' + body + 'px', ...texts] : texts;
    }""", [MIN_TEXT, FINE_PRINT])
    assert not small, f"text under {MIN_TEXT} px on {page.url}: {small[:5]}"


@functools.lru_cache(maxsize=None)
def _english_only(lang: str) -> tuple[str, ...]:
    """English msgids whose `lang` translation differs: seeing one on a `lang` page is a miss."""
    path = TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as f:
        catalog = read_po(f, locale=lang)
    out = []
    for m in catalog:
        if not m.id or isinstance(m.id, tuple) or "%" in m.id:
            continue
        # Short ids ("Code", "OK") could be part of any text; sentences cannot.
        if len(m.id) >= 12 and " " in m.id and m.string and m.string != m.id:
            out.append(m.id)
    return tuple(out)


def assert_language(page: Page, lang: str) -> None:
    """The page says it is in `lang`, and no English UI sentence shows through untranslated."""
    assert page.evaluate("document.documentElement.lang") == lang, page.url
    if lang == "en":
        return
    shown = page.evaluate("""() => {
        const parts = [document.body.innerText, document.title];
        document.querySelectorAll('[aria-label], [alt], [title], [placeholder]').forEach(el => {
            for (const a of ['aria-label', 'alt', 'title', 'placeholder']) { if (el.hasAttribute(a)) parts.push(el.getAttribute(a)); }
        });
        for (const a of document.body.attributes) { if (a.name.startsWith('data-')) parts.push(a.value); }
        return parts.join('\\n');
    }""")
    leaks = [msgid for msgid in _english_only(lang) if msgid in shown]
    assert not leaks, f"untranslated on the {lang} page {page.url}: {leaks[:5]}"


def assert_focus_visible(page: Page) -> None:
    """The element that has the focus shows it (an outline or a focus shadow)."""
    style = page.evaluate("""() => { const el = document.activeElement; const s = getComputedStyle(el);
        return {tag: el.tagName, outline: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0,
                shadow: s.boxShadow !== 'none'}; }""")
    assert style["tag"] != "BODY", f"nothing has the focus on {page.url}"
    assert style["outline"] or style["shadow"], f"focus not visible on {page.url}: {style}"


def assert_keyboard_reaches_everything(page: Page, limit: int = 200) -> None:
    """Tab from the top visits every visible control, each with a visible focus, and no trap."""
    page.evaluate("""() => { document.activeElement && document.activeElement.blur();
        document.querySelectorAll('[data-tab-seen]').forEach(el => el.removeAttribute('data-tab-seen')); }""")
    expected = page.evaluate("""() => [...document.querySelectorAll(
            'a[href], button, input:not([type=hidden]), select, textarea, summary, [tabindex]:not([tabindex="-1"])')]
        // checkVisibility: not hidden, not inside a closed <details> or other skipped content.
        .filter(el => !el.disabled && el.checkVisibility({visibilityProperty: true})
                 && !(el.type === 'radio' && !el.checked && document.querySelector(
                      `input[type=radio][name="${el.name}"]:checked`)))
        .map(el => el.outerHTML.slice(0, 90))""")
    seen = 0
    for _ in range(limit):
        page.keyboard.press("Tab")
        state = page.evaluate("""() => { const el = document.activeElement;
            if (!el || el === document.body) return 'body';
            if (el === window.__lastTab) return 'same';  // a date field's day, month, year
            window.__lastTab = el;
            if (el.hasAttribute('data-tab-seen')) return 'again';
            el.setAttribute('data-tab-seen', ''); return 'new'; }""")
        if state == "same":
            continue
        if state != "new":
            break
        assert_focus_visible(page)
        seen += 1
    else:
        raise AssertionError(f"Tab never left the page on {page.url}: a keyboard trap?")
    missed = page.evaluate("""(all) => all.filter(html => ![...document.querySelectorAll('[data-tab-seen]')]
        .some(el => el.outerHTML.replace(' data-tab-seen=""', '').slice(0, 90) === html))""", expected)
    assert seen >= len(expected), f"Tab reached {seen} of {len(expected)} controls on {page.url}; missed: {missed}"


def check_phone_page(page: Page, name: str, lang: str) -> None:
    """Everything a participant page must hold on a phone, then a screenshot."""
    axe_check(page)
    assert_language(page, lang)
    assert_no_horizontal_scroll(page)
    assert_touch_targets(page)
    assert_text_size(page)
    shot(page, name)


def check_staff_page(page: Page, lang: str) -> None:
    """A console or screen page: axe, its language, and no sideways scrolling."""
    axe_check(page)
    assert_language(page, lang)
    assert_no_horizontal_scroll(page)


def join(phone: Page, url: str, role: str | None = None) -> None:
    """The phone opens the join link, picks `role` if given, and takes part."""
    phone.goto(url)
    if role:
        phone.select_option("#role", role)
    phone.click(TAKE_PART)
    expect(phone.locator("#step-title")).to_be_visible()


def wait_until_answered(page: Page) -> None:
    """Wait until the server has answered every write this page sent (an answer comes after
    the write's commit): the page's outbox of unanswered writes (act.js) is empty. A text box
    empties as soon as its write is handed over, which is not yet stored."""
    page.wait_for_function("""() => Object.keys(localStorage).filter(k => k.startsWith('osuva-outbox-'))
        .every(k => JSON.parse(localStorage.getItem(k) || '[]').length === 0)""")


def move_to_step(fac: Page, title: str) -> None:
    """The facilitator opens the step with exactly this title from the run view's list."""
    exact = re.compile(f"^{re.escape(title)}$")
    fac.locator(".step-button", has=fac.locator(".step-title", has_text=exact)).click()
    expect(fac.locator(".step-button[aria-current=step] .step-title")).to_have_text(exact)


# -- the facilitator's console, as a person uses it ---------------------------------------------

def new_dialogue(fac: Page, title: str, method: str) -> None:
    """Create a dialogue of `method` from the dashboard; ends on its prepare page."""
    fac.click("a[href$='/console/new']")
    fac.fill("#title", title)
    fac.check(f"#method-{method}")
    fac.click("#create-dialogue")
    fac.wait_for_url(re.compile(r"/console/d/\d+/prepare"))


def add_step(fac: Page, kind: str, title: str, **settings) -> None:
    """On the prepare page: add a step of `kind` at the end and save its title and settings
    (True/False tick a setting's box, a list fills a one-per-line field, a string a text field)."""
    before = fac.locator(".step-list > li").count()
    fac.select_option("#new-kind", kind)
    fac.click("#add-step")
    expect(fac.locator(".step-list > li")).to_have_count(before + 1)
    fac.locator(".step-list > li").last.locator("a[id^=edit-step-]").click()
    fac.wait_for_url(re.compile(r"/steps/\d+"))
    fac.fill("#title-fi", title)
    for key, value in settings.items():
        if isinstance(value, bool):
            fac.set_checked(f"#cfg-{key}", value)
        else:
            fac.fill(f"#cfg-{key}", "\n".join(value) if isinstance(value, list) else value)
    fac.click("#save-step")
    fac.wait_for_url(re.compile(r"/prepare"))


def helper_link(fac: Page, kind: str, label: str = "", table: str = "") -> str:
    """Make a helper link on the helper links page; returns its address."""
    fac.click("#nav-helpers")
    fac.select_option("#h-kind", kind)
    if label:
        fac.fill("#h-label", label)
    if table:
        fac.fill("#h-table", table)
    fac.click("#helper-create")
    return fac.locator("input[id^=helper-url-]").first.input_value()


def start(fac: Page, base_url: str) -> str:
    """Start the dialogue from the run page; returns its join address."""
    fac.click("#nav-run")
    fac.locator("#state-running").first.click()
    expect(fac.locator("#state-running")).to_have_count(0)
    return f"{base_url}/j/{fac.inner_text('.join-line strong').strip()}"
