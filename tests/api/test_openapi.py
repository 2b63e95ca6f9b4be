"""The OpenAPI document generated from the schemas, and Swagger UI served from local files."""

from __future__ import annotations

import re

import pytest

from sandbox.web.api.operations import REGISTRY

from .helpers import token_form

DOCUMENTED_PATHS = {
    ("get", "/v1/agreements"),
    ("post", "/v1/customers/{customer-tenant-id}/agreements"),
    ("get", "/v1/customers/{customer-tenant-id}/agreements"),
    ("get", "/v1/agreementtemplates/{agreement-template-id}/document"),
    ("get", "/v1/customers/{customer-tenant-id}/directSignedMicrosoftCustomerAgreementStatus"),
    ("post", "/v1/customers"),
    ("get", "/v1/customers"),
    ("get", "/v1/customers/{customer-tenant-id}"),
    ("get", "/v1/customers/{customer-tenant-id}/profiles/company"),
    ("get", "/v1/customers/{customer-tenant-id}/profiles/billing"),
    ("get", "/v1/customers/relationshiprequests"),
    ("post", "/v1/customers/{customer-tenant-id}/orders"),
    ("get", "/v1/customers/{customer-tenant-id}/orders"),
    ("get", "/v1/customers/{customer-tenant-id}/orders/{order-id}"),
    ("get", "/v1/customers/{customer-tenant-id}/subscriptions"),
    ("get", "/v1/customers/{customer-tenant-id}/subscriptions/{subscription-id}"),
    ("patch", "/v1/customers/{customer-tenant-id}/subscriptions/{subscription-id}"),
    ("post", "/{tenant}/oauth2/token"),
    ("post", "/{tenant}/oauth2/v2.0/token"),
    ("post", "/{tenant}/oauth2/devicecode"),
    ("post", "/{tenant}/oauth2/v2.0/devicecode"),
    ("get", "/{tenant}/.well-known/openid-configuration"),
    ("get", "/{tenant}/v2.0/.well-known/openid-configuration"),
    ("get", "/{tenant}/discovery/keys"),
    ("get", "/{tenant}/discovery/v2.0/keys"),
    ("get", "/common/userrealm/{user}"),
}


# the sign-in endpoints answer as Entra ID does: snake_case
ENTRA_SHAPES = {"TokenOut", "TokenErrorOut", "DeviceCodeOut", "OpenIdConfigurationOut", "JwksOut", "UserRealmOut"}


def test_the_openapi_document_lists_every_operation_with_its_schemas(client):
    response = client.get("/openapi.json")

    assert response.status_code == 200
    spec = response.get_json()
    assert spec["openapi"].startswith("3.")
    listed = {(method, path) for path, ops in spec["paths"].items() for method in ops}
    assert listed == DOCUMENTED_PATHS
    assert {op["operationId"] for ops in spec["paths"].values() for op in ops.values()} >= set(REGISTRY)
    schemas = spec["components"]["schemas"]
    assert spec["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"

    create = spec["paths"]["/v1/customers/{customer-tenant-id}/agreements"]["post"]
    assert create["requestBody"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/AgreementIn"}
    assert set(schemas["AgreementIn"]["required"]) == {"primaryContact", "templateId", "dateAgreed", "type"}
    conflict = create["responses"]["409"]["content"]["application/json"]["schema"]["oneOf"]  # 600061, or a twin in flight
    assert conflict == [{"$ref": "#/components/schemas/ExtendedErrorOut"}, {"$ref": "#/components/schemas/ErrorOut"}]
    assert set(schemas["AgreementOut"]["properties"]) >= {"userId", "primaryContact", "templateId", "dateAgreed", "type"}
    assert set(schemas["ErrorOut"]["properties"]) == {"code", "description", "data", "source"}
    for name, schema in schemas.items():  # output schemas are camelCase, as on the wire
        if name.endswith("Out") and name not in ENTRA_SHAPES:
            assert all(re.match(r"^[a-z][A-Za-z0-9]*$", prop) for prop in schema.get("properties", {})), name
    # every $ref resolves
    for ref in re.findall(r'"\$ref": "#/components/schemas/([^"]+)"', response.get_data(as_text=True)):
        assert ref in schemas


def test_every_pattern_is_one_a_javascript_validator_compiles(client):
    """OpenAPI's patterns are ECMA-262 regular expressions: Python's \\Z (which jsonschema_rs refused, and with it
    the whole document) or a (?P<name>) group have no place in them."""
    patterns = []

    def collect(node):
        if isinstance(node, dict):
            patterns.extend(value for key, value in node.items() if key == "pattern")
            for value in node.values():
                collect(value)
        elif isinstance(node, list):
            for value in node:
                collect(value)

    collect(client.get("/openapi.json").get_json())
    assert patterns
    assert [p for p in patterns if any(python_only in p for python_only in ("\\Z", "\\A", "(?P<", "(?i", "\\z"))] == []


def test_the_role_limited_operations_name_their_403s(client):
    paths = client.get("/openapi.json").get_json()["paths"]
    for method, path, roles in (
        ("post", "/v1/customers/{customer-tenant-id}/agreements", "Admin agent or Sales agent"),
        ("post", "/v1/customers", "Global admin, an Admin agent or a Sales agent"),
        ("get", "/v1/customers/relationshiprequests", "Admin agent or Sales agent"),
    ):
        forbidden = paths[path][method]["responses"]["403"]
        assert forbidden["description"].startswith("900150 for ") and roles in forbidden["description"], path
        assert forbidden["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/ErrorOut"}


def test_the_server_is_relative_so_that_try_it_out_calls_the_host_the_page_came_from(client):
    assert client.get("/openapi.json").get_json()["servers"][0]["url"] == "/"


ERROR_REF = {"$ref": "#/components/schemas/ErrorOut"}


def test_every_operation_documents_the_wire_s_own_errors_and_headers(client):
    spec = client.get("/openapi.json").get_json()
    for path, ops in spec["paths"].items():
        if not path.startswith("/v1/"):
            continue
        for method, op in ops.items():
            responses = op["responses"]
            expected = {"401", "429", "503"} | ({"413", "415"} if "requestBody" in op else set())
            expected |= {"409"} if method in ("post", "patch") else set()
            assert expected <= set(responses), (method, path)
            for status in expected - {"409"}:
                assert responses[status]["content"]["application/json"]["schema"] == ERROR_REF, (method, path, status)
            for status, response in responses.items():
                assert {"MS-RequestId", "MS-CorrelationId"} <= set(response["headers"]), (method, path, status)
            assert "Retry-After" in responses["429"]["headers"] and "Retry-After" in responses["503"]["headers"]
    assert spec["components"]["headers"]["Retry-After"]["schema"]["type"] == "integer"


def test_an_unsupported_content_type_is_answered_as_documented(client, headers, customer_id):
    response = client.post(f"/v1/customers/{customer_id}/orders", data="quantity=1", headers=headers,
                           content_type="application/x-www-form-urlencoded")
    assert response.status_code == 415
    spec = client.get("/openapi.json").get_json()
    documented = spec["paths"]["/v1/customers/{customer-tenant-id}/orders"]["post"]["responses"]["415"]
    schema = spec["components"]["schemas"][documented["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]]
    assert set(response.get_json()) == set(schema["required"])
    assert set(documented["headers"]) <= set(response.headers.keys())


@pytest.mark.parametrize(("segment", "status"), [("00000000-0000-0000-0000-000000000000", 400), ("TENANT", 401)])
def test_the_token_endpoint_s_errors_are_described_as_entra_answers_them(client, tenant, segment, status):
    form = {"grant_type": "client_credentials", "client_id": tenant["application"]["clientId"],
            "client_secret": "wrong", "resource": "https://api.partnercenter.microsoft.com"}
    response = client.post(f"/{segment.replace('TENANT', tenant['id'])}/oauth2/token", data=form)
    assert response.status_code == status
    spec = client.get("/openapi.json").get_json()
    for path in ("/{tenant}/oauth2/token", "/{tenant}/oauth2/v2.0/token"):
        documented = spec["paths"][path]["post"]["responses"][str(status)]["content"]["application/json"]["schema"]
        assert documented == {"$ref": "#/components/schemas/TokenErrorOut"}
    schema = spec["components"]["schemas"]["TokenErrorOut"]
    body = response.get_json()
    assert set(schema["required"]) <= set(body) <= set(schema["properties"])
    assert body["error"] in schema["properties"]["error"]["enum"]


@pytest.mark.parametrize("role", ["AdminAgent", None])
@pytest.mark.parametrize("version", ["oauth2/token", "oauth2/v2.0/token"])
def test_every_token_answer_fits_its_documented_schema(client, tenant, role, version):
    form = token_form(tenant, role)
    if version.endswith("v2.0/token"):
        form = {**{k: v for k, v in form.items() if k != "resource"}, "scope": "https://api.partnercenter.microsoft.com/.default"}
    response = client.post(f"/{tenant['id']}/{version}", data=form)
    assert response.status_code == 200, response.get_data(as_text=True)
    spec = client.get("/openapi.json").get_json()
    schema = spec["components"]["schemas"]["TokenOut"]
    body = response.get_json()
    assert set(schema["required"]) <= set(body) <= set(schema["properties"]), sorted(set(body) - set(schema["properties"]))


def test_swagger_ui_is_served_from_local_files(client):
    page = client.get("/docs")
    assert page.status_code == 200 and page.mimetype == "text/html"
    html = page.get_data(as_text=True)
    assert "/openapi.json" in html
    assert not re.search(r'(src|href)="https?://', html)  # no CDN
    for asset in re.findall(r'(?:src|href)="(/docs/[^"]+)"', html):
        assert client.get(asset).status_code == 200, asset
    assert "SwaggerUIBundle" in client.get("/docs/swagger-ui-bundle.js").get_data(as_text=True)
    assert client.get("/docs/../../etc/passwd").status_code == 404
    assert client.get("/docs/index.j2").status_code == 404


def test_a_pending_device_code_is_described_as_entra_answers_it(client, tenant):
    """The device code grant's authorization_pending (and expired_token) are in the documented error body."""
    app_ = tenant["application"]
    started = client.post(f"/{tenant['id']}/oauth2/v2.0/devicecode", data={
        "client_id": app_["clientId"], "scope": "https://api.partnercenter.microsoft.com/user_impersonation"}).get_json()
    pending = client.post(f"/{tenant['id']}/oauth2/v2.0/token", data={
        "grant_type": "urn:ietf:params:oauth:grant-type:device_code", "client_id": app_["clientId"],
        "device_code": started["device_code"]})
    assert pending.status_code == 400
    schema = client.get("/openapi.json").get_json()["components"]["schemas"]["TokenErrorOut"]
    assert pending.get_json()["error"] == "authorization_pending" and "expired_token" in schema["properties"]["error"]["enum"]
    assert pending.get_json()["error"] in schema["properties"]["error"]["enum"]


def test_fault_answers_are_listed_where_fault_rules_apply_and_nowhere_else(client):
    """429 and 503 come from fault rules: every /v1 operation and the token endpoints; the device code endpoint
    has none (docs/fidelity-api.md), so the document doesn't promise them there."""
    paths = client.get("/openapi.json").get_json()["paths"]
    for path in ("/{tenant}/oauth2/token", "/{tenant}/oauth2/v2.0/token", "/v1/customers/{customer-tenant-id}/agreements"):
        assert {"429", "503"} <= set(paths[path]["post"]["responses"]), path
    for path in ("/{tenant}/oauth2/devicecode", "/{tenant}/oauth2/v2.0/devicecode"):
        assert not {"429", "503"} & set(paths[path]["post"]["responses"]), path
        assert "default" not in paths[path]["post"]["responses"], path


def test_a_fault_rules_other_statuses_fit_the_document(client, tenant, headers):
    """A rule may answer 500, 502, 504...: a client validating answers against /openapi.json takes them as
    its `default` response (the classic error body), on every /v1 operation and the token endpoints."""
    spec = client.get("/openapi.json").get_json()
    for path, operations in spec["paths"].items():
        for method, op in operations.items():
            if path.startswith("/v1/") or path.endswith("/token"):
                assert "default" in op["responses"], (method, path)
    assert client.post(f"/_sandbox/tenants/{tenant['id']}/faults", json={"operation": "getAgreementMetadata",
                                                                          "status": 504, "count": 1}).status_code == 201
    response = client.get("/v1/agreements", headers=headers)
    assert response.status_code == 504
    default = spec["paths"]["/v1/agreements"]["get"]["responses"]["default"]
    assert default["content"]["application/json"]["schema"] == ERROR_REF
    assert {"code", "description", "source"} <= set(response.get_json())


def test_the_list_s_parameters_carry_their_limits(client):
    """Generated clients and schema-driven fuzzers see what the server refuses (size over 500 is a 400)."""
    params = {p["name"]: p for p in client.get("/openapi.json").get_json()["paths"]["/v1/customers"]["get"]["parameters"]}
    assert params["size"]["schema"] == {"type": "integer", "minimum": 0, "maximum": 500}
    assert params["seekOperation"]["schema"]["enum"] == ["Next", "First"]
