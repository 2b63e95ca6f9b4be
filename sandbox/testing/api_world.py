"""The world of the REST API scenarios (``features/api``): no browser, no socket.

One sandbox app per run (per xdist worker) on an in-memory database, driven through Flask's test
client; each scenario gets a fresh partner tenant, arranged through the control API like the browser
scenarios. The partner's integration holds an Entra-style token from the sandbox's token endpoint and
calls ``/v1``; the customer's side (the Microsoft 365 admin center) is driven through its pages over
HTTP, with a test client of its own (its own cookies), as a second browser would.
"""

from __future__ import annotations

import re
import secrets
import uuid
from datetime import date, datetime
from urllib.parse import quote

import jwt
from flask import Flask

from sandbox.domain.offers import OFFERS

PUBLIC_URL = "http://sandbox.test"
RESOURCE = "https://api.partnercenter.microsoft.com"
AGREEMENT_PAGE = "/AdminPortal/Home?ref=/BillingAccounts/agreement"
DOTNET_SDK_HEADER = {"MS-PartnerCenter-Client": "Partner Center .NET SDK"}
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
_STEP = re.compile(r'<input type="hidden" name="step" value="([a-z]+)"')


def make_api_app() -> Flask:
    """The sandbox the API scenarios share: in memory, documents linked under ``PUBLIC_URL``."""
    from sandbox.app import create_app

    return create_app({"DATABASE_URL": "sqlite://", "PUBLIC_URL": PUBLIC_URL, "SECRET_KEY": secrets.token_urlsafe(32)})


def offer_id(name: str) -> str:
    """The catalogue id of an offer by its name (``Office 365 E3``)."""
    for offer in OFFERS.values():
        if offer.name == name:
            return offer.id
    raise KeyError(f"No offer is called {name!r}; known: {sorted(o.name for o in OFFERS.values())}")


def local_path(url: str) -> str:
    """A sandbox URL as the test client fetches it (the path and query under ``PUBLIC_URL``)."""
    if not url.startswith(PUBLIC_URL + "/"):
        raise AssertionError(f"{url} is not a link into the sandbox ({PUBLIC_URL})")
    return url.removeprefix(PUBLIC_URL)


def describe(response) -> str:
    return f"{response.status_code} {response.get_data(as_text=True)[:2000]}"


class ApiWorld:
    """One scenario: its tenant, its customer, the integration's token and the last API answer."""

    def __init__(self, app: Flask):
        self.app = app
        self.client = app.test_client()
        self.tenant: dict | None = None
        self.customer: dict | None = None
        self.token: str | None = None
        self.headers: dict[str, str] = {}  # extra headers of every call (the .NET SDK's)
        self.response = None  # the last /v1 answer
        self.last_call: tuple | None = None  # (method, path, body, headers) of the last /v1 call, for a retry
        self.template_ids: dict[str, str] = {}  # agreementType -> templateId, as the metadata gave them
        self.last_contact: dict | None = None
        self.document: dict | None = None  # the last AgreementDocument
        self.earlier_documents: list[dict] = []
        self.ordered: tuple[str, int] | None = None  # (offer id, quantity) of the last order
        self.changed: int | None = None  # the quantity of the last seat change
        self._user_ids: dict[tuple[str, bool], str] = {}
        self.admin_center = CustomerBrowser(app.test_client())

    # --- the control API ------------------------------------------------------------------

    def control(self, method: str, path: str, body: dict | None = None, status: int = 200):
        response = self.client.open(f"/_sandbox{path}", method=method, json=body)
        if response.status_code != status:
            raise AssertionError(f"control API {method} {path}: {describe(response)}")
        return response.get_json()

    def create_tenant(self, kind: str, now: datetime) -> dict:
        self.tenant = self.control("POST", "/tenants", {
            "kind": kind, "customers": 0, "clock": {"now": now.isoformat(), "frozen": True},
        }, status=201)
        return self.tenant

    def delete_tenant(self) -> None:
        if self.tenant is not None:
            self.client.delete(f"/_sandbox/tenants/{self.tenant['id']}")

    def set_clock(self, now: datetime) -> None:
        self.control("PUT", f"/tenants/{self.tenant_id}/clock", {"now": now.isoformat(), "frozen": True})

    def advance_clock(self, seconds: float) -> None:
        self.control("PUT", f"/tenants/{self.tenant_id}/clock", {"advanceSeconds": seconds, "frozen": True})

    def today(self) -> date:
        """The date on the tenant's clock (UTC)."""
        return datetime.fromisoformat(self.control("GET", f"/tenants/{self.tenant_id}/clock")["now"]).date()

    def add_customer(self, state: str, country: str | None = None, partner_id: str | None = None) -> dict:
        body: dict = {"state": state}
        if country:
            body["country"] = country
        if partner_id:
            body["partnerId"] = partner_id
        self.customer = self.control("POST", f"/tenants/{self.tenant_id}/customers", body, status=201)
        return self.customer

    def add_fault_rule(self, **rule) -> dict:
        """A fault or latency rule of the tenant's (``POST /_sandbox/tenants/{id}/faults``)."""
        return self.control("POST", f"/tenants/{self.tenant_id}/faults", rule, status=201)

    def journal(self) -> list[dict]:
        return self.control("GET", f"/tenants/{self.tenant_id}/journal")["items"]

    @property
    def tenant_id(self) -> str:
        if self.tenant is None:
            raise AssertionError("The scenario has no partner yet (Given a direct-bill partner whose clock reads ...).")
        return self.tenant["id"]

    @property
    def customer_id(self) -> str:
        if self.customer is None:
            raise AssertionError("The scenario has no customer yet.")
        return self.customer["id"]

    # --- tokens ---------------------------------------------------------------------------

    def partner(self, provider: bool = False) -> dict:
        """The tenant's partner, or its indirect provider (``provider``)."""
        if not provider:
            return self.tenant
        if not self.tenant.get("provider"):
            raise AssertionError("This partner has no indirect provider.")
        return self.tenant["provider"]

    def request_token(self, role: str | None, provider: bool = False) -> str:
        """A v1 token from the token endpoint: App+User (password grant) for ``role``, App-only when None."""
        partner = self.partner(provider)
        app = partner["application"]
        form = {"client_id": app["clientId"], "client_secret": app["clientSecret"], "resource": RESOURCE}
        if role is None:
            form["grant_type"] = "client_credentials"
        else:
            user = next(u for u in partner["users"] if u["role"] == role)
            form.update(grant_type="password", username=user["userName"], password=user["password"])
        response = self.client.post(f"/{partner['id']}/oauth2/token", data=form)
        if response.status_code != 200:
            raise AssertionError(f"token endpoint: {describe(response)}")
        token = response.get_json()["access_token"]
        if role is not None:
            self._user_ids[(role, provider)] = claims(token)["oid"]
        return token

    def sign_in(self, role: str | None, provider: bool = False) -> None:
        self.token = self.request_token(role, provider)

    def user_id(self, role: str, provider: bool = False) -> str:
        """The object id of a partner user, as its own token carries it (``oid``)."""
        if (role, provider) not in self._user_ids:
            self.request_token(role, provider)
        return self._user_ids[(role, provider)]

    # --- the REST API ---------------------------------------------------------------------

    def call(self, method: str, path: str, body: dict | None = None):
        if self.token is None:
            raise AssertionError("The partner's integration has not signed in (no token).")
        headers = {"Authorization": f"Bearer {self.token}", "Accept": "application/json",
                   "MS-RequestId": str(uuid.uuid4()), "MS-CorrelationId": str(uuid.uuid4()), **self.headers}
        return self._send(method, path, body, headers)

    def retry(self, *, same_request_id: bool):
        """The last call again, as a client retries it: the same body, a new MS-CorrelationId, and the first
        MS-RequestId (what the docs ask after a timeout) or a new one."""
        if self.last_call is None:
            raise AssertionError("The partner's integration has not called the API yet: nothing to retry.")
        method, path, body, headers = self.last_call
        retried = {**headers, "MS-CorrelationId": str(uuid.uuid4())}
        if not same_request_id:
            retried["MS-RequestId"] = str(uuid.uuid4())
        return self._send(method, path, body, retried)

    def _send(self, method: str, path: str, body: dict | None, headers: dict):
        self.last_call = (method, path, body, headers)
        self.response = self.client.open(f"/v1{path}", method=method, json=body, headers=headers)
        return self.response

    def answer(self, status: int) -> dict:
        """The last answer's JSON body, once its status is ``status``."""
        if self.response is None:
            raise AssertionError("The partner's integration has not called the API yet.")
        if self.response.status_code != status:
            raise AssertionError(f"expected {status}, the API answered {describe(self.response)}")
        if self.response.mimetype != "application/json":
            raise AssertionError(f"expected JSON, got {self.response.mimetype}")
        return self.response.get_json()

    def template_id(self, agreement_type: str) -> str:
        """The template an attestation names: the one the agreement metadata gives (R-API-1)."""
        if agreement_type not in self.template_ids:
            [item] = self.read(f"/agreements?agreementType={agreement_type}")["items"]
            self.template_ids[agreement_type] = item["templateId"]
        return self.template_ids[agreement_type]

    def read(self, path: str) -> dict:
        """A GET on the side: its 200 answer's body, while the last call and answer stay the ones under test."""
        saved = self.response, self.last_call
        try:
            self.call("GET", path)
            return self.answer(200)
        finally:
            self.response, self.last_call = saved

    def open_link(self, url: str):
        """Follow a document link the way a browser would: no token, no cookies of the partner's."""
        return self.app.test_client().get(local_path(url))


def claims(token: str) -> dict:
    """A token's claims as any client can read them (the signature is the API's business)."""
    return jwt.decode(token, options={"verify_signature": False})


class CustomerBrowser:
    """The customer in the Microsoft 365 admin center, over HTTP: sign-in (with the first sign-in's
    password change), then the agreement page's form, each post with the page's CSRF token."""

    NEW_PASSWORD = "Rehearsal-2020!"

    def __init__(self, client):
        self.client = client
        self.last = None

    def _post(self, url: str, page_html: str, data: dict):
        token = _CSRF.search(page_html)
        if token is None:
            raise AssertionError(f"No form with a CSRF token on the page before {url}:\n{page_html[:1500]}")
        return self.client.post(url, data={**data, "csrf_token": token.group(1)}, follow_redirects=True)

    def sign_in(self, user_name: str, password: str, next_url: str = AGREEMENT_PAGE) -> None:
        login = f"/login?next={quote(next_url, safe='/?')}"
        page = self.client.get(next_url, follow_redirects=True)
        for _ in range(3):  # user name, password, and on a first sign-in a new password
            html = page.get_data(as_text=True)
            step = next((found for found in _STEP.finditer(html) if found.group(1) != "back"), None)
            if step is None:  # no sign-in form: signed in
                break
            form = {
                "username": {"step": "username", "username": user_name},
                "password": {"step": "password", "password": password},
                "update": {"step": "update", "current_password": password, "new_password": self.NEW_PASSWORD,
                           "confirm_password": self.NEW_PASSWORD},
            }[step.group(1)]
            page = self._post(login, html, form)
            if page.status_code != 200:
                raise AssertionError(f"admin center sign-in, {step.group(1)} step: {describe(page)}")
        if page.request.path.lower() == "/login":
            raise AssertionError(f"{user_name} could not sign in to the admin center:\n{page.get_data(as_text=True)[:1500]}")

    def accept_agreement(self):
        """Tick the box and select Accept; the answer after redirects (200) or the refusal page (403)."""
        page = self.client.get(AGREEMENT_PAGE)
        self.last = self._post(AGREEMENT_PAGE, page.get_data(as_text=True), {"accept": "yes"})
        return self.last
