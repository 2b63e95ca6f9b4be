"""Browser scenarios: Option 2, reseller relationship: the customer accepts the partner and the agreement in one go."""

import pytest
from pytest_bdd import scenarios

pytestmark = pytest.mark.browser

scenarios("ui/option2_reseller_relationship.feature")
