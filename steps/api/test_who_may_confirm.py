"""API scenarios: Who may confirm acceptance through the API."""

from pytest_bdd import scenarios

scenarios("api/who_may_confirm.feature")
