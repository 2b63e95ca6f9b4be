"""GET /v1/customers paging as the .NET SDK drives it: ``size=0`` for a filter-only query, then
``seekOperation=Next`` with the MS-ContinuationToken alone; the token keeps its query and its partner."""

from __future__ import annotations

import base64
import json
from urllib.parse import quote

import pytest

from .helpers import assert_classic_error, bearer, customer_body, request_token

FILTER = quote(json.dumps({"Field": "CompanyName", "Value": "zyxel", "Operator": "starts_with"}))


@pytest.fixture
def partner(client) -> dict:
    """A partner with five customers named Zyxel Paging 0..4 among its seeded ones."""
    made = client.post("/_sandbox/tenants", json={"customers": 3}).get_json()
    headers = bearer(request_token(client, made))
    for n in range(5):
        body = customer_body(domain=f"zyxelpaging{n}.onmicrosoft.com", companyName=f"Zyxel Paging {n}")
        assert client.post("/v1/customers", headers=headers, json=body).status_code == 201
    return made


@pytest.fixture
def headers(client, partner) -> dict:
    return bearer(request_token(client, partner))


def names(response) -> list[str]:
    assert response.status_code == 200, response.get_data(as_text=True)
    return [c["companyProfile"]["companyName"] for c in response.get_json()["items"]]


def seek(client, headers, token: str, operation: str = "Next", query: str = ""):
    """The SDK's seek: the operation and the token, no size and no filter."""
    return client.get(f"/v1/customers?seekOperation={operation}{query}", headers={**headers, "MS-ContinuationToken": token})


@pytest.mark.parametrize("size", ["%C2%B2", "%EF%BC%92", "%D9%A2", "9" * 5000, "+2", " 2"])
def test_a_page_size_that_is_not_ascii_digits_from_0_to_500_is_400(client, headers, size):
    assert_classic_error(client.get(f"/v1/customers?size={size}", headers=headers), 400, 800002)


def test_size_0_as_the_sdk_sends_it_is_the_default_page_of_200(client):
    big = client.post("/_sandbox/tenants", json={"customers": 201}).get_json()
    page = client.get("/v1/customers?size=0", headers=bearer(request_token(client, big))).get_json()
    assert page["totalCount"] == 200
    assert page["links"]["self"]["uri"] == "/v1/customers?size=200"
    assert "continuationToken" in page


def test_the_sdks_seek_continues_the_filtered_query_at_its_page_size(client, headers):
    first = client.get(f"/v1/customers?size=2&filter={FILTER}", headers=headers)
    assert names(first) == ["Zyxel Paging 0", "Zyxel Paging 1"]
    second = seek(client, headers, first.get_json()["continuationToken"])
    assert names(second) == ["Zyxel Paging 2", "Zyxel Paging 3"]
    # the links name the query answered, so following links.next goes on with it too
    following = second.get_json()["links"]["next"]
    assert following["uri"] == f"/v1/customers?size=2&filter={FILTER}&seekOperation=Next"
    last = client.get(following["uri"], headers={**headers, "MS-ContinuationToken": following["headers"][0]["value"]})
    assert names(last) == ["Zyxel Paging 4"]
    assert "next" not in last.get_json()["links"]


def test_a_size_0_filter_only_query_pages_like_the_default(client, headers):
    assert names(client.get(f"/v1/customers?size=0&filter={FILTER}", headers=headers)) == [
        f"Zyxel Paging {n}" for n in range(5)
    ]


def test_the_tokens_query_wins_over_a_size_or_filter_sent_with_it(client, headers):
    token = client.get(f"/v1/customers?size=2&filter={FILTER}", headers=headers).get_json()["continuationToken"]
    other = quote(json.dumps({"Field": "Domain", "Value": "a", "Operator": "starts_with"}))
    assert names(seek(client, headers, token, query=f"&size=500&filter={other}")) == ["Zyxel Paging 2", "Zyxel Paging 3"]


def test_first_restarts_the_tokens_query_and_next_is_any_case(client, headers):
    token = client.get(f"/v1/customers?size=2&filter={FILTER}", headers=headers).get_json()["continuationToken"]
    assert names(seek(client, headers, token, "First")) == ["Zyxel Paging 0", "Zyxel Paging 1"]
    assert names(seek(client, headers, token, "nEXT")) == ["Zyxel Paging 2", "Zyxel Paging 3"]


@pytest.mark.parametrize("operation", ["Previous", "Last", "PageIndex", "Bogus"])
def test_a_seek_operation_other_than_next_or_first_is_400(client, headers, operation):
    token = client.get("/v1/customers?size=2", headers=headers).get_json()["continuationToken"]
    body = assert_classic_error(seek(client, headers, token, operation), 400, 800002)
    assert "Next or First" in body["description"]


def test_a_seek_without_a_token_is_400_not_the_first_page_again(client, headers):
    assert_classic_error(client.get("/v1/customers?seekOperation=Next", headers=headers), 400, 800002)


def test_another_partners_token_is_not_valid(client, headers):
    token = client.get("/v1/customers?size=2", headers=headers).get_json()["continuationToken"]
    other = client.post("/_sandbox/tenants", json={"customers": 3}).get_json()
    body = assert_classic_error(seek(client, bearer(request_token(client, other)), token), 400, 3000)
    assert body["description"] == "The continuation token is not valid."


def test_a_token_the_client_made_itself_is_not_valid(client, headers, partner):
    """A cursor of the client's own making (the sandbox's former token: the last name and id, base64)."""
    made = base64.urlsafe_b64encode(f"Zyxel Paging 1\x1f{partner['customers'][0]['id']}".encode()).decode().rstrip("=")
    assert_classic_error(seek(client, headers, made), 400, 3000)


def test_a_token_issued_before_the_alphabetical_order_is_refused_not_continued(app, client, headers, partner):
    """A token of the code-point order (before migration 0012, signed alike but without its order) would skip
    or repeat names in the alphabetical one: refused, with the way out."""
    from sandbox.services.customers import _tokens

    first = names(client.get(f"/v1/customers?size=2&filter={FILTER}", headers=headers))
    old = _tokens(app.config["SECRET_KEY"]).dumps({"partner": partner["id"], "size": 2, "field": "CompanyName",
                                                    "search": "zyxel", "after": [first[-1], "0"]})
    body = assert_classic_error(seek(client, headers, old), 400, 3000)
    assert "Start again from the first page" in body["description"]
    token = client.get(f"/v1/customers?size=2&filter={FILTER}", headers=headers).get_json()["continuationToken"]
    assert names(seek(client, headers, token)) == ["Zyxel Paging 2", "Zyxel Paging 3"]  # today's tokens continue
