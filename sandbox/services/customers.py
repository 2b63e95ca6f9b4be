"""Customers: create (with the portal's agreement choice), get, list with paging."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from itsdangerous import BadData, URLSafeSerializer
from sqlalchemy.exc import IntegrityError

from sandbox.domain import rules
from sandbox.domain.errors import InvalidProperty, NotFound
from sandbox.domain.model import (
    AgreementType,
    Contact,
    Customer,
    Invitation,
    InvitationKind,
    Relationship,
)
from sandbox.domain.rules import CustomerSearchField

from .agreements import record_confirmation
from .context import Actor, ServiceContext, UnitOfWork, hash_secret, new_password, require_workspace


@dataclass
class NewCustomer:
    """What creating a customer needs: the API's billing and company profile, flattened."""

    domain: str
    company_name: str
    email: str
    country: str
    address_line1: str
    city: str
    postal_code: str
    first_name: str
    last_name: str
    culture: str = "en-US"
    language: str = "en"
    state: str | None = None
    address_line2: str | None = None
    phone_number: str | None = None
    organization_registration_number: str | None = None
    associated_partner_id: str | None = None


@dataclass
class AgreementChoice:
    """The portal wizard's **Customer agreement** section (R-OPT1-NEW-3..5, R-OPT2-NEW-3)."""

    partner_attests: bool
    date_agreed: object | None = None  # a datetime when attesting
    contact: Contact | None = None  # who accepted; the primary contact when None


@dataclass
class CustomerView:
    customer: Customer
    relationship: Relationship | None
    delegated_admin: bool = False  # whether the partner reading it has the admin roles (its own, or as indirect reseller)


@dataclass
class CreatedCustomer:
    customer: Customer
    relationship: Relationship
    password: str  # the admin's temporary password, shown once


@dataclass
class CustomerPage:
    items: list[CustomerView]
    total_count: int
    continuation_token: str | None
    # the query answered: the one asked for, or the continuation token's
    size: int
    field: CustomerSearchField | None
    search: str | None


def _customer_or_404(uow: UnitOfWork, actor: Actor, customer_id: str) -> Customer:
    customer = uow.repo.customer_for_partner(actor.workspace_id, actor.partner_id, customer_id)
    if customer is None:
        raise NotFound(f"Customer {customer_id} was not found.")
    return customer


def create_customer(ctx: ServiceContext, actor: Actor, new: NewCustomer, agreement: AgreementChoice | None = None) -> CreatedCustomer:
    """Create a customer tenant, its admin user and the reseller relationship; in the portal, also the
    agreement choice: the partner's confirmation (Option 1) or an invitation to accept (Option 2)."""
    try:
        return _create_customer(ctx, actor, new, agreement)
    except IntegrityError as exc:  # a race lost between the checks and the insert: say which, as the checks do
        domain = new.domain.strip().lower()
        with ctx.unit_of_work() as uow:
            require_workspace(uow, actor.workspace_id)  # the tenant deleted meanwhile: 404
            if uow.repo.domain_taken(domain):  # the same domain created meanwhile
                raise _domain_unavailable(domain) from exc
        raise


def _domain_unavailable(domain: str) -> InvalidProperty:
    return InvalidProperty(f"The domain name {domain} isn't available. Try another one.", field="domain")


def _create_customer(ctx: ServiceContext, actor: Actor, new: NewCustomer, agreement: AgreementChoice | None) -> CreatedCustomer:
    with ctx.unit_of_work() as uow:
        workspace = require_workspace(uow, actor.workspace_id)
        partner = uow.repo.partner(actor.workspace_id, actor.partner_id)
        if partner is None:
            raise NotFound("Partner not found.")
        # R-RES-1, roles: an indirect reseller's provider adds its customers; a user needs the role (App-only may)
        rules.ensure_may_add_customers(actor.role, partner.kind)
        now = ctx.now_in(workspace)
        domain = new.domain.strip().lower()
        if rules.is_reserved_domain(domain) or uow.repo.domain_taken(domain):
            raise _domain_unavailable(domain)
        rules.ensure_customer_profile(new.country, new.organization_registration_number, new.phone_number)
        associated = None
        if new.associated_partner_id:
            rules.ensure_may_associate_reseller(partner.kind)
            reseller = uow.repo.partner(actor.workspace_id, new.associated_partner_id)
            if reseller is None or reseller.provider_id != partner.id:
                raise InvalidProperty(
                    "The indirect reseller must have a partnership with the indirect provider.", field="associatedPartnerId"
                )
            associated = reseller.id
        password = new_password()
        customer_id = ctx.new_id()
        customer = Customer(
            id=customer_id,
            workspace_id=workspace.id,
            commerce_id=ctx.new_id(),
            billing_profile_id=ctx.new_id(),
            domain=domain,
            company_name=new.company_name.strip(),
            email=new.email.strip(),
            culture=_culture(new.culture),
            language=(new.language or "en").strip().lower(),
            country=new.country,
            state=new.state,
            address_line1=new.address_line1.strip(),
            address_line2=new.address_line2,
            city=new.city.strip(),
            postal_code=new.postal_code.strip(),
            first_name=new.first_name.strip(),
            last_name=new.last_name.strip(),
            phone_number=new.phone_number,
            organization_registration_number=new.organization_registration_number,
            admin_user_name=f"admin@{domain}",
            admin_password_hash=hash_secret(password),
            created_at=now,
        )
        relationship = Relationship(
            id=ctx.new_id(),
            workspace_id=workspace.id,
            customer_id=customer_id,
            partner_id=partner.id,
            kind="reseller",
            delegated_admin=True,
            since=now,
            associated_partner_id=associated,
            associated_since=now if associated else None,
        )
        uow.repo.add(customer, relationship)
        uow.repo.flush()
        if agreement is not None and agreement.partner_attests:  # record_confirmation checks R-TL-1 after the role
            contact = agreement.contact or Contact(customer.first_name, customer.last_name, customer.email, customer.phone_number)
            record_confirmation(
                ctx, uow, workspace, actor, customer,
                template_id=rules.MCA.template_id,
                agreement_type=AgreementType.MICROSOFT_CUSTOMER_AGREEMENT,
                date_agreed=agreement.date_agreed,
                contact=contact,
            )
        elif agreement is not None:
            # R-OPT2-NEW-3: the customer will be asked to accept in the Microsoft 365 admin center, which it can
            # from 2020-02-03 (R-TL-6): an invitation it can't answer isn't sent before
            rules.ensure_direct_acceptance_open(now.date())
            uow.repo.add(
                Invitation(
                    id=ctx.new_ordered_id(), workspace_id=workspace.id, partner_id=partner.id, kind=InvitationKind.AGREEMENT,
                    delegated_admin=False, created_at=now, customer_id=customer_id,
                )
            )
        return CreatedCustomer(customer=customer, relationship=relationship, password=password)


def _culture(value: str | None) -> str:
    """Partner Center normalises ``EN-US`` to ``en-US``: a language tag's usual case (BCP 47), so a script stays
    ``Hans`` in ``zh-Hans-CN``."""
    if not value:
        return "en-US"
    language, *subtags = value.strip().split("-")
    return "-".join([language.lower(), *(_subtag_case(subtag) for subtag in subtags)])


def _subtag_case(subtag: str) -> str:
    if len(subtag) == 4 and subtag.isalpha():
        return subtag.title()  # a script
    if len(subtag) == 2 and subtag.isalpha():
        return subtag.upper()  # a region
    return subtag.lower()


def get_customer(ctx: ServiceContext, actor: Actor, customer_id: str) -> CustomerView:
    with ctx.unit_of_work() as uow:
        customer = _customer_or_404(uow, actor, customer_id)
        relationship = _relationship_for(uow, customer.id, actor.partner_id)
        return CustomerView(customer, relationship, bool(relationship and relationship.delegates_to(actor.partner_id)))


def _relationship_for(uow: UnitOfWork, customer_id: str, partner_id: str) -> Relationship | None:
    for relationship in uow.repo.relationships_of_customer(customer_id):
        if partner_id in (relationship.partner_id, relationship.associated_partner_id):
            return relationship
    return None


def list_customers(
    ctx: ServiceContext, actor: Actor, *, size: int = 200, continuation: str | None = None, search: str | None = None,
    field: CustomerSearchField | None = None, count: bool = False, restart: bool = False, reseller: str | None = None,
) -> CustomerPage:
    """A page of the partner's customers, by company name; the token continues where this page ended.

    The token carries its query (page size and filter), bound to the partner and signed with the app's key:
    the SDK's seek sends the token alone, so the token's query is the one answered, whatever
    ``size``, ``search`` and ``field`` say. ``restart`` answers the token's query from its first page.
    ``reseller``: an indirect provider's customers through that indirect reseller of its own (the portal's
    "Filter by indirect reseller"); another partner's id is not valid. The token carries it too.

    Two reads whatever the page size (the page, then its relationships); ``count`` adds the total the portal
    shows (a count over every customer of the partner: the API's answers don't need it, ``total_count`` is
    then the page's length, as the API's ``totalCount``).
    """
    after = None
    if continuation:
        size, field, search, after, reseller = _decode_token(continuation, actor.partner_id, ctx.signing_key)
        after = None if restart else after
    if search:  # "Construcción" typed or pasted decomposed (NFD) finds the name stored composed
        search = unicodedata.normalize("NFC", search)
    with ctx.unit_of_work() as uow:
        require_workspace(uow, actor.workspace_id)
        if reseller is not None:
            found = uow.repo.partner(actor.workspace_id, reseller)
            if found is None or found.provider_id != actor.partner_id:
                raise InvalidProperty("Select one of your indirect resellers.", field="reseller")
        rows = uow.repo.customers_for_partner(actor.workspace_id, actor.partner_id, search=search, field=field, after=after,
                                              limit=size + 1, reseller_id=reseller)
        more = len(rows) > size
        rows = rows[:size]
        total = (uow.repo.count_customers_for_partner(actor.workspace_id, actor.partner_id, search=search, field=field,
                                                      reseller_id=reseller)
                 if count else len(rows))
        token = None
        if more and rows:
            token = continuation_token(ctx.signing_key, actor.partner_id, size, field, search, rows[-1].company_name, rows[-1].id,
                                       reseller=reseller)
        related = uow.repo.relationships_with_partner([c.id for c in rows], actor.partner_id)
        return CustomerPage([CustomerView(c, related.get(c.id)) for c in rows], total, token, size, field, search)


def export_customers(ctx: ServiceContext, actor: Actor) -> list[tuple[Customer, str]]:
    """Every customer of the partner, in the list's order, with the partner's relationship named from its side
    ("Reseller" or "Indirect reseller", "& delegated administrator" where it has the admin roles; "" for none):
    the portal's Export customers."""
    with ctx.unit_of_work() as uow:
        require_workspace(uow, actor.workspace_id)
        rows = uow.repo.customers_for_partner(actor.workspace_id, actor.partner_id)
        related = uow.repo.relationships_with_partner([c.id for c in rows], actor.partner_id)
        return [(c, "" if rel is None else rules.relationship_name(rel.delegates_to(actor.partner_id),
                                                                    indirect=rel.partner_id != actor.partner_id))
                for c in rows for rel in (related.get(c.id),)]


def _tokens(secret: str) -> URLSafeSerializer:
    return URLSafeSerializer(secret, salt="customer list continuation")


# The order a token's cursor belongs to. Tokens issued before migration 0012 have none: they continued by
# code point, and their cursor would skip or repeat names in the alphabetical order.
_ORDER = "search_name"


def continuation_token(secret: str, partner_id: str, size: int, field: CustomerSearchField | None, search: str | None,
                       company_name: str, customer_id: str, *, reseller: str | None = None) -> str:
    """The token of the page that ends with that customer: its query and cursor, signed."""
    query = {"partner": partner_id, "size": size, "field": field.value if field else None, "search": search,
             "order": _ORDER, "after": [company_name, customer_id]}
    if reseller:
        query["reseller"] = reseller
    return _tokens(secret).dumps(query)


def _decode_token(token: str, partner_id: str, secret: str) -> tuple[int, CustomerSearchField | None, str | None, str, str | None]:
    """The query and the repository's cursor of a token this partner was given; a changed token, or another
    partner's, is not valid."""
    try:
        query = _tokens(secret).loads(token) if len(token) <= 4096 else {}
        if query["partner"] == partner_id:
            if query.get("order") != _ORDER:
                raise InvalidProperty("The continuation token is no longer valid: the customer list's order changed "
                                      "after it was issued. Start again from the first page.", field="MS-ContinuationToken")
            field = CustomerSearchField(query["field"]) if query["field"] else None
            name, last_id = query["after"]
            return query["size"], field, query["search"], f"{name}\x1f{last_id}", query.get("reseller")
    except (BadData, KeyError, TypeError, ValueError):
        pass
    raise InvalidProperty("The continuation token is not valid.", field="MS-ContinuationToken")


def is_domain_available(ctx: ServiceContext, domain: str) -> bool:
    """Whether a customer domain (``<prefix>.onmicrosoft.com``) is still free, for the Add customer form."""
    with ctx.unit_of_work() as uow:
        domain = domain.strip().lower()
        return not rules.is_reserved_domain(domain) and not uow.repo.domain_taken(domain)
