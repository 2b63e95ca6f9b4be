"""What every HTML surface shares: CSRF on each form, safe session cookies, the sandbox banner."""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from datetime import datetime

from flask import Blueprint, Flask, current_app, g, has_request_context, make_response, request
from flask.sessions import SecureCookieSessionInterface
from flask_wtf.csrf import CSRFProtect
from werkzeug.exceptions import HTTPException, MethodNotAllowed, RequestEntityTooLarge

from sandbox.web.paths import is_api_path

csrf = CSRFProtect()


def init_pages(app: Flask) -> None:
    """Once per app: CSRF is checked by the page blueprints (``protect_forms``), not by the JSON APIs."""
    if app.extensions.get("sandbox_pages"):
        return
    app.extensions["sandbox_pages"] = True
    app.config.setdefault("WTF_CSRF_CHECK_DEFAULT", False)
    app.config.setdefault("WTF_CSRF_TIME_LIMIT", None)
    app.config.update(SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax")
    csrf.init_app(app)
    app.session_interface = PageSessions()
    app.jinja_env.globals["csrf_field"] = _csrf_field
    app.jinja_env.globals["page_id"] = _page_id
    app.jinja_env.filters["ui_date"] = ui_date
    _cache_static_files(app)
    app.register_blueprint(shared)


STATIC_MAX_AGE_S = 24 * 3600


def _cache_static_files(app: Flask) -> None:
    """The pages' CSS and JavaScript URLs carry the sandbox's version (``?v=``): cached for a day by
    :class:`PageBlueprint`, and fetched anew after an upgrade."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        release = version("mca-sandbox")
    except PackageNotFoundError:  # running from a source tree that was never installed
        release = "dev"

    @app.url_defaults
    def _versioned_static(endpoint: str, values: dict) -> None:
        if endpoint.endswith(".static"):
            values.setdefault("v", release)


class PageBlueprint(Blueprint):
    """A page surface (portal, admin center): its static files are cached for a day instead of being asked
    for again at every page (two requests less per page in every browser scenario)."""

    def get_send_file_max_age(self, filename: str | None) -> int | None:
        return STATIC_MAX_AGE_S


# What both page surfaces load: static/in_place.js (a page's links and forms change the page in place);
# and the sandbox's own front page, which links to each surface
shared = PageBlueprint("pages", __name__, static_folder="static", static_url_path="/pages/static",
                       template_folder="templates")
AGREEMENT_PAGE = "/AdminPortal/Home?ref=/BillingAccounts/agreement"


@shared.get("/")
def index():
    """The sandbox's front page (sandbox only: no Microsoft host has it): where each surface is."""
    from flask import render_template

    base = (current_app.config.get("PUBLIC_URL") or request.host_url).rstrip("/")
    return render_template("pages/index.html", base=base, agreement_page=AGREEMENT_PAGE,
                           control=current_app.config["CONTROL_API"], control_key=bool(current_app.config["CONTROL_API_KEY"]))


def _page_id() -> str:
    """A new id for every page rendered (``<body data-page>``): a test waits for the next page by it."""
    return secrets.token_hex(6)


class PageSessions(SecureCookieSessionInterface):
    """Signed-cookie sessions for the pages; the REST API is stateless (a bearer token per call), so its
    requests skip reading and verifying a session cookie."""

    def open_session(self, app, request):
        if is_api_path(request.path):
            return None  # Flask gives the request its null session
        return super().open_session(app, request)

    def get_cookie_secure(self, app) -> bool:
        """``Secure`` when the page came over HTTPS (``serve --tls``), or when ``SESSION_COOKIE_SECURE`` says so."""
        return super().get_cookie_secure(app) or (has_request_context() and request.is_secure)


def protect_forms() -> None:
    """A page blueprint's ``before_request``: refuse any form post without a valid CSRF token.

    ``WTF_CSRF_ENABLED = False`` (Flask-WTF's own switch, for test apps) turns the check off.
    """
    if request.method in ("POST", "PUT", "PATCH", "DELETE") and current_app.config.get("WTF_CSRF_ENABLED", True):
        csrf.protect()


def _csrf_field():
    from flask_wtf.csrf import generate_csrf
    from markupsafe import Markup

    return Markup(f'<input type="hidden" name="csrf_token" value="{generate_csrf()}">')


def ui_date(value: datetime | None) -> str:
    """Dates as Partner Center shows them in en-US (month/day/year)."""
    return value.strftime("%m/%d/%Y") if value else ""


def _form_names():
    """The posted form's field names; none when the body is over the limit (refused with 413, never read)."""
    try:
        return request.form
    except RequestEntityTooLarge:
        return ()


def page_errors(app: Flask, prefixes: tuple[str, ...], render: Callable[[HTTPException], object]) -> None:
    """A page surface answers HTTP errors its views don't handle (an address that doesn't exist under its
    paths, a method a page doesn't take, a form over the size limit) with a page of its own, not the server's
    bare one: ``render`` makes
    it for paths starting with any of ``prefixes`` (lower case; paths are matched in any case)."""
    app.extensions.setdefault("page_errors", []).append((prefixes, render))


def page_error_response(app: Flask, error: HTTPException):
    """The surface's page for ``error`` on this request's path, or None (no surface claims the path)."""
    path = request.path.lower()
    for prefixes, render in app.extensions.get("page_errors", ()):
        if path.startswith(prefixes):
            response = make_response(render(error))
            allowed = error.valid_methods if isinstance(error, MethodNotAllowed) else None
            if allowed:  # a 405 says what the address does take, as HTTP asks
                response.headers["Allow"] = ", ".join(allowed)
            return response
    return None


NOT_FOUND_PAGE = "There is no page at this address. Check it, or start again from Home."
REFUSED_METHOD_PAGE = "This page can't take that request. Start again from the page itself."
TOO_LARGE = "The form was larger than the sandbox accepts ({limit}), so nothing was saved. Go back and send less."


def body_limit() -> str:
    """The request body limit (``MAX_CONTENT_LENGTH``) in words: ``1 MiB`` by default."""
    limit = current_app.config.get("MAX_CONTENT_LENGTH") or 0
    for unit, size in (("MiB", 1 << 20), ("KiB", 1 << 10)):
        if limit >= size and limit % size == 0:
            return f"{limit // size} {unit}"
    return f"{limit} bytes"


def error_message(error: HTTPException) -> str:
    """What a page says of an HTTP error (``page_errors``' renderers)."""
    if error.code == 413:
        return TOO_LARGE.format(limit=body_limit())
    return {404: NOT_FOUND_PAGE, 405: REFUSED_METHOD_PAGE}.get(error.code, error.description)



def journal_pages(bp: Blueprint, signed_in_tenant: Callable[[], tuple[str, datetime | None] | None]) -> None:
    """Put the blueprint's page requests in the signed-in user's tenant journal (``GET
    /_sandbox/tenants/{id}/journal``), next to its API calls: what a browser asked and what it was answered
    (status, headers; an HTML body is not kept; static files are left out). ``signed_in_tenant`` answers ``(tenant id, tenant clock)``
    of the request's user, or None. Posts of a password field are left out, whatever their names.
    """

    @bp.before_request
    def _start_clock() -> None:
        g.page_started = time.perf_counter()

    @bp.after_request
    def _journal_page(response):
        if ("journal" not in g and not (request.endpoint or "").endswith(".static")
                and not any("password" in name.lower() for name in _form_names())):
            tenant = signed_in_tenant()
            if tenant is not None:
                g.journal = {"workspace_id": tenant[0], "operation": request.endpoint, "now": tenant[1],
                             "started": g.get("page_started", time.perf_counter())}
        return response
