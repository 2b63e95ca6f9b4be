"""Browser scenarios: Option 2, new customer: the customer accepts the agreement in the Microsoft 365 admin center."""

import pytest
from pytest_bdd import scenarios

pytestmark = pytest.mark.browser

scenarios("ui/option2_new_customer.feature")
