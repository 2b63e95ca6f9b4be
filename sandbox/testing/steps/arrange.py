"""Given steps: a fresh partner tenant, its date and signed-in partner users (the seeded customers are in
:mod:`.situations`, shared with the REST API's steps).

State is arranged through the control API and, for a partner user's session, by posting the sign-in form
with the browser context's cookies: never by clicking. The sign-in page has its own When steps.
"""

from __future__ import annotations

from datetime import UTC, datetime

from pytest_bdd import given, parsers, when

from ..browser import submit_form_over_http
from ..pages import PartnerCenterSignIn
from .people import PARTNER_KINDS, PartnerUser
from .situations import new_tenant, scenario_date

# Every tenant starts frozen on the date of the seed document, so no scenario depends on today's date.
DEFAULT_DATE = datetime(2020, 5, 5, 12, 0, tzinfo=UTC)

@given(parsers.re(r"^an? (?P<kind>direct-bill partner|indirect provider|indirect reseller)$"), target_fixture="tenant")
def _(request, control, kind):
    """A fresh tenant of that partner kind, its clock frozen at noon UTC of 2020-05-05 (the default date), with no
    customers yet."""
    return new_tenant(request, control, PARTNER_KINDS[kind], DEFAULT_DATE)


@given(parsers.parse("the sandbox date is {date}"))
def _(control, tenant, date):
    """Freeze the tenant's clock at noon UTC of that date, YYYY-MM-DD (R-TL-*). Tokens live on the tenant's clock:
    a date more than an hour later expires the integration's token, so set the date before it signs in."""
    control.set_clock(tenant, scenario_date(date))


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
