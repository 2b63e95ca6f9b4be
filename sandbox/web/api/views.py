"""The Partner Center REST API under /v1: parse, call one service function, render."""

from __future__ import annotations

import functools
import json
import re

import orjson
from flask import Blueprint, Response, current_app, request
from marshmallow import Schema

from sandbox.domain import rules
from sandbox.domain.errors import InvalidCustomerId, InvalidRequestInput
from sandbox.domain.model import Contact
from sandbox.services import agreements, customers, purchases, relationships
from sandbox.web.errors import load_json
from sandbox.web.paths import query_parameters

from . import render, schemas
from .documents import document_urls
from .operations import APP_OR_APP_USER, APP_USER, Operation, Param, operation
from .wire import JSON_UTF8, after_operation, before_operation, caller, require_app_user

bp = Blueprint("api", __name__, url_prefix="/v1")
bp.before_request(before_operation)  # token, App+User, faults, idempotency
bp.after_request(after_operation)

CUSTOMER_ID = Param("customer-tenant-id", "path", "The customer's tenant id (a GUID).", required=True,
                    schema={"type": "string", "format": "uuid"})
SUBSCRIPTION_ID = Param("subscription-id", "path", "The subscription id (a GUID).", required=True)
ORDER_ID = Param("order-id", "path", "The order id (a GUID).", required=True)
ORDER_FILTER = Param("order_id", "query", "Only the subscriptions of this order (a GUID): the SDK's Subscriptions.ByOrder.")
MPN_FILTER = Param("mpn_id", "query", "Only the subscriptions this partner provided, by its MPN id (an indirect provider's "
                                      "reseller for the customers they share): the SDK's Subscriptions.ByPartner.")
MPN_ID = re.compile(r"[0-9]{1,20}")
AGREEMENT_TYPE = Param(
    "agreementType", "query",
    "MicrosoftCustomerAgreement, MicrosoftCloudAgreement or * (all). Default: MicrosoftCloudAgreement.",
    schema={"type": "string", "enum": ["MicrosoftCustomerAgreement", "MicrosoftCloudAgreement", "*"]},
)
ERRORS = {
    400: ("Invalid input (800002, 3000, 900118).", schemas.ErrorOut),
    401: ("Missing, malformed, expired or foreign token (800001).", schemas.ErrorOut),
    403: ("Not allowed (2032, 900150, 13605).", schemas.ErrorOut),
    404: ("Not found, or not this partner's (1000).", schemas.ErrorOut),
}
MAX_PAGE_SIZE = 500
DEFAULT_PAGE_SIZE = 200


def services():
    return current_app.extensions["services"]


def query_arg(name: str) -> str | None:
    """A query parameter, matched case-insensitively as the real service binds them (the first one given)."""
    wanted = name.lower()
    for key, value in query_parameters(request.environ.get("QUERY_STRING", "")):
        if key.lower() == wanted:
            return value
    return None


def customer_id_from(value: str) -> str:
    if not schemas.is_guid(value):
        raise InvalidCustomerId(f"Invalid Customer Id: '{value[:64]}' is not a GUID.", field="customer-tenant-id")
    return value.lower()


def id_from(value: str, param: Param) -> str:
    """A subscription or order id: a GUID, else 400 / 800002."""
    if not schemas.is_guid(value):
        name = param.name.removesuffix("-id").removesuffix("_id")
        raise InvalidRequestInput(f"Invalid {name} id: '{value[:64]}' is not a GUID.", data=[f"{param.name}: not a GUID"])
    return value.lower()


@functools.cache
def _schema(schema_cls: type[Schema]) -> Schema:
    """One instance per input schema (building one copies its fields; loading keeps no state on it)."""
    return schema_cls()


def load(schema_cls: type[Schema]) -> dict:
    """The body through its schema: 400 / 800002 naming every field at fault."""
    return load_json(_schema(schema_cls), allow_trailing_commas=True, prefix="Invalid request input: ")


def answer(body: dict, status: int = 200) -> Response:
    """JSON in the documented property order (the out-schemas' order), not sorted, UTF-8. orjson writes a page
    of 200 customers (250 KB) in 0.15 ms where the standard library took 2 ms."""
    return Response(orjson.dumps(body), status=status, content_type=JSON_UTF8)


@functools.lru_cache(maxsize=16)
def _metadata_json(items: tuple) -> bytes:
    """The metadata never changes: each list of it is written out once (the same bytes each time, which
    the journal recognises too)."""
    return json.dumps(render.agreement_metadata(list(items)), ensure_ascii=False).encode()


# --- agreements (R-API-1 .. R-API-5) -----------------------------------------------------------


@operation(bp, Operation(
    "getAgreementMetadata", "GET", "/agreements", "/v1/agreements", "Get agreement metadata", APP_USER, "R-API-1",
    params=(AGREEMENT_TYPE,), responses={200: ("The agreement metadata.", schemas.AgreementMetadataCollectionOut)},
))
def get_agreement_metadata():
    # R-API-1: no agreementType means the Microsoft Cloud Agreement (backward compatibility)
    items = agreements.get_agreement_metadata(query_arg("agreementType"))
    return Response(_metadata_json(tuple(items)), content_type=JSON_UTF8)


@operation(bp, Operation(
    "createCustomerAgreement", "POST", "/customers/<customer_id>/agreements", "/v1/customers/{customer-tenant-id}/agreements",
    "Confirm customer acceptance of an agreement", APP_USER, "R-API-2, R-OPT1-EX-4, R-RES-1, R-TL-2, R-TL-3",
    params=(CUSTOMER_ID,), body=schemas.AgreementIn,
    responses={201: ("The confirmation (userId from the token).", schemas.AgreementOut),
               403: ("900150 for a role other than Admin agent or Sales agent; 2032 for an indirect reseller, an App-only "
                     "token, or before the API's date (R-TL-2, R-TL-3).", schemas.ErrorOut),
               409: ("600061 PartnerConfirmedAgreementAlreadyExists.", schemas.ExtendedErrorOut)},
))
def create_customer_agreement(customer_id):
    customer_id = customer_id_from(customer_id)
    body = load(schemas.AgreementIn)
    contact = body["primary_contact"]
    attestation = agreements.confirm_customer_acceptance(  # R-API-2: userId comes from the token
        services(), caller().actor, customer_id,
        template_id=body["template_id"], agreement_type=body["type"], date_agreed=body["date_agreed"],
        contact=Contact(contact["first_name"], contact["last_name"], contact["email"], contact["phone_number"]),
    )
    return answer(render.created_agreement(attestation), 201)


@operation(bp, Operation(
    "getCustomerAgreements", "GET", "/customers/<customer_id>/agreements", "/v1/customers/{customer-tenant-id}/agreements",
    "Get confirmations of customer acceptance", APP_USER, "R-API-3", params=(CUSTOMER_ID, AGREEMENT_TYPE),
    responses={200: ("The confirmations of that type.", schemas.AgreementCollectionOut)},
))
def get_customer_agreements(customer_id):
    customer_id = customer_id_from(customer_id)
    found = agreements.get_customer_agreements(services(), caller().actor, customer_id, query_arg("agreementType"))
    return answer(render.agreements(found))


@operation(bp, Operation(
    "getAgreementDocument", "GET", "/agreementtemplates/<template_id>/document",
    "/v1/agreementtemplates/{agreement-template-id}/document", "Get a download link for the agreement template",
    APP_USER, "R-API-4, R-TPL-1, R-TPL-2",
    params=(
        Param("agreement-template-id", "path", "The MCA template id (case-sensitive).", required=True),
        Param("language", "query", "Default en-US; a language the country lacks falls back to en-US."),
        Param("country", "query", "ISO country code, case-sensitive. Default US."),
    ),
    responses={200: ("New links, valid five minutes on the tenant's clock.", schemas.AgreementDocumentOut)},
))
def get_agreement_document(template_id):
    link = agreements.get_agreement_document(  # R-TPL-2: country and language rules live in the domain
        services(), caller().actor, template_id, country=query_arg("country"), language=query_arg("language"),
    )
    display, download = document_urls(link)
    return answer(render.agreement_document(link, display, download))


@operation(bp, Operation(
    "getDirectSignedCustomerAgreementStatus", "GET", "/customers/<customer_id>/directSignedMicrosoftCustomerAgreementStatus",
    "/v1/customers/{customer-tenant-id}/directSignedMicrosoftCustomerAgreementStatus",
    "Get the status of the customer's direct acceptance", APP_USER, "R-API-5, R-OPT2-STATUS", params=(CUSTOMER_ID,),
    responses={200: ("Whether the customer accepted the MCA itself.", schemas.DirectSignStatusOut)},
))
def get_direct_sign_status(customer_id):
    customer_id = customer_id_from(customer_id)
    return answer(render.direct_sign_status(agreements.get_direct_sign_status(services(), caller().actor, customer_id)))


# --- customers ---------------------------------------------------------------------------------


@operation(bp, Operation(
    "createCustomer", "POST", "/customers", "/v1/customers", "Create a customer", APP_OR_APP_USER, "R-OPT1-NEW, R-OPT2-NEW",
    body=schemas.CustomerIn,
    responses={201: ("The customer, with its admin's userCredentials (only here).", schemas.CustomerOut),
               400: ("600049, 600051, 600002: the country's rules for the organization registration id and the phone "
                     "number (extended body).", schemas.ExtendedErrorOut),
               403: ("900150 for a user who is not a Global admin, an Admin agent or a Sales agent (an App-only token "
                     "may create); 2032 for an indirect reseller, or App-only with associatedPartnerId.", schemas.ErrorOut)},
))
def create_customer():
    body = load(schemas.CustomerIn)
    company, billing = body["company_profile"], body["billing_profile"]
    address = billing["default_address"]
    if body["associated_partner_id"]:
        require_app_user("Creating a customer for an indirect reseller")  # documented App+User only
    new = customers.NewCustomer(
        domain=company["domain"], company_name=billing["company_name"], email=billing["email"],
        country=address["country"].upper(), address_line1=address["address_line1"], city=address["city"],
        postal_code=address["postal_code"], first_name=address["first_name"], last_name=address["last_name"],
        culture=billing["culture"], language=billing["language"], state=address["state"],
        address_line2=address["address_line2"], phone_number=address["phone_number"],
        organization_registration_number=company["organization_registration_number"],
        associated_partner_id=body["associated_partner_id"],
    )
    return answer(render.created_customer(customers.create_customer(services(), caller().actor, new)), 201)


@operation(bp, Operation(
    "listCustomers", "GET", "/customers", "/v1/customers", "Get a list of customers", APP_OR_APP_USER, "R-OPT1-EX-1",
    params=(
        Param("size", "query", f"Page size, 1 to {MAX_PAGE_SIZE}; 0 or none for the default, {DEFAULT_PAGE_SIZE}.",
              schema={"type": "integer", "minimum": 0, "maximum": MAX_PAGE_SIZE}),
        Param("seekOperation", "query", "Next (the next page) or First (the first page), with MS-ContinuationToken "
                                        "(read in any case).", schema={"type": "string", "enum": ["Next", "First"]}),
        Param("MS-ContinuationToken", "header", "The continuationToken of a previous page; it carries that page's "
                                                "size and filter, which it keeps."),
        Param("filter", "query", 'URL-encoded JSON: {"Field": "CompanyName" | "Domain" | "IndirectReseller", "Value": '
                                 '"<prefix>", "Operator": "starts_with"}.'),
    ),
    responses={200: ("A page of customers; links.next carries the continuation.", schemas.CustomerCollectionOut)},
))
def list_customers():
    raw = query_arg("size") or "0"
    # ASCII digits only (str.isdigit takes "²" and full-width digits too), and few (int() refuses over 4,300);
    # 0 is the default: the .NET SDK sends size=0 with every filter-only query
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 9 and int(raw) <= MAX_PAGE_SIZE):
        raise InvalidRequestInput(f"size must be a whole number from 1 to {MAX_PAGE_SIZE}, or 0 for the default.",
                                  data=["size: out of range"])
    token = request.headers.get("MS-ContinuationToken") or None
    seek = (query_arg("seekOperation") or "").lower()
    if seek not in ("", "next", "first"):
        raise InvalidRequestInput("seekOperation must be Next or First.", data=["seekOperation: not supported"])
    if seek and token is None:
        raise InvalidRequestInput("seekOperation needs the MS-ContinuationToken header.",
                                  data=["MS-ContinuationToken: missing"])
    raw_filter = query_arg("filter")
    field, search = customer_filter(raw_filter) if raw_filter else (None, None)
    page = customers.list_customers(services(), caller().actor, size=int(raw) or DEFAULT_PAGE_SIZE, continuation=token,
                                    search=search, field=field, restart=seek == "first")
    shown = None  # the links show the query answered: a continuation's is its token's
    if page.field:
        shown = json.dumps({"Field": page.field.value, "Value": page.search, "Operator": "starts_with"})
    return answer(render.customer_page(page.items, size=page.size, continuation_token=page.continuation_token,
                                       filter_=shown))


def customer_filter(raw: str):
    """The ``filter`` query parameter: a JSON object with Field, Value and Operator (names in any case)."""
    try:
        given = json.loads(raw) if len(raw) <= 2048 else None
    except ValueError:
        given = None
    if not isinstance(given, dict):
        raise InvalidRequestInput('filter must be JSON like {"Field": "CompanyName", "Value": "Con", "Operator": '
                                  '"starts_with"}.', data=["filter: not a JSON object"])
    named = {str(key).lower(): value for key, value in given.items()}
    parts = [named.get(key) for key in ("field", "operator", "value")]
    if not all(isinstance(part, str) for part in parts):
        raise InvalidRequestInput("filter needs Field, Value and Operator, each a string.", data=["filter: incomplete"])
    return rules.parse_customer_filter(*parts)


@operation(bp, Operation(
    "getCustomer", "GET", "/customers/<customer_id>", "/v1/customers/{customer-tenant-id}", "Get a customer by id",
    APP_OR_APP_USER, "R-OPT1-EX-1", params=(CUSTOMER_ID,), responses={200: ("The customer.", schemas.CustomerOut)},
))
def get_customer(customer_id):
    customer_id = customer_id_from(customer_id)
    return answer(render.customer(customers.get_customer(services(), caller().actor, customer_id)))


@operation(bp, Operation(
    "getCustomerCompanyProfile", "GET", "/customers/<customer_id>/profiles/company",
    "/v1/customers/{customer-tenant-id}/profiles/company", "Get a customer's company profile", APP_OR_APP_USER, "",
    params=(CUSTOMER_ID,), responses={200: ("The company profile, as in the customer by id.", schemas.CompanyProfileOut)},
))
def get_company_profile(customer_id):
    customer_id = customer_id_from(customer_id)
    return answer(render.company_profile(customers.get_customer(services(), caller().actor, customer_id)))


@operation(bp, Operation(
    "getCustomerBillingProfile", "GET", "/customers/<customer_id>/profiles/billing",
    "/v1/customers/{customer-tenant-id}/profiles/billing", "Get a customer's billing profile", APP_OR_APP_USER, "",
    params=(CUSTOMER_ID,), responses={200: ("The billing profile, as in the customer by id.", schemas.BillingProfileOut)},
))
def get_billing_profile(customer_id):
    customer_id = customer_id_from(customer_id)
    return answer(render.billing_profile(customers.get_customer(services(), caller().actor, customer_id)))


@operation(bp, Operation(
    "getRelationshipRequest", "GET", "/customers/relationshiprequests", "/v1/customers/relationshiprequests",
    "Request a reseller relationship (the invitation URL)", APP_USER, "R-OPT2-REL-1, R-OPT2-REL-2",
    params=(
        Param("indirectCloudSolutionProviderId", "query", "Accepted and ignored."),
        Param("indirectResellerId", "query", "Accepted and ignored."),
        Param("dualRoleIndirectRelationship", "query", "Accepted and ignored."),
    ),
    responses={200: ("The admin center URL the customer opens.", schemas.RelationshipRequestOut),
               403: ("900150 for a role other than Admin agent or Sales agent; 2032 for an App-only token.",
                     schemas.ErrorOut)},
))
def get_relationship_request():
    # R-OPT2-REL-2: the real path and query, on the sandbox's own public URL
    url = relationships.request_reseller_relationship(services(), caller().actor, current_app.config["PUBLIC_URL"])
    return answer(render.relationship_request(url))


# --- purchases (the agreement gate: R-NEW-BUY, R-TL-4, R-TL-5) ----------------------------------


@operation(bp, Operation(
    "createOrder", "POST", "/customers/<customer_id>/orders", "/v1/customers/{customer-tenant-id}/orders",
    "Create an order", APP_OR_APP_USER, "R-NEW-BUY, R-TL-4, R-TL-5", params=(CUSTOMER_ID,), body=schemas.OrderIn,
    responses={201: ("The order, completed.", schemas.OrderOut),
               403: ("13605 until the agreement the tenant's date requires is in place; 2032 for an indirect reseller "
                     "(its indirect provider buys for it).", schemas.ErrorOut)},
))
def create_order(customer_id):
    customer_id = customer_id_from(customer_id)
    body = load(schemas.OrderIn)
    items = [purchases.LineItem(offer_id=i["offer_id"], quantity=i["quantity"], friendly_name=i["friendly_name"],
                                number=i["line_item_number"])
             for i in body["line_items"]]
    order, subscriptions = purchases.create_order(services(), caller().actor, customer_id, items)  # 13605 gate
    return answer(render.order(order, subscriptions), 201)


@operation(bp, Operation(
    "getOrder", "GET", "/customers/<customer_id>/orders/<order_id>", "/v1/customers/{customer-tenant-id}/orders/{order-id}",
    "Get an order by id", APP_OR_APP_USER, "", params=(CUSTOMER_ID, ORDER_ID),
    responses={200: ("The order, as its creation answered it.", schemas.OrderOut)},
))
def get_order(customer_id, order_id):
    customer_id, order_id = customer_id_from(customer_id), id_from(order_id, ORDER_ID)
    return answer(render.order(*purchases.get_order(services(), caller().actor, customer_id, order_id)))


@operation(bp, Operation(
    "listOrders", "GET", "/customers/<customer_id>/orders", "/v1/customers/{customer-tenant-id}/orders",
    "Get a customer's orders", APP_OR_APP_USER, "", params=(CUSTOMER_ID,),
    responses={200: ("The orders, oldest first.", schemas.OrderCollectionOut)},
))
def list_orders(customer_id):
    customer_id = customer_id_from(customer_id)
    return answer(render.orders(*purchases.list_orders(services(), caller().actor, customer_id), customer_id))


@operation(bp, Operation(
    "listSubscriptions", "GET", "/customers/<customer_id>/subscriptions", "/v1/customers/{customer-tenant-id}/subscriptions",
    "Get a customer's subscriptions", APP_OR_APP_USER, "R-OPT2-CANT", params=(CUSTOMER_ID, ORDER_FILTER, MPN_FILTER),
    responses={200: ("The subscriptions (of one order, or of one partner, when asked).", schemas.SubscriptionCollectionOut)},
))
def list_subscriptions(customer_id):
    customer_id = customer_id_from(customer_id)
    order_id, mpn_id = query_arg("order_id"), query_arg("mpn_id")
    if order_id is not None:
        order_id = id_from(order_id, ORDER_FILTER)
    if mpn_id is not None and not MPN_ID.fullmatch(mpn_id):
        raise InvalidRequestInput(f"Invalid mpn_id: '{mpn_id[:64]}' is not an MPN id (digits).", data=["mpn_id: not an MPN id"])
    found = purchases.list_subscriptions(services(), caller().actor, customer_id, order_id=order_id, partner_mpn_id=mpn_id)
    return answer(render.subscriptions(found, customer_id, caller().now, order_id=order_id, mpn_id=mpn_id))


@operation(bp, Operation(
    "getSubscription", "GET", "/customers/<customer_id>/subscriptions/<subscription_id>",
    "/v1/customers/{customer-tenant-id}/subscriptions/{subscription-id}", "Get a subscription by id", APP_OR_APP_USER, "",
    params=(CUSTOMER_ID, SUBSCRIPTION_ID), responses={200: ("The subscription.", schemas.SubscriptionOut)},
))
def get_subscription(customer_id, subscription_id):
    customer_id, subscription_id = customer_id_from(customer_id), id_from(subscription_id, SUBSCRIPTION_ID)
    return answer(render.subscription(purchases.get_subscription(services(), caller().actor, customer_id, subscription_id),
                                      caller().now))


@operation(bp, Operation(
    "updateSubscription", "PATCH", "/customers/<customer_id>/subscriptions/<subscription_id>",
    "/v1/customers/{customer-tenant-id}/subscriptions/{subscription-id}", "Change a subscription's quantity or nickname",
    APP_OR_APP_USER, "R-TL-4, R-TL-5", params=(CUSTOMER_ID, SUBSCRIPTION_ID), body=schemas.SubscriptionPatchIn,
    responses={200: ("The subscription.", schemas.SubscriptionOut),
               403: ("13605 for a seat change until the agreement the tenant's date requires is in place "
                     "(a new nickname alone is not gated); 2032 for an indirect reseller, any change (its indirect "
                     "provider changes them).", schemas.ErrorOut)},
))
def update_subscription(customer_id, subscription_id):
    customer_id, subscription_id = customer_id_from(customer_id), id_from(subscription_id, SUBSCRIPTION_ID)
    body = load(schemas.SubscriptionPatchIn)
    subscription = purchases.update_subscription(  # R-TL-4, R-TL-5: a seat change, the same gate as a purchase
        services(), caller().actor, customer_id, subscription_id,
        quantity=body["quantity"], friendly_name=body["friendly_name"],
        as_it_is={"id": body["id"], "offerId": body["offer_id"], "status": body["status"]},
    )
    return answer(render.subscription(subscription, caller().now))

