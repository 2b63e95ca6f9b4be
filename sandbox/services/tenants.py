"""Tenants (isolated partner workspaces) and their clocks, for the control API and the CLI."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sandbox.domain.clock import TenantClock
from sandbox.domain.model import Application, Partner, PartnerUser, Workspace

from .context import ServiceContext, require_workspace
from .identity import RegisteredCertificate


@dataclass
class ClockReading:
    now: datetime
    frozen: bool


@dataclass
class TenantSummary:
    workspace: Workspace
    partners: list[Partner]
    users: list[PartnerUser]
    applications: list[Application]
    certificates: dict[str, list[RegisteredCertificate]]  # by the app's client id
    customer_count: int
    clock: ClockReading


def read_clock(ctx: ServiceContext, workspace: Workspace) -> ClockReading:
    return ClockReading(now=ctx.now_in(workspace), frozen=workspace.clock.frozen)


def get_tenant(ctx: ServiceContext, workspace_id: str) -> TenantSummary:
    with ctx.unit_of_work() as uow:
        workspace = require_workspace(uow, workspace_id)
        applications = uow.repo.applications(workspace_id)
        return TenantSummary(
            workspace=workspace,
            partners=uow.repo.partners(workspace_id),
            users=uow.repo.users(workspace_id),
            applications=applications,
            certificates={a.client_id: [RegisteredCertificate.from_row(row) for row in uow.repo.certificates(a.client_id)]
                          for a in applications},
            customer_count=len(uow.repo.customers(workspace_id)),
            clock=read_clock(ctx, workspace),
        )


def tenant_id_for(ctx: ServiceContext, tenant_id: str) -> str:
    """The id of the tenant that ``tenant_id`` names: its own, or that of the tenant holding the partner with
    that tenant id (the demo workspace's three partners, an indirect reseller's provider: each signs in as its
    own tenant, and all of them are one tenant here), in any case as the sign-in reads tenant ids. An id that
    names neither comes back lower-cased, for the caller's 404."""
    tenant_id = tenant_id.strip().lower()  # ids are lower-case GUIDs
    with ctx.unit_of_work() as uow:
        if uow.repo.workspace(tenant_id) is not None:
            return tenant_id
        return uow.repo.workspace_of_partner(tenant_id) or tenant_id


def list_tenants(ctx: ServiceContext) -> list[Workspace]:
    with ctx.unit_of_work() as uow:
        return uow.repo.workspaces()


def delete_tenant(ctx: ServiceContext, workspace_id: str) -> None:
    with ctx.unit_of_work() as uow:
        require_workspace(uow, workspace_id)
        uow.repo.delete_workspace(workspace_id)


def delete_all_tenants(ctx: ServiceContext) -> int:
    with ctx.unit_of_work() as uow:
        workspaces = uow.repo.workspaces()
        for workspace in workspaces:
            uow.repo.delete_workspace(workspace.id)
        return len(workspaces)


def get_clock(ctx: ServiceContext, workspace_id: str) -> ClockReading:
    with ctx.unit_of_work() as uow:
        return read_clock(ctx, require_workspace(uow, workspace_id))


def set_clock(ctx: ServiceContext, workspace_id: str, *, now: datetime | None, frozen: bool) -> ClockReading:
    """Freeze the tenant's clock at, or move it to, ``now`` (real time when None); other tenants are untouched."""
    with ctx.unit_of_work() as uow:
        workspace = require_workspace(uow, workspace_id)
        workspace.set_clock(TenantClock.set_to(now, frozen=frozen, real_now=ctx.real_now()))
        return read_clock(ctx, workspace)
