"""Page objects of the sign-in pages an integration sends a person to (Entra ID style): the authorize
endpoint's sign-in, and ``/devicelogin`` for the device code flow."""

from __future__ import annotations

from playwright.sync_api import Page


class EntraSignIn:
    """The authorize endpoint's (and ``/devicelogin``'s second) page: a partner user signs in for an app, user
    name and password on one page. After a good sign-in the browser leaves for the app's redirect URI (or, at
    ``/devicelogin``, is told it may close the window)."""

    def __init__(self, page: Page):
        self.page = page
        self.heading = page.get_by_role("heading", name="Sign in", exact=True, level=1)
        self.main = page.get_by_role("main")  # names the app: "to continue to ..."
        self.user_name = page.get_by_label("Email, phone, or Skype", exact=True)
        self.password = page.get_by_label("Password", exact=True)
        self.sign_in_button = page.get_by_role("button", name="Sign in", exact=True)
        self.error = page.get_by_role("alert")

    def sign_in(self, user_name: str, password: str) -> None:
        self.user_name.fill(user_name)
        self.password.fill(password)
        self.sign_in_button.click()


class DeviceLoginPage:
    """``/devicelogin``: the person enters the user code a device shows, then signs in (``EntraSignIn``)."""

    PATH = "/devicelogin"

    def __init__(self, page: Page):
        self.page = page
        self.heading = page.get_by_role("heading", name="Enter code", exact=True, level=1)
        self.code = page.get_by_label("Code", exact=True)
        self.next_button = page.get_by_role("button", name="Next", exact=True)
        self.error = page.get_by_role("alert")
        self.done = page.get_by_role("status")  # "You have signed in to ..."

    def enter_code(self, user_code: str) -> EntraSignIn:
        self.code.fill(user_code)
        self.next_button.click()
        return EntraSignIn(self.page)
