"""Browser scenarios: Retrieve the confirmation of acceptance on the customer's Account page."""

import pytest
from pytest_bdd import scenarios

pytestmark = pytest.mark.browser

scenarios("ui/retrieve_confirmation.feature")
