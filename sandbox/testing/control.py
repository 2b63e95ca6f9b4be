"""A small client of the control API (``/_sandbox``): tenants, clocks and seeded customers."""

from __future__ import annotations

import json
import math
import os
from dataclasses import dataclass, field
from datetime import datetime

import urllib3
from urllib3.util import Retry

RETRY_EVERY_S = 0.5


class ControlError(RuntimeError):
    """The control API refused a request (``status``), or nothing answered (``status`` None); the message carries
    the status and the body."""

    def __init__(self, message: str, status: int | None = None):
        super().__init__(message)
        self.status = status


@dataclass
class Tenant:
    """A partner tenant as ``POST /_sandbox/tenants`` answered it (sign-ins are shown only once)."""

    raw: dict
    customers: list[dict] = field(default_factory=list)

    def __repr__(self) -> str:
        """Without its sign-ins: a failing step's traceback, which pytest prints in the CI log, shows this."""
        return f"Tenant(id={self.id!r}, name={self.name!r}, kind={self.kind!r})"

    @property
    def id(self) -> str:
        return self.raw["id"]

    @property
    def name(self) -> str:
        return self.raw["name"]

    @property
    def kind(self) -> str:
        return self.raw["kind"]

    @property
    def provider(self) -> dict | None:
        """An indirect reseller's indirect provider (its own partner record, users and app)."""
        return self.raw.get("provider")

    @property
    def users(self) -> list[dict]:
        """The partner's users: ``userName``, ``password``, ``role``, ``displayName``."""
        return self.raw["users"]

    @property
    def application(self) -> dict:
        """The partner's app registration: ``clientId``, ``clientSecret``."""
        return self.raw["application"]

    @property
    def clock(self) -> dict:
        """The clock as the tenant was made: ``now`` (ISO-8601) and ``frozen``."""
        return self.raw["clock"]

    def user(self, role: str) -> dict:
        """The partner user with ``role`` (``AdminAgent``, ``SalesAgent``, ``BillingAdmin``, ...)."""
        return next(u for u in self.raw["users"] if u["role"] == role)


class ControlClient:
    """Calls the control API of one sandbox (``base_url`` without ``/_sandbox``)."""

    # A sandbox that refuses connections may be starting or restarting (a CI service, a deployment): calls wait
    # this long for it (MCA_SANDBOX_WAIT, seconds), once; after that they fail at once until it answers again.
    WAIT_FOR_SANDBOX_S = 10.0

    def __init__(self, base_url: str, *, key: str = "", timeout: float = 10.0, delete_tenants_after_use: bool = False):
        self.base_url = base_url.rstrip("/")
        self.key = key
        self.timeout = timeout
        self._gave_up = False  # a whole wait went unanswered
        self._http = urllib3.PoolManager(timeout=urllib3.Timeout(connect=timeout, read=timeout))
        # A shared, external sandbox should not keep every scenario's tenant; a throw-away one may.
        self.delete_tenants_after_use = delete_tenants_after_use
        # Ids of the tenants made through this client, in order: a failed test's evidence names them.
        self.created: list[str] = []

    def create_tenant(self, *, kind: str = "DirectBill", seed: int | None = None, customers: int = 0,
                      now: datetime | None = None, frozen: bool = True) -> Tenant:
        """A fresh, isolated partner tenant; with ``now``, its clock reads that instant."""
        body: dict = {"kind": kind, "customers": customers}
        if seed is not None:
            body["seed"] = seed
        if now is not None:
            body["clock"] = {"now": now.isoformat(), "frozen": frozen}
        made = self._call("POST", "/tenants", body)
        self.created.append(made["id"])
        return Tenant(made, list(made.get("customers", [])))

    def add_customer(self, tenant: Tenant | str, *, state: str = "NoAgreement", country: str | None = None,
                     partner_id: str | None = None) -> dict:
        """A seeded customer in one of the control API's states (``NoAgreement``, ``MCAAttested``, ...)."""
        body: dict = {"state": state}
        if country is not None:
            body["country"] = country
        if partner_id is not None:
            body["partnerId"] = partner_id
        made = self._call("POST", f"/tenants/{_id(tenant)}/customers", body)
        if isinstance(tenant, Tenant):
            tenant.customers.append(made)
        return made

    def set_clock(self, tenant: Tenant | str, now: datetime, *, frozen: bool = True) -> dict:
        """Move the tenant's clock to ``now`` (frozen by default, so a scenario's date never drifts)."""
        return self._call("PUT", f"/tenants/{_id(tenant)}/clock", {"now": now.isoformat(), "frozen": frozen})

    def advance_clock(self, tenant: Tenant | str, seconds: float, *, frozen: bool = True) -> dict:
        """Move the tenant's clock on by ``seconds`` (frozen by default, as ``set_clock``)."""
        return self._call("PUT", f"/tenants/{_id(tenant)}/clock", {"advanceSeconds": seconds, "frozen": frozen})

    def delete_tenant(self, tenant: Tenant | str) -> None:
        self._call("DELETE", f"/tenants/{_id(tenant)}")

    def add_fault_rule(self, tenant: Tenant | str, *, operation: str = "*", status: int | None = None,
                       when: str = "before", count: int | None = None, probability: float = 1.0,
                       delay_ms: int = 0, retry_after: int | None = None) -> dict:
        """A fault or latency rule for the tenant's API calls, to rehearse retries: ``operation`` is an operation
        id of ``/openapi.json`` (``createOrder``), ``*`` or ``token``; ``when="after"`` lets the operation run and
        loses its answer (the client gets ``status``, or the answer after ``delay_ms``)."""
        body: dict = {"operation": operation, "when": when, "probability": probability, "delayMs": delay_ms}
        for name, value in (("status", status), ("count", count), ("retryAfter", retry_after)):
            if value is not None:
                body[name] = value
        return self._call("POST", f"/tenants/{_id(tenant)}/faults", body)

    def fault_rules(self, tenant: Tenant | str) -> list[dict]:
        """The tenant's rules, each with how often it ``fired``."""
        return self._call("GET", f"/tenants/{_id(tenant)}/faults")["items"]

    def clear_fault_rules(self, tenant: Tenant | str) -> None:
        self._call("DELETE", f"/tenants/{_id(tenant)}/faults")

    def journal(self, tenant: Tenant | str) -> dict:
        """What the sandbox got and answered for this tenant: ``{totalCount, capacity, items}``."""
        return self._call("GET", f"/tenants/{_id(tenant)}/journal")

    def clock(self, tenant: Tenant | str) -> dict:
        """The tenant's clock now: ``{now, frozen}``."""
        return self._call("GET", f"/tenants/{_id(tenant)}/clock")

    def health(self) -> dict:
        return self._call("GET", "/health")

    def _call(self, method: str, path: str, body: dict | None = None):
        data = json.dumps(body).encode() if body is not None else None
        headers = {"Content-Type": "application/json"} if data is not None else {}
        if self.key:
            headers["X-Sandbox-Key"] = self.key
        try:
            response = self._http.request(method, f"{self.base_url}/_sandbox{path}", body=data, headers=headers,
                                          retries=self._retries(), redirect=False)
        except urllib3.exceptions.HTTPError as exc:  # nothing answers there (refused, unknown host, timeout)
            self._gave_up = True
            reason = getattr(exc, "reason", None) or exc
            raise ControlError(f"No sandbox answers at {self.base_url} ({reason}): is it running (mca-sandbox serve), "
                               "and is that its address (--sandbox-url, MCA_SANDBOX_URL or --base-url)?") from None
        self._gave_up = False
        text = response.data.decode(errors="replace")
        if response.status >= 400:
            hint = ""
            if response.status == 403 and "X-Sandbox-Key" in text:
                hint = (" - the sandbox's control API has a key: set MCA_SANDBOX_CONTROL_API_KEY to it" if not self.key
                        else " - MCA_SANDBOX_CONTROL_API_KEY is not this sandbox's control key")
            elif response.status == 404 and path == "/health":
                hint = f" - {self.base_url} answers, but not as a sandbox with its control API on"
            raise ControlError(f"{method} {path}: {response.status} {text}{hint}", response.status)
        return json.loads(text) if text else None

    def _retries(self) -> Retry:
        """A connection that fails before anything is sent (a sandbox starting or restarting) is tried again, every
        ``RETRY_EVERY_S``, for up to ``MCA_SANDBOX_WAIT`` seconds; not again once a whole wait went unanswered."""
        wait = 0.0 if self._gave_up else float(os.environ.get("MCA_SANDBOX_WAIT", self.WAIT_FOR_SANDBOX_S))
        return Retry(total=None, connect=math.ceil(wait / RETRY_EVERY_S), read=0, redirect=0, status=0, other=0,
                     backoff_factor=RETRY_EVERY_S, backoff_max=RETRY_EVERY_S)


def _id(tenant: Tenant | str) -> str:
    return tenant.id if isinstance(tenant, Tenant) else tenant
