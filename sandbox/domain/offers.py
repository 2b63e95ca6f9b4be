"""A small offer catalogue, enough to show the agreement gate on purchases.

``category`` matters twice: the Azure plan needs the MCA even while the Microsoft Cloud Agreement is
still accepted (R-TL-4), and earlier purchases of the categories in ``DIRECT_ACCEPTANCE_BLOCKING``
keep a customer from accepting the MCA directly (R-OPT2-CANT).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta


@dataclass(frozen=True)
class Offer:
    id: str
    name: str
    category: str  # LicenseBased (legacy seats), NewCommerce, AzurePlan, ReservedInstance, Software
    seat_based: bool = True
    requires_mca: bool = False


OFFERS: dict[str, Offer] = {
    offer.id.upper(): offer
    for offer in (
        Offer("031C9E47-4802-4248-838E-778FB1D2CC05", "Microsoft 365 Business Basic", "LicenseBased"),
        Offer("796B6B5F-613C-4E24-A17C-EBA730D49C02", "Office 365 E3", "LicenseBased"),
        Offer("CFQ7TTC0LH18:0001", "Microsoft 365 Business Standard", "NewCommerce"),
        Offer("CFQ7TTC0LFLZ:0001", "Microsoft 365 E3", "NewCommerce"),
        # R-TL-4: some new offers, like the Azure plan, need the MCA even before 2020-02-01.
        Offer("DZH318Z0BPS6:0001", "Azure plan", "AzurePlan", seat_based=False, requires_mca=True),
        Offer("DZH318Z0BQ35:0001", "Reserved VM Instance, Standard_D2s_v3", "ReservedInstance"),
        Offer("DG7GMGF0FKZV:0001", "Windows Server 2022 Standard - 2 Core License Pack", "Software"),
    )
}

# R-OPT2-CANT: "offers, software or software subscriptions, Reserved Instances, and Azure Plan".
# Seats of the legacy license-based catalogue bought under the Microsoft Cloud Agreement do not count,
# so an existing customer of that era can still accept directly (Option 2c).
DIRECT_ACCEPTANCE_BLOCKING = frozenset({"NewCommerce", "AzurePlan", "ReservedInstance", "Software"})


def find_offer(offer_id: str) -> Offer | None:
    return OFFERS.get((offer_id or "").strip().upper())


@dataclass(frozen=True)
class Terms:
    """A subscription's term as Partner Center's Subscription resource gives it (subscription-resources: its
    examples for license-based and Azure subscriptions): derived from the offer's category, the day it started
    and the tenant's clock, since the sandbox's subscriptions never lapse or get suspended (a renewing one
    renews on each anniversary)."""

    unit_type: str  # "Licenses", or "Usage-based" (the Azure plan)
    effective_start: datetime  # the creation day, at midnight UTC
    commitment_end: datetime
    auto_renew: bool
    billing_type: str  # "license" or "usage"
    billing_cycle: str | None  # "monthly", "oneTime"; None for usage (the docs' Azure example has none)
    term_duration: str | None  # ISO 8601, new commerce's "P1Y"; None for legacy and usage


OPEN_ENDED_YEAR = 9999  # the docs' Azure example: "commitmentEndDate": "9999-12-10T00:00:00Z" (created on the 10th)


def _years_on(start: datetime, years: int) -> datetime:
    try:
        return start.replace(year=start.year + years)
    except ValueError:  # 29 February
        return start.replace(year=start.year + years, day=28)


def _midnight_utc(moment: datetime) -> datetime:
    return (moment.astimezone(UTC) if moment.tzinfo else moment).replace(hour=0, minute=0, second=0, microsecond=0)


def terms(offer: Offer | None, created_at: datetime, now: datetime | None = None) -> Terms:
    """Legacy license-based seats: a year's commitment billed monthly, renewing (its end not inclusive);
    new commerce and Reserved Instances: P1Y, the end inclusive (the day before a year on); the Azure plan:
    usage, open-ended, not renewing; software: bought once, open-ended.

    A renewing subscription has renewed on every anniversary up to ``now`` (the tenant's clock): its
    ``commitment_end`` is the end of the term running on that day, never one already past."""
    start = _midnight_utc(created_at)
    open_ended = start.replace(year=OPEN_ENDED_YEAR, month=12)
    category = offer.category if offer else "LicenseBased"
    if not (offer.seat_based if offer else True):  # the Azure plan
        return Terms("Usage-based", start, open_ended, False, "usage", None, None)
    if category == "Software":
        return Terms("Licenses", start, open_ended, False, "license", "oneTime", None)
    inclusive = category in ("NewCommerce", "ReservedInstance")
    today = _midnight_utc(now) if now is not None else start
    years = 1
    while _years_on(start, years) <= today:  # an anniversary reached: the next term runs
        years += 1
    end = _years_on(start, years)
    if inclusive:
        return Terms("Licenses", start, end - timedelta(days=1), True, "license", "monthly", "P1Y")
    return Terms("Licenses", start, end, True, "license", "monthly", None)
