"""Every rule of spec/acceptance-flows.md that the domain holds, each citing its id.

Functions take what they need (dates, roles, records) and either answer or raise a typed
``PartnerCenterError``. Time is always passed in from the tenant's clock.
"""

from __future__ import annotations

import enum
import re
import unicodedata
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from .clock import as_utc
from .errors import (
    AccessDenied,
    AgreementRequired,
    DirectAcceptanceNotPossible,
    InvalidProperty,
    PartnerConfirmedAgreementAlreadyExists,
    RoleNotAllowed,
    UnparsableEnum,
)
from .model import AgreementType, Attestation, Contact, DirectAcceptance, PartnerKind, Role, Subscription
from .offers import DIRECT_ACCEPTANCE_BLOCKING, Offer, find_offer
from .template_countries import MCA_COUNTRIES


def is_blank(text: str) -> bool:
    """Text that shows nothing: only spaces and format characters (a zero-width space, say). A required
    name or address line must show something."""
    return all(unicodedata.category(ch) in ("Cf", "Zs", "Zl", "Zp") for ch in text)


# --- The person who accepted (an agreement's primaryContact), the same through the API and the portal --

CONTACT_NAME_MAX = 100  # the Contact resource documents none; an address's names take 50
EMAIL_MAX = 255
PHONE_MAX = 40
# a dot-atom before the @, host names with at least one dot after it (no "localhost", no one-letter top level)
_EMAIL = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
                    r"@([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}")


def is_email(value: str) -> bool:
    """An e-mail address as Partner Center's forms and API both take it (``someone@example.com``)."""
    return len(value) <= EMAIL_MAX and _EMAIL.fullmatch(value) is not None


def is_phone(value: str) -> bool:
    """A phone number: some digit, in any script (duplicates are compared by their digits), at most 40
    characters; the rest (spaces, + ( ) - ., "ext.") as people write them."""
    return len(value) <= PHONE_MAX and any(ch.isdigit() for ch in value)


# --- Agreement metadata (R-API-1) -------------------------------------------------------------


@dataclass(frozen=True)
class AgreementMetadata:
    template_id: str
    agreement_type: AgreementType
    agreement_link: str
    version_rank: int = 0


MCA = AgreementMetadata(
    "117a77b0-9360-443b-8795-c6dedc750cf9",
    AgreementType.MICROSOFT_CUSTOMER_AGREEMENT,
    "https://aka.ms/customeragreement",
)
CLOUD_AGREEMENT = AgreementMetadata(
    "998b88de-aa99-4388-a42c-1b3517d49490",
    AgreementType.MICROSOFT_CLOUD_AGREEMENT,
    "https://docs.microsoft.com/partner-center/agreements",
)
AGREEMENTS = (MCA, CLOUD_AGREEMENT)


def agreement_metadata(agreement_type: str | None) -> list[AgreementMetadata]:
    """Metadata for ``agreementType``: one type, ``*`` for all; none means the Cloud Agreement (R-API-1)."""
    if agreement_type is None or agreement_type == "":
        return [CLOUD_AGREEMENT]
    if agreement_type == "*":
        return list(AGREEMENTS)
    found = _AGREEMENTS_BY_TYPE.get(agreement_type.lower())
    return [found] if found is not None else []


_AGREEMENTS_BY_TYPE = {meta.agreement_type.value.lower(): meta for meta in AGREEMENTS}


# Microsoft's own domains: no customer tenant gets one (a customer's is ``<prefix>.onmicrosoft.com`` or its own)
_MICROSOFT_DOMAINS = ("microsoft.com", "microsoftonline.com", "windows.net", "office.com", "office365.com", "azure.com")


def is_reserved_domain(domain: str) -> bool:
    """``onmicrosoft.com`` itself, or Microsoft's own domain or one under it."""
    domain = domain.strip().lower()
    return domain == "onmicrosoft.com" or any(domain == own or domain.endswith("." + own) for own in _MICROSOFT_DOMAINS)


# Microsoft Entra ID's password policy for a user's new password: 8 to 256 characters of ASCII letters, digits,
# symbols and the space, three of the four kinds at least
PASSWORD_RULE = ("Your password must be 8 to 256 characters long and use three of these four: lowercase letters, "
                 "uppercase letters, numbers and symbols. Letters with accents and other characters beyond them aren't "
                 "allowed.")


def is_strong_password(password: str) -> bool:
    if not 8 <= len(password) <= 256 or not all(" " <= ch <= "~" for ch in password):
        return False
    kinds = (any(ch.islower() for ch in password), any(ch.isupper() for ch in password),
             any(ch.isdigit() for ch in password), any(not ch.isalnum() for ch in password))
    return sum(kinds) >= 3


class CustomerSearchField(enum.Enum):
    """What ``GET /v1/customers?filter=`` can search (the SDK's CustomerSearchField); the sandbox has no
    indirect-provider search for resellers (answered as an invalid field)."""

    COMPANY_NAME = "CompanyName"
    DOMAIN = "Domain"
    INDIRECT_RESELLER = "IndirectReseller"


def parse_customer_filter(field: str, operator: str, value: str) -> tuple[CustomerSearchField, str]:
    """A customer search filter: ``starts_with`` is the only operation the customers endpoint supports, spelled
    as the docs do or as the .NET SDK writes its enum (``StartsWith``), in any case."""
    if operator.replace("_", "").lower() != "startswith":
        raise InvalidProperty(f"Unsupported filter operator: {operator[:40]}. Use starts_with.", field="filter")
    found = next((member for member in CustomerSearchField if member.value.lower() == field.lower()), None)
    if found is None:
        names = ", ".join(member.value for member in CustomerSearchField)
        raise InvalidProperty(f"Unsupported filter field: {field[:40]}. Use one of {names}.", field="filter")
    if not value.strip() or len(value) > 256 or any(ord(ch) < 32 or 0xD800 <= ord(ch) <= 0xDFFF for ch in value):
        raise InvalidProperty("The filter value must be 1 to 256 printable characters.", field="filter")
    return found, value.strip()


_AGREEMENT_TYPES = {member.value.lower(): member for member in AgreementType}


def parse_agreement_type(value: str | None, *, default: AgreementType | None) -> AgreementType | None:
    """Read an agreement type the way Partner Center's enum parser does (case-insensitive); None for ``*``."""
    if value is None or value == "":
        return default
    if value == "*":
        return None
    member = _AGREEMENT_TYPES.get(value.lower())
    if member is not None:
        return member
    raise UnparsableEnum(
        f"Unable to parse enum: {value}. Use MicrosoftCustomerAgreement, MicrosoftCloudAgreement or *.",
        field="agreementType",
    )


def metadata_for(agreement_type: AgreementType) -> AgreementMetadata:
    return MCA if agreement_type is AgreementType.MICROSOFT_CUSTOMER_AGREEMENT else CLOUD_AGREEMENT


# --- Timeline (R-TL-*) ------------------------------------------------------------------------

PORTAL_ATTESTATION_FROM = date(2019, 8, 1)  # R-TL-1
API_ATTESTATION_FROM = date(2019, 9, 3)  # R-TL-2
DOTNET_SDK_FROM = date(2019, 9, 20)  # R-TL-3
MCA_IN_PRODUCTION_FROM = date(2019, 10, 1)  # R-TL-4
CLOUD_AGREEMENT_LAST_DAY = date(2020, 1, 31)  # R-TL-5: no longer accepted from 2020-02-01
DIRECT_ACCEPTANCE_FROM = date(2020, 2, 3)  # R-TL-6


class Channel:
    PORTAL = "portal"
    API = "api"
    DOTNET_SDK = "dotnet-sdk"


def ensure_attestation_available(channel: str, today: date,
                                 agreement_type: AgreementType = AgreementType.MICROSOFT_CUSTOMER_AGREEMENT) -> None:
    """R-TL-1, R-TL-2, R-TL-3: the MCA attestation opened in the portal, then the API, then the .NET SDK. The
    Microsoft Cloud Agreement's confirmation is older (mandatory in Partner Center from 2018-11-07)."""
    if agreement_type is not AgreementType.MICROSOFT_CUSTOMER_AGREEMENT:
        return
    opens = {
        Channel.PORTAL: (PORTAL_ATTESTATION_FROM, "R-TL-1", "in Partner Center"),
        Channel.API: (API_ATTESTATION_FROM, "R-TL-2", "through the Partner Center API"),
        Channel.DOTNET_SDK: (DOTNET_SDK_FROM, "R-TL-3", "through the Partner Center .NET SDK"),
    }[channel]
    if today < opens[0]:
        raise AccessDenied(
            f"Confirming acceptance of the Microsoft Customer Agreement {opens[2]} is available from "
            f"{opens[0].isoformat()} ({opens[1]}); the tenant's date is {today.isoformat()}."
        )


def acceptable_agreements(today: date, offer: Offer | None, *, customer_since: date | None) -> frozenset:
    """Which agreement types let a purchase or seat change go through on ``today``.

    - before R-TL-4 (2019-10-01) only the Microsoft Cloud Agreement existed in production, but an MCA
      confirmed in the preview counts too;
    - R-TL-4: from 2019-10-01 to 2020-01-31, either agreement, except offers that need the MCA (Azure plan)
      and customers added from 2019-10-01, who are new customers (R-NEW-BUY);
    - R-TL-5: from 2020-02-01 only the MCA, for new and existing customers.
    """
    mca_only = frozenset({AgreementType.MICROSOFT_CUSTOMER_AGREEMENT})
    either = frozenset(AgreementType)
    if today > CLOUD_AGREEMENT_LAST_DAY:  # R-TL-5
        return mca_only
    if offer is not None and offer.requires_mca:  # R-TL-4: the Azure plan needs the MCA
        return mca_only
    if customer_since is not None and customer_since >= MCA_IN_PRODUCTION_FROM:  # R-NEW-BUY
        return mca_only
    return either  # R-TL-4


def agreements_in_place(attestations: Iterable[Attestation], direct: DirectAcceptance | None) -> set:
    """The agreement types the customer has: partner confirmations and its own direct acceptance (R-TL-6)."""
    types = {a.type for a in attestations}
    if direct is not None:
        types.add(AgreementType.MICROSOFT_CUSTOMER_AGREEMENT)
    return types


def ensure_purchase_allowed(
    today: date,
    offer: Offer | None,
    *,
    customer_since: date,
    attestations: Iterable[Attestation],
    direct: DirectAcceptance | None,
) -> None:
    """R-NEW-BUY, R-TL-4, R-TL-5: refuse with 13605 until the agreement the date requires is in place."""
    needed = acceptable_agreements(today, offer, customer_since=customer_since)
    if not needed & agreements_in_place(attestations, direct):
        raise AgreementRequired()


# --- Template (R-TPL-*) -----------------------------------------------------------------------

DEFAULT_COUNTRY = "US"
DEFAULT_LANGUAGE = "en-US"


def template_document(template_id: str, country: str | None, language: str | None) -> tuple[str, str]:
    """The (country, language) of the MCA document asked for (R-TPL-1, R-TPL-2).

    The template id and the country code are case-sensitive, as documented; a language the country
    does not have falls back to en-US; an unknown country is refused.
    """
    if template_id != MCA.template_id:
        raise InvalidProperty(
            "The agreement document is only available for the Microsoft Customer Agreement template "
            f"{MCA.template_id}.",
            field="templateId",
        )
    country = country or DEFAULT_COUNTRY
    if country not in MCA_COUNTRIES:
        raise InvalidProperty(
            f"The country '{country}' is not supported. Use an ISO 3166 country code, in upper case.", field="country"
        )
    languages = MCA_COUNTRIES[country][1]
    language = language if language in languages else DEFAULT_LANGUAGE
    return country, language


def country_name(country: str) -> str:
    return MCA_COUNTRIES.get(country, (country, ()))[0]


# --- Who may attest (R-RES-1 and roles) -------------------------------------------------------

ATTESTING_ROLES = frozenset({Role.ADMIN_AGENT, Role.SALES_AGENT})


def may_attest(role: Role | None, partner_kind: PartnerKind) -> bool:
    return partner_kind is not PartnerKind.INDIRECT_RESELLER and role in ATTESTING_ROLES


def ensure_may_attest(role: Role | None, partner_kind: PartnerKind) -> None:
    """Only an Admin agent or a Sales agent attests; an indirect reseller never does (R-RES-1)."""
    if partner_kind is PartnerKind.INDIRECT_RESELLER:  # R-RES-1
        raise AccessDenied(
            "Indirect resellers can't attest on behalf of their customers. Work with your indirect provider "
            "to complete the attestation."
        )
    if role not in ATTESTING_ROLES:
        raise RoleNotAllowed(
            "The supplied role does not have the rights to perform the requested operation. "
            "Only an Admin agent or a Sales agent can confirm customer acceptance."
        )


# --- Who may add customers and request reseller relationships (R-RES-1 and roles) ---------------

# Partner Center's "Add a new customer" article: "Appropriate roles: Global admin | User management admin |
# Admin agent | Sales agent" (the sandbox has no User management admin).
CUSTOMER_ADDING_ROLES = frozenset({Role.GLOBAL_ADMIN, Role.ADMIN_AGENT, Role.SALES_AGENT})
# "Request a relationship with a customer": "Appropriate roles: Admin agent | Sales agent".
RELATIONSHIP_REQUESTING_ROLES = frozenset({Role.ADMIN_AGENT, Role.SALES_AGENT})


def may_add_customers(role: Role | None, partner_kind: PartnerKind) -> bool:
    """A Global admin, an Admin agent or a Sales agent adds customers; so does an application alone (``role``
    None, an App-only token: creating a customer supports it). An indirect reseller never does (R-RES-1)."""
    return partner_kind is not PartnerKind.INDIRECT_RESELLER and (role is None or role in CUSTOMER_ADDING_ROLES)


def ensure_may_add_customers(role: Role | None, partner_kind: PartnerKind) -> None:
    """Refuse an indirect reseller (2032: its indirect provider adds its customers), then a user of another
    role (900150)."""
    if partner_kind is PartnerKind.INDIRECT_RESELLER:  # R-RES-1
        raise AccessDenied("Indirect resellers can't create customers here; your indirect provider adds them for you.")
    if role is not None and role not in CUSTOMER_ADDING_ROLES:
        raise RoleNotAllowed(
            "The supplied role does not have the rights to perform the requested operation. "
            "Only a Global admin, an Admin agent or a Sales agent can add customers."
        )


def ensure_may_associate_reseller(partner_kind: PartnerKind) -> None:
    """A new customer's ``associatedPartnerId``: "This value can be set only by indirect CSP partners", an
    indirect provider naming one of its indirect resellers (the partnership is the service's to check)."""
    if partner_kind is not PartnerKind.INDIRECT_PROVIDER:
        raise InvalidProperty(
            "associatedPartnerId can be set only by an indirect provider, for one of its indirect resellers.",
            field="associatedPartnerId",
        )


def may_buy(partner_kind: PartnerKind) -> bool:
    """Whether the partner places orders and changes subscriptions itself: an indirect reseller doesn't, its
    indirect provider does for it (as for attesting, R-RES-1: only direct partners work through the API)."""
    return partner_kind is not PartnerKind.INDIRECT_RESELLER


def ensure_may_buy(partner_kind: PartnerKind) -> None:
    if not may_buy(partner_kind):
        raise AccessDenied(
            "Indirect resellers can't place orders or change subscriptions here; your indirect provider does it for you."
        )


def may_request_relationship(role: Role | None) -> bool:
    """An Admin agent or a Sales agent requests a reseller relationship, for any kind of partner (an indirect
    reseller's link names its indirect provider). It takes a user: ``role`` None (App-only) may not."""
    return role in RELATIONSHIP_REQUESTING_ROLES


def ensure_may_request_relationship(role: Role | None) -> None:
    if not may_request_relationship(role):
        raise RoleNotAllowed(
            "The supplied role does not have the rights to perform the requested operation. "
            "Only an Admin agent or a Sales agent can request a reseller relationship."
        )


# --- Confirming acceptance (R-OPT1-*, R-API-2) ------------------------------------------------


def ensure_valid_confirmation(
    *,
    template_id: str,
    agreement_type: AgreementType,
    date_agreed: datetime,
    now: datetime,
) -> None:
    """The template must be the current one of its type and still accepted; the date not in the future."""
    meta = metadata_for(agreement_type)
    if template_id != meta.template_id:
        raise InvalidProperty(
            f"The templateId '{template_id}' is not the current template of the {agreement_type.value}; "
            f"use {meta.template_id}.",
            field="templateId",
        )
    today = as_utc(now).date()
    if agreement_type is AgreementType.MICROSOFT_CLOUD_AGREEMENT and today > CLOUD_AGREEMENT_LAST_DAY:  # R-TL-5
        raise InvalidProperty(
            "The Microsoft Cloud Agreement is no longer accepted from 2020-02-01. Confirm the Microsoft "
            "Customer Agreement instead.",
            field="type",
        )
    # R-OPT1-NEW-4, R-OPT1-EX-4: the acceptance date can't be in the future (by the tenant's date).
    if as_utc(date_agreed).date() > today:
        raise InvalidProperty(
            "The agreement acceptance date can't be in the future.",
            field="dateAgreed",
        )
    # A date before the MCA existed is taken: the documentation's own request example is 2018-06-14.


def ensure_not_duplicate(existing: Iterable[Attestation], agreement_type: AgreementType, contact: Contact) -> None:
    """A new confirmation needs a changed first name, last name, email or phone number (600061)."""
    key = contact.key()
    for attestation in existing:
        if attestation.type is agreement_type and attestation.contact_key == key:
            raise PartnerConfirmedAgreementAlreadyExists()


# --- Direct acceptance (Option 2, R-OPT2-*, R-TL-6) -------------------------------------------


def relationship_name(delegated_admin: bool, *, indirect: bool = False) -> str:
    """A reseller relationship as the admin center and the customer export name it, from the side of the partner
    that holds it (the indirect reseller's own side on an associated one)."""
    name = "Indirect reseller" if indirect else "Reseller"
    return f"{name} & delegated administrator" if delegated_admin else name


def direct_acceptance_open(today: date) -> bool:
    """R-TL-6: customers accept in the Microsoft 365 admin center from 2020-02-03 (and a reseller link asks
    for the MCA from then on)."""
    return today >= DIRECT_ACCEPTANCE_FROM


def ensure_direct_acceptance_open(today: date) -> None:
    """R-TL-6: customers accept in the Microsoft 365 admin center from 2020-02-03."""
    if not direct_acceptance_open(today):
        raise AccessDenied(
            "Accepting the Microsoft Customer Agreement in the Microsoft 365 admin center is available from "
            f"{DIRECT_ACCEPTANCE_FROM.isoformat()} (R-TL-6)."
        )


def has_blocking_purchases(subscriptions: Iterable[Subscription]) -> bool:
    for subscription in subscriptions:
        offer = find_offer(subscription.offer_id)
        if offer is not None and offer.category in DIRECT_ACCEPTANCE_BLOCKING:
            return True
    return False


def cannot_accept_directly(
    subscriptions: Iterable[Subscription], *, attestations: Iterable[Attestation], direct: DirectAcceptance | None
) -> bool:
    """R-OPT2-CANT: a customer who already bought offers, software, Reserved Instances or an Azure plan
    (scenario 1, on the agreement page; scenario 2, when accepting a new partner) cannot accept the MCA
    directly; its partner must attest. Once the MCA is in place there is nothing left to block."""
    if AgreementType.MICROSOFT_CUSTOMER_AGREEMENT in agreements_in_place(attestations, direct):
        return False
    return has_blocking_purchases(subscriptions)


def ensure_can_accept_directly(
    subscriptions: Iterable[Subscription], *, attestations: Iterable[Attestation], direct: DirectAcceptance | None
) -> None:
    if cannot_accept_directly(subscriptions, attestations=attestations, direct=direct):  # R-OPT2-CANT
        raise DirectAcceptanceNotPossible()


def is_signed_directly(direct: DirectAcceptance | None) -> bool:
    """R-OPT2-STATUS: ``isSigned`` reflects the customer's own acceptance only, not a partner's confirmation."""
    return direct is not None


# --- Purchases --------------------------------------------------------------------------------


def line_item_numbers(given: list[int | None]) -> list[int]:
    """Each order line's lineItemNumber: as the client numbered them ("counting up from 0 to count-1", each
    once, in any order), or by their place when it numbered none. Any other numbering is refused: a client
    that matches the answer's lines to its own by number would attach each subscription to the wrong line."""
    if all(number is None for number in given):
        return list(range(len(given)))
    if sorted(number for number in given if number is not None) != list(range(len(given))):
        raise InvalidProperty(
            f"Number the {len(given)} line items 0 to {len(given) - 1}, each once (lineItemNumber), or none of them.",
            field="lineItems",
        )
    return [int(number) for number in given]


SUBSCRIPTION_STATUS = "active"  # the sandbox's subscriptions are never suspended


def ensure_unchanged(sent: dict, stored: dict) -> None:
    """What a client sends back with a subscription change that the sandbox doesn't make (id, offerId, status):
    each absent (None) or as it is (any case; a GUID in any spelling). A change is refused, not ignored: a
    suspension that answered 200 and suspended nothing would mislead."""
    for name, value in sent.items():
        if value is None or (isinstance(value, str) and _same(value, str(stored[name]))):
            continue
        raise InvalidProperty(
            f"{name} can't change: it is {stored[name]}. The sandbox changes a subscription's quantity and "
            "friendlyName only (it doesn't suspend or convert subscriptions).",
            field=name,
        )


def _same(given: str, stored: str) -> bool:
    given, stored = given.strip(), stored.strip()
    try:
        return uuid.UUID(given) == uuid.UUID(stored)
    except ValueError:
        return given.lower() == stored.lower()


def ensure_quantity(quantity: object, *, field: str = "quantity", offer: Offer | None = None) -> int:
    """A line's or a seat change's quantity; a usage-based offer's (the Azure plan's) is 1: it has no seats."""
    if isinstance(quantity, bool) or not isinstance(quantity, int) or not 1 <= quantity <= 10000:
        raise InvalidProperty("The quantity must be a whole number from 1 to 10000.", field=field)
    if offer is not None and not offer.seat_based and quantity != 1:
        raise InvalidProperty(f"{offer.name} is usage-based: its quantity is 1.", field=field)
    return quantity


NICKNAME_MAX_LENGTH = 200


def nickname(text: str | None, *, field: str = "friendlyName") -> str | None:
    """A subscription's nickname as an order line or a PATCH gives it (``friendlyName``), trimmed; None when
    there is none. Blank text (spaces and format characters only, see ``is_blank``) shows nothing and so names
    nothing: it counts as absent, as ``null`` does (a line without a name gives its subscription the offer's
    name; a PATCH without one leaves the name as it is)."""
    if text is None:
        return None
    text = text.strip()
    if is_blank(text):
        return None
    if len(text) > NICKNAME_MAX_LENGTH:
        raise InvalidProperty(f"The friendly name must be at most {NICKNAME_MAX_LENGTH} characters.", field=field)
    return text


# --- Customer profile (create a customer) -----------------------------------------------------

# Countries where Partner Center asks for a company registration id and a phone number.
REGISTRATION_COUNTRIES = frozenset({"AM", "AZ", "BY", "HU", "KZ", "KG", "MD", "RU", "TJ", "UZ", "UA"})


def ensure_customer_profile(country: str, registration_number: str | None, phone_number: str | None) -> None:
    """600049 and 600051: some countries need a registration id and a phone number; 600002 elsewhere."""
    from .errors import CustomerProfileError

    if country not in MCA_COUNTRIES:
        raise InvalidProperty(f"The country '{country}' is not supported.", field="country")
    if country in REGISTRATION_COUNTRIES:
        if not registration_number:
            raise CustomerProfileError(600049, "OrganizationRegistrationIdMissing",
                                       "Organization registration id information is missing", field="organizationRegistrationNumber")
        if not phone_number:
            raise CustomerProfileError(600051, "CustomerPhoneNumberMissing", "Customer phone number is missing",
                                       field="phoneNumber")
    elif registration_number:
        raise CustomerProfileError(600002, "OrganizationRegistrationIdNotSupported",
                                   "Organization registration id value is not supported", field="organizationRegistrationNumber")
