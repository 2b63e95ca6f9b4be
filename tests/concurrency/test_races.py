"""Races that a shared sandbox meets: many identical confirmations at once, a customer accepting in the
admin center while its partner confirms. Exactly one record each, no 5xx; on SQLite (file) and PostgreSQL."""

from __future__ import annotations

import html
import re
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import parse_qs, urlsplit

import requests
from api.helpers import RESOURCE, agreement_body, customer_body
from sqlalchemy import func, select

from sandbox.domain.errors import PartnerCenterError
from sandbox.services import admin_center
from sandbox.store import orm

from .conftest import new_tenant, token_for

CLIENTS = 50


def hammer(n: int, call) -> list:
    """``n`` calls of ``call(i)`` released together by a barrier; their results (or exceptions)."""
    barrier = threading.Barrier(n)

    def one(i):
        barrier.wait(timeout=30)
        try:
            return call(i)
        except Exception as exc:  # noqa: BLE001 - reported by the test
            return exc

    with ThreadPoolExecutor(max_workers=n) as pool:
        return list(pool.map(one, range(n), timeout=120))


def count(app, table, **where) -> int:
    stmt = select(func.count()).select_from(table)
    for column, value in where.items():
        stmt = stmt.where(table.c[column] == value)
    with app.extensions["engine"].connect() as connection:
        return connection.execute(stmt).scalar()


def post_agreement(url: str, customer_id: str, headers: dict):
    return requests.post(f"{url}/v1/customers/{customer_id}/agreements", json=agreement_body(), headers=headers, timeout=60)


def test_fifty_identical_confirmations_make_one_record(live):
    tenant = new_tenant(live.url)
    customer = tenant["customers"][0]["id"]
    headers = {"Authorization": f"Bearer {token_for(live.url, tenant)}"}

    answers = hammer(CLIENTS, lambda i: post_agreement(live.url, customer, headers))

    assert not [a for a in answers if isinstance(a, Exception)], answers
    statuses = sorted(a.status_code for a in answers)
    assert statuses.count(201) == 1, statuses
    assert all(a.json()["code"] == 600061 for a in answers if a.status_code == 409), statuses
    assert set(statuses) == {201, 409}
    assert count(live.app, orm.attestations, customer_id=customer) == 1


def test_fifty_retries_with_one_request_id_make_one_record_and_replay_it(live):
    tenant = new_tenant(live.url)
    customer = tenant["customers"][0]["id"]
    headers = {"Authorization": f"Bearer {token_for(live.url, tenant)}", "MS-RequestId": str(uuid.uuid4())}

    answers = hammer(CLIENTS, lambda i: post_agreement(live.url, customer, headers))

    assert not [a for a in answers if isinstance(a, Exception)], answers
    created = [a for a in answers if a.status_code == 201]
    others = [a for a in answers if a.status_code != 201]
    assert created and len({a.text for a in created}) == 1  # the first answer, replayed byte for byte
    # a twin still running is 409 / 409 (retry shortly), never a second confirmation
    assert all(a.status_code == 409 and a.json()["code"] in (409, 600061) for a in others), [a.text for a in others]
    assert count(live.app, orm.attestations, customer_id=customer) == 1
    again = post_agreement(live.url, customer, headers)
    assert again.status_code == 201 and again.text == created[0].text


def test_mixed_retries_and_new_requests_make_one_record(live):
    tenant = new_tenant(live.url)
    customer = tenant["customers"][0]["id"]
    token = token_for(live.url, tenant)
    shared = str(uuid.uuid4())

    def call(i):
        headers = {"Authorization": f"Bearer {token}", "MS-RequestId": shared if i % 2 else str(uuid.uuid4())}
        return post_agreement(live.url, customer, headers)

    answers = hammer(CLIENTS, call)

    assert not [a for a in answers if isinstance(a, Exception)], answers
    assert all(a.status_code in (201, 409) for a in answers), sorted(a.status_code for a in answers)
    assert all(a.json()["code"] in (409, 600061) for a in answers if a.status_code == 409)
    assert count(live.app, orm.attestations, customer_id=customer) == 1


def test_direct_acceptance_racing_confirmations(live):
    """Half the callers are the customer accepting in the admin center, half the partner confirming."""
    tenant = new_tenant(live.url)
    customer = tenant["customers"][0]["id"]
    headers = {"Authorization": f"Bearer {token_for(live.url, tenant)}"}
    services = live.app.extensions["services"]

    def call(i):
        if i % 2:
            return admin_center.accept_agreement_directly(services, customer)
        return post_agreement(live.url, customer, headers)

    answers = hammer(CLIENTS, call)

    errors = [a for a in answers if isinstance(a, Exception)]
    assert all(isinstance(e, PartnerCenterError) for e in errors), errors
    acceptances = [a for a in answers if not isinstance(a, Exception | requests.Response)]
    assert len({a.id for a in acceptances}) == 1 and len(acceptances) == CLIENTS // 2  # accepting twice changes nothing
    statuses = sorted(a.status_code for a in answers if isinstance(a, requests.Response))
    assert statuses.count(201) == 1 and set(statuses) == {201, 409}, statuses
    assert count(live.app, orm.direct_acceptances, customer_id=customer) == 1
    assert count(live.app, orm.attestations, customer_id=customer) == 1
    status = requests.get(f"{live.url}/v1/customers/{customer}/directSignedMicrosoftCustomerAgreementStatus",
                          headers=headers, timeout=30)
    assert status.json() == {"isSigned": True}


def test_one_invitation_accepted_at_once_in_many_tabs_makes_one_relationship_and_one_acceptance(live):
    """A customer without a partner accepts a partner's reseller invitation (with the agreement) in 20 tabs at
    once, half of them granting delegated admin: no error, one relationship (with delegated admin), one
    acceptance of the agreement."""
    tenant = new_tenant(live.url)
    services = live.app.extensions["services"]
    made = requests.post(f"{live.url}/_sandbox/tenants/{tenant['id']}/customers", json={"state": "NoRelationship"},
                         timeout=30).json()

    answers = hammer(20, lambda i: admin_center.accept_invitation(services, made["id"], tenant["id"],
                                                                  delegated_admin=bool(i % 2)))

    assert not [a for a in answers if isinstance(a, Exception)], answers
    assert len({a.id for a in answers}) == 1
    assert count(live.app, orm.relationships, customer_id=made["id"]) == 1
    assert count(live.app, orm.direct_acceptances, customer_id=made["id"]) == 1
    [relation] = admin_center.list_customer_partners(services, made["id"])
    assert relation.relationship == "Reseller & delegated administrator"


def test_fifty_concurrent_new_customers_all_land(live):
    """Writes of different records at once: every 201 is there, and nothing else."""
    tenant = new_tenant(live.url, customers=0)
    headers = {"Authorization": f"Bearer {token_for(live.url, tenant)}"}
    from api.helpers import customer_body

    answers = hammer(CLIENTS, lambda i: requests.post(f"{live.url}/v1/customers", json=customer_body(), headers=headers,
                                                      timeout=60))

    assert not [a for a in answers if isinstance(a, Exception)], answers
    assert sorted({a.status_code for a in answers}) == [201], [a.text for a in answers if a.status_code != 201][:3]
    assert count(live.app, orm.customers, workspace_id=tenant["id"]) == CLIENTS


def test_confirmations_racing_the_deletion_of_their_tenant_are_never_false_duplicates(live):
    """Each caller confirms a contact of its own while the tenant is deleted: a 201 before the deletion, a
    401 or 404 after it; never 600061 (no contact was confirmed twice), never a 5xx."""
    tenant = new_tenant(live.url)
    customer = tenant["customers"][0]["id"]
    headers = {"Authorization": f"Bearer {token_for(live.url, tenant)}"}

    def call(i):
        if i == CLIENTS // 2:
            return requests.delete(f"{live.url}/_sandbox/tenants/{tenant['id']}", timeout=60)
        contact = {**agreement_body()["primaryContact"], "email": f"contact{i}@example.com"}
        return requests.post(f"{live.url}/v1/customers/{customer}/agreements", headers=headers, timeout=60,
                             json=agreement_body(primaryContact=contact))

    answers = hammer(CLIENTS, call)

    assert not [a for a in answers if isinstance(a, Exception)], answers
    statuses = sorted(a.status_code for a in answers)
    assert set(statuses) <= {201, 204, 401, 404}, [(a.status_code, a.text[:120]) for a in answers if a.status_code >= 409]


def test_customers_created_at_once_with_one_domain_make_one_customer(live):
    """The domain check and the insert race: the losers get the check's own 400 / 3000, never a 5xx."""
    tenant = new_tenant(live.url)
    headers = {"Authorization": f"Bearer {token_for(live.url, tenant)}"}
    body = customer_body()

    answers = hammer(16, lambda i: requests.post(f"{live.url}/v1/customers", json=body, headers=headers, timeout=60))

    assert not [a for a in answers if isinstance(a, Exception)], answers
    statuses = sorted(a.status_code for a in answers)
    assert statuses.count(201) == 1 and set(statuses) == {201, 400}, [(a.status_code, a.text[:100]) for a in answers]
    assert all(a.json()["code"] == 3000 and "isn't available" in a.json()["description"] for a in answers if a.status_code == 400)


def assert_one_token_of_twenty_redemptions(live, tenant: dict, form: dict) -> None:
    """Twenty token requests with one code at once: exactly one token, the others Entra's 54005."""
    answers = hammer(20, lambda i: requests.post(f"{live.url}/{tenant['id']}/oauth2/token", data=form, timeout=60))

    assert not [a for a in answers if isinstance(a, Exception)], answers
    statuses = sorted(a.status_code for a in answers)
    assert statuses.count(200) == 1, [a.text for a in answers if a.status_code != 400]
    assert all(a.json()["error_codes"] == [54005] for a in answers if a.status_code == 400), statuses
    assert set(statuses) == {200, 400}


def test_twenty_redemptions_of_one_authorization_code_give_one_token(live):
    """The authorization code grant: a code is single use across threads (and processes): of redemptions at
    once, exactly one gets a token, the others Entra's 54005; one row in redeemed_codes."""
    tenant = new_tenant(live.url)
    app, admin = tenant["application"], next(u for u in tenant["users"] if u["role"] == "AdminAgent")
    redirect_uri = "http://localhost:8400/callback"
    browser = requests.Session()
    page = browser.get(f"{live.url}/{tenant['id']}/oauth2/authorize", timeout=30, params={
        "client_id": app["clientId"], "response_type": "code", "redirect_uri": redirect_uri, "resource": RESOURCE})
    action = html.unescape(re.search(r'<form method="post" action="([^"]+)"', page.text).group(1))
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    signed_in = browser.post(f"{live.url}{action}", allow_redirects=False, timeout=30,
                             data={"csrf_token": csrf, "username": admin["userName"], "password": admin["password"]})
    code = parse_qs(urlsplit(signed_in.headers["Location"]).query)["code"][0]
    form = {"grant_type": "authorization_code", "client_id": app["clientId"], "client_secret": app["clientSecret"],
            "code": code, "redirect_uri": redirect_uri, "resource": RESOURCE}

    assert_one_token_of_twenty_redemptions(live, tenant, form)
    assert count(live.app, orm.redeemed_codes) == 1


def test_twenty_redemptions_of_one_device_code_give_one_token(live):
    """The device code grant: a device code signed in for is single use across threads (and processes): of polls
    at once, exactly one gets a token, the others 54005; its row says redeemed."""
    tenant = new_tenant(live.url)
    app, admin = tenant["application"], next(u for u in tenant["users"] if u["role"] == "AdminAgent")
    flow = requests.post(f"{live.url}/{tenant['id']}/oauth2/devicecode", timeout=30,
                         data={"client_id": app["clientId"], "resource": RESOURCE}).json()
    browser = requests.Session()
    page = browser.get(f"{live.url}/devicelogin", timeout=30)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    signed_in = browser.post(f"{live.url}/devicelogin", timeout=30, data={
        "csrf_token": csrf, "otc": flow["user_code"], "username": admin["userName"], "password": admin["password"]})
    assert "You have signed in" in signed_in.text, signed_in.text
    form = {"grant_type": "device_code", "client_id": app["clientId"], "code": flow["device_code"], "resource": RESOURCE}

    assert_one_token_of_twenty_redemptions(live, tenant, form)
    with live.app.extensions["engine"].connect() as connection:
        [redeemed] = connection.execute(select(orm.device_authorizations.c.redeemed_at)).scalars().all()
    assert redeemed is not None
