"""Texts the portal writes that Partner Center's public documents don't give word for word.

ui-wording.md marks these NOT FOUND / PLAUSIBLE: they are the sandbox's own, kept here so they are
easy to change. The templates carry the rest of the (documented) labels.
"""

from __future__ import annotations

from urllib.parse import quote

# Why Add customer or Request a reseller relationship is not offered to a user: the roles are the articles'
# "Appropriate roles" (rules.CUSTOMER_ADDING_ROLES, rules.RELATIONSHIP_REQUESTING_ROLES); the wording is ours.
CANNOT_ADD_CUSTOMERS = "Only a Global admin, an Admin agent or a Sales agent can add customers."
CANNOT_REQUEST_RELATIONSHIP = "Only an Admin agent or a Sales agent can request a reseller relationship."
# Why an indirect reseller's Subscriptions tab offers no purchase nor seat change (rules.may_buy)
PROVIDER_BUYS = "Your indirect provider places orders and changes subscriptions for your customers."
# R-OPT2-CANT: a purchase refused (13605) for a customer who can't accept in the admin center: the remedy the
# docs give the partner, instead of the API's "or the customer must accept ..."
MUST_ATTEST_TO_BUY = ("This customer can't accept the Microsoft Customer Agreement in the Microsoft 365 admin center: "
                      "it has bought through a partner already. To resolve: You must attest on behalf of the customer.")

# A4 "PLAUSIBLE template": two paragraphs plus the link (R-OPT2-REL-2).
RESELLER_SUBJECT = "Request for a reseller relationship with {partner}"
RESELLER_BODY = """Dear customer,

{partner} would like to become your Microsoft Cloud Solution Provider partner, so we can sell you Microsoft cloud services and {anchor}{dap_clause}. To accept, a global administrator of your organization needs to sign in to the Microsoft 365 admin center, {agreement}authorize {partner} as your reseller.

Select the link below to accept this invitation:
{url}

Note: A user with global administrator permissions is required to accept this request.

Sincerely,
{partner}"""
DAP_CLAUSE = ", including delegated administration privileges for Azure Active Directory and Office 365"
DAP_ANCHOR = "help you manage them"  # the words the clause follows (where the page puts it back in an edited text)
# what the page adds before the link instead, when the partner's edits took those words out
DAP_SENTENCE = "This invitation includes delegated administration privileges for Azure Active Directory and Office 365."


AGREEMENT_STEP = "review and accept the Microsoft Customer Agreement, and "  # from 2020-02-03 (R-TL-6)


def reseller_email(partner_name: str, url: str, *, delegated_admin: bool, with_agreement: bool = True) -> str:
    """The editable email of Request a reseller relationship: a subject line, a blank line, the body.
    ``with_agreement``: the link asks for the MCA too (from 2020-02-03, R-TL-6)."""
    subject = RESELLER_SUBJECT.format(partner=partner_name)
    body = RESELLER_BODY.format(partner=partner_name, url=url, anchor=DAP_ANCHOR, dap_clause=DAP_CLAUSE if delegated_admin else "",
                                agreement=AGREEMENT_STEP if with_agreement else "")
    return f"Subject: {subject}\n\n{body}"


def split_email(text: str) -> tuple[str, str]:
    """(subject, body) of an email text whose first line may be ``Subject: ...``."""
    text = text.replace("\r\n", "\n")
    first, _, rest = text.partition("\n")
    if first.startswith("Subject:"):
        return first[len("Subject:"):].strip(), rest.lstrip("\n")
    return "", text


def mailto(text: str) -> str:
    """``mailto:?subject=...&body=...`` for Open in email (R-OPT2-REL-3); CRLF line breaks (RFC 6068)."""
    subject, body = split_email(text)
    return f"mailto:?subject={quote(subject, safe='')}&body={quote(body.replace(chr(10), chr(13) + chr(10)), safe='')}"


def credentials_text(user_name: str, password: str) -> str:
    """What Copy credentials puts on the clipboard (Confirmation, R-OPT2-NEW-5)."""
    return f"User name: {user_name}\nTemporary password: {password}"


# Export customers: "Partner Center converts your complete customer list into a .csv file" (its columns, as the
# docs name them)
EXPORT_COLUMNS = ("Microsoft ID", "Company name", "Primary domain name", "Relationship", "Bill-to Company name",
                  "Bill-to Address", "Bill-to Contact")


def spreadsheet_safe(value: str) -> str:
    """A cell a spreadsheet won't run as a formula: a value starting with =, +, -, @, a tab or a carriage return gets
    a leading apostrophe (OWASP's CSV injection advice). Company names are typed by partners and by tests."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value
