"""Entities of the sandbox: partners and their people, customers, agreements, purchases.

Plain dataclasses with identity equality (``eq=False``): two records are the same record only if
they are the same object. The store maps them to tables without this module knowing.
"""

from __future__ import annotations

import enum
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from .clock import TenantClock


class PartnerKind(enum.StrEnum):
    DIRECT_BILL = "DirectBill"
    INDIRECT_PROVIDER = "IndirectProvider"
    INDIRECT_RESELLER = "IndirectReseller"


class Role(enum.StrEnum):
    ADMIN_AGENT = "AdminAgent"
    SALES_AGENT = "SalesAgent"
    BILLING_ADMIN = "BillingAdmin"
    HELPDESK_AGENT = "HelpdeskAgent"
    GLOBAL_ADMIN = "GlobalAdmin"

    @property
    def label(self) -> str:
        return {
            "AdminAgent": "Admin agent",
            "SalesAgent": "Sales agent",
            "BillingAdmin": "Billing admin",
            "HelpdeskAgent": "Helpdesk agent",
            "GlobalAdmin": "Global admin",
        }[self.value]


class AgreementType(enum.StrEnum):
    MICROSOFT_CUSTOMER_AGREEMENT = "MicrosoftCustomerAgreement"
    MICROSOFT_CLOUD_AGREEMENT = "MicrosoftCloudAgreement"


class InvitationKind(enum.StrEnum):
    AGREEMENT = "Agreement"  # Option 2a/2c: accept the MCA in the admin center
    RESELLER_RELATIONSHIP = "ResellerRelationship"  # Option 2b: relationship (+ DAP) + MCA


@dataclass(eq=False)
class Workspace:
    """An isolated partner tenant: its partners, customers and its own clock."""

    id: str
    name: str
    kind: PartnerKind
    seed: int
    created_at: datetime
    customer_count: int = 3  # how many customers the seed made (a reset makes them again)
    demo: bool = False
    clock_offset: timedelta = timedelta(0)
    clock_frozen_at: datetime | None = None

    @property
    def clock(self) -> TenantClock:
        return TenantClock(offset=self.clock_offset, frozen_at=self.clock_frozen_at)

    def set_clock(self, clock: TenantClock) -> None:
        self.clock_offset = clock.offset
        self.clock_frozen_at = clock.frozen_at


@dataclass(eq=False)
class Partner:
    """A CSP partner organisation: direct-bill partner, indirect provider or indirect reseller."""

    id: str  # the partner's Entra tenant id, also the partnerId of its invitation links
    workspace_id: str
    name: str
    kind: PartnerKind
    domain: str
    mpn_id: str
    provider_id: str | None = None  # an indirect reseller's indirect provider


@dataclass(eq=False)
class PartnerUser:
    id: str  # user object id, the Agreement's userId
    workspace_id: str
    partner_id: str
    user_name: str
    display_name: str
    role: Role
    password_hash: str


@dataclass(eq=False)
class Application:
    """An app registration of the partner (App-only and App+User tokens)."""

    client_id: str
    workspace_id: str
    partner_id: str
    name: str
    secret_hash: str
    # Entra's "Allow public client flows" (Graph: isFallbackPublicClient): on, the password, refresh token and device
    # code grants and a loopback redirect URI's code may leave the app's secret out; off, every grant needs it
    allow_public_client_flows: bool = True


@dataclass
class Address:
    country: str
    address_line1: str
    city: str
    postal_code: str
    first_name: str
    last_name: str
    state: str | None = None
    address_line2: str | None = None
    region: str | None = None
    phone_number: str | None = None


@dataclass(eq=False)
class Customer:
    """A customer tenant with its company and billing profile and its own admin user."""

    id: str  # tenant id, also the customer-tenant-id of the API
    workspace_id: str
    commerce_id: str
    billing_profile_id: str
    domain: str
    company_name: str
    email: str
    culture: str
    language: str
    country: str
    address_line1: str
    city: str
    postal_code: str
    first_name: str
    last_name: str
    admin_user_name: str
    admin_password_hash: str
    created_at: datetime
    state: str | None = None
    address_line2: str | None = None
    phone_number: str | None = None
    organization_registration_number: str | None = None
    admin_must_change_password: bool = True
    search_name: str = ""  # the company name as search and sorting read it (search_key), in any database

    def __post_init__(self) -> None:
        if not self.search_name:
            self.search_name = search_key(self.company_name)

    @property
    def address(self) -> Address:
        return Address(
            country=self.country,
            address_line1=self.address_line1,
            address_line2=self.address_line2,
            city=self.city,
            state=self.state,
            postal_code=self.postal_code,
            first_name=self.first_name,
            last_name=self.last_name,
            phone_number=self.phone_number,
        )


@dataclass(eq=False)
class Relationship:
    """A partner's relationship with a customer (reseller, with or without delegated admin)."""

    id: str
    workspace_id: str
    customer_id: str
    partner_id: str
    kind: str  # "reseller" (Partner Center's relationshipToPartner)
    delegated_admin: bool
    since: datetime
    associated_partner_id: str | None = None  # indirect reseller behind an indirect provider's customer
    # the indirect reseller's own side: whether the customer gave it the admin roles, and since when it is there
    associated_delegated_admin: bool = False
    associated_since: datetime | None = None

    def associate(self, reseller_id: str, *, delegated_admin: bool, now: datetime) -> None:
        """The customer accepted the indirect reseller's link: the reseller joins this provider's relationship
        with its own date and, when the link asked for them and the customer accepted, its own admin roles
        (a reseller that replaces another starts afresh)."""
        if self.associated_partner_id != reseller_id:
            self.associated_partner_id, self.associated_since, self.associated_delegated_admin = reseller_id, now, False
        self.associated_delegated_admin = self.associated_delegated_admin or delegated_admin

    def delegates_to(self, partner_id: str) -> bool:
        """Whether the partner (this relationship's own, or its associated indirect reseller) has the admin roles."""
        if partner_id == self.partner_id:
            return self.delegated_admin
        return partner_id == self.associated_partner_id and self.associated_delegated_admin


# Latin letters that carry their mark in themselves (no decomposition), as people type them without it
_LATIN_PLAIN = str.maketrans({"ł": "l", "ø": "o", "đ": "d", "ħ": "h", "ŧ": "t", "ı": "i", "ŀ": "l", "æ": "ae", "œ": "oe",
                              "þ": "th", "ð": "d"})


def search_key(text: str) -> str:
    """A name as the customer search and the customer lists read it: in any case, in one Unicode form, and
    without the accents of Latin and Greek letters ("Construcción", "CONSTRUCCION" and "construccion" are one,
    "Łódź" and "lodz" too, and sort together). Marks that make another letter are kept: Cyrillic's (й is not
    и), a kana's dakuten, an Indic nukta."""
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(_LATIN_PLAIN))
    kept, base = [], ""
    for ch in decomposed:
        if unicodedata.combining(ch):
            if base < "\u0400":  # an accent on a Latin or Greek letter (U+0000-U+03FF)
                continue
        else:
            base = ch
        kept.append(ch)
    return unicodedata.normalize("NFC", "".join(kept))


@dataclass
class Contact:
    first_name: str
    last_name: str
    email: str
    phone_number: str | None = None

    def key(self) -> str:
        """What makes two confirmations "the same contact" for 600061: names and e-mail in one Unicode form
        (NFKC: "é" typed as one character or as "e" and an accent), ignoring case and runs of spaces; the phone
        by its digits, in whatever script they were typed."""
        phone = "".join(str(unicodedata.decimal(ch)) for ch in (self.phone_number or "") if ch.isdecimal())
        parts = (self.first_name, self.last_name, self.email)
        return "|".join(" ".join(unicodedata.normalize("NFKC", p).split()).casefold() for p in parts) + "|" + phone


@dataclass(eq=False)
class Attestation:
    """The Agreement resource: a partner's confirmation that the customer accepted an agreement."""

    id: str
    workspace_id: str
    customer_id: str
    partner_id: str
    user_id: str
    template_id: str
    type: AgreementType
    date_agreed: datetime
    first_name: str
    last_name: str
    email: str
    created_at: datetime
    contact_key: str
    phone_number: str | None = None

    @property
    def primary_contact(self) -> Contact:
        return Contact(self.first_name, self.last_name, self.email, self.phone_number)


@dataclass(eq=False)
class DirectAcceptance:
    """The customer's own acceptance of the MCA in the Microsoft 365 admin center (Option 2)."""

    id: str
    workspace_id: str
    customer_id: str
    template_id: str
    accepted_at: datetime
    accepted_by: str  # the customer's user name
    partner_id: str | None = None  # the partner whose invitation led there, if any


@dataclass(eq=False)
class Invitation:
    """A partner's request that a customer accept the MCA (and, for 2b, a reseller relationship)."""

    id: str
    workspace_id: str
    partner_id: str
    kind: InvitationKind
    delegated_admin: bool
    created_at: datetime
    customer_id: str | None = None
    accepted_at: datetime | None = None


@dataclass(eq=False)
class Subscription:
    id: str
    workspace_id: str
    customer_id: str
    partner_id: str
    offer_id: str
    offer_name: str
    quantity: int
    created_at: datetime
    order_id: str | None = None
    friendly_name: str = ""  # the partner's nickname for it (Partner Center's friendlyName); the offer's name if none

    def __post_init__(self) -> None:
        if not self.friendly_name:
            self.friendly_name = self.offer_name


@dataclass(eq=False)
class Order:
    id: str
    workspace_id: str
    customer_id: str
    partner_id: str
    created_at: datetime
    line_items: list[dict] = field(default_factory=list)


@dataclass(eq=False)
class DocumentLink:
    """A short-lived link to a country's MCA document (R-API-4: five minutes on the tenant's clock)."""

    token: str
    workspace_id: str
    template_id: str
    country: str
    language: str
    expires_at: datetime

    LIFETIME = timedelta(minutes=5)
