"""The customer's purchases: refused with 13605 until the agreement is in place (R-NEW-BUY, R-TL-4, R-TL-5)."""

from __future__ import annotations

import html
import re

import pytest

from sandbox.domain.errors import AgreementRequired
from sandbox.web.portal import texts

from .helpers import Portal, page_text, set_clock, user_of

AZURE_PLAN = "DZH318Z0BPS6:0001"
BUSINESS_STANDARD = "CFQ7TTC0LH18:0001"
REFUSED = AgreementRequired.default_description


def subscriptions_url(customer_id: str) -> str:
    return f"/dashboard/customers/{customer_id}/subscriptions"


def test_subscriptions_page_has_the_contract_labels(portal, admin):
    text = page_text(portal.get(subscriptions_url(admin["customers"][0]["id"])))
    assert "This customer doesn't have any subscriptions yet." in text
    assert 'aria-current="page">Subscriptions</a>' in text
    assert '<label for="f-offer">Offer</label>' in text
    assert '<label for="f-quantity">Quantity</label>' in text
    assert ">Add subscription</button>" in text
    assert f'<option value="{AZURE_PLAN}">Azure plan</option>' in text


def test_purchase_refused_until_attested_then_allowed(portal, admin):
    customer = admin["customers"][0]
    url = subscriptions_url(customer["id"])
    response = portal.post(url, {"offer": BUSINESS_STANDARD, "quantity": "7"})
    assert response.status_code == 403
    text = page_text(response)
    assert f'<div class="notice notice--error" role="alert">{REFUSED}</div>' in text
    assert f'name="offer" value="{BUSINESS_STANDARD}"' in text and 'name="quantity" value="7"' in text  # kept (the prompt)
    assert "This customer doesn't have any subscriptions yet." in text  # nothing saved

    # the partner confirms acceptance on the Account page instead of in the prompt (R-OPT1-EX-*), then the same purchase goes through
    assert portal.post(f"/dashboard/customers/{customer['id']}/agreement", {
        "first_name": "Ann", "last_name": "Lee", "email": "ann@example.com", "date_agreed": "2020-03-01",
    }).status_code == 302
    response = portal.post(url, {"offer": BUSINESS_STANDARD, "quantity": "7"})
    assert response.status_code == 302
    text = page_text(portal.get(response.location))
    assert '<p class="notice notice--ok" role="status">Subscription added.</p>' in text
    assert '<table class="grid" aria-label="Subscriptions">' in text
    match = re.search(r'<label for="q-([^"]+)" class="visually-hidden">Quantity of Microsoft 365 Business Standard</label>', text)
    assert match
    assert ">Save quantity of Microsoft 365 Business Standard</button>" in text

    response = portal.post(f"{url}/{match.group(1)}", {"quantity": "12"})
    assert response.status_code == 302
    text = page_text(portal.get(response.location))
    assert "Quantity updated." in text
    assert re.search(rf'id="q-{match.group(1)}"[^>]*value="12"', text)


def test_a_purchase_for_a_customer_who_cannot_accept_itself_says_the_partner_attests(portal, client, admin):
    """R-OPT2-CANT: the API's 13605 also offers "the customer must accept ... in the Admin Center", which this
    customer can't; the portal gives the docs' remedy instead, and still nothing is bought."""
    customer = client.post(f"/_sandbox/tenants/{admin['id']}/customers", json={"state": "CannotAcceptDirectly"}).get_json()
    response = portal.post(subscriptions_url(customer["id"]), {"offer": BUSINESS_STANDARD, "quantity": "3"})
    assert response.status_code == 403
    text = page_text(response)
    assert f'<div class="notice notice--error" role="alert">{texts.MUST_ATTEST_TO_BUY}</div>' in text
    assert "Microsoft Admin Center" not in text and "Business Standard</td>" not in text


def test_seat_change_refused_for_a_cloud_agreement_customer_after_2020_01_31(portal, client, admin):
    """R-TL-5: the MCA is needed from 2020-02-01 also for existing customers and their seat changes."""
    made = client.post(f"/_sandbox/tenants/{admin['id']}/customers", json={"state": "PurchaseBlocked"}).get_json()
    url = subscriptions_url(made["id"])
    text = portal.text(url)
    sub_id = re.search(r'<label for="q-([^"]+)"', text).group(1)
    response = portal.post(f"{url}/{sub_id}", {"quantity": "99"})
    assert response.status_code == 403
    text = page_text(response)
    # next to the row it refused (with several rows of one offer, a page-level alert didn't say which), once
    assert f'<p class="field-error" id="q-{sub_id}-error" role="alert">{REFUSED}</p>' in text and text.count(REFUSED) == 1
    assert re.search(rf'id="q-{sub_id}"[^>]*value="99" aria-invalid="true" aria-describedby="q-{sub_id}-error" autofocus', text)


def test_seat_change_allowed_with_the_cloud_agreement_before_2020_02_01(portal, client, admin):
    """R-TL-4: until 2020-01-31 either agreement lets an existing customer change seats."""
    made = client.post(f"/_sandbox/tenants/{admin['id']}/customers", json={"state": "PurchaseBlocked"}).get_json()
    set_clock(client, admin["id"], "2020-01-15T10:00:00+00:00")
    url = subscriptions_url(made["id"])
    sub_id = re.search(r'<label for="q-([^"]+)"', portal.text(url)).group(1)
    assert portal.post(f"{url}/{sub_id}", {"quantity": "99"}).status_code == 302


@pytest.mark.parametrize("quantity", ["", "0", "10001", "abc", "1.5", "-3", "9" * 5000, "1; DROP TABLE x"])
def test_bad_quantities_are_refused_at_the_field(portal, admin, quantity):
    url = subscriptions_url(admin["customers"][0]["id"])
    response = portal.post(url, {"offer": BUSINESS_STANDARD, "quantity": quantity})
    assert response.status_code == 400
    assert 'id="f-quantity-error" role="alert">Enter a whole number from 1 to 10000.</p>' in page_text(response)


def test_an_unknown_offer_is_refused(portal, admin):
    response = portal.post(subscriptions_url(admin["customers"][0]["id"]), {"offer": "<b>nope</b>", "quantity": "1"})
    assert response.status_code == 400
    assert "Select an offer from the list." in page_text(response)
    assert "<b>nope</b>" not in response.get_data(as_text=True)


def test_an_unknown_subscription_is_not_found(portal, admin):
    url = subscriptions_url(admin["customers"][0]["id"])
    assert portal.post(f"{url}/no-such-subscription", {"quantity": "3"}).status_code == 404


def test_a_bad_row_quantity_shows_next_to_its_row(portal, client, admin):
    made = client.post(f"/_sandbox/tenants/{admin['id']}/customers", json={"state": "MCAAttested"}).get_json()
    url = subscriptions_url(made["id"])
    sub_id = re.search(r'<label for="q-([^"]+)"', portal.text(url)).group(1)
    response = portal.post(f"{url}/{sub_id}", {"quantity": "0"})
    assert response.status_code == 400
    assert f'id="q-{sub_id}-error" role="alert">Enter a whole number from 1 to 10000.</p>' in page_text(response)


def test_the_table_shows_each_subscriptions_nickname(portal, client, admin):
    """A nickname given through the API (an order line's friendlyName, a PATCH) shows in its own column,
    escaped; a subscription without one shows the offer's name there."""
    from api.helpers import bearer, request_token

    made = client.post(f"/_sandbox/tenants/{admin['id']}/customers", json={"state": "MCAAttested"}).get_json()
    headers = bearer(request_token(client, admin))
    placed = client.post(f"/v1/customers/{made['id']}/orders", headers=headers, json={"lineItems": [
        {"offerId": BUSINESS_STANDARD, "quantity": 3, "friendlyName": "Sales <b>team</b>"},
        {"offerId": AZURE_PLAN, "quantity": 1, "friendlyName": "Cloud spend"}]})
    assert placed.status_code == 201, placed.get_data(as_text=True)
    azure = placed.get_json()["lineItems"][1]["subscriptionId"]
    assert client.patch(f"/v1/customers/{made['id']}/subscriptions/{azure}", headers=headers,
                        json={"friendlyName": "Azure for R&D"}).status_code == 200

    raw = portal.get(subscriptions_url(made["id"])).get_data(as_text=True)
    assert "<td>Sales &lt;b&gt;team&lt;/b&gt;</td>" in raw and "<b>team</b>" not in raw
    text = html.unescape(raw)
    assert '<th scope="col">Offer</th><th scope="col">Nickname</th><th scope="col">Quantity</th>' in text
    assert "<td>Azure for R&D</td>" in text and "Cloud spend" not in text
    assert "<td>Microsoft 365 Business Standard</td>" in text  # the seeded subscription: the offer's name


def test_an_indirect_reseller_sees_its_providers_subscriptions_but_neither_buys_nor_changes_seats(client, portal):
    """Its indirect provider buys for the customers they share: the reseller's tab lists the subscriptions, says
    who buys, offers no form, and refuses a purchase or a seat change posted straight to its address (403)."""
    reseller = client.post("/_sandbox/tenants", json={"kind": "IndirectReseller", "customers": 1}).get_json()
    set_clock(client, reseller["id"])
    customer = reseller["customers"][0]["id"]
    provider_portal = Portal(client.application.test_client())
    provider_portal.sign_in(user_of(reseller["provider"], "AdminAgent"))
    assert provider_portal.post(f"/dashboard/customers/{customer}/agreement", {
        "first_name": "Ann", "last_name": "Lee", "email": "ann@example.com", "date_agreed": "2020-03-01",
    }).status_code == 302
    assert provider_portal.post(subscriptions_url(customer), {"offer": BUSINESS_STANDARD, "quantity": "7"}).status_code == 302

    portal.sign_in(user_of(reseller, "AdminAgent"))
    text = page_text(portal.get(subscriptions_url(customer)))
    assert "Microsoft 365 Business Standard" in text and texts.PROVIDER_BUYS in text
    assert ">Add subscription</button>" not in text and "Save quantity of" not in text
    subscription = re.search(r'/subscriptions/([0-9a-f-]{36})"', page_text(provider_portal.get(subscriptions_url(customer))))
    refused = portal.post(subscriptions_url(customer), {"offer": BUSINESS_STANDARD, "quantity": "3"})
    assert refused.status_code == 403 and "your indirect provider does it for you" in page_text(refused)
    assert portal.post(f"{subscriptions_url(customer)}/{subscription.group(1)}", {"quantity": "9"}).status_code == 403
    crafted = portal.post(f"{subscriptions_url(customer)}/{subscription.group(1)}", {"quantity": "0"})  # no form shows it
    assert crafted.status_code == 403 and "your indirect provider does it for you" in page_text(crafted)
    text = page_text(provider_portal.get(subscriptions_url(customer)))  # nothing bought, no seat changed
    assert text.count("Save quantity of") == 1 and re.search(rf'id="q-{subscription.group(1)}"[^>]*value="7"', text)


def test_several_subscriptions_of_one_offer_have_fields_and_buttons_of_their_own(portal, admin, client, services):
    """Two subscriptions of one offer had the same labels: a user of a screen reader, or a test driving the page
    by its labels, couldn't tell which seat count it changed. They are told apart by nickname, else by place."""
    from sandbox.domain.model import Role
    from sandbox.services import Actor, purchases

    customer = admin["customers"][0]["id"]
    url = subscriptions_url(customer)
    assert portal.post(f"/dashboard/customers/{customer}/agreement", {
        "first_name": "Ann", "last_name": "Lee", "email": "ann@example.com", "date_agreed": "2020-03-01",
    }).status_code == 302
    for quantity in ("3", "5"):
        assert portal.post(url, {"offer": BUSINESS_STANDARD, "quantity": quantity}).status_code == 302

    def labels() -> list[str]:
        return re.findall(r'class="visually-hidden">Quantity of ([^<]+)</label>', page_text(portal.get(url)))

    assert labels() == ["Microsoft 365 Business Standard (1)", "Microsoft 365 Business Standard (2)"]
    first = re.search(r'<label for="q-([^"]+)" class="visually-hidden">Quantity of Microsoft 365 Business Standard \(1\)', page_text(portal.get(url)))
    actor = Actor(workspace_id=admin["id"], partner_id=admin["id"], user_id="u", role=Role.ADMIN_AGENT)
    purchases.update_subscription(services, actor, customer, first.group(1), friendly_name="Sales team")

    text = page_text(portal.get(url))
    assert labels() == ["Microsoft 365 Business Standard (Sales team)", "Microsoft 365 Business Standard (2)"]
    assert ">Save quantity of Microsoft 365 Business Standard (Sales team)</button>" in text
    assert ">Save quantity of Microsoft 365 Business Standard (2)</button>" in text
    second = re.search(r'<label for="q-([^"]+)" class="visually-hidden">Quantity of Microsoft 365 Business Standard \(2\)', text)

    # nicknames a listener can't tell apart (case, spaces) are both named by place; a number reads as a place
    purchases.update_subscription(services, actor, customer, second.group(1), friendly_name="SALES  team")
    assert labels() == ["Microsoft 365 Business Standard (1)", "Microsoft 365 Business Standard (2)"]
    purchases.update_subscription(services, actor, customer, second.group(1), friendly_name="1")
    assert labels() == ["Microsoft 365 Business Standard (Sales team)", "Microsoft 365 Business Standard (2)"]


def test_the_azure_plan_s_row_has_no_quantity_to_change_and_buying_more_than_one_is_refused_at_the_field(portal, admin):
    customer = admin["customers"][0]["id"]
    url = subscriptions_url(customer)
    assert portal.post(f"/dashboard/customers/{customer}/agreement", {
        "first_name": "Ann", "last_name": "Lee", "email": "ann@example.com", "date_agreed": "2020-03-01",
    }).status_code == 302

    refused = portal.post(url, {"offer": AZURE_PLAN, "quantity": "3"})
    assert refused.status_code == 400
    assert '<p class="field-error" id="f-quantity-error" role="alert">Azure plan is usage-based: its quantity is 1.</p>' in page_text(refused)
    assert portal.post(url, {"offer": AZURE_PLAN, "quantity": "1"}).status_code == 302
    text = page_text(portal.get(url))
    assert "<td>Azure plan<br>" in text and "Quantity of Azure plan" not in text and "Save quantity of" not in text


def test_the_address_a_refused_seat_change_leaves_reloads_the_subscriptions_tab(portal, admin):
    """A refused change answers on its form's address; reloading it gave the 405 page."""
    url = subscriptions_url(admin["customers"][0]["id"])
    response = portal.get(f"{url}/7f0a3de4-6721-4aab-8c7e-d7cf56ee8c28")
    assert response.status_code == 302 and response.location.endswith(url)


PROMPT = "Confirm customer acceptance of the Microsoft Customer Agreement"


def prompt_of(text: str) -> str:
    """The order prompt's section ('' when the page has none)."""
    found = re.search(r'<section class="card" aria-labelledby="prompt-heading">.*?</section>', text, re.S)
    return found.group(0) if found else ""


def test_an_order_for_an_unconfirmed_customer_prompts_for_the_confirmation_and_save_and_continue_buys(portal, admin):
    """"If you try to create a new order for an existing customer who you have not confirmed before, you'll receive
    a prompt to complete the confirmation" (R-NEW-BUY): the person who accepted and the date, then the order."""
    customer = admin["customers"][0]
    url = subscriptions_url(customer["id"])
    response = portal.post(url, {"offer": BUSINESS_STANDARD, "quantity": "7"})
    assert response.status_code == 403
    text = page_text(response)
    assert f'<div class="notice notice--error" role="alert">{REFUSED}</div>' in text  # why, as before
    prompt = prompt_of(text)
    assert f'<h2 id="prompt-heading">{PROMPT}</h2>' in prompt
    assert "To buy 7 × Microsoft 365 Business Standard for" in prompt
    assert f'name="offer" value="{BUSINESS_STANDARD}"' in prompt and 'name="quantity" value="7"' in prompt
    for label in ("First name", "Last name", "Email address", "Phone number (optional)", "Agreement acceptance date"):
        assert f">{label}</label>" in prompt
    first_name = re.compile(r'name="first_name" type="text" value="([^"]+)"')
    account = page_text(portal.get(f"/dashboard/customers/{customer['id']}/account"))
    assert first_name.search(prompt).group(1) == first_name.search(account).group(1)  # the primary contact to start
    assert 'max="2020-03-15"' in prompt and "autofocus" in prompt  # the tenant's date; the first field focused
    assert ">Save and continue</button>" in prompt and ">Cancel</button>" in prompt
    assert ">Add subscription</button>" not in text  # the order waits in the prompt

    # a future date is refused at its field, with what was typed kept, and neither the confirmation nor the order made
    form = {"offer": BUSINESS_STANDARD, "quantity": "7", "first_name": "Ann", "last_name": "Lee",
            "email": "ann@example.com", "date_agreed": "2020-03-16", "action": "save"}
    response = portal.post(f"{url}/confirmation", form)
    assert response.status_code == 400
    prompt = prompt_of(page_text(response))
    assert 'aria-invalid="true"' in prompt and 'value="Ann"' in prompt and 'value="2020-03-16"' in prompt
    account = page_text(portal.get(f"/dashboard/customers/{customer['id']}/account"))
    assert "ann@example.com" not in account
    assert "This customer doesn't have any subscriptions yet." in page_text(portal.get(url))

    response = portal.post(f"{url}/confirmation", form | {"date_agreed": "2020-03-01"})
    assert response.status_code == 302 and response.location == url
    text = page_text(portal.get(url))
    assert '<p class="notice notice--ok" role="status">Subscription added.</p>' in text
    assert "Quantity of Microsoft 365 Business Standard" in text and not prompt_of(text)
    assert "ann@example.com" in page_text(portal.get(f"/dashboard/customers/{customer['id']}/account"))  # saved


def test_cancel_skips_the_confirmation_and_adds_nothing(portal, admin):
    customer = admin["customers"][0]
    url = subscriptions_url(customer["id"])
    response = portal.post(f"{url}/confirmation", {"offer": BUSINESS_STANDARD, "quantity": "7", "action": "cancel"})
    assert response.status_code == 302 and response.location == url
    text = page_text(portal.get(url))
    assert "Confirmation skipped. The subscription wasn't added." in text
    assert "This customer doesn't have any subscriptions yet." in text and ">Add subscription</button>" in text
    assert "Confirmed by" not in page_text(portal.get(f"/dashboard/customers/{customer['id']}/account"))  # no confirmation
    assert portal.get(f"{url}/confirmation").location == url  # reloading the prompt's address: the tab


def test_a_user_who_may_not_confirm_gets_the_refusal_without_a_prompt(client, portal, frozen_tenant):
    """A Billing admin may buy but not confirm (Admin agent or Sales agent only): the refusal alone, and the prompt's
    address, posted to, refuses too."""
    portal.sign_in(user_of(frozen_tenant, "BillingAdmin"))
    customer = frozen_tenant["customers"][0]["id"]
    response = portal.post(subscriptions_url(customer), {"offer": BUSINESS_STANDARD, "quantity": "2"})
    text = page_text(response)
    assert response.status_code == 403 and REFUSED in text and not prompt_of(text)
    crafted = portal.post(f"{subscriptions_url(customer)}/confirmation", {
        "offer": BUSINESS_STANDARD, "quantity": "2", "first_name": "Ann", "last_name": "Lee", "email": "ann@example.com",
        "date_agreed": "2020-03-01", "action": "save"})
    assert crafted.status_code == 403
    assert "This customer doesn't have any subscriptions yet." in page_text(portal.get(subscriptions_url(customer)))


def test_before_the_portal_confirms_the_mca_there_is_no_prompt(client, portal, tenant):
    """R-TL-1: before 2019-08-01 the portal has no MCA confirmation to prompt for."""
    set_clock(client, tenant["id"], "2019-07-15T10:00:00+00:00")
    portal.sign_in(user_of(tenant, "AdminAgent"))
    customer = next(c for c in tenant["customers"] if c["state"] == "NoAgreement")
    response = portal.post(subscriptions_url(customer["id"]), {"offer": BUSINESS_STANDARD, "quantity": "2"})
    assert response.status_code == 403 and not prompt_of(page_text(response))


def test_an_order_the_prompt_cannot_place_confirms_nothing(portal, admin):
    """The prompt's order, changed to one no order takes (an Azure plan of 5): refused at the Add form's field before
    the confirmation is saved."""
    customer = admin["customers"][0]
    url = subscriptions_url(customer["id"])
    response = portal.post(f"{url}/confirmation", {
        "offer": AZURE_PLAN, "quantity": "5", "first_name": "Ann", "last_name": "Lee", "email": "ann@example.com",
        "date_agreed": "2020-03-01", "action": "save"})
    assert response.status_code == 400
    text = page_text(response)
    assert not prompt_of(text) and 'id="f-quantity-error"' in text
    assert "Confirmed by" not in page_text(portal.get(f"/dashboard/customers/{customer['id']}/account"))


def test_save_and_continue_sent_twice_buys_once_and_says_so(portal, admin):
    """A resubmitted prompt (no script, a retry after a dropped connection) neither orders nor confirms again."""
    customer = admin["customers"][0]
    url = subscriptions_url(customer["id"])
    form = {"offer": BUSINESS_STANDARD, "quantity": "3", "first_name": "Ann", "last_name": "Lee",
            "email": "ann@example.com", "date_agreed": "2020-03-01", "action": "save"}
    assert portal.post(f"{url}/confirmation", form).status_code == 302
    again = portal.post(f"{url}/confirmation", form)
    assert again.status_code == 302 and again.location == url
    text = page_text(portal.get(url))
    assert "is confirmed already, so nothing was saved or added this time" in text
    assert text.count("Save quantity of") == 1  # one subscription
    account = page_text(portal.get(f"/dashboard/customers/{customer['id']}/account"))
    assert account.count("ann@example.com") == 1


def test_a_crafted_save_for_a_customer_already_confirmed_adds_no_confirmation(portal, admin):
    customer = admin["customers"][0]
    url = subscriptions_url(customer["id"])
    assert portal.post(f"/dashboard/customers/{customer['id']}/agreement", {
        "first_name": "Ann", "last_name": "Lee", "email": "ann@example.com", "date_agreed": "2020-03-01",
    }).status_code == 302
    crafted = portal.post(f"{url}/confirmation", {
        "offer": BUSINESS_STANDARD, "quantity": "3", "first_name": "Eve", "last_name": "Old", "email": "eve@example.com",
        "date_agreed": "2001-01-01", "action": "save"})
    assert crafted.status_code == 302
    assert "eve@example.com" not in page_text(portal.get(f"/dashboard/customers/{customer['id']}/account"))
    assert "Save quantity of" not in page_text(portal.get(url))


def test_a_crafted_save_before_the_portal_confirms_the_mca_gets_that_reason(client, portal, tenant):
    set_clock(client, tenant["id"], "2019-07-15T10:00:00+00:00")
    portal.sign_in(user_of(tenant, "AdminAgent"))
    customer = next(c for c in tenant["customers"] if c["state"] == "NoAgreement")
    crafted = portal.post(f"{subscriptions_url(customer['id'])}/confirmation", {
        "offer": BUSINESS_STANDARD, "quantity": "2", "first_name": "Ann", "last_name": "Lee", "email": "ann@example.com",
        "date_agreed": "2019-07-01", "action": "save"})
    assert crafted.status_code == 403 and "2019-08-01" in page_text(crafted)
