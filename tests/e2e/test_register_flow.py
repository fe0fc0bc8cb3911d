"""The findings register in a real browser: a facilitator makes a register and an organisation's
link, approves a key finding and sends it to the register; the organisation answers on a phone
without JavaScript; the register view and the response page pass axe-core, with screenshots
(the register view at 1280 x 720, the response page at 360 x 640)."""
from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.e2e.helpers import assert_no_horizontal_scroll, check_staff_page, shot


def test_register_send_respond_and_view(server, facilitator, new_phone, new_desktop):
    page = facilitator
    d = server.new_dialogue(method="ideakierros")
    dialogue_id = d["id"]

    page.goto(server.url + "/console/registers?lang=en")
    expect(page.locator("#no-registers")).to_be_visible()
    page.fill("#register-name", "Project development points")
    page.click("#make-register")
    page.wait_for_url(re.compile(r".*/console/registers/\d+$"))
    register_url = page.url
    page.click("#settings-link")
    page.fill("#responder-name", "Employment services, South Savo")
    page.click("#add-responder")
    link = page.locator("#link-value").input_value()
    assert "/v/" in link

    page.goto(f"{server.url}/console/d/{dialogue_id}/findings")
    page.fill("#add-text", "Evening buses are missing, so people cannot reach courses in the evening.")
    page.click("#add-finding")
    finding = page.locator("li.finding").first
    finding_id = finding.get_attribute("id").split("-")[1]
    page.click(f"#approve-{finding_id}")
    page.click(f"#send-{finding_id} summary")
    page.select_option(f"#send-{finding_id} select[name=area]", "transport")
    page.select_option(f"#send-{finding_id} select[name=responder_id]", label="Employment services, South Savo")
    page.locator(f"#send-{finding_id} button[id^=to-register-]").click()
    expect(page.locator(f"#sent-{finding_id}")).to_be_visible()

    phone = new_phone(lang="en", js=False)
    phone.goto(link + "?lang=en")
    expect(phone.locator("h1")).to_have_text("Findings to respond to")
    phone.locator("input[name=status][value=decided]").check()
    phone.fill("textarea[name=text]", "A trial evening bus to the course centre starts in March.")
    phone.locator("button[id^=respond-]").click()
    expect(phone.locator(".response-history li").first).to_contain_text("Action decided")
    check_staff_page(phone, "en")
    assert_no_horizontal_scroll(phone)
    shot(phone, "register-respond-phone-360-full")
    phone.evaluate("window.scrollTo(0, 0)")
    phone.screenshot(path=str(shot(phone, "register-respond-phone-360")), full_page=False)

    page.set_viewport_size({"width": 1280, "height": 720})
    page.goto(register_url)
    entry = page.locator(".register-entry").first
    expect(entry).to_contain_text("Evening buses are missing")
    expect(entry).to_contain_text("Action decided")
    check_staff_page(page, "en")
    page.screenshot(path=str(shot(page, "register-view-1280")), full_page=False)
    page.select_option("#f-status", "none")
    page.click("#filter-button")
    expect(page.locator("#no-entries")).to_be_visible()

    # An expert reads it through the read-only link, without an account.
    page.goto(register_url + "/settings")
    page.click("#make-viewer-link")
    viewer = page.locator("#viewer-link-value").input_value()
    expert = new_desktop()
    expert.goto(viewer + "?lang=en")
    expect(expert.locator(".register-entry").first).to_contain_text("Evening buses are missing")
    expert.locator(".register-entry details summary").first.click()
    expect(expert.locator(".response-history").first).to_contain_text("A trial evening bus")
    check_staff_page(expert, "en")
