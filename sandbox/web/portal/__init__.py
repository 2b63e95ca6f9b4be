"""The Partner Center portal under /dashboard: sign in, Customers, Add customer, Account, purchases.

Server-rendered pages over the same services as the REST API, so a click and an API call change the
same state. Labels and routes follow docs/ui-contract.md.
"""

from __future__ import annotations

from flask import Flask, g, render_template

from sandbox.web.pages import PageBlueprint, error_message, init_pages, journal_pages, page_errors

bp = PageBlueprint(
    "portal",
    __name__,
    url_prefix="/dashboard",
    template_folder="templates",
    static_folder="static",
    static_url_path="/static",
)


def _signed_in_tenant():
    principal = g.get("principal")
    return (principal.workspace.id, g.clock.now if g.get("clock") else None) if principal is not None else None


journal_pages(bp, _signed_in_tenant)


def init_app(app: Flask) -> None:
    init_pages(app)
    app.register_blueprint(bp)
    page_errors(app, ("/dashboard",), _error_page)


def _error_page(error):
    title = {404: "Not found", 413: "The form can't be sent"}.get(error.code, "Something went wrong")
    return render_template("portal/error.html", title=title, message=error_message(error)), error.code


from . import views  # noqa: E402,F401  (registers the routes on ``bp``)
