"""Page objects of the Microsoft 365 admin center (the customer's side), one class per page."""

from __future__ import annotations

from playwright.sync_api import Locator, Page

from .common import definition, submit

MCA_CHECKBOX = "I have read and agree to the terms of the Microsoft Customer Agreement."
ASK_YOUR_PARTNER = "Please reach out to your Partner to confirm your acceptance of the Microsoft Customer Agreement."


class AdminCenterSignIn:
    """``/login``: Entra-style sign-in in two steps, and the first sign-in's Update your password."""

    def __init__(self, page: Page):
        self.page = page
        self.sign_in_heading = page.get_by_role("heading", name="Sign in", exact=True, level=1)
        self.email = page.get_by_label("Email, phone, or Skype", exact=True)
        self.next_button = page.get_by_role("button", name="Next", exact=True)
        self.password_heading = page.get_by_role("heading", name="Enter password", exact=True, level=1)
        self.password = page.get_by_label("Password", exact=True)
        self.sign_in_button = page.get_by_role("button", name="Sign in", exact=True)
        self.update_heading = page.get_by_role("heading", name="Update your password", exact=True, level=1)
        self.current_password = page.get_by_label("Current password", exact=True)
        self.new_password = page.get_by_label("New password", exact=True)
        self.confirm_password = page.get_by_label("Confirm password", exact=True)
        self.error = page.get_by_role("alert")
        self.sign_out_button = page.get_by_role("button", name="Sign out", exact=True)

    def enter_user_name(self, user_name: str) -> AdminCenterSignIn:
        """Step 1: the account's email, then Next."""
        self.email.fill(user_name)
        submit(self.next_button)
        return self

    def enter_password(self, password: str) -> AdminCenterSignIn:
        """Step 2: the password, then Sign in."""
        self.password.fill(password)
        submit(self.sign_in_button)
        return self

    def update_password(self, current: str, new: str, confirm: str | None = None) -> AdminCenterSignIn:
        """First sign-in: replace the temporary password."""
        self.current_password.fill(current)
        self.new_password.fill(new)
        self.confirm_password.fill(new if confirm is None else confirm)
        submit(self.sign_in_button)
        return self

    def sign_in(self, user_name: str, password: str, new_password: str | None = None) -> None:
        """Sign in; with ``new_password``, also update the temporary password when asked to."""
        self.enter_user_name(user_name)
        self.enter_password(password)
        if new_password is not None:
            self.update_password(password, new_password)


class PartnerListPage:
    """The consolidated list of the customer's partners (on the agreement and invitation pages, and alone)."""

    PATH = "/AdminPortal/Home?ref=/partners"

    def __init__(self, page: Page):
        self.page = page
        self.heading = page.get_by_role("heading", name="Partner relationships", exact=True)
        self.table = page.get_by_role("table", name="Partner relationships")

    def open(self) -> PartnerListPage:
        self.page.goto(self.PATH)
        return self

    def row(self, partner_name: str) -> Locator:
        return self.table.get_by_role("row").filter(has=self.page.get_by_role("link", name=partner_name, exact=True))

    def cell(self, partner_name: str, column: int) -> Locator:
        """A cell of the partner's row: 0 name, 1 relationship, 2 admin roles."""
        return self.row(partner_name).get_by_role("cell").nth(column)

    def open_partner(self, partner_name: str) -> PartnerDetailsPage:
        """Select a partner to see its details."""
        submit(self.table.get_by_role("link", name=partner_name, exact=True))
        return PartnerDetailsPage(self.page)


class PartnerDetailsPage:
    """``/AdminPortal/Home?ref=/partners/<id>``: one partner's relationship, roles and agreement."""

    def __init__(self, page: Page):
        self.page = page

    def heading(self, partner_name: str) -> Locator:
        return self.page.get_by_role("heading", name=partner_name, exact=True, level=1)

    def detail(self, term: str) -> Locator:
        """``Relationship``, ``Admin roles``, ``Since`` or ``Microsoft Customer Agreement``."""
        return definition(self.page, term)


class AgreementPage:
    """``/AdminPortal/Home?ref=/BillingAccounts/agreement``: the customer accepts the MCA itself."""

    PATH = "/AdminPortal/Home?ref=/BillingAccounts/agreement"
    NOT_AVAILABLE = "Accepting the Microsoft Customer Agreement here is not available yet."
    TICK_THE_BOX = "Select the checkbox to accept the agreement."

    def __init__(self, page: Page):
        self.page = page
        self.heading = page.get_by_role("heading", name="Accept agreement", exact=True, level=1)
        self.agreement_link = page.get_by_role("link", name="Microsoft Customer Agreement", exact=True)
        self.checkbox = page.get_by_role("checkbox", name=MCA_CHECKBOX, exact=True)
        self.accept_button = page.get_by_role("button", name="Accept", exact=True)
        self.status = page.get_by_role("status")
        self.alert = page.get_by_role("alert")
        self.close_link = page.get_by_role("link", name="Close", exact=True)
        self.not_available = page.get_by_text(self.NOT_AVAILABLE, exact=True)
        self.partners = PartnerListPage(page)

    def open(self) -> AgreementPage:
        self.page.goto(self.PATH)
        return self

    def accept(self, *, tick: bool = True) -> AgreementPage:
        """Tick the box (unless told not to) and select Accept."""
        if tick:
            self.checkbox.check()
        submit(self.accept_button)
        return self

    def open_agreement_document(self) -> AgreementDocumentPage:
        """Select the Microsoft Customer Agreement link: the country's document opens (in a new tab if so linked)."""
        if self.agreement_link.get_attribute("target") == "_blank":
            with self.page.context.expect_page() as opened:
                self.agreement_link.click()
            document = opened.value
        else:
            submit(self.agreement_link)
            document = self.page
        return AgreementDocumentPage(document)


class AgreementDocumentPage:
    """The MCA document the agreement page links to (the country's version)."""

    def __init__(self, page: Page):
        self.page = page

    def mentions(self, text: str) -> Locator:
        return self.page.get_by_text(text).first


class InvitationPage:
    """``/Adminportal/Home?invType=ResellerRelationship&partnerId=...``: accept the agreement and authorize."""

    def __init__(self, page: Page):
        self.page = page
        self.heading = page.get_by_role("heading", name="Accept agreement & authorize partner", exact=True, level=1)
        self.mca_checkbox = page.get_by_role("checkbox", name=MCA_CHECKBOX, exact=True)
        self.accept_button = page.get_by_role("button", name="Accept & Authorize", exact=True)
        self.status = page.get_by_role("status")
        self.alert = page.get_by_role("alert")
        self.checkboxes = page.get_by_role("checkbox")
        self.partners = PartnerListPage(page)

    def detail(self, term: str) -> Locator:
        """``Partner``, ``Relationship`` or ``Admin roles``."""
        return definition(self.page, term)

    def authorize_checkbox(self, partner_name: str) -> Locator:
        return self.page.get_by_role("checkbox", name=f"Authorize {partner_name} as your reseller", exact=True)

    def accept_and_authorize(self, partner_name: str, *, accept_agreement: bool = True) -> InvitationPage:
        """Tick the reseller authorization (and the MCA box when shown), then Accept & Authorize."""
        self.authorize_checkbox(partner_name).check()
        if accept_agreement:
            self.mca_checkbox.check()
        submit(self.accept_button)
        return self
