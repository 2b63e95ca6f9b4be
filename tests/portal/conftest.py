"""Fixtures of the portal's page tests (helpers in ``helpers.py``)."""

from __future__ import annotations

import pytest

from .helpers import Portal, set_clock, user_of


@pytest.fixture
def portal(client):
    return Portal(client)


@pytest.fixture
def frozen_tenant(client, tenant):
    """The tenant fixture with its clock frozen at 2020-03-15 10:00 UTC."""
    set_clock(client, tenant["id"])
    return tenant


@pytest.fixture
def admin(portal, frozen_tenant):
    """Signed in as the Admin agent of a direct-bill partner, on 2020-03-15."""
    portal.sign_in(user_of(frozen_tenant, "AdminAgent"))
    return frozen_tenant
