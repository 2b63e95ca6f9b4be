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
from .operations import REGISTRY, Param

bp = Blueprint("api_docs", __name__)

TRACKING_HEADERS = (
    Param("MS-RequestId", "header", "Idempotency: a retry with the same id and body gets the first answer. Generated when absent."),
    Param("MS-CorrelationId", "header", "Echoed; generated when absent."),
    Param("MS-PartnerCenter-Client", "header", "'Partner Center .NET SDK' marks the .NET SDK (R-TL-3)."),
)
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
<div id="swagger-ui"></div>
<script src="/docs/swagger-ui-bundle.js"></script>
<script src="/docs/swagger-ui-standalone-preset.js"></script>
<script>
window.onload = function () {
  window.ui = SwaggerUIBundle({
    url: "/openapi.json",
    dom_id: "#swagger-ui",
    deepLinking: true,
    validatorUrl: null,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
    layout: "StandaloneLayout"
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


def build_spec(public_url: str) -> dict:
    from .views import ERRORS

    spec = APISpec(
        title="Partner Center REST API (mca-sandbox)",
        version="v1",
        openapi_version="3.0.3",
        plugins=[MarshmallowPlugin()],
        info={"description": "The sandbox's Partner Center operations around the Microsoft Customer Agreement. "
                             "Get a token from /{tenant}/oauth2/token first."},
        servers=[{"url": public_url.rstrip("/")}],
    )
    spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"})
    by_path: dict[str, dict] = defaultdict(dict)
    for op in REGISTRY.values():
        responses = {str(status): {"description": text, "content": _json(schema)} if schema else {"description": text}
                     for status, (text, schema) in {**ERRORS, **op.responses}.items()}
        operation = {
            "operationId": op.id,
            "summary": op.summary,
            "description": f"Authentication: {op.auth}. Rules: {op.rule_ids}.",
            "tags": ["Partner Center"],
            "security": [{"bearer": []}],
            "parameters": [_parameter(p) for p in (*op.params, *TRACKING_HEADERS)],
            "responses": responses,
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
            "responses": {"200": {"description": "The token.", "content": _json(schemas.TokenOut)},
                          "400": {"description": "Entra ID error (invalid_request, invalid_grant, ...)."},
                          "401": {"description": "Entra ID error (invalid_client)."}},
        }})
    return spec.to_dict()


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
