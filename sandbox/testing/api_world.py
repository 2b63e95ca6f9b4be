"""The world of the REST API scenarios: the partner's integration over HTTP, no browser.

The steps drive the run's sandbox (the plugin's ``sandbox`` fixture: one served in-process per run and
xdist worker, or the one ``--sandbox-url`` names), the same one the browser steps drive. The scenario's
partner tenant and customer are the ``tenant`` and ``customer`` fixtures, whichever library's Given made
them, so one scenario can arrange through the API and look at the pages, or the other way round.

The partner's integration holds an Entra-style token from the sandbox's token endpoint and calls
``/v1``; the customer's side (the Microsoft 365 admin center) can also be driven without a browser,
through its pages over HTTP with a session of its own (its own cookies), as a second browser would.
"""

from __future__ import annotations

import re
import uuid
from datetime import date, datetime
from html import unescape
from urllib.parse import quote, urlsplit

import jwt
import requests

from sandbox.domain.offers import OFFERS

from .control import ControlClient, Tenant

RESOURCE = "https://api.partnercenter.microsoft.com"
MCA = "MicrosoftCustomerAgreement"
OBSERVER = "AdminAgent"  # whose token the side reads use (the integration's is for the calls under test)
AGREEMENT_PAGE = "/AdminPortal/Home?ref=/BillingAccounts/agreement"
DOTNET_SDK_HEADER = {"MS-PartnerCenter-Client": "Partner Center .NET SDK"}
TIMEOUT = 30.0
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
_STEP = re.compile(r'<input type="hidden" name="step" value="([a-z]+)"')


def offer_id(name: str) -> str:
    """The catalogue id of an offer by its name (``Office 365 E3``)."""
    for offer in OFFERS.values():
        if offer.name == name:
            return offer.id
    raise KeyError(f"No offer is called {name!r}; known: {sorted(o.name for o in OFFERS.values())}")


def describe(response: requests.Response) -> str:
    return f"{response.status_code} {response.text[:2000]}"


def mimetype(response: requests.Response) -> str:
    """The answer's media type without its parameters (``application/json``)."""
    return response.headers.get("Content-Type", "").partition(";")[0].strip().lower()


class ApiWorld:
    """One scenario's integration: its token, its extra headers and the last API answer.

    The tenant and the customer are not kept here: the steps take the ``tenant`` and ``customer`` fixtures.
    """

    def __init__(self, base_url: str, control: ControlClient):
        self.base_url = base_url.rstrip("/")
        self.control = control
        self.session = requests.Session()
        self.token: str | None = None
        self.headers: dict[str, str] = {}  # extra headers of every call (the .NET SDK's)
        self.response: requests.Response | None = None  # the last /v1 answer
        self.last_call: tuple | None = None  # (method, path, body, headers) of the last /v1 call, for a retry
        self.template_ids: dict[str, str] = {}  # agreementType -> templateId, as the metadata gave them
        self.last_contact: dict | None = None
        self.document: dict | None = None  # the last AgreementDocument
        self.earlier_documents: list[dict] = []
        self.ordered: tuple[str, int] | None = None  # (offer id, quantity) of the last order
        self.changed: int | None = None  # the quantity of the last seat change
        self._user_ids: dict[tuple[str, str, bool], str] = {}
        self.acting_for_provider = False  # whether the integration signed in as the indirect provider's
        self._observer_tokens: dict[tuple[str, bool], str] = {}
        self.admin_center = CustomerBrowser(self.base_url)

    def close(self) -> None:
        self.session.close()
        self.admin_center.close()

    # --- the tenant's clock -----------------------------------------------------------------

    def today(self, tenant: Tenant) -> date:
        """The date on the tenant's clock (UTC)."""
        return datetime.fromisoformat(self.control.clock(tenant)["now"]).date()

    # --- tokens ---------------------------------------------------------------------------

    def request_token(self, tenant: Tenant, role: str | None, provider: bool = False, *, record: bool = True) -> str:
        """A v1 token from the token endpoint: App+User (password grant) for ``role``, App-only when None."""
        partner = partner_of(tenant, provider)
        app = partner["application"]
        form = {"client_id": app["clientId"], "client_secret": app["clientSecret"], "resource": RESOURCE}
        if role is None:
            form["grant_type"] = "client_credentials"
        else:
            user = next(u for u in partner["users"] if u["role"] == role)
            form.update(grant_type="password", username=user["userName"], password=user["password"])
        response = self.session.post(f"{self.base_url}/{partner['id']}/oauth2/token", data=form, timeout=TIMEOUT)
        if response.status_code != 200:
            raise AssertionError(f"token endpoint: {describe(response)}")
        token = response.json()["access_token"]
        if role is not None and record:
            self._user_ids[(tenant.id, role, provider)] = claims(token)["oid"]
        return token

    def sign_in(self, tenant: Tenant, role: str | None, provider: bool = False) -> None:
        self.token = self.request_token(tenant, role, provider)
        self.acting_for_provider = provider

    def user_id(self, tenant: Tenant, role: str, provider: bool = False) -> str:
        """The object id of a partner user, as its own token carries it (``oid``)."""
        if (tenant.id, role, provider) not in self._user_ids:
            self.request_token(tenant, role, provider)
        return self._user_ids[(tenant.id, role, provider)]

    # --- the REST API ---------------------------------------------------------------------

    def call(self, method: str, path: str, body: dict | None = None) -> requests.Response:
        if self.token is None:
            raise AssertionError("The partner's integration has not signed in (no token).")
        return self._send(method, path, body, {**api_headers(self.token), **self.headers})

    def retry(self, *, same_request_id: bool) -> requests.Response:
        """The last call again, as a client retries it: the same body, a new MS-CorrelationId, and the first
        MS-RequestId (what the docs ask after a timeout) or a new one."""
        if self.last_call is None:
            raise AssertionError("The partner's integration has not called the API yet: nothing to retry.")
        method, path, body, headers = self.last_call
        retried = {**headers, "MS-CorrelationId": str(uuid.uuid4())}
        if not same_request_id:
            retried["MS-RequestId"] = str(uuid.uuid4())
        return self._send(method, path, body, retried)

    def _send(self, method: str, path: str, body: dict | None, headers: dict) -> requests.Response:
        self.last_call = (method, path, body, headers)
        self.response = self.session.request(method, f"{self.base_url}/v1{path}", json=body, headers=headers,
                                             timeout=TIMEOUT)
        return self.response

    def answer(self, status: int) -> dict:
        """The last answer's JSON body, once its status is ``status``."""
        if self.response is None:
            raise AssertionError("The partner's integration has not called the API yet.")
        if self.response.status_code != status:
            raise AssertionError(f"expected {status}, the API answered {describe(self.response)}")
        if mimetype(self.response) != "application/json":
            raise AssertionError(f"expected JSON, got {self.response.headers.get('Content-Type')}")
        return self.response.json()

    def look_up_template(self) -> None:
        """The integration's own metadata call (R-API-1): a call under test, whose template later confirmations name."""
        self.call("GET", f"/agreements?agreementType={MCA}")
        if self.response.status_code == 200:
            [item] = self.response.json()["items"]
            self.template_ids[MCA] = item["templateId"]

    def template_id(self, tenant: Tenant, agreement_type: str) -> str:
        """The template an attestation names: the one the agreement metadata gives (R-API-1), looked up on the
        side by the partner's Admin agent unless the integration already did, so that the call under test is
        the confirmation alone (whatever its token's state)."""
        if agreement_type not in self.template_ids:
            [item] = self.read(f"/agreements?agreementType={agreement_type}", tenant)["items"]
            self.template_ids[agreement_type] = item["templateId"]
        return self.template_ids[agreement_type]

    def read(self, path: str, tenant: Tenant) -> dict:
        """A GET on the side, to check the scenario's outcome: its 200 answer's body. The last call and answer
        stay the ones under test, and the integration's token isn't used: the read is the Admin agent's of the
        partner the integration acts for (its own token, kept), so it works whatever that token's state
        (expired, App-only, another role)."""
        key = (tenant.id, self.acting_for_provider)
        for fresh in (False, True):
            if fresh or key not in self._observer_tokens:
                self._observer_tokens[key] = self.request_token(tenant, OBSERVER, self.acting_for_provider, record=False)
            response = self.session.get(f"{self.base_url}/v1{path}", headers=api_headers(self._observer_tokens[key]),
                                        timeout=TIMEOUT)
            if response.status_code != 401:  # 401: the kept token expired (the clock moved): once more, fresh
                break
        if response.status_code != 200 or mimetype(response) != "application/json":
            raise AssertionError(f"GET /v1{path} (read on the side, to check the outcome): {describe(response)}")
        return response.json()

    def open_link(self, url: str) -> requests.Response:
        """Follow a document link the way a browser would: no token, no cookies of the partner's."""
        if not url.startswith(self.base_url + "/"):
            raise AssertionError(f"{url} is not a link into the sandbox at {self.base_url} (a sandbox served behind "
                                 "another address needs its PUBLIC_URL set to the address the tests use)")
        return requests.get(url, timeout=TIMEOUT)


_ALERT = re.compile(r'<[^>]*role="alert"[^>]*>(.*?)</', re.S)
_TAG = re.compile(r"<[^>]+>")


def _alert(html: str) -> str:
    """What a page says went wrong (its alerts), else the start of its text."""
    said = [" ".join(unescape(_TAG.sub(" ", found)).split()) for found in _ALERT.findall(html)]
    return "; ".join(text for text in said if text) or " ".join(unescape(_TAG.sub(" ", html)).split())[:600]


def api_headers(token: str) -> dict[str, str]:
    """A /v1 call's headers, as a client sends them: the bearer token, JSON, fresh request and correlation ids."""
    return {"Authorization": f"Bearer {token}", "Accept": "application/json", "MS-RequestId": str(uuid.uuid4()),
            "MS-CorrelationId": str(uuid.uuid4())}


def partner_of(tenant: Tenant, provider: bool = False) -> dict:
    """The tenant's partner record, or its indirect provider's (``provider``)."""
    if not provider:
        return tenant.raw
    if not tenant.provider:
        raise AssertionError("This partner has no indirect provider.")
    return tenant.provider


def claims(token: str) -> dict:
    """A token's claims as any client can read them (the signature is the API's business)."""
    return jwt.decode(token, options={"verify_signature": False})


class CustomerBrowser:
    """The customer in the Microsoft 365 admin center, over HTTP without a browser: sign-in (with the first
    sign-in's password change), then the agreement page's form, each post with the page's CSRF token."""

    def __init__(self, base_url: str):
        self.base_url = base_url
        self.session = requests.Session()
        self.last: requests.Response | None = None

    def close(self) -> None:
        self.session.close()

    def _get(self, path: str) -> requests.Response:
        return self.session.get(self.base_url + path, timeout=TIMEOUT)

    def _post(self, path: str, page: requests.Response, data: dict) -> requests.Response:
        token = _CSRF.search(page.text)
        if token is None:
            raise AssertionError(f"No form with a CSRF token on the page before {path}:\n{page.text[:1500]}")
        # a browser sends the page it posts from (the sandbox checks it over HTTPS, as Flask-WTF does)
        return self.session.post(self.base_url + path, data={**data, "csrf_token": token.group(1)},
                                 headers={"Referer": page.url}, timeout=TIMEOUT)

    def sign_in(self, user_name: str, password: str, new_password: str, next_url: str = AGREEMENT_PAGE) -> bool:
        """Sign in; on a first sign-in, replace the temporary password with ``new_password``. Whether it did."""
        login = f"/login?next={quote(next_url, safe='/?')}"
        page = self._get(next_url)
        changed = False
        for _ in range(3):  # user name, password, and on a first sign-in a new password
            step = next((found for found in _STEP.finditer(page.text) if found.group(1) != "back"), None)
            if step is None:  # no sign-in form: signed in
                break
            form = {
                "username": {"step": "username", "username": user_name},
                "password": {"step": "password", "password": password},
                "update": {"step": "update", "current_password": password, "new_password": new_password,
                           "confirm_password": new_password},
            }[step.group(1)]
            page = self._post(login, page, form)
            if page.status_code != 200:
                raise AssertionError(f"{user_name} could not sign in to the admin center ({step.group(1)} step): "
                                     f"{page.status_code} {_alert(page.text)}")
            changed = changed or step.group(1) == "update"
        if urlsplit(page.url).path.lower() == "/login":
            raise AssertionError(f"{user_name} could not sign in to the admin center: {_alert(page.text)}")
        return changed

    def accept_agreement(self) -> requests.Response:
        """Tick the box and select Accept; the answer after redirects (200) or the refusal page (403)."""
        self.last = self._post(AGREEMENT_PAGE, self._get(AGREEMENT_PAGE), {"accept": "yes"})
        return self.last
