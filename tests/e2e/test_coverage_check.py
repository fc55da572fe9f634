"""An owner uses 保障查询 in a real browser (RULES.md R-C3, R-C5)."""

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_R_C5_owner_checks_a_leaking_roof(page):
    """R-C5: a roof leak two and a half years after completion falls in the insured window.
    On a phone the answer, below the form, is brought into view."""
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/coverage/")
    page.fill("#id_completion", "2024-06-30")
    page.fill("#id_delivery", "2024-09-01")
    page.select_option("#id_category", "waterproofing")
    page.fill("#id_on", "2027-01-05")
    page.click("button[type=submit]:has-text('查询')")

    expect(page.locator("#result")).to_be_in_viewport()
    status = page.locator("#result [data-status]")
    assert status.get_attribute("data-status") == "insured"
    assert status.inner_text() == "在保险期间内"
    assert page.locator("#window").inner_text() == "2026-06-30 至 2032-06-29"


def test_bad_date_shows_the_field_error_and_english_switch(page):
    """A missing completion date is a field error; after the English switch answers are English."""
    page.goto("/coverage/")
    page.fill("#id_on", "2027-01-05")
    page.click("button[type=submit]:has-text('查询')")
    assert page.locator("#completion-errors").is_visible()
    assert page.locator("#result").count() == 0

    page.click("button:has-text('English')")
    page.fill("#id_completion", "2024-06-30")
    page.fill("#id_on", "2037-01-05")
    page.select_option("#id_category", "foundation_structure")
    page.click("button[type=submit]:has-text('Check')")
    assert page.locator("#result [data-status]").get_attribute("data-status") == "expired"
    assert page.locator("#window").inner_text() == "2026-06-30 to 2036-06-29"
