"""Browser scenarios: Option 2, existing customer: the customer accepts the agreement in the Microsoft 365 admin center."""

import pytest
from pytest_bdd import scenarios

pytestmark = pytest.mark.browser

scenarios("ui/option2_existing_customer.feature")
