"""The scenario's partner tenant and customer, shared by the browser steps and the REST API's steps: both
libraries import the customer situations from here (``Given a customer without an agreement``), and their
partner Givens make the tenant with :func:`new_tenant`. A step of either library takes the ``tenant`` and
``customer`` fixtures these set, so one scenario may use both.
"""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime

import pytest
from pytest_bdd import given, parsers

from ..control import ControlError
from .people import CustomerAccount, country_code

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
# What each situation's customer holds (as the control API seeds it), for the step listing.
SITUATION_RECORDS = {
    "without an agreement": "no agreement, no subscription",
    "who accepted only the Microsoft Cloud Agreement": "the partner's confirmation of the Microsoft Cloud Agreement, made in 2019 or earlier",
    "who accepted only the Microsoft Cloud Agreement and has Office 365 E3 seats":
        "that confirmation, and 5 to 50 Office 365 E3 seats bought then",
    "whose acceptance the partner has confirmed":
        "the partner's confirmation of the MCA by its Admin agent, and 5 to 50 Microsoft 365 Business Standard seats",
    "who accepted the agreement in the Microsoft 365 admin center": "its own acceptance of the MCA, no subscription",
    "who was invited to accept the agreement in the Microsoft 365 admin center": "the partner's open invitation, no agreement",
    "who bought an Azure plan through the partner": "an Azure plan bought from the partner, no agreement",
    "who bought an Azure plan through the indirect provider": "an Azure plan bought from the indirect provider, no agreement",
    "who has no relationship with the partner yet": "nothing with the partner: no relationship, no agreement",
}


def scenario_date(text: str) -> datetime:
    """Noon UTC of a YYYY-MM-DD date, so the date reads the same in every time zone."""
    try:
        return datetime.strptime(text.strip(), "%Y-%m-%d").replace(hour=12, tzinfo=UTC)
    except ValueError:
        raise AssertionError(f"The steps write a date as YYYY-MM-DD, like 2020-05-05; got {text!r}") from None


# The scenario's partner and customer until a Given makes them (pytest-bdd's target_fixture then replaces
# them): a step that needs one before that says which Given is missing, not "fixture 'tenant' not found".
@pytest.fixture
def tenant():
    pytest.fail("This step needs the scenario's partner, and no step has made one yet: start the scenario with "
                "'Given a direct-bill partner' (or an indirect provider / reseller), or '... whose clock reads "
                "YYYY-MM-DD'.", pytrace=False)


@pytest.fixture
def customer():
    pytest.fail("This step needs the scenario's customer, and no step has made one yet: add one with 'Given a "
                "customer without an agreement' (or another situation of 'mca-sandbox steps'), or make one in the "
                "portal or through the API first.", pytrace=False)


def new_tenant(request, control, kind: str, now: datetime):
    """The scenario's partner tenant, its clock frozen at ``now``, no customers yet; deleted after the
    scenario on a sandbox that outlives the run."""
    tenant = control.create_tenant(kind=kind, customers=0, now=now)
    if control.delete_tenants_after_use:
        request.addfinalizer(lambda: _delete(control, tenant))
    return tenant


def _delete(control, tenant) -> None:
    with contextlib.suppress(ControlError):  # already gone (the scenario, or someone else, deleted it)
        control.delete_tenant(tenant)


@given(
    parsers.re(r"^a customer(?: located in (?P<country>(?:the )?[A-Z][^,]+?))? (?P<situation>(?:without|who|whose) .+)$"),
    target_fixture="customer",
)
def _(control, tenant, situation, country):
    """A seeded customer in one of the customer situations (listed with the steps), optionally in a country named
    as the MCA's list names it (located in the Netherlands)."""
    try:
        state = CUSTOMER_SITUATIONS[situation]
    except KeyError:
        raise KeyError(f"Unknown customer situation {situation!r}; known: {sorted(CUSTOMER_SITUATIONS)}") from None
    partner_id = tenant.provider["id"] if situation.endswith("through the indirect provider") else None
    made = control.add_customer(
        tenant, state=state, country=country_code(country) if country else None, partner_id=partner_id
    )
    return CustomerAccount.seeded(made)


__all__ = ["customer", "tenant", *[name for name in dir() if name.startswith("pytestbdd_")]]
