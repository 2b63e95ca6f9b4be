"""Customers: the list, its search, and the actions on it (R-OPT1-NEW-1, R-OPT2-REL-1)."""

from __future__ import annotations

import html
import unicodedata

import pytest

from sandbox.domain.model import Role
from sandbox.domain.rules import Channel
from sandbox.services import customers
from sandbox.services.context import Actor

from .helpers import page_text, user_of


def test_customers_list_shows_the_partners_customers(portal, admin):
    text = page_text(portal.get("/dashboard/customers"))
    assert "<h1>Customers</h1>" in text
    assert '<table class="grid" aria-label="Customers">' in text
    for column in ("Company name", "Primary domain name", "Microsoft ID"):
        assert f'<th scope="col">{column}</th>' in text
    for customer in admin["customers"]:
        assert customer["companyName"] in text
        assert customer["domain"] in text
        assert f'href="/dashboard/customers/{customer["id"]}/subscriptions"' in text  # as the real list
    assert ">Add customer</a>" in text
    assert ">Request a reseller relationship</a>" in text


def test_search_by_company_name_or_domain(portal, admin):
    wanted, *others = admin["customers"]
    text = page_text(portal.get("/dashboard/customers", query_string={"q": wanted["companyName"][:6]}))
    assert wanted["companyName"] in text
    text = page_text(portal.get("/dashboard/customers", query_string={"q": wanted["domain"].upper()}))
    assert wanted["companyName"] in text
    assert all(o["companyName"] not in text for o in others if o["companyName"] not in wanted["companyName"])


def test_a_name_typed_decomposed_finds_it_stored_composed(portal, admin, services):
    """Some keyboards and pastes give "ó" as o + a combining accent (NFD): the same name, found."""
    actor = Actor(workspace_id=admin["id"], partner_id=admin["id"], user_id="t", role=Role.ADMIN_AGENT, channel=Channel.PORTAL)
    made = customers.create_customer(services, actor, customers.NewCustomer(
        company_name="Construcción Lobo", domain="construccionlobo1.onmicrosoft.com", email="ana@example.com",
        first_name="Ana", last_name="Lobo", address_line1="Calle 1", city="Madrid", postal_code="28001", country="ES"))
    typed = unicodedata.normalize("NFD", "Construcción")
    assert typed != "Construcción"
    text = page_text(portal.get("/dashboard/customers", query_string={"q": typed}))
    assert made.customer.id in text


def test_search_without_a_match(portal, admin):
    text = page_text(portal.get("/dashboard/customers", query_string={"q": "zzz-no-such-company"}))
    assert 'No customers match "zzz-no-such-company".' in text
    assert 'aria-label="Customers"' not in text


@pytest.mark.parametrize("query", ["' OR 1=1 --", "%", "_", "<script>alert(1)</script>", "Müller 株式会社", "\\"])
def test_odd_searches_are_just_searches(portal, admin, query):
    response = portal.get("/dashboard/customers", query_string={"q": query})
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.get_data(as_text=True)
    assert "match your search" in page_text(response)


def test_a_too_long_search_is_refused_at_the_field(portal, admin):
    response = portal.get("/dashboard/customers", query_string={"q": "x" * 5000})
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert 'role="alert">Enter at most 200 characters.</p>' in text
    assert 'aria-describedby="f-q-error"' in text


def test_a_control_character_in_the_search_is_refused(portal, admin):
    assert portal.get("/dashboard/customers", query_string={"q": "a\x00b"}).status_code == 400


def test_a_tampered_continuation_token_starts_again(portal, admin):
    response = portal.get("/dashboard/customers", query_string={"continuation": "not-a-token"})
    assert response.status_code == 200
    assert "The continuation token is not valid." in page_text(response)
    assert admin["customers"][0]["companyName"] in page_text(response)


def test_paging_with_show_more(portal, client, admin):
    for _ in range(50):
        assert client.post(f"/_sandbox/tenants/{admin['id']}/customers", json={}).status_code == 201
    text = page_text(portal.get("/dashboard/customers"))
    assert "53 customers." in text
    assert "Show more customers" in text


def test_an_indirect_reseller_cant_add_customers(portal, client):
    made = client.post("/_sandbox/tenants", json={"kind": "IndirectReseller", "customers": 2}).get_json()
    portal.sign_in(user_of(made, "AdminAgent"))
    text = page_text(portal.get("/dashboard/customers"))
    assert ">Add customer</a>" not in text
    assert ">Request a reseller relationship</a>" in text
    assert "can add customers." not in text  # its provider adds them: not a matter of roles
    assert made["customers"][0]["companyName"] in text  # its provider's customers it is associated with
    assert "Indirect providers</a>" in text
    response = portal.get("/dashboard/customers/new")
    assert response.status_code == 403
    assert "Indirect resellers can't create customers here" in page_text(response)


def test_a_helpdesk_agent_is_offered_neither_action_and_told_why(portal, frozen_tenant):
    portal.sign_in(user_of(frozen_tenant, "HelpdeskAgent"))
    for path in ("/dashboard/customers", "/dashboard/home"):
        text = page_text(portal.get(path))
        assert ">Add customer</a>" not in text and "/dashboard/customers/new" not in text, path
        assert ">Request a reseller relationship</a>" not in text and "/dashboard/customers/request-relationship" not in text
        assert '<p class="notice notice--info">Only a Global admin, an Admin agent or a Sales agent can add customers.</p>' in text
        assert ('<p class="notice notice--info">Only an Admin agent or a Sales agent can request a reseller relationship.</p>'
                in text)
    assert frozen_tenant["customers"][0]["companyName"] in page_text(portal.get("/dashboard/customers"))  # it still reads


def test_a_global_admin_is_offered_add_customer_only(portal, frozen_tenant):
    portal.sign_in(user_of(frozen_tenant, "GlobalAdmin"))
    text = page_text(portal.get("/dashboard/customers"))
    assert ">Add customer</a>" in text
    assert ">Request a reseller relationship</a>" not in text
    assert "Only an Admin agent or a Sales agent can request a reseller relationship." in text
    assert "can add customers." not in text


def test_admin_and_sales_agents_get_no_role_notes(portal, frozen_tenant):
    portal.sign_in(user_of(frozen_tenant, "SalesAgent"))
    text = page_text(portal.get("/dashboard/customers"))
    assert ">Add customer</a>" in text and ">Request a reseller relationship</a>" in text
    assert "notice--info" not in text


def test_menu_pages_render(portal, admin):
    for path, title in (("/dashboard/home", "Home"), ("/dashboard/billing", "Billing"),
                        ("/dashboard/pricing-and-offers", "Pricing and offers"), ("/Dashboard/HOME", "Home"),
                        ("/dashboard/", "Home")):
        response = portal.get(path, follow_redirects=True)
        assert response.status_code == 200, path
        assert f"<h1>{title}</h1>" in response.get_data(as_text=True)


def test_paths_are_case_insensitive_next_to_the_admin_centers_home(portal, admin):
    assert "<h1>Customers</h1>" in portal.text("/DASHBOARD/Customers")
    assert portal.get("/AdminPortal/Home").status_code != 404  # the admin center's Home keeps its own spelling


def test_an_unknown_customer_is_a_not_found_page(portal, admin):
    for path in ("/dashboard/customers/nope/account", "/dashboard/customers/nope/subscriptions",
                 "/dashboard/customers/nope/agreement", "/dashboard/customers/a%00b/account"):
        response = portal.get(path)
        assert response.status_code == 404, path
        assert "<h1>Not found</h1>" in response.get_data(as_text=True)


def test_another_tenants_customer_is_not_found(portal, client, admin):
    other = client.post("/_sandbox/tenants", json={"customers": 1}).get_json()
    assert portal.get(f"/dashboard/customers/{other['customers'][0]['id']}/account").status_code == 404


def test_an_indirect_provider_filters_its_customers_by_indirect_reseller(client, portal):
    """"Select Filter by indirect reseller from the list and then choose a reseller": the provider's customers through
    that reseller; every customer with all resellers; another partner's id refused at the field."""
    made = client.post("/_sandbox/tenants", json={"kind": "IndirectReseller", "customers": 2}).get_json()
    provider = made["provider"]
    direct = client.post(f"/_sandbox/tenants/{made['id']}/customers",
                         json={"state": "NoAgreement", "partnerId": provider["id"]}).get_json()
    portal.sign_in(user_of(provider, "AdminAgent"))
    everyone = page_text(portal.get("/dashboard/customers"))
    assert '<label for="f-reseller">Filter by indirect reseller</label>' in everyone
    assert f'<option value="{made["id"]}">{html.escape(made["name"])}</option>' in everyone
    assert direct["companyName"] in everyone and all(c["companyName"] in everyone for c in made["customers"])

    through = page_text(portal.get("/dashboard/customers", query_string={"reseller": made["id"]}))
    assert all(c["companyName"] in through for c in made["customers"]) and direct["companyName"] not in through
    assert "2 customers match your search." in through and f'<option value="{made["id"]}" selected>' in through

    refused = portal.get("/dashboard/customers", query_string={"reseller": provider["id"]})
    assert refused.status_code == 400 and 'id="f-reseller-error" role="alert"' in page_text(refused)


def test_other_partners_have_no_reseller_filter(portal, admin):
    text = page_text(portal.get("/dashboard/customers", query_string={"reseller": admin["id"]}))
    assert "Filter by indirect reseller" not in text and all(c["companyName"] in text for c in admin["customers"])


def test_the_reseller_filter_holds_from_page_to_page(client, services):
    made = client.post("/_sandbox/tenants", json={"kind": "IndirectReseller", "customers": 3}).get_json()
    provider = made["provider"]
    client.post(f"/_sandbox/tenants/{made['id']}/customers", json={"state": "NoAgreement", "partnerId": provider["id"]})
    actor = Actor(workspace_id=made["id"], partner_id=provider["id"], user_id="t", role=Role.ADMIN_AGENT, channel=Channel.PORTAL)
    seen, page = [], customers.list_customers(services, actor, size=1, reseller=made["id"])
    while True:
        seen += [view.customer.id for view in page.items]
        if not page.continuation_token:
            break
        page = customers.list_customers(services, actor, continuation=page.continuation_token)  # the token alone
    assert sorted(seen) == sorted(c["id"] for c in made["customers"])


def test_export_customers_gives_the_complete_list_as_a_csv_file(client, portal, admin):
    """"Select Export customers. Partner Center converts your complete customer list into a .csv file": every customer
    of the partner (not a page), the docs' columns, and no cell a spreadsheet would run as a formula."""
    import csv
    import io

    made = client.post(f"/_sandbox/tenants/{admin['id']}/customers", json={"state": "NoAgreement"}).get_json()
    other = client.post("/_sandbox/tenants", json={"customers": 1}).get_json()["customers"][0]
    text = page_text(portal.get("/dashboard/customers"))
    assert '<a class="button" href="/dashboard/customers/export" download>Export customers</a>' in text

    response = portal.get("/dashboard/customers/export")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == 'attachment; filename="customers.csv"'
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).removeprefix("\ufeff"))))
    assert rows[0] == ["Microsoft ID", "Company name", "Primary domain name", "Relationship", "Bill-to Company name",
                       "Bill-to Address", "Bill-to Contact"]
    ids = {row[0] for row in rows[1:]}
    assert ids == {c["id"] for c in admin["customers"]} | {made["id"]} and other["id"] not in ids
    assert all(row[3] in ("Reseller", "Reseller & delegated administrator") for row in rows[1:])


def test_an_exported_name_a_spreadsheet_would_run_is_kept_as_text(portal, admin, services):
    actor = Actor(workspace_id=admin["id"], partner_id=admin["id"], user_id="t", role=Role.ADMIN_AGENT, channel=Channel.PORTAL)
    customers.create_customer(services, actor, customers.NewCustomer(
        company_name="=HYPERLINK(\"http://x.example\")", domain="formulaco1.onmicrosoft.com", email="f@example.com",
        first_name="F", last_name="G", address_line1="1 Way", city="Leeds", postal_code="LS1 1AA", country="GB"))
    exported = portal.get("/dashboard/customers/export").get_data(as_text=True)
    assert "'=HYPERLINK" in exported and ",=HYPERLINK" not in exported


def test_an_indirect_reseller_s_export_names_its_relationship(client, portal):
    made = client.post("/_sandbox/tenants", json={"kind": "IndirectReseller", "customers": 2}).get_json()
    portal.sign_in(user_of(made, "AdminAgent"))
    exported = portal.get("/dashboard/customers/export").get_data(as_text=True).removeprefix("\ufeff").splitlines()
    assert len(exported) == 3 and all(",Indirect reseller," in line for line in exported[1:])
