"""Pages change in place, as the single-page apps they stand for do (``sandbox/web/static/in_place.js``): a
link of the app or a form sent swaps the next page in, with the address updated, instead of loading a new
document. The Microsoft sign-in's Next shows the password step in place, as login.microsoftonline.com does;
Update in the Account page's Microsoft Customer Agreement section opens its form on the page. The server
answers exactly as for a plain click or post (tests/portal and tests/admin_center check those answers)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from sandbox.app import create_app
from sandbox.testing.pages import (
    AccountPage,
    AdminCenterSignIn,
    AgreementPage,
    CustomersPage,
    PartnerCenterSignIn,
    SubscriptionsPage,
)
from sandbox.testing.pages.portal import RelationshipRequestPage
from sandbox.web.portal import texts

UNKNOWN_USER = "This username may be incorrect. Make sure you typed it correctly. Otherwise, contact your admin."


def _mark_document(page: Page) -> None:
    page.evaluate("window.sandboxSameDocument = true")


def _same_document(page: Page) -> bool:
    return page.evaluate("window.sandboxSameDocument === true")


def _signed_in_partner(tenant, page: Page) -> None:
    user = tenant.user("AdminAgent")
    PartnerCenterSignIn(page).open().sign_in(user["userName"], user["password"])


def test_every_page_names_its_app_and_has_an_id_of_its_own():
    client = create_app({"DATABASE_URL": "sqlite://"}).test_client()
    ids = []
    for url, app, prefixes in (("/dashboard/signin", "portal", "/dashboard/"),
                               ("/login", "admin-center", "/adminportal/ /login /logout")):
        for _ in range(2):
            page = client.get(url).get_data(as_text=True)
            body = re.search(r"<body [^>]*>", page).group(0)
            assert f'data-app="{app}"' in body and f'data-in-place="{prefixes}"' in body
            ids.append(re.search(r'data-page="([0-9a-f]{12})"', body).group(1))
            assert re.search(r'<script src="/pages/static/in_place\.js\?v=[^"]+" defer></script>', page)
    assert len(set(ids)) == len(ids)


@pytest.mark.browser
def test_next_asks_for_the_password_in_place_and_signing_in_still_leads_on(sandbox, sandbox_tenant, customer_page):
    customer = sandbox.control.add_customer(sandbox_tenant, state="NoAgreement")
    AgreementPage(customer_page).open()  # signed out: the sign-in comes first
    sign_in = AdminCenterSignIn(customer_page)
    expect(sign_in.sign_in_heading).to_be_visible()
    _mark_document(customer_page)

    sign_in.enter_user_name(f"nobody@{customer['userName'].split('@', 1)[1]}")
    expect(sign_in.error).to_have_text(UNKNOWN_USER)
    expect(sign_in.email).to_be_focused()
    sign_in.enter_user_name(customer["userName"])
    expect(sign_in.password_heading).to_be_visible()
    expect(sign_in.password).to_be_focused()
    expect(customer_page.get_by_text(customer["userName"], exact=True)).to_be_visible()

    customer_page.get_by_role("button", name="Back", exact=True).click()  # the back arrow
    expect(sign_in.sign_in_heading).to_be_visible()

    sign_in.sign_in(customer["userName"], customer["password"])
    expect(AgreementPage(customer_page).heading).to_be_visible()
    expect(customer_page).to_have_url(re.compile(r"/AdminPortal/Home\?ref=/BillingAccounts/agreement$"))
    expect(customer_page).to_have_title("Accept agreement - Microsoft 365 admin center")
    assert _same_document(customer_page)


@pytest.mark.browser
def test_update_opens_the_form_in_place_and_a_refused_save_keeps_what_was_typed(sandbox, sandbox_tenant, partner_page):
    customer = sandbox.control.add_customer(sandbox_tenant, state="NoAgreement")
    _signed_in_partner(sandbox_tenant, partner_page)
    account = AccountPage(partner_page).open(customer["id"])
    expect(account.update_link).to_have_attribute("aria-expanded", "false")
    _mark_document(partner_page)

    form = account.update_agreement()
    expect(form.first_name).to_be_focused()
    expect(form.email).not_to_have_value("")
    expect(account.update_link).to_have_attribute("aria-expanded", "true")

    form.fill(first_name="Ann", last_name="Lee", email="ann@example.com", date="2999-01-01")
    form.save()
    expect(partner_page.get_by_text(form.FUTURE_DATE, exact=True)).to_be_visible()
    expect(form.first_name).to_have_value("Ann")
    expect(form.acceptance_date).to_have_value("2999-01-01")
    assert _same_document(partner_page)


@pytest.mark.browser
def test_the_address_follows_the_pages_and_back_shows_the_page_before(sandbox, sandbox_tenant, partner_page):
    customer = sandbox.control.add_customer(sandbox_tenant, state="NoAgreement")
    _signed_in_partner(sandbox_tenant, partner_page)
    customers = CustomersPage(partner_page).open()
    _mark_document(partner_page)

    customers.search(customer["companyName"])  # a GET form
    expect(partner_page).to_have_url(re.compile(r"/dashboard/customers\?q="))
    account = customers.open_customer(customer["companyName"])  # two links: the company name, then Account
    expect(account.heading(customer["companyName"])).to_be_focused()  # as a screen reader then tells it
    expect(partner_page).to_have_url(re.compile(rf"/dashboard/customers/{customer['id']}/account$"))
    assert _same_document(partner_page)

    partner_page.go_back()
    expect(partner_page).to_have_url(re.compile(rf"/dashboard/customers/{customer['id']}/subscriptions$"))
    partner_page.go_back()
    expect(partner_page).to_have_url(re.compile(r"/dashboard/customers\?q="))
    expect(customers.customer_link(customer["companyName"])).to_be_visible()


@pytest.mark.browser
def test_the_agreement_document_opens_as_a_page_of_its_own(sandbox, sandbox_tenant, customer_page):
    customer = sandbox.control.add_customer(sandbox_tenant, state="NoAgreement", country="NL")
    AgreementPage(customer_page).open()
    AdminCenterSignIn(customer_page).sign_in(customer["userName"], customer["password"])
    agreement = AgreementPage(customer_page)
    _mark_document(customer_page)
    document = agreement.open_agreement_document()
    expect(document.page).to_have_url(re.compile(r"/documents/agreements/[^/]+/preview$"))
    if document.page is customer_page:
        assert not _same_document(customer_page)  # loaded as a new document, not swapped in


def test_ticking_delegated_administration_keeps_the_partner_s_edits_and_says_what_the_link_asks(
        sandbox, sandbox_tenant, partner_page):
    """The box switches the email in place: the partner's words stay, the link's DAP follows the box, and so does
    the sentence saying so, also when the partner rewrote the words it goes after."""
    _signed_in_partner(sandbox_tenant, partner_page)
    request = RelationshipRequestPage(partner_page).open()
    edited = request.email_text().replace(texts.DAP_ANCHOR, "look after them") + "\n\nBest, Ann"
    request.email_message.fill(edited)

    request.include_delegated_admin()
    ticked = request.email_text()
    expect(partner_page.get_by_role("status")).to_contain_text(["now asks for delegated administration privileges"])
    request.include_delegated_admin(False)
    expect(partner_page.get_by_role("status")).to_contain_text(["no longer asks for delegated administration"])

    request.copy_email_text()
    request.email_message.press("End")
    request.email_message.type("!")  # the text changes: what was copied is no longer what is shown
    expect(request.copied_status).to_have_count(0)

    assert texts.DAP_SENTENCE + "\n" in ticked and "DAP=true#" in ticked and ticked.endswith("Best, Ann")
    assert ticked.index(texts.DAP_SENTENCE) < ticked.index("/Adminportal/Home?")
    assert request.email_text() == edited + "!"  # back as the partner left it
    expect(partner_page).to_have_url(re.compile(r"[?&]dap=false"))


_SPOKEN = """() => {
  window.sandboxSpoken = [];
  new MutationObserver(function (changes) {
    changes.forEach(function (change) {
      var region = change.target.nodeType === 1 && change.target.closest("[role=status], [role=alert]");
      if (region && change.addedNodes.length && region.textContent.trim()) { window.sandboxSpoken.push(region.textContent.trim()); }
    });
  }).observe(document.documentElement, {subtree: true, childList: true});
}"""


@pytest.mark.browser
def test_a_message_on_a_page_swapped_in_is_a_change_of_its_live_region(sandbox, sandbox_tenant, partner_page):
    """A status swapped in already holding "Subscription added." is usually not spoken (screen readers speak a
    region's changes, not its arrival): its text is put back a moment after the swap."""
    customer = sandbox.control.add_customer(sandbox_tenant, state="MCAAttested")
    _signed_in_partner(sandbox_tenant, partner_page)
    page = SubscriptionsPage(partner_page).open(customer["id"])
    partner_page.evaluate(_SPOKEN)
    _mark_document(partner_page)

    page.add_subscription("Office 365 E3", 2)

    expect(page.success).to_have_text("Subscription added.")
    partner_page.wait_for_function("window.sandboxSpoken.indexOf('Subscription added.') !== -1")
    assert _same_document(partner_page)


@pytest.mark.browser
def test_a_refused_form_swapped_in_puts_focus_on_its_first_invalid_field(sandbox, sandbox_tenant, partner_page):
    """Focus went to the page's heading: a keyboard or screen reader user had to look for what was refused."""
    customer = sandbox.control.add_customer(sandbox_tenant, state="MCAAttested")
    _signed_in_partner(sandbox_tenant, partner_page)
    page = SubscriptionsPage(partner_page).open(customer["id"])

    page.add_subscription("Azure plan", 3)

    expect(page.quantity).to_have_attribute("aria-invalid", "true")
    expect(page.quantity).to_be_focused()
    expect(page.quantity).to_have_value("3")


@pytest.mark.browser
def test_an_indirect_provider_filters_by_reseller_and_back_to_all(sandbox, partner_page):
    made = sandbox.control.create_tenant(kind="IndirectReseller", customers=1)
    try:
        provider = made.provider
        direct = sandbox.control.add_customer(made, partner_id=provider["id"])
        user = next(u for u in provider["users"] if u["role"] == "AdminAgent")
        PartnerCenterSignIn(partner_page).open().sign_in(user["userName"], user["password"])
        customers = CustomersPage(partner_page).open()
        customers.filter_by_reseller(made.name)
        expect(customers.customer_link(made.raw["customers"][0]["companyName"])).to_be_visible()
        expect(customers.customer_link(direct["companyName"])).to_have_count(0)
        expect(customers.reseller_filter).to_have_value(made.id)  # the choice stays shown
        customers.filter_by_reseller(None)
        expect(customers.customer_link(direct["companyName"])).to_be_visible()
    finally:
        sandbox.control.delete_tenant(made)


@pytest.mark.browser
def test_export_customers_downloads_a_csv_file_and_leaves_the_page(sandbox, sandbox_tenant, partner_page, tmp_path):
    _signed_in_partner(sandbox_tenant, partner_page)
    customers = CustomersPage(partner_page).open()
    download = customers.export_customers()
    assert download.suggested_filename == "customers.csv"
    saved = tmp_path / "customers.csv"
    download.save_as(saved)
    assert saved.read_text(encoding="utf-8-sig").startswith("Microsoft ID,Company name,Primary domain name,Relationship")
    expect(customers.heading).to_be_visible()  # a download, not a page swapped in
