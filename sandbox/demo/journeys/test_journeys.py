"""The demo's journeys, in the order the index shows them: Option 1 (new, existing customer), then
Option 2 (new customer, existing customer, reseller relationship)."""

import pytest
from pytest_bdd import scenarios

# Videos at the size of the page, not Playwright's default of 800x450.
pytestmark = pytest.mark.browser_context_args(
    viewport={"width": 1280, "height": 720}, record_video_size={"width": 1280, "height": 720}
)

# One call per feature: scenarios() given several files orders them by their features' names.
scenarios("1_option1_new_customer.feature")
scenarios("2_option1_existing_customer.feature")
scenarios("3_option2_new_customer.feature")
scenarios("4_option2_existing_customer.feature")
scenarios("5_option2_reseller_relationship.feature")
