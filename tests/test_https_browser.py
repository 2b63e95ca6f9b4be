"""The sandbox over HTTPS (``mca-sandbox serve --tls``) in a real browser: Debian's Chromium, through Playwright.

MSAL and ADAL take only an ``https`` authority, so an integration's consent step (the authorize endpoint's
sign-in page) runs in a browser against the sandbox behind TLS; and over HTTPS Flask-WTF checks a form post's
Referer too (``WTF_CSRF_SSL_STRICT``), which the portal's in-place posts (``in_place.js``, fetch) must pass.
tests/api covers the same flows with ``requests`` only; here a browser types, clicks and follows redirects.

The sandbox is served on loopback with a self-signed certificate (``sandbox.tls.self_signed``): the browser
contexts ignore certificate errors (Chromium has no way to trust a file for one context), ``requests`` trusts
the certificate file and only it.
"""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
import threading
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import requests
from playwright.sync_api import Page, Request, expect

from sandbox.testing.pages import AccountPage, EntraSignIn, PartnerCenterSignIn
from sandbox.testing.server import LiveServer
from sandbox.tls import self_signed
from sandbox.web.identity.authorize import WRONG_PASSWORD

pytestmark = pytest.mark.browser

RESOURCE = "https://api.partnercenter.microsoft.com"
SCOPE = f"{RESOURCE}/user_impersonation offline_access"
APP_PAGE = b"<!doctype html><title>Signed in</title><h1>Back in the app</h1>"


class HttpsSandbox:
    """The sandbox served over HTTPS on loopback, and a ``requests`` session that trusts its certificate only."""

    def __init__(self, server: LiveServer, http: requests.Session):
        self.server, self.http, self.url = server, http, server.url

    def post(self, path: str, **kwargs) -> requests.Response:
        return self.http.post(self.url + path, timeout=10, **kwargs)

    def get(self, path: str, **kwargs) -> requests.Response:
        return self.http.get(self.url + path, timeout=10, **kwargs)


@pytest.fixture(scope="module")
def https_sandbox(tmp_path_factory):
    certificate = self_signed(tmp_path_factory.mktemp("tls"))
    with LiveServer(certificate=certificate) as server, requests.Session() as http:
        # the certificate file as the only trust; trust_env off, or REQUESTS_CA_BUNDLE would win over verify
        http.verify, http.trust_env = str(certificate.cert), False
        assert server.url.startswith("https://127.0.0.1:")
        yield HttpsSandbox(server, http)


@pytest.fixture(scope="module")
def browser_context_args(https_sandbox):
    """This module's browser contexts (``page``: one per test): pointed at the HTTPS sandbox, not the plugin's
    ``sandbox``; the certificate is self-signed, so its errors are ignored."""
    return {"locale": "en-US", "timezone_id": "UTC", "base_url": https_sandbox.url, "ignore_https_errors": True}


@pytest.fixture
def live_tenant(https_sandbox) -> dict:
    """A fresh direct-bill partner tenant with one customer (no agreement yet), made through the control API."""
    response = https_sandbox.post("/_sandbox/tenants", json={"customers": 1})
    assert response.status_code == 201, response.text
    return response.json()


class _TheApp(BaseHTTPRequestHandler):
    """The app's end of the redirect: records what it was sent and answers with a small page."""

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        self.server.seen.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(APP_PAGE)))
        self.end_headers()
        self.wfile.write(APP_PAGE)

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def the_app():
    """The app's loopback redirect URI, listened on as MSAL's local listener does (``http://127.0.0.1:<port>``).

    Not ``page.route``: Playwright calls a route's handler for the first URL only, never for the target of a
    redirect (the 302 to the redirect URI); and no fixed port that nothing listens on (port 9, say), which
    Chromium may refuse outright (``net::ERR_UNSAFE_PORT``)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _TheApp)
    server.seen = []
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), name="the-app-redirect-uri", daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


def user_of(tenant: dict, role: str) -> dict:
    return next(u for u in tenant["users"] if u["role"] == role)


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def s256(verifier: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()


# --- the authorize endpoint's sign-in page (the consent step) ---------------------------------------


def test_consent_signs_in_in_the_browser_and_the_code_redeems_for_tokens(page: Page, https_sandbox, live_tenant,
                                                                         the_app):
    app, admin = live_tenant["application"], user_of(live_tenant, "AdminAgent")
    redirect_uri = f"http://127.0.0.1:{the_app.server_port}/callback"
    verifier, state = secrets.token_urlsafe(48), secrets.token_urlsafe(16)
    query = urlencode({"client_id": app["clientId"], "response_type": "code", "redirect_uri": redirect_uri,
                       "scope": SCOPE, "state": state, "code_challenge": s256(verifier),
                       "code_challenge_method": "S256"})
    page.goto(f"/{live_tenant['id']}/oauth2/v2.0/authorize?{query}")

    expect(page).to_have_title("Sign in to your account")
    sign_in = EntraSignIn(page)
    expect(sign_in.heading).to_be_visible()
    expect(sign_in.main).to_contain_text(f"to continue to {live_tenant['name']} integration")
    expect(sign_in.user_name).to_be_focused()
    expect(sign_in.password).to_have_attribute("type", "password")

    sign_in.sign_in(admin["userName"], "not-the-password")

    expect(sign_in.error).to_have_text(WRONG_PASSWORD)
    expect(sign_in.password).to_have_attribute("aria-invalid", "true")
    expect(sign_in.password).to_have_accessible_description(WRONG_PASSWORD)
    expect(sign_in.password).to_be_focused()
    expect(sign_in.password).to_have_value("")
    expect(sign_in.user_name).to_have_value(admin["userName"])  # the user name is kept
    expect(page).to_have_url(re.compile(r"/oauth2/v2\.0/authorize\?"))  # still Entra's page, the request kept
    assert the_app.seen == []

    sign_in.password.fill(admin["password"])
    sign_in.sign_in_button.click()

    expect(page.get_by_role("heading", name="Back in the app", exact=True)).to_be_visible()
    expect(page).to_have_url(re.compile(rf"^{re.escape(redirect_uri)}\?"))
    answer = parse_qs(urlsplit(page.url).query)
    assert set(answer) == {"code", "state"} and answer["state"] == [state]
    [code] = answer["code"]
    assert [path for path in the_app.seen if path.startswith("/callback")] == [
        page.url.removeprefix(f"http://127.0.0.1:{the_app.server_port}")]  # the app itself got the code, once

    token = https_sandbox.post(f"/{live_tenant['id']}/oauth2/v2.0/token", data={
        "grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri, "client_id": app["clientId"],
        "client_secret": app["clientSecret"], "code_verifier": verifier, "scope": SCOPE})
    assert token.status_code == 200, token.text
    body = token.json()
    assert body["token_type"] == "Bearer" and body["access_token"] and body["refresh_token"]
    listed = https_sandbox.get("/v1/customers", headers=bearer(body["access_token"]))
    assert listed.status_code == 200, listed.text
    assert [c["id"] for c in listed.json()["items"]] == [live_tenant["customers"][0]["id"]]


# --- the portal: CSRF with the Referer check, in place (fetch) ----------------------------------------


def test_the_portal_signs_in_and_saves_an_attestation_over_https(page: Page, https_sandbox, live_tenant):
    admin, customer = user_of(live_tenant, "AdminAgent"), live_tenant["customers"][0]
    assert customer["state"] == "NoAgreement"
    posts: list[Request] = []
    page.on("request", lambda request: posts.append(request) if request.method == "POST" else None)
    accepted = (datetime.fromisoformat(live_tenant["clock"]["now"]) - timedelta(days=3)).date()

    shell = PartnerCenterSignIn(page).open().sign_in(admin["userName"], admin["password"])
    expect(shell.sign_out_button).to_be_visible()
    account = AccountPage(page).open(customer["id"])
    expect(account.heading(customer["companyName"])).to_be_visible()
    expect(account.agreement_status("Partner attestation")).to_have_text("Not provided")
    form = account.update_agreement()
    form.fill(first_name="Jan", last_name="Jansen", email="jan.jansen@example.com", date=accepted.isoformat())
    account = form.save()

    expect(account.agreement_status("Partner attestation")).to_have_text("Provided")
    expect(account.agreement_status("Accepted by")).to_have_text("Jan Jansen (jan.jansen@example.com)")
    expect(account.agreement_status("Agreement acceptance date")).to_have_text(accepted.strftime("%m/%d/%Y"))
    expect(account.agreement_status("Confirmed by")).to_have_text(admin["userName"])

    # both posts were the page's own (in place, by fetch), from this origin, and got past the CSRF check
    assert [urlsplit(p.url).path for p in posts] == ["/dashboard/signin", f"/dashboard/customers/{customer['id']}/agreement"]
    for post in posts:
        assert post.resource_type == "fetch", post.url
        assert post.all_headers().get("referer", "").startswith(https_sandbox.url + "/dashboard/"), post.url
        assert post.response().status < 400, (post.url, post.response().status)

    token = https_sandbox.post(f"/{live_tenant['id']}/oauth2/token", data={
        "grant_type": "password", "client_id": live_tenant["application"]["clientId"],
        "client_secret": live_tenant["application"]["clientSecret"], "username": admin["userName"],
        "password": admin["password"], "resource": RESOURCE})
    assert token.status_code == 200, token.text
    agreements = https_sandbox.get(f"/v1/customers/{customer['id']}/agreements",
                                   params={"agreementType": "MicrosoftCustomerAgreement"},
                                   headers=bearer(token.json()["access_token"]))
    assert agreements.status_code == 200, agreements.text
    [agreement] = agreements.json()["items"]
    assert agreement["primaryContact"] == {"firstName": "Jan", "lastName": "Jansen", "email": "jan.jansen@example.com"}
    assert agreement["dateAgreed"].startswith(accepted.isoformat())


def test_over_https_a_portal_post_needs_a_same_origin_referer(https_sandbox, live_tenant):
    """What the browser test above passes: with a valid token, a post without a Referer (or from another
    origin) is still refused over HTTPS; with this origin's page as Referer it goes through."""
    admin = user_of(live_tenant, "AdminAgent")
    form = {"user_name": admin["userName"], "password": admin["password"], "next": ""}
    for referer, status in ((None, 400), ("https://elsewhere.example/dashboard/signin", 400),
                            (https_sandbox.url + "/dashboard/signin", 302)):
        with requests.Session() as http:
            http.verify, http.trust_env = https_sandbox.http.verify, False
            page = http.get(https_sandbox.url + "/dashboard/signin", timeout=10)
            token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
            headers = {"Referer": referer} if referer else {}
            answer = http.post(https_sandbox.url + "/dashboard/signin", data={**form, "csrf_token": token},
                               headers=headers, allow_redirects=False, timeout=10)
            assert answer.status_code == status, (referer, answer.status_code)
            if status == 400:
                assert "The form can&#39;t be sent" in answer.text


def test_the_libraries_fast_sign_in_works_over_https(page: Page, https_sandbox, live_tenant):
    """The step library's Given "... is signed in to Partner Center" posts the sign-in form without rendering
    it (``submit_form_over_http``): over HTTPS it must send the Referer a browser would, or a partner's suite
    against a shared HTTPS sandbox fails before its first When."""
    from sandbox.testing.browser import submit_form_over_http

    admin = user_of(live_tenant, "AdminAgent")
    answer = submit_form_over_http(page.context, PartnerCenterSignIn.PATH,
                                   {"User name": admin["userName"], "Password": admin["password"]})
    assert answer.ok and PartnerCenterSignIn.PATH not in answer.url, (answer.status, answer.url)
    shell = AccountPage(page).open(live_tenant["customers"][0]["id"])  # the context's session is signed in
    expect(shell.heading(live_tenant["customers"][0]["companyName"])).to_be_visible()
