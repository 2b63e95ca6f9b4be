"""API scenarios: Read the status of the customer's own acceptance through the API."""

from pytest_bdd import scenarios

scenarios("api/direct_acceptance_status.feature")
