"""Sign-in, Entra ID style: who is calling (partner users and app registrations), the tokens they are granted
(client credentials, password, refresh token, authorization code, device code, client assertion), the
certificates apps sign their assertions with, and whether an app allows public client flows."""

from .applications import ApplicationSettings, set_public_client_flows
from .certificates import (
    CLIENT_ASSERTION_TYPE,
    MAX_CERTIFICATE_PEM,
    ClientAssertion,
    RegisteredCertificate,
    delete_certificate,
    list_certificates,
    register_certificate,
)
from .codes import AUTHORIZATION_CODE_LIFETIME, CODE_CHALLENGE_METHODS, AuthorizationCode, CodeRedemption
from .device import DEVICE_CODE_INTERVAL, DEVICE_CODE_LIFETIME, DeviceCodeRedemption, start_device_flow
from .devicelogin import DeviceSignIn, UserCodeExpired, UserCodeRefused, approve_device_code, device_sign_in
from .errors import (
    GrantRefused,
    InvalidClientAssertion,
    InvalidClientSecret,
    InvalidUserPassword,
    MissingClientCredential,
    TokenRequestError,
    UnknownApplication,
    UnknownUser,
)
from .grants import REFRESH_TOKEN_LIFETIME, RefreshGrant, grant_token, redeem_code, redeem_device_code
from .principals import (
    TENANT_ALIASES,
    Principal,
    SignInClient,
    authenticate_user,
    authority,
    credential_stamp,
    principal_for,
    resolve_tenant,
    sign_in_client,
    user_realm,
)

__all__ = [
    "AUTHORIZATION_CODE_LIFETIME",
    "CLIENT_ASSERTION_TYPE",
    "CODE_CHALLENGE_METHODS",
    "DEVICE_CODE_INTERVAL",
    "DEVICE_CODE_LIFETIME",
    "MAX_CERTIFICATE_PEM",
    "REFRESH_TOKEN_LIFETIME",
    "TENANT_ALIASES",
    "ApplicationSettings",
    "AuthorizationCode",
    "ClientAssertion",
    "CodeRedemption",
    "DeviceCodeRedemption",
    "DeviceSignIn",
    "GrantRefused",
    "InvalidClientAssertion",
    "InvalidClientSecret",
    "InvalidUserPassword",
    "MissingClientCredential",
    "Principal",
    "RefreshGrant",
    "RegisteredCertificate",
    "SignInClient",
    "TokenRequestError",
    "UnknownApplication",
    "UnknownUser",
    "UserCodeExpired",
    "UserCodeRefused",
    "approve_device_code",
    "authenticate_user",
    "authority",
    "credential_stamp",
    "delete_certificate",
    "device_sign_in",
    "grant_token",
    "list_certificates",
    "principal_for",
    "redeem_code",
    "redeem_device_code",
    "register_certificate",
    "resolve_tenant",
    "set_public_client_flows",
    "sign_in_client",
    "start_device_flow",
    "user_realm",
]
