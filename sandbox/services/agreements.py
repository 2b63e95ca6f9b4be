"""Agreements: metadata, the partner's confirmation (Option 1), documents, direct-sign status."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.exc import IntegrityError

from sandbox.domain import rules
from sandbox.domain.errors import AccessDenied, NotFound, PartnerConfirmedAgreementAlreadyExists
from sandbox.domain.model import (
    AgreementType,
    Attestation,
    Contact,
    Customer,
    DirectAcceptance,
    DocumentLink,
    Partner,
    PartnerKind,
    Workspace,
)
from sandbox.store.repository import attestations_with_contact, customer_in_context, insert_attestation

from .context import Actor, ServiceContext, UnitOfWork, require_workspace


def get_agreement_metadata(agreement_type: str | None) -> list[rules.AgreementMetadata]:
    """R-API-1: the agreement metadata of one type, or of every type for ``*``."""
    rules.parse_agreement_type(agreement_type, default=None)  # refuses an unknown type
    return rules.agreement_metadata(agreement_type)


def _customer_or_404(uow: UnitOfWork, actor: Actor, customer_id: str) -> Customer:
    customer = uow.repo.customer_for_partner(actor.workspace_id, actor.partner_id, customer_id)
    if customer is None:
        raise NotFound(f"Customer {customer_id} was not found.")
    return customer


def _partner(uow: UnitOfWork, actor: Actor) -> Partner:
    partner = uow.repo.partner(actor.workspace_id, actor.partner_id)
    if partner is None:
        raise NotFound("Partner not found.")
    return partner


def _new_confirmation(
    ctx: ServiceContext,
    workspace: Workspace,
    actor: Actor,
    customer: Customer,
    partner: Partner,
    same_contact: list[Attestation],
    *,
    template_id: str,
    agreement_type: AgreementType,
    date_agreed: datetime,
    contact: Contact,
) -> Attestation:
    """The checks of a confirmation, in order, and the record to add (``same_contact``: the customer's
    confirmations of this agreement by this contact, for 600061)."""
    rules.ensure_may_attest(actor.role, partner.kind)  # R-RES-1, roles: who asks comes before when
    now = ctx.now_in(workspace)
    rules.ensure_attestation_available(actor.channel, now.date(), agreement_type)  # R-TL-1..3
    rules.ensure_valid_confirmation(
        template_id=template_id, agreement_type=agreement_type, date_agreed=date_agreed, now=now
    )  # R-OPT1-NEW-4, R-OPT1-EX-4
    rules.ensure_not_duplicate(same_contact, agreement_type, contact)  # 600061
    return Attestation(
        id=ctx.new_ordered_id(),
        workspace_id=workspace.id,
        customer_id=customer.id,
        partner_id=partner.id,
        user_id=actor.user_id or "",
        template_id=template_id,
        type=agreement_type,
        date_agreed=date_agreed,
        first_name=contact.first_name.strip(),
        last_name=contact.last_name.strip(),
        email=contact.email.strip(),
        phone_number=(contact.phone_number or None),
        contact_key=contact.key(),
        created_at=now,
    )


def record_confirmation(
    ctx: ServiceContext,
    uow: UnitOfWork,
    workspace: Workspace,
    actor: Actor,
    customer: Customer,
    *,
    template_id: str,
    agreement_type: AgreementType,
    date_agreed: datetime,
    contact: Contact,
) -> Attestation:
    """Check and add one confirmation inside an open unit of work (the portal's Add customer wizard)."""
    partner = _partner(uow, actor)
    # only the rows that can match are read (a customer may have many confirmations)
    same_contact = uow.repo.attestations_with_contact(customer.id, agreement_type, contact.key())
    attestation = _new_confirmation(
        ctx, workspace, actor, customer, partner, same_contact,
        template_id=template_id, agreement_type=agreement_type, date_agreed=date_agreed, contact=contact,
    )
    uow.repo.add(attestation)
    uow.repo.flush()
    return attestation


def confirm_customer_acceptance(
    ctx: ServiceContext,
    actor: Actor,
    customer_id: str,
    *,
    template_id: str,
    agreement_type: AgreementType,
    date_agreed: datetime,
    contact: Contact,
) -> Attestation:
    """R-API-2, R-OPT1-EX-*: the partner confirms (attests) that the customer accepted the agreement.

    The API's busiest write, so it reads with two plain statements and writes one row, without an ORM
    session. The unique index on (customer, agreement, contact) decides between concurrent twins.
    """
    found = customer_in_context(ctx.engine, actor.workspace_id, actor.partner_id, customer_id)
    if found is None:  # say which is missing
        with ctx.unit_of_work() as uow:
            require_workspace(uow, actor.workspace_id)
            _customer_or_404(uow, actor, customer_id)
            _partner(uow, actor)
        raise NotFound(f"Customer {customer_id} was not found.")
    customer, workspace, partner = found
    same_contact = attestations_with_contact(ctx.engine, customer.id, agreement_type, contact.key())
    attestation = _new_confirmation(
        ctx, workspace, actor, customer, partner, same_contact,
        template_id=template_id, agreement_type=agreement_type, date_agreed=date_agreed, contact=contact,
    )
    try:
        insert_attestation(ctx.engine, attestation)
    except IntegrityError as exc:
        if attestations_with_contact(ctx.engine, customer.id, agreement_type, contact.key()):
            raise PartnerConfirmedAgreementAlreadyExists() from exc  # a concurrent twin won the race
        # the customer (or its whole tenant) was deleted meanwhile: a foreign key, not a twin
        raise NotFound(f"Customer {customer_id} was not found.") from exc
    return attestation


def get_customer_agreements(
    ctx: ServiceContext, actor: Actor, customer_id: str, agreement_type: str | None
) -> list[Attestation]:
    """R-API-3, R-OPT1-GET-1: the confirmations of one type (default the Cloud Agreement), ``*`` for all."""
    wanted = rules.parse_agreement_type(agreement_type, default=AgreementType.MICROSOFT_CLOUD_AGREEMENT)
    with ctx.unit_of_work() as uow:
        customer = _customer_or_404(uow, actor, customer_id)
        return [a for a in uow.repo.attestations(customer.id) if wanted is None or a.type is wanted]


def get_agreement_document(
    ctx: ServiceContext, actor: Actor, template_id: str, *, country: str | None, language: str | None
) -> DocumentLink:
    """R-API-4, R-TPL-1, R-TPL-2: a new link to the country's MCA document, valid five minutes."""
    country, language = rules.template_document(template_id, country, language)
    with ctx.unit_of_work() as uow:
        workspace = require_workspace(uow, actor.workspace_id)
        link = DocumentLink(
            token=secrets.token_urlsafe(24),
            workspace_id=workspace.id,
            template_id=template_id,
            country=country,
            language=language,
            expires_at=ctx.now_in(workspace) + DocumentLink.LIFETIME,
        )
        uow.repo.add(link)
        return link


def open_agreement_document(ctx: ServiceContext, token: str) -> DocumentLink:
    """The document behind a link, while the link is alive on its tenant's clock."""
    with ctx.unit_of_work() as uow:
        link = uow.repo.document_link(token)
        if link is None:
            raise NotFound("The link to the agreement document was not found or has expired.")
        workspace = require_workspace(uow, link.workspace_id)
        if ctx.now_in(workspace) >= link.expires_at:
            raise NotFound("The link to the agreement document was not found or has expired.")
        return link


def get_direct_sign_status(ctx: ServiceContext, actor: Actor, customer_id: str) -> bool:
    """R-API-5, R-OPT2-STATUS: whether the customer accepted the MCA itself in the admin center."""
    with ctx.unit_of_work() as uow:
        customer = _customer_or_404(uow, actor, customer_id)
        return rules.is_signed_directly(uow.repo.direct_acceptance(customer.id))


@dataclass
class AgreementStatus:
    """What the portal's Account page shows in its Microsoft Customer Agreement section."""

    customer: Customer
    attestations: list[Attestation]
    direct: DirectAcceptance | None
    invited: bool
    may_update: bool
    partner_kind: PartnerKind
    users: dict  # user id -> user name, for "confirmed by"
    not_yet: str = ""  # why confirming in the portal isn't open yet on the tenant's date (R-TL-1), or ""
    must_attest: bool = False  # R-OPT2-CANT: the customer can't accept in the admin center; a partner must attest

    @property
    def latest_mca_confirmation(self) -> Attestation | None:
        mca = [a for a in self.attestations if a.type is AgreementType.MICROSOFT_CUSTOMER_AGREEMENT]
        return mca[-1] if mca else None


OTHER_PARTNERS_USER = "A user of another partner of the customer"


def get_agreement_status(ctx: ServiceContext, actor: Actor, customer_id: str) -> AgreementStatus:
    """R-OPT1-GET-1, R-OPT2-STATUS: the confirmation(s) and the direct acceptance, for the Account page."""
    with ctx.unit_of_work() as uow:
        customer = _customer_or_404(uow, actor, customer_id)
        partner = _partner(uow, actor)
        attestations = uow.repo.attestations(customer.id)
        direct = uow.repo.direct_acceptance(customer.id)
        # every partner of the customer reads its confirmations (the agreement is the customer's), but only its
        # own users' names (and its indirect provider's, who confirms for a reseller): not another partner's
        named = {partner.id, partner.provider_id}
        users = {u.id: u.user_name if u.partner_id in named else OTHER_PARTNERS_USER for u in uow.repo.users(actor.workspace_id)}
        today = ctx.now_in(require_workspace(uow, actor.workspace_id)).date()
        try:
            rules.ensure_attestation_available(rules.Channel.PORTAL, today)
            not_yet = ""
        except AccessDenied as closed:  # R-TL-1
            not_yet = closed.description
        return AgreementStatus(
            customer=customer,
            attestations=attestations,
            direct=direct,
            invited=any(i.accepted_at is None and i.partner_id == partner.id
                        for i in uow.repo.invitations_of_customer(customer.id)),  # its own invitation, not another's
            may_update=rules.may_attest(actor.role, partner.kind),
            partner_kind=partner.kind,
            users=users,
            not_yet=not_yet,
            # before R-TL-6 the admin center takes no customer's acceptance: nothing singles this one out then
            must_attest=rules.direct_acceptance_open(today) and rules.cannot_accept_directly(
                uow.repo.subscriptions(customer.id), attestations=attestations, direct=direct),
        )


def _document_language(customer: Customer) -> str:
    """The customer's language as an MCA document language: ``nl`` becomes ``nl-NL`` where the country
    has it; otherwise the culture; ``rules.template_document`` falls back to en-US (R-TPL-2)."""
    languages = rules.MCA_COUNTRIES.get(customer.country, ("", ()))[1]
    wanted = (customer.language or "").strip()
    if wanted in languages:
        return wanted
    prefix = wanted.split("-")[0].lower()
    match = next((lang for lang in languages if prefix and lang.lower().startswith(prefix + "-")), None)
    return match or customer.culture or ""


def get_agreement_document_for_customer(ctx: ServiceContext, customer_id: str) -> DocumentLink:
    """The admin center's **Microsoft Customer Agreement** link: the MCA of the customer's own country,
    in its language where there is one (R-TPL-2, R-OPT2-NEW-9); a new link, valid five minutes."""
    with ctx.unit_of_work() as uow:
        customer = uow.repo.session.get(Customer, customer_id)
        if customer is None:
            raise NotFound("Customer not found.")
        country, language = rules.template_document(rules.MCA.template_id, customer.country, _document_language(customer))
        workspace = require_workspace(uow, customer.workspace_id)
        link = DocumentLink(
            token=secrets.token_urlsafe(24),
            workspace_id=workspace.id,
            template_id=rules.MCA.template_id,
            country=country,
            language=language,
            expires_at=ctx.now_in(workspace) + DocumentLink.LIFETIME,
        )
        uow.repo.add(link)
        return link
