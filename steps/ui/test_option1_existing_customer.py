"""Browser scenarios: Option 1, existing customer: the partner confirms acceptance on the customer's account."""

import pytest
from pytest_bdd import scenarios

pytestmark = pytest.mark.browser

scenarios("ui/option1_existing_customer.feature")
