"""What every HTML surface shares: CSRF on each form, safe session cookies, the sandbox banner."""

from __future__ import annotations

from datetime import datetime

from flask import Flask, current_app, request
from flask_wtf.csrf import CSRFProtect

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
    app.jinja_env.globals["csrf_field"] = _csrf_field
    app.jinja_env.filters["ui_date"] = ui_date


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
