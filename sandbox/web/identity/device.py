"""The device code flow, in the style of Microsoft Entra ID (RFC 8628): MSAL's ``initiate_device_flow`` /
``acquire_token_by_device_flow``, ADAL's ``acquire_user_code`` / ``acquire_token_with_device_code``, Partner
Center PowerShell's ``Connect-PartnerCenter -UseDeviceAuthentication``.

``POST /{tenant}/oauth2/v2.0/devicecode`` (``client_id``, ``scope``) and v1 ``POST /{tenant}/oauth2/devicecode``
(``client_id``, ``resource``) answer a user code, a device code and where to sign in: ``/devicelogin``, the
sandbox's own page (Entra's is https://microsoft.com/devicelogin). There the person types the user code, then
signs in as a user of the app's partner tenant; meanwhile the app polls the token endpoint with the device code
(``authorization_pending`` until the sign-in, then the password grant's answer, once).
"""

from __future__ import annotations

from flask import Response, current_app, render_template, request
from flask_wtf.csrf import CSRFError

from sandbox.services import identity as identity_service
from sandbox.web.pages import protect_forms

from . import (
    _METHODS,
    MAX_FIELD,
    _form,
    _json,
    _missing,
    _refusal,
    bp,
    posted_for_tenant,
    preflight,
    user_sign_in_scope,
)
from .authorize import (
    UNKNOWN_USER,
    WRONG_PASSWORD,
    _no_store,
    missing_sign_in,
)

# Entra's "Enter code" page, in its words
WRONG_CODE = "That code didn't work. Check the code and try again."
EXPIRED_CODE = ("The code you entered has expired. Get a new code from the device you're trying to sign in to and "
                "try again.")
NO_CODE = "Enter the code displayed on your app or device."
EXPIRED_CODE_FORM = "The page expired or was sent without its security token. Enter the code again."
PAGE_ENDPOINT = "identity.devicelogin"  # its HTTP errors (413, say) are shown on Entra's error page
MAX_TYPED_CODE = 64  # what the page keeps of a typed code (a user code has 9 characters)


def verification_uri() -> str:
    return current_app.config["PUBLIC_URL"].rstrip("/") + "/devicelogin"


def _device_code(tenant: str, version: str) -> Response:
    posted_for_tenant(tenant)
    client_id = _form("client_id")
    if client_id is None:
        raise _missing("client_id")
    scope, resource = user_sign_in_scope(version, tenant, _form, "device_code", resource_required=True)
    try:
        flow = identity_service.start_device_flow(current_app.extensions["services"], tenant=tenant,
                                                  client_id=client_id, version=version, scope=scope, resource=resource)
    except identity_service.UnknownApplication as exc:
        raise _refusal(exc) from exc
    uri, user_code = verification_uri(), flow.authorization.user_code
    lifetime = int(identity_service.DEVICE_CODE_LIFETIME.total_seconds())
    interval = identity_service.DEVICE_CODE_INTERVAL
    body = {"user_code": user_code, "device_code": flow.device_code}
    if version == "2.0":
        body.update(verification_uri=uri, expires_in=lifetime, interval=interval)
    else:  # v1 says verification_url, and answers every number as a string (ADAL and MSAL read both)
        body.update(verification_url=uri, expires_in=str(lifetime), interval=str(interval))
    body["message"] = f"To sign in, use a web browser to open the page {uri} and enter the code {user_code} to authenticate."
    return _json(body)


@bp.route("/<tenant>/oauth2/devicecode", methods=_METHODS, provide_automatic_options=False)
def devicecode_v1(tenant: str):
    return preflight() or _device_code(tenant, "1.0")


@bp.route("/<tenant>/oauth2/v2.0/devicecode", methods=_METHODS, provide_automatic_options=False)
def devicecode_v2(tenant: str):
    return preflight() or _device_code(tenant, "2.0")


# --- the /devicelogin page ---------------------------------------------------------------------------------


def _code_page(typed: str = "", error: str = "", form_error: str = "", status: int = 200) -> Response:
    page = render_template("identity/device_code.html", typed=typed, errors={"otc": error} if error else {},
                           form_error=form_error)
    return _no_store(Response(page, status=status, mimetype="text/html"))


def _sign_in_page(signing_in: identity_service.DeviceSignIn, typed: str, *, user_name: str = "",
                  errors: dict | None = None, form_error: str = "", status: int = 200) -> Response:
    page = render_template("identity/sign_in.html", client=signing_in.client, user_name=user_name, errors=errors or {},
                           form_error=form_error, action=request.path, hidden={"otc": typed})
    return _no_store(Response(page, status=status, mimetype="text/html"))


def _done_page(signing_in: identity_service.DeviceSignIn) -> Response:
    page = render_template("identity/device_done.html", client=signing_in.client)
    return _no_store(Response(page, status=200, mimetype="text/html"))


@bp.route("/devicelogin", methods=["GET", "POST"])
def devicelogin():
    """GET: the "Enter code" page. POST with ``otc`` alone: the code, checked, then the sign-in page for its app;
    POST with ``otc``, ``username`` and ``password`` (the sign-in page's form): the code checked again, the user
    signed in for it, and the page saying so. Every post carries the page's CSRF token."""
    if request.method == "GET":
        return _code_page()
    typed = request.form.get("otc", "").strip()[:MAX_TYPED_CODE]
    signing_in_form = "username" in request.form
    user_name = request.form.get("username", "").strip()[:MAX_FIELD]
    try:
        protect_forms()
    except CSRFError:
        return _code_page(typed, form_error=EXPIRED_CODE_FORM, status=400)
    if not typed:
        return _code_page(typed, error=NO_CODE, status=400)
    services = current_app.extensions["services"]
    try:
        signing_in = identity_service.device_sign_in(services, typed)
    except identity_service.UserCodeExpired:
        return _code_page(typed, error=EXPIRED_CODE, status=400)
    except identity_service.UserCodeRefused:
        return _code_page(typed, error=WRONG_CODE, status=400)
    if not signing_in_form:
        return _sign_in_page(signing_in, typed)
    password = request.form.get("password", "")
    if errors := missing_sign_in(user_name, password):
        return _sign_in_page(signing_in, typed, user_name=user_name, errors=errors, status=400)
    try:
        identity_service.approve_device_code(services, typed, user_name=user_name, password=password)
    except identity_service.UnknownUser:
        return _sign_in_page(signing_in, typed, user_name=user_name, errors={"username": UNKNOWN_USER}, status=400)
    except identity_service.InvalidUserPassword:
        return _sign_in_page(signing_in, typed, user_name=user_name, errors={"password": WRONG_PASSWORD}, status=400)
    except identity_service.UserCodeExpired:
        return _code_page(typed, error=EXPIRED_CODE, status=400)
    except (identity_service.UserCodeRefused, identity_service.UnknownApplication):  # taken or deleted meanwhile
        return _code_page(typed, error=WRONG_CODE, status=400)
    return _done_page(signing_in)
