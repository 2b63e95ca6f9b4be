"""Bad input on every portal and admin-center form: an inline message (role="alert", the field marked
invalid), never a 5xx, and the store exactly as it was."""

from __future__ import annotations

import pytest
from admin_center.conftest import AGREEMENT_URL, AdminCenter, invitation_url
from portal.helpers import Portal, account_info, set_clock, user_of

from .helpers import BAD_EMAILS, CONTROL, HTML, LONG, SQL, SQL_OR, snapshot

BAD_TEXT = ["", "   ", "\u200b\u00a0\ufeff", CONTROL, LONG[:5000]]  # the third shows nothing (zero-width)
FORM_BAD_EMAILS = [e for e in BAD_EMAILS if e.strip() == e]  # inputs are trimmed: a trailing line break is not an error
BAD_DATE_INPUTS = ["2020-02-30", "2021-13-01", "0000-00-00", "9999-99-99", "yesterday", "2020-3-1x", SQL_OR,
                   "2999-01-01", "2020-03-16"]  # the last two are after the tenant's date (2020-03-15)


def inline_error(response, label, *, status=(400,)):
    text = response.get_data(as_text=True)
    assert response.status_code in status, (label, response.status_code, text[:300])
    assert 'role="alert"' in text, label


@pytest.fixture
def signed_in(client, tenant):
    set_clock(client, tenant["id"])
    portal = Portal(client)
    portal.sign_in(user_of(tenant, "AdminAgent"))
    return portal


WIZARD_BAD = {
    "company_name": BAD_TEXT,
    "domain": ["", "has space", "a.b", "x" * 40, SQL_OR, HTML, CONTROL],
    "country": ["", "ZZ", SQL_OR, "us", CONTROL],
    "address_line1": BAD_TEXT,
    "city": BAD_TEXT,
    "state": ["Washington", CONTROL],
    "postal_code": ["", CONTROL, LONG[:500]],
    "first_name": BAD_TEXT,
    "last_name": BAD_TEXT,
    "email": ["", *FORM_BAD_EMAILS, CONTROL],
    "phone": ["abc", CONTROL, "1" * 100],
    "language": ["", "xx-XX", SQL_OR],
    "agreement": ["", "other", SQL_OR],
    "accepted": [""],
    "date_agreed": ["", *BAD_DATE_INPUTS],
    "accepted_email": [*FORM_BAD_EMAILS],
    "accepted_first_name": [CONTROL, LONG[:500]],
}


def test_the_add_customer_wizard_refuses_every_bad_field_inline(app, client, signed_in):
    before = snapshot(app)
    for name, values in WIZARD_BAD.items():
        for value in values:
            form = {**account_info(domain="hostile2020"), name: value}
            if name.startswith("accepted_") and name != "accepted":  # the contact must be complete to be read
                form.update(accepted_first_name="A", accepted_last_name="B", accepted_email="a@b.example")
                form[name] = value
            response = signed_in.post("/dashboard/customers/new", form)
            inline_error(response, f"{name}={value[:30]!r}")
            assert 'aria-invalid="true"' in response.get_data(as_text=True), name
            assert signed_in.get("/dashboard/customers/new/review").status_code == 302  # no draft kept
    assert snapshot(app) == before


def test_the_agreement_update_form_refuses_every_bad_field_inline(app, client, tenant, signed_in):
    customer = tenant["customers"][0]["id"]
    good = {"first_name": "Tania", "last_name": "Carr", "email": "tania@example.com", "phone": "", "date_agreed": "2020-03-10"}
    bad = {"first_name": BAD_TEXT, "last_name": BAD_TEXT, "email": ["", *FORM_BAD_EMAILS], "phone": ["abc", CONTROL],
           "date_agreed": ["", *BAD_DATE_INPUTS]}
    before = snapshot(app)
    for name, values in bad.items():
        for value in values:
            response = signed_in.post(f"/dashboard/customers/{customer}/agreement", {**good, name: value})
            inline_error(response, f"{name}={value[:30]!r}")
    assert snapshot(app) == before


def test_the_subscription_forms_refuse_bad_offers_and_quantities_inline(app, client, tenant, signed_in):
    customer = tenant["customers"][0]["id"]
    page = f"/dashboard/customers/{customer}/subscriptions"
    before = snapshot(app)
    for offer in ("", SQL_OR, HTML, LONG[:1000], CONTROL):
        inline_error(signed_in.post(page, {"offer": offer, "quantity": "1"}), f"offer={offer[:20]!r}")
    for quantity in ("", "0", "-1", "abc", "1.5", "1e3", "10001", "99999999999999999999", SQL_OR, CONTROL):
        inline_error(signed_in.post(page, {"offer": "CFQ7TTC0LH18:0001", "quantity": quantity}), f"quantity={quantity!r}")
    assert snapshot(app) == before


def test_the_order_prompt_refuses_every_bad_field_and_order_inline(app, client, tenant, signed_in):
    """The prompt an unconfirmed customer's order gets: the Update form's fields and the order's hidden ones, each
    refused at a field with nothing confirmed or bought."""
    customer = tenant["customers"][0]["id"]
    page = f"/dashboard/customers/{customer}/subscriptions/confirmation"
    good = {"offer": "CFQ7TTC0LH18:0001", "quantity": "2", "first_name": "Tania", "last_name": "Carr",
            "email": "tania@example.com", "phone": "", "date_agreed": "2020-03-10", "action": "save"}
    bad = {"first_name": BAD_TEXT, "last_name": BAD_TEXT, "email": ["", *FORM_BAD_EMAILS], "phone": ["abc", CONTROL],
           "date_agreed": ["", *BAD_DATE_INPUTS], "offer": ["", SQL_OR, HTML, CONTROL],
           "quantity": ["", "0", "-1", "abc", "10001", SQL_OR, CONTROL]}
    before = snapshot(app)
    for name, values in bad.items():
        for value in values:
            inline_error(signed_in.post(page, {**good, name: value}), f"{name}={value[:30]!r}")
    assert snapshot(app) == before


def test_a_seat_change_with_a_bad_quantity_is_refused_inline(app, client, tenant, signed_in):
    made = client.post(f"/_sandbox/tenants/{tenant['id']}/customers", json={"state": "MCAAttested"}).get_json()
    subscriptions = client.get(f"/dashboard/customers/{made['id']}/subscriptions").get_data(as_text=True)
    import re

    ids = re.findall(r"/subscriptions/([0-9a-f-]{36})", subscriptions)
    assert ids, "the seeded customer has a subscription"
    before = snapshot(app)
    for quantity in ("", "0", "-5", "abc", "10001", SQL_OR, CONTROL):
        response = signed_in.post(f"/dashboard/customers/{made['id']}/subscriptions/{ids[0]}", {"quantity": quantity})
        inline_error(response, f"quantity={quantity!r}")
    assert snapshot(app) == before


def test_search_and_sign_in_refuse_bad_input_inline(app, client, tenant, signed_in):
    before = snapshot(app)
    for query in (LONG[:1000], CONTROL):
        inline_error(client.get("/dashboard/customers", query_string={"q": query}), f"q={query[:20]!r}")
    for query in (SQL_OR, HTML, "%", "_"):  # ordinary searches: nothing found, the page says so, nothing runs
        response = client.get("/dashboard/customers", query_string={"q": query})
        assert response.status_code == 200 and "<script>" not in response.get_data(as_text=True)
    fresh = Portal(app.test_client())
    user = user_of(tenant, "AdminAgent")
    for user_name, password in ((SQL_OR, "x"), (user["userName"], SQL_OR), (user["userName"] + CONTROL, user["password"]),
                                (LONG[:5000], "x"), ("", ""), (HTML, HTML), (user["userName"], LONG[:5000])):
        inline_error(fresh.post("/dashboard/signin", {"user_name": user_name, "password": password}),
                     f"{user_name[:20]!r}", status=(401,))
    persona = fresh.post("/dashboard/signin/persona", {"tenant": SQL_OR, "user_id": SQL})
    inline_error(persona, "persona")
    assert snapshot(app) == before


# --- the admin center ----------------------------------------------------------------------------


def test_the_admin_center_sign_in_refuses_bad_input_inline(app, client, tenant):
    from api.helpers import bearer, customer_body, request_token

    made = client.post("/v1/customers", json=customer_body(), headers=bearer(request_token(client, tenant)))
    customer = made.get_json()["userCredentials"]  # a new customer: its first sign-in asks for a new password
    center = AdminCenter(client)
    before = snapshot(app)
    for user_name in ("", CONTROL, LONG[:5000], SQL_OR, HTML, "admin@" + SQL):
        inline_error(center.post("/login", {"step": "username", "username": user_name}), f"username={user_name[:20]!r}")
    assert center.post("/login", {"step": "username", "username": customer["userName"]}).status_code == 302
    for password in ("", SQL_OR, CONTROL, LONG[:5000]):
        inline_error(center.post("/login", {"step": "password", "password": password}), f"password={password[:20]!r}")
    assert center.post("/login", {"step": "password", "password": customer["password"]}).status_code == 302
    for new, confirm in (("short", "short"), ("Longenough1!", "Different1!"), (customer["password"], customer["password"])):
        response = center.post("/login", {"step": "update", "current_password": customer["password"],
                                          "new_password": new, "confirm_password": confirm})
        inline_error(response, f"new={new!r}")
    response = center.post("/login", {"step": "update", "current_password": SQL_OR, "new_password": "Longenough1!",
                                      "confirm_password": "Longenough1!"})
    inline_error(response, "current password")
    assert snapshot(app) == before


def test_the_admin_center_forms_refuse_unticked_boxes_and_bad_invitations(app, client, tenant):
    set_clock(client, tenant["id"])
    customer = tenant["customers"][0]
    center = AdminCenter(client)
    center.open_signed_in(customer, AGREEMENT_URL)
    before = snapshot(app)
    for form in ({}, {"accept": ""}):
        inline_error(center.post(AGREEMENT_URL, form), f"agreement {form}")
    inline_error(center.post(invitation_url(tenant["id"]), {}), "invitation, no boxes")
    for partner in (SQL_OR, "not-a-guid", HTML, "00000000-0000-0000-0000-000000000000", CONTROL):
        from urllib.parse import quote

        url = invitation_url(quote(partner, safe=""))
        for response in (client.get(url), center.post(url, {"authorize": "on", "accept": "on"})):
            inline_error(response, f"partner={partner[:20]!r}", status=(404,))
    assert snapshot(app) == before


def test_a_form_over_the_size_limit_gets_its_surfaces_page_and_changes_nothing(app, client, tenant, signed_in):
    """1 MiB and more: 413 with the page's own message (never Werkzeug's bare 500 or 413), nothing stored."""
    customer = tenant["customers"][0]["id"]
    huge = "x" * (app.config["MAX_CONTENT_LENGTH"] + 1)
    before = snapshot(app)
    for post in (lambda: signed_in.post("/dashboard/customers/new", account_info(company_name=huge)),
                 lambda: signed_in.post(f"/dashboard/customers/{customer}/agreement", {"first_name": huge}),
                 lambda: client.post("/login", data={"step": "username", "username": huge})):
        response = post()
        text = response.get_data(as_text=True)
        assert response.status_code == 413, text[:300]
        assert "larger than the sandbox accepts (1 MiB), so nothing was saved" in text
        assert 'role="alert"' in text
    assert snapshot(app) == before
    app.config["MAX_CONTENT_LENGTH"] = 64 * 1024  # the limit the sandbox was given is the one a page names
    response = signed_in.post(f"/dashboard/customers/{customer}/agreement", {"first_name": "x" * 70_000})
    assert response.status_code == 413 and "larger than the sandbox accepts (64 KiB)" in response.get_data(as_text=True)
