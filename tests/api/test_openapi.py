"""The OpenAPI document generated from the schemas, and Swagger UI served from local files."""

from __future__ import annotations

import re

from sandbox.web.api.operations import REGISTRY

DOCUMENTED_PATHS = {
    ("get", "/v1/agreements"),
    ("post", "/v1/customers/{customer-tenant-id}/agreements"),
    ("get", "/v1/customers/{customer-tenant-id}/agreements"),
    ("get", "/v1/agreementtemplates/{agreement-template-id}/document"),
    ("get", "/v1/customers/{customer-tenant-id}/directSignedMicrosoftCustomerAgreementStatus"),
    ("post", "/v1/customers"),
    ("get", "/v1/customers"),
    ("get", "/v1/customers/{customer-tenant-id}"),
    ("get", "/v1/customers/relationshiprequests"),
    ("post", "/v1/customers/{customer-tenant-id}/orders"),
    ("get", "/v1/customers/{customer-tenant-id}/subscriptions"),
    ("patch", "/v1/customers/{customer-tenant-id}/subscriptions/{subscription-id}"),
    ("post", "/{tenant}/oauth2/token"),
    ("post", "/{tenant}/oauth2/v2.0/token"),
}


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
    assert create["responses"]["409"]["content"]["application/json"]["schema"]["$ref"].endswith("ExtendedErrorOut")
    assert set(schemas["AgreementOut"]["properties"]) >= {"userId", "primaryContact", "templateId", "dateAgreed", "type"}
    assert set(schemas["ErrorOut"]["properties"]) == {"code", "description", "data", "source"}
    for name, schema in schemas.items():  # output schemas are camelCase, as on the wire
        if name.endswith("Out") and not name.startswith("Token"):
            assert all(re.match(r"^[a-z][A-Za-z0-9]*$", prop) for prop in schema.get("properties", {})), name
    # every $ref resolves
    for ref in re.findall(r'"\$ref": "#/components/schemas/([^"]+)"', response.get_data(as_text=True)):
        assert ref in schemas


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
