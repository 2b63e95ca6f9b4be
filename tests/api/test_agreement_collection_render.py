"""A customer's confirmations are written without marshmallow's dump (it was most of the request's time for a
customer with many): the collection must be exactly what the schema's dump gives, key order included."""

from __future__ import annotations

import itertools
import json
from datetime import UTC, datetime

from sandbox.domain.model import AgreementType, Attestation
from sandbox.web.api import render, schemas


def confirmation(n: int, agreement_type: AgreementType, *, user_id: str, phone: str | None) -> Attestation:
    return Attestation(
        id=f"a{n}", workspace_id="w", customer_id="c", partner_id="p", user_id=user_id,
        template_id="117a77b0-9360-443b-8795-c6dedc750cf9", type=agreement_type,
        date_agreed=datetime(2019, 12, 1, 8, 30, 15, 250_000, tzinfo=UTC), first_name="Ana", last_name=f"Díaz {n}",
        email=f"ana{n}@example.com", created_at=datetime(2020, 1, 1, tzinfo=UTC), contact_key=f"k{n}", phone_number=phone,
    )


def test_a_collection_is_what_the_documented_schema_dumps():
    variants = itertools.product(AgreementType, ("0b2a5c6e-0000-4000-8000-000000000001", ""), ("+1 425 555 0100", None, ""))
    items = [confirmation(n, t, user_id=u, phone=p) for n, (t, u, p) in enumerate(variants)]

    for some in (items, items[:1], []):
        body = render.agreements(some)
        assert json.dumps(body, ensure_ascii=False) == json.dumps(schemas.AgreementCollectionOut().dump(body), ensure_ascii=False)
        assert all(None not in item.values() and None not in item["primaryContact"].values() for item in body["items"])
    assert {"userId", "agreementLink"} <= set(render.agreements(items)["items"][0])
    assert "userId" not in render.agreements(items)["items"][3] and "phoneNumber" not in render.agreements(items)["items"][1]["primaryContact"]
