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

    expect(page).to_have_title("Enter code")
    expect(page.get_by_role("heading", name="Enter code", exact=True, level=1)).to_be_visible()
    code = page.get_by_label("Code", exact=True)
    next_button = page.get_by_role("button", name="Next", exact=True)
    expect(code).to_be_focused()

    code.fill("ABCD-EFGH")
    next_button.click()

    expect(page.get_by_role("alert")).to_have_text(WRONG_CODE)
    expect(code).to_have_accessible_description(WRONG_CODE)
    expect(code).to_have_value("ABCD-EFGH")  # what was typed is kept
    expect(code).to_be_focused()

    code.fill(flow["user_code"].lower())
    next_button.click()

    expect(page.get_by_role("heading", name="Sign in", exact=True, level=1)).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text(f"to continue to {live_tenant['name']} integration")
    user_name = page.get_by_label("Email, phone, or Skype", exact=True)
    password = page.get_by_label("Password", exact=True)
    sign_in = page.get_by_role("button", name="Sign in", exact=True)
    expect(user_name).to_be_focused()
    user_name.fill(admin["userName"])
    password.fill("not-the-password")
    sign_in.click()

    expect(page.get_by_role("alert")).to_have_text(WRONG_PASSWORD)
    expect(user_name).to_have_value(admin["userName"])
    expect(password).to_be_focused()
    pending = poll()
    assert (pending.status_code, pending.json()["error"]) == (400, "authorization_pending"), pending.text

    password.fill(admin["password"])
    sign_in.click()

    expect(page.get_by_role("status")).to_have_text(
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
