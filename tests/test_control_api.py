"""The control API under /_sandbox: tenants, clocks, seeded customers, and its refusals."""

from __future__ import annotations

import pytest
from api.helpers import bearer, request_token

from sandbox.app import create_app
from sandbox.domain.rules import CLOUD_AGREEMENT

ROLES = {"AdminAgent", "SalesAgent", "BillingAdmin", "HelpdeskAgent", "GlobalAdmin"}


def test_health(client):
    assert client.get("/_sandbox/health").get_json() == {"status": "ok", "service": "mca-sandbox"}


def test_create_tenant_answers_everything_a_test_needs_in_one_call(client):
    response = client.post("/_sandbox/tenants", json={"kind": "IndirectProvider", "customers": 2, "seed": 1234})
    assert response.status_code == 201
    body = response.get_json()
    assert {"id", "name", "kind", "users", "application", "customers", "clock"} <= body.keys()
    assert body["kind"] == "IndirectProvider"
    assert {u["role"] for u in body["users"]} == ROLES
    assert all(u["userName"] and u["password"] for u in body["users"])
    assert body["application"]["clientId"] and body["application"]["clientSecret"]
    assert [set(c) >= {"id", "companyName", "domain", "country", "userName", "password"} for c in body["customers"]] == [True] * 2
    assert body["clock"]["frozen"] is False


def test_an_indirect_reseller_comes_with_its_provider(client):
    body = client.post("/_sandbox/tenants", json={"kind": "IndirectReseller"}).get_json()
    assert body["kind"] == "IndirectReseller"
    assert body["provider"]["kind"] == "IndirectProvider"
    summary = client.get(f"/_sandbox/tenants/{body['id']}").get_json()
    reseller = next(p for p in summary["partners"] if p["id"] == body["id"])
    assert reseller["providerId"] == body["provider"]["id"]


def test_a_partners_tenant_id_stands_for_the_tenant_that_holds_it(client):
    """The banner and the token endpoint give each partner's own tenant id (an indirect reseller's provider,
    the demo's three partners): the control API takes any of them for the tenant that holds the partner."""
    tenant = client.post("/_sandbox/tenants", json={"kind": "IndirectReseller", "customers": 1}).get_json()
    provider = tenant["provider"]["id"]
    assert provider != tenant["id"]
    assert client.get(f"/_sandbox/tenants/{provider}").get_json()["id"] == tenant["id"]
    rule = client.post(f"/_sandbox/tenants/{provider}/faults", json={"status": 503}).get_json()
    assert [r["id"] for r in client.get(f"/_sandbox/tenants/{tenant['id']}/faults").get_json()["items"]] == [rule["id"]]
    moved = client.put(f"/_sandbox/tenants/{provider}/clock", json={"now": "2020-02-03T00:00:00Z", "frozen": True})
    assert moved.status_code == 200
    assert client.get(f"/_sandbox/tenants/{tenant['id']}/clock").get_json()["now"].startswith("2020-02-03")
    # in any case, as the sign-in and the API read GUIDs
    assert client.get(f"/_sandbox/tenants/{provider.upper()}").get_json()["id"] == tenant["id"]
    assert client.get(f"/_sandbox/tenants/{tenant['id'].upper()}/clock").get_json()["now"].startswith("2020-02-03")


def test_the_body_is_optional(client):
    response = client.post("/_sandbox/tenants")
    assert response.status_code == 201
    assert response.get_json()["kind"] == "DirectBill"


def test_tenants_say_when_they_were_made_in_real_time_whatever_their_clock(client):
    """A shared sandbox's leftovers (a CI run killed before its clean-up) are told apart by their age."""
    from datetime import UTC, datetime, timedelta

    made = client.post("/_sandbox/tenants", json={"clock": {"now": "2019-09-02T10:00:00Z", "frozen": True}}).get_json()
    [listed] = [t for t in client.get("/_sandbox/tenants").get_json()["items"] if t["id"] == made["id"]]
    created = datetime.fromisoformat(listed["createdAt"])
    assert created.tzinfo is not None and abs(datetime.now(UTC) - created) < timedelta(minutes=1)
    assert client.get(f"/_sandbox/tenants/{made['id']}").get_json()["createdAt"] == listed["createdAt"]


def test_clock_frozen_at_creation_then_moved(client):
    body = client.post("/_sandbox/tenants", json={"clock": {"now": "2019-09-02T10:00:00Z", "frozen": True}}).get_json()
    assert body["clock"] == {"now": "2019-09-02T10:00:00+00:00", "frozen": True}
    clock_url = f"/_sandbox/tenants/{body['id']}/clock"
    assert client.get(clock_url).get_json() == body["clock"]
    moved = client.put(clock_url, json={"now": "2020-02-03T00:00:00+00:00", "frozen": True}).get_json()
    assert moved == {"now": "2020-02-03T00:00:00+00:00", "frozen": True}
    advanced = client.put(clock_url, json={"advanceSeconds": 301, "frozen": True}).get_json()
    assert advanced["now"] == "2020-02-03T00:05:01+00:00"
    moved_on = client.put(clock_url, json={"advanceSeconds": 60}).get_json()  # without "frozen": stays frozen
    assert moved_on == {"now": "2020-02-03T00:06:01+00:00", "frozen": True}
    naive = client.put(clock_url, json={"now": "2020-02-03T00:00:00", "frozen": True})  # no offset: UTC
    assert naive.status_code == 200 and naive.get_json()["now"] == "2020-02-03T00:00:00+00:00"
    running = client.put(clock_url, json={"now": "2019-01-01T00:00:00Z"}).get_json()
    assert running["frozen"] is False and running["now"].startswith("2019-01-01T00:00:0")
    still_running = client.put(clock_url, json={"advanceSeconds": 3600}).get_json()
    assert still_running["frozen"] is False and still_running["now"].startswith("2019-01-01T01:00:0")


def test_reset_and_delete(client, tenant):
    extra = client.post(f"/_sandbox/tenants/{tenant['id']}/customers", json={"state": "MCAAttested", "country": "NL"})
    assert extra.status_code == 201 and extra.get_json()["country"] == "NL"
    assert client.get(f"/_sandbox/tenants/{tenant['id']}").get_json()["customerCount"] == 4
    reset = client.post(f"/_sandbox/tenants/{tenant['id']}/reset")
    assert reset.status_code == 200 and reset.get_json()["customers"] == tenant["customers"]
    assert client.get(f"/_sandbox/tenants/{tenant['id']}").get_json()["customerCount"] == 3
    assert client.delete(f"/_sandbox/tenants/{tenant['id']}").status_code == 204
    assert client.get(f"/_sandbox/tenants/{tenant['id']}").status_code == 404


def test_reset_everything(client, tenant):
    client.post("/_sandbox/tenants")
    assert client.post("/_sandbox/reset").get_json() == {"deleted": 2}
    assert client.get("/_sandbox/tenants").get_json() == {"items": []}


def test_the_same_seed_twice_is_a_conflict(client):
    assert client.post("/_sandbox/tenants", json={"seed": 77}).status_code == 201
    response = client.post("/_sandbox/tenants", json={"seed": 77})
    assert response.status_code == 409
    assert "seed 77" in response.get_json()["description"]


BAD_BODIES = [
    ("{not json", "application/json"),
    ('{"kind": "DirectBill"', "application/json"),
    ("[]", "application/json"),
    ('"text"', "application/json"),
    ('{"kind": "Reseller"}', "application/json"),
    ('{"kind": 3}', "application/json"),
    ('{"seed": "12"}', "application/json"),
    ('{"seed": -1}', "application/json"),
    ('{"seed": 1.5}', "application/json"),
    ('{"customers": 100000}', "application/json"),
    ('{"customers": true}', "application/json"),
    ('{"clock": {"now": "2020-02-30T00:00:00Z"}}', "application/json"),
    ('{"clock": {"now": "yesterday"}}', "application/json"),
    ('{"clock": "now"}', "application/json"),
    ('{"clock": {"now": "2020-01-01T00:00:00Z", "advanceSeconds": 86400}}', "application/json"),  # a move is the clock's PUT
    ('{"clock": {"frozen": 1}}', "application/json"),
    ('{"unknown": 1}', "application/json"),
    ("kind=DirectBill", "application/x-www-form-urlencoded"),
]


@pytest.mark.parametrize(("body", "content_type"), BAD_BODIES)
def test_bad_tenant_bodies_get_a_clear_4xx_and_create_nothing(client, body, content_type):
    response = client.post("/_sandbox/tenants", data=body, content_type=content_type)
    assert 400 <= response.status_code < 500
    error = response.get_json()
    assert error["source"] == "PartnerFD" and error["description"]
    assert client.get("/_sandbox/tenants").get_json() == {"items": []}


@pytest.mark.parametrize(
    "body",
    ['{"now": "2020-13-01T00:00:00Z"}', '{"frozen": "yes"}', '{"frozen": 0}', "{", '{"advanceSeconds": 1e20}', "",
     '{"advanceSeconds": "10"}', '{"advanceSeconds": true}', '{"advanceSeconds": NaN}'],
)
def test_bad_clock_bodies_leave_the_clock_alone(client, body):
    created = client.post("/_sandbox/tenants", json={"clock": {"now": "2020-01-01T00:00:00Z", "frozen": True}}).get_json()
    response = client.put(f"/_sandbox/tenants/{created['id']}/clock", data=body, content_type="application/json")
    assert response.status_code == 400
    assert client.get(f"/_sandbox/tenants/{created['id']}/clock").get_json() == created["clock"]


@pytest.mark.parametrize(
    ("method", "path"),
    [("get", "/_sandbox/tenants/{x}"), ("delete", "/_sandbox/tenants/{x}"), ("post", "/_sandbox/tenants/{x}/reset"),
     ("get", "/_sandbox/tenants/{x}/clock"), ("post", "/_sandbox/tenants/{x}/customers")],
)
@pytest.mark.parametrize("unknown", ["00000000-0000-0000-0000-000000000000", "not-a-guid", "%00%27;drop"])
def test_unknown_tenants_are_404(client, method, path, unknown):
    response = getattr(client, method)(path.format(x=unknown))
    assert response.status_code == 404
    assert response.get_json()["code"] == 1000


def test_customer_factory_refuses_unknown_states(client, tenant):
    response = client.post(f"/_sandbox/tenants/{tenant['id']}/customers", json={"state": "Happy"})
    assert response.status_code == 400
    assert client.get(f"/_sandbox/tenants/{tenant['id']}").get_json()["customerCount"] == 3


def test_seeded_acceptances_are_dated_when_they_could_have_been_made(app, client):
    """R-TL-6: customers accept in the admin center from 2020-02-03; R-TL-1: partners attest in the portal from
    2019-08-01. A seeded customer's record is never older; a tenant before that day gets 400, nothing added."""
    made = client.post("/_sandbox/tenants", json={"customers": 0, "clock": {"now": "2020-06-01T12:00:00Z", "frozen": True}}).get_json()
    services = app.extensions["services"]
    for _ in range(6):  # customers of up to 900 days: most would have been dated before
        customer = client.post(f"/_sandbox/tenants/{made['id']}/customers", json={"state": "MCAAcceptedDirectly"}).get_json()
        with services.unit_of_work() as uow:
            assert uow.repo.direct_acceptance(customer["id"]).accepted_at.date().isoformat() >= "2020-02-03"
        attested = client.post(f"/_sandbox/tenants/{made['id']}/customers", json={"state": "MCAAttested"}).get_json()
        with services.unit_of_work() as uow:
            assert min(a.date_agreed.date().isoformat() for a in uow.repo.attestations(attested["id"])) >= "2019-08-01"
    early = client.post("/_sandbox/tenants", json={"customers": 0, "clock": {"now": "2020-01-15T12:00:00Z", "frozen": True}}).get_json()
    for state in ("MCAAcceptedDirectly", "InvitationPending"):  # an invitation the customer can't answer yet, neither
        refused = client.post(f"/_sandbox/tenants/{early['id']}/customers", json={"state": state})
        assert refused.status_code == 400 and "2020-02-03 (R-TL-6)" in refused.get_json()["description"]
    assert client.get(f"/_sandbox/tenants/{early['id']}").get_json()["customerCount"] == 0


def test_the_control_api_can_be_switched_off():
    app = create_app({"DATABASE_URL": "sqlite://", "CONTROL_API": False})
    client = app.test_client()
    assert client.post("/_sandbox/tenants").status_code == 404
    assert client.get("/_sandbox/health").status_code == 404


def test_the_control_api_can_require_a_key():
    app = create_app({"DATABASE_URL": "sqlite://", "CONTROL_API_KEY": "s3cret"})
    client = app.test_client()
    assert client.post("/_sandbox/tenants").status_code == 403
    assert client.post("/_sandbox/tenants", headers={"X-Sandbox-Key": "wrong"}).status_code == 403
    assert client.post("/_sandbox/tenants", headers={"X-Sandbox-Key": "s3cret"}).status_code == 201
    assert client.get("/_sandbox/health").status_code == 200


def test_seeded_customers_are_existing_customers_while_both_agreements_count(client):
    """R-NEW-BUY: from 2019-10-01 to 2020-01-31 a customer made after 2019-10-01 needs the MCA to buy. A seeded
    customer (a Given step's) is an existing one: the Cloud Agreement confirmed for it lets it buy, every time,
    not by chance (its random creation date made 2 in 40 new customers)."""
    made = client.post("/_sandbox/tenants", json={"customers": 0, "clock": {"now": "2020-01-20T12:00:00Z", "frozen": True}}).get_json()
    headers = bearer(request_token(client, made))
    answers = []
    for _ in range(30):
        customer = client.post(f"/_sandbox/tenants/{made['id']}/customers", json={"state": "NoAgreement"}).get_json()
        confirmed = client.post(f"/v1/customers/{customer['id']}/agreements", headers=headers, json={
            "primaryContact": {"firstName": "Jan", "lastName": "Jansen", "email": "jan@example.com"},
            "templateId": CLOUD_AGREEMENT.template_id, "dateAgreed": "2020-01-20T00:00:00Z", "type": "MicrosoftCloudAgreement"})
        assert confirmed.status_code == 201, confirmed.get_data(as_text=True)
        order = client.post(f"/v1/customers/{customer['id']}/orders", headers=headers,
                            json={"lineItems": [{"offerId": "796B6B5F-613C-4E24-A17C-EBA730D49C02", "quantity": 1}]})
        answers.append(order.status_code)
    assert set(answers) == {201}, answers
