"""The API's boundary: marshmallow schemas for what comes in and what goes out.

Input schemas read property names case-insensitively (the .NET SDK sends PascalCase), accept
nulls for optional properties (it sends them), accept the resource's read-only properties
(ignored) and refuse anything else. Output schemas are named after the wire (camelCase) and
drop nulls, as Partner Center does; every answer is dumped through one of them, so the OpenAPI
document generated from them is what the API really sends.
"""

from __future__ import annotations

import functools
import re
from datetime import datetime

from marshmallow import (
    RAISE,
    Schema,
    ValidationError,
    fields,
    post_dump,
    pre_load,
    validate,
    validates_schema,
)

from sandbox.domain import rules
from sandbox.domain.clock import as_utc
from sandbox.domain.errors import PartnerCenterError

GUID_PATTERN = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
DOMAIN_PATTERN = re.compile(r"^(?=.{4,255}$)([a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?\.)+[a-zA-Z]{2,63}$")
CULTURE_PATTERN = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8}){0,2}$")
CONTROL_CHARACTER = re.compile(r"[\x00-\x1f\x7f-\x9f]")  # Unicode's Cc: C0, DEL and C1 (the portal's check too)
LONE_SURROGATE = re.compile(r"[\ud800-\udfff]")  # JSON's "\ud800" escape: no character, and no UTF-8 for it


def is_guid(value: str | None) -> bool:
    return bool(value) and GUID_PATTERN.match(value) is not None


# --- fields ---------------------------------------------------------------------------------


class Text(fields.String):
    """A string without control characters, trimmed, within ``max_length`` (and ``min_length``)."""

    def __init__(self, *, max_length: int = 255, min_length: int = 0, **kwargs):
        super().__init__(**kwargs)
        self.max_length, self.min_length = max_length, min_length
        self.metadata.setdefault("maxLength", max_length)

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs).strip()
        if CONTROL_CHARACTER.search(text):
            raise ValidationError("Control characters are not allowed.")
        if not text.isascii() and LONE_SURROGATE.search(text):
            raise ValidationError("Not valid Unicode text (a lone surrogate escape).")
        if len(text) > self.max_length:
            raise ValidationError(f"Longer than the maximum length of {self.max_length}.")
        if len(text) < self.min_length or (self.min_length and not text.isascii() and rules.is_blank(text)):
            raise ValidationError("Must not be empty." if self.min_length == 1 else f"Shorter than {self.min_length}.")
        return text


class Email(Text):
    """An e-mail address, trimmed first (as the names beside it are), then checked by the rule the portal's
    forms use too (``rules.is_email``)."""

    def __init__(self, **kwargs):
        super().__init__(max_length=rules.EMAIL_MAX, min_length=1, **kwargs)
        self.metadata.setdefault("format", "email")

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        if text is not None and not rules.is_email(text):
            raise ValidationError("Not a valid email address.")
        return text


class Phone(Text):
    """A phone number by the rule the portal's forms use too (``rules.is_phone``)."""

    def __init__(self, **kwargs):
        super().__init__(max_length=rules.PHONE_MAX, load_default=None, allow_none=True, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        if text and not rules.is_phone(text):
            raise ValidationError("Not a phone number: it has no digit.")
        return text


class Guid(Text):
    def __init__(self, **kwargs):
        super().__init__(max_length=36, **kwargs)
        self.metadata.setdefault("format", "uuid")

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        if not is_guid(text):
            raise ValidationError("Not a valid GUID.")
        return text.lower()


class StrictInteger(fields.Integer):
    """A JSON number that is a whole number; ``true`` and ``"5"`` are refused."""

    def __init__(self, **kwargs):
        super().__init__(strict=True, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool):
            raise ValidationError("Not a valid integer.")
        return super()._deserialize(value, attr, data, **kwargs)


# The ISO 8601 forms clients send: a date, then a time (seconds and up to 7 fractional digits optional), then Z or
# an offset; not Python's wider reading (week dates, the compact form, a NUL and anything after it)
ISO_DATE_TIME = re.compile(r"\d{4}-\d{2}-\d{2}(?:[Tt ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,7})?)?)?(?:[Zz]|[+-]\d{2}:?\d{2})?")


class UtcDateTime(fields.DateTime):
    """ISO 8601 as Partner Center's clients send it: ``2018-06-14T00:00:00.000Z``, ``2019-08-26T00:00:00``,
    7 fractional digits (.NET), an offset, or a date alone; read as UTC."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, str) or not 8 <= len(value) <= 40 or not ISO_DATE_TIME.fullmatch(value.strip()):
            raise ValidationError("Not a valid date and time (ISO 8601, for example 2019-08-26T00:00:00Z).")
        try:
            return as_utc(datetime.fromisoformat(value.strip()))
        except (ValueError, OverflowError) as exc:  # OverflowError: 0001-01-01T00:00:00+05:00 is before year 1 in UTC
            raise ValidationError("Not a valid date and time (ISO 8601, for example 2019-08-26T00:00:00Z).") from exc


class AgreementTypeField(fields.String):
    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        if not text or len(text) > 100 or text == "*":  # "" would mean the query's default, which a body has not
            raise ValidationError("Must be MicrosoftCustomerAgreement or MicrosoftCloudAgreement.")
        try:
            return rules.parse_agreement_type(text, default=None)
        except PartnerCenterError as exc:
            raise ValidationError("Must be MicrosoftCustomerAgreement or MicrosoftCloudAgreement.") from exc


def ignored(**kwargs) -> fields.Raw:
    """A read-only property of the resource: accepted (clients send resources back whole) and ignored."""
    return fields.Raw(load_default=None, allow_none=True, metadata={"description": "Read-only; ignored on input."}, **kwargs)


def ignoring(*wire_names: str):
    """A class decorator: the resource's other properties, by their names on the wire, accepted and ignored
    (clients send a resource back whole; the .NET SDK sends every property of its model, nulls included)."""

    def with_them(cls):
        made = type(cls.__name__, (cls,), {name: ignored(data_key=name) for name in wire_names})
        made.__doc__, made.__module__, made.__qualname__ = cls.__doc__, cls.__module__, cls.__qualname__
        return made

    return with_them


def optional_text(data_key: str | None = None, max_length: int = 255) -> Text:
    return Text(data_key=data_key, load_default=None, allow_none=True, max_length=max_length)


# --- input ----------------------------------------------------------------------------------


class InSchema(Schema):
    """Case-insensitive property names; unknown properties are refused."""

    class Meta:
        unknown = RAISE

    @pre_load
    def _match_names(self, data, **kwargs):
        if not isinstance(data, dict):
            return data
        names = self._wire_names
        matched: dict = {}
        for key, value in data.items():
            wire = names.get(key.lower(), key) if isinstance(key, str) else key
            if wire in matched:
                raise ValidationError(f"The property '{key}' appears twice (names are case-insensitive).", field_name=wire)
            matched[wire] = value
        return matched

    @functools.cached_property
    def _wire_names(self) -> dict:
        """Each property's name in lower case -> as documented (the fields are fixed once the schema is made)."""
        return {(f.data_key or name).lower(): (f.data_key or name) for name, f in self.load_fields.items()}


class ContactIn(InSchema):
    first_name = Text(data_key="firstName", required=True, min_length=1, max_length=rules.CONTACT_NAME_MAX)
    last_name = Text(data_key="lastName", required=True, min_length=1, max_length=rules.CONTACT_NAME_MAX)
    email = Email(required=True)
    phone_number = Phone(data_key="phoneNumber")


class AgreementIn(InSchema):
    """The Agreement resource a partner posts to confirm acceptance (R-API-2)."""

    primary_contact = fields.Nested(ContactIn, data_key="primaryContact", required=True)
    template_id = Text(data_key="templateId", required=True, min_length=1, max_length=100)
    date_agreed = UtcDateTime(data_key="dateAgreed", required=True)
    type = AgreementTypeField(required=True, metadata={"enum": ["MicrosoftCustomerAgreement", "MicrosoftCloudAgreement"]})
    user_id = ignored(data_key="userId")
    agreement_link = ignored(data_key="agreementLink")
    links = ignored()
    attributes = ignored()


class AddressIn(InSchema):
    # ASCII letters only: "uſ" would upper-case to "US"
    country = Text(required=True, min_length=2, max_length=2,
                   validate=validate.Regexp(r"^[A-Za-z]{2}$", error="Not a two-letter ISO 3166 country code."))
    region = optional_text(max_length=100)
    city = Text(required=True, min_length=1, max_length=100)
    state = optional_text(max_length=100)
    address_line1 = Text(data_key="addressLine1", required=True, min_length=1, max_length=200)
    address_line2 = optional_text("addressLine2", 200)
    address_line3 = optional_text("addressLine3", 200)
    postal_code = Text(data_key="postalCode", required=True, min_length=1, max_length=20)
    first_name = Text(data_key="firstName", required=True, min_length=1, max_length=50)
    middle_name = optional_text("middleName", 50)
    last_name = Text(data_key="lastName", required=True, min_length=1, max_length=50)
    phone_number = optional_text("phoneNumber", 40)
    district = optional_text(max_length=100)
    email_address = optional_text("emailAddress", 255)
    id = ignored()


class CompanyProfileIn(InSchema):
    domain = Text(required=True, min_length=4, max_length=255, validate=validate.Regexp(DOMAIN_PATTERN, error="Not a valid domain name."))
    company_name = optional_text("companyName", 255)
    organization_registration_number = optional_text("organizationRegistrationNumber", 40)
    tenant_id = ignored(data_key="tenantId")
    address = ignored()
    email = ignored()
    links = ignored()
    attributes = ignored()


class BillingProfileIn(InSchema):
    email = Email(required=True)
    culture = Text(required=True, max_length=20, validate=validate.Regexp(CULTURE_PATTERN, error="Not a valid culture, e.g. en-US."))
    language = Text(required=True, max_length=20, validate=validate.Regexp(CULTURE_PATTERN, error="Not a valid language, e.g. en."))
    company_name = Text(data_key="companyName", required=True, min_length=1, max_length=255)
    default_address = fields.Nested(AddressIn, data_key="defaultAddress", required=True)
    first_name = optional_text("firstName", 50)
    last_name = optional_text("lastName", 50)
    id = ignored()
    links = ignored()
    attributes = ignored()


class CustomerIn(InSchema):
    """A new customer (POST /v1/customers), as documented and as the .NET SDK sends it."""

    company_profile = fields.Nested(CompanyProfileIn, data_key="companyProfile", required=True)
    billing_profile = fields.Nested(BillingProfileIn, data_key="billingProfile", required=True)
    associated_partner_id = Guid(data_key="associatedPartnerId", load_default=None, allow_none=True)
    id = ignored()
    commerce_id = ignored(data_key="commerceId")
    relationship_to_partner = ignored(data_key="relationshipToPartner")
    allow_delegated_access = ignored(data_key="allowDelegatedAccess")
    user_credentials = ignored(data_key="userCredentials")
    custom_domains = ignored(data_key="customDomains")
    links = ignored()
    attributes = ignored()


@ignoring("subscriptionId", "parentSubscriptionId", "provisioningContext", "renewsTo", "promotionId", "customTermEndDate",
          "pricing", "additionalPartnerIdsOnRecord", "attestationAccepted", "links", "attributes")
class LineItemIn(InSchema):
    offer_id = Text(data_key="offerId", required=True, min_length=1, max_length=64)
    quantity = StrictInteger(required=True)
    line_item_number = StrictInteger(data_key="lineItemNumber", load_default=None, allow_none=True)
    friendly_name = optional_text("friendlyName", 200)
    term_duration = optional_text("termDuration", 20)
    transaction_type = optional_text("transactionType", 40)
    partner_id_on_record = optional_text("partnerIdOnRecord", 40)


@ignoring("id", "referenceCustomerId", "currencyCode", "currencySymbol", "alternateId", "creationDate", "status",
          "transactionType", "totalPrice", "partnerOnRecordAttestationAccepted", "links", "attributes")
class OrderIn(InSchema):
    line_items = fields.List(fields.Nested(LineItemIn), data_key="lineItems", required=True,
                             validate=validate.Length(min=1, max=50))
    billing_cycle = optional_text("billingCycle", 40)


@ignoring("offerName", "autoRenewEnabled", "billingCycle", "billingType",
          "unitType", "termDuration", "orderId", "entitlementId", "creationDate", "effectiveStartDate",
          "commitmentEndDate", "isTrial", "productType", "parentSubscriptionId", "consumptionType",
          "commitmentEndDateTime", "cancellationAllowedUntilDate", "billingCycleEndDate", "billingCycleEndDateTime",
          "hasPurchasableAddons", "actions", "renewalTermDuration", "refundOptions", "isMicrosoftProduct",
          "partnerId", "suspensionReasons", "contractType", "publisherName", "promotionId",
          "migratedFromSubscriptionId", "refundableQuantity", "scheduledNextTermInstructions",
          "nextChargeInstructions", "actionTaken", "attentionNeeded", "links", "attributes")
class SubscriptionPatchIn(InSchema):
    """A seat change, a new nickname, or both: the Subscription resource back with a new ``quantity`` and/or
    ``friendlyName``; either may be absent or null (unchanged; a blank name too), not both. ``id``, ``offerId``
    and ``status`` may come back as they are (a change of them is refused: the sandbox doesn't suspend or
    convert a subscription); the rest is ignored."""

    id = fields.Raw(load_default=None, allow_none=True, metadata={"description": "As it is, or absent."})
    offer_id = fields.Raw(data_key="offerId", load_default=None, allow_none=True, metadata={"description": "As it is, or absent."})
    status = fields.Raw(load_default=None, allow_none=True, metadata={"description": "As it is (active), or absent."})

    quantity = StrictInteger(load_default=None, allow_none=True,
                             metadata={"description": "The new seat count; null or absent: unchanged."})
    friendly_name = Text(data_key="friendlyName", load_default=None, allow_none=True, max_length=200,
                         metadata={"description": "The subscription's new nickname; null, absent or blank: unchanged."})

    @validates_schema
    def _something_to_change(self, data, **kwargs):
        name = data.get("friendly_name")
        if data.get("quantity") is None and (name is None or rules.is_blank(name)):
            raise ValidationError("Send a quantity, a friendlyName or both.", field_name="quantity")


# --- output ---------------------------------------------------------------------------------


class OutSchema(Schema):
    @post_dump
    def _drop_nulls(self, data, **kwargs):
        return {key: value for key, value in data.items() if value is not None}


class AttributesOut(OutSchema):
    etag = fields.String()
    objectType = fields.String(required=True)


class LinkHeaderOut(OutSchema):
    key = fields.String(required=True)
    value = fields.String(required=True)


class LinkOut(OutSchema):
    uri = fields.String(required=True)
    method = fields.String(required=True)
    headers = fields.List(fields.Nested(LinkHeaderOut), required=True)


LinksOut = OutSchema.from_dict(
    {"self": fields.Nested(LinkOut), "next": fields.Nested(LinkOut), "previous": fields.Nested(LinkOut)}, name="LinksOut"
)


class AgreementMetadataOut(OutSchema):
    templateId = fields.String(required=True)
    agreementType = fields.String(required=True)
    agreementLink = fields.String(required=True)
    versionRank = fields.Integer(required=True)


class AgreementMetadataCollectionOut(OutSchema):
    totalCount = fields.Integer(required=True)
    items = fields.List(fields.Nested(AgreementMetadataOut), required=True)
    links = fields.Nested(LinksOut)
    attributes = fields.Nested(AttributesOut, required=True)


class ContactOut(OutSchema):
    firstName = fields.String(required=True)
    lastName = fields.String(required=True)
    email = fields.String(required=True)
    phoneNumber = fields.String()


class AgreementOut(OutSchema):
    userId = fields.String()
    primaryContact = fields.Nested(ContactOut, required=True)
    templateId = fields.String(required=True)
    dateAgreed = fields.String(required=True, metadata={"format": "date-time", "example": "2018-06-14T00:00:00.000Z"})
    type = fields.String(required=True)
    agreementLink = fields.String()
    attributes = fields.Nested(AttributesOut)


class AgreementCollectionOut(OutSchema):
    totalCount = fields.Integer(required=True)
    items = fields.List(fields.Nested(AgreementOut), required=True)
    attributes = fields.Nested(AttributesOut, required=True)


class AgreementDocumentOut(OutSchema):
    displayUri = fields.String(required=True)
    downloadUri = fields.String(required=True)
    language = fields.String(required=True)
    country = fields.String(required=True)
    attributes = fields.Nested(AttributesOut)


class DirectSignStatusOut(OutSchema):
    isSigned = fields.Boolean(required=True)


class AddressOut(OutSchema):
    country = fields.String(required=True)
    region = fields.String()
    city = fields.String(required=True)
    state = fields.String()
    addressLine1 = fields.String(required=True)
    addressLine2 = fields.String()
    postalCode = fields.String(required=True)
    firstName = fields.String()
    lastName = fields.String()
    phoneNumber = fields.String()


class CompanyProfileOut(OutSchema):
    tenantId = fields.String(required=True)
    domain = fields.String(required=True)
    companyName = fields.String()
    address = fields.Nested(AddressOut, metadata={"description": "Only when getting a customer by id."})
    email = fields.String(metadata={"description": "Only when getting a customer by id."})
    organizationRegistrationNumber = fields.String()
    links = fields.Nested(LinksOut)
    attributes = fields.Nested(AttributesOut, required=True)


class BillingProfileOut(OutSchema):
    id = fields.String(required=True)
    firstName = fields.String()
    lastName = fields.String()
    email = fields.String(required=True)
    culture = fields.String(required=True)
    language = fields.String(required=True)
    companyName = fields.String(required=True)
    defaultAddress = fields.Nested(AddressOut, required=True)
    links = fields.Nested(LinksOut)
    attributes = fields.Nested(AttributesOut, required=True)


class UserCredentialsOut(OutSchema):
    userName = fields.String(required=True)
    password = fields.String(required=True)


class CustomerOut(OutSchema):
    id = fields.String(required=True)
    commerceId = fields.String()
    companyProfile = fields.Nested(CompanyProfileOut, required=True)
    billingProfile = fields.Nested(BillingProfileOut)
    relationshipToPartner = fields.String(required=True)
    allowDelegatedAccess = fields.Boolean(metadata={"description": "Only when getting a customer by id."})
    userCredentials = fields.Nested(UserCredentialsOut, metadata={"description": "Only in the answer to creating it."})
    customDomains = fields.List(fields.String())
    associatedPartnerId = fields.String()
    links = fields.Nested(LinksOut)
    attributes = fields.Nested(AttributesOut, required=True)


class CustomerCollectionOut(OutSchema):
    totalCount = fields.Integer(required=True, metadata={"description": "The number of items in this page."})
    items = fields.List(fields.Nested(CustomerOut), required=True)
    continuationToken = fields.String(metadata={"description": "Send it back as MS-ContinuationToken for the next page."})
    links = fields.Nested(LinksOut, required=True)
    attributes = fields.Nested(AttributesOut, required=True)


class RelationshipRequestOut(OutSchema):
    url = fields.String(required=True)
    attributes = fields.Nested(AttributesOut, required=True)


class LineItemOut(OutSchema):
    lineItemNumber = fields.Integer(required=True)
    offerId = fields.String(required=True)
    subscriptionId = fields.String()
    friendlyName = fields.String(metadata={"description": "The line's friendlyName as ordered, else the offer's name."})
    quantity = fields.Integer(required=True)
    links = fields.Raw()


class OrderOut(OutSchema):
    id = fields.String(required=True)
    referenceCustomerId = fields.String(required=True)
    lineItems = fields.List(fields.Nested(LineItemOut), required=True)
    status = fields.String(required=True)
    creationDate = fields.String(required=True, metadata={"format": "date-time"})
    links = fields.Nested(LinksOut)
    attributes = fields.Nested(AttributesOut, required=True)


class OrderCollectionOut(OutSchema):
    totalCount = fields.Integer(required=True)
    items = fields.List(fields.Nested(OrderOut), required=True)
    links = fields.Nested(LinksOut)
    attributes = fields.Nested(AttributesOut, required=True)


class SubscriptionOut(OutSchema):
    id = fields.String(required=True)
    offerId = fields.String(required=True)
    offerName = fields.String(required=True)
    friendlyName = fields.String(required=True, metadata={
        "description": "The subscription's nickname: its order line's friendlyName, or the offer's name; PATCH changes it."})
    quantity = fields.Integer(required=True)
    unitType = fields.String()
    creationDate = fields.String(metadata={"format": "date-time"})
    effectiveStartDate = fields.String(metadata={"format": "date-time", "description": "The creation day, at midnight UTC."})
    commitmentEndDate = fields.String(metadata={"format": "date-time", "description": (
        "The end of the term running on the tenant's clock (renewing subscriptions renew on each anniversary). Legacy "
        "seats: an anniversary of the start; new commerce and Reserved Instances (P1Y): the day before one; the Azure "
        "plan and software: 9999-12-<the start's day>.")})
    status = fields.String(required=True)
    autoRenewEnabled = fields.Boolean()
    isTrial = fields.Boolean()
    billingType = fields.String(metadata={"description": '"license" or "usage" (the Azure plan).'})
    billingCycle = fields.String(metadata={"description": '"monthly", "oneTime" (software); absent for usage.'})
    termDuration = fields.String(metadata={"description": 'New commerce and Reserved Instances: "P1Y".'})
    contractType = fields.String()
    orderId = fields.String()
    links = fields.Nested(LinksOut)
    attributes = fields.Nested(AttributesOut, required=True)


class SubscriptionCollectionOut(OutSchema):
    totalCount = fields.Integer(required=True)
    items = fields.List(fields.Nested(SubscriptionOut), required=True)
    links = fields.Nested(LinksOut)
    attributes = fields.Nested(AttributesOut, required=True)


class ErrorOut(Schema):
    """The front door's classic error body."""

    code = fields.Integer(required=True)
    description = fields.String(required=True)
    data = fields.List(fields.Raw(), required=True)
    source = fields.String(required=True, metadata={"example": "PartnerFD"})


class ExtendedErrorOut(Schema):
    """The agreements service's body for 600xxx codes."""

    code = fields.Integer(required=True, metadata={"example": 600061})
    message = fields.String(required=True)
    description = fields.String(required=True)
    errorName = fields.String(required=True)
    isRetryable = fields.Boolean(required=True)
    parameters = fields.Dict(required=True)
    errorMessageExtended = fields.String(required=True)


class TokenRequestIn(Schema):
    """The token endpoint's form (for the OpenAPI document; the endpoint reads the form itself)."""

    grant_type = fields.String(required=True, metadata={
        "enum": ["client_credentials", "password", "refresh_token", "authorization_code",
                 "urn:ietf:params:oauth:grant-type:device_code", "device_code"],
        "description": "urn:ietf:params:oauth:grant-type:device_code (RFC 8628, v2.0) and device_code (Entra v1's "
                       "name) are the device code grant, either taken at either endpoint"})
    client_id = fields.String(required=True)
    client_secret = fields.String(metadata={"description": "required, unless a client assertion authenticates the app, "
                                                           "for client_credentials, for an authorization code sent to a "
                                                           "redirect URI not on a loopback host, and for every grant of "
                                                           "an app whose allowPublicClientFlows is off (PATCH /_sandbox/"
                                                           "tenants/{tenant}/applications/{client_id}); checked when "
                                                           "given"})
    client_assertion_type = fields.String(metadata={
        "enum": ["urn:ietf:params:oauth:client-assertion-type:jwt-bearer"],
        "description": "with client_assertion, instead of client_secret (private_key_jwt)"})
    client_assertion = fields.String(metadata={
        "description": "a JWT the app signed (RS256 or PS256) with the key of a certificate registered for it (POST "
                       "/_sandbox/tenants/{tenant}/applications/{client_id}/certificates): header x5t or x5t#S256 "
                       "naming it; iss = sub = client_id; aud = this token endpoint's URL; exp and nbf on the real "
                       "clock, 5 minutes' leeway"})
    resource = fields.String(metadata={"description": "v1 endpoint: https://api.partnercenter.microsoft.com "
                                                      "(authorization_code, device code: optional when the authorization "
                                                      "or device code request named it)"})
    scope = fields.String(metadata={"description": "v2.0 endpoint: https://api.partnercenter.microsoft.com/.default "
                                                   "(authorization_code, device code: optional, the authorization or "
                                                   "device code request's by default)"})
    username = fields.String(metadata={"description": "password grant (App+User)"})
    password = fields.String(metadata={"description": "password grant (App+User)"})
    refresh_token = fields.String(metadata={"description": "refresh_token grant (App+User): a refresh token an earlier "
                                                           "App+User answer carried"})
    code = fields.String(metadata={"description": "authorization_code grant (App+User): the code the authorize endpoint "
                                                  "sent to the redirect URI; single use, valid 10 minutes on the tenant's "
                                                  "clock. Device code grant at v1 (ADAL): the device code"})
    device_code = fields.String(metadata={"description": "device code grant (App+User): the device_code of POST "
                                                         "/{tenant}/oauth2/v2.0/devicecode (v1: /oauth2/devicecode); "
                                                         "400 authorization_pending until the user signs in on "
                                                         "/devicelogin with its user_code, then one token; valid 15 "
                                                         "minutes on the tenant's clock"})
    redirect_uri = fields.String(metadata={"description": "authorization_code grant: the authorization request's "
                                                          "redirect_uri, exactly"})
    code_verifier = fields.String(metadata={"description": "authorization_code grant: the PKCE verifier, when the "
                                                           "authorization request had a code_challenge (S256 or plain)"})
    client_info = fields.String(metadata={"description": "1: the answer carries client_info (MSAL sends it)"})


class TokenOut(Schema):
    token_type = fields.String(required=True)
    expires_in = fields.Raw(required=True, metadata={"description": "seconds; a string on the v1 endpoint"})
    ext_expires_in = fields.Raw(required=True)
    expires_on = fields.String(metadata={"description": "v1 only"})
    not_before = fields.String(metadata={"description": "v1 only"})
    resource = fields.String(metadata={"description": "v1 only"})
    scope = fields.String(metadata={"description": "v2.0 App+User only: the scopes granted, space-separated"})
    access_token = fields.String(required=True)
    refresh_token = fields.String(metadata={"description": "App+User only (v2.0: when the scope has offline_access); "
                                                           "valid 90 days on the tenant's clock, until the user's password "
                                                           "changes"})
    id_token = fields.String(metadata={"description": "App+User only, when the scope has openid: the user's id token "
                                                      "(aud: the app; nonce: the authorization request's)"})
    client_info = fields.String(metadata={"description": "App+User only, when the request has client_info=1: base64url "
                                                         "of {uid, utid}"})


# --- the other sign-in endpoints' answers (for the OpenAPI document) ------------------------------------


class DeviceCodeRequestIn(Schema):
    client_id = fields.String(required=True)
    scope = fields.String(metadata={"description": "v2.0: .../user_impersonation or .../.default, with OIDC scopes"})
    resource = fields.String(metadata={"description": "v1: https://api.partnercenter.microsoft.com"})


class DeviceCodeOut(Schema):
    user_code = fields.String(required=True, metadata={"description": "what the user types on /devicelogin"})
    device_code = fields.String(required=True, metadata={"description": "what the app sends to the token endpoint"})
    verification_uri = fields.String(metadata={"description": "v2.0: {PUBLIC_URL}/devicelogin"})
    verification_url = fields.String(metadata={"description": "v1: {PUBLIC_URL}/devicelogin"})
    expires_in = fields.Raw(required=True, metadata={"description": "seconds (900); a string on v1"})
    interval = fields.Raw(required=True, metadata={"description": "seconds between polls (5); a string on v1"})
    message = fields.String(required=True)


class OpenIdConfigurationOut(Schema):
    issuer = fields.String(required=True)
    authorization_endpoint = fields.String(required=True)
    token_endpoint = fields.String(required=True)
    device_authorization_endpoint = fields.String(required=True)
    end_session_endpoint = fields.String(required=True)
    jwks_uri = fields.String(required=True)
    token_endpoint_auth_methods_supported = fields.List(fields.String(), required=True)
    response_types_supported = fields.List(fields.String(), required=True)
    response_modes_supported = fields.List(fields.String(), required=True)
    scopes_supported = fields.List(fields.String(), required=True)
    subject_types_supported = fields.List(fields.String(), required=True)
    id_token_signing_alg_values_supported = fields.List(fields.String(), required=True)
    claims_supported = fields.List(fields.String(), metadata={"description": "v1 only"})
    request_uri_parameter_supported = fields.Boolean(required=True)
    tenant_region_scope = fields.String(required=True, allow_none=True, metadata={"description": "null for aliases"})
    cloud_instance_name = fields.String(required=True)
    cloud_graph_host_name = fields.String(required=True)
    msgraph_host = fields.String(required=True)


class JwksOut(Schema):
    keys = fields.List(fields.Dict(), required=True, metadata={"description": "always empty: the sandbox signs "
                                                                              "with a secret key (HS256)"})


class UserRealmOut(Schema):
    ver = fields.String(required=True)
    account_type = fields.String(required=True, metadata={"enum": ["Managed", "Unknown"]})
    domain_name = fields.String(metadata={"description": "Managed only"})
    cloud_instance_name = fields.String(required=True)
    cloud_audience_urn = fields.String(metadata={"description": "Managed only"})
