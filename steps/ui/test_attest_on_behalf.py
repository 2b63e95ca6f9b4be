"""Browser scenarios: When the customer cannot accept directly, the partner attests on its behalf."""

import pytest
from pytest_bdd import scenarios

pytestmark = pytest.mark.browser

scenarios("ui/attest_on_behalf.feature")
