"""Agreement metadata, confirming acceptance, reading confirmations and direct-sign status (R-API-1..5)."""

from __future__ import annotations

import jwt
import pytest

from .helpers import (
    CLOUD_TEMPLATE,
    MCA_TEMPLATE,
    add_customer,
    agreement_body,
    assert_classic_error,
    bearer,
    request_token,
    set_clock,
)

EXTENDED_600061 = {
    "code": 600061,
    "message": "A partner confirmed agreement already exists for the customer.",
    "description": "A partner confirmed agreement already exists for the customer.",
    "errorName": "PartnerConfirmedAgreementAlreadyExists",
    "isRetryable": False,
    "parameters": {},
    "errorMessageExtended": "InternalErrorCode=600061",
}


def confirm(client, headers, customer_id, **changes):
    return client.post(f"/v1/customers/{customer_id}/agreements", headers=headers, json=agreement_body(**changes))


def confirmations(client, headers, customer_id, agreement_type="*"):
    response = client.get(f"/v1/customers/{customer_id}/agreements?agreementType={agreement_type}", headers=headers)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


# --- R-API-1: metadata ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "types"),
    [
        ("", ["MicrosoftCloudAgreement"]),
        ("?agreementType=MicrosoftCloudAgreement", ["MicrosoftCloudAgreement"]),
        ("?agreementType=MicrosoftCustomerAgreement", ["MicrosoftCustomerAgreement"]),
        ("?agreementtype=microsoftcustomeragreement", ["MicrosoftCustomerAgreement"]),
        ("?agreementType=*", ["MicrosoftCustomerAgreement", "MicrosoftCloudAgreement"]),
    ],
)
def test_agreement_metadata_by_type_defaults_to_the_cloud_agreement(client, headers, query, types):
    response = client.get(f"/v1/agreements{query}", headers=headers)

    assert response.status_code == 200
    body = response.get_json()
    assert [item["agreementType"] for item in body["items"]] == types
    assert body["totalCount"] == len(types)
    assert body["attributes"] == {"objectType": "Collection"}
    templates = {item["agreementType"]: item["templateId"] for item in body["items"]}
    assert templates.get("MicrosoftCustomerAgreement", MCA_TEMPLATE) == MCA_TEMPLATE
    assert all(item["versionRank"] == 0 and item["agreementLink"].startswith("https://") for item in body["items"])


def test_an_unknown_agreement_type_is_a_400(client, headers):
    assert_classic_error(client.get("/v1/agreements?agreementType=All", headers=headers), 400, 900126)


@pytest.mark.parametrize(
    "path",
    [
        "/v1/agreements",
        "/v1/customers/{c}/agreements",
        "/v1/agreementtemplates/117a77b0-9360-443b-8795-c6dedc750cf9/document",
        "/v1/customers/{c}/directSignedMicrosoftCustomerAgreementStatus",
        "/v1/customers/relationshiprequests",
    ],
)
def test_app_user_only_operations_refuse_app_only_tokens(client, app_only_headers, customer_id, path):
    response = client.get(path.format(c=customer_id), headers=app_only_headers)
    body = assert_classic_error(response, 403, 2032)
    assert "App+User" in body["description"]


def test_confirming_refuses_app_only_tokens_and_stores_nothing(client, headers, app_only_headers, customer_id):
    assert_classic_error(confirm(client, app_only_headers, customer_id), 403, 2032)
    assert confirmations(client, headers, customer_id)["totalCount"] == 0


# --- R-API-2: confirm ------------------------------------------------------------------------------


def test_confirming_answers_201_with_the_user_id_from_the_token(client, token, headers, customer_id):
    response = confirm(client, headers, customer_id)

    assert response.status_code == 201, response.get_data(as_text=True)
    body = response.get_json()
    assert body["userId"] == jwt.decode(token, options={"verify_signature": False})["oid"]
    assert body["primaryContact"] == agreement_body()["primaryContact"]
    assert body["templateId"] == MCA_TEMPLATE
    assert body["dateAgreed"] == "2018-06-14T00:00:00.000Z"
    assert body["type"] == "MicrosoftCustomerAgreement"
    assert "agreementLink" not in body  # as the documented POST answer

    listed = confirmations(client, headers, customer_id, "MicrosoftCustomerAgreement")
    assert listed["totalCount"] == 1
    assert listed["items"][0]["userId"] == body["userId"]
    assert listed["items"][0]["agreementLink"] == "https://aka.ms/customeragreement"


def test_the_same_contact_again_gets_600061_in_the_documented_body(client, headers, customer_id):
    assert confirm(client, headers, customer_id).status_code == 201

    again = confirm(client, headers, customer_id)
    assert again.status_code == 409
    assert again.get_json() == EXTENDED_600061
    # case and spacing don't make a contact new
    contact = {"firstName": " tania", "lastName": "CARR", "email": "Someone@Example.com", "phoneNumber": "123-456-7890"}
    assert confirm(client, headers, customer_id, primaryContact=contact).status_code == 409
    assert confirmations(client, headers, customer_id)["totalCount"] == 1


def test_look_alike_contacts_are_the_same_contact(client, headers, customer_id):
    """One Unicode form, runs of spaces and the digits' script don't make a contact new either."""
    first = {"firstName": "Jos\u00e9", "lastName": "Mary Ann", "email": "jose@example.com", "phoneNumber": "0612345678"}
    assert confirm(client, headers, customer_id, primaryContact=first).status_code == 201
    look_alike = {"firstName": "Jose\u0301", "lastName": "Mary  Ann", "email": "jose@example.com",
                  "phoneNumber": "\u0660\u0666\u0661\u0662\u0663\u0664\u0665\u0666\u0667\u0668"}  # Arabic-Indic
    assert confirm(client, headers, customer_id, primaryContact=look_alike).status_code == 409
    assert confirm(client, headers, customer_id, primaryContact={**first, "lastName": "MaryAnn"}).status_code == 201


@pytest.mark.parametrize("field", ["firstName", "lastName", "email", "phoneNumber"])
def test_a_changed_contact_may_confirm_again(client, headers, customer_id, field):
    assert confirm(client, headers, customer_id).status_code == 201
    contact = {**agreement_body()["primaryContact"], field: "changed@example.com" if field == "email" else "5550100"}
    assert confirm(client, headers, customer_id, primaryContact=contact).status_code == 201
    assert confirmations(client, headers, customer_id)["totalCount"] == 2


def test_the_phone_number_is_optional(client, headers, customer_id):
    contact = {"firstName": "Tania", "lastName": "Carr", "email": "someone@example.com"}
    response = confirm(client, headers, customer_id, primaryContact=contact)
    assert response.status_code == 201
    assert "phoneNumber" not in response.get_json()["primaryContact"]


def test_the_acceptance_date_can_be_today_but_not_tomorrow_on_the_tenants_clock(client, tenant, headers, customer_id):
    set_clock(client, tenant["id"], "2021-05-10T23:30:00+00:00")
    assert_classic_error(confirm(client, headers, customer_id, dateAgreed="2021-05-11T00:00:00Z"), 400, 3000)
    assert confirm(client, headers, customer_id, dateAgreed="2021-05-10T00:00:00Z").status_code == 201


@pytest.mark.parametrize(
    ("template_id", "agreement_type"),
    [
        (CLOUD_TEMPLATE, "MicrosoftCustomerAgreement"),
        ("00000000-0000-0000-0000-000000000000", "MicrosoftCustomerAgreement"),
        (MCA_TEMPLATE.upper(), "MicrosoftCustomerAgreement"),
        (MCA_TEMPLATE, "MicrosoftCloudAgreement"),
    ],
)
def test_the_template_must_be_the_current_one_of_its_type(client, headers, customer_id, template_id, agreement_type):
    response = confirm(client, headers, customer_id, templateId=template_id, type=agreement_type)
    assert_classic_error(response, 400, 3000)
    assert confirmations(client, headers, customer_id)["totalCount"] == 0


def test_the_cloud_agreement_is_accepted_until_2020_01_31_only(client, tenant, headers, customer_id):
    set_clock(client, tenant["id"], "2019-11-01T12:00:00+00:00")
    body = {"templateId": CLOUD_TEMPLATE, "type": "MicrosoftCloudAgreement", "dateAgreed": "2019-10-30T00:00:00Z"}
    assert confirm(client, headers, customer_id, **body).status_code == 201
    assert confirmations(client, headers, customer_id, "MicrosoftCloudAgreement")["totalCount"] == 1

    set_clock(client, tenant["id"], "2020-02-01T00:00:00+00:00")
    contact = {**agreement_body()["primaryContact"], "email": "other@example.com"}
    assert_classic_error(confirm(client, headers, customer_id, primaryContact=contact, **body), 400, 3000)


@pytest.mark.parametrize("role", ["SalesAgent", "AdminAgent"])
def test_admin_and_sales_agents_may_confirm(client, tenant, customer_id, role):
    headers = bearer(request_token(client, tenant, role))
    assert confirm(client, headers, customer_id).status_code == 201


@pytest.mark.parametrize("role", ["BillingAdmin", "HelpdeskAgent", "GlobalAdmin"])
def test_other_roles_are_refused(client, tenant, headers, customer_id, role):
    response = confirm(client, bearer(request_token(client, tenant, role)), customer_id)
    assert_classic_error(response, 403, 900150)
    assert confirmations(client, headers, customer_id)["totalCount"] == 0


def test_an_indirect_reseller_cannot_attest(client):
    reseller = client.post("/_sandbox/tenants", json={"kind": "IndirectReseller", "customers": 1}).get_json()
    customer_id = reseller["customers"][0]["id"]
    headers = bearer(request_token(client, reseller))

    # R-RES-1: it sees its customer but can't confirm for it
    assert client.get(f"/v1/customers/{customer_id}", headers=headers).status_code == 200
    body = assert_classic_error(confirm(client, headers, customer_id), 403, 2032)
    assert "indirect provider" in body["description"]
    # its indirect provider can
    provider_headers = bearer(request_token(client, reseller["provider"]))
    assert confirm(client, provider_headers, customer_id).status_code == 201


def test_api_attestation_opens_on_2019_09_03_and_the_dotnet_sdk_on_2019_09_20(client, tenant, headers, customer_id):
    sdk = {**headers, "MS-PartnerCenter-Client": "Partner Center .NET SDK"}
    set_clock(client, tenant["id"], "2019-09-02T12:00:00+00:00")
    assert_classic_error(confirm(client, headers, customer_id, dateAgreed="2019-09-01T00:00:00Z"), 403, 2032)  # R-TL-2

    set_clock(client, tenant["id"], "2019-09-10T12:00:00+00:00")
    assert_classic_error(confirm(client, sdk, customer_id, dateAgreed="2019-09-01T00:00:00Z"), 403, 2032)  # R-TL-3
    assert confirm(client, headers, customer_id, dateAgreed="2019-09-01T00:00:00Z").status_code == 201

    set_clock(client, tenant["id"], "2019-09-20T00:00:00+00:00")
    contact = {**agreement_body()["primaryContact"], "phoneNumber": "5550101"}
    assert confirm(client, sdk, customer_id, primaryContact=contact, dateAgreed="2019-09-19T00:00:00Z").status_code == 201


def test_before_the_api_opens_who_may_confirm_is_checked_first_and_the_cloud_agreement_is_open(client, tenant, customer_id):
    """R-TL-2 concerns the MCA's preview: the Microsoft Cloud Agreement's confirmation is older (2018). And the
    role (900150) and the reseller (R-RES-1) are refused as such on any date, as the portal does."""
    set_clock(client, tenant["id"], "2019-07-31T12:00:00+00:00")
    billing = bearer(request_token(client, tenant, "BillingAdmin"))
    assert_classic_error(confirm(client, billing, customer_id, dateAgreed="2019-07-30T00:00:00Z"), 403, 900150)
    admin = bearer(request_token(client, tenant))
    assert_classic_error(confirm(client, admin, customer_id, dateAgreed="2019-07-30T00:00:00Z"), 403, 2032)  # R-TL-2
    cloud = confirm(client, admin, customer_id, dateAgreed="2019-07-30T00:00:00Z", type="MicrosoftCloudAgreement",
                    templateId=CLOUD_TEMPLATE)
    assert cloud.status_code == 201, cloud.get_data(as_text=True)


def test_the_dotnet_sdk_body_with_pascal_case_and_nulls_is_read(client, headers, customer_id):
    body = {
        "UserId": None,
        "PrimaryContact": {"FirstName": "Tania", "LastName": "Carr", "Email": "someone@example.com", "PhoneNumber": None},
        "TemplateId": MCA_TEMPLATE,
        "DateAgreed": "2019-09-25T12:34:56.1234567Z",
        "Type": "MicrosoftCustomerAgreement",
        "AgreementLink": None,
        "Attributes": {"ObjectType": "Agreement"},
    }
    response = client.post(f"/v1/customers/{customer_id}/agreements", headers=headers, json=body)
    assert response.status_code == 201, response.get_data(as_text=True)
    assert response.get_json()["dateAgreed"] == "2019-09-25T12:34:56.123Z"


def test_dotnets_default_date_comes_back_as_iso_8601(client, headers, customer_id):
    """An SDK caller that never sets DateAgreed sends DateTime.MinValue: stored, and read back with a 4-digit year."""
    assert confirm(client, headers, customer_id, dateAgreed="0001-01-01T00:00:00").get_json()["dateAgreed"] == \
        "0001-01-01T00:00:00.000Z"
    contact = {**agreement_body()["primaryContact"], "email": "old@example.com"}
    assert confirm(client, headers, customer_id, primaryContact=contact, dateAgreed="0999-12-31T00:00:00Z").status_code == 201
    dates = sorted(item["dateAgreed"] for item in confirmations(client, headers, customer_id, "*")["items"])
    assert dates == ["0001-01-01T00:00:00.000Z", "0999-12-31T00:00:00.000Z"]


@pytest.mark.parametrize(
    "body",
    [
        {},
        agreement_body(type=""),
        {"primaryContact": None},
        agreement_body(primaryContact={"firstName": "Tania", "lastName": "Carr"}),
        agreement_body(primaryContact={"firstName": "", "lastName": "Carr", "email": "someone@example.com"}),
        agreement_body(primaryContact={"firstName": "Tania", "lastName": "Carr", "email": "not-an-email"}),
        agreement_body(templateId=None),
        agreement_body(dateAgreed="yesterday"),
        agreement_body(dateAgreed=20180614),
        agreement_body(type="*"),
        agreement_body(type="Whatever"),
        agreement_body(type=None),
        agreement_body(unexpected="field"),
        agreement_body(primaryContact={**agreement_body()["primaryContact"], "middleName": "X"}),
        agreement_body(primaryContact={**agreement_body()["primaryContact"], "firstName": "T" * 101}),
        agreement_body(primaryContact={**agreement_body()["primaryContact"], "firstName": "Tan\u0000ia"}),
        agreement_body(primaryContact={**agreement_body()["primaryContact"], "firstName": "Tan\u0085ia"}),  # C1 (NEL)
        {**agreement_body(), "TemplateID": MCA_TEMPLATE},
    ],
)
def test_invalid_confirmations_are_400_and_store_nothing(client, headers, customer_id, body):
    response = client.post(f"/v1/customers/{customer_id}/agreements", headers=headers, json=body)
    error = assert_classic_error(response, 400, 800002)
    assert error["data"], error
    assert confirmations(client, headers, customer_id)["totalCount"] == 0


@pytest.mark.parametrize("contact", ["Tania Lee", [], 42])
def test_a_contact_that_is_not_an_object_is_named_by_its_property(client, headers, customer_id, contact):
    response = confirm(client, headers, customer_id, primaryContact=contact)
    error = assert_classic_error(response, 400, 800002)
    assert error["data"] == ["primaryContact: Invalid input type."]  # the API's name, no validation library's
    assert "_schema" not in error["description"]


def test_non_ascii_names_are_kept(client, headers, customer_id):
    contact = {"firstName": "Zoë", "lastName": "Ångström-Łukasz", "email": "zoe@example.com", "phoneNumber": "+31 20 555 0100"}
    response = confirm(client, headers, customer_id, primaryContact=contact)
    assert response.status_code == 201
    assert response.get_json()["primaryContact"]["lastName"] == "Ångström-Łukasz"


@pytest.mark.parametrize("bad_id", ["not-a-guid", "12345", "14876998-c0dc-46e6-9d0c-65a57a6c32e", "x" * 500, "ünï"])
def test_a_customer_id_that_is_not_a_guid_is_400_900118(client, headers, bad_id):
    response = client.post(f"/v1/customers/{bad_id}/agreements", headers=headers, json=agreement_body())
    assert_classic_error(response, 400, 900118)
    assert_classic_error(client.get(f"/v1/customers/{bad_id}/agreements", headers=headers), 400, 900118)


def test_an_unknown_or_foreign_customer_is_404_without_leaking(client, headers):
    other = client.post("/_sandbox/tenants", json={"customers": 1}).get_json()
    foreign = other["customers"][0]["id"]
    unknown = "14876998-c0dc-46e6-9d0c-65a57a6c32ec"
    for customer in (foreign, unknown):
        assert_classic_error(confirm(client, headers, customer), 404, 1000)
        assert_classic_error(client.get(f"/v1/customers/{customer}/agreements", headers=headers), 404, 1000)
        status = client.get(f"/v1/customers/{customer}/directSignedMicrosoftCustomerAgreementStatus", headers=headers)
        assert_classic_error(status, 404, 1000)
    other_headers = bearer(request_token(client, other))
    assert confirmations(client, other_headers, foreign)["totalCount"] == 0


def test_uppercase_customer_ids_are_the_same_customer(client, headers, customer_id):
    assert confirm(client, headers, customer_id.upper()).status_code == 201
    assert confirmations(client, headers, customer_id)["totalCount"] == 1


# --- R-API-3: read confirmations ------------------------------------------------------------------


def test_reading_confirmations_defaults_to_the_cloud_agreement(client, headers, customer_id):
    assert confirm(client, headers, customer_id).status_code == 201

    default = client.get(f"/v1/customers/{customer_id}/agreements", headers=headers).get_json()
    assert default == {"totalCount": 0, "items": [], "attributes": {"objectType": "Collection"}}
    mca = confirmations(client, headers, customer_id, "MicrosoftCustomerAgreement")
    assert mca["totalCount"] == 1
    item = mca["items"][0]
    assert set(item) >= {"userId", "primaryContact", "templateId", "dateAgreed", "type", "agreementLink"}
    assert_classic_error(client.get(f"/v1/customers/{customer_id}/agreements?agreementType=nope", headers=headers), 400, 900126)


def test_a_seeded_cloud_agreement_shows_under_the_default(client, tenant, headers):
    customer = add_customer(client, tenant["id"], "CloudAgreementOnly")
    body = client.get(f"/v1/customers/{customer['id']}/agreements", headers=headers).get_json()
    assert [item["type"] for item in body["items"]] == ["MicrosoftCloudAgreement"]
    assert body["items"][0]["dateAgreed"].endswith("T00:00:00.000Z")


# --- R-API-5: direct-sign status ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("state", "signed"),
    [("NoAgreement", False), ("MCAAttested", False), ("MCAAcceptedDirectly", True), ("InvitationPending", False)],
)
def test_direct_sign_status_reflects_only_the_customers_own_acceptance(client, tenant, headers, state, signed):
    customer = add_customer(client, tenant["id"], state)
    response = client.get(f"/v1/customers/{customer['id']}/directSignedMicrosoftCustomerAgreementStatus", headers=headers)
    assert response.status_code == 200
    assert response.get_json() == {"isSigned": signed}


def test_the_direct_sign_path_is_case_insensitive(client, headers, customer_id):
    response = client.get(f"/V1/Customers/{customer_id}/DIRECTSIGNEDMICROSOFTCUSTOMERAGREEMENTSTATUS", headers=headers)
    assert response.status_code == 200
    assert response.get_json() == {"isSigned": False}


def test_the_sales_agent_token_carries_its_own_user_id(client, tenant, customer_id):
    sales = bearer(request_token(client, tenant, "SalesAgent"))
    admin = bearer(request_token(client, tenant, "AdminAgent"))
    first = confirm(client, sales, customer_id).get_json()
    contact = {**agreement_body()["primaryContact"], "email": "x@example.com"}
    second = confirm(client, admin, customer_id, primaryContact=contact).get_json()
    assert first["userId"] != second["userId"]


def test_confirmations_made_at_one_instant_of_a_frozen_clock_list_in_the_order_they_were_made(client, tenant, headers):
    """A frozen clock stamps them all alike: they still come back in the order posted (the spec's example lists
    the oldest first), and so do orders."""
    set_clock(client, tenant["id"], "2019-12-10T12:00:00+00:00")
    customer = tenant["customers"][0]["id"]
    names = ["Ann", "Ben", "Cat", "Dan", "Eve", "Fay", "Gus", "Hal"]
    for n, name in enumerate(names):
        contact = {"firstName": name, "lastName": "Lee", "email": f"{name.lower()}@example.com"}
        response = confirm(client, headers, customer, primaryContact=contact, dateAgreed=f"2019-12-0{n % 9 + 1}T00:00:00Z")
        assert response.status_code == 201, response.get_data(as_text=True)
    listed = client.get(f"/v1/customers/{customer}/agreements?agreementType=MicrosoftCustomerAgreement", headers=headers)
    assert [item["primaryContact"]["firstName"] for item in listed.get_json()["items"]] == names

    buyer = add_customer(client, tenant["id"], "MCAAttested")["id"]
    placed = [client.post(f"/v1/customers/{buyer}/orders", headers=headers,
                          json={"lineItems": [{"offerId": "CFQ7TTC0LH18:0001", "quantity": q}]}).get_json()["id"]
              for q in range(1, 7)]
    assert [o["id"] for o in client.get(f"/v1/customers/{buyer}/orders", headers=headers).get_json()["items"]] == placed


def test_ordered_ids_sort_in_the_order_they_were_made_and_are_guids():
    import uuid

    from sandbox.services.context import ordered_id

    made = [ordered_id() for _ in range(20_000)]  # many within one millisecond: the counter keeps them in order
    assert made == sorted(made) and len(set(made)) == len(made)
    parsed = uuid.UUID(made[0])
    assert (parsed.version, parsed.variant, str(parsed)) == (7, uuid.RFC_4122, made[0])


@pytest.mark.parametrize("given", ["2019-09-10T12:00:00Z\u0000junk", "2019-09-10T12:00:00Z\u0000\u0000", "2019-W37-2",
                                   "20190910", "2019-09-10T12:00:00 Z", "10/09/2019"])
def test_a_date_not_in_the_iso_8601_forms_clients_send_is_refused(client, headers, customer_id, given):
    response = confirm(client, headers, customer_id, dateAgreed=given)
    body = assert_classic_error(response, 400, 800002)
    assert any(entry.startswith("dateAgreed") for entry in body["data"]), body
    listed = client.get(f"/v1/customers/{customer_id}/agreements?agreementType=*", headers=headers).get_json()
    assert listed["totalCount"] == 0


def test_an_email_with_spaces_around_it_is_the_same_contact_trimmed(client, headers, customer_id):
    """As the names are: trimmed, then checked; the same contact again without the spaces is 600061."""
    contact = {"firstName": "Tania", "lastName": "Carr", "email": "  someone@example.com \t"}
    created = confirm(client, headers, customer_id, primaryContact=contact)
    assert created.status_code == 201, created.get_data(as_text=True)
    assert created.get_json()["primaryContact"]["email"] == "someone@example.com"
    again = confirm(client, headers, customer_id, primaryContact=contact | {"email": "someone@example.com"})
    assert again.status_code == 409 and again.get_json()["code"] == 600061
