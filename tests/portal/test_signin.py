"""Sign in to Partner Center: user name + password, the Sandbox persona picker, sign out."""

from __future__ import annotations

import re

import pytest

from sandbox import seed
from sandbox.app import create_app
from sandbox.services import tenants

from .helpers import Portal, page_text, user_of


def test_pages_need_a_signed_in_user(portal):
    response = portal.get("/dashboard/customers?q=abc")
    assert response.status_code == 302
    assert response.location.startswith("/dashboard/signin?next=")
    assert "customers" in response.location


def test_sign_in_page_has_the_contract_labels(portal):
    text = portal.text("/dashboard/signin")
    assert "<h1 id=\"signin-heading\">Sign in to Partner Center</h1>" in text
    assert '<label for="f-user_name">User name</label>' in text
    assert '<label for="f-password">Password</label>' in text
    assert ">Sign in</button>" in text


def test_sign_in_with_user_name_and_password(portal, tenant):
    user = user_of(tenant, "AdminAgent")
    response = portal.post("/dashboard/signin", {"user_name": user["userName"], "password": user["password"]})
    assert response.status_code == 302
    assert response.location == "/dashboard/home"
    home = page_text(portal.get("/dashboard/home"))
    assert tenant["name"] in home
    assert user["userName"] in home
    assert ">Sign out</button>" in home
    assert re.search(r"Sandbox clock: \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC", home)
    assert '<nav class="leftnav" aria-label="Partner Center menu">' in home


def test_sign_in_returns_to_the_page_asked_for(portal, tenant):
    user = user_of(tenant, "SalesAgent")
    response = portal.post(
        "/dashboard/signin",
        {"user_name": user["userName"], "password": user["password"], "next": "/dashboard/customers?q=a"},
    )
    assert response.location == "/dashboard/customers?q=a"


@pytest.mark.parametrize("target", ["//evil.example/x", "https://evil.example/", "/dashboard/../x\\y", "/elsewhere"])
def test_sign_in_never_redirects_off_the_portal(portal, tenant, target):
    user = user_of(tenant, "AdminAgent")
    response = portal.post("/dashboard/signin", {"user_name": user["userName"], "password": user["password"], "next": target})
    assert response.location == "/dashboard/home"


def test_wrong_password_is_refused_and_the_user_name_kept(portal, tenant):
    user = user_of(tenant, "AdminAgent")
    response = portal.post("/dashboard/signin", {"user_name": user["userName"], "password": "wrong"})
    assert response.status_code == 401
    text = response.get_data(as_text=True)
    assert 'role="alert">Your account or password is incorrect.</div>' in text
    assert f'value="{user["userName"]}"' in text
    assert 'aria-invalid="true"' in text
    assert portal.get("/dashboard/customers").status_code == 302  # still signed out


@pytest.mark.parametrize(
    "user_name",
    ["", "   ", "x" * 5000, "' OR 1=1 --", "<script>alert(1)</script>", "Ünïcødé@例え.jp", "a\x00b"],
)
def test_bad_user_names_are_refused_without_an_error_page(portal, tenant, user_name):
    response = portal.post("/dashboard/signin", {"user_name": user_name, "password": "x"})
    assert response.status_code == 401
    assert "Your account or password is incorrect." in response.get_data(as_text=True)
    assert "<script>alert(1)</script>" not in response.get_data(as_text=True)


def test_persona_picker_lists_the_tenants_users(portal, tenant):
    text = page_text(portal.get(f"/dashboard/signin?tenant={tenant['id']}"))
    assert "Sandbox personas" in text
    for user in tenant["users"]:
        assert f"Sign in as {user['userName']}</button>" in text


def test_persona_picker_without_a_tenant_lists_tenants(portal, tenant):
    text = portal.text("/dashboard/signin")
    assert "Sandbox personas" in text
    assert f"?tenant={tenant['id']}" in text


def test_persona_sign_in_needs_no_password(portal, tenant, services):
    billing = next(u for u in tenants.get_tenant(services, tenant["id"]).users if u.role.value == "BillingAdmin")
    response = portal.post("/dashboard/signin/persona", {"tenant": tenant["id"], "user_id": billing.id})
    assert response.status_code == 302
    home = page_text(portal.get("/dashboard/home"))
    assert billing.user_name in home
    assert "Billing admin" in home


def test_persona_sign_in_refuses_a_user_of_another_tenant(portal, client, tenant, services):
    other = client.post("/_sandbox/tenants", json={"customers": 0}).get_json()
    stranger = tenants.get_tenant(services, other["id"]).users[0]
    response = portal.post("/dashboard/signin/persona", {"tenant": tenant["id"], "user_id": stranger.id})
    assert response.status_code == 400
    assert portal.get("/dashboard/customers").status_code == 302


def test_unknown_tenant_in_the_persona_picker_is_a_message(portal):
    response = portal.get("/dashboard/signin?tenant=" + "z" * 500)
    assert response.status_code == 200
    assert "That sandbox tenant was not found." in response.get_data(as_text=True)


def test_persona_picker_is_off_without_the_control_api():
    app = create_app({"DATABASE_URL": "sqlite://", "SECRET_KEY": "t", "CONTROL_API": False})
    made = seed.create_tenant(app.extensions["services"], customers=0)
    portal = Portal(app.test_client())
    text = portal.text(f"/dashboard/signin?tenant={made['id']}")
    assert "Sandbox personas" not in text
    response = portal.post("/dashboard/signin/persona", {"tenant": made["id"], "user_id": "x"})
    assert response.status_code == 404
    user = made["users"][0]
    assert portal.post("/dashboard/signin", {"user_name": user["userName"], "password": user["password"]}).status_code == 302


def test_persona_picker_is_off_when_the_control_api_has_a_key():
    """The key guards what the control API can do; the picker would sign anyone in without a password."""
    app = create_app({"DATABASE_URL": "sqlite://", "SECRET_KEY": "t", "CONTROL_API_KEY": "k3y"})
    made = seed.create_tenant(app.extensions["services"], customers=0)
    portal = Portal(app.test_client())
    listing = portal.text("/dashboard/signin")
    assert "Sandbox personas" not in listing and made["id"] not in listing
    assert "The Sandbox persona picker is off: this sandbox's control API has a key." in listing
    assert "Sandbox personas" not in portal.text(f"/dashboard/signin?tenant={made['id']}")
    user = next(u for u in tenants.get_tenant(app.extensions["services"], made["id"]).users)
    assert portal.post("/dashboard/signin/persona", {"tenant": made["id"], "user_id": user.id}).status_code == 404
    assert portal.get("/dashboard/home").status_code == 302  # not signed in
    signed = made["users"][0]
    assert portal.post("/dashboard/signin", {"user_name": signed["userName"], "password": signed["password"]}).status_code == 302


def test_sign_out(portal, admin):
    response = portal.post("/dashboard/signout")
    assert response.status_code == 302
    assert portal.get("/dashboard/customers").status_code == 302


def test_a_deleted_tenant_signs_the_user_out(portal, client, admin):
    assert client.delete(f"/_sandbox/tenants/{admin['id']}").status_code == 204
    response = portal.get("/dashboard/customers")
    assert response.status_code == 302
    assert response.location.startswith("/dashboard/signin")
    assert portal.get("/dashboard/signin").status_code == 200
