"""API scenarios: A new customer buys nothing until the Microsoft Customer Agreement is accepted."""

from pytest_bdd import scenarios

scenarios("api/new_customer_purchases.feature")
