"""The authorize endpoint, in the style of Microsoft Entra ID: the interactive step of the authorization code
grant (the "secure application model" consent, MSAL's ``initiate_auth_code_flow``, Partner Center PowerShell's
``New-PartnerAccessToken -UseAuthorizationCode``).

``GET /{tenant}/oauth2/authorize`` (v1, ``resource``) and ``GET /{tenant}/oauth2/v2.0/authorize`` (``scope``)
show a sign-in page; its form posts the user's name and password back to the same URL, whose query (the
authorization request) is read and checked again then: nothing of the request travels in the form. A good
sign-in sends the browser to the app's redirect URI with ``code`` and ``state`` (query, fragment or a
form post); the token endpoint takes the code (``grant_type=authorization_code``).

What Entra can't send back to the app (an unknown tenant or app, a redirect URI it does not trust) it shows
on its own page; any later error goes to the redirect URI as ``error``, ``error_description`` and ``state``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit

from flask import Response, current_app, render_template, request
from flask_wtf.csrf import CSRFError

from sandbox.services import identity as identity_service
from sandbox.web.pages import protect_forms

from . import (
    MAX_FIELD,
    EntraError,
    Trace,
    _check_tenant,
    _missing,
    _refusal,
    bp,
    entra_field,
    has_control_character,
    new_trace,
    tokens,
    user_sign_in_scope,
)

ENDPOINTS = ("identity.authorize_v1", "identity.authorize_v2")
RESPONSE_MODES = ("query", "fragment", "form_post")
PROMPTS = ("login", "select_account", "consent", "none")
LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "::1")
# RFC 7636: a plain challenge is a verifier (43 to 128 unreserved characters); S256 is base64url of 32 bytes
_PLAIN_CHALLENGE = re.compile(r"^[A-Za-z0-9\-._~]{43,128}$")
_S256_CHALLENGE = re.compile(r"^[A-Za-z0-9\-_]{43}$")

# Entra's sign-in page, in its words
NO_USER = "Enter a valid email address, phone number, or Skype name."
NO_PASSWORD = "Please enter your password."
UNKNOWN_USER = "This username may be incorrect. Make sure you typed it correctly. Otherwise, contact your admin."
WRONG_PASSWORD = "Your account or password is incorrect. If you don't remember your password, reset it now."
EXPIRED_FORM = ("The sign-in page expired or was sent without its security token, so you weren't signed in. "
                "Enter your password again.")


@dataclass(frozen=True)
class AuthorizationRequest:
    """An authorization request's parameters once checked: what its code will be bound to."""

    tenant: str
    version: str
    client: identity_service.SignInClient
    redirect_uri: str
    scope: str | None
    resource: str | None
    login_hint: str | None
    prompt: tuple[str, ...]
    code_challenge: str | None
    code_challenge_method: str | None
    nonce: str | None


@dataclass
class Reply:
    """Where and how the answer goes: the trusted redirect URI, in the response mode asked, with the state."""

    redirect_uri: str
    client_name: str
    mode: str = "query"
    state: str | None = None

    def send(self, params: dict) -> Response:
        if self.state is not None:
            params["state"] = self.state
        if self.mode == "form_post":
            page = render_template("identity/form_post.html", redirect_uri=self.redirect_uri, params=params,
                                   client_name=self.client_name)
            return _no_store(Response(page, status=200, mimetype="text/html"))
        encoded = urlencode(params)
        if self.mode == "fragment":
            location = f"{self.redirect_uri}#{encoded}"
        elif self.redirect_uri.endswith("?"):
            location = self.redirect_uri + encoded
        else:
            location = self.redirect_uri + ("&" if urlsplit(self.redirect_uri).query else "?") + encoded
        response = Response(status=302)
        response.headers["Location"] = location
        return _no_store(response)

    def error(self, exc: EntraError) -> Response:
        return self.send({"error": exc.error, "error_description": new_trace().description(exc.code, exc.description)})


def _no_store(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store, no-cache"
    response.headers["Pragma"] = "no-cache"
    response.headers["X-Frame-Options"] = "DENY"  # a sign-in page is never framed
    return response


def _arg(name: str) -> str | None:
    """A parameter of the authorization request (the query string): None when absent or empty."""
    return entra_field(request.args, name, where="request")


def acceptable_redirect_uri(uri: str) -> bool:
    """The sandbox has no registered redirect URIs: it takes any ``https`` URL, and ``http`` on a loopback host
    (any port), as Entra lets an app register; never a fragment, credentials, spaces or non-ASCII text."""
    if len(uri) > MAX_FIELD or not uri.isascii() or has_control_character(uri) or any(ch.isspace() for ch in uri):
        return False
    try:
        parts = urlsplit(uri)
        if parts.port == 0:  # a port that is not a number (or out of range) raises; 0 is no port to reach
            return False
    except ValueError:
        return False
    if parts.fragment or "#" in uri or not parts.hostname or "@" in parts.netloc:
        return False
    if parts.scheme == "https":
        return True
    return parts.scheme == "http" and parts.hostname.lower() in LOOPBACK_HOSTS


def is_loopback(uri: str) -> bool:
    """A redirect URI on a loopback host: a public client's (a desktop tool, MSAL's local listener), which
    redeems its code without a secret; any other is a web app's, a confidential client that must give its secret."""
    try:
        host = urlsplit(uri).hostname
    except ValueError:
        return False
    return host is not None and host.lower() in LOOPBACK_HOSTS


def _trusted_client(tenant: str) -> tuple[identity_service.SignInClient, str]:
    """The app and the redirect URI, or the EntraError Entra shows on its own page (never redirected)."""
    _check_tenant(tenant)
    client_id = _arg("client_id")
    if client_id is None:
        raise _missing("client_id")
    try:
        client = identity_service.sign_in_client(current_app.extensions["services"], tenant, client_id)
    except identity_service.UnknownApplication as exc:
        raise _refusal(exc) from exc
    redirect_uri = request.args.get("redirect_uri", "")
    if redirect_uri == "":
        raise EntraError(400, "invalid_request", 900971, "No reply address provided.")
    if not acceptable_redirect_uri(redirect_uri):
        raise EntraError(
            400, "invalid_request", 50011,
            f"The redirect URI '{redirect_uri[:300]}' specified in the request does not match the redirect URIs "
            f"configured for the application '{client.client_id}'. Make sure the redirect URI sent in the request "
            "matches one added to your application in the Azure portal. Navigate to "
            "https://aka.ms/redirectUriMismatchError to learn more about how to fix this.",
        )
    return client, redirect_uri


def _response_mode() -> str:
    mode = _arg("response_mode") or "query"
    if mode not in RESPONSE_MODES:
        raise EntraError(400, "invalid_request", 70007,
                         f"The application requested an unsupported response mode '{mode[:100]}'. The authorize "
                         "endpoint answers with response_mode query, fragment or form_post.")
    return mode


def _read_request(tenant: str, version: str, client, redirect_uri: str) -> AuthorizationRequest:
    """The rest of the authorization request, checked; an EntraError here goes back to the app."""
    response_type = _arg("response_type")
    if response_type is None:
        raise _missing("response_type")
    if response_type.split() != ["code"]:
        if "id_token" in response_type.split():
            raise EntraError(400, "unsupported_response_type", 700054,
                             "response_type 'id_token' is not enabled for the application.")
        raise EntraError(400, "unsupported_response_type", 70005,
                         f"The app requested an unsupported response type '{response_type[:100]}'. The authorize "
                         "endpoint gives authorization codes only: response_type=code.")
    # v1: the resource may wait for the redemption
    scope, resource = user_sign_in_scope(version, tenant, _arg, "authorization_code", resource_required=False)
    prompt = tuple((_arg("prompt") or "").split())
    if any(p not in PROMPTS for p in prompt) or ("none" in prompt and len(prompt) > 1):
        raise EntraError(400, "invalid_request", 90023,
                         f"Invalid value '{' '.join(prompt)[:100]}' for the input parameter 'prompt': use login, "
                         "select_account, consent or none.")
    challenge, method = _arg("code_challenge"), _arg("code_challenge_method")
    if method is not None and method not in identity_service.CODE_CHALLENGE_METHODS:
        raise EntraError(400, "invalid_request", 50149, "Invalid Code_Challenge_method parameter.")
    if challenge is None:
        method = None
    else:
        method = method or "plain"  # RFC 7636: plain unless said otherwise
        if not (_S256_CHALLENGE if method == "S256" else _PLAIN_CHALLENGE).match(challenge):
            raise EntraError(400, "invalid_request", 501491, "Invalid size of Code_Challenge parameter.")
    return AuthorizationRequest(
        tenant=tenant, version=version, client=client, redirect_uri=redirect_uri, scope=scope, resource=resource,
        login_hint=_arg("login_hint"), prompt=prompt, code_challenge=challenge, code_challenge_method=method,
        nonce=_arg("nonce"),
    )


def _authorize(tenant: str, version: str) -> Response:
    try:
        client, redirect_uri = _trusted_client(tenant)
    except EntraError as exc:
        return error_page(exc)
    reply = Reply(redirect_uri, client.name)
    try:
        reply.state = _arg("state")
        reply.mode = _response_mode()
        asked = _read_request(tenant, version, client, redirect_uri)
        if "none" in asked.prompt:  # the sandbox keeps no sign-in session: a silent request can't succeed
            raise EntraError(400, "login_required", 50058,
                             "A silent sign-in request was sent but no user is signed in.")
    except EntraError as exc:
        return reply.error(exc)
    if request.method == "GET":
        return _sign_in_page(asked, user_name=asked.login_hint or "")
    return _sign_in(asked, reply)


def _sign_in(asked: AuthorizationRequest, reply: Reply) -> Response:
    """The sign-in form posted: the user's name and password for the app's partner tenant, then the code."""
    user_name = request.form.get("username", "").strip()[:MAX_FIELD]
    try:
        protect_forms()
    except CSRFError:
        return _sign_in_page(asked, user_name=user_name, form_error=EXPIRED_FORM, status=400)
    password = request.form.get("password", "")
    if errors := missing_sign_in(user_name, password):
        return _sign_in_page(asked, user_name=user_name, errors=errors, status=400)
    services = current_app.extensions["services"]
    try:
        grant = identity_service.grant_token(services, tenant=asked.tenant, client_id=asked.client.client_id,
                                             client_secret=None, user_name=user_name, password=password,
                                             interactive=True)
    except identity_service.UnknownUser:
        return _sign_in_page(asked, user_name=user_name, errors={"username": UNKNOWN_USER}, status=400)
    except identity_service.InvalidUserPassword:
        return _sign_in_page(asked, user_name=user_name, errors={"password": WRONG_PASSWORD}, status=400)
    except identity_service.UnknownApplication as exc:  # deleted since the page was shown
        return error_page(_refusal(exc))
    code = tokens.issue_code(
        grant.principal, now=grant.now, secret_key=current_app.config["SECRET_KEY"],
        authority=identity_service.authority(asked.tenant, grant.principal.partner), version=asked.version,
        redirect_uri=asked.redirect_uri, scope=asked.scope, resource=asked.resource,
        code_challenge=asked.code_challenge, code_challenge_method=asked.code_challenge_method, nonce=asked.nonce,
    )
    return reply.send({"code": code})


def missing_sign_in(user_name: str, password: str) -> dict:
    """What the sign-in form lacks, in Entra's words by field; {} when it has a user name and a password."""
    if not user_name:
        return {"username": NO_USER}
    if has_control_character(user_name):  # no user has such a name (and some databases refuse it)
        return {"username": UNKNOWN_USER}
    if not password:
        return {"password": NO_PASSWORD}
    return {}


def _sign_in_page(asked: AuthorizationRequest, *, user_name: str, errors: dict | None = None, form_error: str = "",
                  status: int = 200) -> Response:
    query = urlencode(list(request.args.items(multi=True)))  # the request again, percent-encoded as UTF-8
    page = render_template("identity/sign_in.html", client=asked.client, user_name=user_name, errors=errors or {},
                           form_error=form_error, action=f"{request.path}?{query}" if query else request.path)
    return _no_store(Response(page, status=status, mimetype="text/html"))


def error_page(exc: EntraError, trace: Trace | None = None) -> Response:
    """Entra's own error page: for what can't be sent back to the app."""
    page = render_template("identity/error.html", code=exc.code, description=exc.description, error=exc.error,
                           trace=trace or new_trace())
    return _no_store(Response(page, status=exc.status if exc.status >= 400 else 400, mimetype="text/html"))


@bp.route("/<tenant>/oauth2/authorize", methods=["GET", "POST"])
def authorize_v1(tenant: str):
    return _authorize(tenant, "1.0")


@bp.route("/<tenant>/oauth2/v2.0/authorize", methods=["GET", "POST"])
def authorize_v2(tenant: str):
    return _authorize(tenant, "2.0")
