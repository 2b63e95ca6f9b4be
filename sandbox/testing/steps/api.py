"""The REST API's steps (``features/api``), in the partner's words: Given steps arrange through the control
API, When steps call ``/v1`` as the partner's integration (or the admin-center pages as the customer, over
HTTP), Then steps assert on the answers. No browser is needed (:mod:`..api_world`).

They drive the run's sandbox, as the browser steps do, and share their ``tenant`` and ``customer``: a
scenario may mix both libraries (``Given a direct-bill partner whose clock reads ...`` here, ``the partner's
Admin agent is signed in to Partner Center`` there). Import both into a ``conftest.py``::

    from sandbox.testing.steps import *
    from sandbox.testing.steps.api import *

The customer situations (``Given a customer without an agreement``) are shared with the browser library
(:mod:`.situations`), so the REST API's steps also work alone.
"""

from __future__ import annotations

import io
import json
import re
import uuid
import zipfile

import pytest
from pytest_bdd import given, parsers, then, when

from sandbox.domain.errors import AgreementRequired
from sandbox.domain.template_countries import MCA_COUNTRIES

from ..api_world import DOTNET_SDK_HEADER, ApiWorld, claims, describe, mimetype, offer_id
from ..pages import Credentials
from .people import NEW_PASSWORD, PARTNER_KINDS, CustomerAccount, person_table, role_of
from .situations import *  # noqa: F403 - the customer situations, shared with the browser steps
from .situations import new_tenant, scenario_date

AGREEMENT_TYPES = {
    "Microsoft Customer Agreement": "MicrosoftCustomerAgreement",
    "Microsoft Cloud Agreement": "MicrosoftCloudAgreement",
}
DEFAULT_PERSON = {"First name": "Tania", "Last name": "Carr", "Email": "someone@example.com", "Phone number": "1234567890"}
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


# --- fixtures: one world per scenario, on the run's sandbox ----------------------------------


@pytest.fixture
def api_world(sandbox):
    """The partner's integration in this scenario (its token, its last answer), calling the run's sandbox."""
    world = ApiWorld(sandbox.url, sandbox.control)
    yield world
    world.close()


def _rows(datatable) -> dict[str, str]:
    return {row[0].strip(): row[1].strip() for row in datatable}


def _table(datatable) -> list[dict[str, str]]:
    header, *rows = datatable
    return [{key.strip(): value.strip() for key, value in zip(header, row, strict=True)} for row in rows]


# --- Given: the partner, its clock, its customers, the integration's token ------------------


@given(parsers.re(r"^an? (?P<kind>direct-bill partner|indirect provider|indirect reseller) whose clock reads "
                  r"(?P<day>\d{4}-\d{2}-\d{2})$"), target_fixture="tenant")
def _(request, control, kind, day):
    """A fresh tenant of that kind, its clock frozen at noon UTC of that date (R-TL-*), no customers yet."""
    return new_tenant(request, control, PARTNER_KINDS[kind], scenario_date(day))


SIGNS_IN_AS = r"^the partner's integration signs in as the (?P<whose>partner|indirect provider)'s (?P<role>[A-Z][a-z]+ [a-z]+)$"


@given(parsers.re(SIGNS_IN_AS))
@when(parsers.re(SIGNS_IN_AS))
def _(api_world, tenant, whose, role):
    """An App+User token (password grant) of that user, from the sandbox's token endpoint."""
    api_world.sign_in(tenant, role_of(role), provider=whose == "indirect provider")


@given("the partner's integration signs in as the application alone")
def _(api_world, tenant):
    """An App-only token (client credentials)."""
    api_world.sign_in(tenant, None)


@given("the partner's integration calls the API through the Partner Center .NET SDK")
def _(api_world):
    """Every call carries the header the .NET SDK sends (R-TL-3)."""
    api_world.headers.update(DOTNET_SDK_HEADER)


@when(parsers.re(r"^the partner's clock moves on by (?:(?P<minutes>\d+) minutes?)?(?: and )?(?:(?P<seconds>\d+) seconds?)?$"))
def _(control, tenant, minutes, seconds):
    """Move the tenant's clock forward through the control API (it stays frozen)."""
    control.advance_clock(tenant, int(minutes or 0) * 60 + int(seconds or 0))


@when(parsers.re(r"^the partner's clock moves on to (?P<day>\d{4}-\d{2}-\d{2})$"))
def _(control, tenant, day):
    """Set the tenant's clock to noon UTC of that day (frozen), through the control API; a token got before
    may have expired on it (sign in again)."""
    control.set_clock(tenant, scenario_date(day))


# --- R-API-1: agreement metadata ------------------------------------------------------------


@when(parsers.parse('the partner\'s integration asks for the agreement metadata of type "{agreement_type}"'))
def _(api_world, agreement_type):
    """The type as the API writes it: MicrosoftCustomerAgreement, MicrosoftCloudAgreement (or anything, to see
    the API refuse it)."""
    api_world.call("GET", f"/agreements?agreementType={agreement_type}")


@when("the partner's integration asks for the agreement metadata without naming a type")
def _(api_world):
    api_world.call("GET", "/agreements")


@given("the partner's integration looks up the template of the Microsoft Customer Agreement")
@when("the partner's integration looks up the template of the Microsoft Customer Agreement")
def _(api_world):
    """The integration's own metadata call (R-API-1); the confirmations that follow name the template it gives.
    (A confirmation step looks the template up on the side by itself when this step isn't there.)"""
    api_world.look_up_template()


@then("the API lists these agreements:")
def _(api_world, datatable):
    body = api_world.answer(200)
    expected = [{**row, "versionRank": int(row["versionRank"])} for row in _table(datatable)]
    assert body["items"] == expected, body
    assert body["totalCount"] == len(expected)
    assert body["attributes"] == {"objectType": "Collection"}


# --- R-API-2: confirming acceptance ---------------------------------------------------------


def _confirm(api_world: ApiWorld, tenant, customer: CustomerAccount, person: dict[str, str],
             agreement: str = "Microsoft Customer Agreement"):
    """POST the Agreement resource as the docs show it; the template comes from the metadata (R-API-1)."""
    person = person_table(person)
    agreement_type = AGREEMENT_TYPES[person.get("Agreement", agreement)]
    day = person.get("Date agreed") or api_world.today(tenant).isoformat()
    contact = {"firstName": person["First name"], "lastName": person["Last name"], "email": person["Email"]}
    if person.get("Phone number"):
        contact["phoneNumber"] = person["Phone number"]
    api_world.last_contact = dict(person)
    return api_world.call("POST", f"/customers/{customer.id}/agreements", {
        "primaryContact": contact,
        "templateId": person.get("Template id") or api_world.template_id(tenant, agreement_type),
        "dateAgreed": f"{scenario_date(day).date().isoformat()}T00:00:00.000Z",
        "type": agreement_type,
    })


@when("the partner's integration confirms the customer's acceptance through the API")
def _(api_world, tenant, customer):
    """The documented example's person, accepted on the partner's date."""
    _confirm(api_world, tenant, customer, DEFAULT_PERSON)


@when("the partner's integration confirms the customer's acceptance of the Microsoft Cloud Agreement through the API")
def _(api_world, tenant, customer):
    _confirm(api_world, tenant, customer, DEFAULT_PERSON, "Microsoft Cloud Agreement")


@when("the partner's integration confirms the customer's acceptance through the API with:")
def _(api_world, tenant, customer, datatable):
    """Rows: First name, Last name, Email, Phone number (optional), Date agreed (YYYY-MM-DD, default the
    partner's date), Agreement (default Microsoft Customer Agreement), Template id (default the agreement's
    current template, from the metadata); the portal form's labels (Email address, Agreement acceptance date)
    work too."""
    _confirm(api_world, tenant, customer, _rows(datatable))


@given("the partner's integration has confirmed the customer's acceptance with:")
def _(api_world, tenant, customer, datatable):
    """The same rows as the When step's; the confirmation must succeed (201)."""
    response = _confirm(api_world, tenant, customer, _rows(datatable))
    assert response.status_code == 201, describe(response)


@when("the partner's integration confirms the customer's acceptance again with the same person")
def _(api_world, tenant, customer):
    _confirm(api_world, tenant, customer, api_world.last_contact)


@then("the API answers 201 with the confirmation:")
def _(api_world, datatable):
    body = api_world.answer(201)
    expected = _rows(datatable)
    contact = body["primaryContact"]
    got = {"type": body["type"], "templateId": body["templateId"], "dateAgreed": body["dateAgreed"], **contact}
    assert {key: got.get(key) for key in expected} == expected, body
    assert "agreementLink" not in body  # the documented POST answer has none


@then("the confirmation's userId is the signed-in user's, from the token")
def _(api_world):
    body = api_world.answer(201)
    token = claims(api_world.token)
    assert token["oid"] and body["userId"] == token["oid"], (body, token)


# --- R-API-3: reading confirmations ---------------------------------------------------------


@when(parsers.parse('the partner\'s integration reads the customer\'s confirmations of type "{agreement_type}"'))
def _(api_world, customer, agreement_type):
    """The type as the API writes it: MicrosoftCustomerAgreement, MicrosoftCloudAgreement."""
    api_world.call("GET", f"/customers/{customer.id}/agreements?agreementType={agreement_type}")


@when("the partner's integration reads the customer's confirmations without naming a type")
def _(api_world, customer):
    api_world.call("GET", f"/customers/{customer.id}/agreements")


def _confirmations(api_world: ApiWorld, body: dict | None = None) -> list[dict]:
    """The confirmations of the last answer (or of ``body``), once it is the documented collection."""
    body = api_world.answer(200) if body is None else body
    assert body["totalCount"] == len(body["items"]) and body["attributes"] == {"objectType": "Collection"}, body
    return body["items"]


CONFIRMATION_COLUMNS = ("type", "firstName", "lastName", "email", "phoneNumber", "dateAgreed", "confirmed by")


@then("the API lists these confirmations:")
def _(api_world, tenant, datatable):
    """Columns, any of them in any order: type, firstName, lastName, email, phoneNumber (empty for none),
    dateAgreed (YYYY-MM-DD for that day at midnight UTC, or as the API writes it: 2020-05-04T00:00:00.000Z),
    confirmed by (a role of the partner: Admin agent, ...). The confirmations come in any order; a difference
    is shown with role names."""
    rows = _table(datatable)
    columns = list(rows[0]) if rows else ["type"]
    unknown = [c for c in columns if c not in CONFIRMATION_COLUMNS]
    if unknown:
        raise AssertionError(f"Unknown column(s) {unknown}; the columns: {', '.join(CONFIRMATION_COLUMNS)}")
    labels = {api_world.user_id(tenant, role_of(row["confirmed by"])): row["confirmed by"] for row in rows
              if "confirmed by" in row}
    # a day is that day at midnight UTC, as the steps and the portal send it
    rows = [{**row, "dateAgreed": f"{row['dateAgreed']}T00:00:00.000Z"} if len(row.get("dateAgreed", "")) == 10 else row
            for row in rows]

    def shown(item: dict) -> dict:
        contact = item["primaryContact"]
        full = {"type": item["type"], **{k: contact.get(k) or "" for k in ("firstName", "lastName", "email", "phoneNumber")},
                "dateAgreed": item["dateAgreed"],
                "confirmed by": labels.get(item["userId"], f"another user (userId {item['userId']})")}
        return {c: full[c] for c in columns}

    def order(listed):  # confirmations made at one instant of a frozen clock come back in no documented order
        return sorted(listed, key=lambda row: json.dumps(row, sort_keys=True))

    got = [shown(item) for item in _confirmations(api_world)]
    assert order(got) == order(rows), f"expected {order(rows)}, the API listed {order(got)}"


@then(parsers.re(r'^the API lists (?P<count>no|\d+) confirmations?(?: of type "(?P<agreement_type>[^"]+)")?$'))
def _(api_world, count, agreement_type):
    items = _confirmations(api_world)
    assert len(items) == (0 if count == "no" else int(count)), items
    if agreement_type:
        assert {item["type"] for item in items} <= {agreement_type}, items


@then(parsers.parse('the API lists {count:d} confirmations, of types "{types}"'))
def _(api_world, count, types):
    items = _confirmations(api_world)
    assert len(items) == count and sorted(item["type"] for item in items) == sorted(types.split(", ")), items


@then(parsers.parse('each confirmation links to "{link}"'))
def _(api_world, link):
    items = _confirmations(api_world)
    assert items and all(item["agreementLink"] == link for item in items), items


@then(parsers.re(r'^the customer has (?P<count>no|\d+) confirmations? of type "(?P<agreement_type>[^"]+)"$'))
def _(api_world, tenant, customer, count, agreement_type):
    """Read back through the API (the last answer stays the one under test)."""
    items = _confirmations(api_world, api_world.read(f"/customers/{customer.id}/agreements?agreementType={agreement_type}", tenant))
    assert len(items) == (0 if count == "no" else int(count)), items


# --- R-API-4: the template's document -------------------------------------------------------


def _ask_document(api_world: ApiWorld, tenant, query: str) -> None:
    if api_world.document is not None:
        api_world.earlier_documents.append(api_world.document)
    template = api_world.template_id(tenant, "MicrosoftCustomerAgreement")
    response = api_world.call("GET", f"/agreementtemplates/{template}/document{query}")
    api_world.document = response.json() if response.status_code == 200 else None


@when(parsers.parse('the partner\'s integration asks for the agreement template\'s document for country "{country}" in language "{language}"'))
def _(api_world, tenant, country, language):
    _ask_document(api_world, tenant, f"?language={language}&country={country}")


@when("the partner's integration asks for the agreement template's document without naming a country or language")
def _(api_world, tenant):
    _ask_document(api_world, tenant, "")


@then(parsers.parse('the API answers 200 with a link to the document for country "{country}" in language "{language}"'))
def _(api_world, country, language):
    body = api_world.answer(200)
    assert (body["country"], body["language"]) == (country, language), body
    assert body["displayUri"] != body["downloadUri"], body


@then(parsers.parse("the preview link shows the agreement for {country_name} in {language}"))
def _(api_world, country_name, language):
    page = api_world.open_link(api_world.document["displayUri"])
    assert page.status_code == 200 and mimetype(page) == "text/html", describe(page)
    html = page.text
    assert f'<html lang="{language}">' in html, html[:300]
    assert re.search(rf"<strong>{re.escape(country_name)}</strong>", html), html


@then(parsers.parse("the download link gives the agreement for {country} in {language} as a Word document"))
def _(api_world, country, language):
    response = api_world.open_link(api_world.document["downloadUri"])
    assert response.status_code == 200 and mimetype(response) == DOCX, describe(response)
    assert f'filename="MicrosoftCustomerAgreement_{country}_{language}.docx"' in response.headers["Content-Disposition"]
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        text = archive.read("word/document.xml").decode()
    assert MCA_COUNTRIES[country][0] in text


@then("the new links differ from the earlier ones")
def _(api_world):
    earlier = api_world.earlier_documents
    assert earlier, "only one link was asked for"
    new = api_world.document
    for old in earlier:
        assert new["displayUri"] != old["displayUri"] and new["downloadUri"] != old["downloadUri"], (old, new)
        assert api_world.open_link(old["displayUri"]).status_code == 200  # a new link does not end the old one


@then("neither link opens the document any more")
def _(api_world):
    for key in ("displayUri", "downloadUri"):
        response = api_world.open_link(api_world.document[key])
        assert response.status_code == 404, describe(response)


# --- R-API-5 and the customer's side: direct acceptance -------------------------------------


@when("the partner's integration asks whether the customer accepted the agreement directly")
def _(api_world, customer):
    api_world.call("GET", f"/customers/{customer.id}/directSignedMicrosoftCustomerAgreementStatus")


@then(parsers.re(r"^the API answers that the customer (?P<answer>has not|has) accepted the agreement directly$"))
def _(api_world, answer):
    assert api_world.answer(200) == {"isSigned": answer == "has"}


def _admin_center_accepts(api_world: ApiWorld, customer: CustomerAccount) -> CustomerAccount:
    """Sign in over HTTP and accept; the customer as it signs in from now on (a first sign-in sets a new password)."""
    credentials = customer.credentials
    if api_world.admin_center.sign_in(credentials.user_name, credentials.password, NEW_PASSWORD):
        customer = customer.with_new_password(NEW_PASSWORD)
    api_world.admin_center.accept_agreement()
    return customer


@when("the customer accepts the Microsoft Customer Agreement in the Microsoft 365 admin center, without a browser",
      target_fixture="customer")
def _(api_world, customer):
    """The customer signs in with the credentials the partner has (a first sign-in sets a new password, which
    the browser steps then use too), ticks the box and selects Accept (R-OPT2-NEW-8, R-OPT2-NEW-9): the admin
    center's pages over HTTP, not the customer's browser (the browser's is "When the customer accepts the
    Microsoft Customer Agreement")."""
    customer = _admin_center_accepts(api_world, customer)
    page = api_world.admin_center.last
    assert page.status_code == 200 and "You accepted the Microsoft Customer Agreement" in page.text, describe(page)
    return customer


@when("the customer tries to accept the Microsoft Customer Agreement in the Microsoft 365 admin center, without a browser",
      target_fixture="customer")
def _(api_world, customer):
    """As above, whatever the admin center answers; the Then steps "the admin center ..." check it."""
    return _admin_center_accepts(api_world, customer)


@then("the admin center says that accepting is not available yet")
def _(api_world):
    """After a step "..., without a browser": the admin center's answer refused the acceptance (403)."""
    page = api_world.admin_center.last
    assert page.status_code == 403, describe(page)
    assert "Accepting the Microsoft Customer Agreement here is not available yet." in page.text


@then("the admin center tells the customer to reach out to its partner")
def _(api_world):
    """After a step "..., without a browser": the admin center refused the acceptance (403) because the
    customer can't accept itself (R-OPT2-CANT): its partner confirms instead."""
    page = api_world.admin_center.last
    assert page.status_code == 403, describe(page)
    assert "Please reach out to your Partner to confirm your acceptance of the Microsoft Customer Agreement." in page.text


@then("the admin center confirms the acceptance")
def _(api_world):
    """After a step "..., without a browser": the admin center's answer confirmed it."""
    page = api_world.admin_center.last
    assert page.status_code == 200, describe(page)
    assert "You accepted the Microsoft Customer Agreement." in page.text


# --- R-NEW-BUY, R-TL-4, R-TL-5: customers, orders and seat changes --------------------------


@when("the partner's integration creates a new customer through the API", target_fixture="customer")
def _(api_world):
    """POST /v1/customers with the documented body; the customer's sign-in comes back in the answer, and the
    new customer is the scenario's customer from here on."""
    domain = f"rehearsal{uuid.uuid4().hex[:12]}.onmicrosoft.com"
    response = api_world.call("POST", "/customers", {
        "companyProfile": {"domain": domain},
        "billingProfile": {
            "email": "jan.jansen@example.com", "culture": "en-US", "language": "en", "companyName": "Rehearsal Bikes",
            "defaultAddress": {"firstName": "Jan", "lastName": "Jansen", "addressLine1": "One Microsoft Way",
                               "city": "Redmond", "state": "WA", "postalCode": "98052", "country": "US"},
        },
    })
    body = api_world.answer(201)
    assert response.status_code == 201
    sign_in = body["userCredentials"]
    return CustomerAccount(body["id"], body["companyProfile"]["companyName"],
                           Credentials(sign_in["userName"], sign_in["password"], must_change_password=True))


@when(parsers.parse('the partner\'s integration orders {quantity:d} "{offer}" for the customer'))
def _(api_world, customer, quantity, offer):
    api_world.call("POST", f"/customers/{customer.id}/orders",
                   {"lineItems": [{"offerId": offer_id(offer), "quantity": quantity}]})
    api_world.ordered = (offer_id(offer), quantity)


def _subscriptions(api_world: ApiWorld, tenant, customer: CustomerAccount) -> list[dict]:
    return api_world.read(f"/customers/{customer.id}/subscriptions", tenant)["items"]


@when(parsers.parse('the partner\'s integration changes the "{offer}" seats of the customer to {quantity:d}'))
def _(api_world, tenant, customer, offer, quantity):
    """Read the subscription, then PATCH its quantity (the documented seat change)."""
    found = [s for s in _subscriptions(api_world, tenant, customer) if s["offerName"] == offer]
    if len(found) != 1:
        raise AssertionError(f'The customer has {len(found)} "{offer}" subscriptions (seats {[s["quantity"] for s in found]}), '
                             "and the step changes exactly one.")
    [subscription] = found
    api_world.call("PATCH", f"/customers/{customer.id}/subscriptions/{subscription['id']}",
                   {**subscription, "quantity": quantity})
    api_world.changed = quantity


@then("the order goes through")
def _(api_world, customer):
    body = api_world.answer(201)
    offer, quantity = api_world.ordered
    assert body["status"] == "completed" and body["referenceCustomerId"] == customer.id, body
    assert [(line["offerId"], line["quantity"]) for line in body["lineItems"]] == [(offer, quantity)], body


@then("the seat change goes through")
def _(api_world):
    assert api_world.answer(200)["quantity"] == api_world.changed


@then("the API refuses it because the Microsoft Customer Agreement is missing")
def _(api_world):
    body = api_world.answer(403)
    assert body["code"] == AgreementRequired.code and body["description"] == AgreementRequired.default_description, body


@then("the customer has no subscriptions")
def _(api_world, tenant, customer):
    found = _subscriptions(api_world, tenant, customer)
    assert found == [], f"The customer has {[(s['offerName'], s['quantity']) for s in found]}"


@then(parsers.parse('the customer has {quantity:d} "{offer}" seats'))
def _(api_world, tenant, customer, quantity, offer):
    seats = [s["quantity"] for s in _subscriptions(api_world, tenant, customer) if s["offerName"] == offer]
    assert seats == [quantity], f'"{offer}" subscriptions with these seats: {seats}'


# --- retries: answers lost on their way, throttling -------------------------------------------


@given(parsers.parse("the next order will be placed but its answer lost to a {status:d}"))
def _(control, tenant, status):
    """A fault rule that lets the order run, then gives the client ``status`` instead of its answer
    (``"when": "after"``), once: a gateway's timeout after Partner Center did the work."""
    control.add_fault_rule(tenant, operation="createOrder", status=status, count=1, when="after")


@given(parsers.parse("the next order will be throttled with a 429 asking to retry after {seconds:d} seconds"))
def _(control, tenant, seconds):
    """A fault rule that answers 429 with Retry-After instead of running the order, once."""
    control.add_fault_rule(tenant, operation="createOrder", status=429, count=1, retry_after=seconds)


@when(parsers.re(r"^the partner's integration retries the order with (?P<which>the same|a new) MS-RequestId$"))
def _(api_world, which):
    api_world.retry(same_request_id=which == "the same")


@then(parsers.parse("the API asks to retry after {seconds:d} seconds"))
def _(api_world, seconds):
    assert api_world.response.headers.get("Retry-After") == str(seconds), dict(api_world.response.headers)


@then(parsers.re(r"^the customer has (?P<count>no|\d+) orders?$"))
def _(api_world, tenant, customer, count):
    orders = api_world.read(f"/customers/{customer.id}/orders", tenant)["items"]
    assert len(orders) == (0 if count == "no" else int(count)), orders


@then(parsers.parse("the sandbox's journal shows the order's {lost:d} lost behind the {status:d}"))
def _(control, tenant, lost, status):
    entries = [e for e in control.journal(tenant)["items"] if e["operation"] == "createOrder" and e["lostStatus"] is not None]
    assert [(e["status"], e["lostStatus"]) for e in entries] == [(status, lost)], entries


# --- answers in general ----------------------------------------------------------------------


@then(parsers.parse("the API answers {status:d}"))
def _(api_world, status):
    api_world.answer(status)


@then(parsers.re(r"^the API refuses it with (?P<status>\d{3}) and code (?P<code>\d+)(?:, saying it opens on (?P<day>[\d-]+))?$"))
def _(api_world, status, code, day):
    body = api_world.answer(int(status))
    assert body["code"] == int(code), body
    if day:
        assert f"available from {day}" in body["description"], body


@then(parsers.parse("the API refuses it with {status:d} and the documented body:"))
def _(api_world, status, docstring):
    assert api_world.answer(status) == json.loads(docstring)


__all__ = ["api_world", *[name for name in dir() if name.startswith("pytestbdd_")]]
