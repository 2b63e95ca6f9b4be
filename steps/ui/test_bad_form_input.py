"""Browser scenarios: Bad form input is refused next to the field, and what was typed is kept."""

import pytest
from pytest_bdd import scenarios

pytestmark = pytest.mark.browser

scenarios("ui/bad_form_input.feature")
