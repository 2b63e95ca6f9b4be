"""Customers: create (userCredentials once), get by id, list with paging, indirect resellers."""

from __future__ import annotations

import uuid

import pytest

from .helpers import assert_classic_error, bearer, customer_body, follow, request_token

DOTNET_SDK_BODY = """{
  "Id": null, "CommerceId": null,
  "CompanyProfile": {"TenantId": null, "Domain": "%(domain)s", "CompanyName": null,
                     "Attributes": {"ObjectType": "CustomerCompanyProfile"}},
  "BillingProfile": {"Id": null, "FirstName": null, "LastName": null, "Email": "Gena@wingtiptoys.com", "Culture": "EN-US",
    "Language": "En", "CompanyName": "Wingtip Toys678152504",
    "DefaultAddress": {"Country": "US", "Region": null, "City": "Redmond", "State": "WA", "AddressLine1": "One Microsoft Way",
      "AddressLine2": null, "PostalCode": "98052", "FirstName": "Gena", "LastName": "Soto", "PhoneNumber": "4255550101"},
    "Attributes": {"ObjectType": "CustomerBillingProfile"}},
  "RelationshipToPartner": "none", "AllowDelegatedAccess": null, "UserCredentials": null, "CustomDomains": null,
  "AssociatedPartnerId": %(associated)s, "Attributes": {"ObjectType": "Customer"}
}"""


def create(client, headers, body=None, **kwargs):
    return client.post("/v1/customers", headers=headers, json=body if body is not None else customer_body(), **kwargs)


def test_creating_a_customer_answers_201_with_credentials_once(client, headers):
    body = customer_body()
    response = create(client, headers, body)

    assert response.status_code == 201, response.get_data(as_text=True)
    created = response.get_json()
    assert created["id"] == created["companyProfile"]["tenantId"]
    assert created["companyProfile"]["domain"] == body["companyProfile"]["domain"]
    assert created["companyProfile"]["attributes"] == {"objectType": "CustomerCompanyProfile"}
    billing = created["billingProfile"]
    assert billing["culture"] == "en-US" and billing["language"] == "en" and billing["companyName"] == "Test Company"
    assert billing["defaultAddress"]["city"] == "Redmond" and billing["defaultAddress"]["phoneNumber"] == ""
    assert billing["attributes"]["objectType"] == "CustomerBillingProfile" and billing["attributes"]["etag"]
    assert created["relationshipToPartner"] == "reseller"
    assert created["attributes"] == {"objectType": "Customer"}
    credentials = created["userCredentials"]
    assert credentials["userName"].endswith("@" + body["companyProfile"]["domain"]) and len(credentials["password"]) >= 8

    fetched = client.get(f"/v1/customers/{created['id']}", headers=headers).get_json()
    assert "userCredentials" not in fetched
    assert fetched["allowDelegatedAccess"] is True
    assert fetched["links"]["self"] == {"uri": f"/customers/{created['id']}", "method": "GET", "headers": []}
    assert fetched["customDomains"] == [body["companyProfile"]["domain"]]


def test_app_only_tokens_may_create_and_read_customers(client, app_only_headers, customer_id):
    assert create(client, app_only_headers).status_code == 201
    assert client.get(f"/v1/customers/{customer_id}", headers=app_only_headers).status_code == 200
    assert client.get("/v1/customers?size=10", headers=app_only_headers).status_code == 200


@pytest.mark.parametrize("role", ["GlobalAdmin", "AdminAgent", "SalesAgent"])
def test_a_global_admin_an_admin_agent_and_a_sales_agent_may_create_customers(client, tenant, role):
    """"Add a new customer": Appropriate roles Global admin | User management admin | Admin agent | Sales agent."""
    assert create(client, bearer(request_token(client, tenant, role))).status_code == 201


@pytest.mark.parametrize("role", ["BillingAdmin", "HelpdeskAgent"])
def test_other_roles_may_not_create_customers_and_nothing_is_created(client, tenant, headers, role):
    before = client.get("/v1/customers", headers=headers).get_json()["totalCount"]
    body = customer_body()
    error = assert_classic_error(create(client, bearer(request_token(client, tenant, role)), body), 403, 900150)
    assert error["description"] == (
        "The supplied role does not have the rights to perform the requested operation. "
        "Only a Global admin, an Admin agent or a Sales agent can add customers."
    )
    assert client.get("/v1/customers", headers=headers).get_json()["totalCount"] == before
    assert create(client, headers, body).status_code == 201  # the domain is still free


def test_the_dotnet_sdk_body_with_pascal_case_and_nulls_is_accepted(client, headers):
    domain = f"wingtiptoys{uuid.uuid4().hex[:8]}.onmicrosoft.com"
    raw = DOTNET_SDK_BODY % {"domain": domain, "associated": "null"}
    sdk_headers = {**headers, "MS-PartnerCenter-Client": "Partner Center .NET SDK", "Content-Type": "application/json"}
    response = client.post("/v1/customers", headers=sdk_headers, data=raw)

    assert response.status_code == 201, response.get_data(as_text=True)
    created = response.get_json()
    assert created["billingProfile"]["culture"] == "en-US"  # EN-US normalised, as Partner Center does
    assert created["billingProfile"]["defaultAddress"]["phoneNumber"] == "4255550101"
    assert "associatedPartnerId" not in created


def test_the_documented_example_with_trailing_commas_is_accepted(client, headers):
    domain = f"xyz{uuid.uuid4().hex[:8]}.ccsctp.net"
    raw = (
        '{"CompanyProfile": {"Domain": "DOMAIN",}, "BillingProfile": {"Culture": "EN-US", "Email": "test@outlook.com", '
        '"Language": "en", "CompanyName": "test company", "DefaultAddress": {"FirstName": "Test", "LastName": "Test", '
        '"AddressLine1": "One Microsoft Way", "City": "Redmond", "State": "WA", "PostalCode": "98052", "Country": "US",}}}'
    ).replace("DOMAIN", domain)
    response = client.post("/v1/customers", headers=headers, data=raw, content_type="application/json")
    assert response.status_code == 201, response.get_data(as_text=True)


def test_a_taken_domain_is_refused_and_nothing_is_created(client, headers):
    body = customer_body()
    assert create(client, headers, body).status_code == 201
    before = client.get("/v1/customers?size=500", headers=headers).get_json()["totalCount"]
    assert_classic_error(create(client, headers, body), 400, 3000)
    assert client.get("/v1/customers?size=500", headers=headers).get_json()["totalCount"] == before


def test_a_partner_tenants_domain_or_microsofts_own_is_not_a_new_customers(client, tenant, headers):
    """A domain is one tenant's: a partner's own (this sandbox tenant's or another's) is taken, as is Microsoft's;
    else the customer's admin would sign in as a user of the partner's directory (user realm)."""
    other = client.post("/_sandbox/tenants", json={"customers": 0}).get_json()
    partner_domain = tenant["users"][0]["userName"].split("@")[1]
    other_domain = other["users"][0]["userName"].split("@")[1]
    before = client.get("/v1/customers?size=500", headers=headers).get_json()["totalCount"]
    for domain in (partner_domain, other_domain.upper(), "onmicrosoft.com", "microsoft.com", "admin.microsoft.com",
                   "contoso.windows.net"):
        body = assert_classic_error(create(client, headers, customer_body(domain)), 400, 3000)
        assert "isn't available" in body["description"], body
    assert client.get("/v1/customers?size=500", headers=headers).get_json()["totalCount"] == before
    assert create(client, headers, customer_body("microsoftfans.onmicrosoft.com")).status_code == 201


def test_country_rules_of_the_profile_are_extended_errors(client, headers):
    body = customer_body()
    body["billingProfile"]["defaultAddress"]["country"] = "HU"
    response = create(client, headers, body)
    assert response.status_code == 400
    assert response.get_json()["code"] == 600049 and response.get_json()["errorName"]


def _bad(path: str, value):
    body = customer_body()
    target = body
    *parents, last = path.split(".")
    for key in parents:
        target = target[key]
    if value is KeyError:
        del target[last]
    else:
        target[last] = value
    return body


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"companyProfile": {"domain": "x.onmicrosoft.com"}},
        _bad("companyProfile.domain", "not a domain"),
        _bad("companyProfile.domain", "ünïcode.onmicrosoft.com"),
        _bad("companyProfile.domain", "a" * 300 + ".com"),
        _bad("companyProfile.domain", KeyError),
        _bad("companyProfile.unknownField", 1),
        _bad("billingProfile.email", "nope"),
        _bad("billingProfile.culture", 12),
        _bad("billingProfile.culture", None),
        _bad("billingProfile.companyName", "C" * 256),
        _bad("billingProfile.defaultAddress", None),
        _bad("billingProfile.defaultAddress.country", "USA"),
        _bad("billingProfile.defaultAddress.country", "u\u017f"),  # a long s: "uſ".upper() is "US"
        _bad("billingProfile.defaultAddress.country", "\u0131t"),  # a dotless i: "ıt".upper() is "IT"
        _bad("billingProfile.defaultAddress.city", KeyError),
        _bad("billingProfile.defaultAddress.addressLine1", "line\nbreak"),
        _bad("billingProfile.defaultAddress.postalCode", ["98052"]),
        _bad("associatedPartnerId", "not-a-guid"),
        _bad("surprise", True),
    ],
)
def test_invalid_customers_are_400_and_nothing_is_created(client, headers, body):
    before = client.get("/v1/customers?size=500", headers=headers).get_json()["totalCount"]
    error = assert_classic_error(create(client, headers, body), 400, 800002)
    assert error["data"]
    assert client.get("/v1/customers?size=500", headers=headers).get_json()["totalCount"] == before


@pytest.mark.parametrize(("given", "kept"), [("EN-US", "en-US"), ("zh-Hans-CN", "zh-Hans-CN"), ("ZH-HANS-CN", "zh-Hans-CN"),
                                             ("fr", "fr"), ("es-419", "es-419")])
def test_a_culture_is_kept_in_a_language_tags_usual_case(client, headers, given, kept):
    created = create(client, headers, _bad("billingProfile.culture", given))
    assert created.status_code == 201, created.get_data(as_text=True)
    assert created.get_json()["billingProfile"]["culture"] == kept


def test_an_unsupported_country_is_a_400(client, headers):
    assert_classic_error(create(client, headers, _bad("billingProfile.defaultAddress.country", "XX")), 400, 3000)


def test_get_customer_errors(client, headers):
    assert_classic_error(client.get("/v1/customers/not-a-guid", headers=headers), 400, 900118)
    assert_classic_error(client.get(f"/v1/customers/{uuid.uuid4()}", headers=headers), 404, 1000)
    other = client.post("/_sandbox/tenants", json={"customers": 1}).get_json()
    assert_classic_error(client.get(f"/v1/customers/{other['customers'][0]['id']}", headers=headers), 404, 1000)


def test_every_link_of_a_customer_resolves_to_what_the_customer_shows(client, headers, app_only_headers):
    created = create(client, headers).get_json()
    fetched = client.get(f"/v1/customers/{created['id']}", headers=headers).get_json()
    listed = next(c for c in client.get("/v1/customers", headers=headers).get_json()["items"] if c["id"] == created["id"])
    for reader in (headers, app_only_headers):
        for shown in (created, fetched, listed):
            assert follow(client, reader, shown["links"]["self"]) == fetched
            # the profiles as the customer by id shows them (its company profile with address and e-mail)
            assert follow(client, reader, shown["companyProfile"]["links"]["self"]) == fetched["companyProfile"]
            assert follow(client, reader, shown["billingProfile"]["links"]["self"]) == fetched["billingProfile"]
    company = fetched["companyProfile"]
    assert company["attributes"] == {"objectType": "CustomerCompanyProfile"} and {"address", "email"} <= set(company)
    assert company["tenantId"] == created["id"] and company["domain"] == created["companyProfile"]["domain"]
    billing = fetched["billingProfile"]
    assert billing["attributes"]["objectType"] == "CustomerBillingProfile" and billing["attributes"]["etag"]


@pytest.mark.parametrize("profile", ["company", "billing"])
def test_profile_errors(client, headers, profile):
    assert_classic_error(client.get(f"/v1/customers/not-a-guid/profiles/{profile}", headers=headers), 400, 900118)
    assert_classic_error(client.get(f"/v1/customers/{uuid.uuid4()}/profiles/{profile}", headers=headers), 404, 1000)
    other = client.post("/_sandbox/tenants", json={"customers": 1}).get_json()
    foreign = other["customers"][0]["id"]
    assert_classic_error(client.get(f"/v1/customers/{foreign}/profiles/{profile}", headers=headers), 404, 1000)


def test_listing_pages_through_ms_continuation_token(client, tenant, headers):
    for _ in range(2):
        assert create(client, headers).status_code == 201
    seen: list[str] = []
    response = client.get("/v1/customers?size=2", headers=headers)
    while True:
        assert response.status_code == 200
        page = response.get_json()
        assert page["attributes"] == {"objectType": "Collection"}
        assert page["totalCount"] == len(page["items"]) <= 2
        assert all(item["attributes"]["objectType"] == "Customer" and "allowDelegatedAccess" not in item for item in page["items"])
        seen += [item["id"] for item in page["items"]]
        if "next" not in page["links"]:
            assert "continuationToken" not in page
            break
        nxt = page["links"]["next"]
        assert nxt["headers"][0] == {"key": "MS-ContinuationToken", "value": page["continuationToken"]}
        response = client.get(nxt["uri"], headers={**headers, "MS-ContinuationToken": page["continuationToken"]})
    assert len(seen) == len(set(seen)) == len(tenant["customers"]) + 2


def test_list_defaults_and_links(client, headers, tenant):
    page = client.get("/v1/customers", headers=headers).get_json()
    assert page["totalCount"] == len(tenant["customers"])
    assert page["links"]["self"]["uri"] == "/v1/customers?size=200"


@pytest.mark.parametrize("size", ["-1", "abc", "501", "1.5", "9" * 30])
def test_an_invalid_page_size_is_400(client, headers, size):
    assert_classic_error(client.get(f"/v1/customers?size={size}", headers=headers), 400, 800002)


@pytest.mark.parametrize("continuation", ["!!!", "bm90LWEtdG9rZW4", "x" * 3000, "AA", "AB8A", "ünï"])
def test_an_invalid_continuation_token_is_400(client, headers, continuation):
    response = client.get("/v1/customers?size=1&seekOperation=Next", headers={**headers, "MS-ContinuationToken": continuation})
    assert_classic_error(response, 400)


def test_a_partner_never_lists_another_partners_customers(client, headers, tenant):
    other = client.post("/_sandbox/tenants", json={"customers": 2}).get_json()
    ids = {item["id"] for item in client.get("/v1/customers", headers=headers).get_json()["items"]}
    assert ids == {c["id"] for c in tenant["customers"]}
    assert not ids & {c["id"] for c in other["customers"]}


# --- indirect providers and resellers -----------------------------------------------------------


@pytest.fixture
def reseller_tenant(client):
    """An indirect reseller and its indirect provider (``provider``), one customer between them."""
    return client.post("/_sandbox/tenants", json={"kind": "IndirectReseller", "customers": 1}).get_json()


def test_an_indirect_provider_creates_a_customer_for_its_reseller(client, reseller_tenant):
    provider = bearer(request_token(client, reseller_tenant["provider"]))
    body = {**customer_body(), "associatedPartnerId": reseller_tenant["id"]}
    response = create(client, provider, body)

    assert response.status_code == 201, response.get_data(as_text=True)
    created = response.get_json()
    assert created["associatedPartnerId"] == reseller_tenant["id"]
    # the reseller sees it too, and so does the provider's list
    reseller = bearer(request_token(client, reseller_tenant))
    assert client.get(f"/v1/customers/{created['id']}", headers=reseller).get_json()["associatedPartnerId"] == reseller_tenant["id"]
    assert created["id"] in {c["id"] for c in client.get("/v1/customers", headers=provider).get_json()["items"]}


def test_creating_for_a_reseller_needs_app_user_and_a_real_partnership(client, reseller_tenant, tenant):
    provider_app = bearer(request_token(client, reseller_tenant["provider"], None))
    body = {**customer_body(), "associatedPartnerId": reseller_tenant["id"]}
    assert_classic_error(create(client, provider_app, body), 403, 2032)

    provider = bearer(request_token(client, reseller_tenant["provider"]))
    stranger = {**customer_body(), "associatedPartnerId": tenant["id"]}
    assert_classic_error(create(client, provider, stranger), 400, 3000)


def test_only_an_indirect_provider_sets_an_associated_partner(client, reseller_tenant, headers):
    """The docs: "This value can be set only by indirect CSP partners": a direct-bill partner is told so,
    not that the reseller lacks a partnership with it."""
    body = {**customer_body(), "associatedPartnerId": reseller_tenant["id"]}
    error = assert_classic_error(create(client, headers, body), 400, 3000)
    assert "only by an indirect provider" in error["description"]


def test_a_providers_helpdesk_agent_may_not_create_a_customer_for_its_reseller(client, reseller_tenant):
    helpdesk = bearer(request_token(client, reseller_tenant["provider"], "HelpdeskAgent"))
    body = {**customer_body(), "associatedPartnerId": reseller_tenant["id"]}
    assert_classic_error(create(client, helpdesk, body), 403, 900150)


def test_an_indirect_reseller_cannot_create_customers(client, reseller_tenant):
    reseller = bearer(request_token(client, reseller_tenant))
    assert_classic_error(create(client, reseller), 403, 2032)


def test_the_dotnet_sdk_body_for_an_indirect_reseller(client, reseller_tenant):
    provider = bearer(request_token(client, reseller_tenant["provider"]), **{"Content-Type": "application/json"})
    raw = DOTNET_SDK_BODY % {"domain": f"wt{uuid.uuid4().hex[:8]}.onmicrosoft.com", "associated": f'"{reseller_tenant["id"]}"'}
    response = client.post("/v1/customers", headers=provider, data=raw)
    assert response.status_code == 201, response.get_data(as_text=True)
    assert response.get_json()["associatedPartnerId"] == reseller_tenant["id"]
