"""Certificate credentials: an app's registered certificates, and the client assertions (private_key_jwt) signed
with their keys that authenticate it instead of its secret."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy.exc import IntegrityError

from sandbox.domain.clock import as_utc
from sandbox.domain.errors import Conflict, InvalidRequestInput, NotFound
from sandbox.domain.model import Application, Partner

from ..context import ServiceContext
from .applications import tenant_app
from .errors import InvalidClientAssertion, entra_instant

CLIENT_ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
# An assertion's exp and nbf are on the real clock (its maker's: MSAL's), not the tenant's, give or take 5 minutes
ASSERTION_CLOCK_SKEW = timedelta(minutes=5)
MAX_CERTIFICATE_PEM = 16384
# Entra refuses an assertion signed with a smaller RSA key (at the token endpoint; the upload takes it)
MIN_RSA_KEY_BITS = 2048


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
    base_urls: tuple[str, ...]  # the sandbox's, whose token endpoints the audience names: its public URL, and the
    # URL the request reached it by (a client that names the sandbox otherwise, localhost for 127.0.0.1, builds its
    # audience from the authority it was given)
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


def _parse_certificate(pem: str):
    """An X.509 certificate in PEM (the first, if a chain), with an RSA key: 400 / 800002 otherwise."""
    from cryptography import x509
    from cryptography.hazmat.primitives.asymmetric import rsa

    if not isinstance(pem, str) or len(pem) > MAX_CERTIFICATE_PEM or "-----BEGIN CERTIFICATE-----" not in pem:
        raise InvalidRequestInput("certificate: a PEM certificate (-----BEGIN CERTIFICATE-----) is expected.",
                                  data=["certificate: not a PEM certificate"])
    from cryptography.exceptions import UnsupportedAlgorithm

    try:
        cert = x509.load_pem_x509_certificate(pem.encode("ascii", "strict"))
        key = cert.public_key()  # an RSA key of exponent 1, a modulus of 0, an algorithm unknown: it can't be built
    except (ValueError, UnicodeEncodeError, UnsupportedAlgorithm) as exc:
        raise InvalidRequestInput("certificate: the PEM certificate can't be read.",
                                  data=["certificate: not a PEM certificate"]) from exc
    if not isinstance(key, rsa.RSAPublicKey):
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
            app = tenant_app(uow, tenant_id, client_id)
            if uow.repo.certificate(app.client_id, sha1=row["thumbprint"]) is not None:
                raise Conflict(f"The application has the certificate {row['thumbprint']} already.")
            row.update(client_id=app.client_id, workspace_id=app.workspace_id, added_at=ctx.real_now())
            uow.repo.add_certificate(**row)
    except IntegrityError as exc:  # the same certificate registered at once by another request
        raise Conflict(f"The application has the certificate {row['thumbprint']} already.") from exc
    return RegisteredCertificate.from_row(row)


def list_certificates(ctx: ServiceContext, tenant_id: str, client_id: str) -> list[RegisteredCertificate]:
    with ctx.unit_of_work() as uow:
        app = tenant_app(uow, tenant_id, client_id)
        return [RegisteredCertificate.from_row(row) for row in uow.repo.certificates(app.client_id)]


def delete_certificate(ctx: ServiceContext, tenant_id: str, client_id: str, thumbprint: str) -> None:
    """Remove an app's certificate, named by its SHA-1 thumbprint (any case): its assertions no longer sign in."""
    with ctx.unit_of_work() as uow:
        app = tenant_app(uow, tenant_id, client_id)
        if not uow.repo.delete_certificate(app.client_id, thumbprint.strip().upper()):
            raise NotFound(f"The application has no certificate '{thumbprint[:100]}'.")


def check_assertion(uow, assertion: ClientAssertion, tenant: str, app: Application, partner: Partner, real_now: datetime,
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
    certificate = _parse_certificate(row["certificate"])  # as it was registered: it parses
    if certificate.not_valid_before_utc > real_now:  # the sandbox's wording: Entra's is not published
        raise refused(InvalidClientAssertion(700027, (
            f"Client assertion failed signature validation. [Reason - The key used is not yet valid., Thumbprint of "
            f"key used by client: '{named}', Configured key is valid from "
            f"{certificate.not_valid_before_utc.strftime('%Y-%m-%dT%H:%M:%SZ')}.]")))
    if (bits := certificate.public_key().key_size) < MIN_RSA_KEY_BITS:
        raise refused(InvalidClientAssertion(
            700027, f"RSA key size {bits} is less than the minimum required {MIN_RSA_KEY_BITS} bits."))
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
    bases = {base.rstrip("/").lower() for base in assertion.base_urls}
    names = {(tenant or "").strip().lower(), partner.id.lower(), partner.domain.lower()}
    endpoints = {f"{base}/{name}/oauth2/{version}token" for base in bases for name in names for version in ("v2.0/", "")}
    if not any(aud.rstrip("/").lower() in endpoints for aud in assertion.audiences):
        raise refused(InvalidClientAssertion(700023, "Client assertion audience claim does not match Realm issuer. Review "
                                                 "the documentation at https://docs.microsoft.com/azure/"
                                                 "active-directory/develop/active-directory-certificate-credentials ."))
    now, skew = as_utc(real_now).timestamp(), ASSERTION_CLOCK_SKEW.total_seconds()
    if (assertion.expires is None or assertion.expires <= now - skew
            or (assertion.not_before is not None and assertion.not_before > now + skew)):
        raise refused(InvalidClientAssertion(700024, "Client assertion is not within its valid time range. Current time: "
                                                 f"{entra_instant(real_now)}, assertion valid from "
                                                 f"{_epoch_instant(assertion.not_before)}, expiry time of assertion "
                                                 f"{_epoch_instant(assertion.expires)}. Review the documentation at "
                                                 "https://docs.microsoft.com/azure/active-directory/develop/"
                                                 "active-directory-certificate-credentials ."))


def _epoch_instant(seconds: float | None) -> str:
    if seconds is None:
        return "(none)"
    try:
        return entra_instant(datetime.fromtimestamp(seconds, UTC))
    except (OverflowError, OSError, ValueError):
        return str(seconds)[:40]
