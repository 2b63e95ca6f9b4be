"""The invitation page: accept a partner and the MCA (R-OPT2-REL-5..8, R-OPT2-CANT scenario 2, R-TL-6)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from sandbox.domain import rules
from sandbox.domain.model import AgreementType, Contact
from sandbox.services import admin_center, agreements, customers, relationships, tenants

from .conftest import CANT, NOT_YET, esc, invitation_url, partner_actor, set_clock

MCA_BOX = "I have read and agree to the terms of the Microsoft Customer Agreement."
INVALID = "This invitation is not valid. Ask your partner for a new link."


def _customer_ids(services, workspace_id, partner_id=None):
    page = customers.list_customers(services, partner_actor(workspace_id, partner_id))
    return {view.customer.id for view in page.items}


@pytest.mark.parametrize(
    ("dap", "relationship", "roles"),
    [
        ("true", "Reseller &amp; delegated administrator", "Global admin, Helpdesk admin"),
        ("TRUE", "Reseller &amp; delegated administrator", "Global admin, Helpdesk admin"),
        ("false", "Reseller", "None"),
        ("False", "Reseller", "None"),
    ],
)
def test_the_invitation_shows_who_asks_for_what(admin, tenant, add_customer, dap, relationship, roles):
    customer = add_customer(tenant["id"], "NoRelationship")

    page = admin.open_signed_in(customer, invitation_url(tenant["id"], dap=dap)).get_data(as_text=True)

    assert "<h1>Accept agreement &amp; authorize partner</h1>" in page
    assert f"<dt>Partner</dt><dd>{esc(tenant['name'])}</dd>" in page
    assert f"<dt>Relationship</dt><dd>{relationship}</dd>" in page
    assert f"would like to work with you as a {relationship.lower()}.</p>" in page
    assert f"<dt>Admin roles</dt><dd>{roles}</dd>" in page
    assert f'<label for="authorize">Authorize {esc(tenant["name"])} as your reseller</label>' in page
    assert f'<label for="accept">{MCA_BOX}</label>' in page
    assert '<a href="/AdminPortal/agreement-document" target="_blank" rel="noopener">Microsoft Customer Agreement</a>' in page
    assert ">Accept &amp; Authorize</button>" in page


def test_accepting_creates_the_relationship_and_the_customer_joins_the_partner_s_list(admin, services, tenant, add_customer):
    customer = add_customer(tenant["id"], "NoRelationship")
    url = invitation_url(tenant["id"], dap="true")
    admin.open_signed_in(customer, url)
    assert customer["id"] not in _customer_ids(services, tenant["id"])

    response = admin.post(url, {"authorize": "yes", "accept": "yes"})

    assert response.status_code == 302
    assert response.headers["Location"] == url.replace("/Adminportal/", "/AdminPortal/")
    page = admin.client.get(url).get_data(as_text=True)
    assert f'role="status">You authorized {esc(tenant["name"])}.</div>' in page
    assert '<table class="ms-table" aria-label="Partner relationships">' in page
    assert "<td>Reseller &amp; delegated administrator</td>" in page
    assert "<td>Global admin, Helpdesk admin</td>" in page
    assert customer["id"] in _customer_ids(services, tenant["id"])  # R-OPT2-REL-8, visible to the partner
    assert agreements.get_direct_sign_status(services, partner_actor(tenant["id"]), customer["id"]) is True


def test_a_partner_id_in_upper_case_is_the_same_invitation(admin, services, tenant, add_customer):
    """A GUID in any case, as the REST API reads one: the link and the partner's details page."""
    customer = add_customer(tenant["id"], "NoRelationship")
    url = invitation_url(tenant["id"].upper(), dap="false")
    admin.open_signed_in(customer, url)
    assert admin.post(url, {"authorize": "yes", "accept": "yes"}).status_code == 302
    assert customer["id"] in _customer_ids(services, tenant["id"])
    details = admin.client.get(f"/AdminPortal/Home?ref=/partners/{tenant['id'].upper()}")
    assert details.status_code == 200 and esc(tenant["name"]) in details.get_data(as_text=True)


def test_without_delegated_admin_the_relationship_has_no_admin_roles(admin, services, tenant, add_customer):
    customer = add_customer(tenant["id"], "NoRelationship")
    url = invitation_url(tenant["id"], dap="false")
    admin.open_signed_in(customer, url)

    admin.post(url, {"authorize": "yes", "accept": "yes"})

    page = admin.client.get(url).get_data(as_text=True)
    assert "<td>Reseller</td>" in page and "<td>None</td>" in page


def test_a_partner_the_customer_works_with_already_is_not_introduced_as_new(admin, tenant, add_customer):
    """Its own partner's link (here: asking for the admin roles it doesn't have yet) says they work together already."""
    customer = add_customer(tenant["id"], "NoAgreement")  # the partner's customer, without admin roles
    page = admin.open_signed_in(customer, invitation_url(tenant["id"], dap="true")).get_data(as_text=True)
    assert (f"You already work with {esc(tenant['name'])}. It would like to work with you as a reseller &amp; "
            "delegated administrator.</p>") in page


def test_an_invitation_already_accepted_says_so(admin, tenant, add_customer):
    customer = add_customer(tenant["id"], "NoRelationship")
    url = invitation_url(tenant["id"], dap="false")
    admin.open_signed_in(customer, url)
    admin.post(url, {"authorize": "yes", "accept": "yes"})
    admin.client.get(url)  # the one-time notice

    page = admin.client.get(url).get_data(as_text=True)

    assert f'role="status">You already work with {esc(tenant["name"])}.</div>' in page
    assert 'type="checkbox"' not in page


@pytest.mark.parametrize(
    ("form", "errors"),
    [
        ({"accept": "yes"}, {"authorize"}),
        ({"authorize": "yes"}, {"accept"}),
        ({}, {"authorize", "accept"}),
    ],
)
def test_each_box_must_be_ticked_and_nothing_is_stored_until_then(admin, services, tenant, add_customer, form, errors):
    customer = add_customer(tenant["id"], "NoRelationship")
    url = invitation_url(tenant["id"])
    admin.open_signed_in(customer, url)

    response = admin.post(url, form)

    page = response.get_data(as_text=True)
    assert response.status_code == 400
    messages = {
        "authorize": f"Select the checkbox to authorize {esc(tenant['name'])}.",
        "accept": "Select the checkbox to accept the agreement.",
    }
    for name, message in messages.items():
        shown = f'<p id="{name}-error" class="ms-error" role="alert">{message}</p>' in page
        assert shown is (name in errors)
        kept = f'name="{name}" value="yes" checked' in page
        assert kept is (name in form)  # what was ticked stays ticked
    assert customer["id"] not in _customer_ids(services, tenant["id"])
    with services.unit_of_work() as uow:
        assert uow.repo.direct_acceptance(customer["id"]) is None


def test_with_the_mca_in_place_only_the_relationship_is_asked(admin, services, demo, add_customer):
    provider = demo["partners"]["IndirectProvider"]
    customer = add_customer(demo["id"], "MCAAttested")
    url = invitation_url(provider["id"], dap="false")

    page = admin.open_signed_in(customer, url).get_data(as_text=True)
    response = admin.post(url, {"authorize": "yes"})

    assert f'<label for="authorize">Authorize {esc(provider["name"])} as your reseller</label>' in page
    assert 'name="accept"' not in page
    assert response.status_code == 302
    assert customer["id"] in _customer_ids(services, demo["id"], provider["id"])


def test_a_second_partner_of_the_customer_reads_its_confirmation_but_not_the_first_partners_user_or_invitation(
        admin, services, demo, add_customer):
    """Every partner of a customer reads its confirmations (the agreement is the customer's), but the account page
    named the other partner's user who confirmed, and showed the other partner's open invitation as its own."""
    direct, provider = demo["id"], demo["partners"]["IndirectProvider"]["id"]
    customer = add_customer(direct, "InvitationPending")  # the direct-bill partner's invitation, still open
    confirming = next(u for u in tenants.get_tenant(services, direct).users if u.partner_id == direct and u.role.value == "AdminAgent")
    actor = partner_actor(direct)
    agreements.confirm_customer_acceptance(
        services, replace(actor, user_id=confirming.id), customer["id"], template_id=rules.MCA.template_id,
        agreement_type=AgreementType.MICROSOFT_CUSTOMER_AGREEMENT, date_agreed=datetime(2024, 1, 2, tzinfo=UTC),
        contact=Contact("Jan", "Jansen", "jan@example.com", None),
    )
    url = invitation_url(provider, dap="false")
    admin.open_signed_in(customer, url)
    assert admin.post(url, {"authorize": "yes"}).status_code == 302

    own = agreements.get_agreement_status(services, actor, customer["id"])
    other = agreements.get_agreement_status(services, partner_actor(direct, provider), customer["id"])
    assert own.users[confirming.id] == confirming.user_name and own.invited
    assert other.latest_mca_confirmation is not None  # read, as the API reads it
    assert other.users[confirming.id] == agreements.OTHER_PARTNERS_USER and not other.invited


def test_a_customer_who_bought_already_must_ask_its_new_partner_scenario_2(admin, services, demo, add_customer):
    provider = demo["partners"]["IndirectProvider"]
    customer = add_customer(demo["id"], "CannotAcceptDirectly")
    url = invitation_url(provider["id"], dap="true")

    page = admin.open_signed_in(customer, url).get_data(as_text=True)
    response = admin.post(url, {"authorize": "yes", "accept": "yes"})

    assert "<h1>Accept agreement &amp; authorize partner</h1>" in page
    assert f'<div class="ms-bar ms-bar--warning" role="alert">{CANT}</div>' in page
    assert 'type="checkbox"' not in page
    assert "Accept &amp; Authorize</button>" not in page
    assert response.status_code == 403
    assert CANT in response.get_data(as_text=True)
    assert customer["id"] not in _customer_ids(services, demo["id"], provider["id"])


def test_before_2020_02_03_the_link_asks_for_the_relationship_alone(admin, client, services, tenant, add_customer):
    """R-TL-6: until the admin center takes the MCA, a reseller link (older than the MCA) authorizes the partner
    and nothing more; the partner then confirms the customer's acceptance (Option 1)."""
    customer = add_customer(tenant["id"], "NoRelationship")
    set_clock(client, tenant["id"], "2020-01-20T12:00:00+00:00")
    url = invitation_url(tenant["id"])

    page = admin.open_signed_in(customer, url).get_data(as_text=True)
    assert f'<label for="authorize">Authorize {esc(tenant["name"])} as your reseller</label>' in page
    assert MCA_BOX not in page and NOT_YET not in page and "agreement-document" not in page
    assert admin.post(url, {"authorize": "yes"}).status_code == 302

    assert customer["id"] in _customer_ids(services, tenant["id"])
    assert agreements.get_direct_sign_status(services, partner_actor(tenant["id"]), customer["id"]) is False
    admin.client.get(url)  # the one-time notice
    assert f'You already work with {esc(tenant["name"])}.' in admin.client.get(url).get_data(as_text=True)


def test_before_2020_02_03_a_customer_with_purchases_authorizes_the_relationship_too(admin, client, services, tenant,
                                                                                    add_customer):
    """R-OPT2-CANT is about accepting the MCA here: before 2020-02-03 the link doesn't ask for it, so a customer with
    purchases isn't sent back to its partner; the agreement page still says it isn't open yet."""
    set_clock(client, tenant["id"], "2020-02-02T23:59:59+00:00")
    customer = add_customer(tenant["id"], "CannotAcceptDirectly")

    invitation = admin.open_signed_in(customer, invitation_url(tenant["id"])).get_data(as_text=True)
    agreement = admin.client.get("/AdminPortal/Home?ref=/BillingAccounts/agreement").get_data(as_text=True)

    assert CANT not in invitation and NOT_YET not in invitation
    assert NOT_YET in agreement and CANT not in agreement


def test_an_indirect_reseller_s_link_names_the_reseller_and_its_provider(admin, client, services, add_customer):
    made = client.post("/_sandbox/tenants", json={"kind": "IndirectReseller", "customers": 0}).get_json()
    reseller, provider = made, made["provider"]
    customer = add_customer(made["id"], "NoRelationship", partner_id=provider["id"])
    url = _reseller_link(services, made["id"], reseller["id"], provider["id"], delegated_admin=False)

    page = admin.open_signed_in(customer, url).get_data(as_text=True)
    response = admin.post(url, {"authorize": "yes", "accept": "yes"})

    assert f"<dt>Partner</dt><dd>{esc(reseller['name'])}</dd>" in page
    assert f"<dt>Indirect provider</dt><dd>{esc(provider['name'])}</dd>" in page
    assert response.status_code == 302
    listing = admin.client.get(url).get_data(as_text=True)
    assert "<td>Indirect reseller</td>" in listing and "<td>Reseller</td>" in listing
    assert customer["id"] in _customer_ids(services, made["id"], reseller["id"])


def _reseller_link(services, tenant_id: str, reseller_id: str, provider_id: str, *, delegated_admin: bool) -> str:
    with services.unit_of_work() as uow:
        link = relationships.relationship_request_url(
            "http://sandbox.test", uow.repo.partner(tenant_id, reseller_id), delegated_admin=delegated_admin,
            provider=uow.repo.partner(tenant_id, provider_id),
        )
    return link.removeprefix("http://sandbox.test").split("#")[0]


@pytest.mark.parametrize("state", ["NoRelationship", "MCAAttested"])
def test_an_indirect_reseller_s_link_with_admin_roles_gives_them_to_the_reseller_from_the_day_it_is_accepted(
        admin, client, services, add_customer, state):
    """The page tells the customer that the reseller asks for the admin roles: the reseller gets them, with its
    own date. They went to the provider's row, and the reseller's "Since" was the provider's."""
    made = client.post("/_sandbox/tenants", json={"kind": "IndirectReseller", "customers": 0}).get_json()
    reseller, provider = made["id"], made["provider"]["id"]
    customer = add_customer(made["id"], state, partner_id=provider)  # MCAAttested: the provider's customer since 2019
    before = {r.partner.id: r for r in admin_center.list_customer_partners(services, customer["id"])}
    set_clock(client, made["id"], "2024-03-05T10:00:00+00:00")
    url = _reseller_link(services, made["id"], reseller, provider, delegated_admin=True)

    page = admin.open_signed_in(customer, url).get_data(as_text=True)
    response = admin.post(url, {"authorize": "yes", "accept": "yes"})

    assert "<dt>Relationship</dt><dd>Indirect reseller &amp; delegated administrator</dd>" in page
    assert "would like to work with you as an indirect reseller &amp; delegated administrator.</p>" in page
    assert "<dt>Admin roles</dt><dd>Global admin, Helpdesk admin</dd>" in page
    assert response.status_code == 302
    after = {r.partner.id: r for r in admin_center.list_customer_partners(services, customer["id"])}
    assert after[reseller].relationship == "Indirect reseller & delegated administrator"
    assert after[reseller].admin_roles == admin_center.DAP_ROLES
    assert after[reseller].since == datetime(2024, 3, 5, 10, tzinfo=UTC)
    if provider in before:  # the provider keeps what it had, date and roles
        assert (after[provider].since, after[provider].admin_roles) == (before[provider].since, before[provider].admin_roles)
    else:  # nobody asked the roles for the provider
        assert (after[provider].relationship, after[provider].admin_roles) == ("Reseller", ())
    assert customers.get_customer(services, partner_actor(made["id"], reseller), customer["id"]).delegated_admin
    assert "You authorized" in admin.client.get(url).get_data(as_text=True)  # where the accepting redirects to
    assert "You already work with" in admin.client.get(url).get_data(as_text=True)  # opened again: nothing left to accept


def test_a_second_link_of_the_reseller_adds_the_admin_roles_it_asks_for(admin, client, services, add_customer):
    made = client.post("/_sandbox/tenants", json={"kind": "IndirectReseller", "customers": 0}).get_json()
    reseller, provider = made["id"], made["provider"]["id"]
    customer = add_customer(made["id"], "NoRelationship")
    without, with_roles = (_reseller_link(services, made["id"], reseller, provider, delegated_admin=dap) for dap in (False, True))
    admin.open_signed_in(customer, without)
    assert admin.post(without, {"authorize": "yes", "accept": "yes"}).status_code == 302
    first = {r.partner.id: r for r in admin_center.list_customer_partners(services, customer["id"])}[reseller]

    offered = admin.client.get(with_roles).get_data(as_text=True)  # not done yet: the roles are asked for now
    assert admin.post(with_roles, {"authorize": "yes"}).status_code == 302

    assert first.admin_roles == () and "You already work with" not in offered
    second = {r.partner.id: r for r in admin_center.list_customer_partners(services, customer["id"])}[reseller]
    assert second.admin_roles == admin_center.DAP_ROLES and second.since == first.since


@pytest.mark.parametrize(("mspp", "valid"), [("provider's", True), ("0", True), ("absent", True), ("another", False)])
def test_an_indirect_reseller_s_link_names_its_provider_s_mpn_id_or_none(admin, client, services, add_customer, mspp, valid):
    """``msppId`` names the indirect provider by its MPN id: another MPN id is another provider's link."""
    made = client.post("/_sandbox/tenants", json={"kind": "IndirectReseller", "customers": 0}).get_json()
    reseller, provider = made["id"], made["provider"]["id"]
    customer = add_customer(made["id"], "NoRelationship")
    link = _reseller_link(services, made["id"], reseller, provider, delegated_admin=False)
    with services.unit_of_work() as uow:
        mpn_id = uow.repo.partner(made["id"], provider).mpn_id
    assert f"&msppId={mpn_id}&" in link
    url = {"provider's": link, "0": link.replace(f"msppId={mpn_id}", "msppId=0"),
           "absent": link.replace(f"&msppId={mpn_id}", ""),
           "another": link.replace(f"msppId={mpn_id}", f"msppId={int(mpn_id) + 1}")}[mspp]

    page = admin.open_signed_in(customer, url)
    accepted = admin.post(url, {"authorize": "yes", "accept": "yes"})

    assert (page.status_code, accepted.status_code) == ((200, 302) if valid else (404, 404))
    assert (INVALID in page.get_data(as_text=True)) is not valid


@pytest.mark.parametrize("which", ["other tenant", "unknown", "indirect reseller", "indirect without reseller"])
def test_an_invitation_from_outside_the_customer_s_tenant_is_not_valid(admin, client, demo, add_customer, which):
    other = client.post("/_sandbox/tenants", json={"customers": 0}).get_json()
    customer = add_customer(demo["id"], "NoRelationship")
    url = {
        "other tenant": invitation_url(other["id"]),
        "unknown": invitation_url("00000000-0000-0000-0000-000000000000"),
        "indirect reseller": invitation_url(demo["partners"]["IndirectReseller"]["id"]),
        "indirect without reseller": invitation_url(demo["partners"]["IndirectProvider"]["id"],
                                                    inv_type="IndirectResellerRelationship"),
    }[which]

    response = admin.open_signed_in(customer, url)
    refused = admin.post(url, {"authorize": "yes", "accept": "yes"})

    assert response.status_code == 404
    assert INVALID in response.get_data(as_text=True)
    assert refused.status_code == 404
    assert esc(other["name"]) not in response.get_data(as_text=True)


def test_a_link_asking_nothing_new_of_a_customer_already_related_says_they_work_together(admin, tenant, add_customer):
    customer = add_customer(tenant["id"], "NoAgreement")  # a reseller relationship, no MCA yet
    page = admin.open_signed_in(customer, invitation_url(tenant["id"], dap="false")).get_data(as_text=True)
    assert f"You already work with {esc(tenant['name'])} as a reseller.</p>" in page
