"""API scenarios: Look up the agreement metadata through the API."""

from pytest_bdd import scenarios

scenarios("api/agreement_metadata.feature")
