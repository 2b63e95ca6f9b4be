"""Browser scenarios: Who may confirm acceptance: partner roles and partner kinds."""

import pytest
from pytest_bdd import scenarios

pytestmark = pytest.mark.browser

scenarios("ui/roles_and_partner_kinds.feature")
