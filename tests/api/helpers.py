"""Helpers for the API tests: tokens from the sandbox's own token endpoint, headers, the tenant clock, bodies."""

from __future__ import annotations

import uuid

RESOURCE = "https://api.partnercenter.microsoft.com"
MCA_TEMPLATE = "117a77b0-9360-443b-8795-c6dedc750cf9"
CLOUD_TEMPLATE = "998b88de-aa99-4388-a42c-1b3517d49490"


def user_of(partner: dict, role: str) -> dict:
    return next(u for u in partner["users"] if u["role"] == role)


def bearer(token: str, **extra) -> dict:
    return {"Authorization": f"Bearer {token}", **extra}


def token_form(partner: dict, role: str | None = "AdminAgent") -> dict:
    """The v1 token request's form for ``partner`` (the control API's tenant JSON, or its ``provider``):
    App+User for ``role``, App-only (client credentials) when ``role`` is None."""
    app = partner["application"]
    form = {"client_id": app["clientId"], "client_secret": app["clientSecret"], "resource": RESOURCE}
    if role is None:
        form["grant_type"] = "client_credentials"
    else:
        user = user_of(partner, role)
        form.update(grant_type="password", username=user["userName"], password=user["password"])
    return form


def request_token(client, partner: dict, role: str | None = "AdminAgent", *, tenant: str | None = None) -> str:
    """A v1 token for ``partner``: App+User for ``role``, App-only when ``role`` is None."""
    response = client.post(f"/{tenant or partner['id']}/oauth2/token", data=token_form(partner, role))
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()["access_token"]


def set_clock(client, tenant_id: str, now: str, *, frozen: bool = True) -> None:
    response = client.put(f"/_sandbox/tenants/{tenant_id}/clock", json={"now": now, "frozen": frozen})
    assert response.status_code == 200, response.get_data(as_text=True)


def advance_clock(client, tenant_id: str, seconds: float) -> None:
    response = client.put(f"/_sandbox/tenants/{tenant_id}/clock", json={"advanceSeconds": seconds, "frozen": True})
    assert response.status_code == 200, response.get_data(as_text=True)


def add_customer(client, tenant_id: str, state: str = "NoAgreement", **extra) -> dict:
    response = client.post(f"/_sandbox/tenants/{tenant_id}/customers", json={"state": state, **extra})
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.get_json()


def agreement_body(**changes) -> dict:
    body = {
        "primaryContact": {"firstName": "Tania", "lastName": "Carr", "email": "someone@example.com", "phoneNumber": "1234567890"},
        "templateId": MCA_TEMPLATE,
        "dateAgreed": "2018-06-14T00:00:00.000Z",
        "type": "MicrosoftCustomerAgreement",
    }
    body.update(changes)
    return body


def customer_body(domain: str | None = None, **billing_changes) -> dict:
    billing = {
        "email": "test@outlook.com",
        "culture": "en-US",
        "language": "en",
        "companyName": "Test Company",
        "defaultAddress": {
            "firstName": "Test", "lastName": "Test", "addressLine1": "One Microsoft Way", "city": "Redmond", "state": "WA",
            "postalCode": "98052", "country": "US",
        },
    }
    billing.update(billing_changes)
    return {"companyProfile": {"domain": domain or f"test{uuid.uuid4().hex[:10]}.onmicrosoft.com"}, "billingProfile": billing}


def follow(client, headers: dict, link: dict) -> dict:
    """GET what a ``links`` entry names, as the .NET SDK does: a uri under /v1 (most name it without the prefix)."""
    assert link["method"] == "GET" and link["headers"] == [], link
    uri = link["uri"] if link["uri"].startswith("/v1/") else "/v1" + link["uri"]
    response = client.get(uri, headers=headers)
    assert response.status_code == 200, (uri, response.get_data(as_text=True))
    return response.get_json()


def assert_classic_error(response, status: int, code: int | None = None) -> dict:
    """The front door's error body, as JSON, with the status and (optionally) the code expected."""
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert set(body) == {"code", "description", "data", "source"}, body
    assert body["source"] == "PartnerFD"
    assert isinstance(body["code"], int) and isinstance(body["description"], str) and isinstance(body["data"], list)
    if code is not None:
        assert body["code"] == code, body
    return body
