"""Partner relationships: the consolidated list and one partner's details (R-OPT2-REL-8, R-OPT2-EX-5)."""

from __future__ import annotations

import pytest

from .conftest import AGREEMENT_URL, PARTNERS_URL, esc, invitation_url


def details_url(partner_id: str) -> str:
    return f"/AdminPortal/Home?ref=/partners/{partner_id}"


def test_the_list_shows_each_partner_with_its_relationship_and_roles(admin, services, tenant, add_customer):
    customer = add_customer(tenant["id"])

    page = admin.open_signed_in(customer, PARTNERS_URL).get_data(as_text=True)

    assert '<h1 id="partner-relationships">Partner relationships</h1>' in page
    assert '<table class="ms-table" aria-label="Partner relationships">' in page
    for column in ("Partner name", "Relationship", "Admin roles"):
        assert f'<th scope="col">{column}</th>' in page
    assert f'<a href="{details_url(tenant["id"])}">{esc(tenant["name"])}</a>' in page


def test_a_customer_without_partners_sees_an_empty_list(admin, tenant, add_customer):
    customer = add_customer(tenant["id"], "NoRelationship")

    page = admin.open_signed_in(customer, PARTNERS_URL).get_data(as_text=True)

    assert "We didn't find anything to show here." in page
    assert "<table" not in page


def test_the_details_show_relationship_roles_since_and_the_agreement(admin, services, tenant, add_customer):
    customer = add_customer(tenant["id"], "NoRelationship")
    admin.open_signed_in(customer, invitation_url(tenant["id"], dap="true"))
    admin.post(invitation_url(tenant["id"], dap="true"), {"authorize": "yes", "accept": "yes"})

    page = admin.client.get(details_url(tenant["id"])).get_data(as_text=True)

    with services.unit_of_work() as uow:
        since = uow.repo.relationship(customer["id"], tenant["id"]).since
        accepted = uow.repo.direct_acceptance(customer["id"]).accepted_at
    assert f"<h1>{esc(tenant['name'])}</h1>" in page
    assert "<dt>Relationship</dt><dd>Reseller &amp; delegated administrator</dd>" in page
    assert "<dt>Admin roles</dt><dd>Global admin, Helpdesk admin</dd>" in page
    assert f"<dt>Since</dt><dd>{since:%m/%d/%Y}</dd>" in page
    assert f"<dd>Accepted on {accepted:%m/%d/%Y}</dd>" in page


@pytest.mark.parametrize(
    ("state", "agreement"),
    [("NoAgreement", "Not accepted"), ("MCAAttested", "Confirmed by your partner")],
)
def test_the_details_say_where_the_agreement_stands(admin, tenant, add_customer, state, agreement):
    customer = add_customer(tenant["id"], state)

    page = admin.open_signed_in(customer, details_url(tenant["id"])).get_data(as_text=True)

    assert f"<dt>Microsoft Customer Agreement</dt>\n    <dd>{agreement}</dd>" in page


def test_a_partner_the_customer_does_not_work_with_is_not_shown(admin, client, demo, add_customer):
    other = client.post("/_sandbox/tenants", json={"customers": 0}).get_json()
    customer = add_customer(demo["id"])
    admin.open_signed_in(customer, PARTNERS_URL)

    for partner_id in (other["id"], demo["partners"]["IndirectProvider"]["id"], "nope"):
        response = admin.client.get(details_url(partner_id))

        assert response.status_code == 404
        assert "We couldn&#39;t find this partner in your partner relationships." in response.get_data(as_text=True)
        assert esc(other["name"]) not in response.get_data(as_text=True)


def test_the_list_and_details_are_read_only(admin, tenant, add_customer):
    customer = add_customer(tenant["id"])
    admin.open_signed_in(customer, PARTNERS_URL)

    assert admin.post(PARTNERS_URL, {}).status_code == 405
    assert admin.post(details_url(tenant["id"]), {}).status_code == 405
    assert admin.post("/AdminPortal/Home", {}).status_code == 405


def test_pages_need_a_signed_in_customer(client, tenant):
    for url in (PARTNERS_URL, details_url(tenant["id"]), AGREEMENT_URL, "/AdminPortal/Home"):
        assert client.get(url).status_code == 302
