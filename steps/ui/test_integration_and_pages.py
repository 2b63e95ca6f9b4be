"""Browser scenarios: the partner's integration (REST API steps) and the pages, in one scenario."""

import pytest
from pytest_bdd import scenarios

pytestmark = pytest.mark.browser

scenarios("ui/integration_and_pages.feature")
