"""The partner's integration as a test drives it: an HTTP client of the sandbox's Partner Center REST API
(``/v1``), authenticated by the sandbox's Entra-style token endpoint, App+User or App-only.

Every call carries a fresh ``MS-RequestId`` and the client's ``MS-CorrelationId`` (one per client, so a
test's calls read as one conversation in the tenant's journal), as the real service expects.
"""

from __future__ import annotations

import uuid

import requests

from .control import Tenant

RESOURCE = "https://api.partnercenter.microsoft.com"


class TokenError(RuntimeError):
    """The token endpoint refused the credentials; the message carries its answer."""


class PartnerApi:
    """``/v1`` of one sandbox for one partner: ``get``, ``post``, ``put``, ``patch``, ``delete`` take a path
    under ``/v1`` (``/customers``) and answer the ``requests.Response``.

    ``role`` picks the partner user of an App+User token (``AdminAgent``, ``SalesAgent``, ...); ``None``
    means App-only (client credentials). ``provider`` acts as an indirect reseller's indirect provider.
    """

    def __init__(self, base_url: str, tenant: Tenant, *, role: str | None = "AdminAgent", provider: bool = False,
                 timeout: float = 30.0, session: requests.Session | None = None):
        self.base_url = base_url.rstrip("/")
        self.tenant = tenant
        self.role = role
        self.provider = provider
        self.timeout = timeout
        self.session = session or requests.Session()
        self.correlation_id = str(uuid.uuid4())
        self._token: str | None = None

    # --- other identities of the same partner -------------------------------------------------

    def app_only(self) -> PartnerApi:
        """The same partner's integration with an App-only token (client credentials)."""
        return PartnerApi(self.base_url, self.tenant, role=None, provider=self.provider, timeout=self.timeout,
                          session=self.session)

    def as_user(self, role: str) -> PartnerApi:
        """The same partner's integration with an App+User token of the user with ``role``."""
        return PartnerApi(self.base_url, self.tenant, role=role, provider=self.provider, timeout=self.timeout,
                          session=self.session)

    def as_provider(self) -> PartnerApi:
        """An indirect reseller's indirect provider, with the same kind of token."""
        return PartnerApi(self.base_url, self.tenant, role=self.role, provider=True, timeout=self.timeout,
                          session=self.session)

    # --- the token ----------------------------------------------------------------------------

    @property
    def partner(self) -> dict:
        """The partner record the client acts for (the tenant's own, or its indirect provider)."""
        if not self.provider:
            return self.tenant.raw
        if not self.tenant.provider:
            raise ValueError(f"Tenant {self.tenant.id} ({self.tenant.kind}) has no indirect provider.")
        return self.tenant.provider

    @property
    def token(self) -> str:
        """The bearer token, asked for at the first call and kept (they last an hour)."""
        if self._token is None:
            self._token = self.request_token()
        return self._token

    def request_token(self) -> str:
        """A fresh v1 token: ``password`` grant for a user, ``client_credentials`` for App-only."""
        partner = self.partner
        app = partner["application"]
        form = {"client_id": app["clientId"], "client_secret": app["clientSecret"], "resource": RESOURCE}
        if self.role is None:
            form["grant_type"] = "client_credentials"
        else:
            user = next((u for u in partner["users"] if u["role"] == self.role), None)
            if user is None:
                raise ValueError(f"{partner['name']} has no user with the role {self.role}.")
            form.update(grant_type="password", username=user["userName"], password=user["password"])
        answer = self.session.post(f"{self.base_url}/{partner['id']}/oauth2/token", data=form, timeout=self.timeout)
        if answer.status_code != 200:
            raise TokenError(f"token endpoint: {answer.status_code} {answer.text[:1000]}")
        return answer.json()["access_token"]

    # --- calls --------------------------------------------------------------------------------

    def request(self, method: str, path: str, **kwargs) -> requests.Response:
        """One call of ``/v1{path}``; ``json=``, ``params=`` and ``headers=`` as in requests."""
        headers = {
            "Authorization": f"Bearer {self.token}",
            "Accept": "application/json",
            "MS-RequestId": str(uuid.uuid4()),
            "MS-CorrelationId": self.correlation_id,
            **kwargs.pop("headers", {}),
        }
        url = f"{self.base_url}/v1/{path.lstrip('/')}"
        return self.session.request(method, url, headers=headers, timeout=kwargs.pop("timeout", self.timeout), **kwargs)

    def get(self, path: str, **kwargs) -> requests.Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs) -> requests.Response:
        return self.request("POST", path, **kwargs)

    def put(self, path: str, **kwargs) -> requests.Response:
        return self.request("PUT", path, **kwargs)

    def patch(self, path: str, **kwargs) -> requests.Response:
        return self.request("PATCH", path, **kwargs)

    def delete(self, path: str, **kwargs) -> requests.Response:
        return self.request("DELETE", path, **kwargs)

    def close(self) -> None:
        self.session.close()
