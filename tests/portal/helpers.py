"""Helpers for the portal's page tests: a client that signs in and sends the form's CSRF token."""

from __future__ import annotations

import html
import re

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')
FROZEN_NOW = "2020-03-15T10:00:00+00:00"


class Portal:
    """The Flask test client, speaking to /dashboard like a browser: cookies, CSRF token, redirects."""

    def __init__(self, client):
        self.client = client
        self._token: str | None = None

    def token(self) -> str:
        if self._token is None:
            page = self.client.get("/dashboard/signin").get_data(as_text=True)
            self._token = TOKEN.search(page).group(1)
        return self._token

    def get(self, path: str, **kwargs):
        return self.client.get(path, **kwargs)

    def post(self, path: str, data: dict | None = None, *, token: bool = True, **kwargs):
        data = dict(data or {})
        if token:
            data.setdefault("csrf_token", self.token())
        return self.client.post(path, data=data, **kwargs)

    def sign_in(self, user: dict):
        response = self.post("/dashboard/signin", {"user_name": user["userName"], "password": user["password"]})
        assert response.status_code == 302, response.get_data(as_text=True)
        return response

    def text(self, path: str) -> str:
        response = self.get(path)
        assert response.status_code == 200, (path, response.status_code)
        return response.get_data(as_text=True)


def user_of(tenant: dict, role: str) -> dict:
    return next(u for u in tenant["users"] if u["role"] == role)


def page_text(response) -> str:
    """The response body with HTML entities decoded (for assertions on what a user reads)."""
    return html.unescape(response.get_data(as_text=True))


def set_clock(client, tenant_id: str, now: str = FROZEN_NOW) -> None:
    response = client.put(f"/_sandbox/tenants/{tenant_id}/clock", json={"now": now, "frozen": True})
    assert response.status_code == 200, response.get_data(as_text=True)


def account_info(**overrides) -> dict:
    """A complete Add customer form (Account info), as a browser would post it."""
    form = {
        "company_name": "Fabrikam Inc",
        "domain": "fabrikam2020",
        "country": "US",
        "address_line1": "1 Microsoft Way",
        "address_line2": "",
        "city": "Redmond",
        "state": "WA",
        "postal_code": "98052",
        "registration_id": "",
        "first_name": "Tania",
        "last_name": "Carr",
        "email": "tania@fabrikam.example",
        "phone": "",
        "language": "en-US",
        "agreement": "attest",
        "accepted": "yes",
        "date_agreed": "2020-03-10",
        "accepted_first_name": "",
        "accepted_last_name": "",
        "accepted_email": "",
        "accepted_phone": "",
        "action": "next",
    }
    form.update(overrides)
    return form
