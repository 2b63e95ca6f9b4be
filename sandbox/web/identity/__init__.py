"""The token endpoint and the authorize endpoint, in the style of Microsoft Entra ID (v1 and v2.0).

``POST /{tenant}/oauth2/token`` (``resource``) and ``POST /{tenant}/oauth2/v2.0/token`` (``scope``),
form-encoded, with ``grant_type=client_credentials`` (App-only), ``grant_type=password`` (App+User),
``grant_type=authorization_code`` (App+User, from the code the authorize endpoint's sign-in gave: see
``authorize``), ``grant_type=urn:ietf:params:oauth:grant-type:device_code`` (v1: ``device_code``; App+User, once
the user signed in on ``/devicelogin`` with the user code ``POST /{tenant}/oauth2/v2.0/devicecode`` gave: see
``device``) or ``grant_type=refresh_token`` (App+User again, from the refresh token an App+User answer
carries: the "secure application model" partners use in production). ``{tenant}`` is the partner's tenant
id, its domain, ``common`` or ``organizations``.
Errors answer in Entra's own shape (``error``, ``error_description``, ``error_codes``, ...).
"""

from __future__ import annotations

import re
import time
import uuid
from dataclasses import dataclass
from urllib.parse import unquote_plus

from flask import Blueprint, Flask, Response, current_app, g, json, request
from werkzeug.exceptions import HTTPException

from sandbox.domain.clock import as_utc
from sandbox.services import identity as identity_service

from . import tokens

bp = Blueprint("identity", __name__, template_folder="templates")

# \Z, not $: a trailing newline ("{id}%0A") names no tenant
_GUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\Z")
_DOMAIN = re.compile(r"^(?=.{3,253}\Z)([A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}\Z")
_RESOURCES = {
    tokens.PARTNER_CENTER_RESOURCE,
    tokens.PARTNER_CENTER_RESOURCE + "/",
    tokens.PARTNER_CENTER_APP_ID,
}
_OIDC_SCOPES = {"openid", "profile", "offline_access", "email"}
# Routed so that Entra's own 400 / AADSTS900561 answers them, not the REST API's 405 (HEAD: Flask's, as a GET);
# OPTIONS is answered with what 900561 says is accepted (``posted_for_tenant``)
_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
ACCEPTED_METHODS = "POST, OPTIONS"
MAX_FIELD = 2048
# An authorization code carries its request's redirect URI and nonce (each up to MAX_FIELD characters, the nonce
# JSON-escaped when not ASCII: up to 12 characters each), base64url-encoded: well under 64 KiB
MAX_CODE = 65536
# A client assertion with its certificate chain in x5c (MSAL's public_certificate) runs to a few KiB
MAX_ASSERTION = 16384
# The device code grant: RFC 8628's name (MSAL, v2.0) and Entra v1's own (ADAL); either is taken at either endpoint
DEVICE_CODE_GRANTS = ("urn:ietf:params:oauth:grant-type:device_code", "device_code")
GRANT_TYPES = ("client_credentials", "password", "refresh_token", "authorization_code", *DEVICE_CODE_GRANTS)


class EntraError(Exception):
    """An error of the token endpoint, rendered in Entra ID's shape."""

    def __init__(self, status: int, error: str, code: int, description: str):
        super().__init__(description)
        self.status, self.error, self.code, self.description = status, error, code, description


@dataclass(frozen=True)
class Trace:
    """What Entra adds to an error for its support: a trace id, the correlation id, the time (real UTC)."""

    trace_id: str
    correlation_id: str
    timestamp: str

    def description(self, code: int, text: str) -> str:
        return (f"AADSTS{code}: {text}\r\nTrace ID: {self.trace_id}\r\nCorrelation ID: {self.correlation_id}\r\n"
                f"Timestamp: {self.timestamp}")


def new_trace() -> Trace:
    stamp = as_utc(current_app.extensions["services"].real_now())
    return Trace(str(uuid.uuid4()), _correlation_id(), stamp.strftime("%Y-%m-%d %H:%M:%SZ"))


def _entra_response(exc: EntraError) -> Response:
    trace = new_trace()
    body = {
        "error": exc.error,
        "error_description": trace.description(exc.code, exc.description),
        "error_codes": [exc.code],
        "timestamp": trace.timestamp,
        "trace_id": trace.trace_id,
        "correlation_id": trace.correlation_id,
        "error_uri": f"https://login.microsoftonline.com/error?code={exc.code}",
    }
    return _json(body, exc.status)


def _correlation_id() -> str:
    given = request.headers.get("client-request-id", "")
    return given if _GUID.match(given) else str(uuid.uuid4())


def _json(body: dict, status: int = 200) -> Response:
    response = Response(json.dumps(body), status=status, mimetype="application/json")
    response.headers["Content-Type"] = "application/json; charset=utf-8"
    response.headers["Cache-Control"] = "no-store, no-cache"
    response.headers["Pragma"] = "no-cache"
    response.headers["client-request-id"] = _correlation_id()
    return response


@bp.errorhandler(EntraError)
def _entra_error(exc: EntraError):
    return _entra_response(exc)


@bp.errorhandler(HTTPException)
def http_error_response(exc: HTTPException):
    """413 and friends, still in Entra's words (the authorize endpoint's: a page). The app's own handler sends
    here too what routing refuses on the sign-in endpoints' JSON paths (a 405, a 404)."""
    status = exc.code or 400
    error = EntraError(status, "invalid_request", 90014 if status != 413 else 90023, exc.description or "Bad request.")
    if request.endpoint in authorize.ENDPOINTS or request.endpoint == device.PAGE_ENDPOINT:
        return authorize.error_page(error)
    response = _entra_response(error)
    allowed = getattr(exc, "valid_methods", None)
    if allowed:
        response.headers["Allow"] = ", ".join(sorted(allowed))
    return response


def _missing(name: str) -> EntraError:
    return EntraError(400, "invalid_request", 900144, f"The request body must contain the following parameter: '{name}'.")


def _client_authentication() -> tuple[str | None, str | None, str | None]:
    """The app's id, and its secret or client assertion: the secret from the form (``client_secret_post``) or
    from an ``Authorization: Basic`` header (``client_secret_basic``, each part form-encoded first, as RFC 6749
    has it), the assertion from the form (``private_key_jwt``); one way only."""
    client_id, client_secret, assertion = _form("client_id"), _form("client_secret"), _client_assertion()
    basic = request.authorization
    if basic is not None and basic.type == "basic":
        basic_id, basic_secret = unquote_plus(basic.username or ""), unquote_plus(basic.password or "")
        if len(basic_id) > MAX_FIELD or len(basic_secret) > MAX_FIELD:
            raise EntraError(400, "invalid_request", 90014, "The Authorization header contains an invalid value.")
        if client_secret is not None or (client_id is not None and client_id != basic_id):
            raise _two_ways()
        client_id, client_secret = basic_id or None, basic_secret or None
    if assertion is not None and client_secret is not None:
        raise _two_ways()
    return client_id, client_secret, assertion


def _two_ways() -> EntraError:
    return EntraError(400, "invalid_request", 90014, "The client is authenticated in more than one way: send its "
                      "secret in the body (client_secret) or in the Authorization header, or a client assertion "
                      "(client_assertion), one of them only.")


def _client_assertion() -> str | None:
    """A client assertion (``private_key_jwt``): ``client_assertion_type`` (RFC 7523's JWT bearer type) with
    ``client_assertion``, a JWT the app signed with a certificate's key; None when the request has neither."""
    kind, assertion = _form("client_assertion_type"), _form("client_assertion", MAX_ASSERTION)
    if kind is None and assertion is None:
        return None
    if kind is None:
        raise _missing("client_assertion_type")
    if kind != identity_service.CLIENT_ASSERTION_TYPE:
        raise EntraError(400, "invalid_request", 90014, f"The request body contains an invalid value for "
                         f"'client_assertion_type': only '{identity_service.CLIENT_ASSERTION_TYPE}' is supported.")
    if assertion is None:
        raise _missing("client_assertion")
    return assertion


def _read_assertion(token: str | None) -> identity_service.ClientAssertion | None:
    if token is None:
        return None
    try:
        return tokens.read_client_assertion(token, base_urls=(current_app.config["PUBLIC_URL"], request.host_url))
    except tokens.TokenRejected as exc:
        raise EntraError(401, "invalid_client", 50027, "JWT token is invalid or malformed.") from exc


def _no_client_secret() -> EntraError:
    """Entra's 7000218: a grant only a confidential client makes (client credentials, a web app's code) without the
    app's secret or a client assertion. An app that doesn't allow public client flows is refused so for every grant:
    the identity service's rule (it needs the app)."""
    return EntraError(401, "invalid_client", 7000218, identity_service.MissingClientCredential.default_description)


_CONTROL_CHARACTER = re.compile(r"[\x00-\x1f\x7f]")


def has_control_character(value: str) -> bool:
    return _CONTROL_CHARACTER.search(value) is not None


def entra_field(values, name: str, *, limit: int = MAX_FIELD, where: str = "request body") -> str | None:
    """A field of a form (or, ``where="request"``, of a query) as Entra reads it: None when absent or empty;
    400 / 90014 when longer than ``limit`` or with a control character."""
    value = values.get(name)
    if value is None or value == "":
        return None
    if len(value) > limit or has_control_character(value):
        raise EntraError(400, "invalid_request", 90014, f"The {where} contains an invalid value for '{name}'.")
    return value


def _form(name: str, limit: int = MAX_FIELD) -> str | None:
    return entra_field(request.form, name, limit=limit)


def _check_tenant(tenant: str, error: str = "invalid_request") -> str:
    """The ``{tenant}`` segment: an alias, or a partner's tenant named by its id or its domain (any case).
    Answers the alias or the tenant's id; Entra's 400 / 90002 (``error`` as the endpoint words it) otherwise."""
    well_formed = _GUID.match(tenant) or _DOMAIN.match(tenant) or tenant.lower() in identity_service.TENANT_ALIASES
    named = identity_service.resolve_tenant(current_app.extensions["services"], tenant) if well_formed else None
    if named is None:  # (no query for junk)
        raise EntraError(
            400, error, 90002,
            f"Tenant '{tenant[:100]}' not found. Check to make sure you have the correct tenant ID and are signing "
            "into the correct cloud.",
        )
    return named


def _check_resource(resource: str | None, tenant: str) -> None:
    if resource is None:
        raise _missing("resource")
    if resource not in _RESOURCES:
        raise EntraError(
            400, "invalid_resource", 500011,
            f"The resource principal named {resource[:200]} was not found in the tenant named {tenant}. This can happen "
            "if the application has not been installed by the administrator of the tenant or consented to by any user "
            "in the tenant. You might have sent your authentication request to the wrong tenant.",
        )


def _check_scope(scope: str | None, grant_type: str) -> None:
    if scope is None:
        raise _missing("scope")
    wanted = [s for s in scope.split() if s not in _OIDC_SCOPES]
    resource_scopes = [s for s in wanted if s.rsplit("/", 1)[0] in _RESOURCES and "/" in s]
    if grant_type == "client_credentials":
        if len(wanted) != 1 or not wanted[0].endswith("/.default") or not resource_scopes:
            raise EntraError(
                400, "invalid_scope", 1002012,
                f"The provided value for scope {scope[:200]} is not valid. Client credential flows must have a scope "
                "value with /.default suffixed to the resource identifier (application ID URI).",
            )
        return
    # the Partner Center API exposes one delegated permission: user_impersonation (or all of them: .default)
    known = [s for s in resource_scopes if s.rsplit("/", 1)[1] in (".default", "user_impersonation")]
    if not known or len(known) != len(wanted):
        raise EntraError(400, "invalid_scope", 70011, f"The provided value for the input parameter 'scope' is not valid. "
                         f"The scope {scope[:200]} is not valid.")


def user_sign_in_scope(version: str, tenant: str, read, grant_type: str, *,
                       resource_required: bool) -> tuple[str | None, str | None]:
    """What an interactive sign-in (authorize, device code) asks for, as (scope, resource): v2.0 a scope by the
    password grant's rules (Partner Center's and OpenID Connect's), v1 a resource and only OpenID Connect's scopes
    (openid: an id token). ``read`` gets a parameter of the request by name."""
    if version == "2.0":
        scope = read("scope")
        _check_scope(scope, grant_type)
        return " ".join(dict.fromkeys(scope.split())), None
    resource = read("resource")
    if resource is not None or resource_required:
        _check_resource(resource, tenant)
    return " ".join(s for s in dict.fromkeys((read("scope") or "").split()) if s in _OIDC_SCOPES) or None, resource


def preflight() -> Response | None:
    """An OPTIONS request to a token or device-code endpoint: answered, empty, with the methods it accepts."""
    if request.method != "OPTIONS":
        return None
    response = Response(status=200, headers={"Allow": ACCEPTED_METHODS})
    del response.headers["Content-Type"]  # no body, so no type (Response labels every body text/html)
    return response


def posted_for_tenant(tenant: str) -> None:
    """A token or device-code request: POSTed (else Entra's 900561) and for a known ``{tenant}``."""
    if request.method != "POST":
        raise EntraError(400, "invalid_request", 900561,
                         f"The endpoint only accepts {ACCEPTED_METHODS} requests. Received a {request.method} request.")
    _check_tenant(tenant)


def _token(tenant: str, version: str) -> Response:
    started = time.perf_counter()
    posted_for_tenant(tenant)
    grant_type = _form("grant_type")
    if grant_type is None:
        raise _missing("grant_type")
    if grant_type not in GRANT_TYPES:
        raise EntraError(400, "unsupported_grant_type", 70003, f"The app requested an unsupported grant type '{grant_type[:100]}'.")
    if grant_type == "client_credentials" and tenant.strip().lower() in identity_service.TENANT_ALIASES:
        # an app-only token is for one tenant, and common / organizations name none (no user's to go by)
        raise EntraError(400, "invalid_request", 50059, "No tenant-identifying information found in either the request "
                         "or implied by any provided credentials.")
    client_id, client_secret, assertion_token = _client_authentication()
    if client_id is None:
        raise _missing("client_id")
    assertion = _read_assertion(assertion_token)
    redemption = _code_redemption(version) if grant_type == "authorization_code" else None
    device = _device_redemption(version) if grant_type in DEVICE_CODE_GRANTS else None
    code = redemption.code if redemption is not None else None
    # an authorization code's request named the resource or scope already: the redemption may leave it out
    resource = _form("resource") or (code.resource if code else None)
    scope = _form("scope") or (code.scope if code and version == "2.0" else None)
    # so may a device code's (its request's are known once the store has found it: see below)
    if device is None or (resource if version == "1.0" else scope) is not None:
        if version == "1.0":
            _check_resource(resource, tenant)
        else:
            _check_scope(scope, grant_type)
    asked = set((scope or "").split()) | set((code.scope or "").split() if code else ())  # openid, offline_access
    user_name = password = refresh = None
    if grant_type == "client_credentials":
        if client_secret is None and assertion is None:
            raise _no_client_secret()
    elif grant_type == "password":
        user_name, password = _form("username"), _form("password")
        if user_name is None:
            raise _missing("username")
        if password is None:
            raise _missing("password")
    elif grant_type == "refresh_token":
        refresh = _refresh_grant(_form("refresh_token"))
    elif (redemption is not None and client_secret is None and assertion is None
          and not authorize.is_loopback(redemption.redirect_uri)):
        # a code sent to a web app's redirect URI is redeemed by that app, with its secret or a client assertion
        # (Entra's rule for confidential clients): a code caught on its way is no use without it
        raise _no_client_secret()
    services = current_app.extensions["services"]

    def journal(workspace_id: str | None, now) -> None:
        if workspace_id is not None:
            g.journal = {"workspace_id": workspace_id, "operation": f"token (v{version})", "now": now, "started": started}

    try:
        grant = identity_service.grant_token(
            services, tenant=tenant, client_id=client_id, client_secret=client_secret, user_name=user_name, password=password,
            refresh=refresh, redemption=redemption, device=device, assertion=assertion,
        )
        journal(grant.principal.workspace.id, grant.now)
        fault = _fault(grant.principal.workspace.id)
        if fault is not None:
            return fault  # a rehearsed failure leaves the authorization (or device) code unused
        if grant.code is not None:
            identity_service.redeem_code(services, grant)
        if grant.device is not None:
            identity_service.redeem_device_code(services, grant)
    except identity_service.TokenRequestError as exc:
        journal(exc.workspace_id, exc.now)  # a refusal is in the tenant's journal once its app is known
        raise _refusal(exc) from exc
    if grant.device is not None:  # what the device code's request named, unless this one names it
        resource = resource or grant.device.resource
        scope = scope or (grant.device.scope if version == "2.0" else None)
        asked |= set((grant.device.scope or "").split())
    return _json(_token_answer(grant, version, resource=resource, scope=scope, asked=asked,
                               nonce=code.nonce if code else None, client_info=_form("client_info") == "1"))


def _token_answer(grant, version: str, *, resource: str | None, scope: str | None, asked: set[str],
                  nonce: str | None, client_info: bool) -> dict:
    """The token endpoint's answer for a grant, as Entra words it at ``version``: the access token, and for a
    user the refresh token, id token and client_info as the request (``asked``: its scopes) and Entra's rules
    have them."""
    lifetime = int(current_app.config["TOKEN_LIFETIME_SECONDS"])
    secret_key = current_app.config["SECRET_KEY"]
    token, claims = tokens.issue(grant.principal, now=grant.now, lifetime_seconds=lifetime, secret_key=secret_key, version=version)
    if version == "1.0":  # v1 answers every number as a string
        body = {
            "token_type": "Bearer",
            "expires_in": str(lifetime),
            "ext_expires_in": str(lifetime),
            "expires_on": str(claims["exp"]),
            "not_before": str(claims["nbf"]),
            "resource": resource,
            "access_token": token,
        }
    else:
        body = {"token_type": "Bearer", "expires_in": lifetime, "ext_expires_in": lifetime, "access_token": token}
        if grant.principal.user is not None:
            body["scope"] = " ".join(s for s in (scope or "").split() if s not in _OIDC_SCOPES)
    if _gives_refresh_token(grant, version, asked):
        body["refresh_token"] = tokens.issue_refresh(grant.principal, now=grant.now, secret_key=secret_key)
    if grant.principal.user is not None:  # what OpenID Connect clients keep (MSAL: its account, for silent calls)
        if "openid" in asked:
            body["id_token"] = tokens.issue_id_token(grant.principal, now=grant.now, lifetime_seconds=lifetime,
                                                     secret_key=secret_key, version=version, nonce=nonce)
        if client_info:
            body["client_info"] = tokens.client_info(grant.principal)
    return body


def _gives_refresh_token(grant, version: str, asked: set[str]) -> bool:
    """An App+User answer carries a refresh token: always on v1, on v2.0 when the scope asks for offline_access
    (Entra's rule). An App-only answer never does."""
    if grant.principal.user is None:
        return False
    return version == "1.0" or "offline_access" in asked


def _refresh_grant(token: str | None) -> identity_service.RefreshGrant:
    if token is None:
        raise _missing("refresh_token")
    try:
        return tokens.read_refresh(token, secret_key=current_app.config["SECRET_KEY"])
    except tokens.TokenRejected as exc:
        raise EntraError(400, "invalid_grant", 9002313, "Invalid request. Request is malformed or invalid.") from exc


def _code_redemption(version: str) -> identity_service.CodeRedemption:
    """The authorization_code grant's fields: the code (this sandbox's, else 9002313), the redirect URI and the
    PKCE verifier; the service holds them to what the authorization request said."""
    code, redirect_uri = _form("code", MAX_CODE), _form("redirect_uri")
    if code is None:
        raise _missing("code")
    if redirect_uri is None:
        raise _missing("redirect_uri")
    try:
        read = tokens.read_code(code, secret_key=current_app.config["SECRET_KEY"])
    except tokens.TokenRejected as exc:
        raise EntraError(400, "invalid_grant", 9002313, "Invalid request. Request is malformed or invalid.") from exc
    return identity_service.CodeRedemption(read, redirect_uri, _form("code_verifier"), version)


def _device_redemption(version: str) -> identity_service.DeviceCodeRedemption:
    """The device code grant's code: ``device_code`` (RFC 8628, MSAL) or ``code`` (Entra v1, ADAL); MSAL sends
    both. The store finds it (or not) once the app is known."""
    names = ("device_code", "code") if version == "2.0" else ("code", "device_code")
    device_code = _form(names[0]) or _form(names[1])
    if device_code is None:
        raise _missing(names[0])
    return identity_service.DeviceCodeRedemption(device_code, version)


def _refusal(exc) -> EntraError:
    """A refused token request in Entra ID's words."""
    if isinstance(exc, identity_service.UnknownApplication):
        return EntraError(400, "unauthorized_client", 700016, exc.description + " This can happen if the application has "
                          "not been installed by the administrator of the tenant or consented to by any user in the tenant.")
    if isinstance(exc, identity_service.InvalidClientSecret):
        return EntraError(401, "invalid_client", 7000215, exc.description + " Ensure the secret being sent in the request "
                          "is the client secret value, not the client secret ID.")
    if isinstance(exc, identity_service.InvalidClientAssertion):
        return EntraError(401, "invalid_client", exc.entra_code, exc.description)
    if isinstance(exc, identity_service.MissingClientCredential):
        return _no_client_secret()
    if isinstance(exc, identity_service.UnknownUser):
        return EntraError(400, "invalid_grant", 50034, exc.description)
    if isinstance(exc, identity_service.GrantRefused):
        return EntraError(400, exc.error, exc.entra_code, exc.description)
    return EntraError(400, "invalid_grant", 50126, exc.description)


def _fault_error(status: int) -> EntraError:
    """What Entra answers with a status like the rule's: 429 and 5xx its transient 90033, 401 the client's
    refusal (an expired secret, the credential a daemon most often loses), anything else invalid_request."""
    if status == 429 or status >= 500:
        return EntraError(status, "temporarily_unavailable", 90033, "A transient error has occurred. Please try again.")
    if status == 401:
        return EntraError(401, "invalid_client", 7000222, "The provided client secret keys for the app are expired. "
                          "Create new keys for your app, or consider using certificate credentials for added security "
                          "(the sandbox answered so, as a fault rule asked).")
    return EntraError(status, "invalid_request", 90014, "The sandbox answered this request with an error, as a fault rule asked.")


def _fault(workspace_id: str) -> Response | None:
    """A fault rule of the tenant's for ``token``: its delay, then its error in Entra's shape (429 and 5xx as
    Entra's transient AADSTS90033, with Retry-After), so that a client rehearses failing to get a token."""
    from sandbox.web.control import traffic

    store = traffic.traffic()
    rule = traffic.fire_fault(store.live_rules(workspace_id, traffic.TOKEN_OPERATION), store)
    if rule is None:
        return None
    response = _entra_response(_fault_error(rule.status))
    if rule.retry_after is not None:
        response.headers["Retry-After"] = str(rule.retry_after)
    return response


# --- discovery: what MSAL and ADAL read before they ask for a token ----------------------------


def _openid_configuration(tenant: str, version: str) -> Response:
    """Entra's OpenID Connect discovery document, its endpoints on the sandbox's public URL. The issuer is
    the one the sandbox's tokens carry (Entra's own host); for ``common`` and ``organizations`` it has
    Entra's ``{tenantid}`` placeholder."""
    named = _check_tenant(tenant, "invalid_tenant")
    base = current_app.config["PUBLIC_URL"].rstrip("/") + "/" + named
    issuer = tokens.issuer(named if named not in identity_service.TENANT_ALIASES else "{tenantid}", version)
    oauth = f"{base}/oauth2/v2.0" if version == "2.0" else f"{base}/oauth2"
    body = {
        "token_endpoint": f"{oauth}/token",
        "token_endpoint_auth_methods_supported": ["client_secret_post", "private_key_jwt", "client_secret_basic"],
        "jwks_uri": f"{base}/discovery/v2.0/keys" if version == "2.0" else f"{base}/discovery/keys",
        "response_modes_supported": ["query", "fragment", "form_post"],
        "subject_types_supported": ["pairwise"],
        "id_token_signing_alg_values_supported": ["HS256"],  # the sandbox's (Entra's: RS256, with public keys)
        "response_types_supported": ["code"],  # what the authorize endpoint gives
        "scopes_supported": ["openid", "profile", "email", "offline_access"],
        "issuer": issuer,
        "request_uri_parameter_supported": False,
        "authorization_endpoint": f"{oauth}/authorize",
        "device_authorization_endpoint": f"{oauth}/devicecode",
        "end_session_endpoint": f"{oauth}/logout",
        "tenant_region_scope": None if named in identity_service.TENANT_ALIASES else "WW",
        "cloud_instance_name": "microsoftonline.com",
        "cloud_graph_host_name": "graph.windows.net",
        "msgraph_host": "graph.microsoft.com",
    }
    if version == "1.0":
        body["claims_supported"] = ["sub", "iss", "aud", "exp", "iat", "auth_time", "acr", "amr", "nonce", "email",
                                    "given_name", "family_name", "nickname"]
    return _json(body)


@bp.get("/<tenant>/v2.0/.well-known/openid-configuration")
def openid_configuration_v2(tenant: str):
    return _openid_configuration(tenant, "2.0")


@bp.get("/<tenant>/.well-known/openid-configuration")
def openid_configuration_v1(tenant: str):
    return _openid_configuration(tenant, "1.0")


@bp.get("/<tenant>/discovery/v2.0/keys")
@bp.get("/<tenant>/discovery/keys")
def signing_keys(tenant: str):
    """No public keys: the sandbox signs its tokens with a secret key (HS256), and clients don't check an
    access token's signature (Partner Center does)."""
    _check_tenant(tenant, "invalid_tenant")
    return _json({"keys": []})


@bp.get("/common/userrealm/<path:user_name>")
@bp.get("/common/UserRealm/<path:user_name>")
def user_realm(user_name: str):
    """Entra's user realm discovery (MSAL's and ADAL's password grant ask it first): a partner user is a
    managed (cloud) account; a name of another domain is unknown, and the token endpoint refuses it."""
    domain = identity_service.user_realm(current_app.extensions["services"], user_name[:MAX_FIELD])
    if domain is None:
        return _json({"ver": "1.0", "account_type": "Unknown", "cloud_instance_name": "microsoftonline.com"})
    return _json({"ver": "1.0", "account_type": "Managed", "domain_name": domain, "cloud_instance_name": "microsoftonline.com",
                  "cloud_audience_urn": "urn:federation:MicrosoftOnline"})


@bp.route("/<tenant>/oauth2/token", methods=_METHODS, provide_automatic_options=False)
def token_v1(tenant: str):
    return preflight() or _token(tenant, "1.0")


@bp.route("/<tenant>/oauth2/v2.0/token", methods=_METHODS, provide_automatic_options=False)
def token_v2(tenant: str):
    return preflight() or _token(tenant, "2.0")


from . import authorize, device  # noqa: E402  (register the authorize and device code routes on ``bp``)


def init_app(app: Flask) -> None:
    from sandbox.web.control import traffic

    traffic.install(app)
    app.register_blueprint(bp)
