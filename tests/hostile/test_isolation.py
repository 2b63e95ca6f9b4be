"""Two partner tenants on one sandbox: partner A, with its own valid token or session, aimed at partner B's
customers and records gets 404 and learns nothing; B's records are untouched. A customer in the admin
center sees only its own tenant and partners."""

from __future__ import annotations

import json
import uuid

import pytest
from admin_center.conftest import PARTNERS_URL, AdminCenter, invitation_url
from api.helpers import agreement_body, bearer, customer_body, request_token
from portal.helpers import Portal, set_clock, user_of

from .helpers import snapshot

ORDER = {"lineItems": [{"offerId": "CFQ7TTC0LH18:0001", "quantity": 1}]}


@pytest.fixture
def two_partners(client):
    """Partner A and partner B, each a tenant with customers; B's first customer has the MCA and a subscription."""
    a = client.post("/_sandbox/tenants", json={"customers": 2}).get_json()
    b = client.post("/_sandbox/tenants", json={"customers": 2}).get_json()
    for tenant in (a, b):
        set_clock(client, tenant["id"])
    b_headers = bearer(request_token(client, b))
    b_customer = b["customers"][0]["id"]
    assert client.post(f"/v1/customers/{b_customer}/agreements", headers=b_headers,
                       json=agreement_body(dateAgreed="2020-03-01T00:00:00Z")).status_code == 201
    order = client.post(f"/v1/customers/{b_customer}/orders", headers=b_headers, json=ORDER).get_json()
    return {"a": a, "b": b, "b_customer": b_customer, "b_subscription": order["lineItems"][0]["subscriptionId"],
            "b_order": order["id"], "a_customer": a["customers"][0]["id"]}


def aimed_at(customer: str, subscription: str, order: str) -> list[tuple[str, str, dict | None]]:
    return [
        ("GET", f"/v1/customers/{customer}", None),
        ("GET", f"/v1/customers/{customer}/profiles/company", None),
        ("GET", f"/v1/customers/{customer}/profiles/billing", None),
        ("GET", f"/v1/customers/{customer}/agreements?agreementType=*", None),
        ("POST", f"/v1/customers/{customer}/agreements", agreement_body(dateAgreed="2020-03-01T00:00:00Z")),
        ("GET", f"/v1/customers/{customer}/directSignedMicrosoftCustomerAgreementStatus", None),
        ("POST", f"/v1/customers/{customer}/orders", ORDER),
        ("GET", f"/v1/customers/{customer}/orders", None),
        ("GET", f"/v1/customers/{customer}/orders/{order}", None),
        ("GET", f"/v1/customers/{customer}/subscriptions", None),
        ("GET", f"/v1/customers/{customer}/subscriptions/{subscription}", None),
        ("PATCH", f"/v1/customers/{customer}/subscriptions/{subscription}", {"quantity": 5}),
    ]


def _same_without(text: str, *ids: str) -> str:
    for value in ids:
        text = text.replace(value, "<id>").replace(value.upper(), "<id>")
    return text


@pytest.mark.parametrize("role", ["AdminAgent", None], ids=["App+User", "App-only"])
def test_partner_a_gets_404_on_every_operation_aimed_at_partner_bs_records(app, client, two_partners, role):
    a, b = two_partners["a"], two_partners["b"]
    headers = bearer(request_token(client, a, role))
    b_names = [c["companyName"] for c in b["customers"]] + [c["domain"] for c in b["customers"]] + [b["name"]]
    unknown_customer, unknown_subscription, unknown_order = str(uuid.uuid4()), str(uuid.uuid4()), str(uuid.uuid4())
    before = snapshot(app)
    b_subscription, b_order = two_partners["b_subscription"], two_partners["b_order"]
    for customer in (two_partners["b_customer"], two_partners["a_customer"]):  # B's customer; A's own, with B's ids
        for (method, path, body), (_, unknown_path, _) in zip(aimed_at(customer, b_subscription, b_order),
                                                             aimed_at(unknown_customer if customer != two_partners["a_customer"]
                                                                      else customer, unknown_subscription, unknown_order),
                                                             strict=True):
            if customer == two_partners["a_customer"] and b_subscription not in path and b_order not in path:
                continue  # A's own customer: only B's subscription and order under it are aimed at
            response = client.open(path, method=method, headers=headers, json=body)
            if role is None and ("agreements" in path or "directSigned" in path):
                assert response.status_code == 403, path  # App+User-only: refused for the token, before any lookup
                assert response.get_json()["code"] == 2032
                continue
            assert response.status_code == 404, (method, path, response.get_data(as_text=True))
            assert response.get_json()["code"] == 1000
            text = response.get_data(as_text=True)
            assert not any(name in text for name in b_names), text
            unknown = client.open(unknown_path, method=method, headers=headers, json=body)
            # byte for byte what an id that exists nowhere gets: the answer tells nothing about B
            assert _same_without(text, customer, b_subscription, b_order) == _same_without(
                unknown.get_data(as_text=True), unknown_customer, unknown_subscription, unknown_order, customer)
    listed = client.get("/v1/customers?size=500", headers=headers).get_json()["items"]
    assert {c["id"] for c in listed} == {c["id"] for c in a["customers"]}
    assert snapshot(app) == before


def test_a_tokens_request_ids_and_journal_stay_in_its_tenant(client, two_partners):
    a, b = two_partners["a"], two_partners["b"]
    a_headers, b_headers = bearer(request_token(client, a)), bearer(request_token(client, b))
    client.get("/v1/customers", headers=b_headers)
    journal_a = json.dumps(client.get(f"/_sandbox/tenants/{a['id']}/journal").get_json())
    assert two_partners["b_customer"] not in journal_a and b["customers"][1]["companyName"] not in journal_a
    # B's token names B's tenant: it is refused on A's token endpoint alias and reads only B's records
    assert {c["id"] for c in client.get("/v1/customers", headers=b_headers).get_json()["items"]} == {
        c["id"] for c in b["customers"]}
    assert client.get(f"/v1/customers/{two_partners['a_customer']}", headers=b_headers).status_code == 404
    assert client.get(f"/v1/customers/{two_partners['a_customer']}", headers=a_headers).status_code == 200


def test_partner_a_signed_in_to_the_portal_gets_404_on_partner_bs_customer_pages(app, client, two_partners):
    a, b = two_partners["a"], two_partners["b"]
    portal = Portal(client)
    portal.sign_in(user_of(a, "AdminAgent"))
    customer, subscription = two_partners["b_customer"], two_partners["b_subscription"]
    b_names = [b["customers"][0]["companyName"], b["customers"][0]["domain"]]
    before = snapshot(app)
    pages = [
        ("GET", f"/dashboard/customers/{customer}/account", None),
        ("GET", f"/dashboard/customers/{customer}/agreement", None),
        ("POST", f"/dashboard/customers/{customer}/agreement",
         {"first_name": "A", "last_name": "B", "email": "a@b.example", "date_agreed": "2020-03-01"}),
        ("GET", f"/dashboard/customers/{customer}/subscriptions", None),
        ("POST", f"/dashboard/customers/{customer}/subscriptions", {"offer": "CFQ7TTC0LH18:0001", "quantity": "1"}),
        ("POST", f"/dashboard/customers/{customer}/subscriptions/{subscription}", {"quantity": "7"}),
        ("POST", f"/dashboard/customers/{two_partners['a_customer']}/subscriptions/{subscription}", {"quantity": "7"}),
    ]
    for method, path, form in pages:
        response = portal.post(path, form) if method == "POST" else portal.get(path)
        text = response.get_data(as_text=True)
        assert response.status_code == 404, (path, response.status_code)
        assert not any(name in text for name in b_names), path
    assert portal.get(f"/dashboard/customers/{customer}", follow_redirects=True).status_code == 404
    # the search box echoes the query, so look for what only a result row would show: B's id and domain
    search = portal.text("/dashboard/customers?q=" + b["customers"][0]["companyName"][:6])
    assert b["customers"][0]["id"] not in search
    assert b["customers"][0]["domain"] not in search
    assert snapshot(app) == before


def test_a_customer_in_the_admin_center_sees_only_its_own_tenant_and_partners(app, client, two_partners):
    a, b = two_partners["a"], two_partners["b"]
    center = AdminCenter(client)
    customer = a["customers"][0]
    page = center.open_signed_in(customer, PARTNERS_URL).get_data(as_text=True)
    assert a["name"].split()[0] in page and b["name"] not in page
    before = snapshot(app)
    # an invitation from a partner of another tenant: not valid here, nothing accepted
    for url in (invitation_url(b["id"]), invitation_url(b["id"], dap="false")):
        assert client.get(url).status_code == 404
        assert center.post(url, {"authorize": "on", "accept": "on"}).status_code == 404
    details = client.get(f"/AdminPortal/Home?ref=/partners/{b['id']}")
    assert details.status_code == 404 and b["name"] not in details.get_data(as_text=True)
    assert snapshot(app) == before
    # the agreement page is the signed-in customer's own, whatever the query says
    other = client.get(f"/AdminPortal/Home?ref=/BillingAccounts/agreement&customerId={two_partners['b_customer']}")
    assert b["customers"][0]["companyName"] not in other.get_data(as_text=True)


@pytest.mark.parametrize("role", ["AdminAgent", None], ids=["App+User", "App-only"])
def test_in_one_tenant_a_reseller_gets_404_on_its_providers_own_customers(app, client, role):
    """Partners sharing a tenant: the indirect provider's customer, made without the reseller, is not the
    reseller's; every operation aimed at it answers as for an id that exists nowhere, and changes nothing."""
    reseller = client.post("/_sandbox/tenants", json={"kind": "IndirectReseller", "customers": 1}).get_json()
    set_clock(client, reseller["id"])
    provider = bearer(request_token(client, reseller["provider"]))
    made = client.post("/v1/customers", headers=provider, json=customer_body())
    assert made.status_code == 201, made.get_data(as_text=True)
    customer = made.get_json()["id"]
    assert client.post(f"/v1/customers/{customer}/agreements", headers=provider,
                       json=agreement_body(dateAgreed="2020-03-01T00:00:00Z")).status_code == 201
    order = client.post(f"/v1/customers/{customer}/orders", headers=provider, json=ORDER).get_json()
    subscription = order["lineItems"][0]["subscriptionId"]
    headers = bearer(request_token(client, reseller, role))
    unknown = (str(uuid.uuid4()), str(uuid.uuid4()), str(uuid.uuid4()))
    before = snapshot(app)
    for (method, path, body), (_, unknown_path, _) in zip(aimed_at(customer, subscription, order["id"]),
                                                         aimed_at(*unknown), strict=True):
        response = client.open(path, method=method, headers=headers, json=body)
        if role is None and ("agreements" in path or "directSigned" in path):
            assert response.status_code == 403, path  # App+User-only: refused for the token, before any lookup
            continue
        assert response.status_code == 404, (method, path, response.get_data(as_text=True))
        other = client.open(unknown_path, method=method, headers=headers, json=body)
        assert _same_without(response.get_data(as_text=True), customer, subscription, order["id"]) == _same_without(
            other.get_data(as_text=True), *unknown)
    assert customer not in {c["id"] for c in client.get("/v1/customers", headers=headers).get_json()["items"]}
    assert snapshot(app) == before


def test_two_partners_of_one_customer_see_and_change_only_their_own_purchases(app, client):
    """A customer with two partners in one tenant (it accepted the second's relationship link): each partner
    lists, reads and changes only the orders and subscriptions it placed; the other's are not found."""
    import random

    from sandbox import seed
    from sandbox.services import admin_center

    services = app.extensions["services"]
    demo = seed.create_tenant(services, seed=random.randrange(10**9), demo=True)
    set_clock(client, demo["id"])
    direct, provider = (next(p for p in demo["partners"] if p["kind"] == kind) for kind in ("DirectBill", "IndirectProvider"))
    direct_headers, provider_headers = bearer(request_token(client, direct)), bearer(request_token(client, provider))
    customer = seed.add_customer(services, demo["id"], state="MCAAttested", partner_id=direct["id"])["id"]
    admin_center.accept_invitation(services, customer, provider["id"], delegated_admin=False)  # its link, accepted
    assert client.get(f"/v1/customers/{customer}", headers=provider_headers).status_code == 200

    mine = client.post(f"/v1/customers/{customer}/orders", headers=direct_headers, json=ORDER).get_json()
    theirs = client.post(f"/v1/customers/{customer}/orders", headers=provider_headers, json=ORDER).get_json()
    for headers, own, other in ((direct_headers, mine, theirs), (provider_headers, theirs, mine)):
        subscription = other["lineItems"][0]["subscriptionId"]
        listed = client.get(f"/v1/customers/{customer}/subscriptions", headers=headers).get_json()["items"]
        assert own["lineItems"][0]["subscriptionId"] in {s["id"] for s in listed}
        assert subscription not in {s["id"] for s in listed}
        orders = client.get(f"/v1/customers/{customer}/orders", headers=headers).get_json()["items"]
        assert [o["id"] for o in orders if o["id"] in (own["id"], other["id"])] == [own["id"]]
        before = snapshot(app)
        for method, path, body in [("GET", f"/v1/customers/{customer}/orders/{other['id']}", None),
                                   ("GET", f"/v1/customers/{customer}/subscriptions/{subscription}", None),
                                   ("PATCH", f"/v1/customers/{customer}/subscriptions/{subscription}",
                                    {"quantity": 7, "friendlyName": "renamed by the other partner"})]:
            response = client.open(path, method=method, headers=headers, json=body)
            assert response.status_code == 404 and response.get_json()["code"] == 1000, (method, path, response.get_json())
        assert snapshot(app) == before


@pytest.mark.parametrize("role", ["AdminAgent", None], ids=["App+User", "App-only"])
def test_an_indirect_reseller_sees_its_providers_purchases_but_places_and_changes_none(app, client, role):
    """Its indirect provider buys for the customers they share (403 / 2032 for the reseller, nothing stored);
    the reseller still lists what the provider bought for them."""
    reseller = client.post("/_sandbox/tenants", json={"kind": "IndirectReseller", "customers": 1}).get_json()
    set_clock(client, reseller["id"])
    customer = reseller["customers"][0]["id"]
    provider = bearer(request_token(client, reseller["provider"]))
    assert client.post(f"/v1/customers/{customer}/agreements", headers=provider,
                       json=agreement_body(dateAgreed="2020-03-01T00:00:00Z")).status_code == 201
    order = client.post(f"/v1/customers/{customer}/orders", headers=provider, json=ORDER).get_json()
    subscription = order["lineItems"][0]["subscriptionId"]
    headers = bearer(request_token(client, reseller, role))

    before = snapshot(app)
    for method, path, body in [("POST", f"/v1/customers/{customer}/orders", ORDER),
                               ("PATCH", f"/v1/customers/{customer}/subscriptions/{subscription}", {"quantity": 3}),
                               ("PATCH", f"/v1/customers/{customer}/subscriptions/{subscription}", {"friendlyName": "x"}),
                               # refused before the values are looked at: not 400 / 3000 for a quantity of 0
                               ("PATCH", f"/v1/customers/{customer}/subscriptions/{subscription}", {"quantity": 0}),
                               ("POST", f"/v1/customers/{customer}/orders",
                                {"lineItems": [{"offerId": "NOT-AN-OFFER", "quantity": 0}]})]:
        response = client.open(path, method=method, headers=headers, json=body)
        assert response.status_code == 403 and response.get_json()["code"] == 2032, (method, body, response.get_json())
    assert snapshot(app) == before
    listed = client.get(f"/v1/customers/{customer}/subscriptions", headers=headers).get_json()["items"]
    assert [s["id"] for s in listed] == [subscription]
    assert client.get(f"/v1/customers/{customer}/orders/{order['id']}", headers=headers).status_code == 200
