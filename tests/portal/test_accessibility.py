"""Every input has a label, every button a name, ids are unique: what get_by_label / get_by_role need."""

from __future__ import annotations

from collections import Counter
from html.parser import HTMLParser

from .helpers import account_info


class Audit(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids: list[str] = []
        self.label_for: set[str] = set()
        self.controls: list[dict] = []
        self.buttons: list[dict] = []
        self._button: dict | None = None
        self.h1 = 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a:
            self.ids.append(a["id"])
        if tag == "label" and a.get("for"):
            self.label_for.add(a["for"])
        if tag in ("input", "select", "textarea") and a.get("type") not in ("hidden",):
            self.controls.append(a)
        if tag == "button":
            self._button = {"attrs": a, "text": ""}
        if tag == "h1":
            self.h1 += 1

    def handle_data(self, data):
        if self._button is not None:
            self._button["text"] += data

    def handle_endtag(self, tag):
        if tag == "button" and self._button is not None:
            self.buttons.append(self._button)
            self._button = None


def audit(text: str) -> Audit:
    parser = Audit()
    parser.feed(text)
    return parser


def test_pages_label_every_control_and_name_every_button(portal, client, admin):
    customer = admin["customers"][0]["id"]
    made = client.post(f"/_sandbox/tenants/{admin['id']}/customers", json={"state": "MCAAttested"}).get_json()
    pages = [
        "/dashboard/home", "/dashboard/customers", "/dashboard/customers/new",
        "/dashboard/customers/request-relationship", f"/dashboard/customers/{customer}/account",
        f"/dashboard/customers/{customer}/agreement", f"/dashboard/customers/{made['id']}/subscriptions",
        f"/dashboard/signin?tenant={admin['id']}",
    ]
    texts = [portal.text(path) for path in pages]
    portal.post("/dashboard/customers/new", account_info(company_name="", date_agreed="2020-12-01"))
    texts.append(portal.post("/dashboard/customers/new", account_info(company_name="")).get_data(as_text=True))
    portal.post("/dashboard/customers/new", account_info(company_name="Audit Co", domain="auditco1"))
    texts.append(portal.text("/dashboard/customers/new/review"))
    portal.post("/dashboard/customers/new/review", {"action": "submit"})
    texts.append(portal.text("/dashboard/customers/new/confirmation"))
    order = {"offer": "CFQ7TTC0LH18:0001", "quantity": "2"}  # an order for an unconfirmed customer: the prompt
    texts.append(portal.post(f"/dashboard/customers/{customer}/subscriptions", order).get_data(as_text=True))
    texts.append(portal.post(f"/dashboard/customers/{customer}/subscriptions/confirmation",
                             order | {"first_name": "", "action": "save"}).get_data(as_text=True))
    for path, text in zip(pages + ["new (errors)", "review", "confirmation", "order prompt", "order prompt (errors)"],
                          texts, strict=True):
        result = audit(text)
        assert result.h1 == 1, path
        duplicates = [i for i, n in Counter(result.ids).items() if n > 1]
        assert not duplicates, (path, duplicates)
        for control in result.controls:
            assert control.get("id") in result.label_for or control.get("aria-label"), (path, control)
        for button in result.buttons:
            assert button["text"].strip(), (path, button)
