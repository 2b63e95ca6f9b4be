"""API scenarios: Confirm a customer's acceptance through the API."""

from pytest_bdd import scenarios

scenarios("api/confirm_acceptance.feature")
