"""The pages' CSS and JavaScript: cached by the browser, and fetched anew after an upgrade (versioned URLs)."""

import re

from sandbox.app import create_app


def test_page_assets_are_versioned_and_cached_while_pages_and_documents_are_not():
    client = create_app({"DATABASE_URL": "sqlite://"}).test_client()
    page = client.get("/dashboard/signin")
    assets = re.findall(r'(?:href|src)="(/[^"]*static/[^"]+)"', page.get_data(as_text=True))
    assert assets and all("?v=" in url for url in assets)
    for url in assets:
        answer = client.get(url)
        assert answer.status_code == 200
        assert answer.headers["Cache-Control"] == "public, max-age=86400"
    assert "max-age" not in (page.headers.get("Cache-Control") or "")
    admin = client.get("/AdminPortal/Home?ref=/BillingAccounts/agreement", follow_redirects=True)
    css = re.search(r'href="(/AdminPortal/static/[^"]+)"', admin.get_data(as_text=True)).group(1)
    assert "?v=" in css and client.get(css).headers["Cache-Control"] == "public, max-age=86400"
