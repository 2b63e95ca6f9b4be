"""The customer's Account page and its Microsoft Customer Agreement section (R-OPT1-EX-*, R-OPT1-GET-1,
R-OPT2-STATUS, R-RES-1, roles)."""

from __future__ import annotations

import re

import pytest
from api.helpers import agreement_body, bearer, request_token

from sandbox.domain.model import Role
from sandbox.domain.rules import Channel
from sandbox.services import agreements
from sandbox.services.context import Actor

from .helpers import page_text, set_clock, user_of

FUTURE = "The agreement acceptance date can't be in the future."


def actor_for(tenant: dict, partner_id: str | None = None) -> Actor:
    return Actor(workspace_id=tenant["id"], partner_id=partner_id or tenant["id"], user_id="t", role=Role.ADMIN_AGENT,
                 channel=Channel.PORTAL)


def add_customer(client, tenant: dict, state: str) -> dict:
    response = client.post(f"/_sandbox/tenants/{tenant['id']}/customers", json={"state": state})
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.get_json()


def mca_section(text: str) -> str:
    return text[text.index('aria-label="Microsoft Customer Agreement"'):]


def dd(section: str, term: str) -> str:
    match = re.search(rf"<dt>{re.escape(term)}</dt>\s*<dd>(.*?)</dd>", section, re.S)
    assert match, term
    return re.sub(r"<[^>]+>", "", match.group(1)).strip()


def test_account_page_sections(portal, admin):
    customer = admin["customers"][0]
    text = page_text(portal.get(f"/dashboard/customers/{customer['id']}/account"))
    assert f"<h1>{customer['companyName']}</h1>" in text
    assert '<nav class="tabs" aria-label="Customer menu">' in text
    assert ">Subscriptions</a>" in text and 'aria-current="page">Account</a>' in text
    assert "Customer Account Info</h2>" in text and "Bill-to</h2>" in text
    assert customer["id"] in text and customer["domain"] in text
    section = mca_section(text)
    assert "<h2>Microsoft Customer Agreement</h2>" in section
    assert dd(section, "Partner attestation") == "Not provided"
    assert dd(section, "Customer acceptance through Microsoft") == "Not provided"
    assert ">Update</a>" in section
    assert "<dt>Invitation</dt>" not in section


def test_update_confirms_acceptance_for_an_existing_customer(portal, admin, services):
    """R-OPT1-EX-1..5 end to end, then R-OPT1-GET-1 on the Account page and through the service."""
    customer = admin["customers"][0]
    form_page = page_text(portal.get(f"/dashboard/customers/{customer['id']}/agreement"))
    assert '<div id="mca-update" class="mca-update" role="group" aria-labelledby="mca-update-heading">' in form_page
    assert "Update Microsoft Customer Agreement</h3>" in form_page
    for label in ("First name", "Last name", "Email address", "Phone number (optional)", "Agreement acceptance date"):
        assert f">{label}</label>" in form_page
    assert ">Save</button>" in form_page and ">Cancel</button>" in form_page
    assert 'max="2020-03-15"' in form_page

    response = portal.post(f"/dashboard/customers/{customer['id']}/agreement", {
        "first_name": "Ann", "last_name": "Lee", "email": "ann@example.com", "phone": "", "date_agreed": "2020-03-01"})
    assert response.status_code == 302
    text = page_text(portal.get(response.location))
    assert 'role="status">The confirmation of the customer\'s acceptance of the Microsoft Customer Agreement was saved.' in text
    section = mca_section(text)
    assert dd(section, "Partner attestation") == "Provided"
    assert dd(section, "Accepted by") == "Ann Lee (ann@example.com)"
    assert dd(section, "Agreement acceptance date") == "03/01/2020"
    assert dd(section, "Confirmed by") == user_of(admin, "AdminAgent")["userName"]
    (found,) = agreements.get_customer_agreements(services, actor_for(admin), customer["id"], "MicrosoftCustomerAgreement")
    assert found.email == "ann@example.com"


def test_the_account_page_holds_the_update_form_hidden_until_update_opens_it(portal, admin):
    """With JavaScript, Update reveals the form in place; without it, its link opens the page with the form open."""
    customer = admin["customers"][0]
    text = page_text(portal.get(f"/dashboard/customers/{customer['id']}/account"))
    section = mca_section(text)
    link = rf'href="/dashboard/customers/{customer["id"]}/agreement"\s+data-reveal="mca-update"\s+aria-controls="mca-update"'
    assert re.search(link + r'\s+aria-expanded="false">Update</a>', section)
    assert '<div id="mca-update" class="mca-update" role="group" aria-labelledby="mca-update-heading" hidden>' in section
    assert re.search(r'id="f-email" name="email" type="email" value="[^"]+@', section)


def test_update_prefills_the_primary_contact(portal, admin):
    customer = admin["customers"][0]
    text = portal.text(f"/dashboard/customers/{customer['id']}/agreement")
    assert f'value="{customer["userName"]}"' not in text  # the admin user is not the contact
    assert re.search(r'id="f-email" name="email" type="email" value="[^"]+@', text)


@pytest.mark.parametrize("email", ["ann@example.com", "ann@"])
def test_update_refuses_a_future_date_and_keeps_the_values(portal, admin, services, email):
    """With another mistake beside it (a bad e-mail), both are named at once, as the Add customer wizard names
    them: the future date used to come only after the e-mail was put right and the form sent again."""
    customer = admin["customers"][0]
    response = portal.post(f"/dashboard/customers/{customer['id']}/agreement", {
        "first_name": "Ann", "last_name": "Lee", "email": email, "date_agreed": "2020-03-16"})
    assert response.status_code == 400
    text = page_text(response)
    assert f'id="f-date_agreed-error" role="alert">{FUTURE}</p>' in text
    assert 'value="2020-03-16"' in text and 'value="Ann"' in text
    bad_email = 'id="f-email-error" role="alert">Enter an email address like someone@example.com.</p>'
    assert (bad_email in text) == (email == "ann@")
    assert agreements.get_customer_agreements(services, actor_for(admin), customer["id"], "*") == []


@pytest.mark.parametrize(
    ("form", "field", "message"),
    [
        ({"date_agreed": "2020-02-31"}, "date_agreed", "Enter a valid date as YYYY-MM-DD, such as 2020-03-15."),
        ({"date_agreed": ""}, "date_agreed", "Enter the agreement acceptance date."),
        ({"first_name": ""}, "first_name", "Enter the first name."),
        ({"email": "<script>@x"}, "email", "Enter an email address like someone@example.com."),
        ({"last_name": "x" * 5000}, "last_name", "Enter at most 100 characters."),  # the API's Contact limit
        ({"phone": "DROP TABLE"}, "phone", "Enter a phone number with at least one digit."),
    ],
)
def test_update_refuses_bad_values_at_their_field(portal, admin, services, form, field, message):
    customer = admin["customers"][0]
    data = {"first_name": "Ann", "last_name": "Lee", "email": "ann@example.com", "date_agreed": "2020-03-01", **form}
    response = portal.post(f"/dashboard/customers/{customer['id']}/agreement", data)
    assert response.status_code == 400
    assert f'id="f-{field}-error" role="alert">{message}</p>' in page_text(response)
    assert "<script>@x" not in response.get_data(as_text=True)
    assert agreements.get_customer_agreements(services, actor_for(admin), customer["id"], "*") == []


@pytest.mark.parametrize(("change", "valid"), [
    ({"email": "a@b.c"}, False), ({"email": "ann..x@example.com"}, False), ({"email": "ann@localhost"}, False),
    ({"email": "o'brien@example.co.uk"}, True),
    ({"first_name": "x" * 100}, True), ({"first_name": "x" * 101}, False),
    ({"phone": "ext. 12345"}, True), ({"phone": "\u0661\u0662\u0663\u0664\u0665\u0666"}, True), ({"phone": "DROP TABLE"}, False),
])
def test_the_portal_and_the_api_take_the_same_person(portal, client, admin, change, valid):
    """One rule for the person who accepted (rules.is_email, is_phone, CONTACT_NAME_MAX): the portal saved
    a@b.c that the API refused, and refused names of 51 to 100 characters and phones the API took."""
    person = {"first_name": "Ann", "last_name": "Lee", "email": "ann@example.com", "phone": "", **change}
    portal_customer, api_customer = admin["customers"][0]["id"], admin["customers"][1]["id"]
    saved = portal.post(f"/dashboard/customers/{portal_customer}/agreement", {**person, "date_agreed": "2020-03-01"})
    contact = {"firstName": person["first_name"], "lastName": person["last_name"], "email": person["email"],
               "phoneNumber": person["phone"] or None}
    posted = client.post(f"/v1/customers/{api_customer}/agreements", headers=bearer(request_token(client, admin)),
                         json=agreement_body(primaryContact=contact, dateAgreed="2020-03-01T00:00:00Z"))
    assert (saved.status_code == 302, posted.status_code == 201) == (valid, valid), (saved.status_code, posted.get_data(as_text=True))


def test_the_account_page_takes_the_customers_id_in_any_case(portal, admin):
    """As the API does (/v1/customers/{ID} in upper case names the same customer)."""
    customer = admin["customers"][0]
    page = portal.get(f"/dashboard/customers/{customer['id'].upper()}/account")
    assert page.status_code == 200 and customer["companyName"] in page_text(page)


def test_update_duplicate_is_a_form_level_alert(portal, admin):
    """600061: the same contact confirmed again."""
    customer = admin["customers"][0]
    form = {"first_name": "Ann", "last_name": "Lee", "email": "ann@example.com", "date_agreed": "2020-03-01"}
    assert portal.post(f"/dashboard/customers/{customer['id']}/agreement", form).status_code == 302
    response = portal.post(f"/dashboard/customers/{customer['id']}/agreement", form)
    assert response.status_code == 409
    assert 'role="alert">A partner confirmed agreement already exists for the customer.</div>' in page_text(response)


def test_update_cancel_saves_nothing(portal, admin, services):
    customer = admin["customers"][0]
    response = portal.post(f"/dashboard/customers/{customer['id']}/agreement", {"action": "cancel", "date_agreed": "x"})
    assert response.location == f"/dashboard/customers/{customer['id']}/account"
    assert agreements.get_customer_agreements(services, actor_for(admin), customer["id"], "*") == []


@pytest.mark.parametrize("role", ["BillingAdmin", "HelpdeskAgent", "GlobalAdmin"])
def test_roles_that_cant_attest_see_the_section_read_only(portal, client, frozen_tenant, services, role):
    customer = frozen_tenant["customers"][0]
    portal.sign_in(user_of(frozen_tenant, role))
    section = mca_section(page_text(portal.get(f"/dashboard/customers/{customer['id']}/account")))
    assert dd(section, "Partner attestation") == "Not provided"
    assert ">Update</a>" not in section
    assert "Only an Admin agent or a Sales agent can confirm acceptance." in section
    assert portal.get(f"/dashboard/customers/{customer['id']}/agreement").status_code == 403
    response = portal.post(f"/dashboard/customers/{customer['id']}/agreement", {
        "first_name": "Ann", "last_name": "Lee", "email": "ann@example.com", "date_agreed": "2020-03-01"})
    assert response.status_code == 403  # the page a GET of the form gets, before the form is read
    assert "You don't have access to this page" in page_text(response)
    assert "Only an Admin agent or a Sales agent can confirm acceptance." in page_text(response)
    invalid = portal.post(f"/dashboard/customers/{customer['id']}/agreement", {"first_name": "", "date_agreed": "x"})
    assert invalid.status_code == 403 and "You don't have access to this page" in page_text(invalid)
    assert agreements.get_customer_agreements(services, actor_for(frozen_tenant), customer["id"], "*") == []


def test_an_indirect_reseller_sees_that_its_provider_must_attest(portal, client, services):
    made = client.post("/_sandbox/tenants", json={"kind": "IndirectReseller", "customers": 1}).get_json()
    set_clock(client, made["id"])
    customer = made["customers"][0]
    portal.sign_in(user_of(made, "AdminAgent"))
    section = mca_section(page_text(portal.get(f"/dashboard/customers/{customer['id']}/account")))
    assert ("Your indirect provider must confirm the customer's acceptance of the Microsoft Customer Agreement."
            in section)
    assert ">Update</a>" not in section
    assert portal.get(f"/dashboard/customers/{customer['id']}/agreement").status_code == 403
    response = portal.post(f"/dashboard/customers/{customer['id']}/agreement", {
        "first_name": "Ann", "last_name": "Lee", "email": "ann@example.com", "date_agreed": "2020-03-01"})
    assert response.status_code == 403
    assert ("Your indirect provider must confirm the customer's acceptance of the Microsoft Customer Agreement."
            in page_text(response))
    # its indirect provider can
    portal.post("/dashboard/signout")
    portal.sign_in(user_of(made["provider"], "AdminAgent"))
    assert portal.post(f"/dashboard/customers/{customer['id']}/agreement", {
        "first_name": "Ann", "last_name": "Lee", "email": "ann@example.com", "date_agreed": "2020-03-01"}).status_code == 302


def test_customer_acceptance_through_microsoft_is_shown(portal, client, admin):
    """R-OPT2-STATUS: the customer's own acceptance in the admin center."""
    made = add_customer(client, admin, "MCAAcceptedDirectly")
    section = mca_section(page_text(portal.get(f"/dashboard/customers/{made['id']}/account")))
    assert dd(section, "Customer acceptance through Microsoft") == "Provided"
    assert re.fullmatch(r"\d{2}/\d{2}/\d{4}", dd(section, "Accepted on"))
    assert dd(section, "Partner attestation") == "Not provided"


def test_a_pending_invitation_is_shown(portal, client, admin):
    made = add_customer(client, admin, "InvitationPending")
    section = mca_section(page_text(portal.get(f"/dashboard/customers/{made['id']}/account")))
    assert dd(section, "Invitation") == "Sent, waiting for the customer"


def test_a_cloud_agreement_confirmation_is_not_an_mca_attestation(portal, client, admin):
    made = add_customer(client, admin, "CloudAgreementOnly")
    section = mca_section(page_text(portal.get(f"/dashboard/customers/{made['id']}/account")))
    assert dd(section, "Partner attestation") == "Not provided"
    assert dd(section, "Microsoft Cloud Agreement").startswith("Confirmed, accepted on ")


def test_portal_attestation_before_2019_08_01_is_refused(portal, client, tenant, services):
    """R-TL-1 on the portal channel: the account page says so instead of offering Update, and a post is refused."""
    set_clock(client, tenant["id"], "2019-07-15T12:00:00+00:00")
    portal.sign_in(user_of(tenant, "AdminAgent"))
    customer = tenant["customers"][0]
    account = page_text(portal.get(f"/dashboard/customers/{customer['id']}/account"))
    assert ">Update</a>" not in account and "available from 2019-08-01 (R-TL-1)" in account
    response = portal.post(f"/dashboard/customers/{customer['id']}/agreement", {
        "first_name": "Ann", "last_name": "Lee", "email": "ann@example.com", "date_agreed": "2019-07-01"})
    assert response.status_code == 403
    assert "available from 2019-08-01 (R-TL-1)" in page_text(response)
    assert agreements.get_customer_agreements(services, actor_for(tenant), customer["id"], "*") == []


def test_a_customer_who_cannot_accept_in_the_admin_center_tells_the_partner_to_attest(portal, client, admin):
    """R-OPT2-CANT: the admin center sends such a customer back to its partner; the Account page says what to do,
    until the confirmation is saved."""
    made = client.post(f"/_sandbox/tenants/{admin['id']}/customers", json={"state": "CannotAcceptDirectly"}).get_json()
    url = f"/dashboard/customers/{made['id']}/account"
    remedy = "To resolve</strong>: You must attest on behalf of the customer."
    assert remedy in page_text(portal.get(url))
    assert remedy not in page_text(portal.get(f"/dashboard/customers/{admin['customers'][0]['id']}/account"))  # no purchases
    assert portal.post(f"/dashboard/customers/{made['id']}/agreement", {
        "first_name": "Ann", "last_name": "Lee", "email": "ann@example.com", "date_agreed": "2020-03-01",
    }).status_code == 302
    assert "can't accept the Microsoft Customer Agreement" not in page_text(portal.get(url))


def test_before_the_admin_center_takes_the_agreement_no_customer_is_singled_out(portal, client, admin):
    """Before 2020-02-03 (R-TL-6) no customer can accept in the admin center: the note about purchases would mislead."""
    made = client.post(f"/_sandbox/tenants/{admin['id']}/customers", json={"state": "CannotAcceptDirectly"}).get_json()
    client.put(f"/_sandbox/tenants/{admin['id']}/clock", json={"now": "2020-01-15T10:00:00+00:00", "frozen": True})
    assert "can't accept the Microsoft Customer Agreement" not in page_text(portal.get(f"/dashboard/customers/{made['id']}/account"))
