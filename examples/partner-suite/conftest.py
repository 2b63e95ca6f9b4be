"""The partner's steps, next to the sandbox's own step library (``Given a direct-bill partner``, ``And the
partner's Admin agent is signed in to Partner Center``, ...). The fixtures (``sandbox``, ``sandbox_tenant``,
``partner_api``, the browser pages) come from the mca-sandbox pytest plugin, with nothing to import."""

from __future__ import annotations

from pytest_bdd import given, parsers, then, when

from sandbox.testing.partner_api import PartnerApi
from sandbox.testing.steps import *  # noqa: F403

MCA = "MicrosoftCustomerAgreement"


@given(parsers.parse("our integration confirmed that the customer accepted the agreement on {day}"))
@when(parsers.parse("our integration confirms that the customer accepted the agreement on {day}"))
def _(sandbox, tenant, customer, day):
    """What our ordering system does: read the MCA's template id, then post the acceptance (App+User)."""
    api = PartnerApi(sandbox.url, tenant)
    [template] = api.get(f"/agreements?agreementType={MCA}").json()["items"]
    answer = api.post(f"/customers/{customer.id}/agreements", json={
        "primaryContact": {"firstName": "Jan", "lastName": "Jansen", "email": "jan.jansen@example.com"},
        "templateId": template["templateId"], "dateAgreed": f"{day}T00:00:00Z", "type": MCA,
    })
    assert answer.status_code == 201, answer.text


@then(parsers.parse("the API lists the customer's Microsoft Customer Agreement, accepted on {day}"))
def _(sandbox, tenant, customer, day):
    listed = PartnerApi(sandbox.url, tenant).get(f"/customers/{customer.id}/agreements?agreementType={MCA}")
    assert listed.status_code == 200, listed.text
    [agreement] = listed.json()["items"]
    assert agreement["dateAgreed"].startswith(day)
