"""Drive the sandbox with the PyPI client ``partnercenterservices`` (AutoRest/msrest), unchanged, over a
real loopback HTTP server."""

from __future__ import annotations

import threading
import uuid

import pytest
import requests
from werkzeug.serving import WSGIRequestHandler, make_server

from .helpers import RESOURCE, user_of

pcs = pytest.importorskip("microsoft.store.partnercenterservices")
from msrest.authentication import BasicTokenAuthentication  # noqa: E402
from msrest.exceptions import DeserializationError  # noqa: E402

models = pcs.models


class _Quiet(WSGIRequestHandler):
    def log_request(self, *args, **kwargs):
        pass


@pytest.fixture
def server(app):
    httpd = make_server("127.0.0.1", 0, app, threaded=True, request_handler=_Quiet)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_port}"
    finally:
        httpd.shutdown()
        thread.join(5)
        httpd.server_close()


@pytest.fixture
def live_tenant(server):
    response = requests.post(f"{server}/_sandbox/tenants", json={"customers": 2}, timeout=10)
    assert response.status_code == 201
    return response.json()


def live_token(server: str, tenant: dict) -> str:
    admin = user_of(tenant, "AdminAgent")
    form = {"grant_type": "password", "client_id": tenant["application"]["clientId"],
            "client_secret": tenant["application"]["clientSecret"], "username": admin["userName"],
            "password": admin["password"], "resource": RESOURCE}
    response = requests.post(f"{server}/{tenant['id']}/oauth2/token", data=form, timeout=10)
    assert response.status_code == 200, response.text
    return response.json()["access_token"]


@pytest.fixture
def partner_client(server, live_tenant):
    return pcs.MicrosoftPartnerStoreApis(BasicTokenAuthentication({"access_token": live_token(server, live_tenant)}),
                                         base_url=server)


def test_get_a_customer_by_id(partner_client, live_tenant):
    wanted = live_tenant["customers"][0]
    customer = partner_client.getvversioncustomerscustomer.id(wanted["id"], version="1")

    assert isinstance(customer, models.MicrosoftPartnerSdkContractsV1Customer)
    assert customer.id == wanted["id"]
    assert customer.company_profile.tenant_id == wanted["id"]
    assert customer.company_profile.domain == wanted["domain"]
    assert customer.billing_profile.default_address.country == wanted["country"]
    assert customer.relationship_to_partner == "reseller"
    assert customer.allow_delegated_access in (True, False)
    assert customer.attributes.object_type == "Customer"


def test_the_relationship_request_link(partner_client, live_tenant):
    link = partner_client.getvversioncustomersrelationshiprequestsindirect_cloud_solution_provider_idindirect_cloud_solution_provider_id.value(
        version="1"
    )
    assert isinstance(link, models.MicrosoftPartnerSdkContractsV1RelationshipRequest)
    assert link.url.startswith("http://sandbox.test/Adminportal/Home?invType=ResellerRelationship&partnerId=" + live_tenant["id"])
    assert link.url.endswith("#/BillingAccounts/partner-invitation")
    assert link.attributes.object_type == "RelationshipRequest"


def test_creating_a_customer_is_accepted(server, partner_client, live_tenant):
    domain = f"pyclient{uuid.uuid4().hex[:8]}.onmicrosoft.com"
    new = models.MicrosoftPartnerSdkContractsV1Customer(
        company_profile=models.MicrosoftPartnerSdkContractsV1CustomerCompanyProfile(domain=domain),
        billing_profile=models.MicrosoftPartnerSdkContractsV1CustomerBillingProfile(
            email="someone@example.com", culture="EN-US", language="En", company_name="Python Client Co",
            default_address=models.MicrosoftPartnerSdkContractsV1Address(
                country="US", city="Redmond", state="WA", address_line1="One Microsoft Way", postal_code="98052",
                first_name="Tania", last_name="Carr",
            ),
        ),
    )
    request_id = str(uuid.uuid4())
    # The client's model types userCredentials.password as an object (SecureString), so it can't read the
    # documented answer back; the sandbox keeps the documented shape.
    with pytest.raises(DeserializationError):
        partner_client.postvversioncustomers(new, version="1", ms_request_id=request_id)

    journal = requests.get(f"{server}/_sandbox/tenants/{live_tenant['id']}/journal", timeout=10).json()["items"]
    [entry] = [e for e in journal if e["requestId"] == request_id]
    assert entry["status"] == 201
    created = entry["responseBody"]
    assert created["companyProfile"]["domain"] == domain
    assert isinstance(created["userCredentials"]["userName"], str)
    # and the client reads it back by id
    again = partner_client.getvversioncustomerscustomer.id(created["id"], version="1")
    assert again.billing_profile.culture == "en-US" and again.billing_profile.company_name == "Python Client Co"


def test_an_order_and_its_subscription_read_back_whole_and_patched_back_as_read(server, partner_client, live_tenant):
    """The client's Subscription model has the resource's term (dates, renewal, billing): each came back None."""
    made = requests.post(f"{server}/_sandbox/tenants/{live_tenant['id']}/customers", json={"state": "MCAAttested"}, timeout=10)
    customer = made.json()["id"]
    order = models.MicrosoftPartnerSdkContractsV1Order(reference_customer_id=customer, line_items=[
        models.MicrosoftPartnerSdkContractsV1OrderLineItem(line_item_number=0, offer_id="CFQ7TTC0LH18:0001", quantity=3)])

    placed = partner_client.postvversioncustomerscustomer.idorders(customer, order, version="1")
    subscription = partner_client.getvversioncustomerscustomer.id6(customer, placed.line_items[0].subscription_id, version="1")

    assert placed.status == "completed" and subscription.quantity == 3
    assert subscription.effective_start_date.date() == subscription.creation_date.date()
    assert (subscription.commitment_end_date - subscription.effective_start_date).days in (364, 365)
    assert (subscription.auto_renew_enabled, subscription.is_trial) == (True, False)
    assert [str(v) for v in (subscription.billing_type, subscription.billing_cycle, subscription.contract_type)] == [
        "license", "monthly", "subscription"]
    subscription.quantity = 4  # the SDK's way: read it whole, change it, send it back whole
    changed = partner_client.patchvversioncustomerscustomer.id4(customer, subscription.id, subscription, version="1")
    assert changed.quantity == 4


def test_errors_reach_the_client_in_the_documented_shape(server, live_tenant):
    customer = add_customer_live(server, live_tenant)
    client = pcs.MicrosoftPartnerStoreApis(BasicTokenAuthentication({"access_token": "not-a-token"}), base_url=server)
    raw = client.getvversioncustomerscustomer.id(customer["id"], version="1", raw=True)
    assert raw.response.status_code == 401
    assert raw.response.json()["source"] == "PartnerFD"
    assert "WWW-Authenticate" in raw.response.headers


def add_customer_live(server: str, tenant: dict) -> dict:
    response = requests.post(f"{server}/_sandbox/tenants/{tenant['id']}/customers", json={"state": "NoAgreement"}, timeout=10)
    assert response.status_code == 201
    return response.json()

