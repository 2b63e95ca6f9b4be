"""The Microsoft 365 admin center: the customer's side of Option 2 (R-OPT2-*).

Real paths, matched case-insensitively by ``sandbox.web.paths``: ``/AdminPortal/Home`` with the query
Partner Center's links carry (``ref=/BillingAccounts/agreement``, ``invType=ResellerRelationship&partnerId=...``),
and an Entra-style sign-in at ``/login``.
"""

from __future__ import annotations

from flask import Flask, current_app, g, render_template

from sandbox.web.pages import (
    PageBlueprint,
    error_message,
    init_pages,
    journal_pages,
    page_errors,
    protect_forms,
)

bp = PageBlueprint(
    "admin_center",
    __name__,
    template_folder="templates",
    static_folder="static",
    static_url_path="/AdminPortal/static",
)
bp.before_request(protect_forms)


def _signed_in_tenant():
    customer = g.get("customer")
    if customer is None:
        return None
    from sandbox.domain.errors import NotFound
    from sandbox.services import tenants

    try:
        return customer.workspace_id, tenants.get_clock(current_app.extensions["services"], customer.workspace_id).now
    except NotFound:  # deleted since the page read it (a shared sandbox): no journal left to write to
        return None


journal_pages(bp, _signed_in_tenant)


def init_app(app: Flask) -> None:
    init_pages(app)
    app.register_blueprint(bp)
    page_errors(app, ("/adminportal", "/login"), _error_page)


def _error_page(error):
    return render_template("admin_center/message.html", title="Something went wrong", message=error_message(error)), error.code


from . import auth, views  # noqa: E402,F401  (the routes register themselves on bp)
