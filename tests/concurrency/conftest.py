"""A real loopback server for the concurrency tests: werkzeug's threaded server over a SQLite FILE
database (``backend`` sqlite) or this worker's PostgreSQL database (``backend`` postgresql)."""

from __future__ import annotations

import pytest
import requests
from api.helpers import token_form

from sandbox.testing.server import LiveServer


@pytest.fixture
def server_db(request, backend, tmp_path) -> str:
    if backend == "postgresql":
        return request.getfixturevalue("postgres_database").empty()
    return f"sqlite:///{tmp_path / 'sandbox.db'}"


@pytest.fixture
def live(server_db):
    with LiveServer({"SECRET_KEY": "test-secret"}, database_url=server_db) as server:
        yield server


def new_tenant(url: str, **body) -> dict:
    response = requests.post(f"{url}/_sandbox/tenants", json={"customers": 1, **body}, timeout=30)
    assert response.status_code == 201, response.text
    return response.json()


def token_for(url: str, tenant: dict, role: str | None = "AdminAgent") -> str:
    response = requests.post(f"{url}/{tenant['id']}/oauth2/token", data=token_form(tenant, role), timeout=30)
    assert response.status_code == 200, response.text
    return response.json()["access_token"]
