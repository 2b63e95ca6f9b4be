"""Typed domain errors, each carrying Partner Center's own code, name and HTTP status.

The web layers render these in one place; nothing else decides how an error looks on the wire.
"""

from __future__ import annotations


class PartnerCenterError(Exception):
    """Base of every error the sandbox reports to a partner or a customer."""

    status = 400
    code = 800002
    name = "InvalidRequestInput"
    #: The agreements service answers 600xxx errors in its extended body (message, errorName, ...).
    extended = False
    default_description = "Invalid request input"

    def __init__(self, description: str | None = None, *, field: str | None = None, data: list | None = None):
        self.description = description or self.default_description
        self.field = field
        self.data = list(data or [])
        super().__init__(self.description)


class InvalidRequestInput(PartnerCenterError):
    """800002: the body or a parameter could not be read at all."""


class InvalidProperty(PartnerCenterError):
    """3000: a property was readable but its value is not allowed."""

    code = 3000
    name = "InvalidProperty"
    default_description = "Invalid property"


class UnparsableEnum(PartnerCenterError):
    """900126: a value that is none of an enumeration's names (an ``agreementType`` query, say)."""

    code = 900126
    name = "UnableToParseEnum"
    default_description = "Unable to parse enum"


class NotFound(PartnerCenterError):
    """1000: the resource does not exist, or belongs to another partner (nothing leaks)."""

    status = 404
    code = 1000
    name = "NotFound"
    default_description = "Not found"


class Unauthorized(PartnerCenterError):
    """401 / 800001: no usable token."""

    status = 401
    code = 800001
    name = "Unauthorized"
    default_description = "Partner Token missing in request context"


class AccessDenied(PartnerCenterError):
    """403 / 2032: the caller may not do this (App-only token, partner kind, not yet available)."""

    status = 403
    code = 2032
    name = "AccessDenied"
    default_description = "Access denied"


class RoleNotAllowed(PartnerCenterError):
    """403 / 900150: the user's role does not have the right (R-RES-1 roles)."""

    status = 403
    code = 900150
    name = "RoleNotAllowed"
    default_description = "The supplied role does not have the rights to perform the requested operation"


class AgreementRequired(PartnerCenterError):
    """403 / 13605: purchase or seat change blocked until the agreement is in place (R-NEW-BUY, R-TL-4, R-TL-5)."""

    status = 403
    code = 13605
    name = "AgreementRequired"
    default_description = (
        "Either a partner confirmation of the customer acceptance of the Microsoft Customer Agreement must be "
        "provided or the customer must accept the Microsoft Customer Agreement in the Microsoft Admin Center "
        "before you can complete this purchase"
    )


class PartnerConfirmedAgreementAlreadyExists(PartnerCenterError):
    """600061: the same contact already confirmed this agreement for the customer."""

    status = 409
    code = 600061
    name = "PartnerConfirmedAgreementAlreadyExists"
    extended = True
    default_description = "A partner confirmed agreement already exists for the customer."


class DirectAcceptanceNotPossible(PartnerCenterError):
    """R-OPT2-CANT: the customer must ask its partner to attest (admin-center pages only)."""

    status = 403
    code = 2032
    name = "DirectAcceptanceNotPossible"
    default_description = "Please reach out to your Partner to confirm your acceptance of the Microsoft Customer Agreement."


class Conflict(PartnerCenterError):
    """409: the thing already exists (a domain name, a seeded workspace)."""

    status = 409
    code = 409
    name = "Conflict"
    default_description = "The resource already exists"


class TooManyRequests(PartnerCenterError):
    """429: raised by fault rules, so partners can rehearse retries."""

    status = 429
    code = 429
    name = "TooManyRequests"
    default_description = "Too many requests. Retry after the time given in Retry-After."


class CustomerProfileError(PartnerCenterError):
    """600002, 600049, 600051: country-specific rules of a new customer's profile."""

    extended = True

    def __init__(self, code: int, name: str, description: str, *, field: str | None = None):
        self.code = code
        self.name = name
        super().__init__(description, field=field)


class InvalidCustomerId(PartnerCenterError):
    """400 / 900118: the customer-tenant-id of a path is not a GUID."""

    code = 900118
    name = "InvalidCustomerId"
    default_description = "Invalid Customer Id"
