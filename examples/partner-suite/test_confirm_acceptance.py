"""The feature's scenarios, and plain tests on the plugin's fixtures."""

import uuid

import pytest
from pytest_bdd import scenarios

scenarios("confirm_acceptance.feature")

ACCEPTANCE = {
    "primaryContact": {"firstName": "Jan", "lastName": "Jansen", "email": "jan.jansen@example.com"},
    "templateId": "117a77b0-9360-443b-8795-c6dedc750cf9",
    "dateAgreed": "2020-01-10T00:00:00Z",
    "type": "MicrosoftCustomerAgreement",
}


@pytest.mark.sandbox_tenant(kind="IndirectReseller", clock="2020-01-15T00:00:00Z")
def test_an_indirect_reseller_cannot_confirm_but_its_provider_can(sandbox, sandbox_tenant, partner_api):
    customer = sandbox.control.add_customer(sandbox_tenant, state="NoAgreement")

    refused = partner_api.post(f"/customers/{customer['id']}/agreements", json=ACCEPTANCE)
    assert refused.status_code == 403 and refused.json()["code"] == 2032

    app_only = partner_api.app_only().post(f"/customers/{customer['id']}/agreements", json=ACCEPTANCE)
    assert app_only.status_code == 403  # confirming needs App+User

    provider = sandbox.control.add_customer(sandbox_tenant, state="NoAgreement",
                                            partner_id=sandbox_tenant.provider["id"])
    assert partner_api.as_provider().post(f"/customers/{provider['id']}/agreements", json=ACCEPTANCE).status_code == 201


@pytest.mark.sandbox_tenant(clock="2020-05-05T12:00:00Z")
def test_an_order_whose_answer_was_lost_is_retried_without_buying_twice(sandbox, sandbox_tenant, partner_api):
    """The partner's retry policy: on a 5xx or a timeout, send the same call with the same MS-RequestId."""
    customer = sandbox.control.add_customer(sandbox_tenant, state="MCAAttested")
    sandbox.control.add_fault_rule(sandbox_tenant, operation="createOrder", status=504, when="after", count=1)
    order = {"lineItems": [{"offerId": "CFQ7TTC0LH18:0001", "quantity": 3}]}
    request_id = {"MS-RequestId": str(uuid.uuid4())}

    first = partner_api.post(f"/customers/{customer['id']}/orders", json=order, headers=request_id)
    assert first.status_code == 504  # the order was placed; its answer never arrived
    retried = partner_api.post(f"/customers/{customer['id']}/orders", json=order, headers=request_id)
    assert retried.status_code == 201

    orders = partner_api.get(f"/customers/{customer['id']}/orders").json()
    assert [o["id"] for o in orders["items"]] == [retried.json()["id"]]
