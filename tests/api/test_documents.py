"""The MCA template's download links (R-API-4, R-TPL-1, R-TPL-2) and the reseller relationship link."""

from __future__ import annotations

import io
import zipfile
from urllib.parse import parse_qs, urlsplit

import pytest

from .helpers import (
    CLOUD_TEMPLATE,
    MCA_TEMPLATE,
    advance_clock,
    assert_classic_error,
    bearer,
    request_token,
    set_clock,
)

PUBLIC_URL = "http://sandbox.test"


def document(client, headers, query="", template=MCA_TEMPLATE):
    return client.get(f"/v1/agreementtemplates/{template}/document{query}", headers=headers)


def local(url: str) -> str:
    """The path of a sandbox URL, to fetch it with the test client."""
    assert url.startswith(PUBLIC_URL + "/"), url
    return url.removeprefix(PUBLIC_URL)


@pytest.mark.parametrize(
    ("query", "country", "language"),
    [
        ("", "US", "en-US"),
        ("?country=DE&language=de-DE", "DE", "de-DE"),
        ("?country=DE", "DE", "en-US"),
        ("?country=DE&language=fr-FR", "DE", "en-US"),  # a language the country lacks falls back to en-US
        ("?country=CA&language=fr-FR", "CA", "fr-FR"),
        ("?language=de-DE", "US", "en-US"),
        ("?Country=NL&Language=nl-NL", "NL", "nl-NL"),
    ],
)
def test_country_and_language_rules_of_the_documented_table(client, headers, query, country, language):
    response = document(client, headers, query)

    assert response.status_code == 200, response.get_data(as_text=True)
    body = response.get_json()
    assert (body["country"], body["language"]) == (country, language)
    assert body["displayUri"].startswith(PUBLIC_URL + "/") and body["downloadUri"].startswith(PUBLIC_URL + "/")


@pytest.mark.parametrize("query", ["?country=XX", "?country=us", "?country=USA", "?country=" + "A" * 300, "?country=%00"])
def test_an_unknown_country_is_a_400(client, headers, query):
    assert_classic_error(document(client, headers, query), 400, 3000)


@pytest.mark.parametrize("template", [CLOUD_TEMPLATE, MCA_TEMPLATE.upper(), "not-a-template"])
def test_only_the_mca_template_has_a_document(client, headers, template):
    assert_classic_error(document(client, headers, template=template), 400, 3000)


def test_each_call_gives_a_new_link(client, headers):
    first, second = document(client, headers).get_json(), document(client, headers).get_json()
    assert first["displayUri"] != second["displayUri"] and first["downloadUri"] != second["downloadUri"]


def test_the_preview_is_a_page_for_that_country_and_language(client, headers):
    body = document(client, headers, "?country=DE&language=de-DE").get_json()
    page = client.get(local(body["displayUri"]))

    assert page.status_code == 200 and page.mimetype == "text/html"
    html = page.get_data(as_text=True)
    assert "Microsoft-Kundenvertrag" in html and "Germany" in html and "de-DE" in html
    assert 'lang="de-DE"' in html


def test_the_download_is_a_word_document(client, headers):
    body = document(client, headers, "?country=FR&language=fr-FR").get_json()
    response = client.get(local(body["downloadUri"]))

    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    assert 'filename="MicrosoftCustomerAgreement_FR_fr-FR.docx"' in response.headers["Content-Disposition"]
    with zipfile.ZipFile(io.BytesIO(response.data)) as archive:
        assert archive.testzip() is None
        assert {"[Content_Types].xml", "_rels/.rels", "word/document.xml"} <= set(archive.namelist())
        text = archive.read("word/document.xml").decode()
    assert "Contrat client Microsoft" in text and "France" in text


def test_links_expire_after_five_minutes_on_the_tenants_clock(client, tenant, headers):
    set_clock(client, tenant["id"], "2022-01-10T08:00:00+00:00")
    body = document(client, headers).get_json()

    advance_clock(client, tenant["id"], 299)
    assert client.get(local(body["displayUri"])).status_code == 200
    assert client.get(local(body["downloadUri"])).status_code == 200
    advance_clock(client, tenant["id"], 1)
    assert client.get(local(body["displayUri"])).status_code == 404
    assert client.get(local(body["downloadUri"])).status_code == 404


@pytest.mark.parametrize("token", ["unknown-token-unknown-token", "short", "x" * 200, "%00%00%00%00%00%00%00%00%00%00%00%00%00"])
def test_unknown_links_are_404(client, token):
    assert client.get(f"/documents/agreements/{token}/preview").status_code == 404
    assert client.get(f"/documents/agreements/{token}/download").status_code == 404


# --- the reseller relationship link (R-OPT2-REL-2) -----------------------------------------------


def test_the_relationship_request_url_keeps_the_real_path_on_the_sandbox(client, tenant, headers):
    response = client.get("/v1/customers/relationshiprequests", headers=headers)

    assert response.status_code == 200
    body = response.get_json()
    assert body["attributes"] == {"objectType": "RelationshipRequest"}
    url = urlsplit(body["url"])
    assert f"{url.scheme}://{url.netloc}" == PUBLIC_URL
    assert url.path == "/Adminportal/Home"
    assert url.fragment == "/BillingAccounts/partner-invitation"
    assert parse_qs(url.query) == {"invType": ["ResellerRelationship"], "partnerId": [tenant["id"]], "msppId": ["0"],
                                   "DAP": ["false"]}
    assert list(parse_qs(url.query)) == ["invType", "partnerId", "msppId", "DAP"]
    # opening it lands on the sandbox's admin center (its page, or its sign-in first)
    opened = client.get(f"{url.path}?{url.query}")
    assert opened.status_code in (200, 302, 303), opened.status_code
    assert opened.mimetype == "text/html"


def test_the_relationship_request_path_is_case_insensitive(client, headers):
    assert client.get("/v1/Customers/RelationshipRequests", headers=headers).status_code == 200


def test_an_indirect_resellers_link_names_its_provider(client):
    reseller = client.post("/_sandbox/tenants", json={"kind": "IndirectReseller", "customers": 0}).get_json()
    body = client.get("/v1/customers/relationshiprequests", headers=bearer(request_token(client, reseller))).get_json()
    query = parse_qs(urlsplit(body["url"]).query)
    assert query["invType"] == ["IndirectResellerRelationship"]
    assert query["partnerId"] == [reseller["provider"]["id"]] and query["indirectCSPId"] == [reseller["id"]]


@pytest.mark.parametrize("role", ["AdminAgent", "SalesAgent"])
def test_admin_and_sales_agents_may_request_a_relationship(client, tenant, role):
    """"Request a relationship with a customer": Appropriate roles Admin agent | Sales agent."""
    response = client.get("/v1/customers/relationshiprequests", headers=bearer(request_token(client, tenant, role)))
    assert response.status_code == 200 and response.get_json()["url"]


@pytest.mark.parametrize("role", ["GlobalAdmin", "BillingAdmin", "HelpdeskAgent"])
def test_other_roles_may_not_request_a_relationship(client, tenant, role):
    response = client.get("/v1/customers/relationshiprequests", headers=bearer(request_token(client, tenant, role)))
    body = assert_classic_error(response, 403, 900150)
    assert body["description"] == (
        "The supplied role does not have the rights to perform the requested operation. "
        "Only an Admin agent or a Sales agent can request a reseller relationship."
    )
    assert "url" not in body


def test_an_indirect_resellers_roles_apply_to_its_relationship_requests(client):
    reseller = client.post("/_sandbox/tenants", json={"kind": "IndirectReseller", "customers": 0}).get_json()
    helpdesk = client.get("/v1/customers/relationshiprequests", headers=bearer(request_token(client, reseller, "HelpdeskAgent")))
    assert_classic_error(helpdesk, 403, 900150)
    sales = client.get("/v1/customers/relationshiprequests", headers=bearer(request_token(client, reseller, "SalesAgent")))
    assert sales.status_code == 200
