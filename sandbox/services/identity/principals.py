"""Who is calling: partner users and app registrations, checked against their hashed secrets, and the tenants
the sign-in endpoints name."""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass, field
from datetime import datetime

from sandbox.domain.errors import Unauthorized
from sandbox.domain.model import Application, Partner, PartnerUser, Workspace
from sandbox.store.repository import principal_records

from ..context import Actor, ServiceContext, check_secret, require_workspace
from .errors import GrantRefused, UnknownApplication, entra_instant


@dataclass
class Principal:
    workspace: Workspace
    partner: Partner
    user: PartnerUser | None
    application: Application | None
    _actors: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    def actor(self, channel: str) -> Actor:
        """The caller as use cases see it, through ``channel`` (made once per channel: actors are frozen)."""
        made = self._actors.get(channel)
        if made is None:
            made = self._actors[channel] = Actor(
                workspace_id=self.workspace.id,
                partner_id=self.partner.id,
                user_id=self.user.id if self.user else None,
                role=self.user.role if self.user else None,
                app_id=self.application.client_id if self.application else None,
                channel=channel,
            )
        return made


def authenticate_user(ctx: ServiceContext, user_name: str, password: str) -> Principal:
    """A partner user's sign-in (portal) or the user half of an App+User token."""
    with ctx.unit_of_work() as uow:
        user = uow.repo.user_by_name(user_name or "")
        if user is None or not check_secret(user.password_hash, password or ""):
            raise Unauthorized("Your account or password is incorrect.")
        partner = uow.repo.partner(user.workspace_id, user.partner_id)
        return Principal(require_workspace(uow, user.workspace_id), partner, user, None)


def principal_for(ctx: ServiceContext, *, user_id: str | None, client_id: str | None, partner_id: str) -> Principal:
    """Rebuild the caller from a token's claims; anything deleted since then no longer signs in.

    Every API request (and portal page) does this: one read-only statement, outside any ORM session.
    """
    records = principal_records(ctx.engine, user_id=user_id, client_id=client_id, partner_id=partner_id)
    return _principal(records, partner_id)


@functools.lru_cache(maxsize=1024)
def _principal(records: tuple, partner_id: str) -> Principal:
    """The principal of a token's records. Records compare by identity, and the store hands out the same
    records while nothing was committed (a SQLite file's thread readers remember what they read), so a
    principal is built once per state of its records; a refusal is raised again each time."""
    user, app, partner, workspace = records
    owner = user or app
    if owner is None or owner.partner_id != partner_id or (user and app and user.partner_id != app.partner_id):
        raise Unauthorized("The token does not belong to a known user or application.")
    if workspace is None or partner is None:
        raise Unauthorized("The token's tenant no longer exists.")
    return Principal(workspace, partner, user, app)


def credential_stamp(user: PartnerUser) -> str:
    """A short mark of the user's current password: a refresh token made before a new password stops working,
    as Entra revokes a user's refresh tokens when the password changes (a tenant's seed remakes them)."""
    return hashlib.sha256(b"mca-sandbox credential\x00" + user.password_hash.encode()).hexdigest()[:16]


def still_signed_in(uow, user_id: str, stamp: str, partner: Partner, issued: datetime, refused) -> PartnerUser:
    """The user a grant (refresh token, authorization code, device code) stands for, while their password is the
    one they had then: Entra revokes a user's grants when the password changes (a tenant's seed remakes them)."""
    user = uow.repo.user(user_id)
    if user is None or user.partner_id != partner.id or credential_stamp(user) != stamp:
        raise refused(GrantRefused(50173, (
            "The provided grant has expired due to it being revoked, a fresh auth token is needed. The user might "
            f"have changed or reset their password. The grant was issued on '{entra_instant(issued)}'.")))
    return user


def authority(tenant: str, partner: Partner) -> str:
    """The ``{tenant}`` a sign-in was asked under, as one value: a multi-tenant alias, else the partner's id
    (its domain names the same tenant)."""
    tenant = (tenant or "").strip().lower()
    return tenant if tenant in TENANT_ALIASES else partner.id


TENANT_ALIASES = ("common", "organizations")  # Entra's multi-tenant names for {tenant}


def _names_partner(tenant: str, partner: Partner) -> bool:
    """The token endpoint's ``{tenant}``: the partner's tenant id or domain, or a multi-tenant alias."""
    tenant = (tenant or "").strip().lower()
    return tenant in TENANT_ALIASES or tenant in (partner.id.lower(), partner.domain.lower())


def resolve_tenant(ctx: ServiceContext, tenant: str) -> str | None:
    """What the sign-in endpoints' ``{tenant}`` names: a multi-tenant alias (itself, in lower case), or some
    partner's tenant, by its id or domain (its id); None when it names nothing."""
    tenant = tenant.strip().lower()
    if tenant in TENANT_ALIASES:
        return tenant
    with ctx.unit_of_work() as uow:
        return uow.repo.partner_tenant_id(tenant)


def user_realm(ctx: ServiceContext, user_name: str) -> str | None:
    """Entra's user realm discovery: the partner domain of a sign-in name (the part after ``@``), when some
    partner's tenant has that domain (a "Managed" account); None otherwise ("Unknown")."""
    domain = user_name.rpartition("@")[2].strip().lower()
    if not domain:
        return None
    with ctx.unit_of_work() as uow:
        return domain if uow.repo.partner_tenant_id(domain) is not None else None


@dataclass(frozen=True)
class SignInClient:
    """The app an authorization request names (the sign-in page shows its name)."""

    client_id: str
    name: str
    tenant_id: str
    partner_name: str

    @classmethod
    def of(cls, app: Application, partner: Partner) -> SignInClient:
        return cls(app.client_id, app.name, partner.id, partner.name)


def app_of(uow, tenant: str, client_id: str) -> tuple[Application, Partner]:
    """The app registration ``client_id`` names and its partner, if it belongs to the tenant named in the path
    (its id, domain, or an alias); UnknownApplication otherwise."""
    app = uow.repo.application(client_id or "")
    partner = uow.repo.partner(app.workspace_id, app.partner_id) if app is not None else None
    if app is None or partner is None or not _names_partner(tenant, partner):
        raise UnknownApplication(f"Application with identifier '{client_id}' was not found in the directory '{tenant}'.")
    return app, partner


def sign_in_client(ctx: ServiceContext, tenant: str, client_id: str) -> SignInClient:
    """The app registration ``client_id`` names, if it belongs to the tenant named in the path (its id, domain,
    or an alias); UnknownApplication otherwise, as the token endpoint's."""
    with ctx.unit_of_work() as uow:
        app, partner = app_of(uow, tenant, client_id)
        return SignInClient.of(app, partner)
