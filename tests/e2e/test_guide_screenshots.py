"""The guide's pictures (docs/ohje-kuvat/), taken from the demo dialogues in a real browser.

Every page pictured is also checked like any page the e2e suite visits (axe, language, no
sideways scrolling). The pictures go to test-artifacts/guide/ on every run;
`python tools/guide_screenshots.py` runs this module with OSUVA_GUIDE_IMAGES=docs/ohje-kuvat
to refresh the guide's own copies.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

from playwright.sync_api import expect

from dialogue.activities.stations import station_code
from tests.e2e.helpers import PHONE, ROOT, check_phone_page, check_staff_page, join, move_to_step

PROJECTOR = {"width": 1280, "height": 720}
IMAGES = Path(os.environ.get("OSUVA_GUIDE_IMAGES") or ROOT / "test-artifacts" / "guide")


def _picture(page, name: str, *, full_page: bool = False) -> None:
    IMAGES.mkdir(parents=True, exist_ok=True)
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(IMAGES / f"{name}.jpg"), type="jpeg", quality=70, full_page=full_page)


def test_the_guides_pictures_from_the_demo(server, new_desktop, new_phone):
    made = json.loads(server.cli("demo").strip().splitlines()[-1])
    demos = {d["method"]: d for d in made["dialogues"]}
    fac = new_desktop(viewport=PROJECTOR)
    fac.goto(server.url + "/login")
    fac.fill("#email", made["facilitator"])
    fac.fill("#password", made["password"])
    fac.click("main button[type=submit]")
    fac.wait_for_url("**/console/")
    for demo in demos.values():
        expect(fac.locator(f"#open-{demo['id']}")).to_be_visible()
    check_staff_page(fac, "fi")
    _picture(fac, "dashboard")

    # Erätauko, opened again and put on its dot vote: the console, the screen and a phone.
    era = demos["eratauko"]
    fac.goto(f"{server.url}/console/d/{era['id']}")
    fac.click("#state-running")
    expect(fac.locator(".state-badge")).to_have_text("Käynnissä")
    move_to_step(fac, "Mistä puhumme lisää?")
    check_staff_page(fac, "fi")
    _picture(fac, "console-run")

    screen = new_desktop(viewport=PROJECTOR)
    screen.goto(server.url + fac.locator("#open-screen").get_attribute("href"))
    expect(screen.locator("body")).to_contain_text("Mistä puhumme lisää?")
    check_staff_page(screen, "fi")
    _picture(screen, "screen")

    phone = new_phone(viewport=PHONE)
    join(phone, f"{server.url}/j/{era['code']}")
    expect(phone.locator("#step-title")).to_have_text("Mistä puhumme lisää?")
    check_phone_page(phone, "guide-phone", "fi")
    _picture(phone, "phone")

    # Päättäjädialogi: its report, and the paper entry view.
    pd = demos["paattajadialogi"]
    fac.goto(f"{server.url}/console/d/{pd['id']}/report")
    expect(fac.locator("h1").first).to_contain_text("päättäjädialogi")
    check_staff_page(fac, "fi")
    _picture(fac, "report")
    fac.goto(f"{server.url}/console/d/{pd['id']}/paper")
    check_staff_page(fac, "fi")
    _picture(fac, "paper-entry")

    # Kehittämiskävely: a station opened from its sheet's QR address, on a phone.
    walk = demos["kehittamiskavely"]
    fac.goto(f"{server.url}/console/d/{walk['id']}")
    fac.click("#state-running")
    move_to_step(fac, "Kävely")
    walker = new_phone(viewport=PHONE)
    join(walker, f"{server.url}/j/{walk['code']}/s/{station_code('Palvelupiste')}")
    if walker.locator("input[name=table_id]").count():
        walker.get_by_label("Ryhmä 1", exact=True).check()
        walker.locator("form[data-action=table_join] button[type=submit]").first.click()
    expect(walker.get_by_role("heading", name="Asema 2: Palvelupiste")).to_be_visible()
    check_phone_page(walker, "guide-walk-station", "fi")
    _picture(walker, "walk-station")

    # The findings register of the demo, as staff and experts see it.
    fac.goto(f"{server.url}/console/")
    fac.click("#registers-link")
    fac.locator("main a", has_text="Demo").first.click()
    expect(fac.locator(".register-entry").first).to_be_visible()
    check_staff_page(fac, "fi")
    _picture(fac, "register")

    # The guide itself, with its pictures, from a console page's link.
    fac.goto(f"{server.url}/console/d/{pd['id']}/print")
    fac.click("#guide-link")
    expect(fac.locator("h1")).to_have_text("Osuva – ohjaajan opas")
    expect(fac.locator("#paperi")).to_be_attached()
    check_staff_page(fac, "fi")
