"""Two sandboxes on one database, as two server processes on one SQLite file or one PostgreSQL database are:
the fixtures of the tests of what they share (fault rules, the journal). A test module may override
``shared_config`` with the settings both sandboxes get."""

from __future__ import annotations

import pg_slice
import pytest

from sandbox.app import create_app

from ..helpers import bearer, request_token

CONFIG = {"PUBLIC_URL": "http://sandbox.test", "SECRET_KEY": "test-secret"}


def make_apps(url: str, **config) -> list:
    return [create_app({"DATABASE_URL": url, **CONFIG, **config}) for _ in range(2)]


@pytest.fixture(params=["file"] + (["postgresql"] if pg_slice.ENABLED else []))
def shared_url(request, tmp_path):
    if request.param == "postgresql":  # this worker's database, emptied (tests/pg_slice.py)
        return request.getfixturevalue("postgres_database").empty()
    return f"sqlite:///{tmp_path / 'shared.db'}"


@pytest.fixture
def shared_config() -> dict:
    return {}


@pytest.fixture
def apps(shared_url, shared_config):
    made = make_apps(shared_url, **shared_config)
    yield made
    for app in made:
        app.extensions["engine"].dispose()


@pytest.fixture
def clients(apps):
    return [app.test_client() for app in apps]


@pytest.fixture
def tenant(clients):
    response = clients[0].post("/_sandbox/tenants", json={"customers": 1})
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.get_json()


@pytest.fixture
def headers(clients, tenant):
    return bearer(request_token(clients[0], tenant))
