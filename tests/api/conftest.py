"""Fixtures for the API tests: an Admin agent's App+User token, App-only headers, a customer."""

from __future__ import annotations

import pytest

from .helpers import bearer, request_token


@pytest.fixture
def token(client, tenant) -> str:
    """An Admin agent's App+User token for the tenant."""
    return request_token(client, tenant)


@pytest.fixture
def headers(token) -> dict:
    return bearer(token)


@pytest.fixture
def app_only_headers(client, tenant) -> dict:
    return bearer(request_token(client, tenant, None))


@pytest.fixture
def customer_id(tenant) -> str:
    return tenant["customers"][0]["id"]
