"""Resources as Partner Center writes them: camelCase, documented shapes, dumped through the out-schemas.

Customers and a customer's confirmations, which come many to an answer, are built in their out-schema's
order and without nulls (``_present``) and skip marshmallow's dump, which cost more than reading them;
tests/api/test_render_without_dump.py holds each of them to what the schema's dump gives."""

from __future__ import annotations

import functools
import hashlib
from datetime import datetime
from urllib.parse import quote, urlencode

from marshmallow import Schema

from sandbox.domain import rules
from sandbox.domain.clock import as_utc
from sandbox.domain.model import Attestation, Customer, DocumentLink, Order, Subscription
from sandbox.domain.offers import find_offer, terms
from sandbox.services.customers import CreatedCustomer, CustomerView

from . import schemas


@functools.cache
def _schema(schema_cls: type[Schema]) -> Schema:
    """One instance per output schema: building a marshmallow schema (it copies its fields) costs more than
    dumping with it, and dumping keeps no state on the instance."""
    return schema_cls()


def _dump(schema_cls: type[Schema], body: dict) -> dict:
    return _schema(schema_cls).dump(body)


def iso(moment: datetime) -> str:
    """One date-time format for every answer: ``2018-06-14T00:00:00.000Z`` (UTC, milliseconds)."""
    utc = as_utc(moment)
    # not strftime: its %Y leaves years before 1000 unpadded ("1-01-01"), and .NET's DateTime.MinValue is year 1
    return (f"{utc.year:04d}-{utc.month:02d}-{utc.day:02d}T{utc.hour:02d}:{utc.minute:02d}:{utc.second:02d}."
            f"{utc.microsecond // 1000:03d}Z")


def link(uri: str, method: str = "GET", headers: list | None = None) -> dict:
    return {"uri": uri, "method": method, "headers": headers or []}


def _present(**values) -> dict:
    """The properties that have a value, in the order given: what the out-schemas dump (they leave nulls out)."""
    return {key: value for key, value in values.items() if value is not None}


def attributes(object_type: str, etag: str | None = None) -> dict:
    """AttributesOut, in its order and without a null etag (what its dump would leave out anyway)."""
    return {"etag": etag, "objectType": object_type} if etag is not None else {"objectType": object_type}


def agreement_metadata(items: list[rules.AgreementMetadata]) -> dict:
    """The metadata collection; it is the same for every caller, so it is dumped once per list (don't change it)."""
    return _agreement_metadata(tuple(items))


@functools.lru_cache(maxsize=16)
def _agreement_metadata(items: tuple[rules.AgreementMetadata, ...]) -> dict:
    body = {
        "totalCount": len(items),
        "items": [
            {"templateId": m.template_id, "agreementType": m.agreement_type.value, "agreementLink": m.agreement_link,
             "versionRank": m.version_rank}
            for m in items
        ],
        "links": {"self": link("/agreements")},
        "attributes": attributes("Collection"),
    }
    return _dump(schemas.AgreementMetadataCollectionOut, body)


def _agreement(attestation: Attestation, *, with_link: bool) -> dict:
    """An agreement in AgreementOut's order and without nulls."""
    contact = attestation.primary_contact
    return _present(
        userId=attestation.user_id or None,
        primaryContact=_present(
            firstName=contact.first_name, lastName=contact.last_name, email=contact.email,
            phoneNumber=contact.phone_number or None,
        ),
        templateId=attestation.template_id,
        dateAgreed=iso(attestation.date_agreed),
        type=attestation.type.value,
        agreementLink=rules.metadata_for(attestation.type).agreement_link if with_link else None,
        attributes=attributes("Agreement"),
    )


def created_agreement(attestation: Attestation) -> dict:
    """The POST answer, as the documented example: no agreementLink (R-API-2)."""
    return _dump(schemas.AgreementOut, _agreement(attestation, with_link=False))


def agreements(items: list[Attestation]) -> dict:
    return {"totalCount": len(items), "items": [_agreement(a, with_link=True) for a in items],
            "attributes": attributes("Collection")}


def agreement_document(link_: DocumentLink, display_uri: str, download_uri: str) -> dict:
    body = {"displayUri": display_uri, "downloadUri": download_uri, "language": link_.language, "country": link_.country,
            "attributes": attributes("AgreementDocument")}
    return _dump(schemas.AgreementDocumentOut, body)


def direct_sign_status(signed: bool) -> dict:
    return _dump(schemas.DirectSignStatusOut, {"isSigned": signed})


def _etag(*parts) -> str:
    digest = hashlib.sha256("\x1f".join(str(p) for p in parts).encode()).digest()
    return str(int.from_bytes(digest[:8], "big", signed=True))


def _company_profile(c: Customer, *, by_id: bool) -> dict:
    """A customer's company profile in CompanyProfileOut's order and without nulls."""
    return _present(
        tenantId=c.id,
        domain=c.domain,
        companyName=c.company_name,
        address=_present(
            country=c.country, region=c.state, city=c.city, addressLine1=c.address_line1,
            addressLine2=c.address_line2, postalCode=c.postal_code, phoneNumber=c.phone_number or "",
        ) if by_id else None,
        email=c.email if by_id else None,
        organizationRegistrationNumber=c.organization_registration_number,
        links={"self": link(f"/customers/{c.id}/profiles/company")},
        attributes=attributes("CustomerCompanyProfile"),
    )


def _billing_profile(c: Customer) -> dict:
    """A customer's billing profile in BillingProfileOut's order and without nulls."""
    return _present(
        id=c.billing_profile_id,
        firstName=c.first_name,
        lastName=c.last_name,
        email=c.email,
        culture=c.culture,
        language=c.language,
        companyName=c.company_name,
        defaultAddress=_present(
            country=c.country, city=c.city, state=c.state, addressLine1=c.address_line1,
            addressLine2=c.address_line2, postalCode=c.postal_code, firstName=c.first_name,
            lastName=c.last_name, phoneNumber=c.phone_number or "",
        ),
        links={"self": link(f"/customers/{c.id}/profiles/billing")},
        attributes=attributes(
            "CustomerBillingProfile",
            _etag(c.billing_profile_id, c.email, c.company_name, c.address_line1, c.city, c.postal_code, c.phone_number),
        ),
    )


def _customer(view: CustomerView, *, by_id: bool) -> dict:
    """A customer in CustomerOut's order and without nulls."""
    c, rel = view.customer, view.relationship
    base = f"/customers/{c.id}"
    return _present(
        id=c.id,
        commerceId=c.commerce_id,
        companyProfile=_company_profile(c, by_id=by_id),
        billingProfile=_billing_profile(c),
        relationshipToPartner=rel.kind if rel is not None else "none",
        allowDelegatedAccess=view.delegated_admin if by_id else None,
        customDomains=[c.domain] if by_id else None,
        associatedPartnerId=rel.associated_partner_id if rel is not None else None,
        links={"self": link(base)},
        attributes=attributes("Customer"),
    )


def customer(view: CustomerView) -> dict:
    return _customer(view, by_id=True)


def company_profile(view: CustomerView) -> dict:
    """As inside the customer by id (with its address and e-mail)."""
    return _dump(schemas.CompanyProfileOut, _company_profile(view.customer, by_id=True))


def billing_profile(view: CustomerView) -> dict:
    return _dump(schemas.BillingProfileOut, _billing_profile(view.customer))


def created_customer(created: CreatedCustomer) -> dict:
    body = _customer(CustomerView(created.customer, created.relationship), by_id=False)
    body["userCredentials"] = {"userName": created.customer.admin_user_name, "password": created.password}
    return _dump(schemas.CustomerOut, body)


def customer_page(items: list[CustomerView], *, size: int, continuation_token: str | None,
                  filter_: str | None = None) -> dict:
    query = f"size={size}" + (f"&filter={quote(filter_, safe='')}" if filter_ else "")
    links = {"self": link(f"/v1/customers?{query}")}
    if continuation_token:
        links["next"] = link(
            f"/v1/customers?{query}&seekOperation=Next", headers=[{"key": "MS-ContinuationToken", "value": continuation_token}]
        )
    return _present(
        totalCount=len(items),
        items=[_customer(v, by_id=False) for v in items],
        continuationToken=continuation_token,
        links=links,
        attributes=attributes("Collection"),
    )


def relationship_request(url: str) -> dict:
    return _dump(schemas.RelationshipRequestOut, {"url": url, "attributes": attributes("RelationshipRequest")})


def _order(order_: Order, subscriptions: list[Subscription]) -> dict:
    """An order, each line with the subscription it made (a line of an order placed before lines named theirs
    gets the order's next subscription of its offer) and the friendly name it gave, else the offer's name (a
    later rename of the subscription leaves the order as it was placed)."""
    unshown = {s.id: s for s in subscriptions if s.order_id == order_.id}
    lines = []
    for item in order_.line_items:
        named = item.get("subscriptionId") or next((k for k, s in unshown.items() if s.offer_id == item["offerId"]), None)
        sub = unshown.pop(named, None)
        lines.append({"lineItemNumber": item["lineItemNumber"], "offerId": item["offerId"],
                      "subscriptionId": sub.id if sub else None,
                      "friendlyName": item.get("friendlyName") or (sub.offer_name if sub else None),
                      "quantity": item["quantity"]})
    return {
        "id": order_.id,
        "referenceCustomerId": order_.customer_id,
        "lineItems": lines,
        "status": "completed",
        "creationDate": iso(order_.created_at),
        "links": {"self": link(f"/customers/{order_.customer_id}/orders/{order_.id}")},
        "attributes": attributes("Order"),
    }


def order(order_: Order, subscriptions: list[Subscription]) -> dict:
    return _dump(schemas.OrderOut, _order(order_, subscriptions))


def orders(items: list[Order], subscriptions: list[Subscription], customer_id: str) -> dict:
    body = {"totalCount": len(items), "items": [_order(o, subscriptions) for o in items],
            "links": {"self": link(f"/customers/{customer_id}/orders")}, "attributes": attributes("Collection")}
    return _dump(schemas.OrderCollectionOut, body)


def _subscription(sub: Subscription, now: datetime) -> dict:
    term = terms(find_offer(sub.offer_id), sub.created_at, now)  # the term running on the tenant's clock
    return {
        "id": sub.id,
        "offerId": sub.offer_id,
        "offerName": sub.offer_name,
        "friendlyName": sub.friendly_name,
        "quantity": sub.quantity,
        "unitType": term.unit_type,
        "creationDate": iso(sub.created_at),
        "effectiveStartDate": iso(term.effective_start),
        "commitmentEndDate": iso(term.commitment_end),
        "status": rules.SUBSCRIPTION_STATUS,
        "autoRenewEnabled": term.auto_renew,
        "isTrial": False,
        "billingType": term.billing_type,
        "billingCycle": term.billing_cycle,
        "termDuration": term.term_duration,
        "contractType": "subscription",
        "orderId": sub.order_id,
        "links": {"self": link(f"/customers/{sub.customer_id}/subscriptions/{sub.id}")},
        "attributes": attributes("Subscription"),
    }


def subscription(sub: Subscription, now: datetime) -> dict:
    return _dump(schemas.SubscriptionOut, _subscription(sub, now))


def subscriptions(items: list[Subscription], customer_id: str, now: datetime, *, order_id: str | None = None,
                  mpn_id: str | None = None) -> dict:
    asked = urlencode([(name, value) for name, value in (("order_id", order_id), ("mpn_id", mpn_id)) if value is not None])
    body = {"totalCount": len(items), "items": [_subscription(s, now) for s in items],
            "links": {"self": link(f"/customers/{customer_id}/subscriptions" + (f"?{asked}" if asked else ""))},
            "attributes": attributes("Collection")}
    return _dump(schemas.SubscriptionCollectionOut, body)
