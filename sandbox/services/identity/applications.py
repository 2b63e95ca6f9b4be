"""App registrations as the control API sees and changes them: Entra's "Allow public client flows", and the rule
it sets for the token endpoint."""

from __future__ import annotations

from dataclasses import dataclass

from sandbox.domain.errors import NotFound
from sandbox.domain.model import Application

from ..context import ServiceContext, require_workspace
from .errors import MissingClientCredential


@dataclass(frozen=True)
class ApplicationSettings:
    """An app registration's settings (the control API's answer)."""

    client_id: str
    partner_id: str
    allow_public_client_flows: bool

    @classmethod
    def of(cls, app: Application) -> ApplicationSettings:
        return cls(app.client_id, app.partner_id, app.allow_public_client_flows)


def tenant_app(uow, tenant_id: str, client_id: str) -> Application:
    """The tenant's app ``client_id`` names: 404 when the tenant doesn't exist or the app isn't one of its own."""
    require_workspace(uow, tenant_id)
    app = uow.repo.application(client_id or "")
    if app is None or app.workspace_id != tenant_id:
        raise NotFound(f"The tenant has no application '{client_id[:100]}'.")
    return app


def set_public_client_flows(ctx: ServiceContext, tenant_id: str, client_id: str, allow: bool) -> ApplicationSettings:
    """Turn Entra's "Allow public client flows" (Graph: ``isFallbackPublicClient``) on or off for a tenant's app.
    A tenant's reset keeps the setting (its apps keep their client ids)."""
    with ctx.unit_of_work() as uow:
        app = tenant_app(uow, tenant_id, client_id)
        app.allow_public_client_flows = allow
        return ApplicationSettings.of(app)


def require_client_authentication(app: Application, authenticated: bool, refused) -> None:
    """An app that doesn't allow public client flows is a confidential client: Entra asks every grant it makes
    (password, refresh token, device code, authorization code whatever its redirect URI) for its secret or a client
    assertion, and answers 401 invalid_client 7000218 without one. ``authenticated``: the request gave one (checked
    already). Client credentials, and a code sent to a web app's redirect URI, need one whatever the setting."""
    if not authenticated and not app.allow_public_client_flows:
        raise refused(MissingClientCredential())
