"""Browser scenarios: Option 1, new customer: the partner confirms acceptance while adding the customer."""

import pytest
from pytest_bdd import scenarios

pytestmark = pytest.mark.browser

scenarios("ui/option1_new_customer.feature")
