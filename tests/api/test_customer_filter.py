"""GET /v1/customers?filter=: the partner's customers whose company name, domain or indirect reseller starts
with a value (``starts_with``, the one operation the customers endpoint supports), paged like the plain list."""

from __future__ import annotations

import json
from urllib.parse import quote

import pytest

from .helpers import assert_classic_error, bearer, customer_body, request_token


def search(client, headers, field: str, value: str, operator: str = "starts_with", size: int | None = None):
    raw = json.dumps({"Field": field, "Value": value, "Operator": operator})
    return client.get(f"/v1/customers?{f'size={size}&' if size else ''}filter={quote(raw)}", headers=headers)


@pytest.fixture
def partner(client) -> dict:
    return client.post("/_sandbox/tenants", json={"customers": 6}).get_json()


@pytest.fixture
def headers(client, partner) -> dict:
    return bearer(request_token(client, partner))


def test_company_name_and_domain_prefixes_find_only_the_customers_that_start_with_them(client, partner, headers):
    first = partner["customers"][0]
    by_name = search(client, headers, "CompanyName", first["companyName"][:4].upper())
    assert by_name.status_code == 200
    names = [c["companyProfile"]["companyName"] for c in by_name.get_json()["items"]]
    assert first["companyName"] in names
    assert all(name.casefold().startswith(first["companyName"][:4].casefold()) for name in names)

    prefix = first["domain"][:6]  # seeded domains may share it: every customer whose domain starts so is found
    expected = {c["id"] for c in partner["customers"] if c["domain"].casefold().startswith(prefix.casefold())}
    by_domain = search(client, headers, "domain", prefix, operator="STARTS_WITH")  # names in any case
    assert {c["id"] for c in by_domain.get_json()["items"]} == expected
    # a domain prefix is not a company name prefix
    prefix = first["domain"][:12]
    expected = {c["id"] for c in partner["customers"] if c["companyName"].casefold().startswith(prefix.casefold())}
    assert {c["id"] for c in search(client, headers, "CompanyName", prefix).get_json()["items"]} == expected


def test_the_dotnet_sdk_s_spelling_of_the_operator_is_the_same_filter(client, partner, headers):
    """The SDK's EnumJsonConverter writes FieldFilterOperation.StartsWith as "StartsWith" (Get-PartnerCustomer -Domain)."""
    first = partner["customers"][0]
    found = [search(client, headers, "Domain", first["domain"], operator=spelling) for spelling in ("StartsWith", "starts_with")]
    assert [r.status_code for r in found] == [200, 200]
    assert found[0].get_json()["items"] == found[1].get_json()["items"] != []


def test_a_filtered_list_pages_with_its_filter_in_the_next_link(client, partner, headers):
    for n in range(3):
        body = customer_body(domain=f"pagedfilter{n}.onmicrosoft.com")
        body["billingProfile"]["companyName"] = f"Zyxel Paging {n}"
        assert client.post("/v1/customers", headers=headers, json=body).status_code == 201
    first = search(client, headers, "CompanyName", "zyxel", size=2).get_json()
    assert [c["companyProfile"]["companyName"] for c in first["items"]] == ["Zyxel Paging 0", "Zyxel Paging 1"]
    following = first["links"]["next"]
    assert "filter=" in following["uri"] and "seekOperation=Next" in following["uri"]
    token = following["headers"][0]["value"]
    rest = client.get(following["uri"], headers={**headers, "MS-ContinuationToken": token}).get_json()
    assert [c["companyProfile"]["companyName"] for c in rest["items"]] == ["Zyxel Paging 2"]
    assert "next" not in rest["links"]


def test_an_indirect_provider_finds_its_resellers_customers(client):
    reseller = client.post("/_sandbox/tenants", json={"kind": "IndirectReseller", "customers": 0}).get_json()
    provider = bearer(request_token(client, reseller["provider"]))
    made = client.post("/v1/customers", headers=provider, json={**customer_body(), "associatedPartnerId": reseller["id"]})
    own = client.post("/v1/customers", headers=provider, json=customer_body(domain="providerown.onmicrosoft.com"))
    assert made.status_code == 201 and own.status_code == 201

    found = search(client, provider, "IndirectReseller", reseller["id"]).get_json()["items"]
    assert [c["id"] for c in found] == [made.get_json()["id"]]


@pytest.mark.parametrize("raw, code", [
    ("not json", 800002),
    ('["CompanyName", "a"]', 800002),
    ('{"Field": "CompanyName", "Value": "a"}', 800002),
    ('{"Field": "CompanyName", "Value": 5, "Operator": "starts_with"}', 800002),
    ('{"Field": "CompanyName", "Value": "a", "Operator": "contains"}', 3000),
    ('{"Field": "Country", "Value": "a", "Operator": "starts_with"}', 3000),
    ('{"Field": "Domain", "Value": "   ", "Operator": "starts_with"}', 3000),
    ('{"Field": "Domain", "Value": "' + "a" * 300 + '", "Operator": "starts_with"}', 3000),
    ('{"Field": "Domain", "Value": "a\\u0000b", "Operator": "starts_with"}', 3000),  # no NUL into a query
    ("{" * 3000, 800002),
])
def test_a_filter_that_cannot_be_used_is_a_400_in_partner_centers_shape(client, headers, raw, code):
    response = client.get(f"/v1/customers?filter={quote(raw)}", headers=headers)
    assert_classic_error(response, 400, code)
