"""Script injection, checked in a real browser: every text anyone can write stays text.

A corpus of XSS payloads is written as contributions (by a phone in the browser and
over the socket), questions, theme names, step titles and texts, helper-link table
names and the dialogue's title. Then every page that shows them is opened in
Chromium: the phone, the projector (also while new texts arrive live), the console's
run view, its texts and helper-link pages, the step editor, the report, the published
results page and a helper's own page. On each: no script ran (each payload would set
`window.__xss` or open a dialog), no element was injected (each payload's elements
carry `data-xss`; no element has an inline event handler), and the payload itself is
readable on the page as the characters that were written. The `contexts` fixture
(tests/e2e/conftest.py) also fails the test on any script error or CSP refusal.
"""
from __future__ import annotations

import json
import uuid

from playwright.sync_api import Page, expect

from tests.support.live import facilitator_session, joined_session, socket_client

PAYLOADS = [
    '<script data-xss>window.__xss=1</script>',
    '<img src=x data-xss onerror="window.__xss=1">',
    '<svg data-xss onload="window.__xss=1"></svg>',
    '"><b data-xss>lihava</b><"',
    "'><iframe data-xss src=\"javascript:top.__xss=1\"></iframe>",
    '<a data-xss href="javascript:window.__xss=1">linkki</a>',
    '</textarea><b data-xss>ulos</b>',
    '</title></style><b data-xss>otsikko</b>',
    '<details open data-xss ontoggle="window.__xss=1">',
    '<math><mtext><table><mglyph><style><img data-xss src=x onerror=window.__xss=1>',
    '{{ 7*7 }} ${7*7} #{7*7} {% raw %}',
    'javascript:window.__xss=1',
    '<body data-xss onload=window.__xss=1>',
]

INERT = """() => ({
    ran: window.__xss !== undefined || (window.top && window.top.__xss !== undefined),
    injected: document.querySelectorAll('[data-xss]').length,
    frames: document.querySelectorAll('iframe, object, embed').length,
    handlers: [...document.querySelectorAll('*')].filter(
        e => [...e.attributes].some(a => a.name.toLowerCase().startsWith('on'))).length,
    inlineScripts: [...document.querySelectorAll('script')].filter(s => !s.src).length,
    text: document.body.innerText,
})"""


def act(client, command: str, /, **payload) -> dict:
    ack = client.call("act", (command, dict(payload, client_id=uuid.uuid4().hex)), timeout=20)
    assert ack["ok"], (command, payload, ack)
    return ack


def watch_dialogs(page: Page) -> list[str]:
    seen: list[str] = []
    page.on("dialog", lambda dialog: (seen.append(dialog.message), dialog.dismiss()))
    return seen


def assert_inert(page: Page, where: str, dialogs: list[str], shown: list[str] = ()) -> None:
    state = page.evaluate(INERT)
    assert not state["ran"], f"a script ran on {where}"
    assert not dialogs, f"a dialog opened on {where}: {dialogs}"
    assert state["injected"] == 0, f"{state['injected']} injected elements on {where}"
    assert state["frames"] == 0 and state["handlers"] == 0 and state["inlineScripts"] == 0, (where, state)
    text = " ".join(state["text"].split())
    for payload in shown:
        assert " ".join(payload.split()) in text, f"{payload!r} is not shown as text on {where}"


def test_xss_payloads_stay_plain_text_on_every_page(server, new_phone, new_desktop, facilitator):
    d = json.loads(server.cli("new-dialogue", "--method", "ideakierros", "--title", "XSS",
                              "--owner", "ohjaaja@example.fi").strip().splitlines()[-1])
    staff_http = facilitator_session(server.url)
    staff = socket_client(server.url, staff_http, "facilitator", d["id"])
    steps = staff_http.get(f"{server.url}/console/d/{d['id']}/export.json", timeout=10).json()["steps"]
    prompt_id = next(s["id"] for s in steps if s["kind"] == "prompt")
    token = d["screen_url"].rsplit("/", 1)[1]

    # Staff-written texts: the step, the dialogue's title, themes, helper links' tables.
    act(staff, "update_step", step_id=prompt_id, title_fi=PAYLOADS[1], title_sv="Rubrik", title_en="Title",
        body_fi="\n".join(PAYLOADS), cfg_wall=True, cfg_max_length=500)
    act(staff, "update_details", title=PAYLOADS[3])
    for payload in PAYLOADS:
        act(staff, "theme_create", name=payload)
    helper_urls = [act(staff, "helper_create", kind="table_host", label=payload, table=payload)["url"]
                   for payload in PAYLOADS[:4]]
    act(staff, "go_to_step", step_id=prompt_id)

    # A phone in the browser writes three of them through the page itself.
    phone = new_phone("fi")
    phone_dialogs = watch_dialogs(phone)
    phone.goto(f"{server.url}/j/{d['code']}")
    phone.click("main form button[type=submit]")
    expect(phone.locator("textarea[name=text]")).to_be_visible()
    for payload in PAYLOADS[:3]:
        phone.fill("textarea[name=text]", payload)
        phone.click("form.act button[type=submit]")
        expect(phone.locator(".mine")).to_contain_text(payload.strip())
    # Other phones write the rest over the socket.
    writer = socket_client(server.url, joined_session(server.url, d["code"]), "participant", d["id"])
    for payload in PAYLOADS[3:]:
        act(writer, "contribute", step_id=prompt_id, text=payload)
    phone.reload()
    assert_inert(phone, "the phone", phone_dialogs, shown=PAYLOADS[:3] + [PAYLOADS[1]])

    # The projector, then a new text arriving live while it is open.
    screen = new_desktop()
    screen_dialogs = watch_dialogs(screen)
    screen.goto(f"{server.url}/s/{token}")
    expect(screen.locator("body")).to_contain_text(PAYLOADS[-1].strip())
    assert_inert(screen, "the screen", screen_dialogs, shown=PAYLOADS)
    live = '<img src=x data-xss onerror="window.__xss=2"> live'
    act(writer, "contribute", step_id=prompt_id, text=live)
    expect(screen.locator("body")).to_contain_text(live)
    assert_inert(screen, "the screen after a live update", screen_dialogs, shown=[live])

    # Questions: asked, shown on the phone, the screen and the console.
    questions_id = act(staff, "add_step", kind="questions")["step_id"]
    act(staff, "update_step", step_id=questions_id, title_fi=PAYLOADS[4], title_sv="Frågor", title_en="Questions")
    act(staff, "go_to_step", step_id=questions_id)
    for payload in PAYLOADS[5:10]:
        act(writer, "ask", step_id=questions_id, text=payload)
    # Wait for the questions' cards themselves: the texts were on the wall of the step before.
    expect(screen.locator(".bars .bar-label")).to_have_count(5)
    assert_inert(screen, "the screen's questions", screen_dialogs, shown=PAYLOADS[5:10])
    phone.reload()
    assert_inert(phone, "the phone's questions", phone_dialogs, shown=PAYLOADS[5:10])

    # The console's pages.
    fac = facilitator
    fac_dialogs = watch_dialogs(fac)
    console = f"{server.url}/console/d/{d['id']}"
    for path, shown in (("", PAYLOADS[5:10]), ("/contributions", PAYLOADS), ("/helpers", PAYLOADS[:4]),
                        (f"/steps/{prompt_id}", []), ("/prepare", [PAYLOADS[3]]), ("/report", PAYLOADS[3:]),
                        ("/data", []), ("/suggestions", [])):
        fac.goto(console + path)
        assert_inert(fac, f"the console {path or 'run view'}", fac_dialogs, shown=shown)
    # The step editor shows the texts in its fields, as they were written.
    fac.goto(f"{console}/steps/{prompt_id}")
    assert fac.input_value("[name=title_fi]") == PAYLOADS[1]

    # The published results page and a helper's own page.
    pub = act(staff, "publish_results", message=PAYLOADS[0], include_contributions=True)
    reader = new_desktop()
    reader_dialogs = watch_dialogs(reader)
    reader.goto(f"{server.url}/r/{pub['token']}")
    assert_inert(reader, "the published results", reader_dialogs, shown=[PAYLOADS[0], PAYLOADS[3]])
    helper = new_phone("fi")
    helper_dialogs = watch_dialogs(helper)
    helper.goto(helper_urls[2])
    assert_inert(helper, "a helper's page", helper_dialogs, shown=[PAYLOADS[2]])
    # The join page shows the dialogue's title to anyone with the code.
    stranger = new_phone("fi")
    stranger_dialogs = watch_dialogs(stranger)
    stranger.goto(f"{server.url}/j/{d['code']}")
    assert_inert(stranger, "the join page", stranger_dialogs, shown=[PAYLOADS[3]])
    for client in (staff, writer):
        client.disconnect()
