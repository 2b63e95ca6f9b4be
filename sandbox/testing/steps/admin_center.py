"""The customer's When and Then steps, in the Microsoft 365 admin center (its own browser context)."""

from __future__ import annotations

import re

from playwright.sync_api import expect
from pytest_bdd import parsers, then, when

from ..api_world import partner_of
from ..pages import AdminCenterSignIn, AgreementPage, InvitationPage, PartnerDetailsPage, PartnerListPage
from ..pages.admin_center import ASK_YOUR_PARTNER
from .people import NEW_PASSWORD, country_code, country_name
from .situations import scenario_date


def _partner_name(tenant) -> str:
    return tenant.name


# --- Opening the link and signing in (R-OPT2-NEW-7/8, R-OPT2-REL-5/6, R-OPT2-EX-2/3) ---------


@when("the customer opens the link from the email")
def _(customer_page, email):
    customer_page.goto(email.link())


@when("the customer opens the agreement page of the Microsoft 365 admin center")
def _(customer_page):
    AgreementPage(customer_page).open()


def _signed_in(page) -> None:
    AdminCenterSignIn(page).sign_out_button.wait_for()


@when("the customer signs in to the Microsoft 365 admin center")
def _(customer_page, customer):
    AdminCenterSignIn(customer_page).sign_in(customer.credentials.user_name, customer.credentials.password)
    _signed_in(customer_page)


@when("the customer signs in with the temporary password and chooses a new one", target_fixture="customer")
def _(customer_page, customer):
    """From here on the customer signs in with its new password (in the browser or over HTTP)."""
    sign_in = AdminCenterSignIn(customer_page)
    sign_in.enter_user_name(customer.credentials.user_name).enter_password(customer.credentials.password)
    expect(sign_in.update_heading).to_be_visible()
    sign_in.update_password(customer.credentials.password, NEW_PASSWORD)
    _signed_in(customer_page)
    return customer.with_new_password(NEW_PASSWORD)


@when("the customer signs in with a wrong password")
def _(customer_page, customer):
    AdminCenterSignIn(customer_page).enter_user_name(customer.credentials.user_name).enter_password("not-the-password")


@when("the customer signs in as someone the admin center does not know")
def _(customer_page, customer):
    AdminCenterSignIn(customer_page).enter_user_name(f"nobody@{customer.credentials.user_name.split('@', 1)[1]}")


@when(parsers.parse('the customer signs in with the temporary password and chooses "{new}", confirmed as "{confirm}"'),
      target_fixture="customer")
def _(customer_page, customer, new, confirm):
    """When the admin center takes the new password, the customer signs in with it from then on."""
    sign_in = AdminCenterSignIn(customer_page)
    sign_in.enter_user_name(customer.credentials.user_name).enter_password(customer.credentials.password)
    sign_in.update_password(customer.credentials.password, new, confirm)
    refused = customer_page.get_by_role("alert").filter(has_text="password")
    expect(sign_in.sign_out_button.or_(refused).first).to_be_visible()
    return customer.with_new_password(new) if sign_in.sign_out_button.is_visible() else customer


# --- Accepting (R-OPT2-NEW-9, R-OPT2-EX-4, R-OPT2-REL-7) ----------------------------------------


@when("the customer accepts the Microsoft Customer Agreement")
def _(customer_page):
    AgreementPage(customer_page).accept()


@when("the customer selects Accept without ticking the box")
def _(customer_page):
    AgreementPage(customer_page).accept(tick=False)


@when("the customer authorizes the partner and accepts the Microsoft Customer Agreement")
def _(customer_page, tenant):
    InvitationPage(customer_page).accept_and_authorize(_partner_name(tenant))


@when("the customer authorizes the partner")
def _(customer_page, tenant):
    """The relationship alone: before 2020-02-03 (R-TL-6) the invitation asks for no agreement."""
    InvitationPage(customer_page).accept_and_authorize(_partner_name(tenant), accept_agreement=False)


@then("the customer is not asked to accept the Microsoft Customer Agreement")
def _(customer_page, tenant):
    page = InvitationPage(customer_page)
    expect(page.authorize_checkbox(_partner_name(tenant))).to_be_visible()
    expect(page.mca_checkbox).to_have_count(0)


@when("the customer opens the Microsoft Customer Agreement", target_fixture="agreement_document")
def _(customer_page):
    return AgreementPage(customer_page).open_agreement_document()


@when("the customer opens the partner's details")
def _(customer_page, tenant):
    PartnerListPage(customer_page).open_partner(_partner_name(tenant))


# --- What the customer sees ---------------------------------------------------------------------


@then(parsers.parse('the customer sees "{text}"'))
def _(customer_page, text):
    messages = customer_page.get_by_role("status").or_(customer_page.get_by_role("alert"))
    expect(messages.filter(has_text=text).first).to_be_visible()


@then("the customer is asked to update the temporary password")
def _(customer_page):
    expect(AdminCenterSignIn(customer_page).update_heading).to_be_visible()


@then("the customer sees the page to accept the agreement, naming its partner")
def _(customer_page, tenant):
    agreement = AgreementPage(customer_page)
    expect(agreement.heading).to_be_visible()
    expect(customer_page.get_by_text(_partner_name(tenant)).first).to_be_visible()
    expect(agreement.agreement_link).to_be_visible()
    expect(agreement.checkbox).not_to_be_checked()


@then("the customer can accept the Microsoft Customer Agreement")
def _(customer_page):
    agreement = AgreementPage(customer_page)
    expect(agreement.checkbox).to_be_visible()
    expect(agreement.accept_button).to_be_enabled()


@then("the customer sees that it accepted the agreement earlier")
def _(customer_page):
    expect(AgreementPage(customer_page).status).to_have_text(
        re.compile(r"You accepted the Microsoft Customer Agreement on \d{2}/\d{2}/\d{4}\.")
    )
    expect(AgreementPage(customer_page).checkbox).to_have_count(0)


@then("the customer is told that accepting here is not available yet")
def _(customer_page):
    agreement = AgreementPage(customer_page)
    expect(agreement.not_available).to_be_visible()
    expect(agreement.accept_button).to_have_count(0)


@then("the customer is told to reach out to its partner and cannot accept")
def _(customer_page):
    agreement = AgreementPage(customer_page)
    expect(agreement.heading).to_be_visible()
    expect(agreement.alert).to_have_text(ASK_YOUR_PARTNER)
    expect(agreement.checkbox).to_have_count(0)
    expect(agreement.accept_button).to_have_count(0)
    expect(agreement.close_link).to_be_visible()


@then("the customer is told to reach out to its partner and cannot authorize it")
def _(customer_page):
    invitation = InvitationPage(customer_page)
    expect(invitation.heading).to_be_visible()
    expect(invitation.alert).to_have_text(ASK_YOUR_PARTNER)
    expect(invitation.checkboxes).to_have_count(0)
    expect(invitation.accept_button).to_have_count(0)


@then(parsers.parse('the customer is asked to authorize the partner as "{relationship}" with admin roles "{roles}"'))
def _(customer_page, tenant, relationship, roles):
    invitation = InvitationPage(customer_page)
    expect(invitation.heading).to_be_visible()
    expect(invitation.detail("Partner")).to_have_text(_partner_name(tenant))
    expect(invitation.detail("Relationship")).to_have_text(relationship)
    expect(invitation.detail("Admin roles")).to_have_text(roles)
    expect(invitation.authorize_checkbox(_partner_name(tenant))).not_to_be_checked()


@then("the customer sees that it authorized the partner")
def _(customer_page, tenant):
    expect(InvitationPage(customer_page).status).to_have_text(f"You authorized {_partner_name(tenant)}.")


@then("the customer sees the partner among its partner relationships")
def _(customer_page, tenant):
    partners = PartnerListPage(customer_page)
    expect(partners.heading).to_be_visible()
    expect(partners.row(_partner_name(tenant))).to_be_visible()


@then(parsers.re(r'^the customer\'s partner relationships list the (?P<whose>partner|indirect provider) as '
                  r'"(?P<relationship>[^"]+)" with admin roles "(?P<roles>[^"]+)"$'))
def _(customer_page, tenant, whose, relationship, roles):
    """A row of the list on the page (shown after the customer authorized the partner, and on its own page)."""
    partners = PartnerListPage(customer_page)
    name = partner_of(tenant, provider=whose == "indirect provider")["name"]
    expect(partners.cell(name, 1)).to_have_text(relationship)
    expect(partners.cell(name, 2)).to_have_text(roles)


@then(parsers.parse('the partner\'s details show the relationship "{relationship}" with admin roles "{roles}"'))
def _(customer_page, tenant, relationship, roles):
    details = PartnerDetailsPage(customer_page)
    expect(details.heading(_partner_name(tenant))).to_be_visible()
    expect(details.detail("Relationship")).to_have_text(relationship)
    expect(details.detail("Admin roles")).to_have_text(roles)


@then(parsers.parse("the partner's details show the agreement accepted on {date}"))
def _(customer_page, tenant, date):
    """The date as the page writes it (MM/DD/YYYY), or as the other steps do (YYYY-MM-DD)."""
    details = PartnerDetailsPage(customer_page)
    expect(details.heading(_partner_name(tenant))).to_be_visible()
    expect(details.detail("Microsoft Customer Agreement")).to_contain_text("Accepted")
    shown = date if "/" in date else scenario_date(date).strftime("%m/%d/%Y")
    expect(details.detail("Microsoft Customer Agreement")).to_contain_text(shown)


@then(parsers.parse("the agreement document is the one for {country}"))
def _(agreement_document, country):
    expect(agreement_document.mentions(country_name(country_code(country)))).to_be_visible()


__all__ = [name for name in dir() if name.startswith("pytestbdd_")]
