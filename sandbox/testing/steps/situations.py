"""The scenario's partner tenant and customer, shared by the browser steps and the REST API's steps: both
libraries import the customer situations from here (``Given a customer without an agreement``), and their
partner Givens make the tenant with :func:`new_tenant`. A step of either library takes the ``tenant`` and
``customer`` fixtures these set, so one scenario may use both.
"""

from __future__ import annotations

from datetime import UTC, datetime

from pytest_bdd import given, parsers

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


def scenario_date(text: str) -> datetime:
    """Noon UTC of a YYYY-MM-DD date, so the date reads the same in every time zone."""
    return datetime.fromisoformat(text).replace(hour=12, tzinfo=UTC)


def new_tenant(request, control, kind: str, now: datetime):
    """The scenario's partner tenant, its clock frozen at ``now``, no customers yet; deleted after the
    scenario on a sandbox that outlives the run."""
    tenant = control.create_tenant(kind=kind, customers=0, now=now)
    if control.delete_tenants_after_use:
        request.addfinalizer(lambda: control.delete_tenant(tenant))
    return tenant


@given(
    parsers.re(r"^a customer(?: located in (?P<country>(?:the )?[A-Z][^,]+?))? (?P<situation>(?:without|who|whose) .+)$"),
    target_fixture="customer",
)
def _(control, tenant, situation, country):
    """A seeded customer in one of the customer situations (listed with the steps), optionally in a given country."""
    try:
        state = CUSTOMER_SITUATIONS[situation]
    except KeyError:
        raise KeyError(f"Unknown customer situation {situation!r}; known: {sorted(CUSTOMER_SITUATIONS)}") from None
    partner_id = tenant.provider["id"] if situation.endswith("through the indirect provider") else None
    made = control.add_customer(
        tenant, state=state, country=country_code(country) if country else None, partner_id=partner_id
    )
    return CustomerAccount.seeded(made)


__all__ = [name for name in dir() if name.startswith("pytestbdd_")]
