"""The device code flow's page over HTTPS in a real browser (Debian's Chromium, through Playwright): the person
opens the ``verification_uri`` the devicecode endpoint gave, types the user code (a wrong one first: Entra's
message, the typed text kept), signs in as a partner user and reads that they may close the window; the app's
next poll of the token endpoint gets its token.

Served as in tests/test_https_browser.py: loopback, a self-signed certificate the browser context ignores the
errors of, a ``requests`` session that trusts that certificate only (the app's side). Over HTTPS Flask-WTF checks
each post's Referer: the page's own posts pass it.
"""

from __future__ import annotations

import re

import pytest
import requests
from playwright.sync_api import Page, expect

from sandbox.testing.pages import DeviceLoginPage
from sandbox.testing.server import LiveServer
from sandbox.tls import self_signed
from sandbox.web.identity.authorize import WRONG_PASSWORD
from sandbox.web.identity.device import WRONG_CODE

pytestmark = pytest.mark.browser

RESOURCE = "https://api.partnercenter.microsoft.com"
SCOPE = f"{RESOURCE}/user_impersonation openid profile offline_access"
DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"


@pytest.fixture(scope="module")
def https_sandbox(tmp_path_factory):
    certificate = self_signed(tmp_path_factory.mktemp("tls"))
    with LiveServer(certificate=certificate) as server, requests.Session() as http:
        http.verify, http.trust_env = str(certificate.cert), False  # the certificate file as the only trust
        assert server.url.startswith("https://127.0.0.1:")
        yield server.url, http


@pytest.fixture(scope="module")
def browser_context_args(https_sandbox):
    """This module's browser contexts: the HTTPS sandbox, its self-signed certificate's errors ignored."""
    url, _ = https_sandbox
    return {"locale": "en-US", "timezone_id": "UTC", "base_url": url, "ignore_https_errors": True}


@pytest.fixture
def live_tenant(https_sandbox) -> dict:
    url, http = https_sandbox
    response = http.post(f"{url}/_sandbox/tenants", json={"customers": 1}, timeout=10)
    assert response.status_code == 201, response.text
    return response.json()


def test_the_person_enters_the_code_and_signs_in_then_the_app_gets_its_token(page: Page, https_sandbox, live_tenant):
    url, http = https_sandbox
    app = live_tenant["application"]
    admin = next(u for u in live_tenant["users"] if u["role"] == "AdminAgent")
    started = http.post(f"{url}/{live_tenant['id']}/oauth2/v2.0/devicecode", timeout=10,
                        data={"client_id": app["clientId"], "scope": SCOPE})
    assert started.status_code == 200, started.text
    flow = started.json()
    assert flow["verification_uri"] == f"{url}/devicelogin"

    def poll() -> requests.Response:  # the app's side, as MSAL polls (a public client: no secret)
        return http.post(f"{url}/{live_tenant['id']}/oauth2/v2.0/token", timeout=10, data={
            "grant_type": DEVICE_GRANT, "client_id": app["clientId"], "device_code": flow["device_code"]})

    page.goto(flow["verification_uri"])
    device_login = DeviceLoginPage(page)

    expect(page).to_have_title("Enter code")
    expect(device_login.heading).to_be_visible()
    expect(device_login.code).to_be_focused()

    device_login.enter_code("ABCD-EFGH")

    expect(device_login.error).to_have_text(WRONG_CODE)
    expect(device_login.code).to_have_accessible_description(WRONG_CODE)
    expect(device_login.code).to_have_value("ABCD-EFGH")  # what was typed is kept
    expect(device_login.code).to_be_focused()

    sign_in = device_login.enter_code(flow["user_code"].lower())

    expect(sign_in.heading).to_be_visible()
    expect(sign_in.main).to_contain_text(f"to continue to {live_tenant['name']} integration")
    expect(sign_in.user_name).to_be_focused()
    sign_in.sign_in(admin["userName"], "not-the-password")

    expect(sign_in.error).to_have_text(WRONG_PASSWORD)
    expect(sign_in.user_name).to_have_value(admin["userName"])
    expect(sign_in.password).to_be_focused()
    pending = poll()
    assert (pending.status_code, pending.json()["error"]) == (400, "authorization_pending"), pending.text

    sign_in.password.fill(admin["password"])
    sign_in.sign_in_button.click()

    expect(device_login.done).to_have_text(
        f"You have signed in to the {live_tenant['name']} integration application on your device. "
        "You may now close this window.")
    expect(page).to_have_url(re.compile(r"/devicelogin$"))
    token = poll()
    assert token.status_code == 200, token.text
    body = token.json()
    assert body["access_token"] and body["refresh_token"] and body["id_token"]
    listed = http.get(f"{url}/v1/customers", timeout=10, headers={"Authorization": f"Bearer {body['access_token']}"})
    assert listed.status_code == 200, listed.text
    assert [c["id"] for c in listed.json()["items"]] == [live_tenant["customers"][0]["id"]]
    spent = poll()
    assert (spent.status_code, spent.json()["error_codes"]) == (400, [54005]), spent.text
