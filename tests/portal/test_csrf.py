"""Every portal form needs its CSRF token; nothing is saved without it."""

from __future__ import annotations

import pytest

from sandbox.app import create_app
from sandbox.domain.model import Role
from sandbox.domain.rules import Channel
from sandbox.services import agreements
from sandbox.services.context import Actor

from .helpers import Portal, account_info, page_text, user_of


def actor_for(tenant: dict) -> Actor:
    return Actor(workspace_id=tenant["id"], partner_id=tenant["id"], user_id="t", role=Role.ADMIN_AGENT,
                 channel=Channel.PORTAL)


def test_sign_in_without_a_token_is_refused(portal, tenant):
    user = user_of(tenant, "AdminAgent")
    response = portal.post("/dashboard/signin", {"user_name": user["userName"], "password": user["password"]}, token=False)
    assert response.status_code == 400
    assert "nothing was saved" in page_text(response)
    assert portal.get("/dashboard/customers").status_code == 302


@pytest.mark.parametrize("token", ["", "forged", "IjAxMjM0NTY3ODki.Zz.x"])
def test_forms_without_a_valid_token_are_refused(portal, admin, services, token):
    customer = admin["customers"][0]
    posts = [
        ("/dashboard/customers/new", account_info()),
        (f"/dashboard/customers/{customer['id']}/agreement",
         {"first_name": "A", "last_name": "B", "email": "a@b.example", "date_agreed": "2020-03-01"}),
        (f"/dashboard/customers/{customer['id']}/subscriptions", {"offer": "CFQ7TTC0LH18:0001", "quantity": "1"}),
        ("/dashboard/signout", {}),
        ("/dashboard/signin/persona", {"tenant": admin["id"], "user_id": "x"}),
    ]
    for path, data in posts:
        response = portal.post(path, {**data, "csrf_token": token}, token=False)
        assert response.status_code == 400, path
        assert "<h1>The form can&#39;t be sent</h1>" in response.get_data(as_text=True)
    assert agreements.get_customer_agreements(services, actor_for(admin), customer["id"], "*") == []
    assert portal.get("/dashboard/customers/new/review").location == "/dashboard/customers/new"
    assert portal.get("/dashboard/customers").status_code == 200  # sign out was refused too


def test_every_form_carries_the_token(portal, admin):
    customer = admin["customers"][0]["id"]
    for path in ("/dashboard/home", "/dashboard/customers/new", f"/dashboard/customers/{customer}/agreement",
                 f"/dashboard/customers/{customer}/subscriptions", "/dashboard/signin"):
        text = portal.text(path)
        assert text.count('method="post"') == text.count('name="csrf_token"'), path


def test_csrf_can_be_switched_off_for_test_apps():
    """Flask-WTF's WTF_CSRF_ENABLED = False (a test fixture's choice) lets forms post without a token."""
    app = create_app({"DATABASE_URL": "sqlite://", "SECRET_KEY": "t", "WTF_CSRF_ENABLED": False})
    client = app.test_client()
    made = client.post("/_sandbox/tenants", json={"customers": 1}).get_json()
    portal = Portal(client)
    user = user_of(made, "AdminAgent")
    response = portal.post("/dashboard/signin", {"user_name": user["userName"], "password": user["password"]}, token=False)
    assert response.status_code == 302
    assert portal.post("/dashboard/customers/new", account_info(), token=False).status_code == 302
