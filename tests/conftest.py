"""Fixtures for the fast tests: a sandbox on an in-memory database, a client, a fresh tenant.

With ``MCA_SANDBOX_TEST_DATABASE_URL`` set (``make test`` sets it when PostgreSQL is installed), the
``app`` of the store, API and concurrency modules (``tests/pg_slice.py``'s SLICE) runs on PostgreSQL too:
each such test gets a ``[postgresql]`` twin on this worker's own, emptied database.
"""

from __future__ import annotations

import pg_slice as postgres
import pytest

from sandbox.app import create_app

PUBLIC_URL = "http://sandbox.test"


def pytest_generate_tests(metafunc):
    if postgres.ENABLED and "backend" in metafunc.fixturenames and postgres.in_slice(metafunc.definition.path):
        metafunc.parametrize("backend", ["sqlite", "postgresql"], indirect=True)


@pytest.fixture
def backend(request) -> str:
    """The database of this test's ``app``: ``sqlite`` (memory), or ``postgresql`` in the PostgreSQL slice."""
    return getattr(request, "param", "sqlite")


@pytest.fixture(scope="session")
def postgres_database():
    """This worker's PostgreSQL database, migrated once (only when the PostgreSQL slice is on)."""
    if not postgres.ENABLED:
        pytest.skip("MCA_SANDBOX_TEST_DATABASE_URL is not set")
    database = postgres.WorkerDatabase()
    yield database
    database.close()


@pytest.fixture
def store_url(request, backend) -> str:
    """A database URL for this test's sandbox: memory SQLite, or the emptied worker database."""
    if backend == "postgresql":
        return request.getfixturevalue("postgres_database").empty()
    return "sqlite://"


@pytest.fixture
def app(store_url):
    app = create_app({"DATABASE_URL": store_url, "PUBLIC_URL": PUBLIC_URL, "SECRET_KEY": "test-secret"})
    yield app
    app.extensions["engine"].dispose()


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
