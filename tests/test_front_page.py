"""The sandbox's front page: where each surface is, for someone who opens the sandbox's address."""

from __future__ import annotations

import re

import pytest

from sandbox.app import create_app

LINK = re.compile(r'<a href="([^"]+)">([^<]+)</a>')


def front_page(**config) -> tuple[int, str, object]:
    app = create_app({"DATABASE_URL": "sqlite://", "PUBLIC_URL": "https://sandbox.example", **config})
    client = app.test_client()
    answer = client.get("/")
    return answer.status_code, answer.get_data(as_text=True), client


def test_the_front_page_links_to_every_surface_and_each_link_opens():
    status, html, client = front_page()
    assert status == 200
    links = dict((text, href) for href, text in LINK.findall(html))
    assert set(links) == {"Open Partner Center", "Open the agreement page", "API reference", "OpenAPI document", "Health"}
    for text, href in links.items():
        opened = client.get(href.replace("&amp;", "&"), follow_redirects=True)
        assert opened.status_code == 200, (text, href, opened.status_code)
    # the sign-in pages of Partner Center and of the admin center, not some other page
    assert "/dashboard/signin" in client.get(links["Open Partner Center"]).headers["Location"]
    assert client.get(links["Open the agreement page"], follow_redirects=True).request.path.lower() == "/login"


def test_the_front_page_gives_the_urls_a_client_points_at_instead_of_microsofts():
    _, html, _ = front_page()
    assert "<code>https://sandbox.example/v1</code>" in html
    assert "<code>https://sandbox.example/{tenant}/oauth2/token</code>" in html


@pytest.mark.parametrize(("config", "shown"), [({"CONTROL_API": False}, None), ({"CONTROL_API_KEY": "team-secret-4711"}, "X-Sandbox-Key")])
def test_the_control_api_is_named_only_when_it_is_on_and_its_key_only_as_a_header(config, shown):
    _, html, _ = front_page(**config)
    if shown is None:
        assert "/_sandbox" not in html
    else:
        assert "https://sandbox.example/_sandbox" in html and shown in html and "team-secret-4711" not in html
