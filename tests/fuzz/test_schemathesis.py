"""Schemathesis against the sandbox's own /openapi.json, in-process (WSGI): every operation, with a real
App+User token and a real App-only token, valid and invalid data. No 5xx, and every answer matches the
schema the document gives for its status.

Bounded: ``CASES`` generated cases per operation, each sent with both tokens (the sign-in endpoints once):
17 /v1 operations x 50 x 2 + 9 sign-in operations (token, device code, discovery, keys, user realm) x 50 =
2,150 requests. ``MCA_SANDBOX_FUZZ_CASES`` raises it.
"""

from __future__ import annotations

import itertools
import os

import pytest
import schemathesis
from api.helpers import CLOUD_TEMPLATE, MCA_TEMPLATE, agreement_body, bearer, request_token
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from fuzz.conftest import CALL_PASSED
from sandbox.app import create_app

CASES = int(os.environ.get("MCA_SANDBOX_FUZZ_CASES", "50"))
CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance, status_code_conformance]


def _world():
    """A sandbox with a tenant whose first customer has the MCA and an order (so the reads and PATCH find them)."""
    app = create_app({"DATABASE_URL": "sqlite://", "PUBLIC_URL": "http://sandbox.test", "SECRET_KEY": "fuzz-secret"})
    client = app.test_client()
    tenant = client.post("/_sandbox/tenants", json={"customers": 3, "seed": 9090}).get_json()
    user_token = request_token(client, tenant)
    customer = tenant["customers"][0]["id"]
    assert client.post(f"/v1/customers/{customer}/agreements", json=agreement_body(dateAgreed="2024-01-01T00:00:00Z"),
                       headers=bearer(user_token)).status_code == 201
    order = client.post(f"/v1/customers/{customer}/orders", headers=bearer(user_token),
                        json={"lineItems": [{"offerId": "CFQ7TTC0LH18:0001", "quantity": 2}]})
    assert order.status_code == 201, order.get_data(as_text=True)
    return {
        "app": app,
        "tenant": tenant,
        "headers": [bearer(user_token), bearer(request_token(client, tenant, None))],
        "customers": [c["id"] for c in tenant["customers"]],
        "subscription": order.get_json()["lineItems"][0]["subscriptionId"],
        "order": order.get_json()["id"],
        "templates": [MCA_TEMPLATE, CLOUD_TEMPLATE],
    }


def _without_fault_defaults(document: dict) -> dict:
    """The document less its ``default`` responses: those stand for what fault rules answer, and this world
    has none, so any status the document doesn't list is still a finding (status_code_conformance)."""
    for operations in document["paths"].values():
        for op in operations.values():
            op.get("responses", {}).pop("default", None)
    return document


WORLD = _world()
schema = schemathesis.openapi.from_dict(_without_fault_defaults(WORLD["app"].test_client().get("/openapi.json").get_json()))
schema.app, schema.location = WORLD["app"], "/openapi.json"
_turn = itertools.count()


def _aim(case) -> None:
    """Every other case names the tenant's real records instead of random ids, so that the fuzzer gets past
    404 into the operations themselves."""
    n = next(_turn)
    if n % 2:
        return
    params = case.path_parameters or {}
    if "customer-tenant-id" in params:
        params["customer-tenant-id"] = WORLD["customers"][n % 3]
    if "subscription-id" in params:
        params["subscription-id"] = WORLD["subscription"]
    if "order-id" in params:
        params["order-id"] = WORLD["order"]
    if "agreement-template-id" in params:
        params["agreement-template-id"] = WORLD["templates"][n % 4 // 2]
    if "tenant" in params:
        params["tenant"] = WORLD["tenant"]["id"]


@pytest.fixture
def sent(request):
    """The requests one operation's test sent: at least ``CASES`` per token (the bound above is a floor)."""
    calls: list[int] = []
    yield calls
    if request.node.stash.get(CALL_PASSED, False):  # a failing case stops early: its report says why
        assert len(calls) >= CASES, f"only {len(calls)} requests were generated"


@schema.parametrize()
@settings(max_examples=CASES, deadline=None, derandomize=True, database=None, phases=[Phase.generate],
          suppress_health_check=list(HealthCheck))
def test_every_operation_answers_within_its_documented_schema(case, sent):
    _aim(case)
    if not case.path.startswith("/v1/"):  # the sign-in endpoints: no bearer token
        case.call_and_validate(checks=CHECKS)
        sent.append(case.operation.label)
        return
    for headers in WORLD["headers"]:  # App+User, then App-only
        response = case.call(headers=headers)
        sent.append(response.status_code)
        case.validate_response(response, checks=CHECKS)
