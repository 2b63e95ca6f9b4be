"""Customers and a customer's confirmations are written without marshmallow's dump (it was most of a large
answer's time): each must be exactly what the schema's dump gives, key order included, nulls left out."""

from __future__ import annotations

import itertools
import json
from datetime import UTC, datetime

from marshmallow import Schema

from sandbox import seed
from sandbox.domain.model import AgreementType, Attestation, Role
from sandbox.services import customers
from sandbox.services.context import Actor
from sandbox.web.api import render, schemas


def assert_as_dumped(body: dict, schema: type[Schema]) -> None:
    assert json.dumps(body, ensure_ascii=False) == json.dumps(schema().dump(body), ensure_ascii=False)


def admin_agents(services, seed_: int):
    demo = seed.create_tenant(services, seed=seed_, demo=True)  # every state, several countries, a reseller
    for partner in demo["partners"]:
        yield Actor(workspace_id=demo["id"], partner_id=partner["id"], user_id="u", role=Role.ADMIN_AGENT)


def test_a_page_is_what_the_documented_schema_dumps(services):
    for actor in admin_agents(services, 777):
        page = customers.list_customers(services, actor, size=7)
        while True:
            body = render.customer_page(page.items, size=7, continuation_token=page.continuation_token)
            assert_as_dumped(body, schemas.CustomerCollectionOut)
            assert all(None not in item.values() for item in body["items"])
            if not page.continuation_token:
                break
            page = customers.list_customers(services, actor, size=7, continuation=page.continuation_token)


def test_one_customer_is_what_the_documented_schema_dumps(services):
    for actor in admin_agents(services, 778):
        for view in customers.list_customers(services, actor, size=50).items:
            body = render.customer(customers.get_customer(services, actor, view.customer.id))
            assert_as_dumped(body, schemas.CustomerOut)
            assert {"allowDelegatedAccess", "customDomains"} <= set(body) and "address" in body["companyProfile"]


def confirmation(n: int, agreement_type: AgreementType, *, user_id: str, phone: str | None) -> Attestation:
    return Attestation(
        id=f"a{n}", workspace_id="w", customer_id="c", partner_id="p", user_id=user_id,
        template_id="117a77b0-9360-443b-8795-c6dedc750cf9", type=agreement_type,
        date_agreed=datetime(2019, 12, 1, 8, 30, 15, 250_000, tzinfo=UTC), first_name="Ana", last_name=f"Díaz {n}",
        email=f"ana{n}@example.com", created_at=datetime(2020, 1, 1, tzinfo=UTC), contact_key=f"k{n}", phone_number=phone,
    )


def test_a_customers_confirmations_are_what_the_documented_schema_dumps():
    variants = itertools.product(AgreementType, ("0b2a5c6e-0000-4000-8000-000000000001", ""), ("+1 425 555 0100", None, ""))
    items = [confirmation(n, t, user_id=u, phone=p) for n, (t, u, p) in enumerate(variants)]

    for some in (items, items[:1], []):
        body = render.agreements(some)
        assert_as_dumped(body, schemas.AgreementCollectionOut)
        assert all(None not in item.values() and None not in item["primaryContact"].values() for item in body["items"])
    assert {"userId", "agreementLink"} <= set(render.agreements(items)["items"][0])
    assert "userId" not in render.agreements(items)["items"][3] and "phoneNumber" not in render.agreements(items)["items"][1]["primaryContact"]
