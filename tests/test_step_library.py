"""The step library as one: the browser steps and the REST API's steps imported into one conftest (as this
repository's steps/conftest.py and a partner's suite do) must not read a sentence two ways."""

from __future__ import annotations

from pathlib import Path

from pytest_bdd.feature import get_features

import sandbox.testing.steps as browser_steps
import sandbox.testing.steps.api as api_steps
from sandbox.testing.catalogue import STEP_FIXTURE, _step_context

FEATURES = Path(__file__).resolve().parents[1] / "features"


def definitions() -> list:
    """Every step definition of both libraries, once each (the API module re-exports the customer situations)."""
    found = {}
    for module in (browser_steps, api_steps):
        for name, value in vars(module).items():
            if name.startswith(STEP_FIXTURE):
                context = _step_context(value)
                found[id(context)] = context
    return list(found.values())


def feature_steps():
    for feature in get_features([str(FEATURES)]):
        for template in feature.scenarios.values():
            contexts = [context for examples in template.examples for context in examples.as_contexts()] or [{}]
            for context in contexts:
                scenario = template.render(context)
                for step in scenario.steps:  # the Background's first
                    yield feature.rel_filename, step


def test_each_step_of_the_features_has_exactly_one_definition():
    steps = {(filename, step.type, step.name) for filename, step in feature_steps()}
    assert {filename.split("/")[0] for filename, _kind, _text in steps} == {"api", "ui"} and len(steps) > 300
    contexts = definitions()
    wrong = []
    for filename, kind, text in sorted(steps):
        matching = [context.parser.name for context in contexts if context.type in (kind, None) and context.parser.is_matching(text)]
        if len(matching) != 1:
            wrong.append(f"{filename}: {kind} {text!r} matches {matching}")
    assert wrong == []


def test_the_listing_says_what_each_customer_situation_holds():
    from sandbox.testing.steps.situations import CUSTOMER_SITUATIONS, SITUATION_RECORDS

    assert list(SITUATION_RECORDS) == list(CUSTOMER_SITUATIONS)


def test_the_account_info_step_lists_every_field_it_takes():
    from sandbox.testing.catalogue import steps_of
    from sandbox.testing.pages.common import AccountInfo

    [step] = [s for s in steps_of(browser_steps) if s.sentence == "the partner enters the account info of a new customer:"]
    assert [label for label in AccountInfo.LABELS.values() if label not in step.doc] == []


def test_a_failing_steps_traceback_shows_no_sign_in_secret():
    """pytest prints a failing step's arguments in the CI log: the tenant, users and customers the steps pass
    around show who they are, not their passwords or the app's secret."""
    from sandbox.testing.control import Tenant
    from sandbox.testing.pages.common import Credentials
    from sandbox.testing.steps.people import PartnerUser

    tenant = Tenant({"id": "t-1", "name": "Contoso", "kind": "DirectBill", "application": {"clientSecret": "app-secret"},
                     "users": [{"userName": "admin@contoso", "password": "user-secret", "role": "AdminAgent"}]})
    shown = " ".join(map(repr, (tenant, PartnerUser("admin@contoso", "user-secret", "AdminAgent"),
                                Credentials("owner@customer", "customer-secret"))))
    assert "t-1" in shown and "admin@contoso" in shown and "owner@customer" in shown
    assert not any(secret in shown for secret in ("app-secret", "user-secret", "customer-secret"))
