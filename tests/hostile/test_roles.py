"""Every role against every operation: what each may do, as the docs and the README's fidelity table say.
Only an Admin agent or a Sales agent confirms acceptance or requests a reseller relationship, and a Global admin,
an Admin agent or a Sales agent adds customers (403 / 900150 for the others); every role reads;
an indirect reseller confirms nothing and creates no customer (403 / 2032)."""

from __future__ import annotations

import pytest
from api.helpers import (
    MCA_TEMPLATE,
    add_customer,
    agreement_body,
    bearer,
    customer_body,
    request_token,
    set_clock,
)
from portal.helpers import Portal, user_of

from sandbox.domain import rules
from sandbox.domain.model import Role

ROLES = ["AdminAgent", "SalesAgent", "BillingAdmin", "HelpdeskAgent", "GlobalAdmin"]
MAY_CONFIRM = {"AdminAgent", "SalesAgent"}  # the docs: "Admin agent or Sales agent"
MAY_ADD_CUSTOMERS = {"GlobalAdmin", "AdminAgent", "SalesAgent"}  # "Add a new customer" (no User management admin here)
MAY_REQUEST_RELATIONSHIP = {"AdminAgent", "SalesAgent"}  # "Request a relationship with a customer"
# operation -> the roles that may call it (every role may call the others)
LIMITED = {"createCustomerAgreement": MAY_CONFIRM, "createCustomer": MAY_ADD_CUSTOMERS,
           "getRelationshipRequest": MAY_REQUEST_RELATIONSHIP}


def test_the_domain_declares_the_documented_roles():
    assert {role.value for role in Role} == set(ROLES)
    assert {role.value for role in rules.ATTESTING_ROLES} == MAY_CONFIRM
    assert {role.value for role in rules.CUSTOMER_ADDING_ROLES} == MAY_ADD_CUSTOMERS
    assert {role.value for role in rules.RELATIONSHIP_REQUESTING_ROLES} == MAY_REQUEST_RELATIONSHIP


def operations(customer: str, bought: str, subscription: str):
    """(name, method, path, body, status when allowed)."""
    return [
        ("getAgreementMetadata", "GET", "/v1/agreements?agreementType=*", None, 200),
        ("createCustomerAgreement", "POST", f"/v1/customers/{customer}/agreements",
         agreement_body(dateAgreed="2020-03-01T00:00:00Z"), 201),
        ("getCustomerAgreements", "GET", f"/v1/customers/{customer}/agreements?agreementType=*", None, 200),
        ("getAgreementDocument", "GET", f"/v1/agreementtemplates/{MCA_TEMPLATE}/document?country=NL&language=nl-NL", None, 200),
        ("getDirectSignedCustomerAgreementStatus", "GET",
         f"/v1/customers/{customer}/directSignedMicrosoftCustomerAgreementStatus", None, 200),
        ("createCustomer", "POST", "/v1/customers", customer_body(), 201),
        ("listCustomers", "GET", "/v1/customers", None, 200),
        ("getCustomer", "GET", f"/v1/customers/{customer}", None, 200),
        ("getCustomerCompanyProfile", "GET", f"/v1/customers/{customer}/profiles/company", None, 200),
        ("getCustomerBillingProfile", "GET", f"/v1/customers/{customer}/profiles/billing", None, 200),
        ("getRelationshipRequest", "GET", "/v1/customers/relationshiprequests", None, 200),
        ("createOrder", "POST", f"/v1/customers/{bought}/orders",
         {"lineItems": [{"offerId": "CFQ7TTC0LH18:0001", "quantity": 1}]}, 201),
        ("listOrders", "GET", f"/v1/customers/{bought}/orders", None, 200),
        ("listSubscriptions", "GET", f"/v1/customers/{bought}/subscriptions", None, 200),
        ("getSubscription", "GET", f"/v1/customers/{bought}/subscriptions/{subscription}", None, 200),
        ("updateSubscription", "PATCH", f"/v1/customers/{bought}/subscriptions/{subscription}", {"quantity": 4}, 200),
    ]


@pytest.fixture
def arranged(client, tenant):
    set_clock(client, tenant["id"], "2020-03-15T10:00:00+00:00")
    bought = add_customer(client, tenant["id"], "MCAAttested")["id"]
    subscriptions = client.get(f"/v1/customers/{bought}/subscriptions", headers=bearer(request_token(client, tenant)))
    return {"customer": tenant["customers"][0]["id"], "bought": bought,
            "subscription": subscriptions.get_json()["items"][0]["id"]}


@pytest.mark.parametrize("role", ROLES)
def test_each_role_on_every_operation(client, tenant, arranged, role):
    headers = bearer(request_token(client, tenant, role))
    for name, method, path, body, allowed in operations(arranged["customer"], arranged["bought"], arranged["subscription"]):
        response = client.open(path, method=method, headers=headers, json=body)
        if role not in LIMITED.get(name, ROLES):
            assert response.status_code == 403 and response.get_json()["code"] == 900150, (role, name)
        else:
            assert response.status_code == allowed, (role, name, response.get_data(as_text=True)[:300])


@pytest.mark.parametrize("role", ROLES)
def test_each_role_on_the_portals_agreement_pages(client, tenant, role):
    set_clock(client, tenant["id"], "2020-03-15T10:00:00+00:00")
    portal = Portal(client)
    portal.sign_in(user_of(tenant, role))
    customer = tenant["customers"][0]["id"]
    page = portal.get(f"/dashboard/customers/{customer}/agreement")
    posted = portal.post(f"/dashboard/customers/{customer}/agreement",
                         {"first_name": "Tania", "last_name": "Carr", "email": "tania@example.com", "date_agreed": "2020-03-10"})
    account = portal.text(f"/dashboard/customers/{customer}/account")  # every role reads the account page
    wizard = portal.get("/dashboard/customers/new")
    if role in MAY_CONFIRM:
        assert page.status_code == 200 and posted.status_code == 302
        assert "Tania" in portal.text(f"/dashboard/customers/{customer}/account")
    else:
        assert page.status_code == 403 and posted.status_code == 403
        assert "Tania Carr" not in account
        if role in MAY_ADD_CUSTOMERS:  # a Global admin adds customers, with the attestation choice disabled
            assert wizard.status_code == 200
            assert "Only an Admin agent or a Sales agent can confirm acceptance." in wizard.get_data(as_text=True)
        else:
            assert wizard.status_code == 403


@pytest.mark.parametrize("role", ROLES)
def test_each_role_on_the_portals_customer_actions(client, tenant, role):
    """Add customer and Request a reseller relationship: offered, and open, to the roles that may; the others
    are neither offered them nor let in."""
    set_clock(client, tenant["id"], "2020-03-15T10:00:00+00:00")
    portal = Portal(client)
    portal.sign_in(user_of(tenant, role))
    customers = portal.text("/dashboard/customers")
    assert (">Add customer</a>" in customers) == (role in MAY_ADD_CUSTOMERS)
    assert (">Request a reseller relationship</a>" in customers) == (role in MAY_REQUEST_RELATIONSHIP)
    assert portal.get("/dashboard/customers/new").status_code == (200 if role in MAY_ADD_CUSTOMERS else 403)
    request = portal.get("/dashboard/customers/request-relationship")
    assert request.status_code == (200 if role in MAY_REQUEST_RELATIONSHIP else 403)


@pytest.mark.parametrize("role", ROLES)
def test_an_indirect_resellers_roles_confirm_nothing_and_create_no_customer(client, role):
    reseller = client.post("/_sandbox/tenants", json={"kind": "IndirectReseller", "customers": 1}).get_json()
    set_clock(client, reseller["id"], "2020-03-15T10:00:00+00:00")
    headers = bearer(request_token(client, reseller, role))
    customer = reseller["customers"][0]["id"]
    confirmed = client.post(f"/v1/customers/{customer}/agreements", headers=headers,
                            json=agreement_body(dateAgreed="2020-03-01T00:00:00Z"))
    assert confirmed.status_code == 403 and confirmed.get_json()["code"] == 2032
    created = client.post("/v1/customers", headers=headers, json=customer_body())
    assert created.status_code == 403 and created.get_json()["code"] == 2032
    assert client.get(f"/v1/customers/{customer}", headers=headers).status_code == 200  # its own customers: readable
    assert client.get("/v1/customers", headers=headers).get_json()["items"]
