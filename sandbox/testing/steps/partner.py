"""The partner's When and Then steps, in Partner Center (portal pages)."""

from __future__ import annotations

import re
import uuid
from dataclasses import replace
from urllib.parse import unquote

from playwright.sync_api import expect
from pytest_bdd import parsers, then, when

from sandbox.domain.errors import AgreementRequired
from sandbox.services.relationships import agreement_page_url

from ..pages import (
    AccountInfo,
    AccountPage,
    ConfirmationPage,
    CustomersPage,
    NewCustomerPage,
    PartnerCenterSignIn,
    RelationshipRequestPage,
    ReviewPage,
    SubscriptionsPage,
)
from .people import CustomerAccount, Email, PartnerUser

MISSING_AGREEMENT = AgreementRequired.default_description  # the 13605 text the pages show
UI_DATE = re.compile(r"^\d{2}/\d{2}/\d{4}$")


def _rows(datatable) -> dict[str, str]:
    """A two-column data table as {label: value} (cells are stripped; empty cells are empty strings)."""
    return {row[0].strip(): row[1].strip() for row in datatable}


def _unique_prefix(company_name: str) -> str:
    slug = "".join(ch for ch in company_name.lower() if ch.isascii() and ch.isalnum())[:16] or "customer"
    return f"{slug}{uuid.uuid4().hex[:8]}"


# --- Customers and the Add customer wizard (R-OPT1-NEW-*, R-OPT2-NEW-*) ------------------------


@when("the partner opens Customers")
def _(partner_page):
    CustomersPage(partner_page).open()


@when("the partner selects Customers in the Partner Center menu")
def _(partner_page):
    CustomersPage(partner_page).open_from_menu()


@when("the partner adds a customer from the Customers page")
def _(partner_page):
    CustomersPage(partner_page).open().add_customer()


@when("the partner enters the account info of a new customer:", target_fixture="account_info")
def _(partner_page, datatable):
    """Fill Account info: the table's fields over sensible defaults (a unique domain unless given)."""
    given = _rows(datatable)
    info = AccountInfo(**{AccountInfo.field_for(label): value for label, value in given.items()})
    if "Domain name" not in given:
        info = replace(info, domain_prefix=_unique_prefix(info.company_name))
    NewCustomerPage(partner_page).fill_account_info(info)
    return info


@when(parsers.parse("the partner enters a company name of {length:d} characters"), target_fixture="account_info")
def _(partner_page, length):
    info = AccountInfo(company_name="Contoso " + "x" * (length - len("Contoso ")), domain_prefix=_unique_prefix("contoso"))
    NewCustomerPage(partner_page).fill_account_info(info)
    return info


@when("the partner chooses that the customer will accept in the Microsoft 365 admin center")
def _(partner_page):
    NewCustomerPage(partner_page).choose_customer_will_accept()


@when(parsers.parse("the partner confirms that the customer accepted the agreement on {date}"))
def _(partner_page, date):
    NewCustomerPage(partner_page).choose_partner_confirms(date=date)


@when(parsers.parse('the partner confirms that the customer accepted the agreement, typing the date "{typed}"'))
def _(partner_page, typed):
    """Type the date key by key into the date field, as a user does (Chromium's field is mm/dd/yyyy)."""
    wizard = NewCustomerPage(partner_page).choose_partner_confirms()
    wizard.acceptance_date.click()
    wizard.acceptance_date.press_sequentially(typed.replace("/", ""))


@when("the partner enters the person who accepted instead of the primary contact:")
def _(partner_page, datatable):
    person = _rows(datatable)
    NewCustomerPage(partner_page).update_person_who_accepted(
        person["First name"], person["Last name"], person["Email address"], person.get("Phone number", "")
    )


@when("the partner asks to review the new customer")
def _(partner_page):
    NewCustomerPage(partner_page).next_review()


def _confirmed_customer(partner_page, account_info: AccountInfo) -> CustomerAccount:
    """What the partner saves from the Confirmation page (R-OPT2-NEW-5)."""
    confirmation = ConfirmationPage(partner_page)
    confirmation.heading.wait_for()
    return CustomerAccount(
        confirmation.customer_id(), account_info.company_name, confirmation.credentials(), account_info.country
    )


@when("the partner submits the new customer", target_fixture="customer")
def _(partner_page, account_info):
    ReviewPage(partner_page).submit()
    return _confirmed_customer(partner_page, account_info)


@when("the partner reviews and submits the new customer", target_fixture="customer")
def _(partner_page, account_info):
    NewCustomerPage(partner_page).next_review().submit()
    return _confirmed_customer(partner_page, account_info)


@when("the partner emails the customer the link and the sign-in credentials", target_fixture="email")
def _(partner_page, customer):
    """Outside Partner Center: the agreement link and the credentials from the Confirmation page (R-OPT2-NEW-6)."""
    link = ConfirmationPage(partner_page).agreement_link()
    return Email(
        f"Please accept the Microsoft Customer Agreement: {link}\n"
        f"User name: {customer.credentials.user_name}\nTemporary password: {customer.credentials.password}\n"
    )


@when("the partner emails the customer the link to the agreement page", target_fixture="email")
def _(sandbox_url):
    """An existing customer signs in with its own credentials; the email holds only the link (R-OPT2-EX-1)."""
    return Email(f"Please review and accept the Microsoft Customer Agreement: {agreement_page_url(sandbox_url)}\n")


@when("the partner emails the customer the copied text and its sign-in credentials", target_fixture="email")
def _(copied_text, customer):
    return Email(f"{copied_text}\n\nUser name: {customer.credentials.user_name}\nPassword: {customer.credentials.password}\n")


@when("the partner emails the customer the copied text", target_fixture="email")
def _(copied_text):
    return Email(copied_text)


@then("the person who accepted is shown as the primary contact")
def _(partner_page, account_info):
    expect(NewCustomerPage(partner_page).person_who_accepted).to_contain_text(
        f"{account_info.first_name} {account_info.last_name} ({account_info.email})"
    )


@then(parsers.parse('the wizard is still on the "{step}" step'))
def _(partner_page, step):
    wizard = NewCustomerPage(partner_page)
    expect(wizard.heading).to_be_visible()
    expect(wizard.current_step).to_contain_text(step)


@then(parsers.parse('the review shows "{text}"'))
def _(partner_page, text):
    expect(ReviewPage(partner_page).page.get_by_text(text).first).to_be_visible()


@then("the partner sees the new customer's sign-in credentials")
def _(partner_page, customer):
    confirmation = ConfirmationPage(partner_page)
    expect(confirmation.added_message(customer.company_name)).to_be_visible()
    expect(confirmation.setup_info).to_be_visible()
    expect(confirmation.user_name).to_have_text(re.compile(r"^\s*admin@[a-z0-9]+\.onmicrosoft\.com\s*$"))
    expect(confirmation.temporary_password).to_have_text(re.compile(r"\S{8,}"))
    expect(confirmation.microsoft_id).to_have_text(customer.id)


@then(parsers.parse('the partner sees that "{company}" was added to its customers'))
def _(partner_page, company):
    expect(ConfirmationPage(partner_page).added_message(company)).to_be_visible()


@then("the partner sees the link to the agreement page of the Microsoft 365 admin center")
def _(partner_page, sandbox_url):
    confirmation = ConfirmationPage(partner_page)
    expect(confirmation.send_to_customer).to_be_visible()
    assert confirmation.agreement_link() == agreement_page_url(sandbox_url)


@then(parsers.parse('the option to confirm the customer\'s acceptance is disabled, with "{note}"'))
def _(partner_page, note):
    wizard = NewCustomerPage(partner_page)
    expect(wizard.partner_confirms).to_be_disabled()
    expect(partner_page.get_by_text(note, exact=True)).to_be_visible()


@then("the partner can request a reseller relationship but cannot add a customer")
def _(partner_page):
    customers = CustomersPage(partner_page)
    expect(customers.request_relationship_link).to_be_visible()
    expect(customers.add_customer_link).to_have_count(0)


@then("no script ran in the partner's browser")
def _(partner_dialogs):
    assert partner_dialogs == []


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


@then(parsers.parse('the form says that confirming acceptance is available from {date}'))
def _(partner_page, date):
    expect(partner_page.get_by_role("alert").filter(has_text=date)).to_be_visible()


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
    person = _rows(datatable)
    form = AccountPage(partner_page).update_agreement()
    expect(form.heading).to_be_visible()
    for label, value in person.items():
        form.field(label).fill(value)
    form.save()
    return person


@when("the partner updates the customer's agreement again with the same person")
def _(partner_page, agreement_person):
    AccountPage(partner_page).agreement.wait_for()
    form = AccountPage(partner_page).update_agreement()
    for label, value in agreement_person.items():
        form.field(label).fill(value)
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
    account = AccountPage(partner_page)
    for term, value in _rows(datatable).items():
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
    SubscriptionsPage(partner_page).open(customer.id).change_quantity(offer, quantity)


@then("it is refused because the Microsoft Customer Agreement is missing")
def _(partner_page):
    expect(SubscriptionsPage(partner_page).refusal.filter(has_text=MISSING_AGREEMENT)).to_be_visible()


@then(parsers.parse('the partner sees "{text}"'))
def _(partner_page, text):
    expect(partner_page.get_by_role("status").filter(has_text=text)).to_be_visible()


# --- Request a reseller relationship (R-OPT2-REL-1..4) -----------------------------------------


@when("the partner requests a reseller relationship from the Customers page")
def _(partner_page):
    CustomersPage(partner_page).open().request_reseller_relationship().heading.wait_for()


@when("the partner includes delegated administration privileges")
def _(partner_page):
    RelationshipRequestPage(partner_page).include_delegated_admin()


@when(parsers.parse('the partner adds "{text}" to the email message'))
def _(partner_page, text):
    RelationshipRequestPage(partner_page).customise(text)


@when("the partner copies the email message to the clipboard", target_fixture="copied_text")
def _(partner_page):
    return RelationshipRequestPage(partner_page).copy_email_text()


def _invitation_link(sandbox_url: str, tenant, delegated_admin: bool) -> re.Pattern:
    dap = "true" if delegated_admin else "false"
    return re.compile(
        rf"{re.escape(sandbox_url)}/Adminportal/Home\?invType=ResellerRelationship&partnerId={tenant.id}"
        rf"&msppId=0&DAP={dap}#/BillingAccounts/partner-invitation",
        re.IGNORECASE,
    )


@then(parsers.re(r"^the email message invites the customer with the partner's link, (?P<dap>with|without) delegated administration$"))
def _(partner_page, sandbox_url, tenant, dap):
    request = RelationshipRequestPage(partner_page)
    expect(request.delegated_admin).to_be_checked(checked=dap == "with")
    expect(request.email_message).to_have_value(_invitation_link(sandbox_url, tenant, dap == "with"))


@then(parsers.parse('the copied text ends with "{text}"'))
def _(copied_text, text):
    assert copied_text.rstrip().endswith(text), copied_text


@then("the copied text is the email message")
def _(partner_page, copied_text):
    expect(RelationshipRequestPage(partner_page).email_message).to_have_value(copied_text)


@then('"Open in email message" starts an email whose body holds the partner\'s link')
def _(partner_page, sandbox_url, tenant):
    link = RelationshipRequestPage(partner_page).open_in_email_link
    expect(link).to_have_attribute("href", re.compile(r"^mailto:\?subject=[^&]+&body=.+"))
    body = unquote(link.get_attribute("href").split("&body=", 1)[1])
    assert _invitation_link(sandbox_url, tenant, False).search(body), body


__all__ = [name for name in dir() if name.startswith("pytestbdd_")]
