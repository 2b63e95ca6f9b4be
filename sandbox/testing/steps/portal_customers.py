"""The partner's When and Then steps on the Customers page, in the Add customer wizard and on Request a
reseller relationship (Partner Center portal), and the email the partner then writes the customer."""

from __future__ import annotations

import re
import uuid
from dataclasses import replace
from urllib.parse import unquote

from playwright.sync_api import expect
from pytest_bdd import parsers, then, when

from sandbox.services.relationships import agreement_page_url

from ..pages import (
    AccountInfo,
    ConfirmationPage,
    CustomersPage,
    NewCustomerPage,
    RelationshipRequestPage,
    ReviewPage,
)
from .people import CustomerAccount, Email, person_table, table_rows
from .situations import scenario_date


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
    """Fill Account info: the table's rows over sensible defaults (a unique domain unless given). Rows, as the
    form labels them: Company name, Domain name, Country/region, Address line 1, Address line 2, City, State,
    ZIP/Postal code, Company registration ID, First name, Last name, Email address, Phone number, Language."""
    given = table_rows(datatable)
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
    """The date as YYYY-MM-DD."""
    NewCustomerPage(partner_page).choose_partner_confirms(date=scenario_date(date).date().isoformat())


@when(parsers.parse('the partner confirms that the customer accepted the agreement, typing the date "{typed}"'))
def _(partner_page, typed):
    """Type the date key by key into the date field, as a user does (Chromium's field is mm/dd/yyyy)."""
    wizard = NewCustomerPage(partner_page).choose_partner_confirms()
    wizard.acceptance_date.click()
    wizard.acceptance_date.press_sequentially(typed.replace("/", ""))


@when("the partner enters the person who accepted instead of the primary contact:")
def _(partner_page, datatable):
    """Rows: First name, Last name, Email address, Phone number (optional), as the form labels them (the REST
    API steps' names, Email and Phone number, work too)."""
    person = person_table(table_rows(datatable))
    NewCustomerPage(partner_page).update_person_who_accepted(
        person.get("First name", ""), person.get("Last name", ""), person.get("Email", ""), person.get("Phone number", "")
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


@then(parsers.parse('the option that the customer accepts in the Microsoft 365 admin center is {state}'))
def _(partner_page, state):
    """``enabled``, or ``disabled, saying it is available from YYYY-MM-DD`` (before 2020-02-03, R-TL-6: an
    invitation the customer couldn't answer isn't offered; the partner confirms instead)."""
    wizard = NewCustomerPage(partner_page)
    if state == "enabled":
        expect(wizard.customer_will_accept).to_be_enabled()
        return
    day = state.removeprefix("disabled, saying it is available from ")
    assert day != state, f'Write "enabled" or "disabled, saying it is available from YYYY-MM-DD", not {state!r}'
    expect(wizard.customer_will_accept).to_be_disabled()
    expect(partner_page.get_by_text(re.compile(rf"admin center is available from {re.escape(day)}")).first).to_be_visible()


@then("the partner can request a reseller relationship but cannot add a customer")
def _(partner_page):
    customers = CustomersPage(partner_page)
    expect(customers.request_relationship_link).to_be_visible()
    expect(customers.add_customer_link).to_have_count(0)


@then("the partner can add a customer but cannot request a reseller relationship")
def _(partner_page):
    customers = CustomersPage(partner_page)
    expect(customers.add_customer_link).to_be_visible()
    expect(customers.request_relationship_link).to_have_count(0)


@then("the partner can neither add a customer nor request a reseller relationship")
def _(partner_page):
    customers = CustomersPage(partner_page)
    expect(customers.heading).to_be_visible()
    expect(customers.add_customer_link).to_have_count(0)
    expect(customers.request_relationship_link).to_have_count(0)


@then(parsers.parse('the partner is told "{note}"'))
def _(partner_page, note):
    expect(partner_page.get_by_text(note, exact=True)).to_be_visible()


@when("the partner goes straight to the address of Add customer")
def _(partner_page):
    partner_page.goto(NewCustomerPage.PATH)


@when("the partner goes straight to the address of Request a reseller relationship")
def _(partner_page):
    partner_page.goto(RelationshipRequestPage.PATH)


@then(parsers.parse('the partner is refused with "{message}"'))
def _(partner_page, message):
    expect(partner_page.get_by_role("heading", name="You don't have access to this page", level=1)).to_be_visible()
    expect(partner_page.get_by_role("alert").filter(has_text=message)).to_be_visible()


@then("no script ran in the partner's browser")
def _(partner_dialogs):
    assert partner_dialogs == []


# --- Request a reseller relationship (R-OPT2-REL-1..4) -----------------------------------------


@when("the partner requests a reseller relationship from the Customers page")
def _(partner_page):
    CustomersPage(partner_page).open().request_reseller_relationship().heading.wait_for()


@when("the partner includes delegated administration privileges")
def _(partner_page):
    RelationshipRequestPage(partner_page).include_delegated_admin()


@when("the partner clears delegated administration privileges")
def _(partner_page):
    RelationshipRequestPage(partner_page).include_delegated_admin(False)


@when(parsers.parse('the partner adds "{text}" to the email message'))
def _(partner_page, text):
    RelationshipRequestPage(partner_page).customise(text)


@when("the partner copies the email message to the clipboard", target_fixture="copied_text")
def _(partner_page):
    return RelationshipRequestPage(partner_page).copy_email_text()


@then(parsers.parse('the email message ends with "{text}"'))
def _(partner_page, text):
    expect(RelationshipRequestPage(partner_page).email_message).to_have_value(re.compile(re.escape(text) + r"\s*$"))


def _invitation_link(tenant, delegated_admin: bool) -> re.Pattern:
    """The partner's link, on whatever address the sandbox gives (its PUBLIC_URL)."""
    dap = "true" if delegated_admin else "false"
    return re.compile(
        rf"https?://[^/\s]+/Adminportal/Home\?invType=ResellerRelationship&partnerId={tenant.id}"
        rf"&msppId=0&DAP={dap}#/BillingAccounts/partner-invitation",
        re.IGNORECASE,
    )


@then(parsers.re(r"^the email message invites the customer with the partner's link, (?P<dap>with|without) delegated administration$"))
def _(partner_page, sandbox_url, tenant, dap):
    request = RelationshipRequestPage(partner_page)
    expect(request.delegated_admin).to_be_checked(checked=dap == "with")
    link = _invitation_link(tenant, dap == "with")
    expect(request.email_message).to_have_value(link)
    privileges = re.compile(r"including delegated administration privileges")  # the email says what the link asks
    if dap == "with":
        expect(request.email_message).to_have_value(privileges)
    else:
        expect(request.email_message).not_to_have_value(privileges)
    found = link.search(request.email_message.input_value()).group(0)
    if not found.lower().startswith(sandbox_url.lower() + "/"):
        raise AssertionError(f"The link {found} does not point at the sandbox the tests use ({sandbox_url}): set the "
                             "sandbox's PUBLIC_URL (serve --public-url) to the address the tests use.")


@then(parsers.parse('the copied text ends with "{text}"'))
def _(copied_text, text):
    assert copied_text.rstrip().endswith(text), copied_text


@then("the copied text is the email message")
def _(partner_page, copied_text):
    expect(RelationshipRequestPage(partner_page).email_message).to_have_value(copied_text)


@then('"Open in email" starts an email whose body holds the partner\'s link')
@then('"Open in email message" starts an email whose body holds the partner\'s link')  # the button's former name
def _(partner_page, sandbox_url, tenant):
    link = RelationshipRequestPage(partner_page).open_in_email_link
    expect(link).to_have_attribute("href", re.compile(r"^mailto:\?subject=[^&]+&body=.+"))
    body = unquote(link.get_attribute("href").split("&body=", 1)[1])
    found = _invitation_link(tenant, False).search(body)
    assert found and found.group(0).lower().startswith(sandbox_url.lower() + "/"), body


__all__ = [name for name in dir() if name.startswith("pytestbdd_")]
