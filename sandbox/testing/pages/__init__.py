"""Page objects for every page of the sandbox, built against docs/ui-contract.md.

One class per page. Locators are by role and label (``exact=True``); methods are in the user's
words and return ``None`` or the next page object. Page objects wait only through Playwright's
auto-waiting locators and never assert business outcomes: Then steps ``expect`` on their locators.
"""

from .admin_center import (
    AdminCenterSignIn,
    AgreementDocumentPage,
    AgreementPage,
    InvitationPage,
    PartnerDetailsPage,
    PartnerListPage,
)
from .common import AccountInfo, Credentials, definition
from .identity import DeviceLoginPage, EntraSignIn
from .portal import (
    AccountPage,
    CustomersPage,
    OrderPrompt,
    PartnerCenterSignIn,
    PortalShell,
    RelationshipRequestPage,
    SubscriptionsPage,
    UpdateAgreementPage,
)
from .wizard import ConfirmationPage, NewCustomerPage, ReviewPage

__all__ = [
    "AccountInfo",
    "AccountPage",
    "AdminCenterSignIn",
    "AgreementDocumentPage",
    "AgreementPage",
    "ConfirmationPage",
    "Credentials",
    "CustomersPage",
    "DeviceLoginPage",
    "EntraSignIn",
    "InvitationPage",
    "NewCustomerPage",
    "OrderPrompt",
    "PartnerCenterSignIn",
    "PartnerDetailsPage",
    "PartnerListPage",
    "PortalShell",
    "RelationshipRequestPage",
    "ReviewPage",
    "SubscriptionsPage",
    "UpdateAgreementPage",
    "definition",
]
