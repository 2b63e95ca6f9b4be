"""Who a token is for: the app alone, or the app with a user by password, refresh token, authorization code
or device code; and taking a code once the token is sure."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.exc import IntegrityError

from sandbox.domain.clock import as_utc
from sandbox.domain.model import Application, Partner, PartnerUser

from ..context import ServiceContext, check_secret, require_workspace
from .applications import require_client_authentication
from .certificates import ClientAssertion, check_assertion
from .codes import AuthorizationCode, CodeRedemption, code_user
from .device import DeviceAuthorization, DeviceCodeRedemption, device_user
from .errors import (
    GrantRefused,
    InvalidClientSecret,
    InvalidUserPassword,
    TokenRequestError,
    UnknownUser,
    already_redeemed,
    entra_instant,
)
from .principals import Principal, app_of, authority, still_signed_in


@dataclass
class TokenGrant:
    principal: Principal
    now: object  # the instant on the tenant's clock: the token's iat; exp follows from it
    code: AuthorizationCode | None = None  # the authorization code to redeem (redeem_code), for that grant type
    device: DeviceAuthorization | None = None  # the device authorization to redeem (redeem_device_code), likewise


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
    interactive: bool = False,
) -> TokenGrant:
    """Who a token is for: the app alone (client credentials) or the app with a user (password grant, a
    refresh token the app was given with an earlier App+User token, an authorization code the user's
    sign-in gave it, or a device code the user signed in for; a code is checked here, and taken by
    ``redeem_code`` or ``redeem_device_code`` once the answer is sure).

    The app must belong to the tenant named in the path, and prove it with its secret or a client assertion
    (``assertion``, signed with a certificate registered for it) when the request gives one, and give one when it
    doesn't allow public client flows (a confidential client); the user must belong to the app's partner.
    ``interactive``: the user's own sign-in on the authorize or device login page, which never authenticates the
    app (the token request that redeems its code does).
    The instant comes from that tenant's clock, so tokens (refresh tokens too) expire on it.
    """
    with ctx.unit_of_work() as uow:
        app, partner = app_of(uow, tenant, client_id)
        workspace = require_workspace(uow, app.workspace_id)
        now = ctx.now_in(workspace)

        def refused(error: TokenRequestError) -> TokenRequestError:
            error.workspace_id, error.now = workspace.id, now
            return error

        if client_secret is not None and not check_secret(app.secret_hash, client_secret):
            raise refused(InvalidClientSecret("Invalid client secret provided."))
        if assertion is not None:
            check_assertion(uow, assertion, tenant, app, partner, as_utc(ctx.real_now()), refused)
        # before the user, the refresh token or the code: Entra authenticates the client first (nothing is taken)
        if not interactive:
            require_client_authentication(app, client_secret is not None or assertion is not None, refused)
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
            user = code_user(uow, redemption, authority(tenant, partner), app, partner, now, refused)
        asked = None
        if device is not None:
            user, asked = device_user(uow, device, authority(tenant, partner), app, partner, now, refused)
        return TokenGrant(Principal(workspace, partner, user, app), now, redemption.code if redemption else None, asked)


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
            f"{entra_instant(refresh.issued)} and was inactive for 90.00:00:00.")))
    return still_signed_in(uow, refresh.user_id, refresh.credential_stamp, partner, refresh.issued, refused)


def redeem_code(ctx: ServiceContext, grant: TokenGrant) -> None:
    """Take the grant's authorization code: once only, whichever process asks (a row per redeemed code; of two
    redemptions at once, the one whose row commits first wins). 54005 for the other."""
    try:
        with ctx.unit_of_work() as uow:
            uow.repo.redeem_code(grant.principal.workspace.id, grant.code.code_id, ctx.real_now())
    except IntegrityError as exc:
        error = already_redeemed()
        error.workspace_id, error.now = grant.principal.workspace.id, grant.now
        raise error from exc


def redeem_device_code(ctx: ServiceContext, grant: TokenGrant) -> None:
    """Take the grant's device code: once only, whichever process asks (an update of its row on condition that it
    was not redeemed; of two redemptions at once, the first to write wins). 54005 for the other."""
    with ctx.unit_of_work() as uow:
        taken = uow.repo.redeem_device_authorization(grant.device.id, grant.now)
    if not taken:
        error = already_redeemed()
        error.workspace_id, error.now = grant.principal.workspace.id, grant.now
        raise error
