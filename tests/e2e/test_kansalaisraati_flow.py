"""A citizens' jury (kansalaisraati) in a real browser on 360x640 phones: the support vote on a
recommendation and an amendment, with JavaScript and without.

The facilitator makes a dialogue from the method and writes two recommendations in the
console on the merged step. Two phones (one with JavaScript, one without) answer the
support vote; the results stay hidden until the facilitator shows them, then each phone
shows the counts and shares. In the amendments step one phone proposes an amendment, the
other votes on it, and the facilitator accepts it: the recommendation's text changes and
its history shows the earlier version. axe-core checks every phone page.
"""
from __future__ import annotations


from playwright.sync_api import Page, expect

from tests.e2e.helpers import (
    check_phone_page,
    check_staff_page,
    join,
    move_to_step,
    new_dialogue,
    shot,
    start,
)

FIRST = "Kirjastoon neuvontapiste, josta saa apua Kela- ja TE-asiointiin."
SECOND = "Iltabussit Juvalta Mikkeliin."
AMENDED = "Kirjastoon neuvontapiste, josta saa apua Kela- ja TE-asiointiin, myös puhelimessa."


def section(page: Page, text: str):
    return page.locator(".draft-section", has=page.locator("blockquote.statement", has_text=text))


def vote(page: Page, text: str, name: str) -> None:
    button = section(page, text).locator(f"form[data-action=draft_support] button.stance-{name}")
    button.click()
    expect(section(page, text).locator(f"form[data-action=draft_support] button.stance-{name}")) \
        .to_have_attribute("aria-pressed", "true")


def test_support_vote_and_amendment_on_phones(server, facilitator, new_phone):
    fac = facilitator
    new_dialogue(fac, "Kansalaisraati: arki ja työ", "kansalaisraati")
    join_url = start(fac, server.url)

    # -- the facilitator writes the merged recommendations in the console ----------------
    move_to_step(fac, "Raadin suositukset")
    for text in (FIRST, SECOND):
        form = fac.locator(".draft-staff form[data-action=draft_add_section]")
        form.locator("textarea").fill(text)
        with fac.expect_navigation():  # the console redraws itself after adding
            form.locator("button[type=submit]").click()
        expect(fac.locator(".draft-staff blockquote.statement", has_text=text)).to_have_count(1)
    check_staff_page(fac, "fi")

    phone, nojs = new_phone("fi"), new_phone("fi", js=False)
    join(phone, join_url)
    join(nojs, join_url)

    # -- support: hidden until the facilitator shows it ----------------------------------
    move_to_step(fac, "Kannatatko suosituksia?")
    expect(phone.locator("#step-title")).to_have_text("Kannatatko suosituksia?")
    expect(phone.locator(".draft-section")).to_have_count(2)
    check_phone_page(phone, "jury-01-support-fi", "fi")
    vote(phone, FIRST, "agree")
    vote(phone, SECOND, "disagree")
    nojs.reload()
    vote(nojs, FIRST, "agree")
    vote(nojs, SECOND, "agree")
    expect(nojs.locator(".msg-ok")).to_be_visible()
    check_phone_page(nojs, "jury-02-support-fi-nojs", "fi")
    expect(phone.locator(".draft-counts")).to_have_count(0)
    expect(nojs.locator(".draft-counts")).to_have_count(0)
    # the console sees the tally before anyone else
    expect(fac.locator("[data-voting-live] .result-group", has_text=FIRST)).to_contain_text("100 % (2)")
    fac.locator(".draft-staff form[data-action=reveal] button").click()
    expect(phone.locator(".draft-counts")).to_have_count(2)
    expect(section(phone, FIRST).locator(".draft-counts")).to_contain_text("Samaa mieltä: 2 (100 %)")
    expect(section(phone, SECOND).locator(".draft-counts")).to_contain_text("Eri mieltä: 1 (50 %)")
    check_phone_page(phone, "jury-03-support-shown-fi", "fi")
    nojs.reload()
    expect(section(nojs, SECOND).locator(".draft-counts")).to_contain_text("Samaa mieltä: 1 (50 %)")
    check_phone_page(nojs, "jury-04-support-shown-fi-nojs", "fi")

    # -- an amendment: proposed with JavaScript, voted on without, accepted ---------------
    move_to_step(fac, "Muutosehdotukset")
    expect(phone.locator("#step-title")).to_have_text("Muutosehdotukset")
    first = section(phone, FIRST)
    first.locator("details.draft-propose summary").click()
    first.locator("form[data-action=draft_amend] textarea").fill(AMENDED)
    first.locator("form[data-action=draft_amend] input[name=reason]").fill("Kaikki eivät pääse kirjastoon.")
    first.locator("form[data-action=draft_amend] button[type=submit]").click()
    expect(section(phone, FIRST).locator(".draft-amendment")).to_contain_text(AMENDED)
    check_phone_page(phone, "jury-05-amendment-fi", "fi")
    nojs.reload()
    amendment = section(nojs, FIRST).locator(".draft-amendment")
    expect(amendment).to_contain_text("Kaikki eivät pääse kirjastoon.")
    amendment.locator("form[data-action=draft_amendment_vote] button.stance-agree").click()
    expect(section(nojs, FIRST).locator(".draft-amendment form[data-action=draft_amendment_vote] "
                                        "button.stance-agree")).to_have_attribute("aria-pressed", "true")
    check_phone_page(nojs, "jury-06-amendment-vote-fi-nojs", "fi")

    fac.reload()
    staff_amendment = fac.locator(".draft-staff .draft-amendment", has_text=AMENDED)
    expect(staff_amendment).to_contain_text("1")
    staff_amendment.locator("form[data-action=draft_decide]:has(input[name=accept][value='1']) button").click()
    expect(fac.locator(".draft-staff blockquote.statement", has_text=AMENDED)).to_have_count(1)
    shot(fac, "jury-console-accepted")
    nojs.reload()
    expect(nojs.locator("blockquote.statement", has_text=AMENDED)).to_have_count(1)
    history = section(nojs, AMENDED).locator("details.draft-history")
    history.locator("summary").click()
    expect(history).to_contain_text(FIRST)
    expect(history).to_contain_text("muutosehdotus 1 hyväksytty")
    check_phone_page(nojs, "jury-07-accepted-fi-nojs", "fi")
