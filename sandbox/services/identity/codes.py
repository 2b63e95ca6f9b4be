"""Authorization codes: what a code says, and whether a redemption matches the authorization request that
gave it (PKCE included)."""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta

from sandbox.domain.clock import as_utc
from sandbox.domain.model import Application, Partner, PartnerUser

from .errors import GrantRefused
from .principals import still_signed_in

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


def pkce_challenge(verifier: str, method: str) -> str:
    """RFC 7636: the challenge a verifier answers, ``plain`` (itself) or ``S256`` (base64url of its SHA-256)."""
    if method == "S256":
        return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return verifier


def code_user(uow, redemption: CodeRedemption, asked_under: str, app: Application, partner: Partner, now,
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
    return still_signed_in(uow, code.user_id, code.credential_stamp, partner, code.issued, refused)
