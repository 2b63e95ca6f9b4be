"""Page objects of the Add customer wizard (``/dashboard/customers/new``): Account info, Review, Confirmation."""

from __future__ import annotations

import re

from playwright.sync_api import Locator, Page

from .common import AccountInfo, Credentials, definition, submit


class NewCustomerPage:
    """``/dashboard/customers/new``: the Add customer wizard's Account info step and its Customer agreement."""

    PATH = "/dashboard/customers/new"
    WILL_ACCEPT = "Customer will be asked to accept the Microsoft Customer Agreement in Microsoft 365 Admin Center"
    PARTNER_CONFIRMS = "Confirm the customer's acceptance of the Microsoft Customer Agreement"
    ROLE_NOTE = "Only an Admin agent or a Sales agent can confirm acceptance."
    SELECTS = frozenset({"Country/region", "Language", "Indirect reseller"})

    def __init__(self, page: Page):
        self.page = page
        self.heading = page.get_by_role("heading", name="New customer", exact=True, level=1)
        self.current_step = page.locator('[aria-current="step"]')
        self.agreement_heading = page.get_by_role("heading", name="Customer agreement", exact=True)
        self.customer_will_accept = page.get_by_role("radio", name=self.WILL_ACCEPT, exact=True)
        self.partner_confirms = page.get_by_role("radio", name=self.PARTNER_CONFIRMS, exact=True)
        self.accepted_checkbox = page.get_by_role(
            "checkbox", name="The customer has accepted the latest Microsoft customer agreement", exact=True
        )
        self.acceptance_date = page.get_by_label("Agreement acceptance date", exact=True)
        self.person_who_accepted = page.get_by_text(re.compile(r"^\s*Person who accepted:"))
        self.update_person_button = page.get_by_role("button", name="Update", exact=True)
        self.accepted_by_first_name = page.get_by_label("Accepted by: first name", exact=True)
        self.accepted_by_last_name = page.get_by_label("Accepted by: last name", exact=True)
        self.accepted_by_email = page.get_by_label("Accepted by: email address", exact=True)
        self.accepted_by_phone = page.get_by_label("Accepted by: phone number (optional)", exact=True)
        self.indirect_reseller = page.get_by_label("Indirect reseller", exact=True)
        self.role_note = page.get_by_text(self.ROLE_NOTE, exact=True)
        self.next_button = page.get_by_role("button", name="Next: Review", exact=True)
        self.cancel_button = page.get_by_role("button", name="Cancel", exact=True)

    def open(self) -> NewCustomerPage:
        self.page.goto(self.PATH)
        return self

    def field(self, label: str) -> Locator:
        """An Account info field by its label."""
        return self.page.get_by_label(label, exact=True)

    def fill_account_info(self, info: AccountInfo) -> NewCustomerPage:
        """Enter the company and the primary contact on the fresh form (empty values leave a field as it is)."""
        for label, value in info.items():
            if not value:
                continue
            if label in self.SELECTS:
                self.field(label).select_option(value)  # by the option's value or its visible text
            else:
                self.field(label).fill(value)
        return self

    def choose_customer_will_accept(self) -> NewCustomerPage:
        """The customer will be asked to accept the MCA in the Microsoft 365 admin center (Option 2)."""
        self.customer_will_accept.check()
        return self

    def choose_partner_confirms(self, date: str | None = None) -> NewCustomerPage:
        """Confirm the customer's acceptance (Option 1): tick the box and enter the date (YYYY-MM-DD)."""
        self.partner_confirms.check()
        self.accepted_checkbox.check()
        if date is not None:
            self.acceptance_date.fill(date)
        return self

    def enter_acceptance_date_as_typed(self, text: str) -> NewCustomerPage:
        """Type a date as a browser without a date picker would send it (the field becomes a text box)."""
        self.acceptance_date.evaluate("e => { e.type = 'text'; }")
        self.acceptance_date.fill(text)
        return self

    def update_person_who_accepted(self, first_name: str, last_name: str, email: str, phone: str = "") -> NewCustomerPage:
        """Select Update and enter the person who accepted the agreement."""
        self.update_person_button.click()
        self.accepted_by_first_name.fill(first_name)
        self.accepted_by_last_name.fill(last_name)
        self.accepted_by_email.fill(email)
        self.accepted_by_phone.fill(phone)
        return self

    def next_review(self) -> ReviewPage:
        """Select Next: Review."""
        submit(self.next_button)
        return ReviewPage(self.page)


class ReviewPage:
    """``/dashboard/customers/new/review``: the values entered, Submit and Back."""

    def __init__(self, page: Page):
        self.page = page
        self.heading = page.get_by_role("heading", name="New customer", exact=True, level=1)
        self.current_step = page.locator('[aria-current="step"]')
        self.submit_button = page.get_by_role("button", name="Submit", exact=True)
        self.back_button = page.get_by_role("button", name="Back", exact=True)

    def shows(self, text: str) -> Locator:
        """A value on the review, matched exactly."""
        return self.page.get_by_text(text, exact=True)

    def submit(self) -> ConfirmationPage:
        """Select Submit: the customer tenant is created."""
        submit(self.submit_button)
        return ConfirmationPage(self.page)

    def back(self) -> NewCustomerPage:
        submit(self.back_button)
        return NewCustomerPage(self.page)


class ConfirmationPage:
    """``/dashboard/customers/new/confirmation``: setup info, credentials and the admin center link."""

    def __init__(self, page: Page):
        self.page = page
        self.heading = page.get_by_role("heading", name="Confirmation", exact=True, level=1)
        self.setup_info = page.get_by_role("heading", name="Setup info", exact=True)
        self.user_name = definition(page, "User name")
        self.temporary_password = definition(page, "Temporary password")
        self.microsoft_id = definition(page, "Microsoft ID")
        self.copy_credentials_button = page.get_by_role("button", name="Copy credentials", exact=True)
        self.send_to_customer = page.get_by_role("heading", name="Send to your customer", exact=True)
        self.admin_center_link = page.get_by_role("link", name=re.compile(r"^Microsoft 365 admin center link: "))
        self.done_link = page.get_by_role("link", name="Done", exact=True)

    def added_message(self, company_name: str) -> Locator:
        return self.page.get_by_text(f"{company_name} was added to your customers.", exact=True)

    def credentials(self) -> Credentials:
        """The customer admin's user name and temporary password, as the partner saves them."""
        return Credentials(
            self.user_name.inner_text().strip(), self.temporary_password.inner_text().strip(), must_change_password=True
        )

    def customer_id(self) -> str:
        return self.microsoft_id.inner_text().strip()

    def agreement_link(self) -> str:
        """The link to the admin center's agreement page that the partner sends the customer."""
        return self.admin_center_link.evaluate(
            "e => (e.value !== undefined && e.tagName !== 'A' ? e.value : (e.getAttribute('href') || e.textContent))"
        ).strip()

    def done(self):
        """Select Done: back to Customers."""
        from .portal import CustomersPage  # the wizard is entered from Customers; import late, no cycle

        submit(self.done_link)
        return CustomersPage(self.page)
