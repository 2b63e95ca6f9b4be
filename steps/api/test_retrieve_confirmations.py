"""API scenarios: Read the confirmations of a customer's acceptance through the API."""

from pytest_bdd import scenarios

scenarios("api/retrieve_confirmations.feature")
