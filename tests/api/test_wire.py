"""Wire behaviour shared by every operation: ids, idempotency, paths, content types, bad input."""

from __future__ import annotations

import io
import json
import re
import uuid

import pytest

from .helpers import agreement_body, assert_classic_error, customer_body

GUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def count_customers(client, headers) -> int:
    return client.get("/v1/customers?size=500", headers=headers).get_json()["totalCount"]


# --- MS-RequestId and MS-CorrelationId -----------------------------------------------------------


def test_request_and_correlation_ids_are_echoed(client, headers, customer_id):
    ids = {"MS-RequestId": "94e4e214-6b06-4fb7-96d1-94d559f9b47f", "MS-CorrelationId": "ab993325-1605-4cf4-bac4-fb584142a31b"}
    response = client.get(f"/v1/customers/{customer_id}", headers={**headers, **ids})
    assert response.headers["MS-RequestId"] == ids["MS-RequestId"]
    assert response.headers["MS-CorrelationId"] == ids["MS-CorrelationId"]
    assert response.headers["Content-Type"] == "application/json; charset=utf-8"


@pytest.mark.parametrize(
    "path_and_headers",
    [("/v1/agreements", True), ("/v1/agreements", False), ("/v1/no-such-thing", True), ("/v1/customers/not-a-guid", True)],
)
def test_ids_are_generated_when_absent_even_on_errors(client, headers, path_and_headers):
    path, authorised = path_and_headers
    response = client.get(path, headers=headers if authorised else {})
    assert GUID.match(response.headers["MS-RequestId"]) and GUID.match(response.headers["MS-CorrelationId"])
    assert response.headers["MS-RequestId"] != response.headers["MS-CorrelationId"]
    made = uuid.UUID(response.headers["MS-RequestId"])
    assert (made.version, made.variant) == (4, uuid.RFC_4122)  # a real random GUID, as the service makes
    for name in ("MS-RequestId", "MS-CorrelationId", "MS-CV"):
        assert len(response.headers.getlist(name)) == 1, name


@pytest.mark.parametrize("value", ["has space", "x" * 101, "ünï", "tab\there"])
def test_an_unusable_request_id_is_a_400(client, headers, value):
    response = client.get("/v1/agreements", headers={**headers, "MS-RequestId": value.encode("utf-8").decode("latin-1")})
    assert_classic_error(response, 400, 800002)
    assert GUID.match(response.headers["MS-RequestId"])


def test_an_unusable_request_id_still_echoes_the_correlation_id(client, headers):
    correlation = "ab993325-1605-4cf4-bac4-fb584142a31b"  # the id the caller's logs will be searched by
    response = client.get("/v1/agreements", headers={**headers, "MS-RequestId": "has space", "MS-CorrelationId": correlation})
    assert_classic_error(response, 400, 800002)
    assert response.headers["MS-CorrelationId"] == correlation


# --- idempotency -----------------------------------------------------------------------------------


def test_a_retried_create_gets_the_first_answer_and_creates_once(client, headers):
    body = customer_body()
    retry = {**headers, "MS-RequestId": str(uuid.uuid4())}
    before = count_customers(client, headers)

    first = client.post("/v1/customers", headers=retry, json=body)
    second = client.post("/v1/customers", headers={**retry, "MS-CorrelationId": str(uuid.uuid4())}, json=body)

    assert first.status_code == second.status_code == 201
    assert first.get_json() == second.get_json()  # same id, same one-time password
    assert count_customers(client, headers) == before + 1


def test_a_retried_confirmation_is_not_a_duplicate(client, headers, customer_id):
    retry = {**headers, "MS-RequestId": str(uuid.uuid4())}
    first = client.post(f"/v1/customers/{customer_id}/agreements", headers=retry, json=agreement_body())
    second = client.post(f"/v1/customers/{customer_id}/agreements", headers=retry, json=agreement_body())
    assert first.status_code == second.status_code == 201
    # a new call with a new id is a duplicate
    third = client.post(f"/v1/customers/{customer_id}/agreements", headers=headers, json=agreement_body())
    assert third.status_code == 409


def test_a_business_failure_is_the_first_answer_too(client, headers, customer_id):
    retry = {**headers, "MS-RequestId": str(uuid.uuid4())}
    future = agreement_body(dateAgreed="2999-01-01T00:00:00Z")
    first = client.post(f"/v1/customers/{customer_id}/agreements", headers=retry, json=future)
    second = client.post(f"/v1/customers/{customer_id}/agreements", headers=retry, json=future)
    assert first.status_code == second.status_code == 400
    assert first.get_json() == second.get_json()


def test_a_refusal_is_replayed_even_once_the_refusal_no_longer_holds(client, headers, customer_id):
    """A retry is the first call again: an order refused for want of the MCA stays refused under its
    MS-RequestId after the MCA is confirmed (a new id buys)."""
    retry = {**headers, "MS-RequestId": str(uuid.uuid4())}
    order = {"lineItems": [{"offerId": "CFQ7TTC0LH18:0001", "quantity": 1}]}
    first = client.post(f"/v1/customers/{customer_id}/orders", headers=retry, json=order)
    assert_classic_error(first, 403, 13605)
    assert client.post(f"/v1/customers/{customer_id}/agreements", headers=headers, json=agreement_body()).status_code == 201

    again = client.post(f"/v1/customers/{customer_id}/orders", headers=retry, json=order)
    assert (again.status_code, again.data) == (first.status_code, first.data)
    assert client.get(f"/v1/customers/{customer_id}/subscriptions", headers=headers).get_json()["totalCount"] == 0
    assert client.post(f"/v1/customers/{customer_id}/orders", headers=headers, json=order).status_code == 201


def test_the_same_request_id_with_another_body_is_refused(client, headers):
    retry = {**headers, "MS-RequestId": str(uuid.uuid4())}
    assert client.post("/v1/customers", headers=retry, json=customer_body()).status_code == 201
    before = count_customers(client, headers)
    body = assert_classic_error(client.post("/v1/customers", headers=retry, json=customer_body()), 400, 800002)
    assert "MS-RequestId" in body["description"]
    assert count_customers(client, headers) == before


def test_a_guid_request_id_retried_in_another_spelling_is_the_same_request(client, headers):
    """The header is typed GUID: upper case or braces name the same id, as the API reads GUIDs in any case
    (the purchases audit placed three orders with one id spelled three ways)."""
    request_id = str(uuid.uuid4())
    body = customer_body()
    first = client.post("/v1/customers", headers={**headers, "MS-RequestId": request_id}, json=body)
    assert first.status_code == 201
    before = count_customers(client, headers)
    for spelling in (request_id.upper(), "{" + request_id + "}"):
        again = client.post("/v1/customers", headers={**headers, "MS-RequestId": spelling}, json=body)
        assert (again.status_code, again.data) == (first.status_code, first.data)
        assert again.headers["MS-RequestId"] == spelling  # echoed as sent
    assert count_customers(client, headers) == before


def test_a_retry_to_the_same_path_spelled_otherwise_is_the_same_request(client, headers, customer_id):
    """Paths route in any case and with or without a trailing slash: a retry through either is the call
    it retries, so it gets the first answer, not "already used for a different request"."""
    path = f"/v1/customers/{customer_id}/agreements"
    retry = {**headers, "MS-RequestId": str(uuid.uuid4())}
    first = client.post(path, headers=retry, json=agreement_body())
    assert first.status_code == 201
    for spelling in (path + "/", path.replace("/customers/", "/Customers/").replace("/agreements", "/Agreements/")):
        again = client.post(spelling, headers=retry, json=agreement_body())
        assert (again.status_code, again.data) == (first.status_code, first.data), spelling
    listed = client.get(f"{path}?agreementType=*", headers=headers).get_json()
    assert listed["totalCount"] == 1


def test_a_retry_that_serialises_its_body_anew_is_the_same_request(client, headers, customer_id):
    """A client re-sending after a timeout may build the JSON again: other spacing, property order,
    PascalCase names, a byte-order mark. The value is what was sent, so it gets the first answer."""
    retry = {**headers, "MS-RequestId": str(uuid.uuid4()), "Content-Type": "application/json"}
    body = agreement_body()
    first = client.post(f"/v1/customers/{customer_id}/agreements", headers=retry, data=json.dumps(body))
    assert first.status_code == 201

    pascal = {key[0].upper() + key[1:]: value for key, value in reversed(body.items())}
    pascal["PrimaryContact"] = {key[0].upper() + key[1:]: value for key, value in body["primaryContact"].items()}
    again = "\ufeff" + json.dumps(pascal, indent=4)
    second = client.post(f"/v1/customers/{customer_id}/agreements", headers=retry, data=again.encode("utf-8"))
    assert (second.status_code, second.data) == (first.status_code, first.data)
    listed = client.get(f"/v1/customers/{customer_id}/agreements?agreementType=MicrosoftCustomerAgreement", headers=headers)
    assert listed.get_json()["totalCount"] == 1


@pytest.mark.parametrize("change", ["value", "null", "number"])
def test_a_retry_whose_body_means_something_else_is_refused(client, headers, change):
    retry = {**headers, "MS-RequestId": str(uuid.uuid4())}
    body = customer_body()
    assert client.post("/v1/customers", headers=retry, json=body).status_code == 201
    before = count_customers(client, headers)
    altered = json.loads(json.dumps(body))
    if change == "value":
        altered["billingProfile"]["companyName"] += " "
    elif change == "null":
        altered["billingProfile"]["culture"] = None
    else:
        altered["billingProfile"]["defaultAddress"]["postalCode"] = 98052
    refused = assert_classic_error(client.post("/v1/customers", headers=retry, json=altered), 400, 800002)
    assert "already used for a different request" in refused["description"]
    assert count_customers(client, headers) == before


def test_without_a_request_id_each_call_is_new(client, headers):
    before = count_customers(client, headers)
    assert client.post("/v1/customers", headers=headers, json=customer_body()).status_code == 201
    assert client.post("/v1/customers", headers=headers, json=customer_body()).status_code == 201
    assert count_customers(client, headers) == before + 2


def test_request_ids_are_scoped_to_the_tenant(client, headers):
    from .helpers import bearer, request_token

    other = client.post("/_sandbox/tenants", json={"customers": 0}).get_json()
    other_headers = bearer(request_token(client, other))
    request_id = str(uuid.uuid4())
    assert client.post("/v1/customers", headers={**headers, "MS-RequestId": request_id}, json=customer_body()).status_code == 201
    response = client.post("/v1/customers", headers={**other_headers, "MS-RequestId": request_id}, json=customer_body())
    assert response.status_code == 201
    assert count_customers(client, other_headers) == 1


# --- paths and properties ----------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/V1/CUSTOMERS", "/v1/Customers", "/v1/customers/", "/V1/AGREEMENTS?AGREEMENTTYPE=*"])
def test_paths_are_case_insensitive(client, headers, path):
    assert client.get(path, headers=headers).status_code == 200


def test_the_template_id_segment_keeps_its_case(client, headers):
    response = client.get("/v1/AgreementTemplates/117A77B0-9360-443B-8795-C6DEDC750CF9/Document", headers=headers)
    assert_classic_error(response, 400, 3000)  # documented as case-sensitive


def test_answers_are_camel_case_in_documented_order(client, headers, customer_id):
    raw = client.get(f"/v1/customers/{customer_id}", headers=headers).get_data(as_text=True)
    keys = list(json.loads(raw))
    assert keys[:4] == ["id", "commerceId", "companyProfile", "billingProfile"]
    assert keys[-1] == "attributes"


# --- bad input: always a 4xx in the documented error shape, never HTML, nothing stored ---------------

BIG = b'{"companyProfile": {"domain": "' + b"a" * (1024 * 1024) + b'.com"}}'


@pytest.mark.parametrize(
    ("data", "content_type", "status"),
    [
        (b'{"companyProfile": ', "application/json", 400),
        (b"[1, 2, 3]", "application/json", 400),
        (b'"a string"', "application/json", 400),
        (b"", "application/json", 400),
        (b"\xff\xfe\x00garbage", "application/json", 400),
        (b"[" * 100000 + b"]" * 100000, "application/json", 400),
        (b'{"a": NaN}', "application/json", 400),
        (b"companyProfile=x", "application/x-www-form-urlencoded", 415),
        (b"<customer/>", "application/xml", 415),
        (b"plain", "text/plain", 415),
        (BIG, "application/json", 413),
    ],
)
def test_bad_bodies_are_4xx_json_and_store_nothing(client, headers, data, content_type, status):
    before = count_customers(client, headers)
    response = client.post("/v1/customers", headers=headers, data=data, content_type=content_type)
    assert_classic_error(response, status)
    assert b"<html" not in response.data.lower()
    assert count_customers(client, headers) == before


@pytest.mark.parametrize("chunked", [False, True], ids=["Content-Length", "chunked"])
def test_one_byte_over_1_mib_is_413(client, headers, chunked):
    before = count_customers(client, headers)
    body = json.dumps(customer_body()).encode().ljust(1024 * 1024 + 1)
    extra = {"environ_overrides": {"HTTP_TRANSFER_ENCODING": "chunked", "wsgi.input_terminated": True}} if chunked else {}
    assert_classic_error(client.post("/v1/customers", headers=headers, data=body, content_type="application/json", **extra), 413)
    assert count_customers(client, headers) == before


def test_a_chunked_body_over_1_mib_is_413_too_and_stores_nothing(client, headers):
    """Without a Content-Length (Transfer-Encoding: chunked; the server marks such a body as terminated),
    the limit still holds: the body is not read cut short at 1 MiB."""
    before = count_customers(client, headers)
    valid = json.dumps(customer_body()).encode()
    chunked = {"HTTP_TRANSFER_ENCODING": "chunked", "wsgi.input_terminated": True}
    too_big = client.post("/v1/customers", headers=headers, data=valid + b" " * (3 * 1024 * 1024),
                          content_type="application/json", environ_overrides=chunked)
    assert_classic_error(too_big, 413)
    assert count_customers(client, headers) == before
    fits = client.post("/v1/customers", headers=headers, data=valid.ljust(1024 * 1024),
                       content_type="application/json", environ_overrides=chunked)
    assert fits.status_code == 201, fits.get_data(as_text=True)


class _CutShort(io.BytesIO):
    """A body as granian hands it over when the client goes before its last byte: what came, then nothing."""


@pytest.mark.parametrize("missing", [1, 10])
def test_a_body_cut_short_of_its_content_length_is_refused_and_stores_nothing(client, headers, missing):
    """The client promised more bytes than it sent, then went: the JSON that came may even be whole, but the
    request is not, and it is not acted on (RFC 9112: an incomplete message)."""
    before = count_customers(client, headers)
    valid = json.dumps(customer_body()).encode()
    sent = valid + b" " * 5
    cut = client.post("/v1/customers", headers=headers, content_type="application/json", data=b"", environ_overrides={
        "wsgi.input": _CutShort(sent), "CONTENT_LENGTH": str(len(sent) + missing), "wsgi.input_terminated": True})
    assert_classic_error(cut, 400)
    assert count_customers(client, headers) == before
    whole = client.post("/v1/customers", headers=headers, content_type="application/json", data=b"", environ_overrides={
        "wsgi.input": _CutShort(sent), "CONTENT_LENGTH": str(len(sent)), "wsgi.input_terminated": True})
    assert whole.status_code == 201, whole.get_data(as_text=True)


def test_the_413_names_the_limit_the_sandbox_was_given(app, client, headers):
    """MAX_CONTENT_LENGTH (MCA_SANDBOX_MAX_CONTENT_LENGTH) sets the limit, and the refusal says which it is."""
    body = json.dumps(customer_body()).encode().ljust(1024 * 1024 + 1)
    default = client.post("/v1/customers", headers=headers, data=body, content_type="application/json")
    assert default.get_json()["description"] == "The request body is larger than the 1 MiB the service accepts."
    app.config["MAX_CONTENT_LENGTH"] = 1000
    small = client.post("/v1/customers", headers=headers, data=b" " * 1001, content_type="application/json")
    assert_classic_error(small, 413)
    assert small.get_json()["description"] == "The request body is larger than the 1000 bytes the service accepts."


def test_unknown_routes_and_methods_answer_json(client, headers):
    assert_classic_error(client.get("/v1/nothing/here", headers=headers), 404, 1000)
    not_allowed = client.delete("/v1/agreements", headers=headers)
    assert_classic_error(not_allowed, 405)
    assert not_allowed.headers["Allow"] == "GET, HEAD, OPTIONS"
    assert_classic_error(client.put("/v1/customers", headers=headers, json={}), 405)
    for path in ("/v1", "/v1//customers", "/v1/customers//", f"/v1/customers/{'%2F'}/agreements"):
        response = client.post(path, headers=headers, json={})  # not found: no redirect page to follow
        assert_classic_error(response, 404, 1000)


def test_a_very_long_path_segment_is_a_400(client, headers):
    assert_classic_error(client.get("/v1/customers/" + "a" * 4000, headers=headers), 400, 900118)


def test_concurrent_twins_create_once(app, headers):
    import threading

    body, retry = customer_body(), {**headers, "MS-RequestId": str(uuid.uuid4())}
    before = count_customers(app.test_client(), headers)
    statuses: list[int] = []

    def call():
        statuses.append(app.test_client().post("/v1/customers", headers=retry, json=body).status_code)

    threads = [threading.Thread(target=call) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    assert len(statuses) == 4 and 201 in statuses and set(statuses) <= {201, 409}  # 409: the first is still running
    assert count_customers(app.test_client(), headers) == before + 1


def test_many_or_huge_unknown_properties_give_a_bounded_error(client, headers):
    body = {f"unknown{n}": n for n in range(5000)} | {"x" * 100_000: 1}
    error = assert_classic_error(client.post("/v1/customers", headers=headers, json=body), 400, 800002)
    assert len(error["data"]) <= 50 and all(len(item) <= 300 for item in error["data"])
    assert len(error["description"]) <= 1024
