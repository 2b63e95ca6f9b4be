"""Who takes part in a scenario, in the words the features use: partner users, customers, emails."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from sandbox.domain.model import PartnerKind, Role
from sandbox.domain.template_countries import MCA_COUNTRIES

from ..control import Tenant
from ..pages import Credentials

PARTNER_KINDS = {
    "direct-bill partner": PartnerKind.DIRECT_BILL.value,
    "indirect provider": PartnerKind.INDIRECT_PROVIDER.value,
    "indirect reseller": PartnerKind.INDIRECT_RESELLER.value,
}
ROLES = {role.label: role.value for role in Role}  # "Admin agent" -> "AdminAgent"
URL = re.compile(r"https?://\S+")
# What a customer's first sign-in sets as its new password, in the browser and over HTTP alike.
NEW_PASSWORD = "Contoso-Rehearsal-2020!"

# The person who accepted, as a table of either library gives it: the REST API's names, or the labels of
# the portal's agreement form (which the browser steps fill).
PERSON_NAMES = {
    "First name": "First name",
    "Last name": "Last name",
    "Email": "Email",
    "Email address": "Email",
    "Phone number": "Phone number",
    "Phone number (optional)": "Phone number",
    "Date agreed": "Date agreed",
    "Agreement acceptance date": "Date agreed",
    "Agreement": "Agreement",
    "Template id": "Template id",
}
PORTAL_LABELS = {"Email": "Email address", "Phone number": "Phone number (optional)", "Date agreed": "Agreement acceptance date"}


def role_of(label: str) -> str:
    """The role's value by its label (``Admin agent`` -> ``AdminAgent``)."""
    try:
        return ROLES[label]
    except KeyError:
        raise AssertionError(f"No partner role is called {label!r}; the roles: {', '.join(ROLES)}") from None


def person_table(rows: dict[str, str]) -> dict[str, str]:
    """A person table's rows under the REST API's names, whichever library's words the table uses."""
    unknown = [name for name in rows if name not in PERSON_NAMES]
    if unknown:
        raise AssertionError(f"Unknown row(s) {unknown} in the person's table; the rows: {', '.join(PERSON_NAMES)}")
    return {PERSON_NAMES[name]: value for name, value in rows.items()}


def portal_label(name: str) -> str:
    """The portal form's label of a person table's row (given under the REST API's name)."""
    if name in ("Agreement", "Template id"):
        raise AssertionError(f"The portal's agreement form has no {name} field: it confirms the Microsoft Customer "
                             "Agreement's current template.")
    return PORTAL_LABELS.get(name, name)


@dataclass(frozen=True)
class PartnerUser:
    user_name: str
    password: str = field(repr=False)  # not in a failing step's traceback (the CI log)
    role: str

    @classmethod
    def of(cls, tenant: Tenant, role_label: str, *, provider: bool = False) -> PartnerUser:
        """The tenant's user with a role by its label; ``provider`` picks the indirect provider's user."""
        users = tenant.provider["users"] if provider else tenant.raw["users"]
        role = role_of(role_label)
        user = next(u for u in users if u["role"] == role)
        return cls(user["userName"], user["password"], role)


@dataclass(frozen=True)
class CustomerAccount:
    """A customer tenant the scenario is about, with its admin's sign-in."""

    id: str
    company_name: str
    credentials: Credentials
    country: str | None = None

    @classmethod
    def seeded(cls, made: dict) -> CustomerAccount:
        return cls(made["id"], made["companyName"], Credentials(made["userName"], made["password"]), made.get("country"))

    def with_new_password(self, password: str = NEW_PASSWORD) -> CustomerAccount:
        """The same customer once its admin has replaced the temporary password (the next sign-in uses it)."""
        return replace(self, credentials=Credentials(self.credentials.user_name, password))


@dataclass(frozen=True)
class Email:
    """What the partner sends the customer outside Partner Center (R-OPT2-NEW-6, R-OPT2-REL-4, R-OPT2-EX-1)."""

    text: str

    def link(self) -> str:
        found = URL.search(self.text)
        if found is None:
            raise AssertionError(f"The email has no link:\n{self.text}")
        return found.group(0)


def country_code(name: str) -> str:
    """The ISO code of a country by its name in the MCA's country list (``the Netherlands`` -> ``NL``)."""
    wanted = name.removeprefix("the ").strip().lower()
    for code, (country, _languages) in MCA_COUNTRIES.items():
        if country.lower() == wanted:
            return code
    raise KeyError(f"No MCA country is called {name!r}.")


def country_name(code: str) -> str:
    return MCA_COUNTRIES[code][0]


def table_rows(datatable) -> dict[str, str]:
    """A two-column data table as {label: value} (cells stripped; an empty cell is an empty string)."""
    return {row[0].strip(): row[1].strip() for row in datatable}
