"""Reading the portal's forms: small, explicit checks on ``request.form`` values.

Each parser answers ``(values, errors)``: ``values`` keeps what the user typed (to show it again),
``errors`` maps an input's name to the message shown next to it (``""`` is the form-level alert).
Business rules are not checked here; they stay in ``sandbox.domain.rules`` and the services, whose
errors ``field_error`` maps back to the inputs.

The messages marked "plausible" in ui-wording.md are the sandbox's own words: change them here.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from sandbox.domain import rules
from sandbox.domain.model import Contact
from sandbox.domain.template_countries import MCA_COUNTRIES
from sandbox.services.customers import AgreementChoice, NewCustomer

DOMAIN_SUFFIX = ".onmicrosoft.com"
DOMAIN_PREFIX = re.compile(r"[a-z0-9]{1,27}")
PHONE = re.compile(r"[0-9+()\-. ]*[0-9][0-9+()\-. ]*")
STATE_US = re.compile(r"[A-Za-z]{2}")
DEFAULT_COUNTRY = "US"
DEFAULT_CULTURE = "en-US"
MAX_SEARCH = 200
MAX_QUANTITY = 10000

# Language (culture) choices of the Add customer form: value -> label. Sandbox list, easy to extend.
LANGUAGES: dict[str, str] = {
    "en-US": "English (United States)",
    "en-GB": "English (United Kingdom)",
    "nl-NL": "Nederlands (Nederland)",
    "de-DE": "Deutsch (Deutschland)",
    "fr-FR": "Français (France)",
    "es-ES": "Español (España)",
    "it-IT": "Italiano (Italia)",
    "pt-BR": "Português (Brasil)",
    "ja-JP": "日本語 (日本)",
}

INVITE = "invite"  # R-OPT2-NEW-3: the customer will be asked to accept in the Microsoft 365 admin center
ATTEST = "attest"  # R-OPT1-NEW-3: the partner confirms the customer's acceptance

MSG_REQUIRED = "Enter the {label}."
MSG_TOO_LONG = "Enter at most {max} characters."
MSG_CONTROL = "Remove the control characters (such as tabs or line breaks)."
MSG_EMAIL = "Enter an email address like someone@example.com."
MSG_PHONE = "Enter a phone number with digits, spaces and + ( ) - . only."
MSG_CONTACT_PHONE = "Enter a phone number with at least one digit."
MSG_DOMAIN = "Use 1 to 27 lowercase letters (a-z) and digits (0-9), with no spaces or dots."
MSG_DOMAIN_TAKEN = "This domain name isn't available. Try another one."
MSG_COUNTRY = "Select a country/region from the list."
MSG_LANGUAGE = "Select a language from the list."
MSG_STATE_US = "Enter the two-letter state code, such as WA."
MSG_RESELLER = "Select an indirect reseller from the list."
MSG_CHOICE = "Select how the customer accepts the Microsoft Customer Agreement."
MSG_CHECKBOX = "Select the checkbox to confirm that the customer accepted the Microsoft Customer Agreement."
MSG_DATE_REQUIRED = "Enter the agreement acceptance date."
MSG_DATE_INVALID = "Enter a valid date as YYYY-MM-DD, such as 2020-03-15."
MSG_CONTACT_PARTIAL = (
    "Enter the first name, last name and email address of the person who accepted, "
    "or leave all of them blank to use the primary contact."
)
MSG_QUANTITY = f"Enter a whole number from 1 to {MAX_QUANTITY}."
MSG_OFFER = "Select an offer from the list."
MSG_SEARCH = f"Enter at most {MAX_SEARCH} characters."
MSG_SESSION_FULL = "Your entries are too long for the sandbox to keep between steps. Shorten the longest ones."


@dataclass
class Parsed:
    values: dict = field(default_factory=dict)
    errors: dict = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors


def has_control(text: str) -> bool:
    return any(unicodedata.category(ch) == "Cc" for ch in text)


def read_text(form, name: str, parsed: Parsed, *, label: str, max_len: int, required: bool = True) -> str:
    """One single-line text input: trimmed, kept as typed, checked for presence, length and control chars."""
    raw = form.get(name, "")
    raw = raw if isinstance(raw, str) else ""
    value = raw.strip()
    parsed.values[name] = raw  # what the user typed is shown again
    if not value or rules.is_blank(value):
        value = ""
        if required:
            parsed.errors[name] = MSG_REQUIRED.format(label=label)
    elif len(value) > max_len:
        parsed.errors[name] = MSG_TOO_LONG.format(max=max_len)
    elif has_control(value):
        parsed.errors[name] = MSG_CONTROL
    return value


def read_email(form, name: str, parsed: Parsed, *, label: str = "email address", required: bool = True) -> str:
    value = read_text(form, name, parsed, label=label, max_len=rules.EMAIL_MAX, required=required)
    if value and name not in parsed.errors and not rules.is_email(value.strip()):  # the API's rule too
        parsed.errors[name] = MSG_EMAIL
    return value


def read_phone(form, name: str, parsed: Parsed, *, required: bool = False, contact: bool = False) -> str:
    """A phone number: an address's (digits, spaces and + ( ) - . only), or the person who accepted's
    (``contact``: the API's rule, ``rules.is_phone``, so that a form and the API take the same numbers)."""
    value = read_text(form, name, parsed, label="phone number", max_len=rules.PHONE_MAX, required=required)
    valid = rules.is_phone(value.strip()) if contact else PHONE.fullmatch(value)
    if value and name not in parsed.errors and not valid:
        parsed.errors[name] = MSG_CONTACT_PHONE if contact else MSG_PHONE
    return value


def parse_date(raw: str) -> date | None:
    """``YYYY-MM-DD`` from ``<input type=date>``; None when it is not a real calendar date (2020-02-31)."""
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", raw or ""):
        return None
    try:
        value = date.fromisoformat(raw)
    except ValueError:
        return None
    return value if value.year >= 1900 else None


def read_date(form, name: str, parsed: Parsed) -> date | None:
    raw = form.get(name, "")
    raw = raw.strip() if isinstance(raw, str) else ""
    parsed.values[name] = raw
    if not raw:
        parsed.errors[name] = MSG_DATE_REQUIRED
        return None
    value = parse_date(raw)
    if value is None:
        parsed.errors[name] = MSG_DATE_INVALID
    return value


def utc_midnight(value: date) -> datetime:
    """The acceptance date as the service takes it: midnight UTC of that day."""
    return datetime(value.year, value.month, value.day, tzinfo=UTC)


def normalise_domain_prefix(raw: str) -> str:
    """What the user typed in Domain name, lower-cased, without a pasted ``.onmicrosoft.com``."""
    value = (raw or "").strip().lower()
    if value.endswith(DOMAIN_SUFFIX):
        value = value[: -len(DOMAIN_SUFFIX)]
    return value


# --- Add customer: Account info + Customer agreement -------------------------------------------

ACCOUNT_FIELDS = (
    "company_name", "domain", "country", "address_line1", "address_line2", "city", "state", "postal_code",
    "registration_id", "first_name", "last_name", "email", "phone", "language", "indirect_reseller",
    "agreement", "accepted", "date_agreed", "accepted_first_name", "accepted_last_name", "accepted_email",
    "accepted_phone",
)


def parse_account_info(form, *, resellers: dict[str, str] | None = None, choice_required: bool = True) -> Parsed:
    """The Add customer wizard's first step (R-OPT1-NEW-2..5, R-OPT2-NEW-2..3), checked for form only; an
    agreement choice is required unless none is open (``choice_required``: before 2019-08-01)."""
    p = Parsed()
    read_text(form, "company_name", p, label="company name", max_len=255)
    raw_domain = form.get("domain", "")
    raw_domain = raw_domain if isinstance(raw_domain, str) else ""
    p.values["domain"] = raw_domain
    prefix = normalise_domain_prefix(raw_domain)
    if not prefix:
        p.errors["domain"] = MSG_REQUIRED.format(label="domain name")
    elif not DOMAIN_PREFIX.fullmatch(prefix):
        p.errors["domain"] = MSG_DOMAIN
    else:
        p.values["domain"] = prefix
    country = form.get("country", "") or ""
    p.values["country"] = country[:10]
    if country not in MCA_COUNTRIES:
        p.errors["country"] = MSG_COUNTRY
    read_text(form, "address_line1", p, label="address line 1", max_len=200)
    read_text(form, "address_line2", p, label="address line 2", max_len=200, required=False)
    read_text(form, "city", p, label="city", max_len=100)
    state = read_text(form, "state", p, label="state", max_len=100, required=country == "US")
    if country == "US" and state and "state" not in p.errors and not STATE_US.fullmatch(state):
        p.errors["state"] = MSG_STATE_US
    read_text(form, "postal_code", p, label="ZIP/postal code", max_len=20)
    read_text(form, "registration_id", p, label="company registration ID", max_len=40, required=False)
    read_text(form, "first_name", p, label="first name", max_len=50)
    read_text(form, "last_name", p, label="last name", max_len=50)
    read_email(form, "email", p)
    read_phone(form, "phone", p)
    language = form.get("language", "") or ""
    p.values["language"] = language[:20]
    if language not in LANGUAGES:
        p.errors["language"] = MSG_LANGUAGE
    if resellers is not None:
        reseller = form.get("indirect_reseller", "") or ""
        p.values["indirect_reseller"] = reseller[:64]
        if reseller and reseller not in resellers:
            p.errors["indirect_reseller"] = MSG_RESELLER
    _parse_agreement_choice(form, p, choice_required)
    return p


def _parse_agreement_choice(form, p: Parsed, choice_required: bool) -> None:
    choice = form.get("agreement", "") or ""
    p.values["agreement"] = choice if choice in (INVITE, ATTEST) else ""
    for name in ("accepted_first_name", "accepted_last_name", "accepted_email", "accepted_phone"):
        value = form.get(name, "")
        p.values[name] = value if isinstance(value, str) else ""
    p.values["accepted"] = "yes" if form.get("accepted") else ""
    p.values["date_agreed"] = form.get("date_agreed", "") or ""
    if choice not in (INVITE, ATTEST):
        if choice_required:
            p.errors["agreement"] = MSG_CHOICE
        return
    if choice == INVITE:
        return
    if not p.values["accepted"]:  # R-OPT1-NEW-3
        p.errors["accepted"] = MSG_CHECKBOX
    read_date(form, "date_agreed", p)  # R-OPT1-NEW-4 (the future is checked by the rule)
    _parse_optional_contact(form, p)  # R-OPT1-NEW-5


def _parse_optional_contact(form, p: Parsed) -> None:
    names = ("accepted_first_name", "accepted_last_name", "accepted_email", "accepted_phone")
    if not any((form.get(n, "") or "").strip() for n in names):
        return  # blank: the primary contact accepted
    first = read_text(form, "accepted_first_name", p, label="first name", max_len=rules.CONTACT_NAME_MAX, required=False)
    last = read_text(form, "accepted_last_name", p, label="last name", max_len=rules.CONTACT_NAME_MAX, required=False)
    email = read_email(form, "accepted_email", p, required=False)
    read_phone(form, "accepted_phone", p, contact=True)
    if not (first and last and email):
        for name, value in (("accepted_first_name", first), ("accepted_last_name", last), ("accepted_email", email)):
            if not value and name not in p.errors:
                p.errors[name] = MSG_CONTACT_PARTIAL


def new_customer(values: dict) -> NewCustomer:
    """The service's input from a checked draft."""
    culture = values.get("language") or DEFAULT_CULTURE
    return NewCustomer(
        domain=values["domain"] + DOMAIN_SUFFIX,
        company_name=values["company_name"].strip(),
        email=values["email"].strip(),
        country=values["country"],
        address_line1=values["address_line1"].strip(),
        address_line2=values.get("address_line2", "").strip() or None,
        city=values["city"].strip(),
        state=(values.get("state", "").strip().upper() if values["country"] == "US" else values.get("state", "").strip())
        or None,
        postal_code=values["postal_code"].strip(),
        first_name=values["first_name"].strip(),
        last_name=values["last_name"].strip(),
        phone_number=values.get("phone", "").strip() or None,
        organization_registration_number=values.get("registration_id", "").strip() or None,
        culture=culture,
        language=culture.split("-")[0],
        associated_partner_id=values.get("indirect_reseller") or None,
    )


def accepted_by(values: dict) -> Contact | None:
    """The person who accepted, when the partner entered one under Update; None means the primary contact."""
    first = values.get("accepted_first_name", "").strip()
    if not first:
        return None
    return Contact(first, values["accepted_last_name"].strip(), values["accepted_email"].strip(),
                   values.get("accepted_phone", "").strip() or None)


def primary_contact(values: dict) -> Contact:
    return Contact(values["first_name"].strip(), values["last_name"].strip(), values["email"].strip(),
                   values.get("phone", "").strip() or None)


def agreement_choice(values: dict) -> AgreementChoice | None:
    """The wizard's choice; None when there was none to make (before 2019-08-01 neither option is open)."""
    if values.get("agreement") == ATTEST:
        agreed = parse_date(values["date_agreed"])
        return AgreementChoice(partner_attests=True, date_agreed=utc_midnight(agreed), contact=accepted_by(values))
    if values.get("agreement") == INVITE:
        return AgreementChoice(partner_attests=False)
    return None


# --- Update Microsoft Customer Agreement (existing customer) -------------------------------------


def parse_agreement_update(form) -> Parsed:
    """R-OPT1-EX-4: first name, last name, email, phone (optional) and the acceptance date."""
    p = Parsed()
    read_text(form, "first_name", p, label="first name", max_len=rules.CONTACT_NAME_MAX)
    read_text(form, "last_name", p, label="last name", max_len=rules.CONTACT_NAME_MAX)
    read_email(form, "email", p)
    read_phone(form, "phone", p, contact=True)
    read_date(form, "date_agreed", p)
    return p


def update_contact(values: dict) -> Contact:
    return Contact(values["first_name"].strip(), values["last_name"].strip(), values["email"].strip(),
                   values.get("phone", "").strip() or None)


# --- Purchases ---------------------------------------------------------------------------------


def read_quantity(form, name: str, parsed: Parsed) -> int | None:
    raw = form.get(name, "")
    raw = raw.strip() if isinstance(raw, str) else ""
    parsed.values[name] = raw
    if not re.fullmatch(r"\d{1,6}", raw) or not 1 <= int(raw) <= MAX_QUANTITY:
        parsed.errors[name] = MSG_QUANTITY
        return None
    return int(raw)


def parse_new_subscription(form, offers) -> Parsed:
    p = Parsed()
    offer = form.get("offer", "") or ""
    p.values["offer"] = offer[:64]
    if offer not in offers:
        p.errors["offer"] = MSG_OFFER
    read_quantity(form, "quantity", p)
    return p


# --- Small query-string readers ----------------------------------------------------------------


def parse_flag(values: list[str], *, default: bool) -> bool:
    """``?dap=true|false``; the last value wins (a checkbox after its hidden ``false``); else the default."""
    for value in reversed(values):
        if value.lower() in ("true", "1", "on", "yes"):
            return True
        if value.lower() in ("false", "0", "off", "no"):
            return False
    return default


def field_error(error, mapping: dict[str, str]) -> tuple[str, str]:
    """A domain error's ``field`` (``dateAgreed``, ``domain``, ...) as (input name, message); "" = form level."""
    name = mapping.get(error.field or "", "")
    return name, error.description
