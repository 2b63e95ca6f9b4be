"""Drive the sandbox's sign-in with Microsoft's own libraries, unchanged but for their authority (the sandbox,
over HTTPS: neither takes another): MSAL for Python as an integration in production does (App-only with a
secret or a certificate, App+User from the authorization code flow's browser sign-in, from the device code flow or
from a kept refresh token, the secure application model, silently from MSAL's cache after), and ADAL, which older
integrations and the Partner Center SDK's samples still use."""

from __future__ import annotations

import html
import re
import time
from urllib.parse import parse_qsl, urljoin, urlsplit

import adal
import msal
import pytest
import requests

from sandbox.testing.server import LiveServer
from sandbox.tls import self_signed

from .helpers import RESOURCE, agreement_body, user_of

USER_SCOPE = [f"{RESOURCE}/user_impersonation"]


@pytest.fixture(scope="module")
def https_sandbox(tmp_path_factory):
    certificate = self_signed(tmp_path_factory.mktemp("tls"))
    with LiveServer(certificate=certificate) as server:
        http = requests.Session()
        http.verify, http.trust_env = str(certificate.cert), False  # trust the sandbox's certificate, and only it
        yield server.url, http, certificate


@pytest.fixture
def live_tenant(https_sandbox):
    url, http, _ = https_sandbox
    response = http.post(f"{url}/_sandbox/tenants", json={"customers": 1}, timeout=10)
    assert response.status_code == 201, response.text
    return response.json()


def msal_app(https_sandbox, tenant: dict):
    url, http, _ = https_sandbox
    return msal.ConfidentialClientApplication(
        tenant["application"]["clientId"], client_credential=tenant["application"]["clientSecret"],
        authority=f"{url}/{tenant['id']}", validate_authority=False, http_client=http)


def test_app_only_with_a_client_secret(https_sandbox, live_tenant):
    url, http, _ = https_sandbox
    result = msal_app(https_sandbox, live_tenant).acquire_token_for_client(scopes=[f"{RESOURCE}/.default"])

    assert "access_token" in result, result
    listed = http.get(f"{url}/v1/customers", headers={"Authorization": f"Bearer {result['access_token']}"}, timeout=10)
    assert listed.status_code == 200 and listed.json()["totalCount"] == 1


def test_app_user_from_a_kept_refresh_token_then_silently(https_sandbox, live_tenant):
    url, http, _ = https_sandbox
    admin = user_of(live_tenant, "AdminAgent")
    first = http.post(f"{url}/{live_tenant['id']}/oauth2/token", timeout=10, data={
        "grant_type": "password", "client_id": live_tenant["application"]["clientId"],
        "client_secret": live_tenant["application"]["clientSecret"], "username": admin["userName"],
        "password": admin["password"], "resource": RESOURCE}).json()
    app = msal_app(https_sandbox, live_tenant)

    result = app.acquire_token_by_refresh_token(first["refresh_token"], scopes=USER_SCOPE)

    assert "access_token" in result, result
    customer = live_tenant["customers"][0]["id"]
    confirmed = http.post(f"{url}/v1/customers/{customer}/agreements", json=agreement_body(), timeout=10,
                          headers={"Authorization": f"Bearer {result['access_token']}"})
    assert confirmed.status_code == 201, confirmed.text  # an App+User token: confirming takes one
    [account] = app.get_accounts()
    assert account["username"] == admin["userName"]
    assert app.acquire_token_silent(USER_SCOPE, account=account)["token_source"] == "cache"
    refreshed = app.acquire_token_silent_with_error(USER_SCOPE, account=account, force_refresh=True)
    assert refreshed["token_source"] == "identity_provider" and "access_token" in refreshed, refreshed


@pytest.mark.filterwarnings("ignore:response_mode='form_post' is recommended")  # the redirect's query, as asked
def test_app_user_from_the_authorization_code_flow(https_sandbox, live_tenant):
    """The consent step of the secure application model: MSAL builds the authorize URL, a browser (here
    ``requests``) signs the partner user in on the sandbox's page, and MSAL redeems the code the redirect carries."""
    url, http, certificate = https_sandbox
    app = msal_app(https_sandbox, live_tenant)
    flow = app.initiate_auth_code_flow(scopes=USER_SCOPE, redirect_uri="http://localhost:8400/callback")
    browser = requests.Session()
    browser.verify, browser.trust_env = str(certificate.cert), False
    page = browser.get(flow["auth_uri"], timeout=10)
    assert page.status_code == 200, page.text
    action = html.unescape(re.search(r'<form method="post" action="([^"]+)"', page.text).group(1))
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    admin = user_of(live_tenant, "AdminAgent")

    signed_in = browser.post(urljoin(page.url, action), allow_redirects=False, timeout=10,
                             headers={"Referer": page.url},  # as a browser sends it (CSRF over HTTPS checks it)
                             data={"csrf_token": csrf, "username": admin["userName"], "password": admin["password"]})
    assert signed_in.status_code == 302, signed_in.text
    location = urlsplit(signed_in.headers["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == "http://localhost:8400/callback"
    result = app.acquire_token_by_auth_code_flow(flow, dict(parse_qsl(location.query)))

    assert "access_token" in result, result
    [account] = app.get_accounts()
    assert account["username"] == admin["userName"]
    customer = live_tenant["customers"][0]["id"]
    confirmed = http.post(f"{url}/v1/customers/{customer}/agreements", json=agreement_body(), timeout=10,
                          headers={"Authorization": f"Bearer {result['access_token']}"})
    assert confirmed.status_code == 201, confirmed.text
    refreshed = app.acquire_token_silent_with_error(USER_SCOPE, account=account, force_refresh=True)
    assert refreshed["token_source"] == "identity_provider" and "access_token" in refreshed, refreshed


def approve_on_the_device_login_page(https_sandbox, tenant: dict, flow: dict, role: str = "AdminAgent") -> str:
    """What the person does in a browser (here ``requests``): the verification page, the code, the sign-in.
    The page's text at the end."""
    _, _, certificate = https_sandbox
    with requests.Session() as browser:
        browser.verify, browser.trust_env = str(certificate.cert), False
        page = browser.get(flow.get("verification_uri") or flow["verification_url"], timeout=10)
        assert page.status_code == 200 and "<h1>Enter code</h1>" in page.text, page.text
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        signing_in = browser.post(page.url, timeout=10, headers={"Referer": page.url},  # CSRF over HTTPS checks it
                                  data={"csrf_token": csrf, "otc": flow["user_code"]})
        assert signing_in.status_code == 200 and "<h1>Sign in</h1>" in signing_in.text, signing_in.text
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', signing_in.text).group(1)
        user = user_of(tenant, role)
        done = browser.post(page.url, timeout=10, headers={"Referer": page.url}, data={
            "csrf_token": csrf, "otc": flow["user_code"], "username": user["userName"], "password": user["password"]})
        assert done.status_code == 200, done.text
        return html.unescape(done.text)


@pytest.mark.filterwarnings("ignore:Attempted too soon")  # the spent code's poll, on purpose without waiting
def test_app_user_from_the_device_code_flow(https_sandbox, live_tenant):
    """A script or CLI's sign-in (Partner Center PowerShell's -UseDeviceAuthentication): MSAL starts the flow from
    the OpenID configuration's device_authorization_endpoint, the person signs in on the sandbox's /devicelogin,
    MSAL's poll gets the token. The sign-in comes before the first poll, so MSAL never waits its 5 seconds."""
    url, http, _ = https_sandbox
    app = msal.PublicClientApplication(live_tenant["application"]["clientId"], authority=f"{url}/{live_tenant['id']}",
                                       validate_authority=False, http_client=http)
    flow = app.initiate_device_flow(scopes=USER_SCOPE)
    assert flow["verification_uri"] == f"{url}/devicelogin" and flow["expires_in"] == 900, flow
    assert flow["message"].startswith(f"To sign in, use a web browser to open the page {url}/devicelogin and enter")

    done = approve_on_the_device_login_page(https_sandbox, live_tenant, flow)
    flow["expires_at"] = time.time() + 30  # MSAL's own deadline (from expires_in): a refusal ends the poll in 30 s

    assert f"You have signed in to the {live_tenant['name']} integration application on your device." in done
    result = app.acquire_token_by_device_flow(flow)

    assert "access_token" in result, result
    assert result["token_source"] == "identity_provider" and result["refresh_token"]
    [account] = app.get_accounts()
    assert account["username"] == user_of(live_tenant, "AdminAgent")["userName"]
    customer = live_tenant["customers"][0]["id"]
    confirmed = http.post(f"{url}/v1/customers/{customer}/agreements", json=agreement_body(), timeout=10,
                          headers={"Authorization": f"Bearer {result['access_token']}"})
    assert confirmed.status_code == 201, confirmed.text
    assert app.acquire_token_silent(USER_SCOPE, account=account)["token_source"] == "cache"
    flow["expires_at"] = 0  # the code is spent: one poll, no waiting
    again = app.acquire_token_by_device_flow(flow)
    assert (again["error"], again["error_codes"]) == ("invalid_grant", [54005]), again


@pytest.mark.filterwarnings("ignore:Attempted too soon")  # the refused poll, on purpose without waiting
def test_msals_public_client_is_refused_by_an_app_that_does_not_allow_public_client_flows(https_sandbox, live_tenant):
    """An integration that forgot its secret: with the app's "Allow public client flows" off (a web app registration,
    Partner Center's secure application model), MSAL's public client starts the device flow and the person signs
    in, but its poll, and its refresh token redemption, get Entra's 401 invalid_client 7000218; MSAL's confidential
    client, with the secret, keeps working."""
    url, http, _ = https_sandbox
    client_id = live_tenant["application"]["clientId"]
    changed = http.patch(f"{url}/_sandbox/tenants/{live_tenant['id']}/applications/{client_id}", timeout=10,
                         json={"allowPublicClientFlows": False})
    assert changed.status_code == 200 and changed.json()["allowPublicClientFlows"] is False, changed.text
    public = msal.PublicClientApplication(client_id, authority=f"{url}/{live_tenant['id']}", validate_authority=False,
                                          http_client=http)

    flow = public.initiate_device_flow(scopes=USER_SCOPE)
    assert "user_code" in flow, flow
    approve_on_the_device_login_page(https_sandbox, live_tenant, flow)
    flow["expires_at"] = 0  # one poll, no waiting
    refused = public.acquire_token_by_device_flow(flow)
    assert (refused["error"], refused["error_codes"]) == ("invalid_client", [7000218]), refused

    admin = user_of(live_tenant, "AdminAgent")
    refresh_token = http.post(f"{url}/{live_tenant['id']}/oauth2/token", timeout=10, data={
        "grant_type": "password", "client_id": client_id, "client_secret": live_tenant["application"]["clientSecret"],
        "username": admin["userName"], "password": admin["password"], "resource": RESOURCE}).json()["refresh_token"]
    refused = public.acquire_token_by_refresh_token(refresh_token, scopes=USER_SCOPE)
    assert (refused["error"], refused["error_codes"]) == ("invalid_client", [7000218]), refused
    result = msal_app(https_sandbox, live_tenant).acquire_token_by_refresh_token(refresh_token, scopes=USER_SCOPE)
    assert "access_token" in result, result


def test_adal_device_code(https_sandbox, live_tenant, monkeypatch):
    """ADAL's v1 device code flow: acquire_user_code, the person's sign-in, then acquire_token_with_device_code
    (grant_type=device_code with code), whose first poll gets the token."""
    url, http, certificate = https_sandbox
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(certificate.cert))  # ADAL's own requests read it
    client_id = live_tenant["application"]["clientId"]
    context = adal.AuthenticationContext(f"{url}/{live_tenant['id']}", validate_authority=False)

    code = context.acquire_user_code(RESOURCE, client_id)
    assert (code["verification_url"], code["expires_in"], code["interval"]) == (f"{url}/devicelogin", 900, 5)
    approve_on_the_device_login_page(https_sandbox, live_tenant, code, role="SalesAgent")
    token = context.acquire_token_with_device_code(RESOURCE, code, client_id)

    assert token["accessToken"] and token["refreshToken"]
    customer = live_tenant["customers"][0]["id"]
    confirmed = http.post(f"{url}/v1/customers/{customer}/agreements", json=agreement_body(), timeout=10,
                          headers={"Authorization": f"Bearer {token['accessToken']}"})
    assert confirmed.status_code == 201, confirmed.text


@pytest.fixture(scope="module")
def app_certificate():
    from .test_client_assertion import make_certificate

    return make_certificate()


def registered_certificate(https_sandbox, tenant: dict, certificate) -> None:
    url, http, _ = https_sandbox
    response = http.post(f"{url}/_sandbox/tenants/{tenant['id']}/applications/{tenant['application']['clientId']}"
                         "/certificates", json={"certificate": certificate.pem}, timeout=10)
    assert response.status_code == 201, response.text


@pytest.mark.parametrize("credential", ["thumbprint", "public_certificate"])
def test_app_only_with_a_certificate(https_sandbox, live_tenant, app_certificate, credential):
    """MSAL's certificate credential: with a SHA-1 thumbprint it signs RS256 with x5t; with the public certificate
    (and no thumbprint) PS256 with x5t#S256 and the certificate in x5c."""
    url, http, _ = https_sandbox
    registered_certificate(https_sandbox, live_tenant, app_certificate)
    given = {"thumbprint": app_certificate.sha1} if credential == "thumbprint" else {"public_certificate": app_certificate.pem}
    app = msal.ConfidentialClientApplication(
        live_tenant["application"]["clientId"], client_credential={"private_key": app_certificate.key_pem, **given},
        authority=f"{url}/{live_tenant['id']}", validate_authority=False, http_client=http)
    result = app.acquire_token_for_client(scopes=[f"{RESOURCE}/.default"])

    assert "access_token" in result, result
    listed = http.get(f"{url}/v1/customers", headers={"Authorization": f"Bearer {result['access_token']}"}, timeout=10)
    assert listed.status_code == 200


def test_adal_app_only_with_a_certificate(https_sandbox, live_tenant, app_certificate, monkeypatch):
    """ADAL's certificate credential: RS256 with x5t, its audience the v1 token endpoint."""
    url, http, certificate = https_sandbox
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(certificate.cert))  # ADAL's own requests read it
    registered_certificate(https_sandbox, live_tenant, app_certificate)
    context = adal.AuthenticationContext(f"{url}/{live_tenant['id']}", validate_authority=False)
    token = context.acquire_token_with_client_certificate(RESOURCE, live_tenant["application"]["clientId"],
                                                          app_certificate.key_pem, app_certificate.sha1)
    listed = http.get(f"{url}/v1/customers", headers={"Authorization": f"Bearer {token['accessToken']}"}, timeout=10)
    assert listed.status_code == 200


def test_an_unregistered_certificate_is_msals_invalid_client(https_sandbox, live_tenant, app_certificate):
    url, http, _ = https_sandbox
    app = msal.ConfidentialClientApplication(
        live_tenant["application"]["clientId"],
        client_credential={"private_key": app_certificate.key_pem, "thumbprint": app_certificate.sha1},
        authority=f"{url}/{live_tenant['id']}", validate_authority=False, http_client=http)
    result = app.acquire_token_for_client(scopes=[f"{RESOURCE}/.default"])
    assert (result["error"], result["error_codes"]) == ("invalid_client", [700027])


def test_a_wrong_secret_is_msals_invalid_client(https_sandbox, live_tenant):
    url, http, _ = https_sandbox
    app = msal.ConfidentialClientApplication(live_tenant["application"]["clientId"], client_credential="wrong",
                                             authority=f"{url}/{live_tenant['id']}", validate_authority=False,
                                             http_client=http)
    result = app.acquire_token_for_client(scopes=[f"{RESOURCE}/.default"])
    assert (result["error"], result["error_codes"]) == ("invalid_client", [7000215])


def test_an_unknown_tenant_fails_msals_discovery(https_sandbox):
    url, http, _ = https_sandbox
    with pytest.raises(ValueError, match="tenant"):
        msal.ConfidentialClientApplication("00000000-0000-0000-0000-000000000001", client_credential="x",
                                           authority=f"{url}/nobody.onmicrosoft.com", validate_authority=False,
                                           http_client=http)


def test_adal_app_only_password_and_refresh_token(https_sandbox, live_tenant, monkeypatch):
    url, http, certificate = https_sandbox
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(certificate.cert))  # ADAL's own requests read it
    app, admin = live_tenant["application"], user_of(live_tenant, "AdminAgent")
    context = adal.AuthenticationContext(f"{url}/{live_tenant['id']}", validate_authority=False)

    app_only = context.acquire_token_with_client_credentials(RESOURCE, app["clientId"], app["clientSecret"])
    user = context.acquire_token_with_username_password(RESOURCE, admin["userName"], admin["password"], app["clientId"])
    again = context.acquire_token_with_refresh_token(user["refreshToken"], app["clientId"], RESOURCE, app["clientSecret"])

    assert app_only["accessToken"] and "refreshToken" not in app_only
    assert user["userId"] == admin["userName"]
    customer = live_tenant["customers"][0]["id"]
    confirmed = http.post(f"{url}/v1/customers/{customer}/agreements", json=agreement_body(), timeout=10,
                          headers={"Authorization": f"Bearer {again['accessToken']}"})
    assert confirmed.status_code == 201, confirmed.text
