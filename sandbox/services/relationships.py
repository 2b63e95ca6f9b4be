"""Reseller relationship requests (Option 2b): the partner's personalised invitation link."""

from __future__ import annotations

from urllib.parse import urlencode

from sandbox.domain import rules
from sandbox.domain.errors import NotFound
from sandbox.domain.model import Partner, PartnerKind

from .context import Actor, ServiceContext, require_workspace


def relationship_request_url(public_url: str, partner: Partner, *, delegated_admin: bool, provider: Partner | None = None) -> str:
    """The admin center's invitation URL, on the sandbox's own public URL, with the real path and query.

    An indirect reseller's link names its indirect provider (``partnerId``, ``msppId``) and itself
    (``indirectCSPId``), the variant seen in partners' own code.
    """
    dap = "true" if delegated_admin else "false"
    if partner.kind is PartnerKind.INDIRECT_RESELLER and provider is not None:
        query = urlencode({"invType": "IndirectResellerRelationship", "partnerId": provider.id, "msppId": provider.mpn_id,
                           "indirectCSPId": partner.id, "DAP": dap})
    else:
        query = urlencode({"invType": "ResellerRelationship", "partnerId": partner.id, "msppId": "0", "DAP": dap})
    return f"{public_url.rstrip('/')}/Adminportal/Home?{query}#/BillingAccounts/partner-invitation"


def agreement_page_url(public_url: str) -> str:
    """R-OPT2-NEW-6: the admin center's agreement page for customers asked to accept."""
    return f"{public_url.rstrip('/')}/AdminPortal/Home?ref=/BillingAccounts/agreement"


def request_reseller_relationship(ctx: ServiceContext, actor: Actor, public_url: str, *, delegated_admin: bool = False) -> str:
    """R-OPT2-REL-1, R-OPT2-REL-2: the link the customer opens to accept the relationship and the MCA."""
    return reseller_relationship_links(ctx, actor, public_url)[delegated_admin]


def reseller_relationship_links(ctx: ServiceContext, actor: Actor, public_url: str) -> dict[bool, str]:
    """R-OPT2-REL-1, R-OPT2-REL-2: the link without and with delegated admin (``False``, ``True``), for the
    portal's page, which switches between them as the partner ticks the box."""
    with ctx.unit_of_work() as uow:
        require_workspace(uow, actor.workspace_id)
        partner = uow.repo.partner(actor.workspace_id, actor.partner_id)
        if partner is None:
            raise NotFound("Partner not found.")
        rules.ensure_may_request_relationship(actor.role)  # roles: Admin agent or Sales agent, any kind of partner
        provider = uow.repo.partner(actor.workspace_id, partner.provider_id) if partner.provider_id else None
        return {dap: relationship_request_url(public_url, partner, delegated_admin=dap, provider=provider) for dap in (False, True)}
