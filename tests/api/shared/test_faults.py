"""Fault rules live in the database: two sandboxes on one database (as two server processes on one SQLite file
or one PostgreSQL database are) apply the same rules, and a rule's count holds across both."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from sandbox.store.db import thread_reader

from ..helpers import bearer, request_token, token_form

METADATA = "/v1/agreements?agreementType=MicrosoftCustomerAgreement"
def faults(client, tenant_id) -> list[dict]:
    response = client.get(f"/_sandbox/tenants/{tenant_id}/faults")
    assert response.status_code == 200
    return response.get_json()["items"]


def add_rule(client, tenant_id, **rule) -> dict:
    response = client.post(f"/_sandbox/tenants/{tenant_id}/faults", json=rule)
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.get_json()


def test_a_rule_added_through_one_fires_on_the_other(clients, tenant, headers):
    a, b = clients
    assert b.get(METADATA, headers=headers).status_code == 200  # b has read (and remembered) "no rules"
    rule = add_rule(a, tenant["id"], operation="getAgreementMetadata", status=503, retryAfter=4)
    answer = b.get(METADATA, headers=headers)
    assert answer.status_code == 503 and answer.headers["Retry-After"] == "4"
    assert faults(b, tenant["id"]) == faults(a, tenant["id"]) == [rule | {"fired": 1}]


def test_a_count_holds_across_both(clients, tenant, headers):
    a, b = clients
    add_rule(a, tenant["id"], operation="getAgreementMetadata", status=429, count=2)
    statuses = [client.get(METADATA, headers=headers).status_code for client in (a, b, a, b)]
    assert statuses == [429, 429, 200, 200]
    [listed] = faults(b, tenant["id"])
    assert listed["fired"] == 2 and listed["remaining"] == 0


def test_a_count_holds_across_both_under_threads(apps, tenant, headers):
    rule = add_rule(apps[0].test_client(), tenant["id"], operation="getAgreementMetadata", status=503, count=5)

    def call(i):
        return apps[i % 2].test_client().get(METADATA, headers=headers).status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(call, range(40)))
    assert sorted(statuses) == [200] * 35 + [503] * 5
    assert faults(apps[1].test_client(), tenant["id"]) == [rule | {"fired": 5, "remaining": 0}]


def test_a_rule_without_a_count_counts_every_firing_on_both(clients, tenant, headers):
    a, b = clients
    add_rule(b, tenant["id"], operation="token", status=500)
    for client in (a, b, b):
        assert client.post(f"/{tenant['id']}/oauth2/token", data=token_form(tenant, None)).status_code == 500
    [listed] = faults(a, tenant["id"])
    assert listed["fired"] == 3 and listed["remaining"] is None


def test_a_rule_deleted_through_one_is_gone_for_the_other(clients, tenant, headers):
    a, b = clients
    rule = add_rule(a, tenant["id"], operation="*", status=503)
    assert a.get(METADATA, headers=headers).status_code == 503
    assert b.delete(f"/_sandbox/tenants/{tenant['id']}/faults/{rule['id']}").status_code == 204
    assert a.get(METADATA, headers=headers).status_code == 200
    assert a.delete(f"/_sandbox/tenants/{tenant['id']}/faults/{rule['id']}").status_code == 404
    assert faults(a, tenant["id"]) == []


@pytest.mark.parametrize("end", ["clear its rules", "reset the tenant", "reset the sandbox", "delete the tenant"])
def test_rules_ended_through_one_are_gone_for_the_other(clients, tenant, headers, end):
    a, b = clients
    add_rule(a, tenant["id"], operation="*", status=503)
    add_rule(a, tenant["id"], operation="token", status=503)
    assert a.get(METADATA, headers=headers).status_code == 503
    ended = {"clear its rules": lambda: b.delete(f"/_sandbox/tenants/{tenant['id']}/faults"),
             "reset the tenant": lambda: b.post(f"/_sandbox/tenants/{tenant['id']}/reset"),
             "reset the sandbox": lambda: b.post("/_sandbox/reset"),
             "delete the tenant": lambda: b.delete(f"/_sandbox/tenants/{tenant['id']}")}[end]()
    assert ended.status_code in (200, 204)
    if end in ("clear its rules", "reset the tenant"):
        assert faults(a, tenant["id"]) == []
        assert a.get(METADATA, headers=bearer(request_token(a, tenant))).status_code == 200
    else:
        assert a.get(f"/_sandbox/tenants/{tenant['id']}/faults").status_code == 404
        again = a.post("/_sandbox/tenants", json={"seed": tenant["seed"], "customers": 1}).get_json()
        assert again["id"] == tenant["id"] and faults(a, again["id"]) == []


@pytest.mark.parametrize("shared_url", ["file"], indirect=True)  # elsewhere (PostgreSQL) read each time
def test_the_rules_are_remembered_per_thread_until_something_is_committed(apps, clients, tenant, headers):
    a, b = clients
    reader = thread_reader(apps[0].extensions["engine"])
    assert a.get(METADATA, headers=headers).status_code == 200
    remembered = reader.memories["fault_rules"][tenant["id"]]
    assert remembered[1] == ()
    assert a.get(METADATA, headers=headers).status_code == 200
    assert reader.memories["fault_rules"][tenant["id"]] is remembered  # nothing committed: not read again
    add_rule(b, tenant["id"], operation="getAgreementMetadata", status=503, probability=0)
    assert a.get(METADATA, headers=headers).status_code == 200  # read again: one rule, that never fires
    assert len(reader.memories["fault_rules"][tenant["id"]][1]) == 1
