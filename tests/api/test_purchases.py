"""Purchases, enough to show the agreement gate: 403 / 13605 until the agreement the date requires exists."""

from __future__ import annotations

import uuid

import pytest

from .helpers import (
    CLOUD_TEMPLATE,
    add_customer,
    advance_clock,
    agreement_body,
    assert_classic_error,
    bearer,
    customer_body,
    follow,
    request_token,
    set_clock,
)

M365_BASIC_LEGACY = "031C9E47-4802-4248-838E-778FB1D2CC05"
M365_BUSINESS_STANDARD = "CFQ7TTC0LH18:0001"
OFFICE_365_E3 = "796B6B5F-613C-4E24-A17C-EBA730D49C02"
AZURE_PLAN = "DZH318Z0BPS6:0001"


def order(client, headers, customer_id, offer_id=M365_BUSINESS_STANDARD, quantity=5):
    return client.post(f"/v1/customers/{customer_id}/orders", headers=headers,
                       json={"lineItems": [{"offerId": offer_id, "quantity": quantity}]})


def subscriptions(client, headers, customer_id) -> list[dict]:
    response = client.get(f"/v1/customers/{customer_id}/subscriptions", headers=headers)
    assert response.status_code == 200, response.get_data(as_text=True)
    body = response.get_json()
    assert body["attributes"] == {"objectType": "Collection"} and body["totalCount"] == len(body["items"])
    return body["items"]


def patch(client, headers, customer_id, subscription_id, quantity):
    return client.patch(f"/v1/customers/{customer_id}/subscriptions/{subscription_id}", headers=headers,
                        json={"quantity": quantity})


def test_a_new_customer_cannot_buy_until_the_mca_is_confirmed(client, headers, customer_id):
    blocked = order(client, headers, customer_id)
    body = assert_classic_error(blocked, 403, 13605)
    assert "Microsoft Customer Agreement" in body["description"]
    assert subscriptions(client, headers, customer_id) == []

    confirmed = client.post(f"/v1/customers/{customer_id}/agreements", headers=headers,
                            json=agreement_body(dateAgreed="2020-06-01T00:00:00Z"))
    assert confirmed.status_code == 201
    placed = order(client, headers, customer_id)
    assert placed.status_code == 201, placed.get_data(as_text=True)
    created = placed.get_json()
    assert created["status"] == "completed" and created["referenceCustomerId"] == customer_id
    assert created["attributes"] == {"objectType": "Order"} and created["creationDate"].endswith("Z")
    line = created["lineItems"][0]
    assert line["lineItemNumber"] == 0 and line["offerId"] == M365_BUSINESS_STANDARD and line["quantity"] == 5
    [subscription] = subscriptions(client, headers, customer_id)
    assert subscription["id"] == line["subscriptionId"] and subscription["quantity"] == 5
    assert subscription["status"] == "active" and subscription["attributes"] == {"objectType": "Subscription"}

    changed = patch(client, headers, customer_id, subscription["id"], 7)
    assert changed.status_code == 200 and changed.get_json()["quantity"] == 7


def test_the_customers_own_acceptance_opens_purchases(client, tenant, headers):
    customer = add_customer(client, tenant["id"], "MCAAcceptedDirectly")
    assert order(client, headers, customer["id"], AZURE_PLAN, 1).status_code == 201


def test_app_only_tokens_may_order(client, tenant, app_only_headers):
    customer = add_customer(client, tenant["id"], "MCAAttested")
    assert order(client, app_only_headers, customer["id"]).status_code == 201


def test_before_february_2020_the_cloud_agreement_is_enough_except_for_the_azure_plan(client, tenant, headers):
    set_clock(client, tenant["id"], "2019-11-15T10:00:00+00:00")
    customer = add_customer(client, tenant["id"], "CloudAgreementOnly")

    assert order(client, headers, customer["id"], M365_BASIC_LEGACY).status_code == 201  # R-TL-4
    assert_classic_error(order(client, headers, customer["id"], AZURE_PLAN, 1), 403, 13605)  # the Azure plan needs the MCA

    set_clock(client, tenant["id"], "2020-02-01T00:00:00+00:00")  # R-TL-5
    assert_classic_error(order(client, headers, customer["id"], M365_BASIC_LEGACY), 403, 13605)


@pytest.mark.parametrize(("created", "status"), [("2019-09-30T23:59:59+00:00", 201), ("2019-10-01T00:00:00+00:00", 403)])
def test_a_customer_new_from_2019_10_01_needs_the_mca_even_with_the_cloud_agreement(client, tenant, headers, created, status):
    """R-NEW-BUY, R-TL-4: the day the customer was created decides whether the Cloud Agreement still counts."""
    set_clock(client, tenant["id"], created)
    made = client.post("/v1/customers", headers=headers, json=customer_body())
    assert made.status_code == 201, made.get_data(as_text=True)
    customer = made.get_json()["id"]
    cloud = agreement_body(templateId=CLOUD_TEMPLATE, type="MicrosoftCloudAgreement", dateAgreed=created[:10])
    assert client.post(f"/v1/customers/{customer}/agreements", headers=headers, json=cloud).status_code == 201
    set_clock(client, tenant["id"], "2019-11-15T10:00:00+00:00")
    assert order(client, headers, customer, M365_BASIC_LEGACY).status_code == status


def test_a_seat_change_is_gated_like_a_purchase(client, tenant, headers):
    customer = add_customer(client, tenant["id"], "PurchaseBlocked")
    [subscription] = subscriptions(client, headers, customer["id"])

    assert_classic_error(patch(client, headers, customer["id"], subscription["id"], subscription["quantity"] + 1), 403, 13605)
    assert subscriptions(client, headers, customer["id"])[0]["quantity"] == subscription["quantity"]
    # sending the subscription back unchanged is not a seat change
    same = client.patch(f"/v1/customers/{customer['id']}/subscriptions/{subscription['id']}", headers=headers, json=subscription)
    assert same.status_code == 200


SDK_LINE_ITEM = {  # the .NET SDK's OrderLineItem as Json.NET writes it: every property, PascalCase, nulls
    "LineItemNumber": 0, "OfferId": M365_BUSINESS_STANDARD, "SubscriptionId": None, "ParentSubscriptionId": None,
    "TermDuration": None, "RenewsTo": None, "TransactionType": None, "FriendlyName": "Seats", "Quantity": 2,
    "Pricing": None, "PartnerIdOnRecord": None, "AdditionalPartnerIdsOnRecord": None, "AttestationAccepted": None,
    "Links": None, "Attributes": {"ObjectType": "OrderLineItem"},
}
SDK_ORDER = {
    "Id": None, "AlternateId": None, "ReferenceCustomerId": None, "BillingCycle": "monthly", "CurrencySymbol": None,
    "LineItems": [SDK_LINE_ITEM], "CreationDate": None, "Status": None, "TransactionType": None, "Links": None,
    "PartnerOnRecordAttestationAccepted": None, "Attributes": {"ObjectType": "Order"},
}
SDK_SUBSCRIPTION_EXTRAS = {  # what the SDK's Subscription carries beyond the sandbox's own answer
    "ProductType": None, "ParentSubscriptionId": None, "ConsumptionType": None, "CommitmentEndDateTime": None,
    "CancellationAllowedUntilDate": None, "BillingCycleEndDate": None, "BillingCycleEndDateTime": None,
    "HasPurchasableAddons": False, "Actions": None, "RenewalTermDuration": None, "RefundOptions": None,
    "IsMicrosoftProduct": True, "PartnerId": None, "SuspensionReasons": None, "ContractType": "subscription",
    "PublisherName": None, "MigratedFromSubscriptionId": None, "RefundableQuantity": None,
    "ScheduledNextTermInstructions": None, "NextChargeInstructions": None,
    # the SDK inside the PowerShell module (Partner-Center-PowerShell, src/PartnerCenter): two non-nullable bools,
    # always sent (Set-PartnerCustomerSubscription PATCHes the whole object)
    "ActionTaken": False, "AttentionNeeded": False,
}


def test_the_dotnet_sdks_whole_order_and_subscription_are_read(client, tenant, headers, customer_id):
    """The SDK sends its models whole: properties the sandbox doesn't keep are accepted and ignored."""
    assert client.post(f"/v1/customers/{customer_id}/agreements", headers=headers, json=agreement_body()).status_code == 201
    created = client.post(f"/v1/customers/{customer_id}/orders", headers=headers, json=SDK_ORDER)
    assert created.status_code == 201, created.get_data(as_text=True)
    [subscription] = [s for s in subscriptions(client, headers, customer_id)
                      if s["id"] == created.get_json()["lineItems"][0]["subscriptionId"]]
    sent = {key[0].upper() + key[1:]: value for key, value in subscription.items()} | SDK_SUBSCRIPTION_EXTRAS
    changed = client.patch(f"/v1/customers/{customer_id}/subscriptions/{subscription['id']}", headers=headers,
                           json={**sent, "Quantity": 7})
    assert changed.status_code == 200, changed.get_data(as_text=True)
    assert changed.get_json()["quantity"] == 7


def test_one_blocked_line_blocks_the_whole_order(client, tenant, headers):
    set_clock(client, tenant["id"], "2019-11-15T10:00:00+00:00")
    customer = add_customer(client, tenant["id"], "CloudAgreementOnly")
    body = {"lineItems": [{"offerId": M365_BASIC_LEGACY, "quantity": 1}, {"offerId": AZURE_PLAN, "quantity": 1}]}
    assert_classic_error(client.post(f"/v1/customers/{customer['id']}/orders", headers=headers, json=body), 403, 13605)
    assert subscriptions(client, headers, customer["id"]) == []


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({}, 800002),
        ({"lineItems": []}, 800002),
        ({"lineItems": None}, 800002),
        ({"lineItems": [{"offerId": M365_BUSINESS_STANDARD}]}, 800002),
        ({"lineItems": [{"offerId": M365_BUSINESS_STANDARD, "quantity": "5"}]}, 800002),
        ({"lineItems": [{"offerId": M365_BUSINESS_STANDARD, "quantity": True}]}, 800002),
        ({"lineItems": [{"offerId": M365_BUSINESS_STANDARD, "quantity": 1.5}]}, 800002),
        ({"lineItems": [{"offerId": M365_BUSINESS_STANDARD, "quantity": 0}]}, 3000),
        ({"lineItems": [{"offerId": M365_BUSINESS_STANDARD, "quantity": 10**30}]}, 3000),
        ({"lineItems": [{"offerId": "NOPE:0001", "quantity": 1}]}, 3000),
        ({"lineItems": [{"offerId": "x" * 65, "quantity": 1}]}, 800002),
        ({"lineItems": [{"offerId": M365_BUSINESS_STANDARD, "quantity": 1, "color": "red"}]}, 800002),
        ({"lineItems": [{"offerId": M365_BUSINESS_STANDARD, "quantity": 1}] * 51}, 800002),
    ],
)
def test_invalid_orders_are_400_and_buy_nothing(client, tenant, headers, body, code):
    customer = add_customer(client, tenant["id"], "MCAAttested")
    before = subscriptions(client, headers, customer["id"])
    response = client.post(f"/v1/customers/{customer['id']}/orders", headers=headers, json=body)
    assert_classic_error(response, 400, code)
    assert subscriptions(client, headers, customer["id"]) == before


@pytest.mark.parametrize("quantity", [0, -1, "3", None, True, 10001])
def test_invalid_quantities_are_400(client, tenant, headers, quantity):
    customer = add_customer(client, tenant["id"], "MCAAttested")
    [subscription] = subscriptions(client, headers, customer["id"])
    assert_classic_error(patch(client, headers, customer["id"], subscription["id"], quantity), 400)
    assert subscriptions(client, headers, customer["id"])[0]["quantity"] == subscription["quantity"]


def test_subscription_ids_and_ownership(client, tenant, headers):
    customer = add_customer(client, tenant["id"], "MCAAttested")
    assert_classic_error(patch(client, headers, customer["id"], "not-a-guid", 2), 400, 800002)
    assert_classic_error(patch(client, headers, customer["id"], str(uuid.uuid4()), 2), 404, 1000)
    assert_classic_error(patch(client, headers, "not-a-guid", str(uuid.uuid4()), 2), 400, 900118)
    assert_classic_error(order(client, headers, "not-a-guid"), 400, 900118)
    other = client.post("/_sandbox/tenants", json={"customers": 0}).get_json()
    foreign = add_customer(client, other["id"], "MCAAttested")
    assert_classic_error(order(client, headers, foreign["id"]), 404, 1000)
    assert_classic_error(client.get(f"/v1/customers/{foreign['id']}/subscriptions", headers=headers), 404, 1000)


def test_an_order_and_its_subscriptions_read_back_through_their_links(client, tenant, headers, app_only_headers):
    """What a partner checks after a retry: the order's links.self, the order list, each subscription's link."""
    customer = add_customer(client, tenant["id"], "MCAAttested")["id"]
    lines = [{"offerId": M365_BUSINESS_STANDARD, "quantity": 5}, {"offerId": M365_BUSINESS_STANDARD, "quantity": 3},
             {"offerId": AZURE_PLAN, "quantity": 1}]
    created = client.post(f"/v1/customers/{customer}/orders", headers=headers, json={"lineItems": lines})
    assert created.status_code == 201, created.get_data(as_text=True)
    placed = created.get_json()
    for reader in (headers, app_only_headers):
        assert follow(client, reader, placed["links"]["self"]) == placed
        listed = client.get(f"/v1/customers/{customer}/orders", headers=reader).get_json()
        assert listed["items"] == [placed] and listed["totalCount"] == 1
        assert listed["attributes"] == {"objectType": "Collection"} and follow(client, reader, listed["links"]["self"]) == listed
        collection = client.get(f"/v1/customers/{customer}/subscriptions", headers=reader).get_json()
        assert follow(client, reader, collection["links"]["self"]) == collection
        for item in collection["items"]:
            assert follow(client, reader, item["links"]["self"]) == item
    # each line names its own subscription, also two lines of one offer, and keeps it after a seat change
    assert patch(client, headers, customer, placed["lineItems"][1]["subscriptionId"], 4).status_code == 200
    for line, sent in zip(follow(client, headers, placed["links"]["self"])["lineItems"], lines, strict=True):
        subscription = client.get(f"/v1/customers/{customer}/subscriptions/{line['subscriptionId']}", headers=headers).get_json()
        assert subscription["orderId"] == placed["id"] and subscription["offerId"] == line["offerId"] == sent["offerId"]
        assert line["quantity"] == sent["quantity"] and subscription["quantity"] == (4 if line["lineItemNumber"] == 1 else sent["quantity"])


def test_orders_are_listed_oldest_first(client, tenant, headers):
    set_clock(client, tenant["id"], "2021-03-01T09:00:00+00:00")
    customer = add_customer(client, tenant["id"], "MCAAttested")["id"]
    assert client.get(f"/v1/customers/{customer}/orders", headers=headers).get_json()["items"] == []  # seeded seats: no order
    first = order(client, headers, customer).get_json()
    advance_clock(client, tenant["id"], 60)
    second = order(client, headers, customer, AZURE_PLAN, 1).get_json()
    listed = client.get(f"/v1/customers/{customer}/orders", headers=headers).get_json()
    assert [o["id"] for o in listed["items"]] == [first["id"], second["id"]] and listed["totalCount"] == 2
    assert listed["links"]["self"]["uri"] == f"/customers/{customer}/orders"


def test_reading_orders_and_subscriptions_of_others_is_404_and_bad_ids_400(client, tenant, headers):
    mine, neighbour = (add_customer(client, tenant["id"], "MCAAttested")["id"] for _ in range(2))
    placed = order(client, headers, neighbour).get_json()
    order_id, subscription_id = placed["id"], placed["lineItems"][0]["subscriptionId"]
    for customer, oid, sid in [(mine, order_id, subscription_id), (neighbour, str(uuid.uuid4()), str(uuid.uuid4()))]:
        # another customer of the same partner names them nowhere, as ids that exist nowhere
        assert_classic_error(client.get(f"/v1/customers/{customer}/orders/{oid}", headers=headers), 404, 1000)
        assert_classic_error(client.get(f"/v1/customers/{customer}/subscriptions/{sid}", headers=headers), 404, 1000)
    assert_classic_error(client.get(f"/v1/customers/{neighbour}/orders/not-a-guid", headers=headers), 400, 800002)
    assert_classic_error(client.get(f"/v1/customers/{neighbour}/subscriptions/not-a-guid", headers=headers), 400, 800002)
    for path in (f"not-a-guid/orders/{order_id}", "not-a-guid/orders", f"not-a-guid/subscriptions/{subscription_id}"):
        assert_classic_error(client.get(f"/v1/customers/{path}", headers=headers), 400, 900118)
    other = bearer(request_token(client, client.post("/_sandbox/tenants", json={"customers": 0}).get_json()))
    for path in (f"{neighbour}/orders/{order_id}", f"{neighbour}/orders", f"{neighbour}/subscriptions/{subscription_id}"):
        assert_classic_error(client.get(f"/v1/customers/{path}", headers=other), 404, 1000)
    assert client.get(f"/v1/CUSTOMERS/{neighbour.upper()}/Orders/{order_id.upper()}", headers=headers).get_json() == placed


# --- nicknames: a line's friendlyName names its subscription; PATCH renames it ----------------------------------


def rename(client, headers, customer_id, subscription_id, **body):
    return client.patch(f"/v1/customers/{customer_id}/subscriptions/{subscription_id}", headers=headers, json=body)


def subscription_by_id(client, headers, customer_id, subscription_id) -> dict:
    response = client.get(f"/v1/customers/{customer_id}/subscriptions/{subscription_id}", headers=headers)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def test_a_lines_friendly_name_names_its_subscription_and_the_offers_name_is_the_default(client, tenant, headers):
    customer = add_customer(client, tenant["id"], "MCAAttested")["id"]
    lines = [{"offerId": M365_BUSINESS_STANDARD, "quantity": 5, "friendlyName": "  Sales team  "},
             {"offerId": M365_BUSINESS_STANDARD, "quantity": 2},
             {"offerId": AZURE_PLAN, "quantity": 1, "friendlyName": None},
             {"offerId": M365_BUSINESS_STANDARD, "quantity": 1, "friendlyName": "\u200b \u00a0"},  # shows nothing
             {"offerId": M365_BUSINESS_STANDARD, "quantity": 1, "friendlyName": "Ünïcode ✓ " + "n" * 190}]
    created = client.post(f"/v1/customers/{customer}/orders", headers=headers, json={"lineItems": lines})
    assert created.status_code == 201, created.get_data(as_text=True)
    placed = created.get_json()
    names = ["Sales team", "Microsoft 365 Business Standard", "Azure plan", "Microsoft 365 Business Standard",
             "Ünïcode ✓ " + "n" * 190]
    assert [line["friendlyName"] for line in placed["lineItems"]] == names  # the answer echoes each line's name
    assert follow(client, headers, placed["links"]["self"]) == placed
    assert client.get(f"/v1/customers/{customer}/orders", headers=headers).get_json()["items"] == [placed]
    listed = {s["id"]: s for s in subscriptions(client, headers, customer)}
    for line, name in zip(placed["lineItems"], names, strict=True):
        subscription = subscription_by_id(client, headers, customer, line["subscriptionId"])
        assert subscription == listed[line["subscriptionId"]]
        assert subscription["friendlyName"] == name
        assert subscription["offerName"] == ("Azure plan" if line["offerId"] == AZURE_PLAN else "Microsoft 365 Business Standard")
    # the seeded subscription, bought before any name was given, is named after its offer
    seeded = [s for s in listed.values() if s["id"] not in {line["subscriptionId"] for line in placed["lineItems"]}]
    assert seeded and all(s["friendlyName"] == s["offerName"] for s in seeded)


@pytest.mark.parametrize("name", ["n" * 201, "Sales\nteam", "Sales\x00team", 42, True, ["Sales"], {"name": "Sales"}])
def test_a_lines_bad_friendly_name_is_400_and_buys_nothing(client, tenant, headers, name):
    customer = add_customer(client, tenant["id"], "MCAAttested")["id"]
    before = subscriptions(client, headers, customer)
    body = {"lineItems": [{"offerId": M365_BUSINESS_STANDARD, "quantity": 1, "friendlyName": name}]}
    assert_classic_error(client.post(f"/v1/customers/{customer}/orders", headers=headers, json=body), 400, 800002)
    assert subscriptions(client, headers, customer) == before


def test_patch_renames_a_subscription_alone_or_with_its_quantity(client, tenant, headers, app_only_headers):
    customer = add_customer(client, tenant["id"], "MCAAttested")["id"]
    placed = order(client, headers, customer).get_json()
    sid = placed["lineItems"][0]["subscriptionId"]

    renamed = rename(client, headers, customer, sid, friendlyName="Head office")
    assert renamed.status_code == 200, renamed.get_data(as_text=True)
    assert renamed.get_json()["friendlyName"] == "Head office" and renamed.get_json()["quantity"] == 5
    assert renamed.get_json() == subscription_by_id(client, headers, customer, sid)
    assert renamed.get_json()["offerName"] == "Microsoft 365 Business Standard"

    both = rename(client, app_only_headers, customer, sid, quantity=8, friendlyName=" Branch office ")
    assert both.status_code == 200, both.get_data(as_text=True)
    assert (both.get_json()["friendlyName"], both.get_json()["quantity"]) == ("Branch office", 8)
    # null, absent or blank: the name as it is
    for body in ({"quantity": 9, "friendlyName": None}, {"quantity": 9}, {"quantity": 9, "friendlyName": " \u200b"}):
        kept = rename(client, headers, customer, sid, **body)
        assert kept.status_code == 200 and kept.get_json()["friendlyName"] == "Branch office", body
    # the order keeps what it was placed with (its own friendlyName, the offer's name here, and its quantity)
    assert follow(client, headers, placed["links"]["self"]) == placed
    assert placed["lineItems"][0]["friendlyName"] == "Microsoft 365 Business Standard"


def test_a_rename_alone_is_no_purchase_and_passes_the_agreement_gate(client, tenant, headers):
    customer = add_customer(client, tenant["id"], "PurchaseBlocked")["id"]
    [subscription] = subscriptions(client, headers, customer)
    sid, seats = subscription["id"], subscription["quantity"]

    renamed = rename(client, headers, customer, sid, friendlyName="Legacy seats")
    assert renamed.status_code == 200, renamed.get_data(as_text=True)
    assert renamed.get_json()["friendlyName"] == "Legacy seats" and renamed.get_json()["quantity"] == seats
    same_seats = rename(client, headers, customer, sid, quantity=seats, friendlyName="Old seats")
    assert same_seats.status_code == 200 and same_seats.get_json()["friendlyName"] == "Old seats"
    # a seat change with a rename is refused whole: neither the seats nor the name change
    for quantity in (seats + 1, seats - 1):
        assert_classic_error(rename(client, headers, customer, sid, quantity=quantity, friendlyName="New seats"), 403, 13605)
        after = subscription_by_id(client, headers, customer, sid)
        assert (after["friendlyName"], after["quantity"]) == ("Old seats", seats)
    # sending it back whole, its name unchanged, changes nothing and is not gated
    unchanged = client.patch(f"/v1/customers/{customer}/subscriptions/{sid}", headers=headers, json=after)
    assert unchanged.status_code == 200 and unchanged.get_json() == after


@pytest.mark.parametrize(
    "body",
    [{}, {"friendlyName": None}, {"quantity": None}, {"quantity": None, "friendlyName": None}, {"friendlyName": ""},
     {"friendlyName": " \u200b\ufeff"}, {"friendlyName": "n" * 201}, {"friendlyName": "a\tb"}, {"friendlyName": 7},
     {"friendlyName": "Fine", "quantity": 0}, {"friendlyName": "Fine", "quantity": "3"}, {"friendlyName": "Fine", "color": 1}],
)
def test_a_patch_refused_for_its_body_changes_nothing(client, tenant, headers, body):
    customer = add_customer(client, tenant["id"], "MCAAttested")["id"]
    [subscription] = subscriptions(client, headers, customer)
    response = rename(client, headers, customer, subscription["id"], **body)
    assert_classic_error(response, 400)
    assert subscription_by_id(client, headers, customer, subscription["id"]) == subscription


def test_the_dotnet_sdks_whole_subscription_renames_and_its_null_friendly_name_keeps_the_name(client, tenant, headers):
    """The SDK sends its Subscription whole, PascalCase: FriendlyName null is "unchanged", not "clear"."""
    customer = add_customer(client, tenant["id"], "MCAAttested")["id"]
    created = client.post(f"/v1/customers/{customer}/orders", headers=headers, json=SDK_ORDER)
    assert created.status_code == 201, created.get_data(as_text=True)
    line = created.get_json()["lineItems"][0]
    assert line["friendlyName"] == "Seats"  # the SDK line's FriendlyName
    subscription = subscription_by_id(client, headers, customer, line["subscriptionId"])
    assert subscription["friendlyName"] == "Seats"
    sent = {key[0].upper() + key[1:]: value for key, value in subscription.items()} | SDK_SUBSCRIPTION_EXTRAS

    kept = client.patch(f"/v1/customers/{customer}/subscriptions/{subscription['id']}", headers=headers,
                        json={**sent, "FriendlyName": None, "Quantity": 4})
    assert kept.status_code == 200, kept.get_data(as_text=True)
    assert (kept.get_json()["friendlyName"], kept.get_json()["quantity"]) == ("Seats", 4)

    renamed = client.patch(f"/v1/customers/{customer}/subscriptions/{subscription['id']}", headers=headers,
                           json={**sent, "FriendlyName": "Marketing seats", "Quantity": 4})
    assert renamed.status_code == 200, renamed.get_data(as_text=True)
    assert (renamed.get_json()["friendlyName"], renamed.get_json()["quantity"]) == ("Marketing seats", 4)
    assert subscription_by_id(client, headers, customer, subscription["id"]) == renamed.get_json()
    # still one spelling of a property per body, whatever its case
    twice = client.patch(f"/v1/customers/{customer}/subscriptions/{subscription['id']}", headers=headers,
                         json={"friendlyName": "A", "FriendlyName": "B"})
    assert_classic_error(twice, 400, 800002)


@pytest.mark.parametrize(("change", "field"), [
    ({"status": "suspended", "quantity": 2}, "status"),  # the "Suspend a subscription" article's PATCH
    ({"offerId": "CFQ7TTC0LFLZ:0001", "quantity": 6}, "offerId"),
    ({"id": "00000000-0000-0000-0000-000000000001", "friendlyName": "x"}, "id"),
])
def test_a_patch_that_changes_what_the_sandbox_cant_change_is_refused_and_changes_nothing(client, tenant, headers, change,
                                                                                          field):
    """A suspension that answered 200, suspended nothing and changed the seats (purchases audit) misleads more
    than a 400: the sandbox changes quantity and friendlyName only."""
    customer = add_customer(client, tenant["id"], "MCAAttested")["id"]
    [before] = subscriptions(client, headers, customer)
    response = client.patch(f"/v1/customers/{customer}/subscriptions/{before['id']}", headers=headers,
                            json={**before, **change})
    body = assert_classic_error(response, 400, 3000)
    assert f"{field} can't change" in body["description"], body
    assert subscriptions(client, headers, customer) == [before]


def test_a_patch_may_send_back_what_it_cant_change_as_it_is_in_any_spelling(client, tenant, headers):
    customer = add_customer(client, tenant["id"], "MCAAttested")["id"]
    [before] = subscriptions(client, headers, customer)
    sent = {"Id": "{" + before["id"].upper() + "}", "OfferId": before["offerId"].lower(), "Status": "Active",
            "Quantity": before["quantity"] + 1}
    response = client.patch(f"/v1/customers/{customer}/subscriptions/{before['id']}", headers=headers, json=sent)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.get_json()["quantity"] == before["quantity"] + 1


def test_an_orders_lines_keep_the_numbers_the_client_gave_them(client, tenant, headers):
    """create-an-order: lineItemNumber "counting up from 0 to count-1". A client matches the answer's lines to its
    own by number: the answer keeps the client's numbers (they were renumbered by place)."""
    customer = add_customer(client, tenant["id"], "MCAAttested")["id"]
    lines = [{"lineItemNumber": 1, "offerId": M365_BUSINESS_STANDARD, "quantity": 7, "friendlyName": "L1"},
             {"lineItemNumber": 0, "offerId": OFFICE_365_E3, "quantity": 8, "friendlyName": "L0"}]
    placed = client.post(f"/v1/customers/{customer}/orders", headers=headers, json={"lineItems": lines})
    assert placed.status_code == 201, placed.get_data(as_text=True)
    got = {line["lineItemNumber"]: (line["offerId"], line["quantity"], line["friendlyName"]) for line in placed.get_json()["lineItems"]}
    assert got == {1: (M365_BUSINESS_STANDARD, 7, "L1"), 0: (OFFICE_365_E3, 8, "L0")}
    by_id = {s["id"]: s for s in subscriptions(client, headers, customer)}
    for line in placed.get_json()["lineItems"]:
        assert by_id[line["subscriptionId"]]["offerId"] == line["offerId"]


@pytest.mark.parametrize("numbers", [[5, 5], [0, 0], [-1, 0], [1, 2], [0, None]])
def test_line_numbers_that_dont_count_up_from_0_are_refused(client, tenant, headers, numbers):
    customer = add_customer(client, tenant["id"], "MCAAttested")["id"]
    before = subscriptions(client, headers, customer)
    lines = [{"lineItemNumber": n, "offerId": M365_BUSINESS_STANDARD, "quantity": 1} for n in numbers]
    assert_classic_error(client.post(f"/v1/customers/{customer}/orders", headers=headers, json={"lineItems": lines}),
                         400, 3000)
    assert subscriptions(client, headers, customer) == before


@pytest.mark.parametrize(("offer_id", "term"), [
    (M365_BASIC_LEGACY, {"commitmentEndDate": "2021-03-15T00:00:00.000Z", "autoRenewEnabled": True,
                         "billingType": "license", "billingCycle": "monthly"}),
    (M365_BUSINESS_STANDARD, {"commitmentEndDate": "2021-03-14T00:00:00.000Z", "autoRenewEnabled": True,
                              "billingType": "license", "billingCycle": "monthly", "termDuration": "P1Y"}),
    (AZURE_PLAN, {"commitmentEndDate": "9999-12-15T00:00:00.000Z", "autoRenewEnabled": False, "billingType": "usage"}),
])
def test_a_subscription_carries_its_term_as_the_subscription_resource_does(client, tenant, headers, offer_id, term):
    """The .NET SDK's and the generated clients' Subscription read these; they came back empty (None)."""
    set_clock(client, tenant["id"], "2020-03-15T17:45:00+00:00")
    customer = add_customer(client, tenant["id"], "MCAAttested")
    made = order(client, headers, customer["id"], offer_id, 1).get_json()["lineItems"][0]["subscriptionId"]

    found = subscription_by_id(client, headers, customer["id"], made)

    assert found["creationDate"] == "2020-03-15T17:45:00.000Z"
    assert found["effectiveStartDate"] == "2020-03-15T00:00:00.000Z"
    assert {k: found.get(k) for k in (*term, "billingCycle", "termDuration")} == {"billingCycle": None, "termDuration": None, **term}
    assert (found["status"], found["isTrial"], found["contractType"]) == ("active", False, "subscription")
    assert [s for s in subscriptions(client, headers, customer["id"]) if s["id"] == made] == [found]


def test_the_azure_plan_is_usage_based_its_quantity_is_1(client, tenant, headers):
    """It has no seats: an order of 5 was placed, and a PATCH to 5 answered 200 and stored 5."""
    customer = add_customer(client, tenant["id"], "MCAAttested")["id"]
    seeded = subscriptions(client, headers, customer)  # an attested customer's Business Standard seats
    refused = order(client, headers, customer, AZURE_PLAN, 5)
    assert_classic_error(refused, 400, 3000)
    assert "usage-based" in refused.get_json()["description"] and subscriptions(client, headers, customer) == seeded

    plan = order(client, headers, customer, AZURE_PLAN, 1).get_json()["lineItems"][0]["subscriptionId"]
    assert_classic_error(patch(client, headers, customer, plan, 5), 400, 3000)
    assert patch(client, headers, customer, plan, 1).status_code == 200  # unchanged: fine
    assert subscription_by_id(client, headers, customer, plan)["quantity"] == 1


def test_an_azure_plan_seeded_with_seats_before_is_patched_back_as_it_is(app, client, tenant, headers):
    """Seeds gave the Azure plan 5 to 50 "seats" until it became usage-based: an SDK's read-change-send-back of
    such a plan (a rename) sends that quantity back, unchanged, and must go through."""
    from sqlalchemy import update

    from sandbox.store.orm import subscriptions as subscriptions_table

    customer = add_customer(client, tenant["id"], "MCAAttested")["id"]
    plan = order(client, headers, customer, AZURE_PLAN, 1).get_json()["lineItems"][0]["subscriptionId"]
    with app.extensions["engine"].begin() as connection:  # as an older seed left it
        connection.execute(update(subscriptions_table).where(subscriptions_table.c.id == plan).values(quantity=17))

    renamed = client.patch(f"/v1/customers/{customer}/subscriptions/{plan}", headers=headers,
                           json={"quantity": 17, "friendlyName": "Cloud spend"})

    assert renamed.status_code == 200, renamed.get_data(as_text=True)
    assert (renamed.get_json()["quantity"], renamed.get_json()["friendlyName"]) == (17, "Cloud spend")
    assert_classic_error(patch(client, headers, customer, plan, 18), 400, 3000)


# --- the SDK's Subscriptions.ByOrder and .ByPartner ------------------------------------------------


def confirmed_orders(client, headers, customer_id, *offers) -> list[dict]:
    assert client.post(f"/v1/customers/{customer_id}/agreements", headers=headers,
                       json=agreement_body(dateAgreed="2020-06-01T00:00:00Z")).status_code == 201
    placed = [order(client, headers, customer_id, offer) for offer in offers]
    assert [p.status_code for p in placed] == [201] * len(offers)
    return [p.get_json() for p in placed]


def listed(client, headers, customer_id, query: str) -> dict:
    return client.get(f"/v1/customers/{customer_id}/subscriptions?{query}", headers=headers)


def test_subscriptions_by_order_are_that_order_s_only(client, headers, customer_id):
    first, second = confirmed_orders(client, headers, customer_id, M365_BUSINESS_STANDARD, OFFICE_365_E3)
    assert len(subscriptions(client, headers, customer_id)) == 2
    for query in (f"order_id={first['id']}", f"Order_Id={first['id'].upper()}"):  # any case, as the API reads them
        body = listed(client, headers, customer_id, query).get_json()
        assert [s["id"] for s in body["items"]] == [first["lineItems"][0]["subscriptionId"]], query
        assert body["totalCount"] == 1 and body["links"]["self"]["uri"].endswith(f"subscriptions?order_id={first['id']}")
    assert listed(client, headers, customer_id, f"order_id={uuid.uuid4()}").get_json()["items"] == []
    refused = assert_classic_error(listed(client, headers, customer_id, "order_id=not-a-guid"), 400, 800002)
    assert refused["description"].startswith("Invalid order id: 'not-a-guid'") and refused["data"] == ["order_id: not a GUID"]


def test_subscriptions_by_partner_are_those_its_mpn_id_provided(client):
    """The partner of record: a direct partner's own; for a customer an indirect provider shares with an
    indirect reseller, the reseller, whose MPN id finds what the provider bought for it."""
    shared = client.post("/_sandbox/tenants", json={"kind": "IndirectReseller", "customers": 1}).get_json()
    mpn = {p["kind"]: p["mpnId"] for p in client.get(f"/_sandbox/tenants/{shared['id']}").get_json()["partners"]}
    provider = bearer(request_token(client, shared["provider"]))
    customer_id = shared["customers"][0]["id"]
    [placed] = confirmed_orders(client, provider, customer_id, M365_BUSINESS_STANDARD)
    by_reseller = listed(client, provider, customer_id, f"mpn_id={mpn['IndirectReseller']}").get_json()
    assert [s["id"] for s in by_reseller["items"]] == [placed["lineItems"][0]["subscriptionId"]]
    assert listed(client, provider, customer_id, f"mpn_id={mpn['IndirectProvider']}").get_json()["items"] == []

    direct = client.post("/_sandbox/tenants", json={"customers": 1}).get_json()
    headers = bearer(request_token(client, direct))
    own = client.get(f"/_sandbox/tenants/{direct['id']}").get_json()["partners"][0]["mpnId"]
    [placed] = confirmed_orders(client, headers, direct["customers"][0]["id"], OFFICE_365_E3)
    assert [s["id"] for s in listed(client, headers, placed["referenceCustomerId"], f"mpn_id={own}").get_json()["items"]] == [
        placed["lineItems"][0]["subscriptionId"]]
    assert listed(client, headers, placed["referenceCustomerId"], "mpn_id=1").get_json()["items"] == []
    for junk in ("abc", f"{own}%0A"):  # digits only, a trailing new line included
        assert_classic_error(listed(client, headers, placed["referenceCustomerId"], f"mpn_id={junk}"), 400, 800002)
