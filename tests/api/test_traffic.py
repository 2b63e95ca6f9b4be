"""Per-tenant fault and latency rules, and the journal of requests and responses (control API)."""

from __future__ import annotations

import json
import re
import time
import uuid
from urllib.parse import urlencode

import jwt
import pytest

from sandbox.app import create_app

from .helpers import (
    add_customer,
    agreement_body,
    assert_classic_error,
    bearer,
    customer_body,
    request_token,
    token_form,
    user_of,
)


def add_rule(client, tenant_id, **rule):
    response = client.post(f"/_sandbox/tenants/{tenant_id}/faults", json=rule)
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.get_json()


def journal(client, tenant_id, **params) -> list[dict]:
    response = client.get(f"/_sandbox/tenants/{tenant_id}/journal", query_string=params)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()["items"]


# --- faults ------------------------------------------------------------------------------------------


def test_a_429_rule_answers_with_retry_after_then_lets_the_retry_through(client, tenant, headers):
    rule = add_rule(client, tenant["id"], operation="createCustomer", status=429, count=1)
    retry = {**headers, "MS-RequestId": str(uuid.uuid4())}
    body = customer_body()

    throttled = client.post("/v1/customers", headers=retry, json=body)
    body_429 = assert_classic_error(throttled, 429, 429)
    assert throttled.headers["Retry-After"] == "1"
    assert "Retry-After" in body_429["description"]
    # the retry with the same MS-RequestId is processed, not replayed as 429
    assert client.post("/v1/customers", headers=retry, json=body).status_code == 201

    [listed] = client.get(f"/_sandbox/tenants/{tenant['id']}/faults").get_json()["items"]
    assert listed["id"] == rule["id"] and listed["fired"] == 1 and listed["remaining"] == 0


def test_an_options_request_spends_no_rule_and_leaves_no_entry(client, tenant, headers):
    """OPTIONS asks what a path allows; a count-1 rule is kept for the call it was meant for."""
    add_rule(client, tenant["id"], operation="getAgreementMetadata", status=503, count=1)
    before = journal(client, tenant["id"])  # the token's request
    options = client.options("/v1/agreements", headers=headers)
    assert options.status_code == 200 and "GET" in options.headers["Allow"]
    assert options.data == b"" and "Content-Type" not in options.headers  # no HTML on /v1, not even empty
    assert journal(client, tenant["id"]) == before
    assert client.get("/v1/agreements", headers=headers).status_code == 503


@pytest.mark.parametrize(("status", "code"), [(500, 800003), (503, 503), (408, 408), (502, 502)])
def test_server_error_rules_use_the_classic_body(client, tenant, headers, customer_id, status, code):
    add_rule(client, tenant["id"], operation="getCustomer", status=status, retryAfter=7)
    response = client.get(f"/v1/customers/{customer_id}", headers=headers)
    assert_classic_error(response, status, code)
    assert response.headers["Retry-After"] == "7"


def test_rules_match_their_operation_and_tenant_only(client, tenant, headers, customer_id):
    add_rule(client, tenant["id"], operation="getCustomer", status=503)
    assert client.get("/v1/customers", headers=headers).status_code == 200
    assert client.get(f"/v1/customers/{customer_id}", headers=headers).status_code == 503

    other = client.post("/_sandbox/tenants", json={"customers": 1}).get_json()
    other_headers = bearer(request_token(client, other))
    assert client.get(f"/v1/customers/{other['customers'][0]['id']}", headers=other_headers).status_code == 200


def test_a_wildcard_rule_and_probability_zero(client, tenant, headers):
    never = add_rule(client, tenant["id"], operation="*", status=500, probability=0)
    for _ in range(5):
        assert client.get("/v1/agreements", headers=headers).status_code == 200
    assert client.delete(f"/_sandbox/tenants/{tenant['id']}/faults/{never['id']}").status_code == 204
    add_rule(client, tenant["id"], operation="*", status=500, probability=1)
    assert client.get("/v1/agreements", headers=headers).status_code == 500


def test_a_latency_rule_delays_a_normal_answer(client, tenant, headers):
    add_rule(client, tenant["id"], operation="getAgreementMetadata", delayMs=60, count=1)
    started = time.perf_counter()
    response = client.get("/v1/agreements", headers=headers)
    assert response.status_code == 200
    assert time.perf_counter() - started >= 0.06


def test_rules_can_be_cleared(client, tenant, headers):
    add_rule(client, tenant["id"], status=503)
    assert client.delete(f"/_sandbox/tenants/{tenant['id']}/faults").status_code == 204
    assert client.get("/v1/agreements", headers=headers).status_code == 200
    assert client.get(f"/_sandbox/tenants/{tenant['id']}/faults").get_json() == {"items": []}


@pytest.mark.parametrize(
    "rule",
    [
        {"operation": "noSuchOperation", "status": 500},
        {"status": 200},
        {"status": 600},
        {"status": "500"},
        {"operation": "*"},
        {"status": 500, "probability": 1.5},
        {"status": 500, "probability": "0.5"},  # a number, as the integer fields want theirs
        {"status": 500, "probability": True},
        {"status": 500, "delayMs": -1},
        {"status": 500, "count": 0},
        {"status": 500, "colour": "red"},
        {"status": 500, "when": "later"},
    ],
)
def test_invalid_rules_are_400(client, tenant, rule):
    response = client.post(f"/_sandbox/tenants/{tenant['id']}/faults", json=rule)
    assert_classic_error(response, 400, 800002)


def test_unknown_tenants_and_rules_are_404(client, tenant):
    unknown = str(uuid.uuid4())
    assert client.get(f"/_sandbox/tenants/{unknown}/faults").status_code == 404
    assert client.post(f"/_sandbox/tenants/{unknown}/faults", json={"status": 500}).status_code == 404
    assert client.get(f"/_sandbox/tenants/{unknown}/journal").status_code == 404
    assert client.delete(f"/_sandbox/tenants/{tenant['id']}/faults/{unknown}").status_code == 404


# --- lost answers ("when": "after") --------------------------------------------------------------------

ORDER = {"lineItems": [{"offerId": "CFQ7TTC0LH18:0001", "quantity": 3}]}


def orders_of(client, headers, customer_id) -> list[dict]:
    response = client.get(f"/v1/customers/{customer_id}/orders", headers=headers)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()["items"]


def test_an_after_rule_places_the_order_and_loses_its_answer_which_a_retry_with_the_same_id_gets(client, tenant, headers):
    customer = add_customer(client, tenant["id"], state="MCAAttested")["id"]
    rule = add_rule(client, tenant["id"], operation="createOrder", status=504, count=1, when="after")
    assert rule["when"] == "after"
    retry = {**headers, "MS-RequestId": str(uuid.uuid4())}

    lost = client.post(f"/v1/customers/{customer}/orders", headers=retry, json=ORDER)
    assert_classic_error(lost, 504, 504)
    assert lost.headers["MS-RequestId"] == retry["MS-RequestId"]
    [placed] = orders_of(client, headers, customer)  # the order was placed all the same

    again = client.post(f"/v1/customers/{customer}/orders", headers=retry, json=ORDER)
    assert again.status_code == 201 and again.get_json()["id"] == placed["id"]  # the first answer, not a second order
    assert len(orders_of(client, headers, customer)) == 1

    lost_entry, replayed = [e for e in journal(client, tenant["id"]) if e["operation"] == "createOrder"]
    assert (lost_entry["status"], lost_entry["fault"], lost_entry["lostStatus"]) == (504, rule["id"], 201)
    assert (replayed["status"], replayed["fault"], replayed["lostStatus"], replayed["replayed"]) == (201, None, None, True)


def test_a_retry_of_a_lost_answer_with_a_new_request_id_places_a_second_order(client, tenant, headers):
    """The mistake the rule is there to show: retrying without the first MS-RequestId buys twice."""
    customer = add_customer(client, tenant["id"], state="MCAAttested")["id"]
    add_rule(client, tenant["id"], operation="createOrder", status=503, count=1, when="after")
    first = client.post(f"/v1/customers/{customer}/orders", headers={**headers, "MS-RequestId": str(uuid.uuid4())}, json=ORDER)
    assert_classic_error(first, 503, 503)
    assert first.headers["Retry-After"] == "1"
    second = client.post(f"/v1/customers/{customer}/orders", headers={**headers, "MS-RequestId": str(uuid.uuid4())}, json=ORDER)
    assert second.status_code == 201
    assert len(orders_of(client, headers, customer)) == 2


def test_a_lost_confirmation_is_stored_and_its_retry_gets_the_201_not_600061(client, tenant, headers, customer_id):
    add_rule(client, tenant["id"], operation="createCustomerAgreement", status=500, count=1, when="after")
    retry = {**headers, "MS-RequestId": str(uuid.uuid4())}
    path = f"/v1/customers/{customer_id}/agreements"
    assert_classic_error(client.post(path, headers=retry, json=agreement_body()), 500, 800003)
    again = client.post(path, headers=retry, json=agreement_body())
    assert again.status_code == 201, again.get_data(as_text=True)
    listed = client.get(f"{path}?agreementType=MicrosoftCustomerAgreement", headers=headers).get_json()
    assert listed["totalCount"] == 1
    # without the first id, the same contact is a duplicate: what an integration that forgets the id sees
    duplicate = client.post(path, headers={**headers, "MS-RequestId": str(uuid.uuid4())}, json=agreement_body())
    assert duplicate.status_code == 409 and duplicate.get_json()["code"] == 600061


def test_a_before_rule_leaves_nothing_behind_and_an_after_rule_answers_even_a_refusal(client, tenant, headers, customer_id):
    """"before" (the default): the order is never placed. "after": whatever the operation answered is lost,
    a refusal too (13605 here), and kept for the retry."""
    add_rule(client, tenant["id"], operation="createOrder", status=503, count=1)
    assert client.post(f"/v1/customers/{customer_id}/orders", headers=headers, json=ORDER).status_code == 503
    assert orders_of(client, headers, customer_id) == []

    add_rule(client, tenant["id"], operation="createOrder", status=502, count=1, when="after")
    retry = {**headers, "MS-RequestId": str(uuid.uuid4())}
    assert client.post(f"/v1/customers/{customer_id}/orders", headers=retry, json=ORDER).status_code == 502
    refused = client.post(f"/v1/customers/{customer_id}/orders", headers=retry, json=ORDER)
    assert refused.status_code == 403 and refused.get_json()["code"] == 13605
    assert [e.get("lostStatus") for e in journal(client, tenant["id"]) if e["operation"] == "createOrder"] == [None, 403, None]


def test_an_after_latency_rule_answers_late_once_the_work_is_done(client, tenant, headers, customer_id):
    add_rule(client, tenant["id"], operation="createOrder", delayMs=60, count=1, when="after")
    customer = add_customer(client, tenant["id"], state="MCAAttested")["id"]
    started = time.perf_counter()
    response = client.post(f"/v1/customers/{customer}/orders", headers=headers, json=ORDER)
    assert response.status_code == 201
    assert time.perf_counter() - started >= 0.06
    [entry] = [e for e in journal(client, tenant["id"]) if e["operation"] == "createOrder"]
    assert entry["lostStatus"] is None and entry["fault"] is not None


def test_before_and_after_rules_fire_in_their_own_phase(client, tenant, headers):
    """A count-1 rule of each phase: the first request meets the "before" one and runs nothing, so the
    "after" one is still there for the second."""
    before = add_rule(client, tenant["id"], operation="getAgreementMetadata", status=503, count=1)
    after = add_rule(client, tenant["id"], operation="getAgreementMetadata", status=500, count=1, when="after")
    assert [client.get("/v1/agreements", headers=headers).status_code for _ in range(3)] == [503, 500, 200]
    listed = {r["id"]: r for r in client.get(f"/_sandbox/tenants/{tenant['id']}/faults").get_json()["items"]}
    assert (listed[before["id"]]["when"], listed[before["id"]]["fired"]) == ("before", 1)
    assert (listed[after["id"]]["when"], listed[after["id"]]["fired"]) == ("after", 1)


def test_an_after_rule_leaves_refusals_made_before_the_operation_alone_and_waits_for_the_next_order(app, client, tenant, headers):
    """A twin of a request still running (409), an MS-RequestId used for another call (400) and a body over the
    limit (413) never reach the operation: their answers are not lost, and the count-1 rule is still there for the
    order that is placed."""
    from sandbox.web import idempotency

    customer = add_customer(client, tenant["id"], state="MCAAttested")["id"]
    rule = add_rule(client, tenant["id"], operation="createOrder", status=504, count=1, when="after")
    path = f"/v1/customers/{customer}/orders"
    claims_ = jwt.decode(headers["Authorization"].split()[1], options={"verify_signature": False})
    twin = {**headers, "MS-RequestId": str(uuid.uuid4())}
    body = json.dumps(ORDER).encode()
    print_ = idempotency.fingerprint("POST", path, b"", f"{claims_['oid']}|{claims_['appid']}", body)
    assert idempotency.claim(app.extensions["services"], tenant["id"], twin["MS-RequestId"], print_) is None  # running

    assert client.post(path, headers=twin, data=body, content_type="application/json").status_code == 409
    used = {**headers, "MS-RequestId": str(uuid.uuid4())}
    assert client.post(f"/v1/customers/{customer}/orders", headers=used, json=ORDER).status_code == 504  # fires
    rule = add_rule(client, tenant["id"], operation="createOrder", status=504, count=1, when="after")
    other = {"lineItems": [{"offerId": "CFQ7TTC0LH18:0001", "quantity": 4}]}
    assert client.post(path, headers=used, json=other).status_code == 400  # the id is another call's
    huge = b'{"lineItems": [], "pad": "' + b"x" * app.config["MAX_CONTENT_LENGTH"] + b'"}'
    for extra in ({}, {"MS-RequestId": str(uuid.uuid4())}):
        assert client.post(path, headers={**headers, **extra}, data=huge, content_type="application/json").status_code == 413

    [listed] = [r for r in client.get(f"/_sandbox/tenants/{tenant['id']}/faults").get_json()["items"] if r["id"] == rule["id"]]
    assert listed["fired"] == 0
    placed = client.post(path, headers={**headers, "MS-RequestId": str(uuid.uuid4())}, json=ORDER)
    assert placed.status_code == 504 and len(orders_of(client, headers, customer)) == 2


def test_the_journal_lists_every_rule_that_fired_on_a_request(client, tenant, headers):
    slow = add_rule(client, tenant["id"], operation="getAgreementMetadata", delayMs=1, count=1)
    lost = add_rule(client, tenant["id"], operation="getAgreementMetadata", status=503, count=1, when="after")
    assert client.get("/v1/agreements", headers=headers).status_code == 503
    assert client.get("/v1/agreements", headers=headers).status_code == 200
    first, second = [e for e in journal(client, tenant["id"]) if e["operation"] == "getAgreementMetadata"]
    assert (first["faults"], first["fault"], first["lostStatus"]) == ([slow["id"], lost["id"]], lost["id"], 200)
    assert (second["faults"], second["fault"]) == ([], None)


def test_when_null_is_the_default(client, tenant):
    assert add_rule(client, tenant["id"], status=503, when=None)["when"] == "before"


def test_a_token_rule_cannot_lose_the_grants_answer(client, tenant):
    response = client.post(f"/_sandbox/tenants/{tenant['id']}/faults", json={"operation": "token", "status": 503, "when": "after"})
    body = assert_classic_error(response, 400, 800002)
    assert "'before'" in body["description"]
    assert client.get(f"/_sandbox/tenants/{tenant['id']}/faults").get_json() == {"items": []}


# --- journal -----------------------------------------------------------------------------------------


def test_the_journal_keeps_requests_and_responses_without_secrets(client, tenant):
    admin = user_of(tenant, "AdminAgent")
    token = request_token(client, tenant)
    created = client.post("/v1/customers", headers={**bearer(token), "MS-RequestId": "req-1"}, json=customer_body()).get_json()
    password = created["userCredentials"]["password"]

    entries = journal(client, tenant["id"])
    dump = json.dumps(entries)
    for secret in (admin["password"], tenant["application"]["clientSecret"], token, password):
        assert secret not in dump

    token_entry, create_entry = entries[-2], entries[-1]
    assert token_entry["operation"] == "token (v1.0)" and token_entry["status"] == 200
    assert token_entry["requestBody"]["password"] == "[redacted]"
    assert token_entry["requestBody"]["client_secret"] == "[redacted]"
    assert token_entry["requestBody"]["username"] == admin["userName"]
    assert token_entry["responseBody"]["access_token"] == "[redacted]"

    assert create_entry["operation"] == "createCustomer" and create_entry["method"] == "POST"
    assert create_entry["path"] == "/v1/customers" and create_entry["status"] == 201
    assert create_entry["requestId"] == "req-1"
    assert create_entry["requestHeaders"]["Authorization"] == "Bearer [redacted]"
    assert create_entry["requestBody"]["companyProfile"] == customer_body()["companyProfile"] | create_entry["requestBody"]["companyProfile"]
    assert create_entry["responseBody"]["userCredentials"] == {"userName": created["userCredentials"]["userName"],
                                                               "password": "[redacted]"}
    assert create_entry["time"].startswith(client.get(f"/_sandbox/tenants/{tenant['id']}/clock").get_json()["now"][:4])
    assert create_entry["sequence"] > token_entry["sequence"]


def test_the_journal_marks_faults_and_replays(client, tenant, headers):
    rule = add_rule(client, tenant["id"], operation="createCustomer", status=429, count=1)
    retry = {**headers, "MS-RequestId": str(uuid.uuid4())}
    body = customer_body()
    for _ in range(3):
        client.post("/v1/customers", headers=retry, json=body)
    faulted, first, replayed = journal(client, tenant["id"])[-3:]
    assert (faulted["status"], faulted["fault"], faulted["replayed"]) == (429, rule["id"], False)
    assert (first["status"], first["fault"], first["replayed"]) == (201, None, False)
    assert (replayed["status"], replayed["replayed"]) == (201, True)


def test_requests_without_a_usable_token_are_not_journaled(client, tenant, customer_id):
    before = len(journal(client, tenant["id"]))
    client.get(f"/v1/customers/{customer_id}", headers={"Authorization": "Bearer nope"})
    assert len(journal(client, tenant["id"])) == before


def test_a_malformed_body_is_not_kept_verbatim(client, tenant, headers):
    raw = '{"password": "hunter2", broken'
    client.post("/v1/customers", headers=headers, data=raw, content_type="application/json")
    entry = journal(client, tenant["id"])[-1]
    assert entry["status"] == 400 and "hunter2" not in json.dumps(entry)


def test_the_journal_is_bounded_and_can_be_limited_and_cleared():
    app = create_app({"DATABASE_URL": "sqlite://", "SECRET_KEY": "journal", "JOURNAL_SIZE": 3})
    client = app.test_client()
    tenant = client.post("/_sandbox/tenants", json={"customers": 0}).get_json()
    headers = bearer(request_token(client, tenant))
    for n in range(5):
        client.get("/v1/agreements", headers={**headers, "MS-RequestId": f"r{n}"})

    body = client.get(f"/_sandbox/tenants/{tenant['id']}/journal").get_json()
    assert body["capacity"] == 3
    assert [e["requestId"] for e in body["items"]] == ["r2", "r3", "r4"]
    assert [e["requestId"] for e in journal(client, tenant["id"], limit=1)] == ["r4"]
    assert client.get(f"/_sandbox/tenants/{tenant['id']}/journal?limit=0").status_code == 400
    assert client.delete(f"/_sandbox/tenants/{tenant['id']}/journal").status_code == 204
    assert journal(client, tenant["id"]) == []


# --- the token endpoint ------------------------------------------------------------------------------


def test_a_token_rule_makes_getting_a_token_fail_in_entras_shape_then_pass(client, tenant):
    rule = add_rule(client, tenant["id"], operation="token", status=429, retryAfter=7, count=1)
    failed = client.post(f"/{tenant['id']}/oauth2/token", data=token_form(tenant, None))
    assert failed.status_code == 429 and failed.headers["Retry-After"] == "7"
    body = failed.get_json()
    assert body["error"] == "temporarily_unavailable" and body["error_codes"] == [90033]
    assert "access_token" not in body
    assert client.post(f"/{tenant['id']}/oauth2/token", data=token_form(tenant, None)).status_code == 200  # count 1: spent

    [entry, passed] = journal(client, tenant["id"])[-2:]
    assert (entry["operation"], entry["status"], entry["fault"]) == ("token (v1.0)", 429, rule["id"])
    assert entry["requestBody"]["client_secret"] == "[redacted]"
    assert (passed["status"], passed["fault"]) == (200, None)


@pytest.mark.parametrize(("status", "error", "code"), [(401, "invalid_client", 7000222), (400, "invalid_request", 90014),
                                                    (504, "temporarily_unavailable", 90033)])
def test_a_token_rule_s_status_gets_the_error_entra_answers_with_it(client, tenant, status, error, code):
    """401 is the client refused (an expired secret: what a daemon meets when nobody renewed it)."""
    add_rule(client, tenant["id"], operation="token", status=status, count=1)
    body = client.post(f"/{tenant['id']}/oauth2/token", data=token_form(tenant, None))
    assert body.status_code == status
    assert (body.get_json()["error"], body.get_json()["error_codes"]) == (error, [code])
    assert body.get_json()["error_description"].startswith(f"AADSTS{code}: ")


def test_a_rule_for_every_operation_leaves_the_token_endpoint_alone(client, tenant):
    add_rule(client, tenant["id"], operation="*", status=503)
    response = client.post(f"/{tenant['id']}/oauth2/token", data=token_form(tenant, None))
    assert response.status_code == 200
    token = response.get_json()["access_token"]
    assert client.get("/v1/customers", headers=bearer(token)).status_code == 503  # the REST API does fail


def test_a_refused_token_request_is_in_the_journal_without_its_secrets(client, tenant):
    admin = user_of(tenant, "AdminAgent")
    form = {**token_form(tenant, None), "grant_type": "password", "username": admin["userName"], "password": "not-the-password"}
    refused = client.post(f"/{tenant['id']}/oauth2/token", data=form)
    assert refused.status_code == 400 and refused.get_json()["error_codes"] == [50126]
    unknown_app = client.post(f"/{tenant['id']}/oauth2/token", data={**token_form(tenant, None), "client_id": str(uuid.uuid4())})
    assert unknown_app.status_code == 400  # no tenant known for sure: not journalled

    [entry] = [e for e in journal(client, tenant["id"]) if e["operation"] == "token (v1.0)"]
    assert entry["status"] == 400 and entry["time"] is not None
    assert entry["requestBody"]["password"] == "[redacted]" and entry["requestBody"]["username"] == admin["userName"]
    assert "not-the-password" not in json.dumps(entry) and tenant["application"]["clientSecret"] not in json.dumps(entry)


# --- a tenant's rules and journal end with it ----------------------------------------------------------


def _traffic_of(client, tenant_id) -> tuple[list, list]:
    return client.get(f"/_sandbox/tenants/{tenant_id}/faults").get_json()["items"], journal(client, tenant_id)


@pytest.mark.parametrize("end", ["delete the tenant", "reset the sandbox"])
def test_a_tenant_made_again_from_its_seed_has_no_rules_or_journal_of_the_old_one(client, end):
    old = client.post("/_sandbox/tenants", json={"seed": 4242, "customers": 0}).get_json()
    add_rule(client, old["id"], operation="*", status=503)
    assert client.get("/v1/agreements", headers=bearer(request_token(client, old))).status_code == 503
    if end == "delete the tenant":
        assert client.delete(f"/_sandbox/tenants/{old['id']}").status_code == 204
    else:
        assert client.post("/_sandbox/reset").status_code == 200

    new = client.post("/_sandbox/tenants", json={"seed": 4242, "customers": 0}).get_json()
    assert new["id"] == old["id"]
    assert _traffic_of(client, new["id"]) == ([], [])
    assert client.get("/v1/agreements", headers=bearer(request_token(client, new))).status_code == 200


def test_resetting_a_tenant_clears_its_rules_and_journal_and_no_other_tenants(client, tenant, headers):
    other = client.post("/_sandbox/tenants", json={"customers": 0}).get_json()
    for each in (tenant, other):
        add_rule(client, each["id"], operation="getCustomer", status=503)
    client.get("/v1/agreements", headers=headers)
    client.get("/v1/agreements", headers=bearer(request_token(client, other)))

    assert client.post(f"/_sandbox/tenants/{tenant['id']}/reset").status_code == 200
    assert _traffic_of(client, tenant["id"]) == ([], [])
    rules, entries = _traffic_of(client, other["id"])
    assert len(rules) == 1 and len(entries) == 2  # its token and its call


# --- what the journal keeps --------------------------------------------------------------------------


def test_the_journal_redacts_the_pages_csrf_token_field_and_header(client, tenant, headers):
    signin_page = client.get("/dashboard/signin").get_data(as_text=True)
    csrf_token = re.search(r'name="csrf_token" value="([^"]+)"', signin_page).group(1)
    admin = user_of(tenant, "AdminAgent")
    signed_in = client.post("/dashboard/signin", data={"user_name": admin["userName"], "password": admin["password"],
                                                       "csrf_token": csrf_token})
    assert signed_in.status_code == 302
    client.post("/dashboard/customers/new", data={"csrf_token": csrf_token, "action": "next", "company_name": "Fabrikam"})
    client.get("/v1/agreements", headers={**headers, "X-CSRFToken": csrf_token, "X-CSRF-Token": csrf_token})

    entries = journal(client, tenant["id"])
    form_post = next(e for e in entries if e["method"] == "POST" and e["path"] == "/dashboard/customers/new")
    assert form_post["requestBody"]["csrf_token"] == "[redacted]"
    assert form_post["requestBody"]["company_name"] == "Fabrikam"
    assert entries[-1]["requestHeaders"]["X-Csrftoken"] == entries[-1]["requestHeaders"]["X-Csrf-Token"] == "[redacted]"
    assert csrf_token not in json.dumps(entries)


@pytest.mark.parametrize("content", ["json", "form"])
def test_a_body_over_16_kib_is_noted_with_its_size(client, tenant, headers, content):
    if content == "json":
        body = json.dumps(customer_body(email="a" * 17_000 + "@example.com")).encode()
        client.post("/v1/customers", headers=headers, data=body, content_type="application/json")
    else:
        body = urlencode({**token_form(tenant, None), "padding": "a" * 17_000}).encode()
        client.post(f"/{tenant['id']}/oauth2/token", data=body, content_type="application/x-www-form-urlencoded")
    assert journal(client, tenant["id"])[-1]["requestBody"] == f"[body not kept: {len(body)} bytes]"


@pytest.mark.parametrize("limit", ["²", "١", "1" * 5000, "-1", "1.5", "100001", ""])
def test_a_journal_limit_that_is_not_a_whole_number_in_range_is_400(client, tenant, limit):
    response = client.get(f"/_sandbox/tenants/{tenant['id']}/journal", query_string={"limit": limit})
    assert_classic_error(response, 400, 800002)


def test_the_journal_keeps_no_refresh_token(client, tenant):
    from .helpers import RESOURCE

    app_ = tenant["application"]
    first = client.post(f"/{tenant['id']}/oauth2/token", data={
        "grant_type": "password", "client_id": app_["clientId"], "client_secret": app_["clientSecret"],
        "username": user_of(tenant, "AdminAgent")["userName"], "password": user_of(tenant, "AdminAgent")["password"],
        "resource": RESOURCE}).get_json()
    second = client.post(f"/{tenant['id']}/oauth2/token", data={
        "grant_type": "refresh_token", "client_id": app_["clientId"], "client_secret": app_["clientSecret"],
        "refresh_token": first["refresh_token"], "resource": RESOURCE}).get_json()

    entries = journal(client, tenant["id"])
    dump = json.dumps(entries)
    assert first["refresh_token"] not in dump and second["refresh_token"] not in dump
    assert entries[-1]["requestBody"]["refresh_token"] == entries[-1]["responseBody"]["refresh_token"] == "[redacted]"
