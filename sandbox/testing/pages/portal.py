"""Page objects of the Partner Center portal (``/dashboard``), one class per page of the UI contract."""

from __future__ import annotations

import re
from urllib.parse import quote

from playwright.sync_api import Locator, Page, expect

from .common import definition, submit
from .wizard import NewCustomerPage


class PortalShell:
    """What every signed-in portal page shows: the menu, the user, Sign out and the sandbox clock."""

    def __init__(self, page: Page):
        self.page = page
        self.menu = page.get_by_role("navigation", name="Partner Center menu")
        self.sign_out_button = page.get_by_role("button", name="Sign out", exact=True)
        self.clock_banner = page.get_by_text(re.compile(r"Sandbox clock: \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC"))

    def menu_link(self, name: str) -> Locator:
        return self.menu.get_by_role("link", name=name, exact=True)

    def sign_out(self) -> None:
        """Sign the partner user out."""
        submit(self.sign_out_button)


class PartnerCenterSignIn:
    """``/dashboard/signin``: the partner user's sign-in, and the sandbox persona picker."""

    PATH = "/dashboard/signin"

    def __init__(self, page: Page):
        self.page = page
        self.heading = page.get_by_role("heading", name="Sign in to Partner Center", exact=True)
        self.user_name = page.get_by_label("User name", exact=True)
        self.password = page.get_by_label("Password", exact=True)
        self.sign_in_button = page.get_by_role("button", name="Sign in", exact=True)
        self.error = page.get_by_role("alert")

    def open(self, next_path: str | None = None, *, tenant_id: str | None = None) -> PartnerCenterSignIn:
        """Open the sign-in page; ``tenant_id`` lists that tenant's personas, ``next_path`` is where to go after."""
        query = []
        if next_path:
            query.append(f"next={quote(next_path, safe='/')}")
        if tenant_id:
            query.append(f"tenant={quote(tenant_id)}")
        self.page.goto(self.PATH + ("?" + "&".join(query) if query else ""))
        return self

    def sign_in(self, user_name: str, password: str) -> PortalShell:
        """Sign in with a user name and password."""
        self.user_name.fill(user_name)
        self.password.fill(password)
        submit(self.sign_in_button)
        return PortalShell(self.page)

    def sign_in_as(self, user_name: str) -> PortalShell:
        """Sign in through the sandbox persona picker (the page must list the tenant's personas)."""
        submit(self.page.get_by_role("button", name=f"Sign in as {user_name}", exact=True))
        return PortalShell(self.page)


class CustomersPage:
    """``/dashboard/customers``: the partner's customers, Add customer, Request a reseller relationship."""

    PATH = "/dashboard/customers"

    def __init__(self, page: Page):
        self.page = page
        self.heading = page.get_by_role("heading", name="Customers", exact=True, level=1)
        self.add_customer_link = page.get_by_role("link", name="Add customer", exact=True)
        self.request_relationship_link = page.get_by_role("link", name="Request a reseller relationship", exact=True)
        self.search_box = page.get_by_label("Search by company name or domain", exact=True)
        self.search_button = page.get_by_role("button", name="Search", exact=True)
        self.reseller_filter = page.get_by_label("Filter by indirect reseller", exact=True)  # an indirect provider's
        self.export_link = page.get_by_role("link", name="Export customers", exact=True)
        self.table = page.get_by_role("table", name="Customers")

    def open(self) -> CustomersPage:
        """Open Customers from the Partner Center menu's address."""
        self.page.goto(self.PATH)
        return self

    def open_from_menu(self) -> CustomersPage:
        """Select Customers in the Partner Center menu."""
        submit(PortalShell(self.page).menu_link("Customers"))
        return self

    def search(self, text: str) -> CustomersPage:
        """Search by company name or domain."""
        self.search_box.fill(text)
        submit(self.search_button)
        return self

    def export_customers(self):
        """Select Export customers: the complete list as a .csv file (Playwright's Download)."""
        with self.page.expect_download() as download:
            self.export_link.click()
        return download.value

    def filter_by_reseller(self, reseller_name: str | None) -> CustomersPage:
        """An indirect provider's list: choose an indirect reseller (None: all of them), then Search."""
        self.reseller_filter.select_option(label=reseller_name or "All indirect resellers")
        submit(self.search_button)
        return self

    def customer_link(self, company_name: str) -> Locator:
        return self.table.get_by_role("link", name=company_name, exact=True)

    def row(self, company_name: str) -> Locator:
        return self.table.get_by_role("row").filter(has=self.page.get_by_role("link", name=company_name, exact=True))

    def select_customer(self, company_name: str) -> SubscriptionsPage:
        """Select the customer's company name: its Subscriptions page opens, as in Partner Center."""
        submit(self.customer_link(company_name))
        return SubscriptionsPage(self.page)

    def open_customer(self, company_name: str) -> AccountPage:
        """Select the customer (R-OPT1-EX-1), then Account in its menu (R-OPT1-EX-2)."""
        return self.select_customer(company_name).open_account()

    def add_customer(self) -> NewCustomerPage:
        """Select Add customer: the wizard opens on Account info."""
        submit(self.add_customer_link)
        return NewCustomerPage(self.page)

    def request_reseller_relationship(self) -> RelationshipRequestPage:
        """Select Request a reseller relationship: the email template opens."""
        submit(self.request_relationship_link)
        return RelationshipRequestPage(self.page)


class AccountPage:
    """``/dashboard/customers/<id>/account``: the customer's account and its Microsoft Customer Agreement."""

    RESELLER_NOTE = (
        "Your indirect provider must confirm the customer's acceptance of the Microsoft Customer Agreement."
    )

    def __init__(self, page: Page):
        self.page = page
        self.customer_menu = page.get_by_role("navigation", name="Customer menu")
        self.account_info = page.get_by_role("heading", name="Customer Account Info", exact=True)
        self.agreement = page.get_by_role("region", name="Microsoft Customer Agreement", exact=True)
        self.update_link = self.agreement.get_by_role("link", name="Update", exact=True)
        self.reseller_note = page.get_by_text(self.RESELLER_NOTE, exact=True)
        # R-OPT2-CANT: the docs' remedy, for a customer the admin center sends back to its partner
        self.attest_for_customer = self.agreement.get_by_text("To resolve: You must attest on behalf of the customer.")

    @staticmethod
    def path(customer_id: str) -> str:
        return f"/dashboard/customers/{customer_id}/account"

    def open(self, customer_id: str) -> AccountPage:
        self.page.goto(self.path(customer_id))
        return self

    def heading(self, company_name: str) -> Locator:
        return self.page.get_by_role("heading", name=company_name, exact=True, level=1)

    def agreement_status(self, term: str) -> Locator:
        """A value of the Microsoft Customer Agreement section (``Partner attestation``, ``Accepted by``, ...)."""
        return definition(self.agreement, term)

    def account_value(self, term: str) -> Locator:
        return definition(self.page, term)

    def update_agreement(self) -> UpdateAgreementPage:
        """Select Update in the Microsoft Customer Agreement section: its form opens on this page."""
        self.update_link.click()
        form = UpdateAgreementPage(self.page)
        form.heading.wait_for()
        return form

    def subscriptions(self) -> SubscriptionsPage:
        """Select Subscriptions in the customer menu."""
        submit(self.customer_menu.get_by_role("link", name="Subscriptions", exact=True))
        return SubscriptionsPage(self.page)


class UpdateAgreementPage:
    """The Account page's Update form, where the partner confirms (attests) acceptance for an existing customer.

    Update reveals it in place; ``/dashboard/customers/<id>/agreement`` is the Account page with it open, where
    Update leads without JavaScript and where a refused Save answers."""

    FUTURE_DATE = "The agreement acceptance date can't be in the future."
    DUPLICATE = "A partner confirmed agreement already exists for the customer."

    def __init__(self, page: Page):
        self.page = page
        self.heading = page.get_by_role("heading", name="Update Microsoft Customer Agreement", exact=True)
        self.first_name = page.get_by_label("First name", exact=True)
        self.last_name = page.get_by_label("Last name", exact=True)
        self.email = page.get_by_label("Email address", exact=True)
        self.phone = page.get_by_label("Phone number (optional)", exact=True)
        self.acceptance_date = page.get_by_label("Agreement acceptance date", exact=True)
        self.save_button = page.get_by_role("button", name="Save", exact=True)
        self.cancel_button = page.get_by_role("button", name="Cancel", exact=True)
        self.form_alert = page.get_by_role("alert")

    @staticmethod
    def path(customer_id: str) -> str:
        return f"/dashboard/customers/{customer_id}/agreement"

    def field(self, label: str) -> Locator:
        return self.page.get_by_label(label, exact=True)

    def fill(self, *, first_name: str, last_name: str, email: str, phone: str = "", date: str | None = None) -> UpdateAgreementPage:
        """Enter the person who accepted and the acceptance date (YYYY-MM-DD)."""
        self.first_name.fill(first_name)
        self.last_name.fill(last_name)
        self.email.fill(email)
        self.phone.fill(phone)
        if date is not None:
            self.acceptance_date.fill(date)
        return self

    def enter_acceptance_date_as_typed(self, text: str) -> UpdateAgreementPage:
        """Type a date as a browser without a date picker would send it (the field becomes a text box)."""
        self.acceptance_date.evaluate("e => { e.type = 'text'; }")
        self.acceptance_date.fill(text)
        return self

    def save(self, **person) -> AccountPage:
        """Enter the person and date when given, then select Save."""
        if person:
            self.fill(**person)
        submit(self.save_button)
        return AccountPage(self.page)


class OrderPrompt:
    """The prompt a new order gets on the Subscriptions tab while the customer's acceptance of the Microsoft Customer
    Agreement isn't confirmed (R-NEW-BUY): the person who accepted and the date, then **Save and continue** (the
    confirmation, then the order) or **Cancel** (confirmation skipped, nothing bought)."""

    TITLE = "Confirm customer acceptance of the Microsoft Customer Agreement"

    def __init__(self, page: Page):
        self.page = page
        self.region = page.get_by_role("region", name=self.TITLE, exact=True)
        self.heading = self.region.get_by_role("heading", name=self.TITLE, exact=True)
        self.save_and_continue_button = self.region.get_by_role("button", name="Save and continue", exact=True)
        self.cancel_button = self.region.get_by_role("button", name="Cancel", exact=True)

    def field(self, label: str) -> Locator:
        return self.region.get_by_label(label, exact=True)

    def save(self) -> SubscriptionsPage:
        """Select Save and continue."""
        submit(self.save_and_continue_button)
        return SubscriptionsPage(self.page)

    def cancel(self) -> SubscriptionsPage:
        """Select Cancel: skip the confirmation; the order isn't placed."""
        submit(self.cancel_button)
        return SubscriptionsPage(self.page)


class SubscriptionsPage:
    """``/dashboard/customers/<id>/subscriptions``: seats of existing subscriptions and new purchases."""

    def __init__(self, page: Page):
        self.page = page
        self.heading = page.get_by_role("heading", name="Subscriptions", exact=True, level=2)
        self.table = page.get_by_role("table", name="Subscriptions")
        self.offer = page.get_by_label("Offer", exact=True)
        self.quantity = page.get_by_label("Quantity", exact=True)
        self.add_button = page.get_by_role("button", name="Add subscription", exact=True)
        self.refusal = page.get_by_role("alert")
        self.success = page.get_by_role("status")

    @staticmethod
    def path(customer_id: str) -> str:
        return f"/dashboard/customers/{customer_id}/subscriptions"

    def open(self, customer_id: str) -> SubscriptionsPage:
        self.page.goto(self.path(customer_id))
        return self

    def open_account(self) -> AccountPage:
        """Select Account in the customer menu."""
        menu = self.page.get_by_role("navigation", name="Customer menu")
        submit(menu.get_by_role("link", name="Account", exact=True))
        return AccountPage(self.page)

    def quantity_of(self, offer_name: str) -> Locator:
        """The quantity field of the subscription named so: the offer's name, or, when the customer has several
        subscriptions of the offer, ``<offer> (<nickname>)`` or ``<offer> (<n>)`` as the page names them."""
        return self.page.get_by_label(f"Quantity of {offer_name}", exact=True)

    def quantities_of_offer(self, offer_name: str) -> Locator:
        """Every quantity field of the offer's subscriptions."""
        return self.page.get_by_label(re.compile(rf"^Quantity of {re.escape(offer_name)}( \(.+\))?$"))

    def change_quantity(self, offer_name: str, quantity: int) -> SubscriptionsPage:
        """Change the seat count of a subscription (named as ``quantity_of`` names it) and save it."""
        self.quantity_of(offer_name).fill(str(quantity))
        submit(self.page.get_by_role("button", name=f"Save quantity of {offer_name}", exact=True))
        return self

    def add_subscription(self, offer_name: str, quantity: int = 1) -> SubscriptionsPage:
        """Buy a new subscription of an offer."""
        self.offer.select_option(label=offer_name)
        self.quantity.fill(str(quantity))
        submit(self.add_button)
        return self


class RelationshipRequestPage:
    """``/dashboard/customers/request-relationship``: the generated invitation email (Option 2b)."""

    PATH = "/dashboard/customers/request-relationship"
    DAP = "Include delegated administration privileges for Azure Active Directory and Office 365"

    def __init__(self, page: Page):
        self.page = page
        self.heading = page.get_by_role("heading", name="Request a reseller relationship", exact=True, level=1)
        self.delegated_admin = page.get_by_role("checkbox", name=self.DAP, exact=True)
        self.email_message = page.get_by_label("Email message", exact=True)
        self.copy_button = page.get_by_role("button", name="Copy to clipboard", exact=True)
        self.copied_status = page.get_by_role("status").filter(has_text="Copied to clipboard")
        self.open_in_email_link = page.get_by_role("link", name="Open in email", exact=True)
        self.done_link = page.get_by_role("link", name="Done", exact=True)

    def open(self, *, delegated_admin: bool = False) -> RelationshipRequestPage:
        self.page.goto(f"{self.PATH}?dap={'true' if delegated_admin else 'false'}")
        return self

    def include_delegated_admin(self, include: bool = True) -> RelationshipRequestPage:
        """Tick (or clear) delegated administration privileges; the email text switches to the link with
        DAP=true (false), in place."""
        self.delegated_admin.set_checked(include)
        expect(self.email_message).to_have_value(re.compile(rf"[?&]DAP={str(include).lower()}#", re.IGNORECASE))
        return self

    def email_text(self) -> str:
        return self.email_message.input_value()

    def customise(self, extra_text: str) -> RelationshipRequestPage:
        """Add the partner's own words at the end of the email message."""
        self.email_message.fill(self.email_text().rstrip("\n") + "\n\n" + extra_text)
        return self

    def copy_email_text(self) -> str:
        """Select Copy to clipboard and read back what the clipboard holds."""
        self.copy_button.click()
        self.copied_status.wait_for()
        return self.page.evaluate("navigator.clipboard.readText()")

    def done(self) -> CustomersPage:
        submit(self.done_link)
        return CustomersPage(self.page)
