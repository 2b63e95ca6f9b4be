"""The token endpoint (Entra ID style) and how the API treats the tokens it issues."""

from __future__ import annotations

import jwt
import pytest

from .helpers import RESOURCE, advance_clock, assert_classic_error, bearer, request_token, set_clock, user_of


def password_form(tenant: dict, role: str = "AdminAgent", **changes) -> dict:
    user = user_of(tenant, role)
    form = {
        "grant_type": "password", "client_id": tenant["application"]["clientId"],
        "client_secret": tenant["application"]["clientSecret"], "username": user["userName"],
        "password": user["password"], "resource": RESOURCE,
    }
    form.update(changes)
    return {k: v for k, v in form.items() if v is not None}


def app_form(tenant: dict, **changes) -> dict:
    form = {"grant_type": "client_credentials", "client_id": tenant["application"]["clientId"],
            "client_secret": tenant["application"]["clientSecret"], "resource": RESOURCE}
    form.update(changes)
    return {k: v for k, v in form.items() if v is not None}


def claims_of(token: str) -> dict:
    return jwt.decode(token, options={"verify_signature": False})


def test_v1_password_grant_answers_like_entra_with_a_user_token(client, tenant):
    response = client.post(f"/{tenant['id']}/oauth2/token", data=password_form(tenant))

    assert response.status_code == 200
    body = response.get_json()
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == "3600" and body["ext_expires_in"] == "3600"
    assert body["resource"] == RESOURCE
    assert int(body["expires_on"]) - int(body["not_before"]) == 3600
    claims = claims_of(body["access_token"])
    admin = user_of(tenant, "AdminAgent")
    assert claims["tid"] == tenant["id"]
    assert claims["upn"] == admin["userName"]
    assert claims["roles"] == ["AdminAgent"]
    assert claims["appid"] == tenant["application"]["clientId"]
    assert claims["app_only"] is False and claims["idtyp"] == "user" and claims["oid"]
    assert claims["aud"] == RESOURCE and tenant["id"] in claims["iss"]
    assert response.headers["Cache-Control"].startswith("no-store")


def test_v2_client_credentials_gives_an_app_only_token_with_integer_lifetimes(client, tenant):
    form = app_form(tenant, resource=None, scope=f"{RESOURCE}/.default")
    response = client.post(f"/{tenant['id']}/oauth2/v2.0/token", data=form)

    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["expires_in"] == 3600 and body["ext_expires_in"] == 3600 and "resource" not in body
    claims = claims_of(body["access_token"])
    assert claims["app_only"] is True and claims["idtyp"] == "app" and claims["oid"] is None and claims["roles"] == []
    assert claims["iss"] == f"https://login.microsoftonline.com/{tenant['id']}/v2.0"


def test_v2_password_grant_with_a_user_impersonation_scope(client, tenant):
    form = password_form(tenant, resource=None, scope=f"{RESOURCE}/user_impersonation offline_access")
    response = client.post(f"/{tenant['id']}/oauth2/v2.0/token", data=form)

    assert response.status_code == 200, response.get_json()
    assert claims_of(response.get_json()["access_token"])["app_only"] is False


@pytest.mark.parametrize("scope", [f"{RESOURCE}/anything", f"{RESOURCE}/user_impersonation {RESOURCE}/Customers.Write",
                                   "https://graph.microsoft.com/.default"])
def test_v2_password_grant_refuses_a_permission_partner_center_does_not_expose(client, tenant, scope):
    response = client.post(f"/{tenant['id']}/oauth2/v2.0/token", data=password_form(tenant, resource=None, scope=scope))
    assert response.status_code == 400, response.get_json()
    assert (response.get_json()["error"], response.get_json()["error_codes"]) == ("invalid_scope", [70011])


@pytest.mark.parametrize("alias", ["common", "organizations", "DOMAIN", "ID"])
def test_the_tenant_segment_may_be_an_alias_or_the_partner_domain(client, tenant, alias):
    domain = user_of(tenant, "AdminAgent")["userName"].split("@")[1]
    segment = {"DOMAIN": domain.upper(), "ID": tenant["id"].upper()}.get(alias, alias)
    assert client.post(f"/{segment}/oauth2/token", data=password_form(tenant)).status_code == 200


@pytest.mark.parametrize("alias", ["common", "Organizations"])
@pytest.mark.parametrize("version", ["", "/v2.0"])
def test_an_app_only_token_needs_the_tenant_named(client, tenant, alias, version):
    """Entra refuses client credentials through a multi-tenant alias: a daemon set up with /common fails in
    production, so it fails here too."""
    form = app_form(tenant)
    if version:
        form = {**app_form(tenant, resource=None), "scope": RESOURCE + "/.default"}
    entra_error(client.post(f"/{alias}/oauth2{version}/token", data=form), 400, "invalid_request", 50059)
    assert client.post(f"/{tenant['id']}/oauth2{version}/token", data=form).status_code == 200


def test_the_token_lifetime_follows_the_config(app, client, tenant):
    app.config["TOKEN_LIFETIME_SECONDS"] = 600
    body = client.post(f"/{tenant['id']}/oauth2/token", data=app_form(tenant)).get_json()
    assert body["expires_in"] == "600"


def entra_error(response, status: int, error: str, code: int) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    body = response.get_json()
    assert body["error"] == error
    assert body["error_codes"] == [code]
    assert body["error_description"].startswith(f"AADSTS{code}: ")
    assert {"timestamp", "trace_id", "correlation_id"} <= set(body)
    return body


@pytest.mark.parametrize(
    ("changes", "status", "error", "code"),
    [
        ({"client_secret": "wrong"}, 401, "invalid_client", 7000215),
        ({"client_secret": None}, 401, "invalid_client", 7000218),
        ({"client_id": "00000000-0000-0000-0000-000000000000"}, 400, "unauthorized_client", 700016),
        ({"client_id": None}, 400, "invalid_request", 900144),
        ({"grant_type": None}, 400, "invalid_request", 900144),
        ({"grant_type": "urn:ietf:params:oauth:grant-type:jwt-bearer"}, 400, "unsupported_grant_type", 70003),
        ({"resource": None}, 400, "invalid_request", 900144),
        ({"resource": "https://graph.microsoft.com"}, 400, "invalid_resource", 500011),
    ],
)
def test_client_credentials_errors(client, tenant, changes, status, error, code):
    response = client.post(f"/{tenant['id']}/oauth2/token", data=app_form(tenant, **changes))
    entra_error(response, status, error, code)


@pytest.mark.parametrize(
    ("changes", "status", "error", "code"),
    [
        ({"password": "wrong-password"}, 400, "invalid_grant", 50126),
        ({"username": "nobody@nowhere.onmicrosoft.com"}, 400, "invalid_grant", 50034),
        ({"password": None}, 400, "invalid_request", 900144),
        ({"username": None}, 400, "invalid_request", 900144),
    ],
)
def test_password_grant_errors(client, tenant, changes, status, error, code):
    response = client.post(f"/{tenant['id']}/oauth2/token", data=password_form(tenant, **changes))
    entra_error(response, status, error, code)


def test_v2_client_credentials_needs_a_default_scope(client, tenant):
    form = app_form(tenant, resource=None, scope=f"{RESOURCE}/user_impersonation")
    entra_error(client.post(f"/{tenant['id']}/oauth2/v2.0/token", data=form), 400, "invalid_scope", 1002012)
    form = app_form(tenant, resource=None)
    entra_error(client.post(f"/{tenant['id']}/oauth2/v2.0/token", data=form), 400, "invalid_request", 900144)


def test_a_user_or_app_of_another_tenant_is_refused(client, tenant):
    other = client.post("/_sandbox/tenants", json={"customers": 0}).get_json()
    # the other tenant's app, asked for under this tenant's id
    entra_error(client.post(f"/{tenant['id']}/oauth2/token", data=app_form(other)), 400, "unauthorized_client", 700016)
    # this tenant's app with the other tenant's user
    other_user = user_of(other, "AdminAgent")
    form = password_form(tenant, username=other_user["userName"], password=other_user["password"])
    entra_error(client.post(f"/{tenant['id']}/oauth2/token", data=form), 400, "invalid_grant", 50034)
    entra_error(client.post("/common/oauth2/token", data=form), 400, "invalid_grant", 50034)


@pytest.mark.parametrize(
    "segment", ["not a tenant", "x" * 300, "consumers", "00000000-0000-0000-0000-000000000000", "contoso.com"],
)
@pytest.mark.parametrize("endpoint", ["oauth2/token", "oauth2/v2.0/token"])
def test_an_unknown_tenant_segment_is_refused(client, tenant, segment, endpoint):
    form = app_form(tenant, resource=None, scope=f"{RESOURCE}/.default") if "v2.0" in endpoint else app_form(tenant)
    body = entra_error(client.post(f"/{segment}/{endpoint}", data=form), 400, "invalid_request", 90002)
    assert f"Tenant '{segment[:100]}' not found." in body["error_description"]


def test_a_deleted_tenant_is_not_found(client, tenant):
    assert client.delete(f"/_sandbox/tenants/{tenant['id']}").status_code == 204
    entra_error(client.post(f"/{tenant['id']}/oauth2/token", data=app_form(tenant)), 400, "invalid_request", 90002)


@pytest.mark.parametrize("method", ["GET", "PUT", "PATCH", "DELETE"])
@pytest.mark.parametrize("endpoint", ["oauth2/token", "oauth2/v2.0/token"])
def test_methods_other_than_post_are_refused_in_entra_terms(client, tenant, method, endpoint):
    response = client.open(f"/{tenant['id']}/{endpoint}", method=method, data=app_form(tenant))
    body = entra_error(response, 400, "invalid_request", 900561)
    assert f"Received a {method} request." in body["error_description"]


@pytest.mark.parametrize("endpoint", ["oauth2/token", "oauth2/v2.0/token", "oauth2/devicecode", "oauth2/v2.0/devicecode"])
def test_options_names_the_methods_the_refusal_names(client, tenant, endpoint):
    response = client.options(f"/{tenant['id']}/{endpoint}")
    assert response.status_code == 200
    assert response.headers["Allow"] == "POST, OPTIONS" and "Content-Type" not in response.headers
    refused = entra_error(client.get(f"/{tenant['id']}/{endpoint}"), 400, "invalid_request", 900561)
    assert "only accepts POST, OPTIONS requests" in refused["error_description"]


def test_json_bodies_are_refused_in_entra_terms(client, tenant):
    entra_error(client.post(f"/{tenant['id']}/oauth2/token", json=app_form(tenant)), 400, "invalid_request", 900144)


def test_control_characters_in_a_form_field_are_refused(client, tenant):
    response = client.post(f"/{tenant['id']}/oauth2/token", data=app_form(tenant, client_id="abc\x00def"))
    entra_error(response, 400, "invalid_request", 90014)


# --- the API's side: 401 for unusable tokens ---------------------------------------------------


def test_a_token_expires_after_an_hour_on_the_tenants_clock(client, tenant, customer_id):
    set_clock(client, tenant["id"], "2021-03-01T09:00:00+00:00")
    token = request_token(client, tenant)
    assert client.get(f"/v1/customers/{customer_id}", headers=bearer(token)).status_code == 200

    advance_clock(client, tenant["id"], 3599)
    assert client.get(f"/v1/customers/{customer_id}", headers=bearer(token)).status_code == 200
    advance_clock(client, tenant["id"], 1)
    response = client.get(f"/v1/customers/{customer_id}", headers=bearer(token))
    body = assert_classic_error(response, 401)
    assert "expired" in body["description"]
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def foreign_token_claims(tenant: dict) -> dict:
    return {"aud": RESOURCE, "iss": f"https://sts.windows.net/{tenant['id']}/", "tid": tenant["id"], "exp": 4102444800,
            "iat": 1, "appid": tenant["application"]["clientId"], "app_only": True}


def foreign_token(tenant: dict) -> str:
    key = "a key that is not the sandbox's, long enough to sign with"
    return jwt.encode(foreign_token_claims(tenant), key, algorithm="HS256")


@pytest.mark.parametrize(
    "authorization",
    [None, "", "Bearer", "Bearer ", "Basic dXNlcjpwYXNz", "Bearer not-a-jwt", "Bearer a.b.c", "Bearer FOREIGN",
     "Bearer " + "x" * 5000, "Bearer ünïcode"],
)
def test_missing_malformed_and_foreign_tokens_get_401_with_www_authenticate(client, tenant, customer_id, authorization):
    headers = {}
    if authorization is not None:
        headers["Authorization"] = authorization.replace("FOREIGN", foreign_token(tenant))
    response = client.get(f"/v1/customers/{customer_id}", headers=headers)
    assert_classic_error(response, 401)
    assert "WWW-Authenticate" in response.headers


def test_a_token_for_another_audience_is_refused(app, client, tenant, customer_id):
    from sandbox.web.identity.tokens import signing_key

    claims = {**foreign_token_claims(tenant), "aud": "https://graph.microsoft.com"}
    token = jwt.encode(claims, signing_key(app.config["SECRET_KEY"]), algorithm="HS256")
    assert_classic_error(client.get(f"/v1/customers/{customer_id}", headers=bearer(token)), 401)


def test_a_token_of_a_deleted_tenant_is_refused(client, tenant, token, customer_id):
    assert client.delete(f"/_sandbox/tenants/{tenant['id']}").status_code == 204
    assert_classic_error(client.get(f"/v1/customers/{customer_id}", headers=bearer(token)), 401)


def test_a_token_of_another_sandbox_is_foreign(client, tenant, customer_id):
    from sandbox.app import create_app

    other = create_app({"DATABASE_URL": "sqlite://", "SECRET_KEY": "another-secret"})
    other_client = other.test_client()
    other_tenant = other_client.post("/_sandbox/tenants", json={"customers": 0}).get_json()
    token = request_token(other_client, other_tenant)
    assert_classic_error(client.get(f"/v1/customers/{customer_id}", headers=bearer(token)), 401)


def test_a_token_request_over_1_mib_is_refused_in_entra_terms(client, tenant):
    form = {**app_form(tenant), "padding": "x" * (1024 * 1024 + 10)}
    response = client.post(f"/{tenant['id']}/oauth2/token", data=form)
    assert response.status_code == 413
    assert response.get_json()["error"] == "invalid_request"


# --- refresh tokens (the secure application model) ---------------------------------------------


def refresh_form(tenant: dict, refresh_token: str, **changes) -> dict:
    form = {"grant_type": "refresh_token", "client_id": tenant["application"]["clientId"],
            "client_secret": tenant["application"]["clientSecret"], "refresh_token": refresh_token, "resource": RESOURCE}
    form.update(changes)
    return {k: v for k, v in form.items() if v is not None}


def first_refresh_token(client, tenant, role: str = "AdminAgent") -> str:
    body = client.post(f"/{tenant['id']}/oauth2/token", data=password_form(tenant, role)).get_json()
    return body["refresh_token"]


def test_a_refresh_token_gets_an_app_user_token_again_and_a_new_refresh_token(client, tenant, customer_id):
    """What partners run in production: a refresh token, kept from one App+User sign-in, redeemed for each
    new access token (and the next refresh token)."""
    refresh = first_refresh_token(client, tenant, "SalesAgent")
    response = client.post(f"/{tenant['id']}/oauth2/token", data=refresh_form(tenant, refresh))

    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["resource"] == RESOURCE and body["expires_in"] == "3600"
    claims = claims_of(body["access_token"])
    sales = user_of(tenant, "SalesAgent")
    assert (claims["upn"], claims["roles"], claims["app_only"]) == (sales["userName"], ["SalesAgent"], False)
    assert body["refresh_token"] and body["refresh_token"] != refresh
    # the token is App+User: it confirms acceptance (App-only can't)
    from .helpers import agreement_body
    confirmed = client.post(f"/v1/customers/{customer_id}/agreements", headers=bearer(body["access_token"]),
                            json=agreement_body())
    assert confirmed.status_code == 201 and confirmed.get_json()["userId"] == claims["oid"]
    # the new refresh token works in turn, and so does the old one (Entra doesn't spend them)
    for token in (body["refresh_token"], refresh):
        assert client.post(f"/{tenant['id']}/oauth2/token", data=refresh_form(tenant, token)).status_code == 200


def test_v2_gives_a_refresh_token_only_when_the_scope_asks_for_offline_access(client, tenant):
    def answer(scope):
        form = password_form(tenant, resource=None, scope=scope)
        return client.post(f"/{tenant['id']}/oauth2/v2.0/token", data=form).get_json()

    assert "refresh_token" not in answer(f"{RESOURCE}/user_impersonation")
    refresh = answer(f"{RESOURCE}/user_impersonation offline_access")["refresh_token"]
    form = refresh_form(tenant, refresh, resource=None, scope=f"{RESOURCE}/.default offline_access")
    again = client.post(f"/{tenant['id']}/oauth2/v2.0/token", data=form)
    assert again.status_code == 200, again.get_json()
    assert again.get_json()["scope"] == f"{RESOURCE}/.default" and "refresh_token" in again.get_json()
    bad_scope = refresh_form(tenant, refresh, resource=None, scope="https://graph.microsoft.com/.default")
    entra_error(client.post(f"/{tenant['id']}/oauth2/v2.0/token", data=bad_scope), 400, "invalid_scope", 70011)


def test_an_app_only_answer_has_no_refresh_token(client, tenant):
    assert "refresh_token" not in client.post(f"/{tenant['id']}/oauth2/token", data=app_form(tenant)).get_json()


def test_a_refresh_token_expires_after_90_days_on_the_tenants_clock(client, tenant):
    set_clock(client, tenant["id"], "2024-03-01T09:00:00+00:00")
    refresh = first_refresh_token(client, tenant)
    advance_clock(client, tenant["id"], 90 * 86400 - 60)
    assert client.post(f"/{tenant['id']}/oauth2/token", data=refresh_form(tenant, refresh)).status_code == 200
    advance_clock(client, tenant["id"], 60)
    body = entra_error(client.post(f"/{tenant['id']}/oauth2/token", data=refresh_form(tenant, refresh)),
                       400, "invalid_grant", 700082)
    assert "2024-03-01T09:00:00" in body["error_description"]


def test_new_passwords_revoke_the_refresh_tokens_made_before(client, tenant):
    refresh = first_refresh_token(client, tenant)
    assert client.post(f"/_sandbox/tenants/{tenant['id']}/reset").status_code == 200  # a seed remakes the sign-ins
    entra_error(client.post(f"/{tenant['id']}/oauth2/token", data=refresh_form(tenant, refresh)), 400, "invalid_grant", 50173)


def test_a_refresh_token_works_only_for_its_own_app_and_tenant(client, tenant):
    refresh = first_refresh_token(client, tenant)
    other = client.post("/_sandbox/tenants", json={"customers": 0}).get_json()
    form = refresh_form(other, refresh)
    entra_error(client.post(f"/{other['id']}/oauth2/token", data=form), 400, "invalid_grant", 70000)


@pytest.mark.parametrize("kind", ["missing", "garbage", "access token", "tampered"])
def test_a_refresh_token_that_is_not_one_is_refused(client, tenant, kind):
    body = client.post(f"/{tenant['id']}/oauth2/token", data=password_form(tenant)).get_json()
    token = {"missing": None, "garbage": "0.AXoA-not-a-token", "access token": body["access_token"],
             "tampered": body["refresh_token"][:-4] + ("AAAA" if not body["refresh_token"].endswith("AAAA") else "BBBB")}[kind]
    response = client.post(f"/{tenant['id']}/oauth2/token", data=refresh_form(tenant, token))
    if kind == "missing":
        entra_error(response, 400, "invalid_request", 900144)
    else:
        entra_error(response, 400, "invalid_grant", 9002313)


def test_a_refresh_token_is_no_bearer_token(client, tenant):
    refresh = first_refresh_token(client, tenant)
    assert_classic_error(client.get("/v1/customers", headers=bearer(refresh)), 401)


# --- discovery (what MSAL and ADAL read first) and what OpenID Connect clients keep -------------


@pytest.mark.parametrize("version", ["1.0", "2.0"])
def test_the_openid_configuration_names_the_sandboxs_endpoints(app, client, tenant, version):
    domain = user_of(tenant, "AdminAgent")["userName"].split("@")[1]
    path = "/v2.0/.well-known/openid-configuration" if version == "2.0" else "/.well-known/openid-configuration"
    response = client.get(f"/{domain.upper()}{path}")

    assert response.status_code == 200, response.get_data(as_text=True)
    body = response.get_json()
    base = f"{app.config['PUBLIC_URL']}/{tenant['id']}/oauth2" + ("/v2.0" if version == "2.0" else "")
    assert (body["token_endpoint"], body["authorization_endpoint"]) == (f"{base}/token", f"{base}/authorize")
    assert body["issuer"] == ("https://login.microsoftonline.com/" + tenant["id"] + "/v2.0" if version == "2.0"
                              else "https://sts.windows.net/" + tenant["id"] + "/")
    form = password_form(tenant) if version == "1.0" else password_form(tenant, resource=None, scope=f"{RESOURCE}/.default")
    token = client.post(body["token_endpoint"].removeprefix(app.config["PUBLIC_URL"]), data=form).get_json()["access_token"]
    assert claims_of(token)["iss"] == body["issuer"]  # the tokens of that endpoint carry that issuer
    assert client.get(body["jwks_uri"].removeprefix(app.config["PUBLIC_URL"])).get_json() == {"keys": []}
    # what is served, and how: codes only; id tokens signed with a secret key; the secret in the form or in Basic,
    # or a client assertion
    assert body["response_types_supported"] == ["code"] and body["id_token_signing_alg_values_supported"] == ["HS256"]
    assert body["token_endpoint_auth_methods_supported"] == ["client_secret_post", "private_key_jwt", "client_secret_basic"]


def test_the_common_openid_configuration_has_entras_tenant_placeholder(client):
    body = client.get("/common/v2.0/.well-known/openid-configuration").get_json()
    assert body["issuer"] == "https://login.microsoftonline.com/{tenantid}/v2.0"
    assert body["token_endpoint"].endswith("/common/oauth2/v2.0/token")


@pytest.mark.parametrize("name", ["00000000-0000-0000-0000-000000000000", "nobody.onmicrosoft.com", "not a tenant"])
def test_discovery_of_an_unknown_tenant_is_entras_400(client, name):
    entra_error(client.get(f"/{name}/v2.0/.well-known/openid-configuration"), 400, "invalid_tenant", 90002)


def test_user_realm_discovery_knows_partner_users_as_managed(client, tenant):
    user = user_of(tenant, "AdminAgent")["userName"]
    assert client.get(f"/common/userrealm/{user}?api-version=1.0").get_json() == {
        "ver": "1.0", "account_type": "Managed", "domain_name": user.split("@")[1].lower(),
        "cloud_instance_name": "microsoftonline.com", "cloud_audience_urn": "urn:federation:MicrosoftOnline"}
    unknown = client.get("/common/UserRealm/someone@elsewhere.example?api-version=1.0").get_json()
    assert unknown["account_type"] == "Unknown"


def test_an_id_token_and_client_info_come_when_asked_for(client, tenant):
    form = password_form(tenant, resource=None, scope=f"{RESOURCE}/user_impersonation openid profile offline_access",
                         client_info="1")
    body = client.post(f"/{tenant['id']}/oauth2/v2.0/token", data=form).get_json()
    admin = user_of(tenant, "AdminAgent")
    id_claims = claims_of(body["id_token"])
    assert (id_claims["aud"], id_claims["tid"], id_claims["preferred_username"]) == (
        tenant["application"]["clientId"], tenant["id"], admin["userName"])
    assert id_claims["oid"] == claims_of(body["access_token"])["oid"]
    import base64
    import json
    info = json.loads(base64.urlsafe_b64decode(body["client_info"] + "=" * (-len(body["client_info"]) % 4)))
    assert info == {"uid": id_claims["oid"], "utid": tenant["id"]}
    assert_classic_error(client.get("/v1/customers", headers=bearer(body["id_token"])), 401)  # no bearer token

    plain = client.post(f"/{tenant['id']}/oauth2/v2.0/token",
                        data=password_form(tenant, resource=None, scope=f"{RESOURCE}/.default")).get_json()
    assert "id_token" not in plain and "client_info" not in plain
    app_only = client.post(f"/{tenant['id']}/oauth2/v2.0/token", data=app_form(
        tenant, resource=None, scope=f"{RESOURCE}/.default", client_info="1")).get_json()
    assert "client_info" not in app_only


# --- client authentication in the Authorization header (client_secret_basic) --------------------


def basic(client_id: str, secret: str) -> dict:
    import base64
    from urllib.parse import quote_plus

    raw = f"{quote_plus(client_id)}:{quote_plus(secret)}".encode()
    return {"Authorization": "Basic " + base64.b64encode(raw).decode()}


def test_the_app_may_authenticate_in_the_authorization_header(client, tenant):
    """Discovery names client_secret_basic, as Entra does; generic OAuth clients use it (the secret holds
    + and &: form-encoded before base64, as RFC 6749 says)."""
    app_ = tenant["application"]
    form = {"grant_type": "client_credentials", "resource": RESOURCE}
    response = client.post(f"/{tenant['id']}/oauth2/token", data=form, headers=basic(app_["clientId"], app_["clientSecret"]))
    assert response.status_code == 200, response.get_json()
    assert claims_of(response.get_json()["access_token"])["appid"] == app_["clientId"]

    wrong = client.post(f"/{tenant['id']}/oauth2/token", data=form, headers=basic(app_["clientId"], "wrong"))
    entra_error(wrong, 401, "invalid_client", 7000215)
    both = client.post(f"/{tenant['id']}/oauth2/token", data={**form, "client_secret": app_["clientSecret"],
                                                               "client_id": app_["clientId"]},
                       headers=basic(app_["clientId"], "wrong"))
    entra_error(both, 400, "invalid_request", 90014)  # a wrong header secret is never ignored


# --- what an audit of the sign-in endpoints found -----------------------------------------------


def test_a_tenant_segment_with_a_trailing_newline_names_no_tenant(client, tenant):
    form = app_form(tenant, resource=None, scope=f"{RESOURCE}/.default")
    entra_error(client.post(f"/{tenant['id']}%0A/oauth2/v2.0/token", data=form), 400, "invalid_request", 90002)
    entra_error(client.get(f"/{tenant['id']}%0A/v2.0/.well-known/openid-configuration"), 400, "invalid_tenant", 90002)


@pytest.mark.parametrize("path", ["/common/v2.0/.well-known/openid-configuration", "/common/.well-known/openid-configuration",
                                  "/common/discovery/v2.0/keys"])
def test_other_methods_on_discovery_are_entras_json_405(client, path):
    body = entra_error(client.put(path), 405, "invalid_request", 90014)
    assert body["error"] == "invalid_request"
    assert client.put(path).headers["Allow"] == "GET, HEAD, OPTIONS"


def test_a_user_realm_name_with_a_newline_is_entras_json_404(client):
    entra_error(client.get("/common/userrealm/a@b.example%0A?api-version=1.0"), 404, "invalid_request", 90014)


def test_a_delete_character_in_a_token_form_is_refused(client, tenant):
    entra_error(client.post(f"/{tenant['id']}/oauth2/token", data=app_form(tenant, client_id="abc\x7f")),
                400, "invalid_request", 90014)
