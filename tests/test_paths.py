"""Paths match case-insensitively, literal segments only, route by route."""

from __future__ import annotations

from flask import Flask

from sandbox.web.paths import _route_tree, canonical_path


def tree():
    app = Flask(__name__)
    for rule in ("/dashboard/home", "/AdminPortal/Home", "/v1/customers/<customer_id>/agreements",
                 "/v1/agreementtemplates/<template_id>/document",
                 "/v1/customers/<customer_id>/directSignedMicrosoftCustomerAgreementStatus"):
        app.add_url_rule(rule, rule, lambda **_: "")
    return _route_tree(app)


def test_literals_take_their_routes_spelling():
    t = tree()
    assert canonical_path(t, "/Adminportal/HOME") == "/AdminPortal/Home"
    assert canonical_path(t, "/DASHBOARD/Home") == "/dashboard/home"
    assert (canonical_path(t, "/V1/Customers/ABC/DIRECTSIGNEDMICROSOFTCUSTOMERAGREEMENTSTATUS")
            == "/v1/customers/ABC/directSignedMicrosoftCustomerAgreementStatus")


def test_variable_segments_keep_their_case():
    t = tree()
    assert canonical_path(t, "/v1/AgreementTemplates/117A77B0/Document") == "/v1/agreementtemplates/117A77B0/document"
    # an id that happens to spell a literal elsewhere stays as sent
    assert canonical_path(t, "/v1/customers/Agreements/agreements") == "/v1/customers/Agreements/agreements"


def test_unknown_paths_pass_through():
    assert canonical_path(tree(), "/Nope/Home") == "/Nope/Home"
