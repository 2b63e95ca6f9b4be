"""The device code flow, the person's side: the /devicelogin page finds the pending device authorization a
user code names, and signs a user of its app's partner in to it."""

from __future__ import annotations

from dataclasses import dataclass

from sandbox.domain.clock import as_utc

from ..context import ServiceContext
from .device import DeviceAuthorization, normal_user_code
from .grants import grant_token
from .principals import SignInClient, credential_stamp


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
                        user_name=user_name, password=password, interactive=True)
    user = grant.principal.user
    with ctx.unit_of_work() as uow:
        approved = uow.repo.approve_device_authorization(asked.id, user_id=user.id, credential_stamp=credential_stamp(user),
                                                         approved_at=grant.now)
    if not approved:
        raise UserCodeUnknown()
    return signing_in
