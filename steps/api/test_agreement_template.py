"""API scenarios: Get a link to the agreement template through the API."""

from pytest_bdd import scenarios

scenarios("api/agreement_template.feature")
