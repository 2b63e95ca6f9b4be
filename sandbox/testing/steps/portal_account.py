"""The partner's When and Then steps on a customer's pages (Account, Update Microsoft Customer Agreement,
Subscriptions) and on any portal form's fields (Partner Center portal)."""

from __future__ import annotations

import re

from playwright.sync_api import expect
from pytest_bdd import parsers, then, when

from sandbox.domain.errors import AgreementRequired

from ..pages import AccountPage, CustomersPage, OrderPrompt, PartnerCenterSignIn, SubscriptionsPage
from .people import PartnerUser, person_table, portal_label, table_rows
from .situations import scenario_date

MISSING_AGREEMENT = AgreementRequired.default_description  # the 13605 text the pages show
UI_DATE = re.compile(r"^\d{2}/\d{2}/\d{4}$")


# --- Form fields: inline messages and kept values ----------------------------------------------


@then(parsers.parse('the "{label}" field says "{message}"'))
def _(partner_page, label, message):
    field = partner_page.get_by_label(label, exact=True)
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(field).to_have_accessible_description(re.compile(re.escape(message)))  # after any hint
    expect(partner_page.get_by_role("alert").filter(has_text=message)).to_be_visible()


@then(parsers.parse('the "{label}" field is marked as invalid with a message'))
def _(partner_page, label):
    field = partner_page.get_by_label(label, exact=True)
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(field).to_have_accessible_description(re.compile(r"\w"))


@then(parsers.parse('the "{label}" field still holds "{value}"'))
def _(partner_page, label, value):
    expect(partner_page.get_by_label(label, exact=True)).to_have_value(value)


@then("the company name field still holds what was typed")
def _(partner_page, account_info):
    expect(partner_page.get_by_label("Company name", exact=True)).to_have_value(account_info.company_name)


@then(parsers.parse('the sign-in page says "{message}"'))
def _(partner_page, message):
    sign_in = PartnerCenterSignIn(partner_page)
    expect(sign_in.heading).to_be_visible()
    expect(sign_in.error).to_have_text(message)
    expect(sign_in.password).to_have_attribute("aria-invalid", "true")


@then(parsers.parse('the form says "{message}"'))
def _(partner_page, message):
    expect(partner_page.get_by_role("alert").filter(has_text=message)).to_be_visible()


@then(parsers.parse("Partner Center says that confirming acceptance is available from {date}"))
@then(parsers.parse('the form says that confirming acceptance is available from {date}'))
def _(partner_page, date):
    """On the page (the account page before that date) or as the refused form's alert (R-TL-1)."""
    expect(partner_page.get_by_text(f"is available from {date}").first).to_be_visible()


# --- The customer's account (R-OPT1-EX-*, R-OPT1-GET-1, R-OPT2-STATUS) -------------------------


@when("the partner opens the customer's account")
@when("the partner opens the new customer's account")
def _(partner_page, customer):
    AccountPage(partner_page).open(customer.id).heading(customer.company_name).wait_for()


@when("the partner finds the customer in Customers and opens its account")
def _(partner_page, customer):
    customers = CustomersPage(partner_page).open().search(customer.company_name)
    customers.open_customer(customer.company_name).heading(customer.company_name).wait_for()


@when("the partner searches for the customer and selects it")
def _(partner_page, customer):
    customers = CustomersPage(partner_page).search(customer.company_name)
    customers.open_customer(customer.company_name).heading(customer.company_name).wait_for()


@when("the partner looks for the customer in Customers")
def _(partner_page, customer):
    CustomersPage(partner_page).open().search(customer.company_name)


@when("the partner updates the customer's agreement with:", target_fixture="agreement_person")
def _(partner_page, datatable):
    """Rows: First name, Last name, Email address, Phone number (optional), Agreement acceptance date
    (YYYY-MM-DD), as the form labels them; the REST API steps' names (Email, Phone number, Date agreed) work too."""
    person = person_table(table_rows(datatable))
    form = AccountPage(partner_page).update_agreement()
    expect(form.heading).to_be_visible()
    _fill_person(form, person)
    return person


@when("the partner updates the customer's agreement again with the same person")
def _(partner_page, agreement_person):
    AccountPage(partner_page).agreement.wait_for()
    _fill_person(AccountPage(partner_page).update_agreement(), agreement_person)


def _fill_person(form, person: dict[str, str]) -> None:
    for name, value in person.items():
        if name == "Date agreed" and value:
            value = scenario_date(value).date().isoformat()  # YYYY-MM-DD, else a clear message (a date field takes no other)
        form.field(portal_label(name)).fill(value)
    form.save()


@when(parsers.parse('the partner updates the customer\'s agreement, typing the date "{typed}"'))
def _(partner_page, typed):
    form = AccountPage(partner_page).update_agreement()
    form.fill(first_name="Jan", last_name="Jansen", email="jan.jansen@example.com")
    form.acceptance_date.click()
    form.acceptance_date.press_sequentially(typed.replace("/", ""))
    form.save()


@then("the customer's Microsoft Customer Agreement section shows:")
def _(partner_page, datatable):
    """Rows: a term of the section as the page writes it (Partner attestation, Agreement acceptance date,
    Accepted by, Accepted by: phone number, Confirmed by, Customer acceptance through Microsoft, Accepted on,
    Invitation, Microsoft Cloud Agreement) and its text exactly as shown: dates as the page shows them,
    MM/DD/YYYY (05/04/2020), a user by its user name."""
    account = AccountPage(partner_page)
    for term, value in table_rows(datatable).items():
        expect(account.agreement_status(term)).to_have_text(value)


@then(parsers.parse('the customer\'s Microsoft Customer Agreement section shows "{value}" for "{term}"'))
def _(partner_page, value, term):
    expect(AccountPage(partner_page).agreement_status(term)).to_have_text(value)


@then(parsers.parse('the agreement section shows a date for "{term}"'))
def _(partner_page, term):
    expect(AccountPage(partner_page).agreement_status(term)).to_have_text(UI_DATE)


@then(parsers.re(r"^the (?P<whose>partner|indirect provider)'s (?P<role>[A-Z][a-z]+ [a-z]+) is shown as the one who confirmed$"))
def _(partner_page, tenant, whose, role):
    user = PartnerUser.of(tenant, role, provider=whose == "indirect provider")
    expect(AccountPage(partner_page).agreement_status("Confirmed by")).to_have_text(user.user_name)


@then("the partner can update the confirmation")
def _(partner_page):
    expect(AccountPage(partner_page).update_link).to_be_visible()


@then("the partner cannot update the confirmation")
def _(partner_page):
    account = AccountPage(partner_page)
    expect(account.agreement).to_be_visible()
    expect(account.update_link).to_have_count(0)


@then("the partner is told that its indirect provider must confirm the customer's acceptance")
def _(partner_page):
    expect(AccountPage(partner_page).reseller_note).to_be_visible()


@then("the customer is listed")
def _(partner_page, customer):
    expect(CustomersPage(partner_page).customer_link(customer.company_name)).to_be_visible()


# --- Purchases and seat changes (R-NEW-BUY, R-TL-4, R-TL-5) ------------------------------------


@when(parsers.parse('the partner tries to buy {quantity:d} "{offer}" for the customer'))
def _(partner_page, customer, quantity, offer):
    SubscriptionsPage(partner_page).open(customer.id).add_subscription(offer, quantity)


@when(parsers.parse('the partner changes the "{offer}" seats of the customer to {quantity:d}'))
def _(partner_page, customer, offer, quantity):
    """``offer`` is the offer's name or, among several subscriptions of one offer, one's name as the page gives it
    (``<offer> (<nickname>)`` or ``<offer> (<n>)``)."""
    page = SubscriptionsPage(partner_page).open(customer.id)
    expect(page.heading).to_be_visible()
    if page.quantity_of(offer).count() == 0:
        alike = page.quantities_of_offer(offer)
        names = [label.removeprefix("Quantity of ") for label in alike.evaluate_all("els => els.map(e => e.labels[0].textContent)")]
        raise AssertionError(f'The customer has {len(names)} "{offer}" subscriptions: name one as the page does: {names}'
                             if names else f'The customer has no "{offer}" subscription whose seats can be changed.')
    page.change_quantity(offer, quantity)


@then("it is refused because the Microsoft Customer Agreement is missing")
def _(partner_page):
    expect(SubscriptionsPage(partner_page).refusal.filter(has_text=MISSING_AGREEMENT)).to_be_visible()


@then("it is refused, and the partner is told to attest on behalf of the customer")
def _(partner_page):
    """R-OPT2-CANT: the customer can't accept in the admin center, so the refusal gives the docs' remedy."""
    expect(SubscriptionsPage(partner_page).refusal.filter(has_text="To resolve: You must attest on behalf of the customer.")
           ).to_be_visible()


@then("the partner is told to attest on behalf of the customer")
def _(partner_page):
    expect(AccountPage(partner_page).attest_for_customer).to_be_visible()


@then("the partner is prompted to confirm the customer's acceptance")
def _(partner_page):
    prompt = OrderPrompt(partner_page)
    expect(prompt.heading).to_be_visible()
    expect(prompt.field("First name")).to_be_focused()


@when("the partner confirms the customer's acceptance in the prompt with:")
def _(partner_page, datatable):
    """Rows as for the Update form: the prompt asks the same (R-OPT1-EX-4), then Save and continue places the order."""
    _fill_person(OrderPrompt(partner_page), person_table(table_rows(datatable)))


@when("the partner cancels the prompt")
def _(partner_page):
    OrderPrompt(partner_page).cancel()


@then(parsers.parse('the partner sees "{text}"'))
def _(partner_page, text):
    expect(partner_page.get_by_role("status").filter(has_text=text)).to_be_visible()


__all__ = [name for name in dir() if name.startswith("pytestbdd_")]
