"""A development walk (kehittämiskävely) in a real browser: phones (360x640) with JavaScript and
without it choose their group, open a station from the list or from its QR address, rate it with
faces and words, write what works and what doesn't, and add a photo; the console (1280x720)
sees each station's arrivals and the photo, and hides it; the screen shows the averages live.
axe-core checks every page (check_phone_page, check_staff_page)."""
from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from dialogue.activities.stations import station_code
from tests.activities.test_stations import jpeg_with_gps
from tests.e2e.helpers import PHONE, check_phone_page, check_staff_page, join, move_to_step, new_dialogue, shot, start

CONSOLE = {"width": 1280, "height": 720}


def rate(phone: Page, criterion: str, word: str) -> None:
    box = phone.locator("fieldset", has=phone.locator("legend", has_text=re.compile(f"^{criterion}$")))
    box.locator("label", has=phone.locator(".word", has_text=re.compile(f"^{word}$"))).click()


def test_a_walk_on_phones_with_and_without_javascript_and_the_console(server, facilitator, new_desktop, new_phone,
                                                                      tmp_path):
    fac = facilitator
    fac.set_viewport_size(CONSOLE)
    new_dialogue(fac, "Arjen reitti", "kehittamiskavely")
    join_url = start(fac, server.url)
    screen = new_desktop(viewport=CONSOLE)
    screen.goto(server.url + fac.get_attribute("#open-screen", "href"))
    phone, nojs = new_phone("fi", viewport=PHONE), new_phone("fi", js=False, viewport=PHONE)
    join(phone, join_url)
    move_to_step(fac, "Kävely")

    # A phone with JavaScript: its group, the route, a station, ratings, texts and a photo.
    expect(phone.locator("h1")).not_to_have_text("Tervetuloa kävelylle")
    # A walk's groups walk: the phone speaks of groups, not tables.
    expect(phone.locator("#step-title")).to_have_text("Nyt toimimme ryhmissä")
    check_phone_page(phone, "kk-00-choose-group-fi", "fi")
    phone.get_by_label("Ryhmä 1", exact=True).check()
    phone.get_by_role("button", name="Liity tähän ryhmään").click()
    expect(phone.locator("#step-title")).to_have_text("Kävely")
    expect(phone.locator(".my-table")).to_contain_text("Ryhmäsi: Ryhmä 1")
    for name in ("Bussipysäkki", "Palvelupiste", "Odotustila", "Asiakaskone"):
        expect(phone.locator(".station-list a", has_text=name)).to_have_count(1)
    check_phone_page(phone, "kk-01-route-fi", "fi")
    phone.locator(".station-list a", has_text="Palvelupiste").click()
    expect(phone.get_by_role("heading", name="Asema 2: Palvelupiste")).to_be_visible()
    for word in ("Tosi huono", "Tosi hyvä"):
        expect(phone.locator("form[data-action=station_visit] .word", has_text=re.compile(f"^{word}$"))).to_have_count(3)
    expect(phone.locator("form[data-action=station_visit]")).to_have_attribute("data-offline", "")
    check_phone_page(phone, "kk-02-station-fi", "fi")
    rate(phone, "Tuntuu turvalliselta", "Hyvä")
    rate(phone, "Esteetön", "Tosi huono")
    phone.fill("textarea[name=works]", "Ovella on selvä kyltti.")
    phone.fill("textarea[name=not_works]", "Portaiden vieressä ei ole luiskaa.")
    photo = tmp_path / "ovi.jpg"
    photo.write_bytes(jpeg_with_gps((640, 480)))
    phone.set_input_files("input[name=photo]", str(photo))
    phone.locator("form[data-action=station_visit] button[type=submit]").click()
    # A photo goes through the phone's outbox, so a bad signal on the route loses nothing.
    expect(phone.locator("#outbox-status")).to_have_text("Kaikki odottaneet vastaukset on lähetetty.")
    expect(phone.locator(".mine li", has_text="Portaiden vieressä ei ole luiskaa.")).to_have_count(1)
    expect(phone.locator(".mine li", has_text="Lisäsit kuvan.")).to_have_count(1)
    # Without a photo the same form goes over the socket.
    phone.fill("textarea[name=idea]", "Luiska sivuovelle.")
    phone.locator("form[data-action=station_visit] button[type=submit]").click()
    expect(phone.locator(".mine li", has_text="Luiska sivuovelle.")).to_have_count(1)
    expect(phone.locator(".station-list li", has_text="Palvelupiste").locator(".badge")).to_have_text("✓ käyty")
    check_phone_page(phone, "kk-03-station-saved-fi", "fi")

    # A phone without JavaScript scans the waiting area's sheet: it joins and lands on that station.
    code = join_url.rsplit("/", 1)[1]
    nojs.goto(f"{server.url}/j/{code}/s/{station_code('Odotustila')}")
    nojs.locator("main form button[type=submit]").click()
    if nojs.locator("input[name=table_id]").count():
        nojs.get_by_label("Ryhmä 2", exact=True).check()
        nojs.locator("form[data-action=table_join] button[type=submit]").first.click()
    expect(nojs.get_by_role("heading", name="Asema 3: Odotustila")).to_be_visible()
    check_phone_page(nojs, "kk-04-station-fi-nojs", "fi")
    rate(nojs, "Ymmärrettävä", "Huono")
    nojs.fill("textarea[name=not_works]", "Vuoronumeroa ei kuulu.")
    nojs.locator("form[data-action=station_visit] button[type=submit]").click()
    expect(nojs.locator(".msg-ok")).to_be_visible()
    expect(nojs.locator(".mine li", has_text="Vuoronumeroa ei kuulu.")).to_have_count(1)

    # The screen: the averages per station, live.
    service = screen.locator("#results .result-group", has_text="2. Palvelupiste")
    expect(service).to_contain_text("4.0 / 5")
    check_staff_page(screen, "fi")
    shot(screen, "kk-screen-stations")

    # The console: what arrived at each station, the photo (staff only), and hiding it.
    fac.reload()
    staff = fac.locator(".stations-staff")
    expect(staff).to_contain_text("Portaiden vieressä ei ole luiskaa.")
    expect(staff).to_contain_text("Vuoronumeroa ei kuulu.")
    image = staff.locator(".station-photos img")
    expect(image).to_have_count(1)
    image.scroll_into_view_if_needed()
    fac.wait_for_function("() => { const i = document.querySelector('.station-photos img');"
                          " return i && i.complete && i.naturalWidth > 0; }")
    check_staff_page(fac, "fi")
    shot(fac, "kk-console-stations")
    staff.get_by_role("button", name="Piilota kuva").click()
    expect(fac.locator(".stations-staff .station-photos .badge")).to_have_text("piilotettu")
    expect(fac.get_by_role("link", name="Tulosta asemien kyltit (PDF)")).to_have_count(1)

    # Ratings are saved now: the step editor keeps the criteria in their places, adds at the end.
    fac.goto(f"{server.url}{fac.url.split(server.url, 1)[1].split('/run')[0]}/prepare")
    fac.get_by_role("link", name="Muokkaa Kävely", exact=True).click()
    criteria = fac.locator("#cfg-criteria")
    criteria.fill("Ymmärrettävä\nTuntuu turvalliselta\nEsteetön")
    fac.click("#save-step")
    expect(fac.get_by_role("alert")).to_contain_text(
        "pysyvät ennallaan: Tuntuu turvalliselta, Esteetön, Ymmärrettävä")
    check_staff_page(fac, "fi")
    shot(fac, "kk-editor-criteria-kept")
    fac.locator("#cfg-criteria").fill("Tuntuu turvalliselta\nEsteetön\nYmmärrettävä\nLöytyy helposti")
    fac.click("#save-step")
    fac.wait_for_url(re.compile(r"/prepare"))
