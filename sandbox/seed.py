"""Seeded workspaces: the same seed always gives the same partners, people, customers and ids.

Faker has its own seeded instance per locale and every id comes from the seeded RNG. Records are
written directly (the seed sets up history, such as agreements dated in the past, that the use
cases would rightly refuse today).
"""

from __future__ import annotations

import random
import secrets
import threading
import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from faker import Faker
from sqlalchemy.exc import IntegrityError

from sandbox.domain import rules
from sandbox.domain.clock import TenantClock
from sandbox.domain.errors import Conflict, InvalidProperty
from sandbox.domain.model import (
    Application,
    Attestation,
    Contact,
    Customer,
    DirectAcceptance,
    Invitation,
    InvitationKind,
    Partner,
    PartnerKind,
    PartnerUser,
    Relationship,
    Role,
    Subscription,
    Workspace,
)
from sandbox.domain.offers import OFFERS
from sandbox.services.context import ServiceContext, hash_secret, new_password, require_workspace

# The states a demo shows at once; also what the control API's customer factory accepts.
CUSTOMER_STATES = (
    "NoAgreement",
    "CloudAgreementOnly",
    "MCAAttested",
    "MCAAcceptedDirectly",
    "InvitationPending",
    "PurchaseBlocked",
    "CannotAcceptDirectly",
    "NoRelationship",
)
COUNTRY_LOCALES = {
    "US": "en_US", "NL": "nl_NL", "DE": "de_DE", "FR": "fr_FR", "GB": "en_GB", "ES": "es_ES",
    "IT": "it_IT", "BR": "pt_BR", "JP": "ja_JP", "CA": "en_CA", "AU": "en_AU", "BE": "nl_BE",
}
COUNTRY_LANGUAGE = {"NL": "nl", "DE": "de", "FR": "fr", "ES": "es", "IT": "it", "BR": "pt", "JP": "ja", "BE": "nl"}
KIND_NAMES = {
    PartnerKind.DIRECT_BILL: "Direct-bill partner",
    PartnerKind.INDIRECT_PROVIDER: "Indirect provider",
    PartnerKind.INDIRECT_RESELLER: "Indirect reseller",
}
MAX_SEED = 2**31 - 1

_fakers: dict[str, Faker] = {}
_faker_lock = threading.Lock()


@dataclass
class _Seeder:
    ctx: ServiceContext
    rng: random.Random
    seed: int
    workspace: Workspace
    now: datetime
    records: list

    def guid(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def hexid(self, n: int = 6) -> str:
        return f"{self.rng.getrandbits(4 * n):0{n}x}"

    def password(self) -> str:
        return new_password(self.rng)

    def faker(self, locale: str) -> Faker:
        fake = _fakers.get(locale)
        if fake is None:
            fake = _fakers[locale] = Faker(locale)
        fake.seed_instance(self.rng.getrandbits(32))
        return fake


def _slug(text: str) -> str:
    slug = "".join(ch for ch in text.lower() if ch.isascii() and ch.isalnum())
    return slug[:16] or "contoso"


def _validated_seed(seed) -> int:
    if seed is None:
        return secrets.randbelow(MAX_SEED)
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed <= MAX_SEED:
        raise InvalidProperty(f"seed must be a whole number from 0 to {MAX_SEED}.", field="seed")
    return seed


def create_tenant(
    ctx: ServiceContext,
    *,
    kind: PartnerKind = PartnerKind.DIRECT_BILL,
    seed: int | None = None,
    clock_now: datetime | None = None,
    clock_frozen: bool = False,
    customers: int = 3,
    demo: bool = False,
) -> dict:
    """Create an isolated, seeded partner workspace in one transaction; answer its sign-ins once."""
    seed = _validated_seed(seed)
    if isinstance(customers, bool) or not isinstance(customers, int) or not 0 <= customers <= 1000:
        raise InvalidProperty("customers must be a whole number from 0 to 1000.", field="customers")
    real_now = ctx.real_now()
    clock = TenantClock.set_to(clock_now, frozen=clock_frozen, real_now=real_now) if (clock_now or clock_frozen) else TenantClock()
    try:
        with ctx.unit_of_work() as uow:
            if uow.repo.workspace_by_seed(seed) is not None:
                raise Conflict(f"A tenant with seed {seed} already exists: reset it, delete it, or choose another seed.")
            rng = random.Random(seed)
            workspace = Workspace(id="", name="", kind=kind, seed=seed, created_at=real_now, customer_count=customers, demo=demo)
            workspace.set_clock(clock)
            seeder = _Seeder(ctx, rng, seed, workspace, clock.now(real_now), [])
            result = _populate(seeder, kind=kind, customers=customers, demo=demo)
            uow.repo.add(workspace)
            uow.repo.flush()
            uow.repo.add(*seeder.records)
    except IntegrityError as exc:
        raise Conflict("The seed collides with an existing tenant's records; choose another seed.") from exc
    result["clock"] = {"now": clock.now(ctx.real_now()).isoformat(), "frozen": clock.frozen}
    return result


def reset_tenant(ctx: ServiceContext, workspace_id: str) -> dict:
    """Put a tenant back as its seed made it: same ids, same sign-ins, same clock setting. Its apps keep what the
    control API set for them (certificates, "Allow public client flows"): an app registration outlives a reset."""
    with ctx.unit_of_work() as uow:
        workspace = require_workspace(uow, workspace_id)
        public_client_flows = {a.client_id: a.allow_public_client_flows for a in uow.repo.applications(workspace_id)}
        uow.repo.delete_workspace_contents(workspace_id)
        workspace = require_workspace(uow, workspace_id)
        rng = random.Random(workspace.seed)
        seeder = _Seeder(ctx, rng, workspace.seed, workspace, ctx.now_in(workspace), [])
        result = _populate(seeder, kind=workspace.kind, customers=workspace.customer_count, demo=workspace.demo)
        for record in seeder.records:
            if isinstance(record, Application):
                record.allow_public_client_flows = public_client_flows.get(record.client_id, True)
        uow.repo.add(*seeder.records)
    result["clock"] = {"now": ctx.now_in(workspace).isoformat(), "frozen": workspace.clock.frozen}
    return result


def _populate(s: _Seeder, *, kind: PartnerKind, customers: int, demo: bool) -> dict:
    ws = s.workspace
    ws.id = s.guid()  # the primary partner's tenant id is the workspace's id
    if demo:
        primary = _partner(s, PartnerKind.DIRECT_BILL, workspace_id=True)
        provider = _partner(s, PartnerKind.INDIRECT_PROVIDER)
        reseller = _partner(s, PartnerKind.INDIRECT_RESELLER, provider=provider)
        partners = [primary, provider, reseller]
    elif kind is PartnerKind.INDIRECT_RESELLER:
        provider = _partner(s, PartnerKind.INDIRECT_PROVIDER)
        primary = _partner(s, PartnerKind.INDIRECT_RESELLER, provider=provider, workspace_id=True)
        partners = [primary, provider]
    else:
        primary = _partner(s, kind, workspace_id=True)
        partners = [primary]
    ws.kind = primary["partner"].kind
    ws.name = primary["partner"].name + (" (demo)" if demo else "")
    if demo:
        states = [state for state in CUSTOMER_STATES for _ in range(3)]
        owners = [primary, provider, primary]
        made = [_customer(s, state, owners[i % 3], reseller=reseller if i % 3 == 1 and i % 2 else None, index=i)
                for i, state in enumerate(states)]
    else:
        owner = partners[1] if kind is PartnerKind.INDIRECT_RESELLER else primary
        via = primary if kind is PartnerKind.INDIRECT_RESELLER else None
        made = [_customer(s, "NoAgreement", owner, reseller=via, index=i) for i in range(customers)]
    result = _describe(primary)
    result.update(id=ws.id, seed=s.seed, customers=made)
    if kind is PartnerKind.INDIRECT_RESELLER and not demo:
        result["provider"] = _describe(partners[1])
    if demo:
        result["partners"] = [_describe(p) for p in partners]
    return result


def _describe(block: dict) -> dict:
    partner = block["partner"]
    return {
        "id": partner.id,
        "name": partner.name,
        "kind": partner.kind.value,
        "users": block["users"],
        "application": block["application"],
    }


def _partner(s: _Seeder, kind: PartnerKind, *, provider: dict | None = None, workspace_id: bool = False) -> dict:
    fake = s.faker("en_US")
    company = fake.company().replace(",", "")
    partner_id = s.workspace.id if workspace_id else s.guid()
    domain = f"{_slug(company)}{s.hexid()}.onmicrosoft.com"
    partner = Partner(
        id=partner_id,
        workspace_id=s.workspace.id,
        name=f"{company} ({KIND_NAMES[kind]})" if not workspace_id else company,
        kind=kind,
        domain=domain,
        mpn_id=str(s.rng.randint(1000000, 9999999)),
        provider_id=provider["partner"].id if provider else None,
    )
    s.records.append(partner)
    users = []
    for role in Role:
        first, last = fake.first_name(), fake.last_name()
        password = s.password()
        user = PartnerUser(
            id=s.guid(), workspace_id=s.workspace.id, partner_id=partner_id,
            user_name=f"{role.value.lower()}@{domain}", display_name=f"{first} {last}", role=role,
            password_hash=hash_secret(password),
        )
        s.records.append(user)
        users.append({"userName": user.user_name, "password": password, "role": role.value, "displayName": user.display_name})
    secret = secrets_like(s)
    app = Application(
        client_id=s.guid(), workspace_id=s.workspace.id, partner_id=partner_id, name=f"{company} integration",
        secret_hash=hash_secret(secret),
    )
    s.records.append(app)
    return {"partner": partner, "users": users, "application": {"clientId": app.client_id, "clientSecret": secret}}


def secrets_like(s: _Seeder) -> str:
    """An app secret in Entra's style (40 characters), drawn from the seeded RNG."""
    alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789~._-"
    return "".join(s.rng.choice(alphabet) for _ in range(40))


def _customer(s: _Seeder, state: str, owner: dict, *, reseller: dict | None = None, index: int = 0,
              country: str | None = None) -> dict:
    country = country or list(COUNTRY_LOCALES)[s.rng.randrange(len(COUNTRY_LOCALES))]
    fake = s.faker(COUNTRY_LOCALES.get(country, "en_US"))
    company = fake.company().replace(",", "")
    domain = f"{_slug(company)}{s.hexid()}.onmicrosoft.com"
    first, last = fake.first_name(), fake.last_name()
    password = s.password()
    since = s.now - timedelta(days=s.rng.randint(30, 900))
    if rules.MCA_IN_PRODUCTION_FROM <= s.now.date() <= rules.CLOUD_AGREEMENT_LAST_DAY:
        # while both agreements count, a seeded customer is an existing one, from before 2019-10-01: a random
        # date past it would make it a new customer (R-NEW-BUY) by chance, and the same situation buy or not
        since = min(since, datetime.combine(rules.MCA_IN_PRODUCTION_FROM - timedelta(days=1), time(12), tzinfo=since.tzinfo))
    ws_id = s.workspace.id
    customer = Customer(
        id=s.guid(), workspace_id=ws_id, commerce_id=s.guid(), billing_profile_id=s.guid(), domain=domain,
        company_name=company, email=f"{_slug(first)}.{_slug(last)}@{domain}", culture="en-US",
        language=COUNTRY_LANGUAGE.get(country, "en"), country=country,
        state=fake.state_abbr() if country == "US" else None,
        address_line1=fake.street_address().replace("\n", " ")[:200], city=fake.city()[:100],
        postal_code=fake.postcode()[:20], first_name=first[:50], last_name=last[:50],
        phone_number=None, admin_user_name=f"admin@{domain}", admin_password_hash=hash_secret(password),
        admin_must_change_password=False, created_at=since,
    )
    if state in ("CloudAgreementOnly", "PurchaseBlocked"):
        customer.created_at = min(since, datetime(2019, 6, 1, tzinfo=since.tzinfo))  # an existing customer of that era
    s.records.append(customer)
    partner = owner["partner"]
    if state != "NoRelationship":
        s.records.append(Relationship(
            id=s.guid(), workspace_id=ws_id, customer_id=customer.id, partner_id=partner.id, kind="reseller",
            delegated_admin=bool(s.rng.getrandbits(1)), since=customer.created_at,
            associated_partner_id=reseller["partner"].id if reseller else None,
            associated_since=customer.created_at if reseller else None,
        ))
    _history(s, state, customer, owner)
    return {
        "id": customer.id, "companyName": company, "domain": domain, "country": country,
        "userName": customer.admin_user_name, "password": password, "state": state,
        "partnerId": partner.id if state != "NoRelationship" else None,
    }


def _attest(s: _Seeder, customer: Customer, owner: dict, agreement: rules.AgreementMetadata, when: datetime) -> None:
    user = next(u for u in s.records if isinstance(u, PartnerUser) and u.partner_id == owner["partner"].id
                and u.role is Role.ADMIN_AGENT)
    contact = Contact(customer.first_name, customer.last_name, customer.email, customer.phone_number)
    s.records.append(Attestation(
        id=s.guid(), workspace_id=s.workspace.id, customer_id=customer.id, partner_id=owner["partner"].id,
        user_id=user.id, template_id=agreement.template_id, type=agreement.agreement_type,
        date_agreed=when.replace(hour=0, minute=0, second=0, microsecond=0), first_name=contact.first_name,
        last_name=contact.last_name, email=contact.email, phone_number=contact.phone_number,
        contact_key=contact.key(), created_at=when,
    ))


def _subscribe(s: _Seeder, customer: Customer, owner: dict, offer_id: str, when: datetime) -> None:
    offer = OFFERS[offer_id]
    seats = s.rng.randint(5, 50)  # drawn for every offer: a seed's later draws stay as they were
    s.records.append(Subscription(
        id=s.guid(), workspace_id=s.workspace.id, customer_id=customer.id, partner_id=owner["partner"].id,
        offer_id=offer.id, offer_name=offer.name, quantity=seats if offer.seat_based else 1, created_at=when,
    ))


def _history(s: _Seeder, state: str, customer: Customer, owner: dict) -> None:
    """Give the customer the records its state means (agreements, invitations, purchases)."""
    earlier = customer.created_at + timedelta(days=1)
    if state == "CloudAgreementOnly":
        _attest(s, customer, owner, rules.CLOUD_AGREEMENT, earlier)
    elif state == "MCAAttested":
        when = _not_before(s, state, earlier, rules.PORTAL_ATTESTATION_FROM, "R-TL-1")
        _attest(s, customer, owner, rules.MCA, when)
        _subscribe(s, customer, owner, "CFQ7TTC0LH18:0001", when)
    elif state == "MCAAcceptedDirectly":
        s.records.append(DirectAcceptance(
            id=s.guid(), workspace_id=s.workspace.id, customer_id=customer.id, template_id=rules.MCA.template_id,
            accepted_at=_not_before(s, state, earlier, rules.DIRECT_ACCEPTANCE_FROM, "R-TL-6"),
            accepted_by=customer.admin_user_name, partner_id=owner["partner"].id,
        ))
    elif state == "InvitationPending":
        s.records.append(Invitation(
            id=s.guid(), workspace_id=s.workspace.id, partner_id=owner["partner"].id, kind=InvitationKind.AGREEMENT,
            delegated_admin=False, created_at=_not_before(s, state, earlier, rules.DIRECT_ACCEPTANCE_FROM, "R-TL-6"),
            customer_id=customer.id,
        ))
    elif state == "PurchaseBlocked":  # R-TL-5: Cloud Agreement only, seats bought back then
        _attest(s, customer, owner, rules.CLOUD_AGREEMENT, earlier)
        _subscribe(s, customer, owner, "796B6B5F-613C-4E24-A17C-EBA730D49C02", earlier)
    elif state == "CannotAcceptDirectly":  # R-OPT2-CANT: an Azure plan bought earlier
        _subscribe(s, customer, owner, "DZH318Z0BPS6:0001", earlier)


def _not_before(s: _Seeder, state: str, when: datetime, first_day: date, rule: str) -> datetime:
    """``when``, or the first day the state's record could be made (``rule``) if ``when`` is earlier; a tenant
    whose clock is before that day can't have a customer in that state (400)."""
    start = datetime.combine(first_day, time(), tzinfo=when.tzinfo)
    if s.now < start:
        raise InvalidProperty(f"A customer in state {state} needs the tenant's clock on or after {first_day.isoformat()} "
                              f"({rule}).", field="state")
    return max(when, start)


def add_customer(ctx: ServiceContext, workspace_id: str, *, state: str = "NoAgreement", partner_id: str | None = None,
                 country: str | None = None, reseller_id: str | None = None) -> dict:
    """Add one seeded customer in a given state to a tenant (the control API's Given-step helper)."""
    if state not in CUSTOMER_STATES:
        raise InvalidProperty(f"state must be one of {', '.join(CUSTOMER_STATES)}.", field="state")
    if country is not None and country not in COUNTRY_LOCALES and country not in rules.MCA_COUNTRIES:
        raise InvalidProperty(f"The country '{country}' is not supported.", field="country")
    with ctx.unit_of_work() as uow:
        workspace = require_workspace(uow, workspace_id)
        partner = uow.repo.partner(workspace_id, partner_id or workspace_id)
        if partner is None:
            raise InvalidProperty("partnerId is not a partner of this tenant.", field="partnerId")
        reseller = uow.repo.partner(workspace_id, reseller_id) if reseller_id else None
        if partner.kind is PartnerKind.INDIRECT_RESELLER:  # its customers belong to its provider
            reseller, partner = partner, uow.repo.partner(workspace_id, partner.provider_id)
        s = _Seeder(ctx, random.Random(secrets.randbits(64)), workspace.seed, workspace, ctx.now_in(workspace), [])
        s.records.extend(uow.repo.users(workspace_id, partner.id))
        owner = {"partner": partner}
        made = _customer(s, state, owner, reseller={"partner": reseller} if reseller else None, country=country)
        uow.repo.add(*[r for r in s.records if not isinstance(r, PartnerUser)])
        return made


def ensure_demo_workspace(ctx: ServiceContext, seed: int = 42) -> tuple[dict, bool]:
    """The demo workspace for ``serve``: created on first start, answered as is afterwards."""
    with ctx.unit_of_work() as uow:
        existing = uow.repo.workspace_by_seed(seed)
        if existing is not None:
            existing_id = existing.id
    if existing is None:
        try:
            return create_tenant(ctx, seed=seed, demo=True), True
        except Conflict:  # another server on the same database made it a moment ago
            with ctx.unit_of_work() as uow:
                existing_id = require_workspace_by_seed(uow, seed).id
    return reset_preview(ctx, existing_id), False


def require_workspace_by_seed(uow, seed: int) -> Workspace:
    workspace = uow.repo.workspace_by_seed(seed)
    if workspace is None:
        raise Conflict(f"The tenant with seed {seed} could not be created.")
    return workspace


def reset_preview(ctx: ServiceContext, workspace_id: str) -> dict:
    """The sign-ins of a seeded tenant, recomputed from its seed without writing anything."""
    with ctx.unit_of_work() as uow:
        workspace = require_workspace(uow, workspace_id)
        s = _Seeder(ctx, random.Random(workspace.seed), workspace.seed, workspace, ctx.now_in(workspace), [])
        result = _populate(s, kind=workspace.kind, customers=workspace.customer_count, demo=workspace.demo)
        uow.session.rollback()
    return result


__all__ = ["CUSTOMER_STATES", "add_customer", "create_tenant", "ensure_demo_workspace", "reset_tenant"]
