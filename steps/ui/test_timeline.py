"""Browser scenarios: The agreement a purchase needs depends on the sandbox's date."""

import pytest
from pytest_bdd import scenarios

pytestmark = pytest.mark.browser

scenarios("ui/timeline.feature")
