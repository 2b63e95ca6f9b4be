"""Sign-in to the admin center (R-OPT2-NEW-8, R-OPT2-REL-6, R-OPT2-EX-3): steps, errors, redirects."""

from __future__ import annotations

import pytest

from sandbox.domain.rules import PASSWORD_RULE
from sandbox.services import customers

from .conftest import AGREEMENT_URL, esc, invitation_url, login_url, partner_actor


def test_a_page_asks_to_sign_in_and_keeps_the_whole_query(client, tenant):
    url = invitation_url(tenant["id"], dap="true", indirectCSPId="abc", inv_type="IndirectResellerRelationship")

    response = client.get(url)

    assert response.status_code == 302
    assert response.headers["Location"] == login_url(url.replace("/Adminportal/", "/AdminPortal/"))


def test_sign_in_brings_the_customer_back_to_the_invitation_with_its_query(admin, tenant, add_customer):
    customer = add_customer(tenant["id"], "NoRelationship")
    url = "/AdminPortal/Home?invType=ResellerRelationship&partnerId={}&msppId=0&DAP=true".format(tenant["id"])
    assert admin.client.get(url).headers["Location"] == login_url(url)

    response = admin.sign_in(customer["userName"], customer["password"], url)

    assert response.status_code == 302
    assert response.headers["Location"] == url
    page = admin.client.get(url)
    assert page.status_code == 200
    assert "Accept agreement &amp; authorize partner" in page.get_data(as_text=True)


def test_the_first_step_shows_the_user_name_box(client):
    page = client.get(login_url(AGREEMENT_URL)).get_data(as_text=True)

    assert "<h1>Sign in</h1>" in page
    assert '<label for="username" class="ms-visually-hidden">Email, phone, or Skype</label>' in page
    assert ">Next</button>" in page


def test_an_unknown_user_is_told_so_next_to_the_field_with_what_was_typed_kept(admin):
    response = admin.post(login_url(AGREEMENT_URL), {"step": "username", "username": "nobody@example.com"})

    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert (
        '<p id="username-error" class="ms-error" role="alert">This username may be incorrect. Make sure you typed it '
        "correctly. Otherwise, contact your admin.</p>"
    ) in page
    assert 'value="nobody@example.com"' in page
    assert 'aria-invalid="true" aria-describedby="username-error"' in page


def test_an_empty_user_name_is_refused(admin):
    response = admin.post(login_url(AGREEMENT_URL), {"step": "username", "username": "  "})

    assert response.status_code == 400
    assert "Enter a valid email address, phone number, or Skype name." in response.get_data(as_text=True)


def test_the_second_step_asks_for_the_password_and_shows_the_user_name(admin, tenant, add_customer):
    customer = add_customer(tenant["id"])
    admin.post(login_url(AGREEMENT_URL), {"step": "username", "username": customer["userName"].upper()})

    page = admin.client.get(login_url(AGREEMENT_URL)).get_data(as_text=True)

    assert "<h1>Enter password</h1>" in page
    assert customer["userName"].upper() in page
    assert '<label for="password" class="ms-visually-hidden">Password</label>' in page
    assert ">Sign in</button>" in page
    assert 'aria-label="Back"' in page


def test_a_wrong_password_is_refused_and_nobody_is_signed_in(admin, tenant, add_customer):
    customer = add_customer(tenant["id"])

    response = admin.sign_in(customer["userName"], "not-the-password", AGREEMENT_URL)

    assert response.status_code == 400
    assert (
        "Your account or password is incorrect. If you don&#39;t remember your password, reset it now."
        in response.get_data(as_text=True)
    )
    assert admin.client.get(AGREEMENT_URL).status_code == 302


def test_back_returns_to_the_user_name_step(admin, tenant, add_customer):
    customer = add_customer(tenant["id"])
    admin.post(login_url(AGREEMENT_URL), {"step": "username", "username": customer["userName"]})

    response = admin.post(login_url(AGREEMENT_URL), {"step": "back"})

    assert response.headers["Location"] == login_url(AGREEMENT_URL)
    assert "<h1>Sign in</h1>" in admin.client.get(response.headers["Location"]).get_data(as_text=True)


def test_a_stale_password_form_without_a_user_name_starts_over(admin):
    response = admin.post(login_url(AGREEMENT_URL), {"step": "password", "password": "x"})

    assert response.status_code == 302
    assert response.headers["Location"] == login_url(AGREEMENT_URL)


@pytest.fixture
def new_customer(services, tenant):
    """A customer made the way Partner Center makes one: a temporary password to change at first sign-in."""
    created = customers.create_customer(
        services,
        partner_actor(tenant["id"]),
        customers.NewCustomer(
            domain="fabrikamfirst.onmicrosoft.com", company_name="Fabrikam First", email="ana@fabrikam.example",
            country="NL", address_line1="Dam 1", city="Amsterdam", postal_code="1012 JS", first_name="Ana",
            last_name="de Vries", language="nl",
        ),
    )
    return {"userName": created.customer.admin_user_name, "password": created.password, "id": created.customer.id}


def test_the_first_sign_in_asks_to_update_the_password(admin, new_customer):
    response = admin.sign_in(new_customer["userName"], new_customer["password"], AGREEMENT_URL)

    assert response.headers["Location"] == login_url(AGREEMENT_URL)
    page = admin.client.get(response.headers["Location"]).get_data(as_text=True)
    assert "<h1>Update your password</h1>" in page
    assert (
        "You need to update your password because this is the first time you are signing in, or because your "
        "password has expired."
    ) in page
    for label in ("Current password", "New password", "Confirm password"):
        assert f">{label}</label>" in page
    assert admin.client.get(AGREEMENT_URL).status_code == 302  # not signed in yet


@pytest.mark.parametrize(
    ("current", "new", "confirm", "field", "message"),
    [
        (None, "Another-secret-1", "Another-secret-2", "confirm_password", "The passwords don&#39;t match."),
        (None, "short", "short", "new_password", esc(PASSWORD_RULE)),
        (None, "abcdefgh", "abcdefgh", "new_password", esc(PASSWORD_RULE)),  # one kind of character
        (None, "Abcdefgh", "Abcdefgh", "new_password", esc(PASSWORD_RULE)),  # two
        (None, "Ab1" + "x" * 254, "Ab1" + "x" * 254, "new_password", esc(PASSWORD_RULE)),  # 257 characters
        (None, "Pässwort-123", "Pässwort-123", "new_password", esc(PASSWORD_RULE)),  # beyond ASCII
        ("wrong-current", "Another-secret-1", "Another-secret-1", "current_password", "The current password is incorrect."),
        (None, None, None, "new_password", "Choose a password that you haven&#39;t used before."),
    ],
)
def test_a_refused_password_update_says_why_next_to_the_field(admin, new_customer, current, new, confirm, field, message):
    admin.sign_in(new_customer["userName"], new_customer["password"], AGREEMENT_URL)
    temporary = new_customer["password"]

    response = admin.post(login_url(AGREEMENT_URL), {
        "step": "update", "current_password": current or temporary,
        "new_password": new or temporary, "confirm_password": confirm or temporary,
    })

    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert f'<p id="{field}-error" class="ms-error" role="alert">{message}</p>' in page
    assert f'aria-describedby="{field}-error"' in page
    assert admin.client.get(AGREEMENT_URL).status_code == 302


def test_the_updated_password_signs_in_and_leads_to_the_page_asked_for(admin, new_customer):
    admin.sign_in(new_customer["userName"], new_customer["password"], AGREEMENT_URL)

    response = admin.post(login_url(AGREEMENT_URL), {
        "step": "update", "current_password": new_customer["password"],
        "new_password": "My-own-password-1", "confirm_password": "My-own-password-1",
    })

    assert response.headers["Location"] == AGREEMENT_URL
    assert admin.client.get(AGREEMENT_URL).status_code == 200
    admin.sign_out()
    assert admin.sign_in(new_customer["userName"], new_customer["password"], AGREEMENT_URL).status_code == 400
    assert admin.sign_in(new_customer["userName"], "My-own-password-1", AGREEMENT_URL).headers["Location"] == AGREEMENT_URL


@pytest.mark.parametrize(
    "target",
    ["//evil.example/AdminPortal/Home", "https://evil.example/", "/\\evil.example", "javascript:alert(1)", "evil", ""],
)
def test_sign_in_never_leads_off_the_sandbox(admin, tenant, add_customer, target):
    customer = add_customer(tenant["id"])

    response = admin.sign_in(customer["userName"], customer["password"], target)

    assert response.headers["Location"] == "/AdminPortal/Home"


def test_a_signed_in_customer_going_to_sign_in_goes_on_to_the_page(admin, tenant, add_customer):
    customer = add_customer(tenant["id"])
    admin.sign_in(customer["userName"], customer["password"])

    response = admin.client.get(login_url(AGREEMENT_URL))

    assert response.headers["Location"] == AGREEMENT_URL


def test_signed_in_pages_show_the_company_and_sign_out(admin, tenant, add_customer):
    customer = add_customer(tenant["id"])
    page = admin.open_signed_in(customer, "/AdminPortal/Home").get_data(as_text=True)

    assert esc(customer["companyName"]) in page
    assert ">Sign out</button>" in page

    response = admin.sign_out()

    assert response.status_code == 302
    assert admin.client.get("/AdminPortal/Home").status_code == 302


def test_a_sign_in_form_without_its_csrf_token_is_refused(admin, tenant, add_customer):
    customer = add_customer(tenant["id"])

    response = admin.post(login_url(AGREEMENT_URL), {"step": "username", "username": customer["userName"]}, token=False)

    assert response.status_code == 400
    assert "<h1>Sign in</h1>" in admin.client.get(login_url(AGREEMENT_URL)).get_data(as_text=True)


def test_a_deleted_tenant_signs_its_customer_out(admin, tenant, add_customer):
    customer = add_customer(tenant["id"])
    admin.open_signed_in(customer, AGREEMENT_URL)

    admin.client.delete(f"/_sandbox/tenants/{tenant['id']}")

    assert admin.client.get(AGREEMENT_URL).status_code == 302


def test_a_tenant_deleted_while_its_customers_page_is_made_is_not_a_500(app, admin, services, tenant, add_customer):
    """A team's shared sandbox: another pipeline deletes the tenant after the page read it, before the
    journal hook looks the tenant up (it answered 500 "Something went wrong")."""
    from flask import template_rendered

    from sandbox.services import tenants

    customer = add_customer(tenant["id"])
    admin.open_signed_in(customer, AGREEMENT_URL)

    def delete_the_tenant(_sender, **_extra):
        tenants.delete_tenant(services, tenant["id"])

    with template_rendered.connected_to(delete_the_tenant, app):
        response = admin.client.get(AGREEMENT_URL)

    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert admin.client.get(AGREEMENT_URL).status_code == 302  # signed out from then on


def test_a_customer_whose_tenant_goes_during_the_password_update_starts_again_from_the_user_name(admin, client, tenant,
                                                                                                 new_customer):
    admin.sign_in(new_customer["userName"], new_customer["password"], AGREEMENT_URL)
    assert client.delete(f"/_sandbox/tenants/{tenant['id']}").status_code == 204

    response = admin.post(login_url(AGREEMENT_URL), {
        "step": "update", "current_password": new_customer["password"],
        "new_password": "My-own-password-1", "confirm_password": "My-own-password-1",
    })

    assert response.status_code == 404
    assert '<p id="username-error" class="ms-error" role="alert">This username may be incorrect.' in response.get_data(as_text=True)
    assert 'name="username"' in admin.client.get(login_url(AGREEMENT_URL)).get_data(as_text=True)  # not stuck
