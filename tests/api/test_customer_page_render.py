"""Customers are written without marshmallow's dump (it was most of a large page's time): a page and a single
customer must be exactly what the schema's dump gives, key order included, for every kind of customer."""

from __future__ import annotations

import json

from sandbox import seed
from sandbox.domain.model import Role
from sandbox.services import customers
from sandbox.services.context import Actor
from sandbox.web.api import render, schemas


def test_a_page_is_what_the_documented_schema_dumps(services):
    demo = seed.create_tenant(services, seed=777, demo=True)  # every state, several countries, a reseller
    for partner in demo["partners"]:
        actor = Actor(workspace_id=demo["id"], partner_id=partner["id"], user_id="u", role=Role.ADMIN_AGENT)
        page = customers.list_customers(services, actor, size=7)
        while True:
            body = render.customer_page(page.items, size=7, continuation_token=page.continuation_token)
            dumped = schemas.CustomerCollectionOut().dump(body)
            assert json.dumps(body) == json.dumps(dumped)
            assert all(None not in item.values() for item in body["items"])
            if not page.continuation_token:
                break
            page = customers.list_customers(services, actor, size=7, continuation=page.continuation_token)


def test_one_customer_is_what_the_documented_schema_dumps(services):
    demo = seed.create_tenant(services, seed=778, demo=True)
    for partner in demo["partners"]:
        actor = Actor(workspace_id=demo["id"], partner_id=partner["id"], user_id="u", role=Role.ADMIN_AGENT)
        for view in customers.list_customers(services, actor, size=50).items:
            body = render.customer(customers.get_customer(services, actor, view.customer.id))
            assert json.dumps(body) == json.dumps(schemas.CustomerOut().dump(body))
            assert {"allowDelegatedAccess", "customDomains"} <= set(body) and "address" in body["companyProfile"]
