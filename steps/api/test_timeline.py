"""API scenarios: What the API allows depends on the partner's date."""

from pytest_bdd import scenarios

scenarios("api/timeline.feature")
