"""Secrets at rest and on the wire: passwords hashed, tokens checked (signature, audience, expiry, alg,
tenant), CSRF on every form, cookies HttpOnly and SameSite, no secret in logs or in the journal, and the
control API off or behind its own key."""

from __future__ import annotations

import base64
import json
import logging
import re
import time

import jwt
import pytest
from admin_center.conftest import AGREEMENT_URL, AdminCenter, invitation_url
from api.helpers import advance_clock, agreement_body, bearer, customer_body, request_token
from portal.helpers import Portal, account_info, set_clock, user_of
from sqlalchemy import String, Text, select

from sandbox.app import create_app
from sandbox.store.orm import metadata
from sandbox.web.identity import tokens

from .helpers import snapshot


def secrets_of(tenant: dict) -> list[str]:
    found = [u["password"] for u in tenant["users"]] + [tenant["application"]["clientSecret"]]
    found += [c["password"] for c in tenant["customers"] if c.get("password")]
    return found


def stored_text(app) -> str:
    """Every text value in every table, as one string."""
    chunks = []
    with app.extensions["engine"].connect() as connection:
        for table in metadata.sorted_tables:
            columns = [c for c in table.columns if isinstance(c.type, String | Text)]
            if columns:
                chunks.extend(str(v) for row in connection.execute(select(*columns)) for v in row if v is not None)
    return "\n".join(chunks)


def test_passwords_and_secrets_are_stored_hashed(app, client, tenant):
    set_clock(client, tenant["id"])
    made = client.post("/v1/customers", json=customer_body(), headers=bearer(request_token(client, tenant)))
    temporary = made.get_json()["userCredentials"]
    center = AdminCenter(client)
    center.sign_in(temporary["userName"], temporary["password"])
    new_password = "Chosen-by-the-customer-1"
    changed = center.post("/login", {"step": "update", "current_password": temporary["password"],
                                     "new_password": new_password, "confirm_password": new_password})
    assert changed.status_code == 302
    text = stored_text(app)
    for secret in [*secrets_of(tenant), temporary["password"], new_password]:
        assert secret not in text
    assert text.count("pbkdf2:sha256:") >= len(tenant["users"]) + 1


# --- tokens ---------------------------------------------------------------------------------------


def _claims(token: str) -> dict:
    return jwt.decode(token, options={"verify_signature": False})


def _unsigned(claims: dict) -> str:
    part = lambda value: base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")  # noqa: E731
    return f"{part({'alg': 'none', 'typ': 'JWT'})}.{part(claims)}."


def assert_401(client, token: str, path: str, label: str):
    response = client.get(path, headers=bearer(token))
    assert response.status_code == 401, (label, response.status_code, response.get_data(as_text=True))
    assert response.headers["WWW-Authenticate"].startswith("Bearer"), label
    assert response.get_json()["code"] == 800001, label


def test_tokens_are_checked_for_signature_audience_expiry_algorithm_and_tenant(app, client, tenant):
    other = client.post("/_sandbox/tenants", json={"customers": 1}).get_json()
    good = request_token(client, tenant)
    claims = _claims(good)
    path = f"/v1/customers/{tenant['customers'][0]['id']}"
    assert client.get(path, headers=bearer(good)).status_code == 200
    key = tokens.signing_key(app.config["SECRET_KEY"])
    other_user = _claims(request_token(client, other))
    forged = {
        "wrong signature": jwt.encode(claims, b"another key" * 4, algorithm="HS256"),
        "tampered claims, old signature": good.rsplit(".", 1)[0].rsplit(".", 1)[0] + "." + base64.urlsafe_b64encode(
            json.dumps({**claims, "roles": ["AdminAgent"], "tid": other["id"]}).encode()).decode().rstrip("=")
            + "." + good.rsplit(".", 1)[1],
        "alg none": _unsigned(claims),
        "alg none, no signature part": _unsigned(claims)[:-1],
        "HS512": jwt.encode(claims, key * 2, algorithm="HS512"),
        "wrong audience": jwt.encode({**claims, "aud": "https://graph.microsoft.com"}, key, algorithm="HS256"),
        "no audience": jwt.encode({k: v for k, v in claims.items() if k != "aud"}, key, algorithm="HS256"),
        "wrong issuer": jwt.encode({**claims, "iss": "https://sts.windows.net/evil/"}, key, algorithm="HS256"),
        "expired": jwt.encode({**claims, "exp": claims["iat"] - 1}, key, algorithm="HS256"),
        "another tenant's user in this tenant's token": jwt.encode({**claims, "oid": other_user["oid"]}, key, algorithm="HS256"),
        "this tenant's user under another tenant": jwt.encode(
            {**claims, "tid": other["id"], "iss": f"https://sts.windows.net/{other['id']}/"}, key, algorithm="HS256"),
        "another sandbox's token": jwt.encode(claims, tokens.signing_key("another sandbox"), algorithm="HS256"),
        "garbage": "not.a.token",
    }
    for label, token in forged.items():
        assert_401(client, token, path, label)
    advance_clock(client, tenant["id"], 3600)  # the tenant's clock passes the real token's expiry
    assert_401(client, good, path, "expired on the tenant's clock")


# --- CSRF and cookies -----------------------------------------------------------------------------

FORM = re.compile(r'<form[^>]*method="post"[^>]*>', re.I)


def test_every_form_of_both_portals_needs_its_csrf_token(app, client, tenant):
    set_clock(client, tenant["id"])
    portal = Portal(client)
    portal.sign_in(user_of(tenant, "AdminAgent"))
    customer = tenant["customers"][0]
    posts = [
        ("/dashboard/signin", {"user_name": "x", "password": "y"}),
        ("/dashboard/signin/persona", {"tenant": tenant["id"], "user_id": "x"}),
        ("/dashboard/signout", {}),
        ("/dashboard/customers/new", account_info()),
        ("/dashboard/customers/new/review", {"action": "submit"}),
        (f"/dashboard/customers/{customer['id']}/agreement",
         {"first_name": "A", "last_name": "B", "email": "a@b.example", "date_agreed": "2020-03-01"}),
        (f"/dashboard/customers/{customer['id']}/subscriptions", {"offer": "CFQ7TTC0LH18:0001", "quantity": "1"}),
        (f"/dashboard/customers/{customer['id']}/subscriptions/00000000-0000-0000-0000-000000000000", {"quantity": "2"}),
        ("/login", {"step": "username", "username": customer["userName"]}),
        ("/logout", {}),
        (AGREEMENT_URL, {"accept": "on"}),
        (invitation_url(tenant["id"]), {"authorize": "on", "accept": "on"}),
    ]
    before = snapshot(app)
    for path, form in posts:
        for token in ("", "forged"):
            response = client.post(path, data={**form, "csrf_token": token})
            assert response.status_code == 400, (path, token, response.status_code)
    assert snapshot(app) == before
    assert portal.get("/dashboard/customers").status_code == 200  # the sign-out was refused too
    # and every form the pages show carries a token
    for path in ("/dashboard/home", "/dashboard/customers/new", f"/dashboard/customers/{customer['id']}/agreement",
                 f"/dashboard/customers/{customer['id']}/subscriptions", "/dashboard/customers"):
        text = portal.text(path)
        assert len(FORM.findall(text)) == text.count('name="csrf_token"'), path
    center = AdminCenter(app.test_client())
    for path in ("/login", ):
        text = center.client.get(path).get_data(as_text=True)
        assert len(FORM.findall(text)) == text.count('name="csrf_token"') >= 1, path


def test_session_cookies_are_http_only_and_same_site(client, tenant):
    portal = Portal(client)
    response = portal.sign_in(user_of(tenant, "AdminAgent"))
    center = AdminCenter(client.application.test_client())
    customer = tenant["customers"][0]
    first = center.post("/login", {"step": "username", "username": customer["userName"]})
    for answer in (response, first):
        cookies = answer.headers.getlist("Set-Cookie")
        assert cookies
        for cookie in cookies:
            assert "HttpOnly" in cookie and re.search(r"SameSite=(Lax|Strict)", cookie), cookie


def test_over_https_session_cookies_are_secure_too(app, tenant):
    """Served with --tls, the session cookie (which holds the CSRF token) never travels over plain HTTP."""
    for scheme, secure in (("https", True), ("http", False)):
        page = app.test_client().get("/dashboard/signin", base_url=f"{scheme}://localhost")
        cookies = page.headers.getlist("Set-Cookie")
        assert cookies, scheme
        assert all(("; Secure" in cookie) is secure for cookie in cookies), (scheme, cookies)


# --- no secret in logs or in the journal ----------------------------------------------------------


def test_no_secret_reaches_the_logs_or_the_journal(app, client, tenant, caplog):
    caplog.set_level(logging.DEBUG)
    set_clock(client, tenant["id"])
    user = user_of(tenant, "AdminAgent")
    token = request_token(client, tenant)
    app_token = request_token(client, tenant, None)
    v2 = client.post(f"/{tenant['id']}/oauth2/v2.0/token", data={
        "grant_type": "client_credentials", "client_id": tenant["application"]["clientId"],
        "client_secret": tenant["application"]["clientSecret"], "scope": "https://api.partnercenter.microsoft.com/.default"})
    client.post(f"/{tenant['id']}/oauth2/token", data={"grant_type": "password", "client_id": tenant["application"]["clientId"],
                "username": user["userName"], "password": user["password"] + "-wrong", "resource": "https://api.partnercenter.microsoft.com"})
    made = client.post("/v1/customers", json=customer_body(), headers=bearer(token)).get_json()
    client.post(f"/v1/customers/{made['id']}/agreements", json=agreement_body(dateAgreed="2020-03-01T00:00:00Z"),
                headers={**bearer(token), "Cookie": "session=secret-cookie"})
    client.get("/v1/customers", headers=bearer(app_token))
    Portal(client).sign_in(user)
    AdminCenter(client).sign_in(made["userCredentials"]["userName"], made["userCredentials"]["password"])
    client.get("/v1/customers/not-a-guid", headers=bearer(token + "x"))
    app.logger.info("a log line")  # the capture works
    secrets = [*secrets_of(tenant), token, app_token, v2.get_json()["access_token"], made["userCredentials"]["password"],
               user["password"] + "-wrong", "secret-cookie", app.config["SECRET_KEY"]]
    journal = json.dumps(client.get(f"/_sandbox/tenants/{tenant['id']}/journal").get_json())
    assert journal.count('"operation"') >= 5
    logged = caplog.text
    assert "a log line" in logged
    for secret in secrets:
        assert secret not in journal
        assert secret not in logged
    assert "[redacted]" in journal


def test_an_unexpected_error_logs_no_request_secret(app, client, tenant, caplog, monkeypatch):
    """A 500's log line names the method and path, never the body or the headers."""
    from sandbox.services import customers

    def boom(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(customers, "list_customers", boom)
    token = request_token(client, tenant)
    with caplog.at_level(logging.ERROR):
        response = client.get("/v1/customers", headers=bearer(token))
    assert response.status_code == 500 and response.get_json()["code"] == 800003
    assert "boom" in caplog.text and token not in caplog.text
    assert "Traceback" not in response.get_data(as_text=True)


# --- the control API on a shared deployment ------------------------------------------------------


CONTROL_ROUTES = [("GET", "/_sandbox/tenants"), ("POST", "/_sandbox/tenants"), ("POST", "/_sandbox/reset"),
                  ("GET", "/_sandbox/tenants/{id}"), ("DELETE", "/_sandbox/tenants/{id}"),
                  ("POST", "/_sandbox/tenants/{id}/reset"), ("PUT", "/_sandbox/tenants/{id}/clock"),
                  ("POST", "/_sandbox/tenants/{id}/customers"), ("GET", "/_sandbox/tenants/{id}/journal"),
                  ("POST", "/_sandbox/tenants/{id}/faults")]


def _tenant_in(app) -> str:
    from sandbox import seed

    return seed.create_tenant(app.extensions["services"], customers=1)["id"]


def test_the_control_api_switched_off_is_not_there(tmp_path):
    app = create_app({"DATABASE_URL": "sqlite://", "SECRET_KEY": "k", "CONTROL_API": False})
    client = app.test_client()
    tenant_id = _tenant_in(app)
    before = snapshot(app)
    for method, path in [*CONTROL_ROUTES, ("GET", "/_sandbox/health")]:
        response = client.open(path.replace("{id}", tenant_id), method=method, json={})
        assert response.status_code == 404 and response.get_json()["code"] == 1000, (method, path)
    persona = client.get(f"/dashboard/signin?tenant={tenant_id}").get_data(as_text=True)
    assert "Sandbox personas" not in persona
    assert snapshot(app) == before


def test_the_control_api_behind_its_key(tmp_path):
    app = create_app({"DATABASE_URL": "sqlite://", "SECRET_KEY": "k", "CONTROL_API_KEY": "team-key-123"})
    client = app.test_client()
    tenant_id = _tenant_in(app)
    before = snapshot(app)
    for method, path in CONTROL_ROUTES:
        for headers in ({}, {"X-Sandbox-Key": "wrong"}, {"X-Sandbox-Key": "team-key-1234"}, {"X-Sandbox-Key": ""}):
            response = client.open(path.replace("{id}", tenant_id), method=method, json={}, headers=headers)
            assert response.status_code == 403, (method, path, headers)
            assert "team-key-123" not in response.get_data(as_text=True)
    assert snapshot(app) == before
    assert client.get("/_sandbox/health").status_code == 200  # health stays open for load balancers
    keyed = client.get("/_sandbox/tenants", headers={"X-Sandbox-Key": "team-key-123"})
    assert keyed.status_code == 200 and keyed.get_json()["items"]


@pytest.mark.parametrize("sleep_s", [0])
def test_sign_in_failures_take_the_same_path_for_unknown_users_and_wrong_passwords(client, tenant, sleep_s):
    """No user enumeration through the token endpoint's timing: both are checked against a hash."""
    time.sleep(sleep_s)
    user = user_of(tenant, "AdminAgent")
    form = {"grant_type": "password", "client_id": tenant["application"]["clientId"],
            "client_secret": tenant["application"]["clientSecret"], "resource": "https://api.partnercenter.microsoft.com"}
    wrong = client.post(f"/{tenant['id']}/oauth2/token", data={**form, "username": user["userName"], "password": "nope"})
    assert wrong.status_code == 400 and wrong.get_json()["error"] == "invalid_grant"
    portal_wrong = Portal(client).post("/dashboard/signin", {"user_name": user["userName"], "password": "nope"})
    portal_unknown = Portal(client).post("/dashboard/signin", {"user_name": "nobody@example.com", "password": "nope"})
    assert portal_wrong.status_code == portal_unknown.status_code == 401
    assert "Your account or password is incorrect." in portal_wrong.get_data(as_text=True)
    assert "Your account or password is incorrect." in portal_unknown.get_data(as_text=True)


def test_a_shared_deployment_served_with_the_control_api_behind_a_key_logs_no_secret(tmp_path):
    """`mca-sandbox serve` as a team runs it: the key from the environment, the banner saying so, and after
    tenants, tokens and API calls its output holds none of their secrets (the demo workspace's sign-ins,
    printed once at start, are the only ones it shows)."""
    import requests
    from concurrency.test_processes import Serve

    key = "team-key-" + "9" * 20
    server = Serve(f"sqlite:///{tmp_path / 'shared.db'}", tmp_path / "serve.log", env={"MCA_SANDBOX_CONTROL_API_KEY": key})
    try:
        server.wait_up()
        assert requests.get(f"{server.url}/_sandbox/tenants", timeout=10).status_code == 403
        made = requests.post(f"{server.url}/_sandbox/tenants", json={"customers": 1}, headers={"X-Sandbox-Key": key},
                             timeout=30).json()
        user = user_of(made, "AdminAgent")
        token = requests.post(f"{server.url}/{made['id']}/oauth2/token", timeout=10, data={
            "grant_type": "password", "client_id": made["application"]["clientId"],
            "client_secret": made["application"]["clientSecret"], "resource": "https://api.partnercenter.microsoft.com",
            "username": user["userName"], "password": user["password"]}).json()["access_token"]
        created = requests.post(f"{server.url}/v1/customers", json=customer_body(), timeout=10,
                                headers=bearer(token)).json()
        requests.get(f"{server.url}/v1/customers/not-a-guid", headers=bearer(token + "x"), timeout=10)
        output = server.output()
    finally:
        server.stop()
    assert "sandbox only; on, behind X-Sandbox-Key" in output
    for secret in [*secrets_of(made), token, created["userCredentials"]["password"], key]:
        assert secret not in output
