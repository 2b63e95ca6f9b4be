"""Access tokens in the style of Microsoft Entra ID: signed JWTs for the Partner Center API.

HS256 with a key derived from the app's SECRET_KEY (so a token of one sandbox is foreign to
another). Times are on the tenant's clock: ``iat`` and ``exp`` come from it, and the API checks
``exp`` against it, so moving a tenant's clock forward by an hour expires its tokens.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import json
import math
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import jwt

from sandbox.domain.clock import as_utc
from sandbox.services.identity import (
    AUTHORIZATION_CODE_LIFETIME,
    REFRESH_TOKEN_LIFETIME,
    AuthorizationCode,
    ClientAssertion,
    Principal,
    RefreshGrant,
    credential_stamp,
)

PARTNER_CENTER_RESOURCE = "https://api.partnercenter.microsoft.com"
# Partner Center's well-known application id; Entra accepts it as a resource as well.
PARTNER_CENTER_APP_ID = "fa3d9a0c-3fb0-42cc-9193-47c7ecd2edbd"
ALGORITHM = "HS256"


def _derived_key(purpose: bytes, secret_key: str) -> bytes:
    """A 256-bit key for one kind of token, derived from the app's secret: a token of one kind never passes
    for another (sessions use the secret itself)."""
    return hashlib.sha256(b"mca-sandbox " + purpose + b"\x00" + secret_key.encode()).digest()


def signing_key(secret_key: str) -> bytes:
    """The access tokens' key."""
    return _derived_key(b"access token", secret_key)


def issuer(tenant_id: str, version: str) -> str:
    if version == "2.0":
        return f"https://login.microsoftonline.com/{tenant_id}/v2.0"
    return f"https://sts.windows.net/{tenant_id}/"


def issue(principal: Principal, *, now: datetime, lifetime_seconds: int, secret_key: str, version: str = "1.0") -> tuple[str, dict]:
    """Sign a token for ``principal``: App+User when it has a user, App-only otherwise."""
    now = as_utc(now)
    issued = int(now.timestamp())
    app_only = principal.user is None
    claims = {
        "aud": PARTNER_CENTER_RESOURCE,
        "iss": issuer(principal.partner.id, version),
        "iat": issued,
        "nbf": issued,
        "exp": int((now + timedelta(seconds=lifetime_seconds)).timestamp()),
        "tid": principal.partner.id,
        "appid": principal.application.client_id if principal.application else None,
        "azp": principal.application.client_id if principal.application else None,
        "idtyp": "app" if app_only else "user",
        "app_only": app_only,
        "ver": version,
        "jti": str(uuid.uuid4()),
    }
    if app_only:
        claims["oid"] = None
        claims["roles"] = []
    else:
        user = principal.user
        claims.update(
            oid=user.id,
            upn=user.user_name,
            unique_name=user.user_name,
            name=user.display_name,
            roles=[user.role.value],
            scp="user_impersonation",
        )
    token = jwt.encode(claims, signing_key(secret_key), algorithm=ALGORITHM)
    return token, claims


class TokenRejected(Exception):
    """The bearer token can't be used; the message says why (it goes into the 401's description)."""


@dataclass(frozen=True)
class TokenClaims:
    tenant_id: str
    user_id: str | None
    client_id: str | None
    expires: int
    app_only: bool
    raw: dict


def read(token: str, *, secret_key: str) -> TokenClaims:
    """Check signature, audience, issuer and the claims' shape; expiry is checked by the caller against
    the tenant's clock (``expired``), which PyJWT can't know.

    A token that passed is remembered (per process, the most recent few thousand): the same string with the
    same key always gives the same claims, and an integration sends its token on every call. Rejected
    tokens are checked again each time.
    """
    if len(token) > MAX_CACHED_TOKEN_CHARS:  # not the sandbox's: not worth keeping
        return _verify(token, secret_key)
    return _remembered(token, secret_key)


MAX_CACHED_TOKEN_CHARS = 4096
READ_CACHE_SIZE = 4096


def _verify(token: str, secret_key: str) -> TokenClaims:
    try:
        claims = jwt.decode(
            token,
            signing_key(secret_key),
            algorithms=[ALGORITHM],
            audience=[PARTNER_CENTER_RESOURCE, PARTNER_CENTER_RESOURCE + "/"],
            options={"verify_exp": False, "verify_iat": False, "verify_nbf": False, "require": ["exp", "tid", "iss", "aud"]},
        )
    except jwt.InvalidAudienceError as exc:
        raise TokenRejected("The token's audience is not the Partner Center API.") from exc
    except jwt.InvalidSignatureError as exc:
        raise TokenRejected("The token's signature is not valid: it was not issued by this sandbox.") from exc
    except jwt.PyJWTError as exc:
        raise TokenRejected("The token is malformed.") from exc
    tenant_id = claims.get("tid")
    exp = claims.get("exp")
    if not isinstance(tenant_id, str) or not isinstance(exp, int) or isinstance(exp, bool):
        raise TokenRejected("The token is malformed.")
    if claims.get("iss") not in (issuer(tenant_id, "1.0"), issuer(tenant_id, "2.0")):
        raise TokenRejected("The token's issuer does not match its tenant.")
    user_id = claims.get("oid") if not claims.get("app_only") else None
    client_id = claims.get("appid") or claims.get("azp")
    if user_id is not None and not isinstance(user_id, str) or client_id is not None and not isinstance(client_id, str):
        raise TokenRejected("The token is malformed.")
    return TokenClaims(tenant_id, user_id, client_id, exp, user_id is None, claims)


_remembered = functools.lru_cache(maxsize=READ_CACHE_SIZE)(_verify)


def expired(claims: TokenClaims, now: datetime) -> bool:
    """Expiry on the tenant's clock. ``nbf`` is not enforced, so setting a clock back keeps tokens usable."""
    return as_utc(now).timestamp() >= claims.expires


# --- refresh tokens ----------------------------------------------------------------------------
# Opaque to clients, as Entra's are; here a JWT signed with a key of its own, so that a refresh token is
# never taken for an access token (nor the other way round).


def refresh_signing_key(secret_key: str) -> bytes:
    return _derived_key(b"refresh token", secret_key)


def _user_grant(principal: Principal, now: datetime, lifetime: timedelta) -> dict:
    """What a refresh token and an authorization code both say: the user, the app and tenant, when it ends on
    the tenant's clock, and the mark of the user's password it is good for."""
    now = as_utc(now)
    return {
        "tid": principal.partner.id,
        "oid": principal.user.id,
        "appid": principal.application.client_id,
        "iat": int(now.timestamp()),
        "exp": int((now + lifetime).timestamp()),
        "stamp": credential_stamp(principal.user),
        "jti": str(uuid.uuid4()),
    }


def issue_refresh(principal: Principal, *, now: datetime, secret_key: str) -> str:
    """A refresh token for an App+User ``principal``: 90 days on the tenant's clock, while the user's
    password stays the same."""
    claims = _user_grant(principal, now, REFRESH_TOKEN_LIFETIME)
    return jwt.encode(claims, refresh_signing_key(secret_key), algorithm=ALGORITHM)


def read_refresh(token: str, *, secret_key: str) -> RefreshGrant:
    """What a refresh token says, once its signature is checked; TokenRejected when it is not this sandbox's."""
    try:
        claims = jwt.decode(token, refresh_signing_key(secret_key), algorithms=[ALGORITHM],
                            options={"verify_exp": False, "verify_iat": False, "require": ["tid", "oid", "appid", "iat",
                                                                                             "exp", "stamp"]})
    except jwt.PyJWTError as exc:
        raise TokenRejected("The refresh token is malformed or was not issued by this sandbox.") from exc
    texts = [claims[name] for name in ("tid", "oid", "appid", "stamp")]
    times = [claims[name] for name in ("iat", "exp")]
    if not all(isinstance(t, str) for t in texts) or not all(type(t) is int for t in times):
        raise TokenRejected("The refresh token is malformed.")
    issued, expires = (datetime.fromtimestamp(t, UTC) for t in times)
    return RefreshGrant(claims["tid"], claims["oid"], claims["appid"], issued, expires, claims["stamp"])


# --- client assertions (private_key_jwt): an app's proof of a certificate's key, instead of its secret ----------
# RS256 (MSAL with a SHA-1 thumbprint: x5t) or PS256 (MSAL with a public certificate: x5t#S256), as Entra takes.
ASSERTION_ALGORITHMS = ("RS256", "PS256")


def _thumbprint(value) -> str | None:
    """A header's x5t or x5t#S256 (base64url of the digest, padded or not) as hex in upper case; None when absent
    or not base64url."""
    if not isinstance(value, str) or not value or len(value) > 100:
        return None
    try:
        return base64.urlsafe_b64decode(value.rstrip("=") + "=" * (-len(value.rstrip("=")) % 4)).hex().upper()
    except ValueError:
        return None


def _seconds(value) -> float | None:
    if value is None:
        return None
    malformed = TokenRejected("The client assertion's exp and nbf are numbers.")
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise malformed
    try:
        seconds = float(value)  # an integer past a float's range overflows
    except OverflowError:
        raise malformed from None
    if not math.isfinite(seconds):  # JSON's NaN and Infinity
        raise malformed
    return seconds


def read_client_assertion(token: str, *, base_urls: tuple[str, ...]) -> ClientAssertion:
    """What a client assertion says, read without its signature: the certificate to check it with is the one its
    header names (``ClientAssertion.signed_by`` checks it). TokenRejected when it is no JWT."""
    try:
        header = jwt.get_unverified_header(token)
        claims = jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError as exc:
        raise TokenRejected("The client assertion is not a JWT.") from exc
    audiences = claims.get("aud")
    audiences = [audiences] if isinstance(audiences, str) else audiences if isinstance(audiences, list) else []
    algorithm = header.get("alg")

    def signed_by(certificate_pem: str) -> bool:
        from cryptography import x509

        if algorithm not in ASSERTION_ALGORITHMS:
            return False
        key = x509.load_pem_x509_certificate(certificate_pem.encode("ascii")).public_key()
        try:
            jwt.api_jws.decode(token, key, algorithms=[algorithm])
        except jwt.PyJWTError:
            return False
        return True

    text = [claims.get(name) if isinstance(claims.get(name), str) else None for name in ("iss", "sub")]
    return ClientAssertion(
        sha1_thumbprint=_thumbprint(header.get("x5t")), sha256_thumbprint=_thumbprint(header.get("x5t#S256")),
        issuer=text[0], subject=text[1], audiences=tuple(a for a in audiences if isinstance(a, str)),
        expires=_seconds(claims.get("exp")), not_before=_seconds(claims.get("nbf")), base_urls=base_urls,
        signed_by=signed_by,
    )


# --- authorization codes (the authorize endpoint gives them, grant_type=authorization_code takes them) ----
# Opaque to clients as well: a JWT signed with a key of its own, carrying what the authorization request named,
# so that the token endpoint holds the redemption to it. Single use is the store's (redeemed_codes).


def code_signing_key(secret_key: str) -> bytes:
    return _derived_key(b"authorization code", secret_key)


def issue_code(principal: Principal, *, now: datetime, secret_key: str, authority: str, version: str, redirect_uri: str,
               scope: str | None, resource: str | None, code_challenge: str | None, code_challenge_method: str | None,
               nonce: str | None) -> str:
    """An authorization code for the user who just signed in to ``principal``'s app: 10 minutes on the tenant's
    clock, while the user's password stays the same."""
    claims = _user_grant(principal, now, AUTHORIZATION_CODE_LIFETIME) | {
        "aut": authority,
        "ver": version,
        "ru": redirect_uri,
        "scp": scope,
        "res": resource,
        "cc": code_challenge,
        "ccm": code_challenge_method,
        "nonce": nonce,
    }
    return jwt.encode(claims, code_signing_key(secret_key), algorithm=ALGORITHM)


_CODE_TEXTS = ("tid", "oid", "appid", "aut", "ver", "stamp", "jti", "ru")
_CODE_OPTIONAL = ("scp", "res", "cc", "ccm", "nonce")


def read_code(code: str, *, secret_key: str) -> AuthorizationCode:
    """What an authorization code says, once its signature is checked; TokenRejected when it is not this sandbox's."""
    try:
        claims = jwt.decode(code, code_signing_key(secret_key), algorithms=[ALGORITHM],
                            options={"verify_exp": False, "verify_iat": False, "require": [*_CODE_TEXTS, "iat", "exp"]})
    except jwt.PyJWTError as exc:
        raise TokenRejected("The authorization code is malformed or was not issued by this sandbox.") from exc
    if (not all(isinstance(claims[name], str) for name in _CODE_TEXTS)
            or not all(claims.get(name) is None or isinstance(claims[name], str) for name in _CODE_OPTIONAL)
            or not all(type(claims[name]) is int for name in ("iat", "exp"))):
        raise TokenRejected("The authorization code is malformed.")
    issued, expires = (datetime.fromtimestamp(claims[name], UTC) for name in ("iat", "exp"))
    return AuthorizationCode(
        code_id=claims["jti"], tenant_id=claims["tid"], user_id=claims["oid"], client_id=claims["appid"],
        authority=claims["aut"], version=claims["ver"], issued=issued, expires=expires,
        credential_stamp=claims["stamp"], redirect_uri=claims["ru"], scope=claims.get("scp"),
        resource=claims.get("res"), code_challenge=claims.get("cc"), code_challenge_method=claims.get("ccm"),
        nonce=claims.get("nonce"),
    )


# --- what OpenID Connect clients (MSAL) keep: the id token and client_info ------------------------


def issue_id_token(principal: Principal, *, now: datetime, lifetime_seconds: int, secret_key: str, version: str,
                   nonce: str | None = None) -> str:
    """The user's id token, for the client (``aud`` is the app): MSAL builds its account from it. Signed with
    the refresh tokens' key, so it is never a bearer token either. ``nonce``: the authorization request's, as
    OpenID Connect has it (MSAL checks it)."""
    now, user = as_utc(now), principal.user
    issued = int(now.timestamp())
    claims = {
        "aud": principal.application.client_id,
        "iss": issuer(principal.partner.id, version),
        "iat": issued,
        "nbf": issued,
        "exp": issued + lifetime_seconds,
        "name": user.display_name,
        "oid": user.id,
        "preferred_username" if version == "2.0" else "upn": user.user_name,
        "sub": hashlib.sha256(f"{user.id}|{principal.application.client_id}".encode()).hexdigest()[:43],
        "tid": principal.partner.id,
        "ver": version,
    }
    if nonce is not None:
        claims["nonce"] = nonce
    return jwt.encode(claims, refresh_signing_key(secret_key), algorithm=ALGORITHM)


def client_info(principal: Principal) -> str:
    """Entra's ``client_info`` (asked for with ``client_info=1``): the user's and tenant's ids, base64url."""
    raw = json.dumps({"uid": principal.user.id, "utid": principal.partner.id}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()
