"""What the page objects of both portals share: description lists, form values, credentials."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields

from playwright.sync_api import Locator, Page

_PAGE_ID = "() => document.body && document.body.dataset.page"
# a new page of the app (a new id), or a page of anything else (a document, no id at all)
_NEXT_PAGE = "before => !!document.body && document.body.dataset.page !== before"


def submit(control: Locator) -> None:
    """Click a button or link that leads to another page; return once that page is shown.

    The pages swap the next page in place (``in_place.js``), or the browser loads it as a new document:
    either way its ``<body data-page>`` is new. Waiting for it keeps a later locator from matching the
    page that was left, and lets Then steps' ``expect`` match at its first try.
    """
    page = control.page
    before = page.evaluate(_PAGE_ID)
    control.click()
    page.wait_for_function(_NEXT_PAGE, arg=before)


def definition(scope: Page | Locator, term: str) -> Locator:
    """The ``<dd>`` that follows the ``<dt>`` named ``term`` in a description list inside ``scope``."""
    name = re.compile(rf"^\s*{re.escape(term)}\s*$")
    return scope.get_by_role("term").filter(has_text=name).locator("xpath=following-sibling::dd[1]")


@dataclass(frozen=True)
class Credentials:
    """A customer admin's sign-in, as the Confirmation page or the control API gives it."""

    user_name: str
    password: str = field(repr=False)  # not in a failing step's traceback, which pytest prints in the CI log
    must_change_password: bool = False


@dataclass
class AccountInfo:
    """The Account info step of the Add customer wizard, field by field (labels of the UI contract)."""

    company_name: str = "Fabrikam Bikes"
    domain_prefix: str = "fabrikambikes"
    country: str = "US"  # ISO code, the option's value
    address_line1: str = "1 Microsoft Way"
    address_line2: str = ""
    city: str = "Redmond"
    state: str = "WA"
    postal_code: str = "98052"
    registration_id: str = ""
    first_name: str = "Anna"
    last_name: str = "de Vries"
    email: str = "anna.devries@fabrikambikes.example"
    phone: str = "+1 425 555 0100"
    language: str = ""  # the page's default when empty

    LABELS = {
        "company_name": "Company name",
        "domain_prefix": "Domain name",
        "country": "Country/region",
        "address_line1": "Address line 1",
        "address_line2": "Address line 2",
        "city": "City",
        "state": "State",
        "postal_code": "ZIP/Postal code",
        "registration_id": "Company registration ID",
        "first_name": "First name",
        "last_name": "Last name",
        "email": "Email address",
        "phone": "Phone number",
        "language": "Language",
    }

    def items(self) -> list[tuple[str, str]]:
        """(label, value) in the form's order; selects come before the fields that depend on them."""
        return [(self.LABELS[f.name], getattr(self, f.name)) for f in fields(self)]

    @classmethod
    def field_for(cls, label: str) -> str:
        """The attribute behind a visible label (``"Company name"`` -> ``company_name``)."""
        for name, shown in cls.LABELS.items():
            if shown == label:
                return name
        raise KeyError(f"No Account info field is labelled {label!r}; known: {', '.join(cls.LABELS.values())}")
