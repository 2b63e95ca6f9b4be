"""Browser scenarios: The agreement the customer reads is the one for its country."""

import pytest
from pytest_bdd import scenarios

pytestmark = pytest.mark.browser

scenarios("ui/agreement_template.feature")
