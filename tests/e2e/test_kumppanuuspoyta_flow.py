"""A partnership table (kumppanuuspöytä) in a real browser: proposing an action card on a
360x640 phone with JavaScript and on one with JavaScript off; the facilitator sees both
cards in the console and marks one in progress with a dated note. axe-core checks every page.
"""
from __future__ import annotations

import datetime as dt

from playwright.sync_api import Page, expect

from tests.e2e.helpers import (
    PHONE,
    check_phone_page,
    check_staff_page,
    join,
    move_to_step,
    new_dialogue,
    start,
    wait_until_answered,
)


def propose(page: Page, text: str, who: str) -> None:
    page.fill("form[data-action=add_commitment] textarea[name=text]", text)
    page.fill("form[data-action=add_commitment] input[name=who]", who)
    page.fill("form[data-action=add_commitment] input[name=due]", "2027-05-31")
    page.locator("form[data-action=add_commitment] button[type=submit]").click()


def test_action_cards_proposed_on_phones_with_and_without_javascript(server, facilitator, new_phone):
    fac = facilitator
    new_dialogue(fac, "Kumppanuuspöytä Juvalla", "kumppanuuspoyta")
    join_url = start(fac, server.url)
    phone, nojs = new_phone("fi", viewport=PHONE), new_phone("fi", js=False, viewport=PHONE)
    join(phone, join_url)
    join(nojs, join_url)

    move_to_step(fac, "Toimenpidekortit")
    expect(phone.locator("#step-title")).to_have_text("Toimenpidekortit")
    check_phone_page(phone, "kp-01-cards-fi", "fi")
    propose(phone, "Kahvila auki myös perjantaisin", "Seurakunta")
    expect(phone.locator(".card-text", has_text="Kahvila auki myös perjantaisin")).to_have_count(1)
    check_phone_page(phone, "kp-02-card-proposed-fi", "fi")

    nojs.reload()
    expect(nojs.locator("#step-title")).to_have_text("Toimenpidekortit")
    propose(nojs, "Neuvontapiste kirjastoon", "Kunnan työllisyyspalvelut")
    expect(nojs.locator(".card-text", has_text="Neuvontapiste kirjastoon")).to_have_count(1)
    check_phone_page(nojs, "kp-03-card-proposed-fi-nojs", "fi")

    # The facilitator sees both and marks one in progress: the update is dated.
    fac.reload()
    card = fac.locator(".card-item", has_text="Neuvontapiste kirjastoon")
    card.locator("select[name=status]").select_option("in_progress")
    card.locator("input[name=status_note]").fill("Tila on varattu")
    card.locator("form[data-action=commitment_status] button[type=submit]").click()
    wait_until_answered(fac)
    fac.reload()
    today = dt.date.today().isoformat()
    expect(fac.locator(".card-item", has_text="Neuvontapiste kirjastoon")).to_contain_text(
        f"{today} Työn alla: Tila on varattu")
    check_staff_page(fac, "fi")
    nojs.reload()
    expect(nojs.locator(".card-item", has_text="Neuvontapiste kirjastoon")).to_contain_text("Työn alla")
    check_phone_page(nojs, "kp-04-card-in-progress-fi-nojs", "fi")
