"""Add customer: Account info -> Review -> Confirmation, with both agreement options.

R-OPT1-NEW-1..6 (the partner confirms), R-OPT2-NEW-1..5 (the customer will be asked), R-NEW-BUY.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from sandbox.domain.model import AgreementType, Role
from sandbox.domain.rules import Channel
from sandbox.services import agreements, customers
from sandbox.services.context import Actor

from .helpers import account_info, page_text, set_clock, user_of

NEW = "/dashboard/customers/new"
REVIEW = "/dashboard/customers/new/review"
CONFIRMATION = "/dashboard/customers/new/confirmation"


def actor_for(tenant: dict) -> Actor:
    return Actor(workspace_id=tenant["id"], partner_id=tenant["id"], user_id="test", role=Role.ADMIN_AGENT,
                 channel=Channel.PORTAL)


def find_customer(services, tenant: dict, company: str):
    page = customers.list_customers(services, actor_for(tenant), size=1000)
    return next((v.customer for v in page.items if v.customer.company_name == company), None)


def submit(portal, form: dict):
    """Account info, then Review's Submit; answers the Confirmation page's text."""
    response = portal.post(NEW, form)
    assert response.status_code == 302, page_text(response)
    assert response.location == REVIEW
    review = page_text(portal.get(REVIEW))
    assert form["company_name"].strip() in review
    response = portal.post(REVIEW, {"action": "submit"})
    assert response.status_code == 302, page_text(response)
    assert response.location == CONFIRMATION
    return page_text(portal.get(CONFIRMATION))


def test_account_info_page_has_the_contract_labels(portal, admin):
    text = portal.text(NEW)
    assert "<h1>New customer</h1>" in text
    assert 'aria-current="step"><span class="step-number" aria-hidden="true">1</span>Account info</li>' in text
    for label in ("Company name", "Domain name", "Country/region", "Address line 1", "Address line 2", "City", "State",
                  "ZIP/Postal code", "Company registration ID", "First name", "Last name", "Email address",
                  "Phone number", "Language", "Agreement acceptance date", "Accepted by: first name",
                  "Accepted by: last name", "Accepted by: email address", "Accepted by: phone number (optional)"):
        assert re.search(rf'<label for="[^"]+">{re.escape(label)}</label>', text), label
    assert "Customer will be asked to accept the Microsoft Customer Agreement in Microsoft 365 Admin Center</label>" in text
    assert "Confirm the customer's acceptance of the Microsoft Customer Agreement</label>" in text
    assert "The customer has accepted the latest Microsoft customer agreement</label>" in text
    assert 'max="2020-03-15"' in text  # the tenant's today
    assert '<option value="US" selected>United States</option>' in text
    assert ">Next: Review</button>" in text and ">Cancel</button>" in text and ">Update</button>" in text
    assert "Indirect reseller" not in text  # direct-bill partner


def test_option_1_partner_confirms_acceptance(portal, admin, services):
    """R-OPT1-NEW-*: the attestation is stored, visible on the Account page and through the API's service."""
    confirmation = submit(portal, account_info(company_name="Fabrikam Inc", domain="fabrikam2020"))
    assert "<h1>Confirmation</h1>" in confirmation
    assert "Fabrikam Inc was added to your customers." in confirmation
    assert "<dt>User name</dt><dd class=\"mono\" id=\"credential-user-name\">admin@fabrikam2020.onmicrosoft.com</dd>" in confirmation
    password = re.search(r'id="credential-password">([^<]+)</dd>', confirmation).group(1)
    assert f'data-copy-text="User name: admin@fabrikam2020.onmicrosoft.com\nTemporary password: {password}"' in confirmation
    assert "Send to your customer" not in confirmation
    customer = find_customer(services, admin, "Fabrikam Inc")
    assert customer.domain == "fabrikam2020.onmicrosoft.com"

    found = agreements.get_customer_agreements(services, actor_for(admin), customer.id, "MicrosoftCustomerAgreement")
    assert len(found) == 1
    assert found[0].type is AgreementType.MICROSOFT_CUSTOMER_AGREEMENT
    assert found[0].date_agreed.replace(tzinfo=UTC) == datetime(2020, 3, 10, tzinfo=UTC)
    assert (found[0].first_name, found[0].last_name, found[0].email) == ("Tania", "Carr", "tania@fabrikam.example")

    account = page_text(portal.get(f"/dashboard/customers/{customer.id}/account"))
    mca = account[account.index('aria-label="Microsoft Customer Agreement"'):]
    assert re.search(r"<dt>Partner attestation</dt>\s*<dd><span[^>]*>Provided</span></dd>", mca)
    assert "<dt>Accepted by</dt><dd>Tania Carr (tania@fabrikam.example)</dd>" in mca
    assert "<dt>Agreement acceptance date</dt><dd>03/10/2020</dd>" in mca
    assert f"<dt>Confirmed by</dt><dd>{user_of(admin, 'AdminAgent')['userName']}</dd>" in mca

    # the customer can sign in to the admin center with the shown credentials (the same state)
    from sandbox.services.context import check_secret
    assert check_secret(customer.admin_password_hash, password)


def test_option_1_with_the_person_who_accepted_entered_under_update(portal, admin, services):
    form = account_info(company_name="Contoso Ltd", domain="contoso2020", accepted_first_name="Ann",
                        accepted_last_name="Lee", accepted_email="ann@contoso.example", accepted_phone="+1 425 555 0100")
    submit(portal, form)
    customer = find_customer(services, admin, "Contoso Ltd")
    (found,) = agreements.get_customer_agreements(services, actor_for(admin), customer.id, "*")
    assert (found.first_name, found.last_name, found.email, found.phone_number) == (
        "Ann", "Lee", "ann@contoso.example", "+1 425 555 0100")
    assert (customer.first_name, customer.last_name) == ("Tania", "Carr")


def test_option_2_customer_will_be_asked(portal, admin, services):
    """R-OPT2-NEW-3..5: no attestation; the Confirmation page gives the agreement page link."""
    form = account_info(company_name="Wingtip Toys", domain="wingtip2020", agreement="invite", accepted="", date_agreed="")
    confirmation = submit(portal, form)
    assert "<h2 id=\"send-heading\">Send to your customer</h2>" in confirmation
    link = "http://sandbox.test/AdminPortal/Home?ref=/BillingAccounts/agreement"
    assert ('<span id="admin-center-link-label">Microsoft 365 admin center link:</span>\n    <a id="admin-center-link" '
            f'href="{link}" aria-labelledby="admin-center-link-label admin-center-link">{link}</a>') in confirmation
    customer = find_customer(services, admin, "Wingtip Toys")
    assert agreements.get_customer_agreements(services, actor_for(admin), customer.id, "*") == []
    account = page_text(portal.get(f"/dashboard/customers/{customer.id}/account"))
    assert re.search(r"<dt>Partner attestation</dt>\s*<dd><span[^>]*>Not provided</span></dd>", account)
    assert "<dt>Invitation</dt><dd>Sent, waiting for the customer</dd>" in account
    # R-NEW-BUY: no purchase before the customer accepts
    response = portal.post(f"/dashboard/customers/{customer.id}/subscriptions",
                           {"offer": "CFQ7TTC0LH18:0001", "quantity": "5"})
    assert response.status_code == 403


def test_review_shows_the_entries_and_back_keeps_them(portal, admin):
    portal.post(NEW, account_info(company_name="Back & Forth GmbH", domain="backforth1"))
    review = portal.text(REVIEW)
    assert "Back &amp; Forth GmbH" in review
    assert "backforth1.onmicrosoft.com" in review
    assert "03/10/2020" in review
    assert ">Submit</button>" in review and ">Back</button>" in review
    response = portal.post(REVIEW, {"action": "back"})
    assert response.location == NEW
    assert 'value="Back &amp; Forth GmbH"' in portal.text(NEW)


def test_cancel_forgets_the_draft(portal, admin, services):
    portal.post(NEW, account_info(company_name="Cancelled Co", domain="cancelled1"))
    response = portal.post(NEW, {"action": "cancel"})
    assert response.location == "/dashboard/customers"
    assert portal.get(REVIEW).location == NEW
    assert find_customer(services, admin, "Cancelled Co") is None


def refused(portal, form: dict, field: str, message: str) -> str:
    """Post Account info; it must come back with the message next to the field, and nothing kept."""
    response = portal.post(NEW, form)
    assert response.status_code == 400, page_text(response)
    text = response.get_data(as_text=True)
    assert re.search(rf'id="f-{field}-error" role="alert">{re.escape(message)}</p>', page_text(response)), text
    assert re.search(rf'id="f-{field}"[^>]*aria-invalid="true"[^>]*aria-describedby="[^"]*f-{field}-error', text) or \
        f'aria-describedby="f-{field}-error"' in text
    assert portal.get(REVIEW).location == NEW  # no draft was stored
    return text


def test_future_acceptance_date_is_refused_with_the_value_kept(portal, admin, services):
    """R-OPT1-NEW-4: not after the tenant's today (2020-03-15), nothing stored."""
    text = refused(portal, account_info(date_agreed="2020-03-16", company_name="Future Co"), "date_agreed",
                   "The agreement acceptance date can't be in the future.")
    assert 'value="2020-03-16"' in text
    assert 'value="Future Co"' in text
    assert find_customer(services, admin, "Future Co") is None


def test_today_is_not_the_future(portal, admin, services):
    submit(portal, account_info(date_agreed="2020-03-15", company_name="Today Co", domain="today1"))
    assert find_customer(services, admin, "Today Co") is not None


@pytest.mark.parametrize("value", ["2020-02-31", "2020-13-01", "15/03/2020", "yesterday", "0000-01-01", "2020-3-1"])
def test_impossible_dates_are_refused(portal, admin, value):
    text = refused(portal, account_info(date_agreed=value), "date_agreed", "Enter a valid date as YYYY-MM-DD, such as 2020-03-15.")
    assert f'value="{value}"' in text


def test_a_missing_date_and_checkbox_are_refused(portal, admin):
    response = portal.post(NEW, account_info(date_agreed="", accepted=""))
    text = page_text(response)
    assert response.status_code == 400
    assert "Enter the agreement acceptance date." in text
    assert "Select the checkbox to confirm that the customer accepted the Microsoft Customer Agreement." in text


def test_an_agreement_choice_is_required(portal, admin):
    refused(portal, account_info(agreement=""), "agreement", "Select how the customer accepts the Microsoft Customer Agreement.")


def test_an_empty_form_shows_every_required_field(portal, admin):
    response = portal.post(NEW, {"action": "next"})
    assert response.status_code == 400
    text = page_text(response)
    for message in ("Enter the company name.", "Enter the domain name.", "Select a country/region from the list.",
                    "Enter the address line 1.", "Enter the city.", "Enter the ZIP/postal code.", "Enter the first name.",
                    "Enter the last name.", "Enter the email address.", "Select a language from the list."):
        assert message in text


def test_too_long_values_are_refused_and_kept(portal, admin):
    long = "x" * 5000
    text = refused(portal, account_info(company_name=long), "company_name", "Enter at most 255 characters.")
    assert f'value="{long}"' in text


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("domain", "Fabrikam.com", "Use 1 to 27 lowercase letters (a-z) and digits (0-9), with no spaces or dots."),
        ("domain", "fab-rikam", "Use 1 to 27 lowercase letters (a-z) and digits (0-9), with no spaces or dots."),
        ("domain", "a" * 28, "Use 1 to 27 lowercase letters (a-z) and digits (0-9), with no spaces or dots."),
        ("domain", "müller", "Use 1 to 27 lowercase letters (a-z) and digits (0-9), with no spaces or dots."),
        ("email", "not-an-email", "Enter an email address like someone@example.com."),
        ("phone", "call me", "Enter a phone number with digits, spaces and + ( ) - . only."),
        ("state", "Washington", "Enter the two-letter state code, such as WA."),
        ("country", "XX", "Select a country/region from the list."),
        ("language", "xx-XX", "Select a language from the list."),
        ("first_name", "Tab\there", "Remove the control characters (such as tabs or line breaks)."),
        ("address_line1", "'; DROP TABLE customers; --" + "x" * 200, "Enter at most 200 characters."),
    ],
)
def test_bad_values_are_refused_at_their_field(portal, admin, field, value, message):
    refused(portal, account_info(**{field: value}), field, message)


def test_a_taken_domain_is_refused_at_the_field(portal, admin):
    taken = admin["customers"][0]["domain"].removesuffix(".onmicrosoft.com")
    refused(portal, account_info(domain=taken), "domain", "This domain name isn't available. Try another one.")


def test_a_domain_taken_between_steps_comes_back_to_account_info(portal, admin, services):
    from sandbox.services.customers import NewCustomer

    portal.post(NEW, account_info(domain="racedomain1", company_name="Race Co"))
    customers.create_customer(services, actor_for(admin), NewCustomer(
        domain="racedomain1.onmicrosoft.com", company_name="Winner", email="w@example.com", country="US",
        address_line1="1 Way", city="Redmond", state="WA", postal_code="98052", first_name="A", last_name="B"))
    response = portal.post(REVIEW, {"action": "submit"})
    assert response.status_code == 400
    text = page_text(response)
    assert 'id="f-domain-error" role="alert">The domain name racedomain1.onmicrosoft.com isn\'t available.' in text
    assert 'value="Race Co"' in text
    assert find_customer(services, admin, "Race Co") is None


def test_registration_id_rules_of_the_country(portal, admin):
    refused(portal, account_info(country="HU", state=""), "registration_id", "Organization registration id information is missing")
    refused(portal, account_info(country="HU", state="", registration_id="123"), "phone", "Customer phone number is missing")
    refused(portal, account_info(registration_id="123"), "registration_id", "Organization registration id value is not supported")


def test_a_partial_person_who_accepted_is_refused(portal, admin):
    text = page_text(portal.post(NEW, account_info(accepted_first_name="Ann")))
    assert "Enter the first name, last name and email address of the person who accepted" in text
    assert '<fieldset class="accepted-by" id="accepted-by">' in text  # the Update fields stay open


def test_update_without_javascript_shows_the_accepted_by_fields(portal, admin):
    text = portal.post(NEW, account_info(action="show_contact")).get_data(as_text=True)
    assert '<fieldset class="accepted-by" id="accepted-by">' in text
    assert 'aria-invalid' not in text


def test_html_and_non_ascii_are_shown_as_text(portal, admin, services):
    company = "<b>Müller</b> & Söhne 株式会社 \"quoted\""
    submit(portal, account_info(company_name=company, domain="mueller1"))
    raw = portal.get(CONFIRMATION).get_data(as_text=True)
    assert "&lt;b&gt;Müller&lt;/b&gt; &amp; Söhne 株式会社 &#34;quoted&#34; was added" in raw
    assert "<b>Müller</b>" not in raw
    customer = find_customer(services, admin, company)
    assert customer is not None
    raw = portal.get(f"/dashboard/customers/{customer.id}/account").get_data(as_text=True)
    assert "<h1>&lt;b&gt;Müller&lt;/b&gt; &amp; Söhne 株式会社 &#34;quoted&#34;</h1>" in raw


def test_a_global_admin_adds_customers_but_cant_attest(portal, frozen_tenant, services):
    """A Global admin may add a customer ("Add a new customer") but not confirm acceptance: the choice is disabled."""
    portal.sign_in(user_of(frozen_tenant, "GlobalAdmin"))
    text = page_text(portal.get(NEW))
    assert re.search(r'id="f-agreement-attest" name="agreement" value="attest" disabled', text)
    assert "Only an Admin agent or a Sales agent can confirm acceptance." in text
    # a forged post is refused at the choice, and nothing is created
    refused(portal, account_info(company_name="Forged Co"), "agreement", "Only an Admin agent or a Sales agent can confirm acceptance.")
    assert find_customer(services, frozen_tenant, "Forged Co") is None
    # the other option still works for this role
    submit(portal, account_info(company_name="Global Co", domain="globalco1", agreement="invite"))


@pytest.mark.parametrize("role", ["BillingAdmin", "HelpdeskAgent"])
def test_roles_that_cant_add_customers_are_refused_every_step(portal, frozen_tenant, services, role):
    """Neither the wizard nor a forged post of either step: 403 with the reason, no draft, no customer."""
    portal.sign_in(user_of(frozen_tenant, role))
    message = "Only a Global admin, an Admin agent or a Sales agent can add customers."
    for response in (portal.get(NEW), portal.post(NEW, account_info(company_name="Forged Co", agreement="invite")),
                     portal.get(REVIEW), portal.post(REVIEW, {"action": "submit"}), portal.get(CONFIRMATION)):
        assert response.status_code == 403, page_text(response)
        text = page_text(response)
        assert "<h1>You don't have access to this page</h1>" in text
        assert f'<div class="notice notice--error" role="alert">{message}</div>' in text
        assert 'name="company_name"' not in text
    assert find_customer(services, frozen_tenant, "Forged Co") is None


def test_a_sales_agent_can_attest(portal, frozen_tenant, services):
    portal.sign_in(user_of(frozen_tenant, "SalesAgent"))
    submit(portal, account_info(company_name="Sales Co", domain="salesco1"))
    customer = find_customer(services, frozen_tenant, "Sales Co")
    assert len(agreements.get_customer_agreements(services, actor_for(frozen_tenant), customer.id, "*")) == 1


def test_before_portal_attestation_opened(portal, client, tenant, services):
    """R-TL-1: the portal's attestation opens on 2019-08-01 (tenant's clock); the invitation on 2020-02-03
    (R-TL-6). Before both, the partner adds the customer without a choice to make."""
    set_clock(client, tenant["id"], "2019-07-01T09:00:00+00:00")
    portal.sign_in(user_of(tenant, "AdminAgent"))
    text = page_text(portal.get(NEW))
    assert "is available from 2019-08-01 (R-TL-1)" in text
    assert re.search(r'value="attest" disabled', text)
    assert "2020-02-03 (R-TL-6)" in text and re.search(r'value="invite"\s+disabled', text)
    confirmation = submit(portal, account_info(company_name="Early Co", domain="earlyco1", agreement="", accepted="",
                                               date_agreed=""))
    assert "Send to your customer" not in confirmation
    customer = find_customer(services, tenant, "Early Co")
    assert agreements.get_customer_agreements(services, actor_for(tenant), customer.id, "*") == []
    account = page_text(portal.get(f"/dashboard/customers/{customer.id}/account"))
    assert "<dt>Invitation</dt>" not in account


def test_before_2020_02_03_the_customer_cant_be_invited_to_accept(portal, client, tenant, services):
    """R-TL-6: an invitation the customer couldn't answer isn't sent; the partner confirms instead (R-TL-1 is open)."""
    set_clock(client, tenant["id"], "2019-09-01T09:00:00+00:00")
    portal.sign_in(user_of(tenant, "AdminAgent"))
    text = page_text(portal.get(NEW))
    assert re.search(r'value="invite"\s+disabled', text) and not re.search(r'value="attest" disabled', text)
    refused(portal, account_info(company_name="Too Early Co", domain="tooearly1", agreement="invite", accepted="",
                                 date_agreed=""), "agreement", "Accepting the Microsoft Customer Agreement in the Microsoft 365 "
            "admin center is available from 2020-02-03 (R-TL-6).")
    assert find_customer(services, tenant, "Too Early Co") is None
    submit(portal, account_info(company_name="Attested Co", domain="attested1", date_agreed="2019-08-30"))
    assert find_customer(services, tenant, "Attested Co") is not None


def test_an_indirect_provider_picks_an_indirect_reseller(portal, client, services):
    made = client.post("/_sandbox/tenants", json={"kind": "IndirectReseller", "customers": 0}).get_json()
    provider, reseller = made["provider"], made
    set_clock(client, made["id"])
    portal.sign_in(user_of(provider, "AdminAgent"))
    text = page_text(portal.get(NEW))
    assert '<label for="f-indirect_reseller">Indirect reseller</label>' in text
    assert '<option value="">None</option>' in text
    assert f'<option value="{reseller["id"]}">{reseller["name"]}</option>' in text
    refused(portal, account_info(indirect_reseller="not-a-reseller"), "indirect_reseller",
            "Select an indirect reseller from the list.")
    submit(portal, account_info(company_name="Via Reseller Co", domain="viareseller1", indirect_reseller=reseller["id"]))
    # the indirect reseller now sees the customer too
    portal.post("/dashboard/signout")
    portal.sign_in(user_of(reseller, "AdminAgent"))
    assert "Via Reseller Co" in page_text(portal.get("/dashboard/customers"))


def test_a_second_submit_does_not_create_twice(portal, admin, services):
    submit(portal, account_info(company_name="Once Co", domain="onceco1"))
    response = portal.post(REVIEW, {"action": "submit"})
    assert response.location == CONFIRMATION
    page = customers.list_customers(services, actor_for(admin), size=1000)
    assert [v.customer.company_name for v in page.items].count("Once Co") == 1


def _revision(review_page: str) -> str:
    return re.search(r'<input type="hidden" name="revision" value="([^"]+)">', review_page).group(1)


def test_a_submit_from_a_review_page_of_older_details_adds_nothing(portal, admin, services):
    """Two tabs: Review shows A; the other tab sends B. Submit on A's page adds neither, and shows B to check;
    Submit on B's page adds B."""
    assert portal.post(NEW, account_info(company_name="Tab A Corp", domain="tabacorp", agreement="invite")).status_code == 302
    tab_a = page_text(portal.get(REVIEW))
    assert portal.post(NEW, account_info(company_name="Tab B Corp", domain="tabbcorp")).status_code == 302
    stale = portal.post(REVIEW, {"action": "submit", "revision": _revision(tab_a)})
    assert stale.status_code == 409
    assert "were changed in another tab or window" in page_text(stale) and "Tab B Corp" in page_text(stale)
    assert find_customer(services, admin, "Tab A Corp") is None and find_customer(services, admin, "Tab B Corp") is None
    current = portal.post(REVIEW, {"action": "submit", "revision": _revision(page_text(stale))})
    assert current.location == CONFIRMATION
    assert find_customer(services, admin, "Tab B Corp") is not None and find_customer(services, admin, "Tab A Corp") is None


def test_back_from_confirmation_keeps_the_credentials_until_another_customer_is_under_way(portal, admin):
    confirmation = submit(portal, account_info(company_name="Kept Co", domain="keptco1", agreement="invite"))
    password = re.search(r"Temporary password</dt>\s*<dd[^>]*>([^<]+)</dd>", confirmation).group(1)
    assert portal.get(REVIEW).location == CONFIRMATION  # the browser's Back from Confirmation
    assert portal.get(NEW).status_code == 200  # opening Add customer again ...
    assert password in page_text(portal.get(CONFIRMATION))  # ... still leaves them there
    assert portal.post(NEW, account_info(company_name="Next Co", domain="nextco1")).status_code == 302
    assert portal.get(CONFIRMATION).location == "/dashboard/customers"  # another customer under way: gone


def test_an_invite_with_a_half_typed_person_who_accepted_reviews_and_adds(portal, admin, services):
    """Typed under Update, then the other choice: "Accepted by" no longer counts, and Review opens."""
    form = account_info(company_name="Half Typed Co", domain="halftyped1", agreement="invite", accepted="",
                        date_agreed="", accepted_first_name="Zed")
    confirmation = submit(portal, form)
    assert "Half Typed Co was added to your customers." in confirmation
    customer = find_customer(services, admin, "Half Typed Co")
    assert agreements.get_customer_agreements(services, actor_for(admin), customer.id, "*") == []


def test_confirmation_without_a_new_customer_goes_to_customers(portal, admin):
    assert portal.get(CONFIRMATION).location == "/dashboard/customers"


def _mixed(n: int, seed: int) -> str:
    """n different CJK characters: JSON escapes each to six bytes and zlib can't shrink them."""
    return "".join(chr(0x4E00 + (i * 7919 + seed) % 20000) for i in range(n))


def test_entries_too_long_for_the_session_cookie_are_refused_not_lost(portal, admin):
    """Every field at its limit in characters JSON escapes: the draft would not fit a cookie (~4 KB)."""
    form = account_info(company_name=_mixed(255, 1), address_line1=_mixed(200, 2), address_line2=_mixed(200, 3),
                        city=_mixed(100, 4), first_name=_mixed(50, 5), last_name=_mixed(50, 6), domain="big1",
                        accepted_first_name=_mixed(100, 7), accepted_last_name=_mixed(100, 8),
                        accepted_email="x" * 240 + "@example.com")
    response = portal.post(NEW, form)
    assert response.status_code == 400
    text = page_text(response)
    assert "Your entries are too long for the sandbox to keep between steps." in text
    assert f'value="{form["company_name"]}"' in text
    assert portal.get(REVIEW).location == NEW


def test_long_non_ascii_entries_that_fit_go_through(portal, admin, services):
    submit(portal, account_info(company_name="Société Générale Ünïcødé 株式会社", domain="unicode1",
                                city="Zürich", first_name="Zoë", last_name="Ångström"))
    assert find_customer(services, admin, "Société Générale Ünïcødé 株式会社").city == "Zürich"


def test_a_second_submit_sent_with_the_cookie_from_before_the_first_answer_gets_the_same_customer(portal, admin, services):
    """A double click without JavaScript: the browser sends the second Submit before the first answer's cookie
    arrives. One customer, and the second answer is the first one's Confirmation with its credentials."""
    assert portal.post(NEW, account_info(company_name="Twice Co", domain="twiceco1")).status_code == 302
    review = page_text(portal.get(REVIEW))
    before_first_answer = portal.client.get_cookie("session").value
    first = portal.post(REVIEW, {"action": "submit", "revision": _revision(review)})
    assert first.location == CONFIRMATION
    shown = page_text(portal.get(CONFIRMATION))
    portal.client.set_cookie("session", before_first_answer)  # the second click's request
    second = portal.post(REVIEW, {"action": "submit", "revision": _revision(review)})
    assert second.location == CONFIRMATION, page_text(second)
    password = re.compile(r"Temporary password</dt>\s*<dd[^>]*>([^<]+)</dd>")
    again = page_text(portal.get(CONFIRMATION))
    assert "Twice Co was added to your customers." in again
    assert password.search(again).group(1) == password.search(shown).group(1)
    page = customers.list_customers(services, actor_for(admin), size=1000)
    assert [v.customer.company_name for v in page.items].count("Twice Co") == 1
