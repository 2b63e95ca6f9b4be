"""An app's "Allow public client flows" (Entra's setting; Graph: isFallbackPublicClient), set with the control API:
on (the default), the password, refresh token and device code grants and a loopback redirect URI's authorization
code may leave the app's secret out, as a public client does; off, the app is a confidential client and every grant
needs its secret or a client assertion (401 invalid_client 7000218, nothing taken)."""

from __future__ import annotations

import uuid

import pytest

from .helpers import RESOURCE, assert_classic_error
from .test_authorization_code import code_of, redeem
from .test_client_assertion import ASSERTION_TYPE, assertion, make_certificate, register
from .test_device_code import approved, poll, sign_in, started
from .test_identity import basic, entra_error, password_form

NO_SECRET = "The request body must contain the following parameter: 'client_assertion' or 'client_secret'."


def application_url(tenant: dict, client_id: str | None = None) -> str:
    return f"/_sandbox/tenants/{tenant['id']}/applications/{client_id or tenant['application']['clientId']}"


def allow_public_client_flows(client, tenant: dict, allow: bool, client_id: str | None = None) -> dict:
    response = client.patch(application_url(tenant, client_id), json={"allowPublicClientFlows": allow})
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def applications_of(client, tenant: dict) -> list[dict]:
    response = client.get(f"/_sandbox/tenants/{tenant['id']}")
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()["applications"]


# --- each grant a public client makes: arranged once, then tried with or without the app's secret -----------------
# An attempt takes the request's changes (client_secret=None: no secret); the code or refresh token it redeems is the
# same at every attempt, so a refusal that took it would show at the next one.


def password_grant(version: str):
    def arrange(client, tenant: dict):
        def attempt(**changes):
            if version == "2.0":
                changes = {"resource": None, "scope": f"{RESOURCE}/user_impersonation", **changes}
            path = "/oauth2/v2.0/token" if version == "2.0" else "/oauth2/token"
            return client.post(f"/{tenant['id']}{path}", data=password_form(tenant, **changes))
        return attempt
    return arrange


def refresh_token_grant(version: str):
    def arrange(client, tenant: dict):
        first = client.post(f"/{tenant['id']}/oauth2/token", data=password_form(tenant))
        refresh_token = first.get_json()["refresh_token"]

        def attempt(**changes):
            form = {"grant_type": "refresh_token", "client_id": tenant["application"]["clientId"],
                    "client_secret": tenant["application"]["clientSecret"], "refresh_token": refresh_token}
            form["scope" if version == "2.0" else "resource"] = f"{RESOURCE}/user_impersonation" if version == "2.0" else RESOURCE
            form.update(changes)
            path = "/oauth2/v2.0/token" if version == "2.0" else "/oauth2/token"
            return client.post(f"/{tenant['id']}{path}", data={k: v for k, v in form.items() if v is not None})
        return attempt
    return arrange


def device_code_grant(version: str):
    def arrange(client, tenant: dict):
        flow = approved(client, tenant, version)  # the devicecode endpoint starts it whatever the setting

        def attempt(**changes):
            return poll(client, tenant, flow["device_code"], version,
                        **{"client_secret": tenant["application"]["clientSecret"], **changes})
        return attempt
    return arrange


def loopback_code_grant(version: str):
    def arrange(client, tenant: dict):
        code = code_of(client, tenant, version)  # to http://localhost:8400/callback: a public client's

        def attempt(**changes):
            return redeem(client, tenant, code, version, **changes)
        return attempt
    return arrange


GRANTS = {
    "password-v1": password_grant("1.0"),
    "password-v2": password_grant("2.0"),
    "refresh-token-v1": refresh_token_grant("1.0"),
    "refresh-token-v2": refresh_token_grant("2.0"),
    "device-code-v2": device_code_grant("2.0"),
    "device-code-v1": device_code_grant("1.0"),
    "loopback-code-v2": loopback_code_grant("2.0"),
    "loopback-code-v1": loopback_code_grant("1.0"),
}


@pytest.mark.parametrize("grant", GRANTS)
def test_a_confidential_client_is_refused_every_grant_without_its_secret_and_nothing_is_taken(client, tenant, grant):
    allow_public_client_flows(client, tenant, False)
    attempt = GRANTS[grant](client, tenant)

    body = entra_error(attempt(client_secret=None), 401, "invalid_client", 7000218)
    assert body["error_description"].split("\r\n")[0] == f"AADSTS7000218: {NO_SECRET}"
    entra_error(attempt(client_secret=""), 401, "invalid_client", 7000218)  # an empty secret counts as none

    response = attempt()  # with the secret: the same code, device code or refresh token still gets its token
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["access_token"]


@pytest.mark.parametrize("grant", GRANTS)
def test_a_public_client_gets_every_grant_without_a_secret_again_once_allowed(client, tenant, grant):
    allow_public_client_flows(client, tenant, False)
    allow_public_client_flows(client, tenant, True)
    attempt = GRANTS[grant](client, tenant)

    response = attempt(client_secret=None)
    assert response.status_code == 200, response.get_json()


def in_basic_header(client, tenant: dict, attempt):
    """An attempt with the app's secret in an Authorization: Basic header instead of the form (client_secret_basic;
    the form's client_id is the header's, which is allowed)."""
    app = tenant["application"]
    client.environ_base["HTTP_AUTHORIZATION"] = basic(app["clientId"], app["clientSecret"])["Authorization"]
    try:
        return attempt(client_secret=None)
    finally:
        del client.environ_base["HTTP_AUTHORIZATION"]


@pytest.mark.parametrize("grant", ["password-v1", "refresh-token-v2", "device-code-v2", "loopback-code-v1"])
def test_the_secret_in_the_authorization_header_or_a_client_assertion_authenticates_a_confidential_client(
        client, tenant, grant):
    allow_public_client_flows(client, tenant, False)
    certificate = make_certificate()
    register(client, tenant, certificate)

    response = in_basic_header(client, tenant, GRANTS[grant](client, tenant))
    assert response.status_code == 200, response.get_json()

    signed = assertion(tenant, certificate, version="1.0" if grant.endswith("v1") else "2.0")
    response = GRANTS[grant](client, tenant)(client_secret=None, client_assertion_type=ASSERTION_TYPE,
                                             client_assertion=signed)
    assert response.status_code == 200, response.get_json()


def test_the_device_code_flow_starts_and_is_signed_in_for_but_every_poll_needs_the_secret(client, tenant):
    """Entra's devicecode endpoint doesn't authenticate the app: a confidential client's flow starts, and the
    person signs in; the poll authenticates it first, so 7000218 comes before authorization_pending."""
    allow_public_client_flows(client, tenant, False)
    flow = started(client, tenant)  # 200 whatever the setting
    secret = tenant["application"]["clientSecret"]

    entra_error(poll(client, tenant, flow["device_code"]), 401, "invalid_client", 7000218)
    entra_error(poll(client, tenant, flow["device_code"], client_secret=secret), 400, "authorization_pending", 70016)
    assert sign_in(client, tenant, flow["user_code"]).status_code == 200
    entra_error(poll(client, tenant, flow["device_code"]), 401, "invalid_client", 7000218)
    assert poll(client, tenant, flow["device_code"], client_secret=secret).status_code == 200


def test_the_client_is_authenticated_before_the_user_or_the_grant(client, tenant):
    allow_public_client_flows(client, tenant, False)
    # no secret and a wrong password: the app first (Entra's order); a wrong secret is still 7000215
    entra_error(client.post(f"/{tenant['id']}/oauth2/token", data=password_form(tenant, client_secret=None,
                                                                                password="wrong")),
                401, "invalid_client", 7000218)
    entra_error(client.post(f"/{tenant['id']}/oauth2/token", data=password_form(tenant, client_secret="wrong")),
                401, "invalid_client", 7000215)


def test_a_refusal_is_in_the_tenants_journal(client, tenant):
    allow_public_client_flows(client, tenant, False)
    client.post(f"/{tenant['id']}/oauth2/token", data=password_form(tenant, client_secret=None))
    last = client.get(f"/_sandbox/tenants/{tenant['id']}/journal").get_json()["items"][-1]
    assert (last["operation"], last["status"]) == ("token (v1.0)", 401)
    assert last["responseBody"]["error_codes"] == [7000218]


def test_the_setting_is_the_apps_own(client, tenant):
    other = client.post("/_sandbox/tenants", json={"customers": 0}).get_json()
    allow_public_client_flows(client, tenant, False)
    assert client.post(f"/{other['id']}/oauth2/token", data=password_form(other, client_secret=None)).status_code == 200
    assert [a["allowPublicClientFlows"] for a in applications_of(client, other)] == [True]
    # a tenant made afterwards allows them too (the default)
    later = client.post("/_sandbox/tenants", json={"customers": 0}).get_json()
    assert [a["allowPublicClientFlows"] for a in applications_of(client, later)] == [True]


def test_client_credentials_need_the_secret_whatever_the_setting(client, tenant):
    form = {"grant_type": "client_credentials", "client_id": tenant["application"]["clientId"], "resource": RESOURCE}
    for allow in (True, False):
        allow_public_client_flows(client, tenant, allow)
        entra_error(client.post(f"/{tenant['id']}/oauth2/token", data=form), 401, "invalid_client", 7000218)


# --- the control API -------------------------------------------------------------------------------------------


def test_every_app_allows_public_client_flows_until_told_otherwise(client):
    reseller = client.post("/_sandbox/tenants", json={"kind": "IndirectReseller", "customers": 0}).get_json()
    apps = applications_of(client, reseller)  # the reseller's app and its provider's
    assert len(apps) == 2 and all(a["allowPublicClientFlows"] is True for a in apps)
    assert all(list(a) == ["allowPublicClientFlows", "certificates", "clientId", "partnerId"] for a in apps)

    provider_app = reseller["provider"]["application"]["clientId"]
    changed = allow_public_client_flows(client, reseller, False, provider_app)
    assert changed == {"clientId": provider_app, "partnerId": reseller["provider"]["id"], "allowPublicClientFlows": False}
    by_id = {a["clientId"]: a["allowPublicClientFlows"] for a in applications_of(client, reseller)}
    assert by_id == {provider_app: False, reseller["application"]["clientId"]: True}


def test_patch_answers_the_app_and_sets_it_either_way(client, tenant):
    app = tenant["application"]["clientId"]
    assert allow_public_client_flows(client, tenant, False) == {"clientId": app, "partnerId": tenant["id"],
                                                                "allowPublicClientFlows": False}
    assert allow_public_client_flows(client, tenant, False)["allowPublicClientFlows"] is False  # again: the same
    assert [a["allowPublicClientFlows"] for a in applications_of(client, tenant)] == [False]
    assert allow_public_client_flows(client, tenant, True)["allowPublicClientFlows"] is True
    assert [a["allowPublicClientFlows"] for a in applications_of(client, tenant)] == [True]


@pytest.mark.parametrize(
    "body",
    [{}, {"allowPublicClientFlows": "false"}, {"allowPublicClientFlows": 0}, {"allowPublicClientFlows": 1},
     {"allowPublicClientFlows": None}, {"allowPublicClientFlows": [False]}, {"allowPublicClientFlows": False, "x": 1},
     {"allowpublicclientflows": False}, [False], "false", None],
    ids=["empty", "string", "zero", "one", "null", "list", "unknown-field", "other-case", "array", "json-string",
         "no-body"],
)
def test_bad_bodies_are_400_and_change_nothing(client, tenant, body):
    allow_public_client_flows(client, tenant, False)
    response = client.patch(application_url(tenant), json=body) if body is not None else client.patch(application_url(tenant))
    assert_classic_error(response, 400, 800002)
    assert [a["allowPublicClientFlows"] for a in applications_of(client, tenant)] == [False]


def test_an_app_not_of_the_tenant_is_404(client, tenant):
    other = client.post("/_sandbox/tenants", json={"customers": 0}).get_json()
    body = {"allowPublicClientFlows": False}
    assert_classic_error(client.patch(application_url(tenant, other["application"]["clientId"]), json=body), 404)
    assert_classic_error(client.patch(application_url(tenant, str(uuid.uuid4())), json=body), 404)
    unknown = {"id": str(uuid.uuid4()), "application": tenant["application"]}
    assert_classic_error(client.patch(application_url(unknown), json=body), 404)
    assert [a["allowPublicClientFlows"] for a in applications_of(client, other)] == [True]  # untouched


def test_a_reset_keeps_the_setting_as_it_keeps_the_apps_ids(client, tenant):
    allow_public_client_flows(client, tenant, False)
    reset = client.post(f"/_sandbox/tenants/{tenant['id']}/reset")
    assert reset.status_code == 200
    assert reset.get_json()["application"] == tenant["application"]  # the same app, the same secret

    assert [a["allowPublicClientFlows"] for a in applications_of(client, tenant)] == [False]
    entra_error(client.post(f"/{tenant['id']}/oauth2/token", data=password_form(tenant, client_secret=None)),
                401, "invalid_client", 7000218)
    assert client.post(f"/{tenant['id']}/oauth2/token", data=password_form(tenant)).status_code == 200
    # and a reset of an app that allows them leaves it so
    allow_public_client_flows(client, tenant, True)
    assert client.post(f"/_sandbox/tenants/{tenant['id']}/reset").status_code == 200
    assert [a["allowPublicClientFlows"] for a in applications_of(client, tenant)] == [True]
