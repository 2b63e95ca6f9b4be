"""The device code flow (RFC 8628, as Entra has it), the app's side: starting a device authorization, and
whether a device code polled with gets a token yet."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.exc import IntegrityError

from sandbox.domain.clock import as_utc
from sandbox.domain.model import Application, Partner, PartnerUser

from ..context import ServiceContext, require_workspace
from .errors import GrantRefused, already_redeemed
from .principals import SignInClient, app_of, authority, still_signed_in

# POST .../devicecode starts it (a user code for the person, a device code for the app); the person signs in on
# the /devicelogin page with the user code; the app polls the token endpoint with the device code meanwhile.
DEVICE_CODE_LIFETIME = timedelta(minutes=15)  # Entra's expires_in: 900, on the tenant's clock here
DEVICE_CODE_INTERVAL = 5  # seconds between two polls, as Entra asks
USER_CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # upper-case letters and digits, no 0/O nor 1/I
USER_CODE_LENGTH = 9  # as Entra's (B7FNPG5RP)


@dataclass(frozen=True)
class DeviceAuthorization:
    """A device code flow started: what its request named, and (once the person signed in) who approved it."""

    id: str
    workspace_id: str
    user_code: str
    client_id: str
    version: str  # the devicecode endpoint's: "1.0" or "2.0"
    scope: str | None  # v2.0: the scopes asked for; v1: the optional scope (openid)
    resource: str | None  # v1: the resource asked for
    authority: str  # the {tenant} it was asked under: the partner's tenant id, or an alias
    created: datetime
    expires: datetime
    user_id: str | None  # the user who signed in on the page (None: pending)
    credential_stamp: str | None  # that user's password then
    approved: datetime | None
    redeemed: datetime | None

    @classmethod
    def from_row(cls, row: dict) -> DeviceAuthorization:
        return cls(
            id=row["id"], workspace_id=row["workspace_id"], user_code=row["user_code"], client_id=row["client_id"],
            version=row["version"], scope=row["scope"], resource=row["resource"], authority=row["authority"],
            created=as_utc(row["created_at"]), expires=as_utc(row["expires_at"]), user_id=row["user_id"],
            credential_stamp=row["credential_stamp"], approved=row["approved_at"] and as_utc(row["approved_at"]),
            redeemed=row["redeemed_at"] and as_utc(row["redeemed_at"]),
        )


@dataclass(frozen=True)
class DeviceCodeRedemption:
    """A token request's device code grant: the device code, at the token endpoint of this version."""

    device_code: str
    version: str


def device_code_id(device_code: str) -> str:
    """What the store keeps of a device code: its SHA-256 (a database's reader can't redeem a code from it)."""
    return hashlib.sha256(device_code.encode("utf-8", "surrogatepass")).hexdigest()


def new_user_code() -> str:
    return "".join(secrets.choice(USER_CODE_ALPHABET) for _ in range(USER_CODE_LENGTH))


def normal_user_code(typed: str) -> str | None:
    """A user code as typed, as the store has it: any case, spaces and dashes left out; None when it can't be one."""
    code = "".join(ch for ch in typed.upper() if ch not in " -\t")
    return code if len(code) == USER_CODE_LENGTH and all(ch in USER_CODE_ALPHABET for ch in code) else None


@dataclass(frozen=True)
class DeviceFlow:
    """A device code flow just started: its row, the device code (only the app ever sees it) and the app."""

    authorization: DeviceAuthorization
    device_code: str
    client: SignInClient


def start_device_flow(ctx: ServiceContext, *, tenant: str, client_id: str, version: str, scope: str | None,
                      resource: str | None) -> DeviceFlow:
    """A new device authorization for the app ``client_id`` names in ``tenant`` (UnknownApplication otherwise):
    a user code unique among all the store holds (a taken one is drawn again), a device code of 128 random
    characters, 15 minutes on the tenant's clock."""
    for attempt in range(8):
        device_code = secrets.token_urlsafe(96)
        try:
            with ctx.unit_of_work() as uow:
                app, partner = app_of(uow, tenant, client_id)
                workspace = require_workspace(uow, app.workspace_id)
                now = ctx.now_in(workspace)
                row = {
                    "id": str(uuid.uuid4()), "workspace_id": workspace.id, "user_code": new_user_code(),
                    "device_code_id": device_code_id(device_code), "client_id": app.client_id, "version": version,
                    "scope": scope, "resource": resource, "authority": authority(tenant, partner), "created_at": now,
                    "expires_at": now + DEVICE_CODE_LIFETIME, "user_id": None, "credential_stamp": None,
                    "approved_at": None, "redeemed_at": None,
                }
                uow.repo.add_device_authorization(**row)
                client = SignInClient.of(app, partner)
            return DeviceFlow(DeviceAuthorization.from_row(row), device_code, client)
        except IntegrityError:  # a user code drawn twice (1 in 32**9), or the tenant deleted meanwhile
            if attempt == 7:
                raise
    raise AssertionError("unreachable")  # pragma: no cover


def device_user(uow, redemption: DeviceCodeRedemption, asked_under: str, app: Application, partner: Partner, now,
                refused) -> tuple[PartnerUser, DeviceAuthorization]:
    """The user who signed in for a device code, once they have: the code this sandbox's, asked for this app at
    the endpoint of this version and under this authority, within its 15 minutes on the tenant's clock, not
    redeemed yet, and the user's password unchanged since their sign-in."""
    row = uow.repo.device_authorization(device_code_id=device_code_id(redemption.device_code))
    if row is None:
        raise refused(GrantRefused(70000, "The provided value for the input parameter 'device_code' is not valid."))
    asked = DeviceAuthorization.from_row(row)
    if asked.client_id != app.client_id or asked.version != redemption.version:
        raise refused(GrantRefused(70000, (
            "The provided value for the input parameter 'device_code' is not valid: it was issued to a different "
            "client, or by the other version of the device code endpoint; redeem it with the application and at the "
            "token endpoint of the version it was issued for.")))
    if asked.authority != asked_under:
        raise refused(GrantRefused(700005, "Provided device code is intended to use against other tenant, thus rejected."))
    if as_utc(now) >= asked.expires:
        raise refused(GrantRefused(70020, "The provided value for the input parameter 'device_code' is not valid. This "
                                          "device code has expired.", error="expired_token"))
    if asked.redeemed is not None:
        raise refused(already_redeemed())
    if asked.user_id is None:
        raise refused(GrantRefused(70016, "The provided request has not yet been authorized by the user. The user "
                                          "must input their code.", error="authorization_pending"))
    user = still_signed_in(uow, asked.user_id, asked.credential_stamp, partner, asked.approved or asked.created, refused)
    return user, asked
