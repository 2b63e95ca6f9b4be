"""The authorization code grant, Entra ID style: the authorize endpoint's sign-in page, the redirect with a code,
and the token endpoint's ``grant_type=authorization_code`` (the "secure application model" consent step)."""

from __future__ import annotations

import base64
import hashlib
import html
import re
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
import pytest
from markupsafe import escape

from sandbox.web.identity import authorize

from .helpers import RESOURCE, advance_clock, agreement_body, bearer, user_of
from .test_identity import entra_error

REDIRECT = "http://localhost:8400/callback"
USER_SCOPE = f"{RESOURCE}/user_impersonation"
VERIFIER = "a-verifier-of-the-sandbox-tests-long-enough-for-rfc-7636"
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
_ACTION = re.compile(r'<form method="post" action="([^"]+)"')


def s256(verifier: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()


def authorize_url(tenant: dict, version: str = "2.0", segment: str | None = None, **changes) -> str:
    """An authorization request for the tenant's app (``None`` leaves a parameter out)."""
    query = {"client_id": tenant["application"]["clientId"], "response_type": "code", "redirect_uri": REDIRECT,
             "state": "state-123"}
    if version == "2.0":
        query["scope"] = f"{USER_SCOPE} openid offline_access"
    else:
        query["resource"] = RESOURCE
    query.update(changes)
    path = "/oauth2/v2.0/authorize" if version == "2.0" else "/oauth2/authorize"
    return f"/{segment or tenant['id']}{path}?" + urlencode({k: v for k, v in query.items() if v is not None})


def sign_in_form(page) -> tuple[str, str]:
    """The sign-in page's form: where it posts, and its CSRF token."""
    text = page.get_data(as_text=True)
    return html.unescape(_ACTION.search(text).group(1)), _CSRF.search(text).group(1)


def sign_in(client, tenant: dict, version: str = "2.0", role: str = "AdminAgent", password: str | None = None,
            user_name: str | None = None, segment: str | None = None, **changes):
    """GET the sign-in page, post the user's name and password to it: the answer (a redirect with the code)."""
    page = client.get(authorize_url(tenant, version, segment, **changes))
    assert page.status_code == 200, page.get_data(as_text=True)
    action, csrf = sign_in_form(page)
    user = user_of(tenant, role)
    return client.post(action, data={"csrf_token": csrf, "username": user_name or user["userName"],
                                     "password": user["password"] if password is None else password})


def answer_of(response) -> dict:
    """The parameters a redirect to the app carries (query or fragment)."""
    assert response.status_code == 302, response.get_data(as_text=True)
    location = urlsplit(response.headers["Location"])
    return {k: v[0] for k, v in parse_qs(location.query or location.fragment).items()}


def code_of(client, tenant: dict, version: str = "2.0", **changes) -> str:
    answer = answer_of(sign_in(client, tenant, version, **changes))
    assert answer["state"] == changes.get("state", "state-123")
    return answer["code"]


def redemption(tenant: dict, code: str, version: str = "2.0", **changes) -> dict:
    form = {"grant_type": "authorization_code", "client_id": tenant["application"]["clientId"],
            "client_secret": tenant["application"]["clientSecret"], "code": code, "redirect_uri": REDIRECT}
    form["scope" if version == "2.0" else "resource"] = f"{USER_SCOPE} openid offline_access" if version == "2.0" else RESOURCE
    form.update(changes)
    return {k: v for k, v in form.items() if v is not None}


def redeem(client, tenant: dict, code: str, version: str = "2.0", segment: str | None = None, **changes):
    path = "/oauth2/v2.0/token" if version == "2.0" else "/oauth2/token"
    return client.post(f"/{segment or tenant['id']}{path}", data=redemption(tenant, code, version, **changes))


def claims_of(token: str) -> dict:
    return jwt.decode(token, options={"verify_signature": False})


# --- the whole flow ---------------------------------------------------------------------------------


def app_name(services, tenant: dict) -> str:
    with services.unit_of_work() as uow:
        return uow.repo.application(tenant["application"]["clientId"]).name


def test_v1_sign_in_code_token_agreement_and_refresh(client, services, tenant, customer_id):
    page = client.get(authorize_url(tenant, "1.0"))
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and page.mimetype == "text/html"
    assert "<h1>Sign in</h1>" in text and f"to continue to <strong>{html.escape(app_name(services, tenant))}</strong>" in text
    assert '<label for="username"' in text and '<label for="password"' in text and ">Sign in</button>" in text
    assert page.headers["Cache-Control"].startswith("no-store") and page.headers["X-Frame-Options"] == "DENY"
    action, csrf = sign_in_form(page)
    admin = user_of(tenant, "AdminAgent")

    answer = client.post(action, data={"csrf_token": csrf, "username": admin["userName"], "password": admin["password"]})

    assert answer.headers["Location"].startswith(REDIRECT + "?code=")
    params = answer_of(answer)
    assert set(params) == {"code", "state"} and params["state"] == "state-123"
    token = redeem(client, tenant, params["code"], "1.0")
    assert token.status_code == 200, token.get_json()
    body = token.get_json()
    assert body["resource"] == RESOURCE and body["expires_in"] == "3600" and body["refresh_token"]
    claims = claims_of(body["access_token"])
    assert (claims["upn"], claims["app_only"], claims["ver"]) == (admin["userName"], False, "1.0")
    confirmed = client.post(f"/v1/customers/{customer_id}/agreements", headers=bearer(body["access_token"]),
                            json=agreement_body())
    assert confirmed.status_code == 201, confirmed.get_json()  # an App+User token: confirming takes one
    refreshed = client.post(f"/{tenant['id']}/oauth2/token", data={
        "grant_type": "refresh_token", "client_id": tenant["application"]["clientId"],
        "client_secret": tenant["application"]["clientSecret"], "refresh_token": body["refresh_token"],
        "resource": RESOURCE})
    assert refreshed.status_code == 200 and claims_of(refreshed.get_json()["access_token"])["upn"] == admin["userName"]


def test_v2_with_pkce_nonce_openid_and_offline_access(client, tenant, customer_id):
    code = code_of(client, tenant, code_challenge=s256(VERIFIER), code_challenge_method="S256", nonce="nonce-42")

    token = redeem(client, tenant, code, code_verifier=VERIFIER, client_info="1")

    assert token.status_code == 200, token.get_json()
    body = token.get_json()
    assert body["expires_in"] == 3600 and body["scope"] == USER_SCOPE
    assert body["refresh_token"] and body["client_info"]
    id_token = claims_of(body["id_token"])
    admin = user_of(tenant, "AdminAgent")
    assert (id_token["nonce"], id_token["aud"], id_token["preferred_username"]) == (
        "nonce-42", tenant["application"]["clientId"], admin["userName"])
    assert claims_of(body["access_token"])["iss"] == f"https://login.microsoftonline.com/{tenant['id']}/v2.0"
    confirmed = client.post(f"/v1/customers/{customer_id}/agreements", headers=bearer(body["access_token"]),
                            json=agreement_body())
    assert confirmed.status_code == 201, confirmed.get_json()
    refreshed = client.post(f"/{tenant['id']}/oauth2/v2.0/token", data={
        "grant_type": "refresh_token", "client_id": tenant["application"]["clientId"],
        "client_secret": tenant["application"]["clientSecret"], "refresh_token": body["refresh_token"],
        "scope": f"{USER_SCOPE} offline_access"})
    assert refreshed.status_code == 200, refreshed.get_json()


def test_the_redemption_may_leave_out_what_the_request_named(client, tenant):
    """scope (v2.0) and resource (v1) come from the authorization request when the redemption has none; the
    answer follows the request's scope (openid: an id token; offline_access: a refresh token)."""
    body = redeem(client, tenant, code_of(client, tenant), scope=None).get_json()
    assert body["scope"] == USER_SCOPE and "id_token" in body and "refresh_token" in body
    bare = code_of(client, tenant, scope=f"{RESOURCE}/.default")
    body = redeem(client, tenant, bare, scope=None).get_json()
    assert body["scope"] == f"{RESOURCE}/.default" and "id_token" not in body and "refresh_token" not in body
    v1 = redeem(client, tenant, code_of(client, tenant, "1.0"), "1.0", resource=None)
    assert v1.status_code == 200 and v1.get_json()["resource"] == RESOURCE
    # a v1 request without a resource: the redemption must name it
    unnamed = code_of(client, tenant, "1.0", resource=None)
    entra_error(redeem(client, tenant, unnamed, "1.0", resource=None), 400, "invalid_request", 900144)
    assert redeem(client, tenant, unnamed, "1.0").status_code == 200


@pytest.mark.parametrize("role", ["SalesAgent", "HelpdeskAgent"])
def test_the_token_is_the_signed_in_users(client, tenant, role):
    code = answer_of(sign_in(client, tenant, role=role))["code"]
    claims = claims_of(redeem(client, tenant, code).get_json()["access_token"])
    assert (claims["upn"], claims["roles"]) == (user_of(tenant, role)["userName"], [role])


def test_the_openid_configuration_names_the_served_authorize_endpoint(client, tenant):
    configuration = client.get(f"/{tenant['id']}/v2.0/.well-known/openid-configuration").get_json()
    path = urlsplit(configuration["authorization_endpoint"]).path
    query = urlsplit(authorize_url(tenant)).query
    assert client.get(f"{path}?{query}").status_code == 200


# --- PKCE, single use, expiry, and what the redemption must match ---------------------------------


def test_pkce_s256_and_plain(client, tenant):
    code = code_of(client, tenant, code_challenge=s256(VERIFIER), code_challenge_method="S256")
    entra_error(redeem(client, tenant, code, code_verifier=VERIFIER + "x"), 400, "invalid_grant", 501481)
    entra_error(redeem(client, tenant, code), 400, "invalid_request", 900144)  # no code_verifier
    assert redeem(client, tenant, code, code_verifier=VERIFIER).status_code == 200  # refusals leave it unused
    plain = code_of(client, tenant, code_challenge=VERIFIER)  # no method: plain (RFC 7636)
    entra_error(redeem(client, tenant, plain, code_verifier=s256(VERIFIER)), 400, "invalid_grant", 501481)
    assert redeem(client, tenant, plain, code_verifier=VERIFIER).status_code == 200


def test_a_code_is_redeemed_once(client, tenant):
    code = code_of(client, tenant)
    first = redeem(client, tenant, code)
    assert first.status_code == 200

    body = entra_error(redeem(client, tenant, code), 400, "invalid_grant", 54005)

    assert "already redeemed" in body["error_description"]
    assert client.get("/v1/customers", headers=bearer(first.get_json()["access_token"])).status_code == 200


def test_a_code_lasts_ten_minutes_of_the_tenants_clock(client, tenant):
    # frozen first: a code's expiry is in whole seconds (cut down), so a running clock's fraction of a second plus
    # the time the codes take would sometimes reach it before the 599 seconds
    advance_clock(client, tenant["id"], 0)
    early, late = code_of(client, tenant), code_of(client, tenant)
    advance_clock(client, tenant["id"], 599)
    assert redeem(client, tenant, early).status_code == 200
    advance_clock(client, tenant["id"], 1)
    entra_error(redeem(client, tenant, late), 400, "invalid_grant", 70008)


def test_the_redirect_uri_must_be_the_requests(client, tenant):
    code = code_of(client, tenant)
    body = entra_error(redeem(client, tenant, code, redirect_uri=REDIRECT + "/"), 400, "invalid_grant", 500112)
    assert f"'{REDIRECT}/' does not match the reply address '{REDIRECT}'" in body["error_description"]
    entra_error(redeem(client, tenant, code, redirect_uri=None), 400, "invalid_request", 900144)
    assert redeem(client, tenant, code).status_code == 200


@pytest.mark.parametrize("kind", ["missing", "garbage", "refresh token", "access token", "tampered"])
def test_a_code_that_is_not_one_is_refused(client, tenant, kind):
    answer = client.post(f"/{tenant['id']}/oauth2/token", data={
        "grant_type": "password", "client_id": tenant["application"]["clientId"], "resource": RESOURCE,
        "username": user_of(tenant, "AdminAgent")["userName"], "password": user_of(tenant, "AdminAgent")["password"]},
    ).get_json()
    real = code_of(client, tenant)
    code = {"missing": None, "garbage": "0.AXoA-not-a-code", "refresh token": answer["refresh_token"],
            "access token": answer["access_token"], "tampered": real[:-3] + ("AAA" if not real.endswith("AAA") else "BBB")}[kind]
    response = redeem(client, tenant, code)
    if kind == "missing":
        entra_error(response, 400, "invalid_request", 900144)
    else:
        entra_error(response, 400, "invalid_grant", 9002313)


def test_a_code_is_its_apps_its_tenants_and_its_versions(client, tenant):
    code = code_of(client, tenant)
    other = client.post("/_sandbox/tenants", json={"customers": 0}).get_json()
    entra_error(client.post(f"/{other['id']}/oauth2/v2.0/token", data=redemption(other, code)), 400, "invalid_grant", 70000)
    entra_error(redeem(client, tenant, code, "1.0"), 400, "invalid_grant", 70000)  # a v2.0 code at v1
    # asked under "organizations", redeemed under the tenant's id: Entra's 700005
    aliased = code_of(client, tenant, segment="organizations")
    entra_error(redeem(client, tenant, aliased), 400, "invalid_grant", 700005)
    assert redeem(client, tenant, aliased, segment="organizations").status_code == 200
    domain = user_of(tenant, "AdminAgent")["userName"].split("@")[1]
    by_domain = code_of(client, tenant, segment=domain.upper())  # a domain names the tenant: same authority
    assert redeem(client, tenant, by_domain).status_code == 200


def test_the_client_secret_is_checked_when_given(client, tenant):
    code = code_of(client, tenant)
    entra_error(redeem(client, tenant, code, client_secret="wrong"), 401, "invalid_client", 7000215)
    assert redeem(client, tenant, code, client_secret=None).status_code == 200  # a public client's (loopback)


def test_a_web_apps_code_needs_its_secret(client, tenant):
    """A code sent to an https redirect URI went to a web app, a confidential client: redeemed without the
    app's secret it is refused (so a code caught on its way is no use), and stays usable by the app."""
    web = "https://partner-tool.example/signin-callback"
    code = code_of(client, tenant, redirect_uri=web)
    entra_error(redeem(client, tenant, code, redirect_uri=web, client_secret=None), 401, "invalid_client", 7000218)
    assert redeem(client, tenant, code, redirect_uri=web).status_code == 200


def test_a_new_password_revokes_the_codes_made_before(client, tenant):
    code = code_of(client, tenant)
    assert client.post(f"/_sandbox/tenants/{tenant['id']}/reset").status_code == 200  # a seed remakes the sign-ins
    entra_error(redeem(client, tenant, code), 400, "invalid_grant", 50173)


def test_the_longest_request_still_makes_a_code_the_token_endpoint_takes(client, tenant):
    redirect_uri = "https://app.example.com/" + "r" * 2000
    nonce = "\U0001f600" * 2048  # JSON-escaped in the code: 12 characters each
    code = code_of(client, tenant, redirect_uri=redirect_uri, nonce=nonce)
    body = redeem(client, tenant, code, redirect_uri=redirect_uri).get_json()
    assert claims_of(body["id_token"])["nonce"] == nonce


def test_a_rehearsed_token_failure_leaves_the_code_unused(client, tenant):
    code = code_of(client, tenant)
    rule = {"operation": "token", "status": 503, "count": 1}
    assert client.post(f"/_sandbox/tenants/{tenant['id']}/faults", json=rule).status_code == 201
    entra_error(redeem(client, tenant, code), 503, "temporarily_unavailable", 90033)
    assert redeem(client, tenant, code).status_code == 200


def test_the_journal_keeps_no_code_nor_verifier(client, tenant):
    code = code_of(client, tenant, code_challenge=s256(VERIFIER), code_challenge_method="S256")
    assert redeem(client, tenant, code, code_verifier=VERIFIER).status_code == 200
    [entry] = [e for e in client.get(f"/_sandbox/tenants/{tenant['id']}/journal").get_json()["items"]
               if e["operation"] == "token (v2.0)"]
    sent = entry["requestBody"]
    assert sent["code"] == sent["code_verifier"] == sent["client_secret"] == "[redacted]"
    assert sent["grant_type"] == "authorization_code"


# --- the sign-in page ---------------------------------------------------------------------------------


def test_a_wrong_password_shows_the_page_again_with_the_user_name_and_issues_nothing(client, tenant):
    admin = user_of(tenant, "AdminAgent")
    response = sign_in(client, tenant, password="wrong-password")

    text = response.get_data(as_text=True)
    assert response.status_code == 400 and "Location" not in response.headers
    assert escape(authorize.WRONG_PASSWORD) in text
    assert f'value="{admin["userName"]}"' in text and 'aria-describedby="password-error"' in text
    assert "code=" not in text


@pytest.mark.parametrize("who", ["unknown", "other tenant's", "control character"])
def test_a_user_outside_the_apps_tenant_is_unknown(client, tenant, who):
    other = client.post("/_sandbox/tenants", json={"customers": 0}).get_json()
    name = {"unknown": "nobody@nowhere.onmicrosoft.com", "other tenant's": user_of(other, "AdminAgent")["userName"],
            "control character": "admin\x00@x.onmicrosoft.com"}[who]
    response = sign_in(client, tenant, user_name=name, password=user_of(other, "AdminAgent")["password"])

    text = response.get_data(as_text=True)
    assert response.status_code == 400 and "Location" not in response.headers
    assert escape(authorize.UNKNOWN_USER) in text and 'aria-describedby="username-error"' in text


def test_empty_fields_are_asked_for(client, tenant):
    page = client.get(authorize_url(tenant))
    action, csrf = sign_in_form(page)
    no_user = client.post(action, data={"csrf_token": csrf, "username": " ", "password": "x"})
    assert no_user.status_code == 400 and authorize.NO_USER in no_user.get_data(as_text=True)
    no_password = client.post(action, data={"csrf_token": csrf, "username": "someone@example.com"})
    assert no_password.status_code == 400 and authorize.NO_PASSWORD in no_password.get_data(as_text=True)


def test_a_post_without_its_csrf_token_signs_nobody_in(client, tenant):
    page = client.get(authorize_url(tenant))
    action, _ = sign_in_form(page)
    admin = user_of(tenant, "AdminAgent")

    response = client.post(action, data={"username": admin["userName"], "password": admin["password"]})

    assert response.status_code == 400 and "Location" not in response.headers
    assert escape(authorize.EXPIRED_FORM) in response.get_data(as_text=True)


def test_the_login_hint_fills_in_the_user_name(client, tenant):
    text = client.get(authorize_url(tenant, login_hint="someone@example.com")).get_data(as_text=True)
    assert 'value="someone@example.com"' in text


def test_the_post_checks_the_request_again(client, tenant):
    """Nothing of the authorization request travels in the form: the query the form posts to is read again,
    so a request altered on the way is judged as itself."""
    page = client.get(authorize_url(tenant))
    action, csrf = sign_in_form(page)
    admin = user_of(tenant, "AdminAgent")
    altered = action.replace(urlencode({"redirect_uri": REDIRECT}), urlencode({"redirect_uri": "http://evil.example/cb"}))
    assert altered != action

    response = client.post(altered, data={"csrf_token": csrf, "username": admin["userName"], "password": admin["password"]})

    assert response.status_code == 400 and "Location" not in response.headers
    assert "AADSTS50011" in response.get_data(as_text=True)


@pytest.mark.parametrize("prompt", ["login", "select_account", "consent"])
def test_prompts_that_show_the_page(client, tenant, prompt):
    assert client.get(authorize_url(tenant, prompt=prompt)).status_code == 200


def test_prompt_none_is_login_required(client, tenant):
    response = client.get(authorize_url(tenant, prompt="none"))
    answer = answer_of(response)
    assert (answer["error"], answer["state"]) == ("login_required", "state-123")
    assert answer["error_description"].startswith("AADSTS50058: ")


def test_response_mode_fragment(client, tenant):
    response = sign_in(client, tenant, response_mode="fragment")
    location = urlsplit(response.headers["Location"])
    assert location.query == "" and location.fragment.startswith("code=")
    assert redeem(client, tenant, answer_of(response)["code"]).status_code == 200


def test_response_mode_form_post(client, tenant):
    response = sign_in(client, tenant, response_mode="form_post")

    text = response.get_data(as_text=True)
    assert response.status_code == 200 and "Location" not in response.headers
    assert f'<form method="post" action="{REDIRECT}"' in text and ">Continue</button>" in text
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', text))
    assert set(fields) == {"code", "state"} and fields["state"] == "state-123"
    assert redeem(client, tenant, html.unescape(fields["code"])).status_code == 200
    # errors go the same way
    failed = client.get(authorize_url(tenant, response_mode="form_post", prompt="none"))
    assert failed.status_code == 200 and 'name="error" value="login_required"' in failed.get_data(as_text=True)


def test_a_redirect_uri_with_a_query_keeps_it(client, tenant):
    response = sign_in(client, tenant, redirect_uri="https://app.example.com/cb?tenant=contoso")
    assert response.headers["Location"].startswith("https://app.example.com/cb?tenant=contoso&code=")


# --- errors: on Entra's page, or back to the app ---------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"segment": "nobody.onmicrosoft.com"}, 90002),
        ({"segment": "00000000-0000-0000-0000-000000000000"}, 90002),
        ({"client_id": None}, 900144),
        ({"client_id": "00000000-0000-0000-0000-000000000000"}, 700016),
        ({"client_id": "OTHER"}, 700016),
        ({"redirect_uri": None}, 900971),
        ({"redirect_uri": "http://app.example.com/cb"}, 50011),
        ({"redirect_uri": "ftp://localhost/cb"}, 50011),
        ({"redirect_uri": "https://app.example.com/cb#part"}, 50011),
        ({"redirect_uri": "javascript:alert(1)"}, 50011),
        ({"redirect_uri": "/callback"}, 50011),
        ({"redirect_uri": "http://localhost:port/cb"}, 50011),
        ({"redirect_uri": "https://app.example.com:0/cb"}, 50011),
        ({"redirect_uri": "https://user:secret@app.example.com/cb"}, 50011),
        ({"redirect_uri": "https://app.example.com/über"}, 50011),
    ],
)
@pytest.mark.parametrize("version", ["1.0", "2.0"])
def test_errors_entra_shows_on_its_own_page(client, tenant, changes, code, version):
    changes = dict(changes)  # the parameters are shared by both versions
    if changes.get("client_id") == "OTHER":
        changes = {"client_id": client.post("/_sandbox/tenants", json={"customers": 0}).get_json()["application"]["clientId"]}
    segment = changes.pop("segment", None)

    response = client.get(authorize_url(tenant, version, segment, **changes))

    text = response.get_data(as_text=True)
    assert response.status_code == 400 and response.mimetype == "text/html" and "Location" not in response.headers
    assert f"AADSTS{code}: " in text and "trouble signing you in" in text and "Correlation Id" in text


@pytest.mark.parametrize(
    "redirect_uri",
    ["https://app.example.com/cb", "http://127.0.0.1:5000/cb", "http://[::1]:8080/", "http://localhost/",
     "http://LOCALHOST:1/x", "https://app.example.com:8443/a/b?c=d"],
)
def test_redirect_uris_the_sandbox_takes(client, tenant, redirect_uri):
    assert authorize.acceptable_redirect_uri(redirect_uri)
    response = sign_in(client, tenant, redirect_uri=redirect_uri)
    assert response.headers["Location"].lower().startswith(redirect_uri.lower())  # the host as a URI has it
    assert redeem(client, tenant, answer_of(response)["code"], redirect_uri=redirect_uri).status_code == 200


@pytest.mark.parametrize(
    ("changes", "error", "code", "version"),
    [
        ({"response_type": None}, "invalid_request", 900144, "2.0"),
        ({"response_type": "token"}, "unsupported_response_type", 70005, "2.0"),
        ({"response_type": "code id_token"}, "unsupported_response_type", 700054, "1.0"),
        ({"response_mode": "web_message"}, "invalid_request", 70007, "2.0"),
        ({"scope": None}, "invalid_request", 900144, "2.0"),
        ({"scope": "openid profile"}, "invalid_scope", 70011, "2.0"),
        ({"scope": "https://graph.microsoft.com/User.Read"}, "invalid_scope", 70011, "2.0"),
        ({"resource": "https://graph.microsoft.com"}, "invalid_resource", 500011, "1.0"),
        ({"prompt": "always"}, "invalid_request", 90023, "2.0"),
        ({"prompt": "none login"}, "invalid_request", 90023, "2.0"),
        ({"code_challenge": s256(VERIFIER), "code_challenge_method": "S512"}, "invalid_request", 50149, "2.0"),
        ({"code_challenge": "too-short"}, "invalid_request", 501491, "2.0"),
        ({"code_challenge": VERIFIER, "code_challenge_method": "S256"}, "invalid_request", 501491, "1.0"),
        ({"prompt": "none"}, "login_required", 50058, "1.0"),
        ({"nonce": "x" * 3000}, "invalid_request", 90014, "2.0"),
    ],
)
def test_errors_sent_back_to_the_app(client, tenant, changes, error, code, version):
    response = client.get(authorize_url(tenant, version, **changes))

    answer = answer_of(response)
    assert response.headers["Location"].startswith(REDIRECT + "?")
    assert set(answer) == {"error", "error_description", "state"}
    assert (answer["error"], answer["state"]) == (error, "state-123")
    assert answer["error_description"].startswith(f"AADSTS{code}: ") and "Correlation ID: " in answer["error_description"]


def test_an_error_without_state_has_none(client, tenant):
    answer = answer_of(client.get(authorize_url(tenant, state=None, prompt="none")))
    assert set(answer) == {"error", "error_description"}


def test_a_deleted_tenants_rows_go_with_it(client, tenant, app):
    from sqlalchemy import func, select

    from sandbox.store import orm

    assert redeem(client, tenant, code_of(client, tenant)).status_code == 200
    with app.extensions["engine"].connect() as connection:
        assert connection.execute(select(func.count()).select_from(orm.redeemed_codes)).scalar() == 1
    assert client.delete(f"/_sandbox/tenants/{tenant['id']}").status_code == 204
    with app.extensions["engine"].connect() as connection:
        assert connection.execute(select(func.count()).select_from(orm.redeemed_codes)).scalar() == 0


@pytest.mark.parametrize("version", ["1.0", "2.0"])
def test_the_answer_fits_the_documented_schema(client, tenant, version):
    code = code_of(client, tenant, version, scope=f"{USER_SCOPE} openid offline_access" if version == "2.0" else "openid")
    body = redeem(client, tenant, code, version, client_info="1").get_json()
    spec = client.get("/openapi.json").get_json()
    out, sent = spec["components"]["schemas"]["TokenOut"], spec["components"]["schemas"]["TokenRequestIn"]
    assert {"id_token", "client_info", "refresh_token"} <= set(body) <= set(out["properties"])
    assert set(redemption(tenant, code, version, code_verifier="x", client_info="1")) <= set(sent["properties"])
    assert "authorization_code" in sent["properties"]["grant_type"]["enum"]


def test_a_raw_non_ascii_state_comes_back_as_sent(client, tenant):
    """A client that sends UTF-8 bytes in the query unencoded gets its state back unchanged after the sign-in."""
    query = authorize_url(tenant).split("?", 1)[1].replace("state=state-123", "state=caf\u00e9-\u6771")
    raw = query.encode("utf-8").decode("latin-1")  # as WSGI hands a server's raw bytes to the app
    page = client.get(f"/{tenant['id']}/oauth2/v2.0/authorize", environ_overrides={"QUERY_STRING": raw})
    action, csrf = sign_in_form(page)
    user = user_of(tenant, "AdminAgent")
    answer = answer_of(client.post(action, data={"csrf_token": csrf, "username": user["userName"],
                                                 "password": user["password"]}))
    assert answer["state"] == "caf\u00e9-\u6771" and answer["code"]
