"""Each partner tenant's own clock, like a test clock.

A clock follows real time shifted by an offset, or stands still at a frozen instant. It never reads
the system time itself: the caller passes the real "now" in, so the domain stays pure and tests
can pin every instant.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta


def as_utc(moment: datetime) -> datetime:
    """Return ``moment`` as an aware UTC datetime (naive values are taken to be UTC)."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


@dataclass(frozen=True)
class TenantClock:
    """A tenant's time: real time plus ``offset``, or ``frozen_at`` when frozen."""

    offset: timedelta = timedelta(0)
    frozen_at: datetime | None = None

    @property
    def frozen(self) -> bool:
        return self.frozen_at is not None

    def now(self, real_now: datetime) -> datetime:
        """The tenant's current instant, given the real current instant."""
        if self.frozen_at is not None:
            return as_utc(self.frozen_at)
        return as_utc(real_now) + self.offset

    @classmethod
    def set_to(cls, instant: datetime | None, *, frozen: bool, real_now: datetime) -> TenantClock:
        """A clock that reads ``instant`` now (real time when None), then stands still or runs on."""
        target = as_utc(instant) if instant is not None else as_utc(real_now)
        if frozen:
            return cls(offset=timedelta(0), frozen_at=target)
        return cls(offset=target - as_utc(real_now), frozen_at=None)
