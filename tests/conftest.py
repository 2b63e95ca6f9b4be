"""Fixtures for the fast tests: a sandbox on an in-memory database, a client, a fresh tenant."""

from __future__ import annotations

import pytest

from sandbox.app import create_app

PUBLIC_URL = "http://sandbox.test"


@pytest.fixture
def app():
    return create_app({"DATABASE_URL": "sqlite://", "PUBLIC_URL": PUBLIC_URL, "SECRET_KEY": "test-secret"})


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def services(app):
    """The service layer's context, for arranging state without HTTP."""
    return app.extensions["services"]


@pytest.fixture
def tenant(client):
    """A fresh direct-bill partner tenant with three customers and one user per role."""
    response = client.post("/_sandbox/tenants", json={"customers": 3})
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.get_json()


def user_of(tenant: dict, role: str) -> dict:
    return next(u for u in tenant["users"] if u["role"] == role)
