"""A development walk without Wi-Fi (issue 17): a phone writes answers with no connection,
reloads the page while still offline, and the answers reach the server once each when the
connection returns. The page works from the service worker's copy; the answers wait in the
phone's IndexedDB outbox, listed on the page."""
from __future__ import annotations

import base64
import json

from playwright.sync_api import expect

from tests.e2e.helpers import check_phone_page, join, shot
from tests.support.phone import act, database, staff_socket

TEXTS = ("Silta on liukas sateella.", "Penkkejä puuttuu rannasta.")
PHOTO_TEXT = "Kuva sillan kaiteesta."
WRITTEN = (*TEXTS, PHOTO_TEXT)
# A 1 x 1 PNG.
PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGP4z8DwHwAFAAH/iZk9HQAAAABJRU5ErkJggg==")


def _prompt_running(server) -> dict:
    """A dialogue whose current step is an open question (a form marked data-offline)."""
    d = server.new_dialogue()
    with database(server) as conn:
        prompt_id = conn.execute("SELECT id FROM step WHERE dialogue_id = ? AND kind = 'prompt' ORDER BY position",
                                 (d["id"],)).fetchone()[0]
    staff = staff_socket(server, d)
    act(staff, "go_to_step", step_id=prompt_id)
    staff.disconnect()
    return {**d, "prompt_id": prompt_id}


def _kept_photo(page) -> dict | None:
    """The photo field of the phone's outbox, read from IndexedDB as offline.js stored it."""
    return page.evaluate("""() => new Promise((resolve, reject) => {
        const open = indexedDB.open('osuva-offline');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
            const all = open.result.transaction('outbox').objectStore('outbox').getAll();
            all.onsuccess = () => {
                const photo = all.result.flatMap(e => e.fields).find(f => f.name === 'photo');
                open.result.close();
                resolve(photo ? {size: photo.value.size, type: photo.value.type, filename: photo.filename} : null);
            };
        };
    })""")


def _stored(server, step_id: int) -> list[str]:
    with database(server) as conn:
        return [t for (t,) in conn.execute("SELECT text FROM contribution WHERE step_id = ? ORDER BY id", (step_id,))]


def test_answers_written_offline_survive_a_reload_and_are_sent_once(server, new_phone):
    d = _prompt_running(server)
    phone = new_phone("fi")
    join(phone, f"{server.url}/j/{d['code']}")
    form = phone.locator("form[data-action=contribute][data-offline]")
    expect(form).to_be_visible()
    # The service worker is installed and controls the page (a reload makes it the page's).
    phone.evaluate("navigator.serviceWorker.ready.then(() => true)")
    phone.reload()
    phone.wait_for_function("navigator.serviceWorker.controller !== null")

    phone.context.set_offline(True)
    phone.wait_for_function("navigator.onLine === false")
    for text in TEXTS:
        phone.fill("form[data-action=contribute] textarea", text)
        phone.locator("form[data-action=contribute] button[type=submit]").click()
        expect(phone.locator("#outbox-list li", has_text=text)).to_be_visible()
    # A form with a photo (as a walk's observation form has): the photo is kept as a Blob.
    phone.evaluate("""() => {
        const form = document.querySelector('form[data-action=contribute]');
        const label = document.createElement('label');
        label.htmlFor = 'photo-test'; label.textContent = 'Kuva';
        const input = document.createElement('input');
        input.type = 'file'; input.id = 'photo-test'; input.name = 'photo'; input.accept = 'image/*';
        form.insertBefore(input, form.querySelector('button[type=submit]'));
        form.insertBefore(label, input);
    }""")
    phone.set_input_files("#photo-test", files=[{"name": "IMG_1234.png", "mimeType": "image/png", "buffer": PNG}])
    phone.fill("form[data-action=contribute] textarea", PHOTO_TEXT)
    phone.locator("form[data-action=contribute] button[type=submit]").click()
    expect(phone.locator("#outbox-list li")).to_have_count(3)
    expect(phone.locator("#outbox-status")).to_have_text(
        "3 vastausta odottaa. Ne lähetetään, kun yhteys palaa.")
    expect(phone.locator("form[data-action=contribute] textarea")).to_have_value("")

    # Reloading without a connection: the service worker's copy, and nothing lost.
    phone.reload()
    expect(phone.locator("#step-title")).to_be_visible()
    expect(phone.locator("#connection")).to_be_visible()
    expect(phone.locator("#outbox-list li")).to_have_count(3)
    for n, text in enumerate(WRITTEN):
        expect(phone.locator("#outbox-list li").nth(n)).to_have_text(text)
    # The photo is still on the phone, as a Blob without its file name.
    assert _kept_photo(phone) == {"size": len(PNG), "type": "image/png", "filename": "photo"}
    assert _stored(server, d["prompt_id"]) == []
    check_phone_page(phone, "offline-01-waiting-fi", "fi")

    phone.context.set_offline(False)
    expect(phone.locator("#outbox-list li")).to_have_count(0, timeout=30_000)
    expect(phone.locator("#outbox-list")).to_be_hidden()
    expect(phone.locator("#outbox-status")).to_have_text("Kaikki odottaneet vastaukset on lähetetty.")
    # Each answer is stored once, in the order written, and the phone lists them as its own.
    assert _stored(server, d["prompt_id"]) == list(WRITTEN)
    expect(phone.locator(".mine li")).to_have_count(3)
    shot(phone, "offline-02-sent-fi")


def _tamper(page, text: str, field: str, value: str) -> None:
    """Change one field of the kept answer `text` in the phone's outbox (as time would)."""
    page.evaluate("""([text, field, value]) => new Promise((resolve, reject) => {
        const open = indexedDB.open('osuva-offline');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
            const tx = open.result.transaction('outbox', 'readwrite');
            const store = tx.objectStore('outbox');
            store.getAll().onsuccess = (event) => {
                for (const entry of event.target.result) {
                    if (!entry.fields.some(f => f.name === 'text' && f.value === text)) continue;
                    entry.fields.find(f => f.name === field).value = value;
                    store.put(entry);
                }
            };
            tx.oncomplete = () => { open.result.close(); resolve(); };
        };
    })""", [text, field, value])


def test_an_expired_token_is_renewed_and_a_refused_answer_is_shown_not_retried(server, new_phone, contexts):
    d = _prompt_running(server)
    phone = new_phone("en")
    join(phone, f"{server.url}/j/{d['code']}?lang=en")
    phone.evaluate("navigator.serviceWorker.ready.then(() => true)")
    phone.context.set_offline(True)
    phone.wait_for_function("navigator.onLine === false")
    for text in ("Token went stale", "Refused by the server"):
        phone.fill("form[data-action=contribute] textarea", text)
        phone.locator("form[data-action=contribute] button[type=submit]").click()
        expect(phone.locator("#outbox-list li", has_text=text)).to_be_visible()
    # While the phone was away its token went stale, and the step of the second answer ended.
    _tamper(phone, "Token went stale", "csrf_token", "stale-token")
    _tamper(phone, "Refused by the server", "step_id", "999999")

    phone.context.set_offline(False)
    failed = phone.locator("#outbox-list li.failed")
    expect(failed).to_have_count(1, timeout=30_000)
    expect(phone.locator("#outbox-list li")).to_have_count(1)
    expect(failed).to_contain_text("Refused by the server")
    expect(failed).to_contain_text("What went wrong: This step does not exist.")
    expect(phone.locator("#outbox-h")).to_have_text("Could not be sent")
    expect(phone.locator("#outbox-status")).to_have_text("All waiting answers have been sent.")
    assert _stored(server, d["prompt_id"]) == ["Token went stale"]
    check_phone_page(phone, "offline-03-refused-en", "en")
    # The person removes the refused answer from the list; nothing is sent again.
    failed.get_by_role("button", name="Remove from the list").click()
    expect(phone.locator("#outbox-list li")).to_have_count(0)
    phone.reload()
    expect(phone.locator("#outbox-list li")).to_have_count(0)
    assert _stored(server, d["prompt_id"]) == ["Token went stale"]
    # The two refusals on the way were meant: the stale token (400) and the ended step (422).
    watch = contexts[1]
    expected = [p for p in watch.problems if p.startswith(("400 for fetch", "422 for fetch")) and "/act" in p]
    assert len(expected) == 2, watch.problems
    for problem in expected:
        watch.problems.remove(problem)


def test_a_station_of_a_walk_offline_keeps_ratings_texts_and_a_photo(server, new_phone, tmp_path):
    """The walk itself: a station's QR address opened on site, the Wi-Fi gone, two observations
    and a photo written, the page reloaded; back online each arrives once, the photo stripped."""
    from dialogue.activities.stations import station_code
    from tests.activities.test_stations import jpeg_with_gps

    d = server.new_dialogue("kehittamiskavely")
    with database(server) as conn:
        walk_id = conn.execute("SELECT id FROM step WHERE dialogue_id = ? AND kind = 'stations'", (d["id"],)).fetchone()[0]
    staff = staff_socket(server, d)
    act(staff, "go_to_step", step_id=walk_id)
    staff.disconnect()
    phone = new_phone("fi")
    join(phone, f"{server.url}/j/{d['code']}/s/{station_code('Odotustila')}")
    if phone.locator("input[name=table_id]").count():
        phone.get_by_label("Ryhmä 1", exact=True).check()
        phone.locator("form[data-action=table_join] button[type=submit]").first.click()
    station = phone.get_by_role("heading", name="Asema 3: Odotustila")
    expect(station).to_be_visible()
    phone.evaluate("navigator.serviceWorker.ready.then(() => true)")
    phone.reload()
    phone.wait_for_function("navigator.serviceWorker.controller !== null")
    # While online the worker keeps a copy of the route's other stations, for the way.
    later = server.url + phone.locator(".station-list a", has_text="Asiakaskone").get_attribute("href").split("#")[0]
    phone.wait_for_function("async (url) => Boolean(await caches.match(url))", arg=later)

    phone.context.set_offline(True)
    phone.wait_for_function("navigator.onLine === false")
    form = "form[data-action=station_visit]"
    phone.locator(f"{form} fieldset").first.locator("label").first.click()  # a rating: "Tosi huono"
    phone.fill(f"{form} textarea[name=not_works]", "Vuoronumeroa ei kuulu.")
    phone.locator(f"{form} button[type=submit]").click()
    phone.fill(f"{form} textarea[name=works]", "Tuoleja on tarpeeksi.")
    phone.locator(f"{form} button[type=submit]").click()
    photo = tmp_path / "odotustila.jpg"
    photo.write_bytes(jpeg_with_gps((640, 480)))
    phone.fill(f"{form} textarea[name=idea]", "Numeronäyttö myös oven viereen.")
    phone.set_input_files(f"{form} input[name=photo]", str(photo))
    phone.locator(f"{form} button[type=submit]").click()
    expect(phone.locator("#outbox-list li")).to_have_count(3)
    for n, text in enumerate(("Vuoronumeroa ei kuulu.", "Tuoleja on tarpeeksi.", "Numeronäyttö myös oven viereen.")):
        expect(phone.locator("#outbox-list li").nth(n)).to_have_text(text)  # what was written, not "an answer"

    phone.reload()  # no connection: the service worker's copy of this station, the outbox intact
    expect(station).to_be_visible()
    expect(phone.locator("#outbox-list li")).to_have_count(3)
    check_phone_page(phone, "offline-04-station-waiting-fi", "fi")
    # On to the next station, still without a connection: its own page (never opened online).
    phone.locator(".station-list a", has_text="Asiakaskone").click()
    expect(phone.get_by_role("heading", name="Asema 4: Asiakaskone")).to_be_visible()
    phone.fill(f"{form} textarea[name=not_works]", "Kone ei tulosta.")
    phone.locator(f"{form} button[type=submit]").click()
    expect(phone.locator("#outbox-list li")).to_have_count(4)

    phone.context.set_offline(False)
    expect(phone.locator("#outbox-list li")).to_have_count(0, timeout=30_000)
    written = ["Vuoronumeroa ei kuulu.", "Tuoleja on tarpeeksi.", "Numeronäyttö myös oven viereen.", "Kone ei tulosta."]
    assert [t for t in _stored(server, walk_id) if t] == written
    with database(server) as conn:
        visits = [json.loads(e) for (e,) in conn.execute(
            "SELECT extra FROM contribution WHERE step_id = ? AND text = '' ORDER BY id", (walk_id,))]
    assert [v["station"] for v in visits] == [station_code("Odotustila")] * 3 + [station_code("Asiakaskone")]
    assert [bool(v.get("photo")) for v in visits] == [False, False, True, False]
    assert list(visits[0]["ratings"].values()) == [1]
    shot(phone, "offline-05-station-sent-fi")
