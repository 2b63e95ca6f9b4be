"""API scenarios: Retrying a call whose answer never arrived."""

from pytest_bdd import scenarios

scenarios("api/retries.feature")
