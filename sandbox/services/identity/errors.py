"""The refusals of a token request, each worded as Entra ID words it, and the phrases they share."""

from __future__ import annotations

from datetime import datetime

from sandbox.domain.errors import Unauthorized


class TokenRequestError(Unauthorized):
    """Why a token request failed; the token endpoint words each in Entra ID's own terms. Once the app is
    known, the refusal names its tenant (``workspace_id``) and that tenant's instant (``now``), for the journal."""

    workspace_id: str | None = None
    now: object = None


class UnknownApplication(TokenRequestError):
    pass


class InvalidClientSecret(TokenRequestError):
    pass


class MissingClientCredential(TokenRequestError):
    """A confidential client's token request without its secret or a client assertion: Entra's 7000218."""

    default_description = "The request body must contain the following parameter: 'client_assertion' or 'client_secret'."


class UnknownUser(TokenRequestError):
    pass


class InvalidUserPassword(TokenRequestError):
    pass


class InvalidClientAssertion(TokenRequestError):
    """A client assertion (private_key_jwt) that doesn't authenticate the app: Entra's AADSTS ``entra_code``."""

    def __init__(self, entra_code: int, description: str):
        super().__init__(description)
        self.entra_code = entra_code


class GrantRefused(TokenRequestError):
    """A refresh token, authorization code or device code that gets no token (yet), in Entra's words: ``error``
    (``invalid_grant`` mostly, ``authorization_pending``, ``expired_token``, ...) and its AADSTS ``entra_code``."""

    def __init__(self, entra_code: int, description: str, *, error: str = "invalid_grant"):
        super().__init__(description)
        self.entra_code, self.error = entra_code, error


def entra_instant(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.0000000Z")


def already_redeemed() -> GrantRefused:
    # Entra's words for a redeemed authorization code (also for a device code: Entra doesn't document that case)
    return GrantRefused(54005, "OAuth2 Authorization code was already redeemed, please retry with a new valid code or "
                               "use an existing refresh token.")
