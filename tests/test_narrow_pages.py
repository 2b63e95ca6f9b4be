"""Pages in a narrow window (a phone, or 400 % zoom: 320 CSS pixels; WCAG 1.4.10 reflow): nothing scrolls
sideways, and the admin center's top bar keeps its account and Sign out on its own blue."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from sandbox.testing.pages import AdminCenterSignIn, PartnerCenterSignIn

NARROW = {"width": 320, "height": 800}


def _sideways(page: Page) -> int:
    """How far the page scrolls sideways, in CSS pixels."""
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


@pytest.mark.browser
def test_the_admin_center_reflows_at_320_pixels(sandbox, sandbox_tenant, customer_page):
    """Its pages were 585 to 640 pixels wide, and the user's name and Sign out spilled white onto white."""
    customer = sandbox.control.add_customer(sandbox_tenant, state="NoAgreement")
    customer_page.set_viewport_size(NARROW)
    customer_page.goto(f"{sandbox.url}/AdminPortal/Home")
    AdminCenterSignIn(customer_page).sign_in(customer["userName"], customer["password"])
    sign_out = customer_page.get_by_role("button", name="Sign out", exact=True)
    expect(sign_out).to_be_visible()

    for ref in ("", "?ref=/partners", "?ref=/BillingAccounts/agreement"):
        customer_page.goto(f"{sandbox.url}/AdminPortal/Home{ref}")
        expect(customer_page.locator("main h1")).to_be_visible()
        assert _sideways(customer_page) == 0, ref
        bar, button = customer_page.locator("header").bounding_box(), sign_out.bounding_box()
        assert bar["y"] <= button["y"] and button["y"] + button["height"] <= bar["y"] + bar["height"], ref
        assert button["x"] + button["width"] <= NARROW["width"], ref


@pytest.mark.browser
def test_the_portal_reflows_at_320_pixels(sandbox, sandbox_tenant, partner_page):
    customer = sandbox.control.add_customer(sandbox_tenant, state="MCAAttested")
    partner_page.set_viewport_size(NARROW)
    user = sandbox_tenant.user("AdminAgent")
    PartnerCenterSignIn(partner_page).open().sign_in(user["userName"], user["password"])

    for path in ("/dashboard/customers", f"/dashboard/customers/{customer['id']}/account",
                 f"/dashboard/customers/{customer['id']}/subscriptions", "/dashboard/customers/request-relationship",
                 "/dashboard/customers/new", "/dashboard/home"):
        partner_page.goto(sandbox.url + path)
        expect(partner_page.locator("main h1")).to_be_visible()
        assert _sideways(partner_page) == 0, path


@pytest.mark.browser
def test_long_names_and_addresses_stay_inside_their_cards(sandbox, sandbox_tenant, partner_page):
    """A customer's admin user name and e-mail are long words (admin@holtfisherandcarfbddcf.onmicrosoft.com):
    they ran past the right edge of the Account page's cards."""
    customer = sandbox.control.add_customer(sandbox_tenant, state="MCAAttested")
    partner_page.set_viewport_size({"width": 1280, "height": 800})
    user = sandbox_tenant.user("AdminAgent")
    PartnerCenterSignIn(partner_page).open().sign_in(user["userName"], user["password"])
    partner_page.goto(f"{sandbox.url}/dashboard/customers/{customer['id']}/account")
    expect(partner_page.locator("main h1")).to_be_visible()
    spilled = partner_page.evaluate("""[...document.querySelectorAll('.card dd')]
        .filter(dd => dd.getBoundingClientRect().right > dd.closest('.card').getBoundingClientRect().right + 1)
        .map(dd => dd.textContent.trim())""")
    assert spilled == []
