"""The journal keeps no secret even before it is read: bodies that could hold one are redacted when
recorded; only bodies that can't (ASCII, no escapes, no secret's property name) wait to be parsed."""

from __future__ import annotations

import pytest

from sandbox.app import create_app
from sandbox.web.control import traffic

from .helpers import customer_body, request_token


@pytest.fixture
def app(store_url):
    """The journal kept in memory (one process's), whatever the database: what these tests look into."""
    app = create_app({"DATABASE_URL": store_url, "PUBLIC_URL": "http://sandbox.test", "SECRET_KEY": "test-secret",
                      "JOURNAL_STORE": "memory"})
    yield app
    app.extensions["engine"].dispose()


def stored_entries(app, tenant_id: str) -> list[dict]:
    journals = traffic.traffic(app)._journals
    with journals._lock:
        return list(journals._tenant(tenant_id).journal)


def test_secrets_are_redacted_when_recorded_and_plain_bodies_read_the_same(app, client, tenant, headers):
    created = client.post("/v1/customers", headers=headers, json=customer_body())
    password = created.get_json()["userCredentials"]["password"]
    client.get("/v1/agreements?agreementType=MicrosoftCustomerAgreement", headers=headers)
    token = request_token(client, tenant)  # its answer holds an access token

    stored = repr(stored_entries(app, tenant["id"]))
    assert password not in stored
    assert token not in stored and tenant["application"]["clientSecret"] not in stored

    journal = client.get(f"/_sandbox/tenants/{tenant['id']}/journal").get_json()["items"]
    by_operation = {entry["operation"]: entry for entry in journal}
    metadata = by_operation["getAgreementMetadata"]
    assert metadata["responseBody"]["items"][0]["templateId"] == "117a77b0-9360-443b-8795-c6dedc750cf9"
    assert by_operation["createCustomer"]["responseBody"]["userCredentials"]["password"] == "[redacted]"
    assert by_operation["createCustomer"]["requestBody"]["billingProfile"]["companyName"] == "Test Company"


@pytest.mark.parametrize("secret_key", [
    b'"pass\\u0077ord"',  # an escape spells "password"
    b'"ACCESS_TO\xe2\x84\xaaEN"',  # a Kelvin sign lower-cases to k: "access_token"
])
def test_a_body_that_could_hide_a_secret_is_parsed_and_redacted_at_once(app, client, tenant, headers, secret_key):
    body = (b'{"primaryContact": {"firstName": "Jan", "lastName": "Jansen", "email": "a@b.example"}, "templateId": "x", '
            b'"dateAgreed": "2020-01-01", "type": "MicrosoftCustomerAgreement", ' + secret_key + b': "s3cret"}')
    client.post(f"/v1/customers/{tenant['customers'][0]['id']}/agreements",
                headers={**headers, "Content-Type": "application/json"}, data=body)
    [entry] = [e for e in stored_entries(app, tenant["id"]) if e.path.endswith("/agreements")]
    assert isinstance(entry.request_body, dict), entry.request_body
    assert "s3cret" not in repr(entry)


@pytest.mark.parametrize("name", ["client_secret", "client%5Fsecret", "CLIENT_SECRET"])
def test_a_secret_named_query_parameter_is_redacted_when_recorded(app, client, tenant, headers, name):
    client.get(f"/v1/customers?size=5&{name}=s3cret-in-query", headers=headers)
    [entry] = [e for e in stored_entries(app, tenant["id"]) if e.path == "/v1/customers"]
    assert "s3cret-in-query" not in repr(entry)
    shown = name.replace("%5F", "_")
    assert entry.as_json()["query"] == {"size": "5", shown: "[redacted]"}


@pytest.mark.parametrize("name", ["code", "device_code", "code_verifier", "CODE"])
def test_a_code_in_a_token_requests_query_is_redacted_as_in_its_form(app, client, tenant, name):
    """A query is form-encoded, as the token endpoint's form: a code there is an authorization or device code."""
    from .helpers import RESOURCE

    form = {"grant_type": "client_credentials", "client_id": tenant["application"]["clientId"],
            "client_secret": tenant["application"]["clientSecret"], "resource": RESOURCE}
    assert client.post(f"/{tenant['id']}/oauth2/token?{name}=s3cret-code", data=form).status_code == 200
    [entry] = [e for e in stored_entries(app, tenant["id"]) if e.path.endswith("/oauth2/token")]
    assert "s3cret-code" not in repr(entry)
    assert entry.as_json()["query"] == {name: "[redacted]"}


def test_a_plain_query_is_kept_as_it_came_and_shown_parsed(app, client, tenant, headers):
    client.get("/v1/agreements?agreementType=MicrosoftCustomerAgreement&x=" + "y" * 600, headers=headers)
    [entry] = [e for e in stored_entries(app, tenant["id"]) if e.path == "/v1/agreements"]
    assert isinstance(entry.query, str)  # parsed only when the journal is read
    assert entry.as_json()["query"] == {"agreementType": "MicrosoftCustomerAgreement", "x": "y" * 500}


def test_every_secret_name_holds_a_stem_the_quick_check_looks_for():
    for name in traffic.SECRET_NAMES:
        assert traffic._names_a_secret(name.encode()), name


def test_headers_are_kept_as_sent_with_secrets_redacted_and_no_process_environment(app, client, tenant, headers):
    """A production server's environ holds its process's environment too (granian copies os.environ into
    every request's): only the request's headers are kept."""
    from werkzeug.test import EnvironBuilder

    customer = tenant["customers"][0]["id"]
    environ = EnvironBuilder(
        path=f"/v1/customers/{customer}/agreements", method="POST", data=b'{"type": "MicrosoftCustomerAgreement"}',
        headers={**headers, "Content-Type": "application/json", "Cookie": "session=crumb", "X-Sandbox-Key": "k3y",
                 "MS-RequestId": "1f6f2a5e-6a1f-4a4e-9c43-2d4b1c0f0c11", "X-Trace": "t-1"},
    ).get_environ()
    app({"PATH": "/usr/bin", "HOME": "/root", **environ}, lambda status, sent, exc_info=None: None)

    [entry] = [e for e in client.get(f"/_sandbox/tenants/{tenant['id']}/journal").get_json()["items"]
               if e["path"].endswith("/agreements")]
    assert entry["requestHeaders"] == {
        "Host": "localhost", "Authorization": "Bearer [redacted]", "Cookie": "[redacted]", "X-Sandbox-Key": "[redacted]",
        "Ms-Requestid": "1f6f2a5e-6a1f-4a4e-9c43-2d4b1c0f0c11", "X-Trace": "t-1",
        "Content-Type": "application/json", "Content-Length": "38",
    }
    answer = entry["responseHeaders"]
    assert answer["Content-Type"] == "application/json; charset=utf-8"
    assert answer["MS-RequestId"] == entry["requestId"] == "1f6f2a5e-6a1f-4a4e-9c43-2d4b1c0f0c11"
    assert entry["status"] == 400 and entry["requestBody"] == {"type": "MicrosoftCustomerAgreement"}
