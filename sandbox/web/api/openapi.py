"""The OpenAPI 3 document, generated from the operation table and its marshmallow schemas
(``/openapi.json``), and Swagger UI served from the swagger-ui-bundle package's own files (``/docs``)."""

from __future__ import annotations

from collections import defaultdict

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import Blueprint, Flask, Response, current_app, jsonify, send_from_directory
from swagger_ui_bundle import swagger_ui_path
from werkzeug.exceptions import NotFound as HTTPNotFound

from . import schemas
from .operations import REGISTRY, Operation, Param
from .wire import MUTATING

bp = Blueprint("api_docs", __name__)

TRACKING_HEADERS = (
    Param("MS-RequestId", "header", "Idempotency: a retry with the same id and body gets the first answer. Generated when absent."),
    Param("MS-CorrelationId", "header", "Echoed; generated when absent."),
    Param("MS-PartnerCenter-Client", "header", "'Partner Center .NET SDK' marks the .NET SDK (R-TL-3)."),
)
# Response headers, on every /v1 answer (wire.py) and with the fault rules' 429 and 503 (also the token endpoint's).
RESPONSE_HEADERS = {
    "MS-RequestId": {"description": "The caller's MS-RequestId, or a new one.", "required": True, "schema": {"type": "string"}},
    "MS-CorrelationId": {"description": "The caller's MS-CorrelationId, or a new one.", "required": True,
                         "schema": {"type": "string"}},
    "Retry-After": {"description": "Seconds to wait before retrying (the fault rule's retryAfter).", "schema": {"type": "integer"}},
}
RETRY_STATUSES = (429, 503)
# What the wire answers for any /v1 operation besides the operation's own statuses (wire.py, errors.py).
FAULT_ERRORS = {429: "Too many requests: a fault rule. Retry after Retry-After seconds.",
                503: "Service unavailable: a fault rule. Retry after Retry-After seconds."}
FAULT_DEFAULT = ("Any other error status a fault rule of the control API answers with (/_sandbox/tenants/{id}/faults: "
                 "500, 502, 504, ...), in the classic error body (Entra's on the token endpoints).")
BODY_ERRORS = {413: "The body is over 1 MiB (800002).", 415: "The body is not JSON: send application/json (800002)."}
IN_FLIGHT_ERROR = {409: "A request with the same MS-RequestId is still in progress (409): retry it shortly."}
# Entra ID's error body (web/identity makes it).
TOKEN_ERROR = {
    "type": "object",
    "required": ["error", "error_description", "error_codes", "timestamp", "trace_id", "correlation_id"],
    "properties": {
        "error": {"type": "string", "enum": ["invalid_request", "invalid_client", "invalid_grant", "unauthorized_client",
                                             "unsupported_grant_type", "invalid_resource", "invalid_scope",
                                             "temporarily_unavailable", "invalid_tenant", "authorization_pending",
                                             "expired_token"]},
        "error_description": {"type": "string", "description": "'AADSTS<code>: <text>', then the trace id, "
                              "correlation id and timestamp on lines of their own."},
        "error_codes": {"type": "array", "items": {"type": "integer"}, "description": "The AADSTS code, e.g. 90002."},
        "timestamp": {"type": "string", "example": "2024-05-01 09:30:00Z"},
        "trace_id": {"type": "string", "format": "uuid"},
        "correlation_id": {"type": "string", "format": "uuid", "description": "The client-request-id header, if a GUID."},
        "error_uri": {"type": "string", "format": "uri"},
    },
}
TOKEN_ERRORS = {400: "Invalid request: invalid_request (e.g. 90002 unknown tenant, 900144 missing parameter), "
                     "authorization_pending (70016) and expired_token (70020) for a device code, "
                     "invalid_grant (e.g. 54005 authorization code already redeemed, 70008 expired, 501481 PKCE "
                     "mismatch), unauthorized_client, unsupported_grant_type, invalid_resource, invalid_scope.",
                401: "invalid_client: a wrong client secret (7000215), a missing one (7000218), a refused client "
                     "assertion.",
                413: "The body is over 1 MiB (invalid_request 90023).",
                **FAULT_ERRORS}
_STATIC_FILES = frozenset({"swagger-ui.css", "swagger-ui-bundle.js", "swagger-ui-standalone-preset.js", "favicon-32x32.png",
                           "favicon-16x16.png", "index.css"})

DOCS_PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Partner Center REST API (mca-sandbox)</title>
<link rel="stylesheet" href="/docs/swagger-ui.css">
<link rel="icon" type="image/png" href="/docs/favicon-32x32.png" sizes="32x32">
</head>
<body>
<main id="swagger-ui"></main>
<script src="/docs/swagger-ui-bundle.js"></script>
<script>
// BaseLayout: the document only, without the standalone layout's top bar (an unlabelled box for another URL)
window.onload = function () {
  window.ui = SwaggerUIBundle({
    url: "/openapi.json",
    dom_id: "#swagger-ui",
    deepLinking: true,
    validatorUrl: null,
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout"
  });
};
</script>
</body>
</html>
"""


def _parameter(param: Param) -> dict:
    return {"name": param.name, "in": param.where, "required": param.required or param.where == "path",
            "description": param.description, "schema": param.schema}


def _json(schema) -> dict:
    return {"application/json": {"schema": schema}}


def _response(text: str, schema, status: int, headers: tuple[str, ...] = ()) -> dict:
    response = {"description": text}
    names = (*headers, "Retry-After") if status in RETRY_STATUSES else headers
    if names:
        response["headers"] = {name: name for name in names}  # component ids: apispec makes them $refs
    if schema is not None:
        response["content"] = _json(schema)
    return response


def _responses(op: Operation, errors: dict) -> dict:
    """The operation's statuses, the common errors and the wire's; a status answered in two shapes gets both."""
    wire = {**FAULT_ERRORS, **(BODY_ERRORS if op.body else {}), **(IN_FLIGHT_ERROR if op.method in MUTATING else {})}
    merged = {**{status: (text, schemas.ErrorOut) for status, text in wire.items()}, **errors}
    for status, (text, schema) in op.responses.items():
        if status in merged and merged[status][1] not in (schema, None):
            other_text, other = merged[status]
            text, schema = f"{text} Or: {other_text}", {"oneOf": [schema, other]}
        merged[status] = (text, schema)
    documented = {str(status): _response(text, schema, status, ("MS-RequestId", "MS-CorrelationId"))
                  for status, (text, schema) in sorted(merged.items())}
    # a fault rule may answer any status from 400 to 599 (500, 502, 504, ...), in the classic body
    return {**documented, "default": _response(FAULT_DEFAULT, schemas.ErrorOut, 0, ("MS-RequestId", "MS-CorrelationId"))}


def build_spec(public_url: str) -> dict:
    from .views import ERRORS

    spec = APISpec(
        title="Partner Center REST API (mca-sandbox)",
        version="v1",
        openapi_version="3.0.3",
        plugins=[MarshmallowPlugin()],
        info={"description": "The sandbox's Partner Center operations around the Microsoft Customer Agreement. "
                             "Get a token from /{tenant}/oauth2/token first."},
        # relative first: Swagger UI's "Try it out" then calls the host the page came from (no CORS)
        servers=[{"url": "/", "description": "This sandbox, as reached"},
                 {"url": public_url.rstrip("/"), "description": "PUBLIC_URL"}],
    )
    spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"})
    for name, header in RESPONSE_HEADERS.items():
        spec.components.header(name, header)
    spec.components.schema("TokenErrorOut", TOKEN_ERROR)
    by_path: dict[str, dict] = defaultdict(dict)
    for op in REGISTRY.values():
        operation = {
            "operationId": op.id,
            "summary": op.summary,
            "description": f"Authentication: {op.auth}." + (f" Rules: {op.rule_ids}." if op.rule_ids else ""),
            "tags": ["Partner Center"],
            "security": [{"bearer": []}],
            "parameters": [_parameter(p) for p in (*op.params, *TRACKING_HEADERS)],
            "responses": _responses(op, ERRORS),
        }
        if op.body is not None:
            operation["requestBody"] = {"required": True, "content": _json(op.body)}
        by_path[op.path][op.method.lower()] = operation
    for path, operations in sorted(by_path.items()):
        spec.path(path=path, operations=operations)
    for version, path in (("v1", "/{tenant}/oauth2/token"), ("v2.0", "/{tenant}/oauth2/v2.0/token")):
        spec.path(path=path, operations={"post": {
            "operationId": f"token_{version.replace('.', '_')}",
            "summary": f"Get an access token (Entra ID {version} style)",
            "tags": ["Identity"],
            "parameters": [{"name": "tenant", "in": "path", "required": True, "schema": {"type": "string"},
                            "description": "The partner's tenant id or domain, common or organizations."}],
            "requestBody": {"required": True, "content": {"application/x-www-form-urlencoded": {"schema": schemas.TokenRequestIn}}},
            "responses": {"200": _response("The token.", schemas.TokenOut, 200),
                          **{str(status): _response(text, "TokenErrorOut", status)
                             for status, text in TOKEN_ERRORS.items()},
                          "default": _response("Any other error status a \"token\" fault rule answers with, in "
                                               "Entra's error body.", "TokenErrorOut", 0)},
        }})
    _sign_in_discovery(spec)
    return spec.to_dict()


def _sign_in_discovery(spec: APISpec) -> None:
    """The device code endpoints and what MSAL and ADAL read before asking for a token (the authorize
    endpoint and /devicelogin are pages, not in this document)."""
    tenant = {"name": "tenant", "in": "path", "required": True, "schema": {"type": "string"},
              "description": "The partner's tenant id or domain, common or organizations."}
    lookup_errors = {"400": _response("Unknown tenant: invalid_tenant 90002.", "TokenErrorOut", 400),
                     "404": _response("No such path (Entra's shape).", "TokenErrorOut", 404)}
    for version, path in (("v1", "/{tenant}/oauth2/devicecode"), ("v2.0", "/{tenant}/oauth2/v2.0/devicecode")):
        spec.path(path=path, operations={"post": {
            "operationId": f"devicecode_{version.replace('.', '_')}",
            "summary": f"Start a device code sign-in (Entra ID {version} style)",
            "tags": ["Identity"], "parameters": [tenant],
            "requestBody": {"required": True,
                            "content": {"application/x-www-form-urlencoded": {"schema": schemas.DeviceCodeRequestIn}}},
            "responses": {"200": _response("The user code, the device code and where the user signs in.",
                                           schemas.DeviceCodeOut, 200),
                          # no fault rules here: the token endpoint's 429 and 503 aren't this one's
                          **{str(status): _response(text, "TokenErrorOut", status)
                             for status, text in TOKEN_ERRORS.items() if status not in FAULT_ERRORS},
                          "404": lookup_errors["404"]},
        }})
    for version, path in (("v1", "/{tenant}/.well-known/openid-configuration"),
                          ("v2.0", "/{tenant}/v2.0/.well-known/openid-configuration")):
        spec.path(path=path, operations={"get": {
            "operationId": f"openid_configuration_{version.replace('.', '_')}",
            "summary": f"OpenID Connect discovery (Entra ID {version} style)", "tags": ["Identity"],
            "parameters": [tenant],
            "responses": {"200": _response("The sandbox's sign-in endpoints.", schemas.OpenIdConfigurationOut, 200),
                          **lookup_errors},
        }})
    for version, path in (("v1", "/{tenant}/discovery/keys"), ("v2.0", "/{tenant}/discovery/v2.0/keys")):
        spec.path(path=path, operations={"get": {
            "operationId": f"signing_keys_{version.replace('.', '_')}", "summary": "Token signing keys (none)",
            "tags": ["Identity"], "parameters": [tenant],
            "responses": {"200": _response("No public keys.", schemas.JwksOut, 200), **lookup_errors},
        }})
    spec.path(path="/common/userrealm/{user}", operations={"get": {
        "operationId": "user_realm", "summary": "User realm discovery (MSAL's and ADAL's password grant)",
        "tags": ["Identity"],
        "parameters": [{"name": "user", "in": "path", "required": True, "schema": {"type": "string"}},
                       {"name": "api-version", "in": "query", "schema": {"type": "string"}}],
        "responses": {"200": _response("Managed for a partner tenant's domain, else Unknown.", schemas.UserRealmOut, 200),
                      "404": lookup_errors["404"]},
    }})


@bp.get("/openapi.json")
def openapi_json():
    cached = current_app.extensions.get("openapi_spec")
    if cached is None:
        cached = current_app.extensions["openapi_spec"] = build_spec(current_app.config["PUBLIC_URL"])
    return jsonify(cached)


@bp.get("/docs")
def docs():
    return Response(DOCS_PAGE, mimetype="text/html")


@bp.get("/docs/<filename>")
def docs_static(filename: str):
    if filename not in _STATIC_FILES:
        raise HTTPNotFound()
    return send_from_directory(swagger_ui_path, filename, max_age=3600)


def init_docs(app: Flask) -> None:
    app.register_blueprint(bp)
