"""Request a reseller relationship (R-OPT2-REL-1..3): the email text with the parameterised URL."""

from __future__ import annotations

import html
import re
from urllib.parse import parse_qs, unquote, urlsplit

import pytest

from .helpers import page_text, set_clock, user_of

URL = "/dashboard/customers/request-relationship"
DAP_LABEL = "Include delegated administration privileges for Azure Active Directory and Office 365"


def email_text(response) -> str:
    raw = response.get_data(as_text=True)
    return html.unescape(re.search(r'<textarea id="email-message"[^>]*>(.*?)</textarea>', raw, re.S).group(1))


def test_page_has_the_contract_labels(portal, admin):
    text = page_text(portal.get(URL))
    assert "<h1>Request a reseller relationship</h1>" in text
    assert f'<label for="f-dap">{DAP_LABEL}</label>' in text
    assert '<label for="email-message">Email message</label>' in text
    assert ">Copy to clipboard</button>" in text
    assert ">Open in email</a>" in text
    assert ">Done</a>" in text
    assert 'id="copy-status" class="copy-status" role="status"' in text


def test_email_has_a_subject_two_paragraphs_and_the_invitation_link(portal, admin):
    text = email_text(portal.get(URL, query_string="dap=true"))
    partner = admin["name"]
    assert text.startswith(f"Subject: Request for a reseller relationship with {partner}\n\nDear customer,\n\n")
    link = (f"http://sandbox.test/Adminportal/Home?invType=ResellerRelationship&partnerId={admin['id']}"
            "&msppId=0&DAP=true#/BillingAccounts/partner-invitation")
    assert f"\n{link}\n" in text
    assert "including delegated administration privileges" in text
    assert f"Sincerely,\n{partner}" in text


def test_delegated_admin_is_off_by_default_and_can_be_ticked(portal, admin):
    assert "DAP=false" in email_text(portal.get(URL))
    checked = portal.get(URL, query_string="dap=true")
    assert 'id="f-dap" name="dap" value="true" checked' in page_text(checked)
    assert "DAP=true" in email_text(checked)
    cleared = portal.get(URL, query_string="dap=false")
    assert 'id="f-dap" name="dap" value="true" data-dap-switch="email-message"' in page_text(cleared)
    text = email_text(cleared)
    assert "DAP=false" in text and "DAP=true" not in text
    assert "delegated administration" not in text
    # the no-JavaScript form sends the hidden false, then the ticked checkbox's true: the last one wins
    assert "DAP=true" in email_text(portal.get(URL, query_string="dap=false&dap=true"))
    assert "DAP=false" in email_text(portal.get(URL, query_string="dap=nonsense"))


def test_the_page_holds_both_emails_for_the_box_to_switch_between_in_place(portal, admin):
    """Ticking the box used to reload the page and lose the partner's edits; the page now carries both texts and
    links, and portal.js switches between them in the edited text."""
    page = page_text(portal.get(URL, query_string="dap=false"))
    attributes = {name: html.unescape(value) for name, value in re.findall(r'data-(text-(?:true|false)|url-(?:true|false)|dap-clause|dap-anchor)="([^"]*)"', page)}

    assert attributes["text-false"] == email_text(portal.get(URL, query_string="dap=false"))
    assert attributes["text-true"] == email_text(portal.get(URL, query_string="dap=true"))
    assert attributes["url-false"].endswith("&DAP=false#/BillingAccounts/partner-invitation")
    assert attributes["url-true"] == attributes["url-false"].replace("DAP=false", "DAP=true")
    assert attributes["dap-anchor"] + attributes["dap-clause"] in attributes["text-true"]
    assert attributes["dap-anchor"] in attributes["text-false"] and attributes["dap-clause"] not in attributes["text-false"]


def test_open_in_email_message_is_a_mailto_with_subject_and_body(portal, admin):
    """R-OPT2-REL-4: the partner sends the email from its own mail program, the invitation link in it."""
    response = portal.get(URL, query_string="dap=false")
    raw = response.get_data(as_text=True)
    href = html.unescape(re.search(r'<a class="button" id="open-in-email" href="([^"]+)"', raw).group(1))
    assert href.startswith("mailto:?subject=")
    query = parse_qs(urlsplit(href).query)
    assert query["subject"] == [f"Request for a reseller relationship with {admin['name']}"]
    body = unquote(href.split("&body=", 1)[1])
    assert body.startswith("Dear customer,\r\n\r\n")
    assert "DAP=false#/BillingAccounts/partner-invitation" in body


def test_an_indirect_resellers_link_names_its_provider(portal, client):
    made = client.post("/_sandbox/tenants", json={"kind": "IndirectReseller", "customers": 0}).get_json()
    portal.sign_in(user_of(made, "AdminAgent"))
    text = email_text(portal.get(URL))
    assert "invType=IndirectResellerRelationship" in text
    assert f"partnerId={made['provider']['id']}" in text
    assert f"indirectCSPId={made['id']}" in text


@pytest.mark.parametrize("role", ["AdminAgent", "SalesAgent"])
def test_admin_and_sales_agents_can_open_it(portal, frozen_tenant, role):
    portal.sign_in(user_of(frozen_tenant, role))
    assert portal.get(URL).status_code == 200


@pytest.mark.parametrize("role", ["GlobalAdmin", "BillingAdmin", "HelpdeskAgent"])
def test_other_roles_are_refused_with_the_reason_and_no_link(portal, frozen_tenant, role):
    """"Request a relationship with a customer": Admin agent | Sales agent. The page, or a request for it with
    delegated administration, shows why and never the partner's link."""
    portal.sign_in(user_of(frozen_tenant, role))
    for response in (portal.get(URL), portal.get(URL, query_string="dap=true")):
        assert response.status_code == 403
        text = page_text(response)
        assert ('<div class="notice notice--error" role="alert">'
                "Only an Admin agent or a Sales agent can request a reseller relationship.</div>") in text
        assert "invType=" not in text and 'id="email-message"' not in text
    assert portal.post(URL, {"dap": "true"}).status_code == 405  # the page has no form to post


def test_an_indirect_resellers_helpdesk_agent_is_refused_too(portal, client):
    made = client.post("/_sandbox/tenants", json={"kind": "IndirectReseller", "customers": 0}).get_json()
    portal.sign_in(user_of(made, "HelpdeskAgent"))
    assert portal.get(URL).status_code == 403


@pytest.mark.parametrize(("now", "noted"), [("2020-02-02T23:00:00+00:00", True), ("2020-02-03T00:00:00+00:00", False)])
def test_before_the_admin_center_takes_the_agreement_the_page_says_where_the_link_leads(client, portal, tenant, now, noted):
    """R-TL-6: until 2020-02-03 the admin center takes no MCA: the link asks for the relationship alone, and the
    partner reads that here."""
    set_clock(client, tenant["id"], now)
    portal.sign_in(user_of(tenant, "AdminAgent"))
    response = portal.get(URL)
    text = page_text(response)
    assert ("Customers can accept the Microsoft Customer Agreement in the Microsoft 365 admin center from 02/03/2020."
            in " ".join(text.split())) is noted
    # the link asks for the relationship alone until then, and the email says so
    assert ("review and accept the Microsoft Customer Agreement" in email_text(response)) is not noted
