"""Helpers for the admin-center page tests: sign in as a customer, post forms with their CSRF token."""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest
from markupsafe import escape

from sandbox import seed
from sandbox.domain.model import Role
from sandbox.domain.rules import Channel
from sandbox.services.context import Actor

AGREEMENT_URL = "/AdminPortal/Home?ref=/BillingAccounts/agreement"
PARTNERS_URL = "/AdminPortal/Home?ref=/partners"
CANT = "Please reach out to your Partner to confirm your acceptance of the Microsoft Customer Agreement."
NOT_YET = "Accepting the Microsoft Customer Agreement here is not available yet."
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def esc(text: str) -> str:
    """A name as the pages show it in HTML (company names may hold ``&`` or ``'``)."""
    return str(escape(text))


def invitation_url(partner_id: str, *, dap: str = "true", inv_type: str = "ResellerRelationship", **extra) -> str:
    query = f"invType={inv_type}&partnerId={partner_id}&msppId=0&DAP={dap}"
    query += "".join(f"&{key}={value}" for key, value in extra.items())
    return f"/Adminportal/Home?{query}"


def login_url(next_path: str) -> str:
    return f"/login?next={quote(next_path, safe='/?')}"


class AdminCenter:
    """The customer's browser, over the Flask test client."""

    def __init__(self, client):
        self.client = client

    def token(self) -> str:
        page = self.client.get("/login", follow_redirects=True).get_data(as_text=True)
        return _CSRF.search(page).group(1)

    def post(self, url: str, data: dict | None = None, *, token: bool = True):
        form = dict(data or {})
        if token:
            form["csrf_token"] = self.token()
        return self.client.post(url, data=form)

    def sign_in(self, user_name: str, password: str, next_path: str = "/AdminPortal/Home"):
        """Both steps; answers the response of the password step (a redirect when it worked)."""
        url = login_url(next_path)
        first = self.post(url, {"step": "username", "username": user_name})
        assert first.status_code == 302, first.get_data(as_text=True)
        return self.post(url, {"step": "password", "password": password})

    def open_signed_in(self, customer: dict, url: str):
        response = self.sign_in(customer["userName"], customer["password"], url)
        assert response.status_code == 302 and response.headers["Location"] == url, response.headers.get("Location")
        return self.client.get(url)

    def sign_out(self):
        return self.post("/logout")


@pytest.fixture
def admin(client):
    return AdminCenter(client)


@pytest.fixture
def add_customer(client):
    """A seeded customer in a given state, through the control API (userName and password included)."""

    def add(tenant_id: str, state: str = "NoAgreement", country: str = "NL", partner_id: str | None = None) -> dict:
        body = {"state": state, "country": country}
        if partner_id:
            body["partnerId"] = partner_id
        response = client.post(f"/_sandbox/tenants/{tenant_id}/customers", json=body)
        assert response.status_code == 201, response.get_data(as_text=True)
        return response.get_json()

    return add


@pytest.fixture
def demo(services):
    """A tenant with three partners: direct-bill (the tenant), indirect provider, indirect reseller."""
    made = seed.create_tenant(services, seed=4242, demo=True)
    return {"id": made["id"], "partners": {p["kind"]: p for p in made["partners"]}}


def partner_actor(workspace_id: str, partner_id: str | None = None) -> Actor:
    return Actor(workspace_id=workspace_id, partner_id=partner_id or workspace_id, user_id="test-user",
                 role=Role.ADMIN_AGENT, channel=Channel.PORTAL)


def set_clock(client, tenant_id: str, now: str) -> None:
    response = client.put(f"/_sandbox/tenants/{tenant_id}/clock", json={"now": now, "frozen": True})
    assert response.status_code == 200, response.get_data(as_text=True)
