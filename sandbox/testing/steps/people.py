"""Who takes part in a scenario, in the words the features use: partner users, customers, emails."""

from __future__ import annotations

import re
from dataclasses import dataclass

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


@dataclass(frozen=True)
class PartnerUser:
    user_name: str
    password: str
    role: str

    @classmethod
    def of(cls, tenant: Tenant, role_label: str, *, provider: bool = False) -> PartnerUser:
        """The tenant's user with a role by its label; ``provider`` picks the indirect provider's user."""
        users = tenant.provider["users"] if provider else tenant.raw["users"]
        role = ROLES[role_label]
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
