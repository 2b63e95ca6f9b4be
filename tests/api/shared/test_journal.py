"""The journal kept in the database (JOURNAL_STORE=database): two sandboxes on one database (as two server
processes on one SQLite file or one PostgreSQL database are) show one journal per tenant, bounded, ordered and
without secrets, and a clear, reset or delete through one holds for both."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import select

from sandbox.app import create_app
from sandbox.store import orm
from sandbox.web.control import traffic

from ..helpers import bearer, customer_body, request_token
from .conftest import make_apps

METADATA = "/v1/agreements?agreementType=MicrosoftCustomerAgreement"
@pytest.fixture
def shared_config() -> dict:
    return {"JOURNAL_STORE": "database"}


def journal(client, tenant_id) -> list[dict]:
    response = client.get(f"/_sandbox/tenants/{tenant_id}/journal")
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()["items"]


def test_what_one_process_served_is_in_the_others_journal_once_written(apps, clients, tenant, headers):
    first, second = clients
    assert first.get(METADATA, headers={**headers, "MS-CorrelationId": "from-the-first"}).status_code == 200
    deadline = time.monotonic() + 10  # the first writes its entries within FLUSH_AFTER_S, from a thread of its own
    while not any(e["correlationId"] == "from-the-first" for e in journal(second, tenant["id"])):
        assert time.monotonic() < deadline, "the first process's entry never reached the database"
        time.sleep(0.02)
    assert second.get(METADATA, headers={**headers, "MS-CorrelationId": "from-the-second"}).status_code == 200
    traffic.traffic(apps[0]).journal(tenant["id"])  # a read writes the reader's own entries first
    entries = [e for e in journal(second, tenant["id"]) if e["operation"] == "getAgreementMetadata"]
    assert [e["correlationId"] for e in entries] == ["from-the-first", "from-the-second"]
    sequences = [e["sequence"] for e in journal(first, tenant["id"])]
    assert sequences == sorted(set(sequences))


def test_the_journal_is_bounded_per_tenant_across_processes(shared_url):
    apps = make_apps(shared_url, JOURNAL_STORE="database", JOURNAL_SIZE=5)
    try:
        clients = [app.test_client() for app in apps]
        tenant = clients[0].post("/_sandbox/tenants", json={"customers": 1}).get_json()
        other = clients[0].post("/_sandbox/tenants", json={"customers": 1}).get_json()
        headers = bearer(request_token(clients[0], tenant))
        bearer(request_token(clients[1], other))  # one entry of the other tenant's
        for n in range(8):
            clients[n % 2].get(METADATA, headers={**headers, "MS-CorrelationId": f"call-{n}"})
            traffic.traffic(apps[n % 2]).journal(tenant["id"])  # written in the order they were served
        shown = journal(clients[1], tenant["id"])
        assert [e["correlationId"] for e in shown] == [f"call-{n}" for n in range(3, 8)]
        assert len(journal(clients[0], other["id"])) == 1
        assert [e["correlationId"] for e in clients[0].get(f"/_sandbox/tenants/{tenant['id']}/journal?limit=2")
                .get_json()["items"]] == ["call-6", "call-7"]
    finally:
        for app in apps:
            app.extensions["engine"].dispose()


@pytest.mark.parametrize("emptied", ["clear", "reset", "delete"])
def test_what_another_process_still_had_waiting_is_not_written_past_a_clear_reset_or_delete(apps, clients, tenant, headers,
                                                                                        emptied):
    """The first process writes its entries a moment later (FLUSH_AFTER_S); a clear, reset or delete through
    the second in that moment used to be undone by the late write (shared-deployment audit: 10 of 10)."""
    first, second = clients
    assert first.get(METADATA, headers={**headers, "MS-CorrelationId": "before"}).status_code == 200  # waiting in the first
    url = f"/_sandbox/tenants/{tenant['id']}"
    answer = {"clear": lambda: second.delete(f"{url}/journal"), "reset": lambda: second.post(f"{url}/reset"),
              "delete": lambda: second.delete(url)}[emptied]()
    assert answer.status_code in (200, 204), answer.get_data(as_text=True)
    traffic.traffic(apps[0]).journal(tenant["id"])  # the first writes what it had waiting
    with apps[0].extensions["engine"].connect() as connection:
        kept = [row.entry for row in connection.execute(select(orm.journal_entries.c.entry))]
    assert not [entry for entry in kept if '"before"' in entry]


def test_a_clear_reset_or_delete_through_one_process_holds_for_the_other(apps, clients, tenant, headers):
    first, second = clients
    first.get(METADATA, headers=headers)
    assert journal(first, tenant["id"])
    assert second.delete(f"/_sandbox/tenants/{tenant['id']}/journal").status_code == 204
    assert journal(first, tenant["id"]) == []

    first.get(METADATA, headers=headers)
    assert journal(first, tenant["id"])
    assert second.post(f"/_sandbox/tenants/{tenant['id']}/reset").status_code == 200
    assert journal(first, tenant["id"]) == []

    headers = bearer(request_token(first, tenant))  # the reset revoked nothing of the app's, but a token is quick
    first.get(METADATA, headers=headers)
    traffic.traffic(apps[0]).journal(tenant["id"])
    assert second.delete(f"/_sandbox/tenants/{tenant['id']}").status_code == 204
    with apps[0].extensions["engine"].connect() as connection:
        assert connection.execute(select(orm.journal_entries).where(
            orm.journal_entries.c.workspace_id == tenant["id"])).all() == []


def test_an_entry_kept_in_the_database_holds_no_secret(apps, clients, tenant, headers):
    created = clients[0].post("/v1/customers", headers=headers, json=customer_body()).get_json()
    token = request_token(clients[0], tenant)
    traffic.traffic(apps[0]).journal(tenant["id"])
    with apps[1].extensions["engine"].connect() as connection:
        kept = " ".join(connection.execute(select(orm.journal_entries.c.entry)).scalars())
    assert "createCustomer" in kept
    for secret in (created["userCredentials"]["password"], token, headers["Authorization"].split()[1],
                   tenant["application"]["clientSecret"], tenant["users"][0]["password"]):
        assert secret not in kept


def test_entries_of_a_tenant_deleted_before_they_are_written_are_dropped_and_the_rest_kept(apps, clients, tenant, headers):
    other = clients[0].post("/_sandbox/tenants", json={"customers": 1}).get_json()
    other_headers = bearer(request_token(clients[0], other))
    clients[0].get(METADATA, headers=headers)
    clients[0].get(METADATA, headers={**other_headers, "MS-CorrelationId": "kept"})
    # deleted through the other process, while the first still holds the tenant's entries
    assert clients[1].delete(f"/_sandbox/tenants/{tenant['id']}").status_code == 204
    assert [e["correlationId"] for e in journal(clients[0], other["id"]) if e["operation"] == "getAgreementMetadata"] == ["kept"]


@pytest.mark.parametrize(("url", "chosen", "shared"), [
    ("sqlite://", "auto", False), ("postgresql://x/y", "auto", True), ("sqlite://", "database", True),
    ("postgresql://x/y", "memory", False), ("sqlite://", "MEMORY", False),
])
def test_journal_store_auto_is_the_database_on_postgresql(url, chosen, shared):
    assert traffic.journal_in_database({"DATABASE_URL": url, "JOURNAL_STORE": chosen}) is shared


def test_an_unknown_journal_store_is_refused_at_start():
    with pytest.raises(ValueError, match="JOURNAL_STORE"):
        create_app({"DATABASE_URL": "sqlite://", "JOURNAL_STORE": "redis"})
