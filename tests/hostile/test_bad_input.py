"""Bad input on every API operation, the token endpoint and the control API: a 4xx in Partner Center's (or
Entra's) shape, never a 5xx, and the store exactly as it was. Injection strings in free text are data:
kept verbatim, and shown escaped."""

from __future__ import annotations

import json
import urllib.parse

import pytest
from api.helpers import (
    MCA_TEMPLATE,
    add_customer,
    agreement_body,
    assert_classic_error,
    bearer,
    customer_body,
    request_token,
    set_clock,
)

from .helpers import (
    BAD_DATES,
    BAD_EMAILS,
    CONTROL,
    FUTURE_DATE,
    HTML,
    LONG,
    NOT_GUIDS,
    SQL,
    SQL_OR,
    body_level_bad,
    leaves,
    snapshot,
    with_value,
    without,
    wrong_types,
)

ORDER = {"lineItems": [{"offerId": "CFQ7TTC0LH18:0001", "quantity": 1}]}


@pytest.fixture
def world(client, tenant):
    """A customer with the MCA and one subscription (so that every operation has real ids to aim at)."""
    set_clock(client, tenant["id"], "2020-03-15T10:00:00+00:00")
    headers = bearer(request_token(client, tenant))
    customer = tenant["customers"][0]["id"]
    assert client.post(f"/v1/customers/{customer}/agreements", headers=headers,
                       json=agreement_body(dateAgreed="2020-03-01T00:00:00Z")).status_code == 201
    order = client.post(f"/v1/customers/{customer}/orders", headers=headers, json=ORDER)
    assert order.status_code == 201, order.get_data(as_text=True)
    return {"headers": headers, "customer": customer, "subscription": order.get_json()["lineItems"][0]["subscriptionId"],
            "order": order.get_json()["id"], "tenant": tenant}


def writes(world) -> dict[str, tuple[str, str, dict]]:
    c, s = world["customer"], world["subscription"]
    other = world["tenant"]["customers"][1]["id"]
    return {
        "createCustomer": ("POST", "/v1/customers", customer_body()),
        "createCustomerAgreement": ("POST", f"/v1/customers/{other}/agreements", agreement_body(dateAgreed="2020-03-01T00:00:00Z")),
        "createOrder": ("POST", f"/v1/customers/{c}/orders", ORDER),
        "updateSubscription": ("PATCH", f"/v1/customers/{c}/subscriptions/{s}", {"quantity": 3}),
    }


REQUIRED = {  # leaves whose absence or null must be refused (optional ones may be null, as documented)
    "createCustomer": {("companyProfile", "domain"), ("billingProfile", "email"), ("billingProfile", "culture"),
                       ("billingProfile", "language"), ("billingProfile", "companyName"),
                       *[("billingProfile", "defaultAddress", k) for k in
                         ("addressLine1", "city", "postalCode", "country", "firstName", "lastName")]},
    "createCustomerAgreement": {("primaryContact", "firstName"), ("primaryContact", "lastName"),
                                ("primaryContact", "email"), ("templateId",), ("dateAgreed",), ("type",)},
    "createOrder": {("lineItems", 0, "offerId"), ("lineItems", 0, "quantity")},
    "updateSubscription": {("quantity",)},
}


def bad_bodies(operation: str, valid: dict):
    """(label, body) for every leaf: wrong types, nulls and absence (required ones), control characters,
    very long strings, and per meaning bad e-mails, dates, GUIDs, countries."""
    for path, value in leaves(valid):
        name = ".".join(map(str, path))
        for wrong in wrong_types(value):
            yield f"{name} as {type(wrong).__name__}", with_value(valid, path, wrong)
        if path in REQUIRED[operation]:
            yield f"{name} null", with_value(valid, path, None)
            yield f"{name} missing", without(valid, path)
            if isinstance(value, str):
                yield f"{name} invisible", with_value(valid, path, "\u200b\u00a0\ufeff")  # shows nothing
        if isinstance(value, str):
            yield f"{name} control characters", with_value(valid, path, value[:5] + CONTROL)
            yield f"{name} very long", with_value(valid, path, LONG)
            yield f"{name} lone surrogate", with_value(valid, path, value[:5] + "\ud800")  # JSON's "\ud800" escape
        if isinstance(value, int) and not isinstance(value, bool):
            for number in (0, -1, 10**20, 2**63):
                yield f"{name} = {number}", with_value(valid, path, number)
        last = str(path[-1]).lower()
        if last == "email":
            for email in BAD_EMAILS:
                yield f"{name} = {email!r}", with_value(valid, path, email)
        if last == "dateagreed":
            for date in [*BAD_DATES, FUTURE_DATE]:
                yield f"{name} = {date!r}", with_value(valid, path, date)
        if last in ("templateid", "country", "domain", "culture", "language", "type", "offerid"):
            for odd in ("", SQL_OR, HTML, "../../etc/passwd"):
                yield f"{name} = {odd!r}", with_value(valid, path, odd)
    yield "unknown property", {**valid, "unexpectedProperty": 1}


def assert_partner_center_error(response, label):
    assert 400 <= response.status_code < 500, (label, response.status_code, response.get_data(as_text=True)[:300])
    body = response.get_json()
    assert isinstance(body, dict) and isinstance(body.get("code"), int) and isinstance(body.get("description"), str), (label, body)
    assert body.get("source") == "PartnerFD" or "errorName" in body, (label, body)


@pytest.mark.parametrize("operation", ["createCustomer", "createCustomerAgreement", "createOrder", "updateSubscription"])
def test_every_bad_body_is_a_4xx_and_changes_nothing(app, client, world, operation):
    method, path, valid = writes(world)[operation]
    before = snapshot(app)
    cases = list(bad_bodies(operation, valid))
    assert len(cases) > 10
    for label, body in cases:
        response = client.open(path, method=method, headers=world["headers"], json=body)
        assert_partner_center_error(response, f"{operation}: {label}")
    for label, raw, content_type in body_level_bad(valid):
        response = client.open(path, method=method, headers={**world["headers"], "Content-Type": content_type}, data=raw)
        assert_partner_center_error(response, f"{operation}: {label}")
    assert snapshot(app) == before, operation


def test_ids_that_are_not_guids_are_4xx_on_every_operation(app, client, world):
    c, s, o = world["customer"], world["subscription"], world["order"]
    before = snapshot(app)
    for bad in NOT_GUIDS:
        from urllib.parse import quote

        b = quote(bad, safe="")
        requests = [
            ("GET", f"/v1/customers/{b}", None), ("GET", f"/v1/customers/{b}/agreements", None),
            ("GET", f"/v1/customers/{b}/profiles/company", None), ("GET", f"/v1/customers/{b}/profiles/billing", None),
            ("POST", f"/v1/customers/{b}/agreements", agreement_body()),
            ("GET", f"/v1/customers/{b}/directSignedMicrosoftCustomerAgreementStatus", None),
            ("POST", f"/v1/customers/{b}/orders", ORDER), ("GET", f"/v1/customers/{b}/orders", None),
            ("GET", f"/v1/customers/{b}/orders/{o}", None), ("GET", f"/v1/customers/{c}/orders/{b}", None),
            ("GET", f"/v1/customers/{b}/subscriptions", None), ("GET", f"/v1/customers/{b}/subscriptions/{s}", None),
            ("GET", f"/v1/customers/{c}/subscriptions/{b}", None),
            ("PATCH", f"/v1/customers/{b}/subscriptions/{s}", {"quantity": 2}),
            ("PATCH", f"/v1/customers/{c}/subscriptions/{b}", {"quantity": 2}),
            ("GET", f"/v1/agreementtemplates/{b}/document", None),
        ]
        for method, path, body in requests:
            response = client.open(path, method=method, headers=world["headers"], json=body)
            assert_partner_center_error(response, f"{method} {path[:80]}")
    assert snapshot(app) == before


@pytest.mark.parametrize("query", [
    "agreementType=" + SQL_OR, "agreementType=%00", "agreementType=" + "x" * 5000, "agreementType=<script>",
])
def test_bad_agreement_types_are_400(client, world, query):
    for path in ("/v1/agreements", f"/v1/customers/{world['customer']}/agreements"):
        assert_partner_center_error(client.get(f"{path}?{query}", headers=world["headers"]), query)


@pytest.mark.parametrize("query", ["country=" + SQL_OR, "country=us", "country=<b>", "language=" + "x" * 5000,
                                   "country=%00", "language=%0d%0aSet-Cookie:x=1"])
def test_bad_template_document_queries_are_400(client, world, query):
    response = client.get(f"/v1/agreementtemplates/{MCA_TEMPLATE}/document?{query}", headers=world["headers"])
    if response.status_code == 200:  # an unknown language falls back to en-US (documented)
        assert response.get_json()["language"] == "en-US" and "Set-Cookie" not in response.headers
    else:
        assert_partner_center_error(response, query)


@pytest.mark.parametrize("size", ["-1", "abc", "1.5", "99999999999999999999", "9" * 5000, SQL_OR, "%00",
                                  "%C2%B2", "%EF%BC%92"])  # superscript two, full-width two: digits only to isdigit()
def test_bad_page_sizes_and_continuations_are_400(client, world, size):
    assert_partner_center_error(client.get(f"/v1/customers?size={size}", headers=world["headers"]), size)


@pytest.mark.parametrize("value", ["\\ud800", "a\\udfff", "\\u0000"])  # escapes inside the filter's JSON
def test_filter_values_that_are_not_text_are_400(client, world, value):
    query = urllib.parse.quote(f'{{"Field": "CompanyName", "Value": "{value}", "Operator": "starts_with"}}')
    assert_partner_center_error(client.get(f"/v1/customers?filter={query}", headers=world["headers"]), value)


@pytest.mark.parametrize("token", [SQL_OR, "x" * 5000, "\u202e", "eHh4", "%00", "AAAA" * 10])
def test_bad_continuation_tokens_are_400(client, world, token):
    headers = {**world["headers"], "MS-ContinuationToken": token}
    response = client.get("/v1/customers?size=1&seekOperation=Next", headers=headers)
    assert_partner_center_error(response, token)


@pytest.mark.parametrize("value", [CONTROL, "x" * 101, "a b", "\u00e9t\u00e9"])
def test_bad_tracking_headers_are_400(app, client, world, value):
    before = snapshot(app)
    for header in ("MS-RequestId", "MS-CorrelationId"):
        try:
            response = client.post("/v1/customers", headers={**world["headers"], header: value}, json=customer_body())
        except ValueError:  # the test client itself refuses a header with a line break: nothing to send
            continue
        assert_partner_center_error(response, header)
    assert snapshot(app) == before


def test_injection_strings_in_free_text_are_kept_verbatim_and_shown_escaped(app, client, world):
    """SQL and HTML in a company or contact name are names: stored as typed, read back as typed, never run."""
    body = customer_body(companyName=SQL + HTML)
    body["billingProfile"]["defaultAddress"]["firstName"] = SQL_OR[:50]
    created = client.post("/v1/customers", headers=world["headers"], json=body)
    assert created.status_code == 201, created.get_data(as_text=True)
    read = client.get(f"/v1/customers/{created.get_json()['id']}", headers=world["headers"]).get_json()
    assert read["billingProfile"]["companyName"] == SQL + HTML
    assert read["billingProfile"]["defaultAddress"]["firstName"] == SQL_OR[:50]
    other = world["tenant"]["customers"][2]["id"]
    contact = {"firstName": HTML[:100], "lastName": SQL, "email": "o'brien@example.com"}
    confirmed = client.post(f"/v1/customers/{other}/agreements", headers=world["headers"],
                            json=agreement_body(primaryContact=contact, dateAgreed="2020-03-01T00:00:00Z"))
    assert confirmed.status_code == 201 and confirmed.get_json()["primaryContact"]["lastName"] == SQL
    assert snapshot(app)["customers"] == 4  # the table is there, with the new row
    from portal.helpers import Portal, user_of

    portal = Portal(client)
    portal.sign_in(user_of(world["tenant"], "AdminAgent"))
    page = portal.text("/dashboard/customers")
    assert "<script>" not in page and "&lt;script&gt;" in page
    account = portal.text(f"/dashboard/customers/{other}/account")
    assert "<script>" not in account and "&lt;script&gt;" in account


# --- the token endpoint -------------------------------------------------------------------------


def entra_error(response, label):
    assert response.status_code in (400, 401, 413), (label, response.status_code, response.get_data(as_text=True)[:200])
    body = response.get_json()
    assert isinstance(body, dict) and isinstance(body.get("error"), str) and isinstance(body.get("error_codes"), list), (label, body)


def test_bad_token_requests_are_entra_errors_and_store_nothing(app, client, world):
    tenant = world["tenant"]
    good = {"grant_type": "password", "client_id": tenant["application"]["clientId"],
            "client_secret": tenant["application"]["clientSecret"], "resource": "https://api.partnercenter.microsoft.com",
            "username": tenant["users"][0]["userName"], "password": tenant["users"][0]["password"]}
    before = snapshot(app)
    for name in good:
        for value in ("", CONTROL, LONG[:10_000], SQL_OR, HTML, "\u202e"):
            if name == "client_secret" and value == "":
                continue  # a password grant without a secret is a public client's (the user's password decides)
            form = {**good, name: value}
            entra_error(client.post(f"/{tenant['id']}/oauth2/token", data=form), f"{name}={value[:20]!r}")
        if name != "client_secret":
            entra_error(client.post(f"/{tenant['id']}/oauth2/token", data={k: v for k, v in good.items() if k != name}),
                        f"{name} missing")
    for segment in (SQL_OR, "x" * 500, "%00", "%3C%2A%3E"):
        entra_error(client.post(f"/{segment}/oauth2/token", data=good), segment)
    unrouted = client.post("/..%2F..%2Fetc/oauth2/token", data=good)  # not a token path once decoded
    assert unrouted.status_code == 404 and unrouted.get_json()["error_codes"] == [90014]  # a token path's shape: Entra's
    entra_error(client.post(f"/{tenant['id']}/oauth2/token", data=json.dumps(good), content_type="application/json"), "json")
    entra_error(client.post(f"/{tenant['id']}/oauth2/token", data=b"a" * (2 * 1024 * 1024),
                            content_type="application/x-www-form-urlencoded"), "huge")
    assert snapshot(app) == before


# --- the control API ----------------------------------------------------------------------------


CONTROL_BAD = [
    ("POST", "/_sandbox/tenants", {"kind": SQL_OR}), ("POST", "/_sandbox/tenants", {"seed": "1"}),
    ("POST", "/_sandbox/tenants", {"seed": -1}), ("POST", "/_sandbox/tenants", {"seed": 2**80}),
    ("POST", "/_sandbox/tenants", {"customers": 10**9}), ("POST", "/_sandbox/tenants", {"customers": None}),
    ("POST", "/_sandbox/tenants", {"clock": {"now": "2020-02-30T00:00:00Z"}}),
    ("POST", "/_sandbox/tenants", {"clock": {"now": "0001-01-01T00:00:00+05:00"}}),
    ("POST", "/_sandbox/tenants", {"clock": {"now": "9999-12-31T23:00:00-05:00"}}),
    ("POST", "/_sandbox/tenants", {"clock": "tomorrow"}), ("POST", "/_sandbox/tenants", {"x" * 1000: 1}),
    ("PUT", "/_sandbox/tenants/{id}/clock", {"now": "not a date"}),
    ("PUT", "/_sandbox/tenants/{id}/clock", {"now": "0001-01-01T00:00:00+05:00"}),
    ("PUT", "/_sandbox/tenants/{id}/clock", {"now": "9999-12-31T00:00:00Z", "advanceSeconds": 300_000_000}),
    ("PUT", "/_sandbox/tenants/{id}/clock", {"now": "0001-01-02T00:00:00Z", "advanceSeconds": -300_000_000}),
    ("PUT", "/_sandbox/tenants/{id}/clock", {"advanceSeconds": 1e308}),
    ("PUT", "/_sandbox/tenants/{id}/clock", {"advanceSeconds": "NaN"}),
    ("PUT", "/_sandbox/tenants/{id}/clock", {"frozen": "yes"}),
    ("POST", "/_sandbox/tenants/{id}/customers", {"state": SQL_OR}),
    ("POST", "/_sandbox/tenants/{id}/customers", {"country": "<b>"}),
    ("POST", "/_sandbox/tenants/{id}/customers", {"country": "ZZ"}),
    ("POST", "/_sandbox/tenants/{id}/customers", {"partnerId": SQL_OR}),
    ("POST", "/_sandbox/tenants/{id}/customers", {"partnerId": "00000000-0000-0000-0000-000000000000"}),
    ("POST", "/_sandbox/tenants/{id}/faults", {"operation": SQL_OR, "status": 500}),
    ("POST", "/_sandbox/tenants/{id}/faults", {"status": 200}),
    ("POST", "/_sandbox/tenants/{id}/faults", {"status": 500, "probability": 2}),
    ("POST", "/_sandbox/tenants/{id}/faults", {"delayMs": 10**9}),
    ("GET", "/_sandbox/tenants/{id}/journal?limit=" + SQL_OR, None),
    ("GET", "/_sandbox/tenants/" + "%27%20OR%20%271%27%3D%271", None),
    ("DELETE", "/_sandbox/tenants/" + "%27%20OR%20%271%27%3D%271", None),
    ("POST", "/_sandbox/tenants/" + "%00" + "/reset", None),
    ("PATCH", "/_sandbox/tenants/{id}/applications/" + "%27%20OR%20%271%27%3D%271", {"allowPublicClientFlows": False}),
    ("PATCH", "/_sandbox/tenants/{id}/applications/" + "%00", {"allowPublicClientFlows": False}),
    ("PATCH", "/_sandbox/tenants/" + "%27%20OR%20%271%27%3D%271" + "/applications/x", {"allowPublicClientFlows": False}),
]


def test_bad_control_requests_are_4xx_and_change_nothing(app, client, world):
    tenant_id = world["tenant"]["id"]
    clock = client.get(f"/_sandbox/tenants/{tenant_id}/clock").get_json()
    before = snapshot(app)
    for method, path, body in CONTROL_BAD:
        response = client.open(path.replace("{id}", tenant_id), method=method, json=body)
        assert_partner_center_error(response, f"{method} {path} {body!r:.80}")
    for label, raw, content_type in body_level_bad({"customers": 1}):
        if label == "empty":  # the body is optional here: an empty one makes a default tenant
            continue
        response = client.post("/_sandbox/tenants", data=raw, headers={"Content-Type": content_type})
        assert_partner_center_error(response, label)
    assert snapshot(app) == before
    assert client.get(f"/_sandbox/tenants/{tenant_id}/clock").get_json() == clock
    add_customer(client, tenant_id)  # and the control API still works


@pytest.mark.parametrize(("raw", "says"), [
    (b'{"quantity": 3', "Expecting ',' delimiter: line 1 column 15 (char 14)"),  # the parser's place, kept
    (b'{"quantity": "\xff"}', "it is not UTF-8 text (byte 14)."),
    (b"[" * 100_000 + b"]" * 100_000, "it nests too deeply."),
    (b'{"quantity": ' + b"9" * 5000 + b"}", "a number has too many digits."),
], ids=["syntax", "not-utf8", "deep", "long-number"])
def test_a_body_that_is_not_json_says_why_in_the_services_words(client, world, raw, says):
    method, path, _ = writes(world)["updateSubscription"]
    response = client.open(path, method=method, headers={**world["headers"], "Content-Type": "application/json"}, data=raw)
    body = assert_classic_error(response, 400, 800002)
    assert body["description"] == f"The request body is not valid JSON: {says}"
