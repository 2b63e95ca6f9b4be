"""Who is calling: partner users and app registrations, checked against their hashed secrets."""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import secrets
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy.exc import IntegrityError

from sandbox.domain.clock import as_utc
from sandbox.domain.errors import Conflict, InvalidRequestInput, NotFound, Unauthorized
from sandbox.domain.model import Application, Partner, PartnerUser, Workspace
from sandbox.store.repository import principal_records

from .context import Actor, ServiceContext, check_secret, require_workspace


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


def authenticate_application(ctx: ServiceContext, client_id: str, client_secret: str | None) -> Principal:
    """An app registration; the secret is checked when given (client credentials)."""
    with ctx.unit_of_work() as uow:
        app = uow.repo.application(client_id or "")
        if app is None or (client_secret is not None and not check_secret(app.secret_hash, client_secret)):
            raise Unauthorized("Invalid client id or client secret.")
        partner = uow.repo.partner(app.workspace_id, app.partner_id)
        return Principal(require_workspace(uow, app.workspace_id), partner, None, app)


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


def workspace_now(ctx: ServiceContext, workspace_id: str):
    """The instant on a tenant's clock (token issue and expiry use it)."""
    with ctx.unit_of_work() as uow:
        try:
            return ctx.now_in(require_workspace(uow, workspace_id))
        except NotFound as exc:
            raise Unauthorized("Unknown tenant.") from exc


class TokenRequestError(Unauthorized):
    """Why a token request failed; the token endpoint words each in Entra ID's own terms. Once the app is
    known, the refusal names its tenant (``workspace_id``) and that tenant's instant (``now``), for the journal."""

    workspace_id: str | None = None
    now: object = None


class UnknownApplication(TokenRequestError):
    pass


class InvalidClientSecret(TokenRequestError):
    pass


class UnknownUser(TokenRequestError):
    pass


class InvalidUserPassword(TokenRequestError):
    pass


class InvalidClientAssertion(TokenRequestError):
    """A client assertion (private_key_jwt) that doesn't authenticate the app: Entra's AADSTS ``entra_code``."""

    def __init__(self, entra_code: int, description: str):
        super().__init__(description)
        self.entra_code = entra_code


class GrantRefused(TokenRequestError):
    """A refresh token, authorization code or device code that gets no token (yet), in Entra's words: ``error``
    (``invalid_grant`` mostly, ``authorization_pending``, ``expired_token``, ...) and its AADSTS ``entra_code``."""

    def __init__(self, entra_code: int, description: str, *, error: str = "invalid_grant"):
        super().__init__(description)
        self.entra_code, self.error = entra_code, error


@dataclass
class TokenGrant:
    principal: Principal
    now: object  # the instant on the tenant's clock: the token's iat; exp follows from it
    code: AuthorizationCode | None = None  # the authorization code to redeem (redeem_code), for that grant type
    device: DeviceAuthorization | None = None  # the device authorization to redeem (redeem_device_code), likewise


# --- certificate credentials: client assertions (private_key_jwt) -----------------------------------------------
CLIENT_ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
# An assertion's exp and nbf are on the real clock (its maker's: MSAL's), not the tenant's, give or take 5 minutes
ASSERTION_CLOCK_SKEW = timedelta(minutes=5)
MAX_CERTIFICATE_PEM = 16384


@dataclass(frozen=True)
class ClientAssertion:
    """What a client assertion says, its signature not checked yet (the certificate its header names is in the
    store): ``signed_by`` checks it with a certificate's PEM. Thumbprints in hex, upper case; times in seconds
    since the epoch."""

    sha1_thumbprint: str | None  # the header's x5t
    sha256_thumbprint: str | None  # the header's x5t#S256
    issuer: str | None
    subject: str | None
    audiences: tuple[str, ...]
    expires: float | None
    not_before: float | None
    public_url: str  # the sandbox's, whose token endpoints the audience names
    signed_by: Callable[[str], bool] = field(repr=False, compare=False)


@dataclass(frozen=True)
class RegisteredCertificate:
    """A certificate registered for an app (the control API's answer)."""

    thumbprint: str  # SHA-1, hex, upper case: as Azure's portal shows it
    thumbprint_sha256: str
    not_after: datetime
    added: datetime

    @classmethod
    def from_row(cls, row: dict) -> RegisteredCertificate:
        return cls(row["thumbprint"], row["thumbprint_sha256"], as_utc(row["not_after"]), as_utc(row["added_at"]))


def _tenant_app(uow, tenant_id: str, client_id: str) -> Application:
    require_workspace(uow, tenant_id)
    app = uow.repo.application(client_id or "")
    if app is None or app.workspace_id != tenant_id:
        raise NotFound(f"The tenant has no application '{client_id[:100]}'.")
    return app


def _parse_certificate(pem: str):
    """An X.509 certificate in PEM (the first, if a chain), with an RSA key: 400 / 800002 otherwise."""
    from cryptography import x509
    from cryptography.hazmat.primitives.asymmetric import rsa

    if not isinstance(pem, str) or len(pem) > MAX_CERTIFICATE_PEM or "-----BEGIN CERTIFICATE-----" not in pem:
        raise InvalidRequestInput("certificate: a PEM certificate (-----BEGIN CERTIFICATE-----) is expected.",
                                  data=["certificate: not a PEM certificate"])
    try:
        cert = x509.load_pem_x509_certificate(pem.encode("ascii", "strict"))
    except (ValueError, UnicodeEncodeError) as exc:
        raise InvalidRequestInput("certificate: the PEM certificate can't be read.",
                                  data=["certificate: not a PEM certificate"]) from exc
    if not isinstance(cert.public_key(), rsa.RSAPublicKey):
        raise InvalidRequestInput("certificate: Entra's certificate credentials have an RSA key (RS256, PS256).",
                                  data=["certificate: not an RSA key"])
    return cert


def register_certificate(ctx: ServiceContext, tenant_id: str, client_id: str, pem: str) -> RegisteredCertificate:
    """Register a certificate (PEM) for a tenant's app, as Azure's portal uploads one: its client assertions
    signed with the certificate's key then authenticate it. 409 when the app has that certificate already."""
    from cryptography.hazmat.primitives import hashes, serialization

    cert = _parse_certificate(pem)
    row = {
        "thumbprint": cert.fingerprint(hashes.SHA1()).hex().upper(),  # noqa: S303 (Entra's x5t is SHA-1)
        "thumbprint_sha256": cert.fingerprint(hashes.SHA256()).hex().upper(),
        "certificate": cert.public_bytes(serialization.Encoding.PEM).decode("ascii"),
        "not_after": cert.not_valid_after_utc,
    }
    try:
        with ctx.unit_of_work() as uow:
            app = _tenant_app(uow, tenant_id, client_id)
            if uow.repo.certificate(app.client_id, sha1=row["thumbprint"]) is not None:
                raise Conflict(f"The application has the certificate {row['thumbprint']} already.")
            row.update(client_id=app.client_id, workspace_id=app.workspace_id, added_at=ctx.real_now())
            uow.repo.add_certificate(**row)
    except IntegrityError as exc:  # the same certificate registered at once by another request
        raise Conflict(f"The application has the certificate {row['thumbprint']} already.") from exc
    return RegisteredCertificate.from_row(row)


def list_certificates(ctx: ServiceContext, tenant_id: str, client_id: str) -> list[RegisteredCertificate]:
    with ctx.unit_of_work() as uow:
        app = _tenant_app(uow, tenant_id, client_id)
        return [RegisteredCertificate.from_row(row) for row in uow.repo.certificates(app.client_id)]


def delete_certificate(ctx: ServiceContext, tenant_id: str, client_id: str, thumbprint: str) -> None:
    """Remove an app's certificate, named by its SHA-1 thumbprint (any case): its assertions no longer sign in."""
    with ctx.unit_of_work() as uow:
        app = _tenant_app(uow, tenant_id, client_id)
        if not uow.repo.delete_certificate(app.client_id, thumbprint.strip().upper()):
            raise NotFound(f"The application has no certificate '{thumbprint[:100]}'.")


def _check_assertion(uow, assertion: ClientAssertion, tenant: str, app: Application, partner: Partner, real_now: datetime,
                     refused) -> None:
    """A client assertion authenticates ``app`` when a certificate registered for it, named by the header's x5t
    (or x5t#S256) and not expired, signed it; its iss and sub are the app's client id; its aud is one of the
    sandbox's token endpoints for this tenant (either version, the tenant as the request named it, or its id or
    domain); and the real clock is within its nbf and exp, give or take 5 minutes."""
    named = assertion.sha1_thumbprint or assertion.sha256_thumbprint or ""
    row = None
    if assertion.sha1_thumbprint is not None:
        row = uow.repo.certificate(app.client_id, sha1=assertion.sha1_thumbprint)
    if row is None and assertion.sha256_thumbprint is not None:
        row = uow.repo.certificate(app.client_id, sha256=assertion.sha256_thumbprint)
    if row is None:
        raise refused(InvalidClientAssertion(700027, (
            f"Client assertion failed signature validation. [Reason - The key was not found., Thumbprint of key used "
            f"by client: '{named}'. Please visit the Azure Portal, Graph Explorer or directly use MS Graph to see "
            f"configured keys for app Id '{app.client_id}'.]")))
    if as_utc(row["not_after"]) <= real_now:
        raise refused(InvalidClientAssertion(700027, (
            f"Client assertion failed signature validation. [Reason - The key used is expired., Thumbprint of key "
            f"used by client: '{named}', Configured key expired on {as_utc(row['not_after']).strftime('%Y-%m-%dT%H:%M:%SZ')}.]")))
    if not assertion.signed_by(row["certificate"]):
        raise refused(InvalidClientAssertion(700027, (
            "Client assertion contains an invalid signature. [Reason - The provided signature value did not match "
            f"the expected signature value., Thumbprint of key used by client: '{named}'.]")))
    client = app.client_id.lower()
    if (assertion.issuer or "").lower() != client or (assertion.subject or "").lower() != client:
        raise refused(InvalidClientAssertion(700021, "Client assertion application identifier doesn't match 'client_id' "
                                                 "parameter. Review the documentation at "
                                                 "https://docs.microsoft.com/azure/active-directory/develop/"
                                                 "active-directory-certificate-credentials ."))
    base = assertion.public_url.rstrip("/").lower()
    names = {(tenant or "").strip().lower(), partner.id.lower(), partner.domain.lower()}
    endpoints = {f"{base}/{name}/oauth2/{version}token" for name in names for version in ("v2.0/", "")}
    if not any(aud.rstrip("/").lower() in endpoints for aud in assertion.audiences):
        raise refused(InvalidClientAssertion(700023, "Client assertion audience claim does not match Realm issuer. Review "
                                                 "the documentation at https://docs.microsoft.com/azure/"
                                                 "active-directory/develop/active-directory-certificate-credentials ."))
    now, skew = as_utc(real_now).timestamp(), ASSERTION_CLOCK_SKEW.total_seconds()
    if (assertion.expires is None or assertion.expires <= now - skew
            or (assertion.not_before is not None and assertion.not_before > now + skew)):
        raise refused(InvalidClientAssertion(700024, "Client assertion is not within its valid time range. Current time: "
                                                 f"{_entra_instant(real_now)}, assertion valid from "
                                                 f"{_epoch_instant(assertion.not_before)}, expiry time of assertion "
                                                 f"{_epoch_instant(assertion.expires)}. Review the documentation at "
                                                 "https://docs.microsoft.com/azure/active-directory/develop/"
                                                 "active-directory-certificate-credentials ."))


def _epoch_instant(seconds: float | None) -> str:
    if seconds is None:
        return "(none)"
    try:
        return _entra_instant(datetime.fromtimestamp(seconds, UTC))
    except (OverflowError, OSError, ValueError):
        return str(seconds)[:40]


# Entra's refresh tokens last 90 days from their last use (each use gives a new one).
REFRESH_TOKEN_LIFETIME = timedelta(days=90)


@dataclass(frozen=True)
class RefreshGrant:
    """What a refresh token says, its signature already checked (by the token endpoint)."""

    tenant_id: str
    user_id: str
    client_id: str
    issued: datetime
    expires: datetime
    credential_stamp: str


# Entra's authorization codes are short-lived; the sandbox's last 10 minutes of the tenant's clock.
AUTHORIZATION_CODE_LIFETIME = timedelta(minutes=10)
CODE_CHALLENGE_METHODS = ("plain", "S256")


@dataclass(frozen=True)
class AuthorizationCode:
    """What an authorization code says, its signature already checked (by the token endpoint): who signed in
    for which app, and what the authorization request named, so that the redemption can be held to it."""

    code_id: str
    tenant_id: str
    user_id: str
    client_id: str
    authority: str  # the {tenant} of the authorization request: the partner's tenant id, or an alias
    version: str  # the authorize endpoint's: "1.0" or "2.0"
    issued: datetime
    expires: datetime
    credential_stamp: str
    redirect_uri: str
    scope: str | None  # v2.0: the scopes asked for; v1: the optional scope (openid)
    resource: str | None  # v1: the resource asked for, if any
    code_challenge: str | None
    code_challenge_method: str | None
    nonce: str | None


@dataclass(frozen=True)
class CodeRedemption:
    """A token request's ``grant_type=authorization_code``: the code, and what the request says besides."""

    code: AuthorizationCode
    redirect_uri: str
    code_verifier: str | None
    version: str


# --- the device code flow (RFC 8628, as Entra has it) ---------------------------------------------------
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


def authority(tenant: str, partner: Partner) -> str:
    """The ``{tenant}`` a sign-in was asked under, as one value: a multi-tenant alias, else the partner's id
    (its domain names the same tenant)."""
    tenant = (tenant or "").strip().lower()
    return tenant if tenant in TENANT_ALIASES else partner.id


def pkce_challenge(verifier: str, method: str) -> str:
    """RFC 7636: the challenge a verifier answers, ``plain`` (itself) or ``S256`` (base64url of its SHA-256)."""
    if method == "S256":
        return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return verifier


def credential_stamp(user: PartnerUser) -> str:
    """A short mark of the user's current password: a refresh token made before a new password stops working,
    as Entra revokes a user's refresh tokens when the password changes (a tenant's seed remakes them)."""
    return hashlib.sha256(b"mca-sandbox credential\x00" + user.password_hash.encode()).hexdigest()[:16]


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


def _app_of(uow, tenant: str, client_id: str) -> tuple[Application, Partner]:
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
        app, partner = _app_of(uow, tenant, client_id)
        return SignInClient.of(app, partner)


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
                app, partner = _app_of(uow, tenant, client_id)
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


class UserCodeRefused(Exception):
    """A user code the /devicelogin page can't sign in with."""


class UserCodeUnknown(UserCodeRefused):
    """No pending device authorization has it: never issued, mistyped, signed in with already, or its tenant gone."""


class UserCodeExpired(UserCodeRefused):
    """Its 15 minutes on the tenant's clock are over."""


@dataclass(frozen=True)
class DeviceSignIn:
    """What the /devicelogin page signs in to: the pending device authorization a user code names, and its app."""

    authorization: DeviceAuthorization
    client: SignInClient


def device_sign_in(ctx: ServiceContext, typed: str) -> DeviceSignIn:
    """The pending device authorization a user code (as typed) names: UserCodeUnknown when none does (or someone
    signed in with it already), UserCodeExpired once its tenant's clock is past its 15 minutes."""
    user_code = normal_user_code(typed)
    if user_code is None:  # no query for what can't be a user code
        raise UserCodeUnknown()
    with ctx.unit_of_work() as uow:
        row = uow.repo.device_authorization(user_code=user_code)
        if row is None or row["user_id"] is not None or row["redeemed_at"] is not None:
            raise UserCodeUnknown()
        asked = DeviceAuthorization.from_row(row)
        workspace = uow.repo.workspace(asked.workspace_id)
        app = uow.repo.application(asked.client_id)
        partner = uow.repo.partner(app.workspace_id, app.partner_id) if app is not None else None
        if workspace is None or partner is None:
            raise UserCodeUnknown()
        if as_utc(ctx.now_in(workspace)) >= asked.expires:
            raise UserCodeExpired()
        return DeviceSignIn(asked, SignInClient.of(app, partner))


def approve_device_code(ctx: ServiceContext, typed: str, *, user_name: str, password: str) -> DeviceSignIn:
    """The person's sign-in on the /devicelogin page: the user code still pending (UserCodeUnknown,
    UserCodeExpired), the user one of its app's partner with that password (UnknownUser, InvalidUserPassword, as
    the password grant's), then the authorization records the user and their credential stamp, once: of two
    sign-ins at once, the first to write wins and the other is UserCodeUnknown."""
    signing_in = device_sign_in(ctx, typed)
    asked = signing_in.authorization
    grant = grant_token(ctx, tenant=asked.authority, client_id=asked.client_id, client_secret=None,
                        user_name=user_name, password=password)
    user = grant.principal.user
    with ctx.unit_of_work() as uow:
        approved = uow.repo.approve_device_authorization(asked.id, user_id=user.id, credential_stamp=credential_stamp(user),
                                                         approved_at=grant.now)
    if not approved:
        raise UserCodeUnknown()
    return signing_in


def grant_token(
    ctx: ServiceContext,
    *,
    tenant: str,
    client_id: str,
    client_secret: str | None,
    user_name: str | None = None,
    password: str | None = None,
    refresh: RefreshGrant | None = None,
    redemption: CodeRedemption | None = None,
    device: DeviceCodeRedemption | None = None,
    assertion: ClientAssertion | None = None,
) -> TokenGrant:
    """Who a token is for: the app alone (client credentials) or the app with a user (password grant, a
    refresh token the app was given with an earlier App+User token, an authorization code the user's
    sign-in gave it, or a device code the user signed in for; a code is checked here, and taken by
    ``redeem_code`` or ``redeem_device_code`` once the answer is sure).

    The app must belong to the tenant named in the path, and prove it with its secret or a client assertion
    (``assertion``, signed with a certificate registered for it) when the request gives one; the user must belong
    to the app's partner.
    The instant comes from that tenant's clock, so tokens (refresh tokens too) expire on it.
    """
    with ctx.unit_of_work() as uow:
        app, partner = _app_of(uow, tenant, client_id)
        workspace = require_workspace(uow, app.workspace_id)
        now = ctx.now_in(workspace)

        def refused(error: TokenRequestError) -> TokenRequestError:
            error.workspace_id, error.now = workspace.id, now
            return error

        if client_secret is not None and not check_secret(app.secret_hash, client_secret):
            raise refused(InvalidClientSecret("Invalid client secret provided."))
        if assertion is not None:
            _check_assertion(uow, assertion, tenant, app, partner, as_utc(ctx.real_now()), refused)
        user = None
        if user_name is not None:
            user = uow.repo.user_by_name(user_name)
            if user is None or user.partner_id != partner.id:
                raise refused(UnknownUser(f"The user account {user_name} does not exist in the {partner.domain} directory."))
            if not check_secret(user.password_hash, password or ""):
                raise refused(InvalidUserPassword("Error validating credentials due to invalid username or password."))
        if refresh is not None:
            user = _refreshed_user(uow, refresh, app, partner, now, refused)
        if redemption is not None:
            user = _code_user(uow, redemption, authority(tenant, partner), app, partner, now, refused)
        asked = None
        if device is not None:
            user, asked = _device_user(uow, device, authority(tenant, partner), app, partner, now, refused)
        return TokenGrant(Principal(workspace, partner, user, app), now, redemption.code if redemption else None, asked)


def _entra_instant(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.0000000Z")


def _still_signed_in(uow, user_id: str, stamp: str, partner: Partner, issued: datetime, refused) -> PartnerUser:
    """The user a grant (refresh token, authorization code, device code) stands for, while their password is the
    one they had then: Entra revokes a user's grants when the password changes (a tenant's seed remakes them)."""
    user = uow.repo.user(user_id)
    if user is None or user.partner_id != partner.id or credential_stamp(user) != stamp:
        raise refused(GrantRefused(50173, (
            "The provided grant has expired due to it being revoked, a fresh auth token is needed. The user might "
            f"have changed or reset their password. The grant was issued on '{_entra_instant(issued)}'.")))
    return user


def _redeemed() -> GrantRefused:
    # Entra's words for a redeemed authorization code (also for a device code: Entra doesn't document that case)
    return GrantRefused(54005, "OAuth2 Authorization code was already redeemed, please retry with a new valid code or "
                               "use an existing refresh token.")


def _refreshed_user(uow, refresh: RefreshGrant, app: Application, partner: Partner, now, refused) -> PartnerUser:
    """The user a refresh token stands for, if it still gets a token: the same app and tenant, within 90 days
    of its issue on the tenant's clock, and the user's password unchanged since."""
    if refresh.client_id != app.client_id or refresh.tenant_id != partner.id:
        raise refused(GrantRefused(70000, (
            "The refresh token was issued to a different client or tenant; redeem it with the application and the "
            "tenant it was issued to.")))
    if as_utc(now) >= refresh.expires:
        raise refused(GrantRefused(700082, (
            f"The refresh token has expired due to inactivity. The token was issued on "
            f"{_entra_instant(refresh.issued)} and was inactive for 90.00:00:00.")))
    return _still_signed_in(uow, refresh.user_id, refresh.credential_stamp, partner, refresh.issued, refused)


def _code_user(uow, redemption: CodeRedemption, asked_under: str, app: Application, partner: Partner, now,
               refused) -> PartnerUser:
    """The user an authorization code stands for, if the redemption matches the authorization request: the same
    app, tenant, endpoint version and redirect URI, within 10 minutes of its issue on the tenant's clock, the PKCE
    verifier answering the challenge, and the user's password unchanged since."""
    code = redemption.code
    if code.client_id != app.client_id or code.tenant_id != partner.id or code.version != redemption.version:
        raise refused(GrantRefused(70000, (
            "The provided authorization code was issued to a different client, or by the other version of the "
            "authorize endpoint; redeem it with the application and at the token endpoint of the version it was "
            "issued for.")))
    if code.authority != asked_under:
        raise refused(GrantRefused(700005, "Provided Authorization Code is intended to use against other tenant, thus "
                                           "rejected."))
    if redemption.redirect_uri != code.redirect_uri:
        raise refused(GrantRefused(500112, (
            f"The reply address '{redemption.redirect_uri[:300]}' does not match the reply address "
            f"'{code.redirect_uri[:300]}' provided when requesting Authorization code.")))
    if as_utc(now) >= code.expires:
        raise refused(GrantRefused(70008, (
            "The provided authorization code or refresh token has expired due to inactivity. Send a new interactive "
            "authorization request for this user and resource.")))
    if code.code_challenge is not None:
        if redemption.code_verifier is None:
            raise refused(GrantRefused(900144, "The request body must contain the following parameter: 'code_verifier'.",
                                       error="invalid_request"))
        answer = pkce_challenge(redemption.code_verifier, code.code_challenge_method or "plain")
        if not hmac.compare_digest(answer.encode(), code.code_challenge.encode()):
            raise refused(GrantRefused(501481, "The Code_Verifier does not match the code_challenge supplied in the "
                                               "authorization request."))
    return _still_signed_in(uow, code.user_id, code.credential_stamp, partner, code.issued, refused)


def redeem_code(ctx: ServiceContext, grant: TokenGrant) -> None:
    """Take the grant's authorization code: once only, whichever process asks (a row per redeemed code; of two
    redemptions at once, the one whose row commits first wins). 54005 for the other."""
    try:
        with ctx.unit_of_work() as uow:
            uow.repo.redeem_code(grant.principal.workspace.id, grant.code.code_id, ctx.real_now())
    except IntegrityError as exc:
        error = _redeemed()
        error.workspace_id, error.now = grant.principal.workspace.id, grant.now
        raise error from exc


def _device_user(uow, redemption: DeviceCodeRedemption, asked_under: str, app: Application, partner: Partner, now,
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
        raise refused(_redeemed())
    if asked.user_id is None:
        raise refused(GrantRefused(70016, "The provided request has not yet been authorized by the user. The user "
                                          "must input their code.", error="authorization_pending"))
    user = _still_signed_in(uow, asked.user_id, asked.credential_stamp, partner, asked.approved or asked.created, refused)
    return user, asked


def redeem_device_code(ctx: ServiceContext, grant: TokenGrant) -> None:
    """Take the grant's device code: once only, whichever process asks (an update of its row on condition that it
    was not redeemed; of two redemptions at once, the first to write wins). 54005 for the other."""
    with ctx.unit_of_work() as uow:
        taken = uow.repo.redeem_device_authorization(grant.device.id, grant.now)
    if not taken:
        error = _redeemed()
        error.workspace_id, error.now = grant.principal.workspace.id, grant.now
        raise error
