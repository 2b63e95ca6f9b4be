"""An address a page surface doesn't have, or a method its page doesn't take: that surface's own page with
the status, never the server's bare one; the API and the sign-in endpoints keep their own error shapes."""

from __future__ import annotations

import re

import pytest

from sandbox.app import create_app


@pytest.fixture(scope="module")
def client():
    return create_app({"DATABASE_URL": "sqlite://"}).test_client()


def alert(response) -> str:
    found = re.search(r'role="alert">([^<]*)<', response.get_data(as_text=True))
    return found.group(1) if found else ""


@pytest.mark.parametrize(("method", "path", "status", "stylesheet"), [
    ("GET", "/dashboard/no-such-page", 404, "portal.css"),
    ("GET", "/Dashboard/Customers/x/y/z", 404, "portal.css"),
    ("DELETE", "/dashboard/home", 405, "portal.css"),
    ("GET", "/AdminPortal/no-such-page", 404, "admin_center.css"),
    ("PUT", "/login", 405, "admin_center.css"),
])
def test_a_page_surface_answers_with_its_own_page(client, method, path, status, stylesheet):
    response = client.open(path, method=method)
    assert response.status_code == status and response.mimetype == "text/html"
    assert stylesheet in response.get_data(as_text=True)
    assert alert(response) in ("There is no page at this address. Check it, or start again from Home.",
                               "This page can&#39;t take that request. Start again from the page itself.")
    if status == 405:
        assert "GET" in response.headers["Allow"] and method not in response.headers["Allow"]


def test_the_api_and_other_paths_keep_their_shapes(client):
    assert client.get("/v1/no-such-thing").mimetype == "application/json"
    assert client.get("/common/oauth2/v2.0/no-such-endpoint").status_code == 404
    assert "portal.css" not in client.get("/no-such-root-page").get_data(as_text=True)
