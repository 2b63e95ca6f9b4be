"""The customer's side (Microsoft 365 admin center): sign in, accept the MCA, accept a partner."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.exc import IntegrityError

from sandbox.domain import rules
from sandbox.domain.errors import InvalidProperty, NotFound, Unauthorized
from sandbox.domain.model import (
    AgreementType,
    Customer,
    DirectAcceptance,
    Partner,
    PartnerKind,
    Relationship,
    Workspace,
)

from .context import ServiceContext, UnitOfWork, check_secret, hash_secret, require_workspace

DAP_ROLES = ("Global admin", "Helpdesk admin")


@dataclass
class PartnerRelation:
    """One line of the customer's consolidated partner list (R-OPT2-REL-8, R-OPT2-EX-5)."""

    partner: Partner
    relationship: str  # "Reseller" or "Reseller & delegated administrator"
    admin_roles: tuple[str, ...]
    since: datetime
    indirect_provider: Partner | None = None


@dataclass
class AgreementOffer:
    """What the agreement page shows to a signed-in customer (R-OPT2-NEW-9, R-OPT2-EX-4, R-OPT2-CANT)."""

    customer: Customer
    country_name: str
    accepted: DirectAcceptance | None
    confirmed_by_partner: bool
    must_ask_partner: bool  # R-OPT2-CANT
    open: bool  # R-TL-6
    partners: list[PartnerRelation]


@dataclass
class InvitationOffer:
    """What the invitation page shows (R-OPT2-REL-5..8)."""

    customer: Customer
    partner: Partner
    delegated_admin: bool
    relationship: str
    admin_roles: tuple[str, ...]
    already_related: bool
    mca_in_place: bool
    must_ask_partner: bool  # R-OPT2-CANT scenario 2
    open: bool
    partners: list[PartnerRelation]
    indirect_reseller: Partner | None = None


def sign_in_customer(ctx: ServiceContext, user_name: str, password: str) -> Customer:
    """The customer's admin signs in with the credentials the partner received (R-OPT2-NEW-8)."""
    with ctx.unit_of_work() as uow:
        customer = uow.repo.customer_by_admin(user_name or "")
        if customer is None or not check_secret(customer.admin_password_hash, password or ""):
            raise Unauthorized("Your account or password is incorrect. If you don't remember your password, reset it now.")
        return customer


def change_customer_password(ctx: ServiceContext, customer_id: str, current: str, new: str) -> None:
    """First sign-in: the temporary password is replaced by the customer's own."""
    if not rules.is_strong_password(new or ""):  # Entra ID's password policy
        raise InvalidProperty(rules.PASSWORD_RULE, field="new_password")
    with ctx.unit_of_work() as uow:
        customer = _customer(uow, customer_id)
        if not check_secret(customer.admin_password_hash, current or ""):
            raise InvalidProperty("The current password is incorrect.", field="current_password")
        if current == new:
            raise InvalidProperty("Choose a password that you haven't used before.", field="new_password")
        customer.admin_password_hash = hash_secret(new)
        customer.admin_must_change_password = False


def _customer(uow: UnitOfWork, customer_id: str) -> Customer:
    customer = uow.repo.session.get(Customer, customer_id)
    if customer is None:
        raise NotFound("Customer not found.")
    return customer


def _partners_of(uow: UnitOfWork, customer: Customer) -> list[PartnerRelation]:
    relations = []
    for rel in uow.repo.relationships_of_customer(customer.id):
        partner = uow.repo.partner(customer.workspace_id, rel.partner_id)
        if partner is None:
            continue
        reseller = uow.repo.partner(customer.workspace_id, rel.associated_partner_id) if rel.associated_partner_id else None
        if reseller is not None:  # its own admin roles and date (the link it sent asked for them, or didn't)
            relations.append(PartnerRelation(
                reseller, rules.relationship_name(rel.associated_delegated_admin, indirect=True),
                DAP_ROLES if rel.associated_delegated_admin else (), rel.associated_since or rel.since,
                indirect_provider=partner,
            ))
        relations.append(PartnerRelation(partner, rules.relationship_name(rel.delegated_admin), DAP_ROLES if rel.delegated_admin else (),
                                         rel.since))
    return relations


def _must_ask_partner(uow: UnitOfWork, customer: Customer) -> bool:
    return rules.cannot_accept_directly(  # R-OPT2-CANT
        uow.repo.subscriptions(customer.id),
        attestations=uow.repo.attestations(customer.id),
        direct=uow.repo.direct_acceptance(customer.id),
    )


def _mca_in_place(uow: UnitOfWork, customer: Customer) -> bool:
    types = rules.agreements_in_place(uow.repo.attestations(customer.id), uow.repo.direct_acceptance(customer.id))
    return AgreementType.MICROSOFT_CUSTOMER_AGREEMENT in types


def get_agreement_offer(ctx: ServiceContext, customer_id: str) -> AgreementOffer:
    with ctx.unit_of_work() as uow:
        customer = _customer(uow, customer_id)
        workspace = require_workspace(uow, customer.workspace_id)
        today = ctx.now_in(workspace).date()
        direct = uow.repo.direct_acceptance(customer.id)
        confirmed = any(
            a.type is AgreementType.MICROSOFT_CUSTOMER_AGREEMENT for a in uow.repo.attestations(customer.id)
        )
        return AgreementOffer(
            customer=customer,
            country_name=rules.country_name(customer.country),
            accepted=direct,
            confirmed_by_partner=confirmed,
            must_ask_partner=_must_ask_partner(uow, customer),
            open=rules.direct_acceptance_open(today),
            partners=_partners_of(uow, customer),
        )


def _accept_mca(ctx: ServiceContext, uow: UnitOfWork, workspace: Workspace, customer: Customer, partner_id: str | None):
    existing = uow.repo.direct_acceptance(customer.id)
    if existing is not None:
        return existing  # accepting twice changes nothing
    now = ctx.now_in(workspace)
    rules.ensure_direct_acceptance_open(now.date())  # R-TL-6
    rules.ensure_can_accept_directly(  # R-OPT2-CANT
        uow.repo.subscriptions(customer.id),
        attestations=uow.repo.attestations(customer.id),
        direct=None,
    )
    acceptance = DirectAcceptance(
        id=ctx.new_id(), workspace_id=workspace.id, customer_id=customer.id, template_id=rules.MCA.template_id,
        accepted_at=now, accepted_by=customer.admin_user_name, partner_id=partner_id,
    )
    uow.repo.add(acceptance)
    for invitation in uow.repo.invitations_of_customer(customer.id):
        if invitation.accepted_at is None:
            invitation.accepted_at = now
    return acceptance


def accept_agreement_directly(ctx: ServiceContext, customer_id: str) -> DirectAcceptance:
    """R-OPT2-NEW-9, R-OPT2-EX-4: the customer ticks the box and accepts the MCA itself."""
    try:
        with ctx.unit_of_work() as uow:
            customer = _customer(uow, customer_id)
            workspace = require_workspace(uow, customer.workspace_id)
            return _accept_mca(ctx, uow, workspace, customer, None)
    except IntegrityError:  # a concurrent acceptance won: it is the same acceptance
        with ctx.unit_of_work() as uow:
            return uow.repo.direct_acceptance(customer_id)


def _inviting_partner(uow: UnitOfWork, customer: Customer, partner_id: str, indirect_csp_id: str | None,
                      mspp_id: str | None = None):
    """The partner a link names, and the indirect reseller behind it. An indirect reseller's link names its
    provider twice, by tenant id (``partnerId``) and by MPN id (``msppId``): another MPN id is another link
    (absent or ``0``, as on a direct link, is not checked)."""
    partner = uow.repo.partner(customer.workspace_id, partner_id or "")
    if partner is None or partner.kind is PartnerKind.INDIRECT_RESELLER:
        raise NotFound("This invitation is not valid. Ask your partner for a new link.")
    reseller = None
    if indirect_csp_id:
        reseller = uow.repo.partner(customer.workspace_id, indirect_csp_id)
        if reseller is None or reseller.provider_id != partner.id or (mspp_id not in (None, "0", partner.mpn_id)):
            raise NotFound("This invitation is not valid. Ask your partner for a new link.")
    return partner, reseller


def get_invitation_offer(
    ctx: ServiceContext, customer_id: str, partner_id: str, *, delegated_admin: bool, indirect_csp_id: str | None = None,
    mspp_id: str | None = None,
) -> InvitationOffer:
    with ctx.unit_of_work() as uow:
        customer = _customer(uow, customer_id)
        workspace = require_workspace(uow, customer.workspace_id)
        partner, reseller = _inviting_partner(uow, customer, partner_id, indirect_csp_id, mspp_id)
        return InvitationOffer(
            customer=customer,
            partner=partner,
            delegated_admin=delegated_admin,
            relationship=rules.relationship_name(delegated_admin, indirect=reseller is not None),
            admin_roles=DAP_ROLES if delegated_admin else (),
            already_related=uow.repo.relationship(customer.id, partner.id) is not None,
            mca_in_place=_mca_in_place(uow, customer),
            must_ask_partner=_must_ask_partner(uow, customer),
            open=rules.direct_acceptance_open(ctx.now_in(workspace).date()),
            partners=_partners_of(uow, customer),
            indirect_reseller=reseller,
        )


def accept_invitation(
    ctx: ServiceContext, customer_id: str, partner_id: str, *, delegated_admin: bool, indirect_csp_id: str | None = None,
    mspp_id: str | None = None,
) -> Relationship:
    """R-OPT2-REL-7: the customer accepts the reseller relationship (and delegated admin) and, from 2020-02-03
    (R-TL-6), the MCA."""
    link = {"delegated_admin": delegated_admin, "indirect_csp_id": indirect_csp_id, "mspp_id": mspp_id}
    try:
        return _accept_invitation(ctx, customer_id, partner_id, **link)
    except IntegrityError:  # the same acceptance at once, in another tab: it won; this one adds to what it stored
        return _accept_invitation(ctx, customer_id, partner_id, **link)


def _accept_invitation(
    ctx: ServiceContext, customer_id: str, partner_id: str, *, delegated_admin: bool, indirect_csp_id: str | None,
    mspp_id: str | None,
) -> Relationship:
    with ctx.unit_of_work() as uow:
        customer = _customer(uow, customer_id)
        workspace = require_workspace(uow, customer.workspace_id)
        partner, reseller = _inviting_partner(uow, customer, partner_id, indirect_csp_id, mspp_id)
        now = ctx.now_in(workspace)
        # R-TL-6: from 2020-02-03 the link takes the MCA too (R-OPT2-CANT scenario 2 checked there); before, the
        # relationship alone, and the partner confirms the MCA (Option 1)
        if rules.direct_acceptance_open(now.date()) and not _mca_in_place(uow, customer):
            _accept_mca(ctx, uow, workspace, customer, partner.id)
        relationship = uow.repo.relationship(customer.id, partner.id)
        if relationship is None:  # a direct link's roles go to its partner; a reseller's link asks none for its provider
            relationship = Relationship(
                id=ctx.new_ordered_id(), workspace_id=workspace.id, customer_id=customer.id, partner_id=partner.id,
                kind="reseller", delegated_admin=delegated_admin and reseller is None, since=now,
            )
            uow.repo.add(relationship)
        elif reseller is None:
            relationship.delegated_admin = relationship.delegated_admin or delegated_admin
        if reseller is not None:
            relationship.associate(reseller.id, delegated_admin=delegated_admin, now=now)
        return relationship


def list_customer_partners(ctx: ServiceContext, customer_id: str) -> list[PartnerRelation]:
    """R-OPT2-REL-8, R-OPT2-EX-5: the consolidated list of the partners the customer works with."""
    with ctx.unit_of_work() as uow:
        return _partners_of(uow, _customer(uow, customer_id))


def get_customer_partner(ctx: ServiceContext, customer_id: str, partner_id: str) -> PartnerRelation:
    for relation in list_customer_partners(ctx, customer_id):
        if relation.partner.id == partner_id:
            return relation
    raise NotFound("Partner not found.")


def customer_user_exists(ctx: ServiceContext, user_name: str) -> bool:
    """The sign-in's first step: is there a customer admin with this user name (R-OPT2-NEW-8)?"""
    with ctx.unit_of_work() as uow:
        return bool((user_name or "").strip()) and uow.repo.customer_by_admin(user_name) is not None


def get_signed_in_customer(ctx: ServiceContext, customer_id: str) -> Customer:
    """The customer behind an admin-center session; NotFound once its tenant was deleted."""
    with ctx.unit_of_work() as uow:
        return _customer(uow, customer_id)


@dataclass
class PartnerDetails:
    """One partner's details pane (R-OPT2-REL-8, R-OPT2-EX-5): the relation and where the MCA stands."""

    relation: PartnerRelation
    accepted: DirectAcceptance | None
    confirmed_by_partner: bool


def get_partner_details(ctx: ServiceContext, customer_id: str, partner_id: str) -> PartnerDetails:
    """A partner of the customer's own list; any other partner, of this tenant or another, is NotFound."""
    with ctx.unit_of_work() as uow:
        customer = _customer(uow, customer_id)
        relation = next((r for r in _partners_of(uow, customer) if r.partner.id == partner_id), None)
        if relation is None:
            raise NotFound("Partner not found.")
        return PartnerDetails(
            relation=relation,
            accepted=uow.repo.direct_acceptance(customer.id),
            confirmed_by_partner=any(
                a.type is AgreementType.MICROSOFT_CUSTOMER_AGREEMENT for a in uow.repo.attestations(customer.id)
            ),
        )
