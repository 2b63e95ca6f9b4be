"""The agreement page: the customer accepts the MCA itself (R-OPT2-NEW-6..9, R-OPT2-EX-*, R-OPT2-CANT, R-TL-6)."""

from __future__ import annotations

import pytest

from sandbox.domain.errors import AgreementRequired
from sandbox.services import agreements, purchases
from sandbox.services.purchases import LineItem

from .conftest import AGREEMENT_URL, CANT, NOT_YET, esc, partner_actor, set_clock

CHECKBOX = "I have read and agree to the terms of the Microsoft Customer Agreement."
BUSINESS_STANDARD = "CFQ7TTC0LH18:0001"


def test_the_page_offers_the_country_s_agreement_a_checkbox_and_accept(admin, tenant, add_customer):
    customer = add_customer(tenant["id"], country="NL")

    page = admin.open_signed_in(customer, AGREEMENT_URL).get_data(as_text=True)

    assert "<h1>Accept agreement</h1>" in page
    assert '<a href="/AdminPortal/agreement-document" target="_blank" rel="noopener">Microsoft Customer Agreement</a>' in page
    assert "Netherlands" in page
    assert f'<label for="accept">{CHECKBOX}</label>' in page
    assert '<button type="submit" class="ms-button ms-button--primary">Accept</button>' in page
    assert CANT not in page


def test_the_page_names_who_asks_and_no_one_for_a_customer_without_a_partner(admin, tenant, add_customer):
    with_partner = admin.open_signed_in(add_customer(tenant["id"]), AGREEMENT_URL).get_data(as_text=True)
    assert f"Your partner {esc(tenant['name'])} needs" in " ".join(with_partner.split())
    alone = admin.open_signed_in(add_customer(tenant["id"], "NoRelationship"), AGREEMENT_URL).get_data(as_text=True)
    assert "A Microsoft partner needs you to accept" in " ".join(alone.split()) and "Your partner" not in alone


def test_once_the_partner_has_confirmed_the_page_no_longer_says_the_partner_waits(admin, tenant, add_customer):
    """A customer whose partner confirmed its acceptance may still accept itself, but no partner needs it to: the
    page said both."""
    page = " ".join(admin.open_signed_in(add_customer(tenant["id"], "MCAAttested"), AGREEMENT_URL).get_data(as_text=True).split())
    assert "Your partner has already confirmed your acceptance of the Microsoft Customer Agreement." in page
    assert "needs you to accept" not in page and ">Accept</button>" in page


def test_the_agreement_link_opens_a_fresh_document_link_for_the_customer_s_country(admin, services, tenant, add_customer):
    customer = add_customer(tenant["id"], country="NL")
    admin.open_signed_in(customer, AGREEMENT_URL)

    response = admin.client.get("/AdminPortal/agreement-document")

    assert response.status_code == 302
    prefix = "http://sandbox.test/documents/agreements/"
    assert response.headers["Location"].startswith(prefix) and response.headers["Location"].endswith("/preview")
    token = response.headers["Location"][len(prefix):-len("/preview")]
    with services.unit_of_work() as uow:
        link = uow.repo.document_link(token)
        assert (link.workspace_id, link.country, link.language) == (tenant["id"], "NL", "nl-NL")


def test_the_agreement_link_needs_a_signed_in_customer(client):
    assert client.get("/AdminPortal/agreement-document").status_code == 302


def test_accepting_is_seen_at_once_by_the_partner_and_allows_purchases(admin, services, tenant, add_customer):
    customer = add_customer(tenant["id"])
    actor = partner_actor(tenant["id"])
    with pytest.raises(AgreementRequired):  # R-NEW-BUY
        purchases.create_order(services, actor, customer["id"], [LineItem(BUSINESS_STANDARD, 5)])
    admin.open_signed_in(customer, AGREEMENT_URL)

    response = admin.post(AGREEMENT_URL, {"accept": "yes"})

    assert response.status_code == 302
    assert response.headers["Location"] == AGREEMENT_URL
    page = admin.client.get(AGREEMENT_URL).get_data(as_text=True)
    assert '<div class="ms-bar ms-bar--success" role="status">You accepted the Microsoft Customer Agreement.</div>' in page
    assert '<table class="ms-table" aria-label="Partner relationships">' in page
    assert esc(tenant["name"]) in page
    assert agreements.get_direct_sign_status(services, actor, customer["id"]) is True  # R-OPT2-STATUS
    assert agreements.get_agreement_status(services, actor, customer["id"]).direct is not None
    order, subscriptions = purchases.create_order(services, actor, customer["id"], [LineItem(BUSINESS_STANDARD, 5)])
    assert subscriptions[0].quantity == 5


def test_an_accepted_agreement_shows_its_date_and_the_partners(admin, services, tenant, add_customer):
    customer = add_customer(tenant["id"])
    admin.open_signed_in(customer, AGREEMENT_URL)
    admin.post(AGREEMENT_URL, {"accept": "yes"})
    admin.client.get(AGREEMENT_URL)  # the one-time notice

    page = admin.client.get(AGREEMENT_URL).get_data(as_text=True)

    with services.unit_of_work() as uow:
        accepted = uow.repo.direct_acceptance(customer["id"]).accepted_at
    assert f'role="status">You accepted the Microsoft Customer Agreement on {accepted:%m/%d/%Y}.</div>' in page
    assert 'name="accept"' not in page
    assert "Partner relationships" in page


def test_accepting_without_the_box_is_refused_and_nothing_is_stored(admin, services, tenant, add_customer):
    customer = add_customer(tenant["id"])
    admin.open_signed_in(customer, AGREEMENT_URL)

    response = admin.post(AGREEMENT_URL, {})

    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert '<p id="accept-error" class="ms-error" role="alert">Select the checkbox to accept the agreement.</p>' in page
    assert 'name="accept" value="yes" aria-invalid="true" aria-describedby="accept-error">' in page
    assert agreements.get_direct_sign_status(services, partner_actor(tenant["id"]), customer["id"]) is False


def test_a_form_without_its_csrf_token_is_refused_and_nothing_is_stored(admin, services, tenant, add_customer):
    customer = add_customer(tenant["id"])
    admin.open_signed_in(customer, AGREEMENT_URL)

    response = admin.post(AGREEMENT_URL, {"accept": "yes"}, token=False)

    assert response.status_code == 400
    assert agreements.get_direct_sign_status(services, partner_actor(tenant["id"]), customer["id"]) is False


def test_a_customer_who_bought_already_must_ask_its_partner_scenario_1(admin, services, tenant, add_customer):
    customer = add_customer(tenant["id"], "CannotAcceptDirectly")

    page = admin.open_signed_in(customer, AGREEMENT_URL).get_data(as_text=True)

    assert "<h1>Accept agreement</h1>" in page
    assert f'<div class="ms-bar ms-bar--warning" role="alert">{CANT}</div>' in page
    assert 'type="checkbox"' not in page
    assert ">Accept</button>" not in page
    assert ">Close</a>" in page


def test_posting_anyway_when_the_partner_must_attest_changes_nothing(admin, services, tenant, add_customer):
    customer = add_customer(tenant["id"], "CannotAcceptDirectly")
    admin.open_signed_in(customer, AGREEMENT_URL)

    response = admin.post(AGREEMENT_URL, {"accept": "yes"})

    assert response.status_code == 403
    assert CANT in response.get_data(as_text=True)
    assert agreements.get_direct_sign_status(services, partner_actor(tenant["id"]), customer["id"]) is False


def test_before_2020_02_03_the_page_does_not_offer_to_accept(admin, client, services, tenant, add_customer):
    customer = add_customer(tenant["id"])
    set_clock(client, tenant["id"], "2020-02-02T23:00:00+00:00")

    page = admin.open_signed_in(customer, AGREEMENT_URL).get_data(as_text=True)
    refused = admin.post(AGREEMENT_URL, {"accept": "yes"})

    assert f'role="alert">{NOT_YET}</div>' in page
    assert 'type="checkbox"' not in page
    assert refused.status_code == 403
    assert NOT_YET in refused.get_data(as_text=True)
    assert agreements.get_direct_sign_status(services, partner_actor(tenant["id"]), customer["id"]) is False


def test_from_2020_02_03_the_page_offers_to_accept(admin, client, tenant, add_customer):
    customer = add_customer(tenant["id"])
    set_clock(client, tenant["id"], "2020-02-03T08:00:00+00:00")

    page = admin.open_signed_in(customer, AGREEMENT_URL).get_data(as_text=True)

    assert NOT_YET not in page
    assert admin.post(AGREEMENT_URL, {"accept": "yes"}).status_code == 302


@pytest.mark.parametrize(
    "url",
    [
        "/Adminportal/Home?ref=/BillingAccounts/agreement",
        "/adminportal/home?ref=/BillingAccounts/agreement",
        "/ADMINPORTAL/HOME?REF=/billingaccounts/AGREEMENT",
    ],
)
def test_the_path_and_the_query_are_case_insensitive(admin, tenant, add_customer, url):
    customer = add_customer(tenant["id"])

    page = admin.open_signed_in(customer, url).get_data(as_text=True)

    assert "<h1>Accept agreement</h1>" in page


def test_the_home_page_leads_to_the_agreement_and_the_partners(admin, tenant, add_customer):
    customer = add_customer(tenant["id"])

    page = admin.open_signed_in(customer, "/AdminPortal/Home").get_data(as_text=True)

    assert "<h1>Home</h1>" in page
    assert '<a href="/AdminPortal/Home?ref=/BillingAccounts/agreement">Accept agreement</a>' in page
    assert '<a href="/AdminPortal/Home?ref=/partners">View partner relationships</a>' in page
    assert '<nav class="ms-nav" aria-label="Admin center menu">' in page


def test_once_accepted_the_home_page_says_so_instead_of_asking_again(admin, tenant, add_customer):
    customer = add_customer(tenant["id"], "MCAAcceptedDirectly")

    page = " ".join(admin.open_signed_in(customer, "/AdminPortal/Home").get_data(as_text=True).split())

    assert "You accepted the Microsoft Customer Agreement on " in page
    assert '<a href="/AdminPortal/Home?ref=/BillingAccounts/agreement">View agreement</a>' in page
    assert "Accept agreement</a>" not in page and "asked you to accept" not in page


def test_the_notice_of_an_accept_shows_on_its_own_page_only(admin, tenant, add_customer):
    """An accept's redirect not followed (another tab, an interrupted load): the next page opened elsewhere doesn't
    show it, nor does it lose the form it offers; the agreement page shows it once."""
    customer = add_customer(tenant["id"])
    admin.open_signed_in(customer, AGREEMENT_URL)
    assert admin.post(AGREEMENT_URL, {"accept": "yes"}).status_code == 302
    home = admin.client.get("/AdminPortal/Home").get_data(as_text=True)
    assert "You accepted the Microsoft Customer Agreement." not in home
    first, again = (admin.client.get(AGREEMENT_URL).get_data(as_text=True) for _ in range(2))
    assert 'role="status">You accepted the Microsoft Customer Agreement.</div>' in first
    assert 'role="status">You accepted the Microsoft Customer Agreement.</div>' not in again
