"""Given steps: a fresh partner tenant, its date, seeded customers and signed-in partner users.

State is arranged through the control API and, for a partner user's session, by posting the sign-in form
with the browser context's cookies: never by clicking. The sign-in page has its own When steps.
"""

from __future__ import annotations

from datetime import UTC, datetime

from pytest_bdd import given, parsers, when

from ..browser import submit_form_over_http
from ..pages import PartnerCenterSignIn
from .people import PARTNER_KINDS, CustomerAccount, PartnerUser, country_code

# Every tenant starts frozen on the date of the seed document, so no scenario depends on today's date.
DEFAULT_DATE = datetime(2020, 5, 5, 12, 0, tzinfo=UTC)

# The customer situations a scenario can start from, and the control API's state for each.
CUSTOMER_SITUATIONS = {
    "without an agreement": "NoAgreement",
    "who accepted only the Microsoft Cloud Agreement": "CloudAgreementOnly",
    "who accepted only the Microsoft Cloud Agreement and has Office 365 E3 seats": "PurchaseBlocked",
    "whose acceptance the partner has confirmed": "MCAAttested",
    "who accepted the agreement in the Microsoft 365 admin center": "MCAAcceptedDirectly",
    "who was invited to accept the agreement in the Microsoft 365 admin center": "InvitationPending",
    "who bought an Azure plan through the partner": "CannotAcceptDirectly",
    "who bought an Azure plan through the indirect provider": "CannotAcceptDirectly",
    "who has no relationship with the partner yet": "NoRelationship",
}


def scenario_date(text: str) -> datetime:
    """Noon UTC of a YYYY-MM-DD date, so the date reads the same in every time zone."""
    return datetime.fromisoformat(text).replace(hour=12, tzinfo=UTC)


@given(parsers.re(r"^an? (?P<kind>direct-bill partner|indirect provider|indirect reseller)$"), target_fixture="tenant")
def _(request, control, kind):
    """A fresh tenant of that partner kind, on the default date, with no customers yet."""
    tenant = control.create_tenant(kind=PARTNER_KINDS[kind], customers=0, now=DEFAULT_DATE)
    if control.delete_tenants_after_use:
        request.addfinalizer(lambda: control.delete_tenant(tenant))
    return tenant


@given(parsers.parse("the sandbox date is {date}"))
def _(control, tenant, date):
    """Freeze the tenant's clock on that date (R-TL-*)."""
    control.set_clock(tenant, scenario_date(date))


@given(
    parsers.re(r"^a customer(?: located in (?P<country>(?:the )?[A-Z][^,]+?))? (?P<situation>(?:without|who|whose) .+)$"),
    target_fixture="customer",
)
def _(control, tenant, situation, country):
    """A seeded customer in one of the situations above (optionally in a given country)."""
    try:
        state = CUSTOMER_SITUATIONS[situation]
    except KeyError:
        raise KeyError(f"Unknown customer situation {situation!r}; known: {sorted(CUSTOMER_SITUATIONS)}") from None
    partner_id = tenant.provider["id"] if situation.endswith("through the indirect provider") else None
    made = control.add_customer(
        tenant, state=state, country=country_code(country) if country else None, partner_id=partner_id
    )
    return CustomerAccount.seeded(made)


def _partner_user(tenant, whose: str, role: str) -> PartnerUser:
    return PartnerUser.of(tenant, role, provider=whose == "indirect provider")


SIGNED_IN_AS = r"^the (?P<whose>partner|indirect provider)'s (?P<role>[A-Z][a-z]+ [a-z]+)"


@given(parsers.re(SIGNED_IN_AS + r" is signed in to Partner Center$"), target_fixture="partner_user")
def _(partner_context, tenant, whose, role):
    """The user's session, arranged by posting the sign-in form with the browser's cookies (no rendering);
    the sign-in page itself is exercised by the When step below."""
    user = _partner_user(tenant, whose, role)
    answer = submit_form_over_http(
        partner_context, PartnerCenterSignIn.PATH, {"User name": user.user_name, "Password": user.password}
    )
    if not answer.ok or PartnerCenterSignIn.PATH in answer.url:
        raise AssertionError(f"{user.user_name} could not sign in: {answer.status} {answer.url}")
    return user


@when(parsers.re(SIGNED_IN_AS + r" signs in on the Partner Center sign-in page$"), target_fixture="partner_user")
def _(partner_page, tenant, whose, role):
    user = _partner_user(tenant, whose, role)
    PartnerCenterSignIn(partner_page).open().sign_in(user.user_name, user.password)
    return user


@when(parsers.re(SIGNED_IN_AS + r" signs in on the Partner Center sign-in page with a wrong password$"))
def _(partner_page, tenant, whose, role):
    user = _partner_user(tenant, whose, role)
    PartnerCenterSignIn(partner_page).open().sign_in(user.user_name, "not-the-password")


__all__ = [name for name in dir() if name.startswith("pytestbdd_")]
