"""Entra-style sign-in for the customer's admin (R-OPT2-NEW-8, R-OPT2-REL-6, R-OPT2-EX-3).

Three steps, as login.microsoftonline.com shows them: user name, password, and on the first sign-in
"Update your password". Between steps the session holds the user name (or the customer awaiting its
new password); only the last step puts ``customer_id`` in the session.
"""

from __future__ import annotations

import functools
from urllib.parse import urlsplit

from flask import current_app, g, redirect, render_template, request, session, url_for

from sandbox.domain.errors import InvalidProperty, NotFound, Unauthorized
from sandbox.services import admin_center

from . import bp

SESSION_KEY = "customer_id"
_PENDING_USER = "admin_center_user_name"  # step 1 done: the user name typed
_PENDING_CHANGE = "admin_center_password_change"  # step 2 done, first sign-in: the customer's id
DEFAULT_NEXT = "/AdminPortal/Home"

UNKNOWN_USER = "This username may be incorrect. Make sure you typed it correctly. Otherwise, contact your admin."
NO_USER = "Enter a valid email address, phone number, or Skype name."
NO_PASSWORD = "Please enter your password."
MISMATCH = "The passwords don't match."


def services():
    return current_app.extensions["services"]


def current_path() -> str:
    """This request's path with its query exactly as sent (invType, partnerId, DAP, ref, ...)."""
    query = request.query_string.decode("latin-1")
    return f"{request.path}?{query}" if query else request.path


def safe_next(value: str | None) -> str:
    """Only a local path may follow the sign-in: no scheme, no host, no ``//`` or ``\\`` tricks."""
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return DEFAULT_NEXT
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in value):
        return DEFAULT_NEXT
    parts = urlsplit(value)
    if parts.scheme or parts.netloc:
        return DEFAULT_NEXT
    return value


@bp.before_request
def load_signed_in_customer() -> None:
    g.customer = None
    customer_id = session.get(SESSION_KEY)
    if customer_id and request.endpoint != "admin_center.static":
        try:
            g.customer = admin_center.get_signed_in_customer(services(), customer_id)
        except NotFound:  # its tenant was deleted: the session means nothing any more
            session.pop(SESSION_KEY, None)


def login_required(view):
    @functools.wraps(view)
    def wrapped(*args, **kwargs):
        if g.customer is None:
            return redirect(url_for("admin_center.login", next=current_path()))
        return view(*args, **kwargs)

    return wrapped


def _step() -> str:
    if session.get(_PENDING_CHANGE):
        return "update"
    if session.get(_PENDING_USER):
        return "password"
    return "username"


def _page(step: str, next_url: str, *, errors: dict | None = None, values: dict | None = None, status: int = 200):
    template = {"username": "sign_in.html", "password": "password.html", "update": "update_password.html"}[step]
    return (
        render_template(
            f"admin_center/{template}",
            next_url=next_url,
            user_name=session.get(_PENDING_USER, ""),
            errors=errors or {},
            values=values or {},
        ),
        status,
    )


@bp.route("/login", methods=["GET", "POST"])
def login():
    next_url = safe_next(request.args.get("next"))
    step = _step()
    if request.method == "GET":
        if g.customer is not None and step == "username":
            return redirect(next_url)
        return _page(step, next_url)

    posted = request.form.get("step", "")
    if posted == "back":
        session.pop(_PENDING_USER, None)
        session.pop(_PENDING_CHANGE, None)
        return redirect(url_for("admin_center.login", next=next_url))
    if posted == "username":
        return _user_name_step(next_url)
    if posted != step:  # a stale form from an earlier step: show the step the session is at
        return redirect(url_for("admin_center.login", next=next_url))
    if step == "password":
        return _password_step(next_url)
    return _update_password_step(next_url)


def _user_name_step(next_url: str):
    user_name = request.form.get("username", "").strip()
    values = {"username": user_name}
    if not user_name:
        return _page("username", next_url, errors={"username": NO_USER}, values=values, status=400)
    if not admin_center.customer_user_exists(services(), user_name):
        return _page("username", next_url, errors={"username": UNKNOWN_USER}, values=values, status=400)
    session.pop(_PENDING_CHANGE, None)
    session[_PENDING_USER] = user_name
    return redirect(url_for("admin_center.login", next=next_url))


def _password_step(next_url: str):
    password = request.form.get("password", "")
    if not password:
        return _page("password", next_url, errors={"password": NO_PASSWORD}, status=400)
    try:
        customer = admin_center.sign_in_customer(services(), session[_PENDING_USER], password)
    except Unauthorized as error:
        return _page("password", next_url, errors={"password": error.description}, status=400)
    session.pop(_PENDING_USER, None)
    if customer.admin_must_change_password:  # first sign-in with the temporary password
        session[_PENDING_CHANGE] = customer.id
        return redirect(url_for("admin_center.login", next=next_url))
    session[SESSION_KEY] = customer.id
    return redirect(next_url)


def _update_password_step(next_url: str):
    form = request.form
    current, new, confirm = form.get("current_password", ""), form.get("new_password", ""), form.get("confirm_password", "")
    if new != confirm:
        return _page("update", next_url, errors={"confirm_password": MISMATCH}, status=400)
    customer_id = session[_PENDING_CHANGE]
    try:
        admin_center.change_customer_password(services(), customer_id, current, new)
    except InvalidProperty as error:
        return _page("update", next_url, errors={error.field or "new_password": error.description}, status=400)
    except NotFound:  # the customer's tenant was deleted meanwhile: start again from the user name
        session.pop(_PENDING_CHANGE, None)
        return _page("username", next_url, errors={"username": UNKNOWN_USER}, status=404)
    session.pop(_PENDING_CHANGE, None)
    session[SESSION_KEY] = customer_id
    return redirect(next_url)


@bp.post("/logout")
def logout():
    for key in (SESSION_KEY, _PENDING_USER, _PENDING_CHANGE):
        session.pop(key, None)
    return redirect(url_for("admin_center.login"))
