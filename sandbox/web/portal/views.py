"""The portal's views: read the form, call one service, render (or redirect after a change).

Rules live in ``sandbox.domain.rules`` and the services; where a page shows a rule's UI, a short
comment cites the rule id of spec/acceptance-flows.md.
"""

from __future__ import annotations

import csv
import io
import json
import secrets

from flask import (
    Response,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_wtf.csrf import CSRFError

from sandbox.domain import rules
from sandbox.domain.errors import (
    AccessDenied,
    AgreementRequired,
    NotFound,
    PartnerCenterError,
    RoleNotAllowed,
    Unauthorized,
)
from sandbox.domain.model import AgreementType, PartnerKind
from sandbox.domain.offers import OFFERS, find_offer
from sandbox.domain.template_countries import MCA_COUNTRIES
from sandbox.services import agreements, customers, identity, purchases, relationships, tenants
from sandbox.services.purchases import LineItem
from sandbox.web import idempotency
from sandbox.web.pages import protect_forms

from . import bp, forms, texts

SESSION_USER = "partner_user_id"
SESSION_PARTNER = "portal_partner_id"
SESSION_DRAFT = "portal_new_customer"
MSG_BEING_ADDED = "This customer is being added already. Open Customers in a moment to find it."
MSG_REVIEW_OUT_OF_DATE = ("The customer's details were changed in another tab or window since this page was shown, so "
                          "nothing was added. Here they are as they are now: check them and select Submit again.")
SESSION_CREATED = "portal_created_customer"
PORTAL_KEYS = (SESSION_USER, SESSION_PARTNER, SESSION_DRAFT, SESSION_CREATED)
PUBLIC_ENDPOINTS = {"portal.signin", "portal.signin_persona", "portal.static"}
MAX_COOKIE = 3800  # browsers drop cookies over ~4 KB

KIND_LABELS = {
    PartnerKind.DIRECT_BILL.value: "Direct-bill partner",
    PartnerKind.INDIRECT_PROVIDER.value: "Indirect provider",
    PartnerKind.INDIRECT_RESELLER.value: "Indirect reseller",
}
MSG_SIGNIN_FAILED = "Your account or password is incorrect."
MSG_CANNOT_ATTEST = "Only an Admin agent or a Sales agent can confirm acceptance."
MSG_PICK_RESELLER = "Select one of your indirect resellers, or all of them."
MSG_RESELLER_ATTESTS = (
    "Your indirect provider must confirm the customer's acceptance of the Microsoft Customer Agreement."
)

# Domain errors' ``field`` -> the input that shows the message.
WIZARD_FIELDS = {
    "domain": "domain",
    "country": "country",
    "organizationRegistrationNumber": "registration_id",
    "phoneNumber": "phone",
    "associatedPartnerId": "indirect_reseller",
    "dateAgreed": "date_agreed",
    "email": "email",
}
UPDATE_FIELDS = {"dateAgreed": "date_agreed", "email": "email"}
ORDER_FIELDS = {"lineItems[0].offerId": "offer", "lineItems[0].quantity": "quantity", "quantity": "quantity"}


def services():
    return current_app.extensions["services"]


# --- Who is signed in --------------------------------------------------------------------------

bp.before_request(protect_forms)


@bp.url_value_preprocessor
def _ids_in_any_case(_endpoint, values: dict | None) -> None:
    """A customer's or a subscription's id in the address, in any case, as the API reads them."""
    for name in ("customer_id", "subscription_id"):
        if values and isinstance(values.get(name), str):
            values[name] = values[name].lower()


@bp.before_request
def _load_caller():
    g.principal = g.actor = g.clock = None
    if request.endpoint == "portal.static":
        return None
    if any(forms.has_control(str(v)) for v in (request.view_args or {}).values()):
        raise NotFound("Not found.")  # ids never hold control characters (and some databases refuse them)
    user_id, partner_id = session.get(SESSION_USER), session.get(SESSION_PARTNER)
    if user_id and partner_id:
        try:
            principal = identity.principal_for(services(), user_id=user_id, client_id=None, partner_id=partner_id)
        except PartnerCenterError:  # the user or its tenant is gone (reset, deleted): sign in again
            _forget_user()
        else:
            g.principal = principal
            g.actor = principal.actor(rules.Channel.PORTAL)  # R-TL-1 applies to the portal channel
            g.clock = tenants.read_clock(services(), principal.workspace)
    if request.endpoint in PUBLIC_ENDPOINTS or g.principal is not None:
        return None
    target = request.full_path if request.method == "GET" else request.path
    return redirect(url_for("portal.signin", next=target.rstrip("?")))


def _forget_user() -> None:
    for key in PORTAL_KEYS:
        session.pop(key, None)


def _sign_in(principal) -> None:
    _forget_user()
    session[SESSION_USER] = principal.user.id
    session[SESSION_PARTNER] = principal.partner.id


def _today():
    return g.clock.now.date()


def _kind() -> PartnerKind:
    return g.principal.partner.kind


def _may_attest() -> bool:
    return rules.may_attest(g.actor.role, _kind())  # R-RES-1, roles


def _customer_actions() -> dict:
    """Whether Add customer and Request a reseller relationship are offered, and why not (roles): the notes
    the Home and Customers pages show. An indirect reseller's missing Add customer needs none (R-RES-1)."""
    may_add = rules.may_add_customers(g.actor.role, _kind())
    may_request = rules.may_request_relationship(g.actor.role)
    notes = []
    if not may_add and _kind() is not PartnerKind.INDIRECT_RESELLER:
        notes.append(texts.CANNOT_ADD_CUSTOMERS)
    if not may_request:
        notes.append(texts.CANNOT_REQUEST_RELATIONSHIP)
    return {"may_add_customers": may_add, "may_request_relationship": may_request, "role_notes": notes}


@bp.context_processor
def _shell():
    principal = getattr(g, "principal", None)
    clock = getattr(g, "clock", None)
    return {
        "me": principal,
        "clock_text": clock.now.strftime("%Y-%m-%d %H:%M") if clock else "",
        "is_reseller": bool(principal and principal.partner.kind is PartnerKind.INDIRECT_RESELLER),
        "is_provider": bool(principal and principal.partner.kind is PartnerKind.INDIRECT_PROVIDER),
        "kind_labels": KIND_LABELS,
    }


def _safe_next(value: str | None) -> str:
    value = value or ""
    if (
        value.startswith("/dashboard")
        and "//" not in value
        and "\\" not in value
        and not any(ch in value for ch in "\r\n\t")
        and not value.startswith(url_for("portal.signin"))
    ):
        return value
    return url_for("portal.home")


# --- Errors as pages ---------------------------------------------------------------------------


@bp.errorhandler(PartnerCenterError)
def _domain_error(error: PartnerCenterError):
    if isinstance(error, Unauthorized):
        _forget_user()
        return redirect(url_for("portal.signin"))
    if isinstance(error, NotFound):
        title = "Not found"
    elif isinstance(error, AccessDenied | RoleNotAllowed):
        title = "You don't have access to this page"
    else:
        title = "Something went wrong"
    return render_template("portal/error.html", title=title, message=error.description), error.status


@bp.errorhandler(CSRFError)
def _csrf_error(error: CSRFError):
    message = (
        "The page expired or the form was sent without its security token, so nothing was saved. "
        "Go back, reload the page and try again."
    )
    return render_template("portal/error.html", title="The form can't be sent", message=message), 400


# --- Sign in -----------------------------------------------------------------------------------


def _personas(tenant_id: str) -> tuple[list[dict], str]:
    """The partner users of a tenant for the Sandbox persona picker: (groups, error)."""
    try:
        summary = tenants.get_tenant(services(), tenant_id)
    except PartnerCenterError:
        return [], "That sandbox tenant was not found."
    groups = []
    for partner in summary.partners:
        users = [u for u in summary.users if u.partner_id == partner.id]
        groups.append({"partner": partner, "users": users})
    return groups, ""


def _persona_picker() -> bool:
    """Whether the Sandbox persona picker is on: with the control API, unless that has a key. A browser can't
    send the key, and the picker signs anyone in without a password, as the control API makes tenants."""
    return bool(current_app.config["CONTROL_API"]) and not current_app.config["CONTROL_API_KEY"]


def _render_signin(*, user_name: str = "", error: str = "", status: int = 200, persona_error: str = ""):
    tenant_id = (request.values.get("tenant") or "")[:100]
    tenant_id = "" if forms.has_control(tenant_id) else tenant_id
    control = _persona_picker()
    groups, tenant_error = _personas(tenant_id) if control and tenant_id else ([], "")
    tenant_list = tenants.list_tenants(services()) if control and not tenant_id else []
    return render_template(
        "portal/signin.html",
        user_name=user_name,
        error=error,
        control=control,
        control_key=bool(current_app.config["CONTROL_API"] and current_app.config["CONTROL_API_KEY"]),
        tenant_id=tenant_id,
        groups=groups,
        tenant_error=tenant_error or persona_error,
        tenant_list=tenant_list[:25],
        tenant_more=max(0, len(tenant_list) - 25),
        next_url=_safe_next(request.values.get("next")),
    ), status


@bp.route("/signin", methods=["GET", "POST"])
def signin():
    if request.method == "GET":
        return _render_signin()
    user_name = request.form.get("user_name", "")
    password = request.form.get("password", "")
    if not user_name.strip() or len(user_name) > 255 or len(password) > 1000 or forms.has_control(user_name + password):
        return _render_signin(user_name=user_name, error=MSG_SIGNIN_FAILED, status=401)
    try:
        principal = identity.authenticate_user(services(), user_name.strip(), password)
    except Unauthorized:
        return _render_signin(user_name=user_name, error=MSG_SIGNIN_FAILED, status=401)
    _sign_in(principal)
    return redirect(_safe_next(request.form.get("next")))


@bp.post("/signin/persona")
def signin_persona():
    """Sandbox only: sign in as one of a tenant's partner users, without the password."""
    if not _persona_picker():
        raise NotFound("The Sandbox persona picker is off on this sandbox.")
    tenant_id = request.form.get("tenant", "")[:100]
    user_id = request.form.get("user_id", "")
    tenant_id = "" if forms.has_control(tenant_id) else tenant_id
    groups, error = _personas(tenant_id) if tenant_id else ([], "Select a sandbox tenant first.")
    user = next((u for group in groups for u in group["users"] if u.id == user_id), None)
    if user is None:
        return _render_signin(status=400, persona_error=error or "That partner user was not found in this tenant.")
    principal = identity.principal_for(services(), user_id=user.id, client_id=None, partner_id=user.partner_id)
    _sign_in(principal)
    return redirect(_safe_next(request.form.get("next")))


@bp.post("/signout")
def signout():
    _forget_user()
    return redirect(url_for("portal.signin"))


# --- Home and the menu's other pages -------------------------------------------------------------


@bp.get("/")
def index():
    return redirect(url_for("portal.home"))


@bp.get("/home")  # Partner Center's own https://partner.microsoft.com/dashboard/home
def home():
    return render_template("portal/home.html", attest_note=_attest_note(), nav="home", **_customer_actions())


def _attest_note() -> str:
    """Why this user can't confirm acceptance (R-RES-1, roles), or ""."""
    if _may_attest():
        return ""
    return MSG_RESELLER_ATTESTS if _kind() is PartnerKind.INDIRECT_RESELLER else MSG_CANNOT_ATTEST


@bp.get("/indirect-resellers")
def indirect_resellers():
    return _partners_page("Indirect resellers", lambda p: p.provider_id == g.principal.partner.id, "resellers")


@bp.get("/indirect-providers")
def indirect_providers():
    return _partners_page("Indirect providers", lambda p: p.id == g.principal.partner.provider_id, "providers")


def _partners_page(title: str, keep, nav: str):
    partners = [p for p in tenants.get_tenant(services(), g.actor.workspace_id).partners if keep(p)]
    return render_template("portal/partners.html", title=title, partners=partners, nav=nav)


@bp.get("/billing")
def billing():
    return render_template("portal/placeholder.html", title="Billing", nav="billing")


@bp.get("/pricing-and-offers")
def pricing():
    return render_template("portal/placeholder.html", title="Pricing and offers", nav="pricing")


# --- Customers ---------------------------------------------------------------------------------


@bp.get("/customers")
def customers_list():
    query = request.args.get("q", "")
    token = request.args.get("continuation") or None
    resellers = _resellers()  # an indirect provider's: "Filter by indirect reseller"
    chosen = request.args.get("reseller", "") if resellers is not None else ""
    errors, alert = {}, ""
    if len(query) > forms.MAX_SEARCH:
        errors["q"] = forms.MSG_SEARCH
    elif forms.has_control(query):
        errors["q"] = forms.MSG_CONTROL
    if chosen and chosen not in resellers:
        errors["reseller"] = MSG_PICK_RESELLER
    if token and forms.has_control(token):
        token = None
    search = query.strip() if "q" not in errors else None
    reseller = chosen if chosen and "reseller" not in errors else None
    try:
        page = customers.list_customers(services(), g.actor, size=50, continuation=token, search=search or None, count=True,
                                        reseller=reseller)
    except PartnerCenterError as error:  # a tampered continuation token: start again from the top
        alert = error.description
        page = customers.list_customers(services(), g.actor, size=50, search=search or None, count=True, reseller=reseller)
    more_url = None
    if page.continuation_token:
        kept = {**({"q": query} if search else {}), **({"reseller": reseller} if reseller else {})}
        more_url = url_for("portal.customers_list", **kept, continuation=page.continuation_token)
    return render_template(
        "portal/customers.html", page=page, query=query, errors=errors, alert=alert, more_url=more_url, nav="customers",
        resellers=resellers, reseller=chosen, filtered=bool(search or reseller), **_customer_actions(),
    ), (400 if errors else 200)


@bp.get("/customers/export")
def customers_export():
    """Export customers: the partner's complete customer list as a .csv file (UTF-8 with a BOM, for spreadsheets)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(texts.EXPORT_COLUMNS)
    for c, relationship in customers.export_customers(services(), g.actor):
        address = ", ".join(part for part in (c.address_line1, c.city, c.state, c.postal_code, c.country) if part)
        contact = f"{c.first_name} {c.last_name} ({c.email})"
        writer.writerow([texts.spreadsheet_safe(value) for value in
                         (c.id, c.company_name, c.domain, relationship, c.company_name, address, contact)])
    return Response("\ufeff" + out.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition": 'attachment; filename="customers.csv"'})


# --- Add customer wizard (R-OPT1-NEW-*, R-OPT2-NEW-*) ------------------------------------------


def _resellers() -> dict[str, str] | None:
    """An indirect provider's indirect resellers (id -> name) for the Indirect reseller select."""
    if _kind() is not PartnerKind.INDIRECT_PROVIDER:
        return None
    partners = tenants.get_tenant(services(), g.actor.workspace_id).partners
    return {p.id: p.name for p in partners if p.provider_id == g.principal.partner.id}


def _ensure_may_add_customers() -> None:
    """Every step of the wizard, before anything is read or kept: an indirect reseller's provider adds its
    customers (R-RES-1, 2032); a user of another role is told which roles can (403)."""
    try:
        rules.ensure_may_add_customers(g.actor.role, _kind())  # R-RES-1, roles
    except RoleNotAllowed:
        raise RoleNotAllowed(texts.CANNOT_ADD_CUSTOMERS) from None


def _attest_unavailable() -> str:
    """Why the attestation choice is off for this user today, or "" (R-RES-1, roles, R-TL-1)."""
    if _attest_note():
        return _attest_note()
    try:
        rules.ensure_attestation_available(rules.Channel.PORTAL, _today())  # R-TL-1
    except PartnerCenterError as error:
        return error.description
    return ""


def _direct_acceptance_note() -> str:
    try:
        rules.ensure_direct_acceptance_open(_today())  # R-TL-6
    except PartnerCenterError as error:
        return error.description
    return ""


def _parse_account_info(form) -> forms.Parsed:
    """The wizard's form; no agreement choice is asked for when neither option is open (before 2019-08-01)."""
    return forms.parse_account_info(form, resellers=_resellers(),
                                    choice_required=not (_direct_acceptance_note() and _attest_unavailable()))


def _default_account_values() -> dict:
    return {"country": forms.DEFAULT_COUNTRY, "language": forms.DEFAULT_CULTURE}


def _render_account_info(values: dict, errors: dict, *, status: int = 200, alert: str = "", show_contact: bool = False):
    resellers = _resellers()
    contact_open = show_contact or any(
        (values.get(n) or "").strip() or n in errors
        for n in ("accepted_first_name", "accepted_last_name", "accepted_email", "accepted_phone")
    )
    return render_template(
        "portal/customer_new.html",
        values=values,
        errors=errors,
        alert=alert,
        resellers=resellers,
        countries=sorted(((code, meta[0]) for code, meta in MCA_COUNTRIES.items()), key=lambda c: c[1]),
        languages=forms.LANGUAGES,
        attest_off=_attest_unavailable(),
        direct_note=_direct_acceptance_note(),
        contact_open=contact_open,
        today=_today().isoformat(),
        step="account",
        nav="customers",
    ), status


@bp.get("/customers/new")
def customer_new():
    _ensure_may_add_customers()
    draft = session.get(SESSION_DRAFT)
    return _render_account_info(dict(draft or _default_account_values()), {})[0]


def _precheck(parsed: forms.Parsed) -> None:
    """The rules the Account info step can already show at their field; Submit checks them again."""
    v, e = parsed.values, parsed.errors
    if "domain" not in e and not customers.is_domain_available(services(), v["domain"] + forms.DOMAIN_SUFFIX):
        e["domain"] = forms.MSG_DOMAIN_TAKEN
    if not {"country", "registration_id", "phone"} & e.keys():
        try:
            rules.ensure_customer_profile(v["country"], v.get("registration_id", "").strip() or None,
                                          v.get("phone", "").strip() or None)  # 600049, 600051, 600002
        except PartnerCenterError as error:
            name, message = forms.field_error(error, WIZARD_FIELDS)
            e[name or "registration_id"] = message
    invite_off = _direct_acceptance_note()
    if v.get("agreement") == forms.INVITE and invite_off:  # R-TL-6
        e["agreement"] = invite_off
    if v.get("agreement") == forms.ATTEST:
        off = _attest_unavailable()
        if off:  # R-RES-1, roles, R-TL-1
            e["agreement"] = off
        elif "date_agreed" not in e:
            _check_date_agreed(v, e, WIZARD_FIELDS)


def _check_date_agreed(values: dict, errors: dict, fields) -> None:
    """R-OPT1-NEW-4, R-OPT1-EX-4: the acceptance date by the rule (not in the future on the tenant's clock), so
    that a form names it beside its other mistakes at once."""
    try:
        rules.ensure_valid_confirmation(
            template_id=rules.MCA.template_id,
            agreement_type=AgreementType.MICROSOFT_CUSTOMER_AGREEMENT,
            date_agreed=forms.utc_midnight(forms.parse_date(values["date_agreed"])),
            now=g.clock.now,
        )
    except PartnerCenterError as error:
        name, message = forms.field_error(error, fields)
        errors[name or "date_agreed"] = message


def _session_too_big() -> bool:
    serializer = current_app.session_interface.get_signing_serializer(current_app)
    return serializer is not None and len(serializer.dumps(dict(session))) > MAX_COOKIE


@bp.post("/customers/new")
def customer_new_post():
    _ensure_may_add_customers()
    action = request.form.get("action", "next")
    if action == "cancel":
        session.pop(SESSION_DRAFT, None)
        return redirect(url_for("portal.customers_list"))
    parsed = _parse_account_info(request.form)
    if action == "show_contact":  # Update without JavaScript: show the "Accepted by" inputs
        return _render_account_info(parsed.values, {}, show_contact=True)
    _precheck(parsed)
    if not parsed.ok:
        return _render_account_info(parsed.values, parsed.errors, status=400)
    draft = {k: v for k, v in parsed.values.items() if k in forms.ACCOUNT_FIELDS and v}
    # which draft a Review page shows: a Submit from a page of an older one (another tab) creates nothing
    session[SESSION_DRAFT] = draft | {"revision": secrets.token_urlsafe(9)}
    session.pop(SESSION_CREATED, None)  # the last customer's credentials go once another one is under way
    if _session_too_big():
        session.pop(SESSION_DRAFT, None)
        return _render_account_info(parsed.values, {}, status=400, alert=forms.MSG_SESSION_FULL)
    return redirect(url_for("portal.customer_review"))


def _review_context(draft: dict) -> dict:
    resellers = _resellers() or {}
    return {
        "v": draft,
        "country_name": rules.country_name(draft.get("country", "")),
        "language_name": forms.LANGUAGES.get(draft.get("language", ""), draft.get("language", "")),
        "reseller_name": resellers.get(draft.get("indirect_reseller", ""), ""),
        # "Accepted by" counts for the partner's confirmation only (what was typed is kept for a switch back)
        "accepted_by": (draft.get("agreement") == forms.ATTEST and forms.accepted_by(draft)) or forms.primary_contact(draft),
        "date_agreed": forms.parse_date(draft.get("date_agreed", "")),
        "step": "review",
        "nav": "customers",
    }


@bp.get("/customers/new/review")
def customer_review():
    _ensure_may_add_customers()
    draft = session.get(SESSION_DRAFT)
    if not draft and session.get(SESSION_CREATED):  # Back from Confirmation: the customer is added already
        return redirect(url_for("portal.customer_confirmation"))
    if not draft or not _parse_account_info(draft).ok:
        return redirect(url_for("portal.customer_new"))
    return render_template("portal/customer_review.html", alert="", **_review_context(draft))


@bp.post("/customers/new/review")
def customer_review_post():
    _ensure_may_add_customers()
    draft = session.get(SESSION_DRAFT)
    if request.form.get("action") == "back" or not draft:
        if not draft and session.get(SESSION_CREATED):
            return redirect(url_for("portal.customer_confirmation"))
        return redirect(url_for("portal.customer_new"))
    reviewed = request.form.get("revision")
    if reviewed is not None and reviewed != draft.get("revision"):
        return render_template("portal/customer_review.html", alert=MSG_REVIEW_OUT_OF_DATE, **_review_context(draft)), 409
    parsed = _parse_account_info(draft)
    if not parsed.ok:
        return _render_account_info(parsed.values, parsed.errors, status=400)
    # One customer per reviewed draft, whichever Submit gets here first: a second one (a double click without
    # JavaScript, sent with the cookie from before the first answer) gets the first one's Confirmation.
    submit = _SubmittedDraft(draft.get("revision"))
    try:
        done = submit.claim()
    except idempotency.InFlight:
        return render_template("portal/customer_review.html", alert=MSG_BEING_ADDED, **_review_context(draft)), 409
    if done is None:
        try:  # R-OPT1-NEW-6 / R-OPT2-NEW-4: create the tenant with the agreement choice
            created = customers.create_customer(
                services(), g.actor, forms.new_customer(parsed.values), forms.agreement_choice(parsed.values)
            )
        except PartnerCenterError as error:
            submit.release()
            name, message = forms.field_error(error, WIZARD_FIELDS)
            if name:  # back to Account info, the message at its field, what was typed kept
                return _render_account_info(parsed.values, {name: message}, status=error.status)
            return render_template("portal/customer_review.html", alert=message, **_review_context(draft)), error.status
        except BaseException:
            submit.release()
            raise
        done = {
            "id": created.customer.id,
            "company": created.customer.company_name,
            "user_name": created.customer.admin_user_name,
            "password": created.password,
            "asked": parsed.values.get("agreement") == forms.INVITE,
        }
        submit.keep(done)
    session.pop(SESSION_DRAFT, None)
    session[SESSION_CREATED] = done
    return redirect(url_for("portal.customer_confirmation"))


class _SubmittedDraft:
    """A reviewed draft's Submit, claimed in the database as an API call's MS-RequestId is (``idempotency``): the
    customer it made is kept for a second Submit of the same draft. A draft without a revision (a cookie from
    before revisions) is submitted as it is."""

    def __init__(self, revision: str | None):
        self.key = f"portal-new-customer:{revision}" if revision else None
        self.workspace_id = g.actor.workspace_id

    def claim(self) -> dict | None:
        if self.key is None:
            return None
        try:
            # the draft's Submit by this user, fingerprinted as an API call is (a fixed-length digest: the column
            # holds 64 characters, which PostgreSQL enforces and SQLite doesn't)
            print_ = idempotency.fingerprint("POST", request.path, b"", g.actor.user_id, self.key.encode())
            kept = idempotency.claim(services(), self.workspace_id, self.key, print_)
        except idempotency.Mismatch:  # another user's draft of the same revision: can't be, but never reuse it
            raise idempotency.InFlight() from None
        return json.loads(kept.body) if kept is not None else None

    def keep(self, done: dict) -> None:
        if self.key is not None:
            idempotency.keep(services(), self.workspace_id, self.key, 201, json.dumps(done))

    def release(self) -> None:
        if self.key is not None:
            idempotency.release(services(), self.workspace_id, self.key)


@bp.get("/customers/new/confirmation")
def customer_confirmation():
    _ensure_may_add_customers()
    created = session.get(SESSION_CREATED)
    if not created:
        return redirect(url_for("portal.customers_list"))
    link = relationships.agreement_page_url(current_app.config["PUBLIC_URL"]) if created.get("asked") else ""
    return render_template(
        "portal/customer_confirmation.html",
        created=created,
        credentials=texts.credentials_text(created["user_name"], created["password"]),
        agreement_link=link,  # R-OPT2-NEW-5, R-OPT2-NEW-6
        step="confirmation",
        nav="customers",
    )


# --- Request a reseller relationship (R-OPT2-REL-1..3) -----------------------------------------


@bp.get("/customers/request-relationship")
def request_relationship():
    # Unticked unless asked for, like the API's relationship request (DAP=false in Partner Center's example).
    dap = forms.parse_flag(request.args.getlist("dap"), default=False)
    try:
        links = relationships.reseller_relationship_links(services(), g.actor, current_app.config["PUBLIC_URL"])
    except RoleNotAllowed:  # roles: Admin agent or Sales agent only
        raise RoleNotAllowed(texts.CANNOT_REQUEST_RELATIONSHIP) from None
    # both emails: ticking the box switches the text in place (portal.js), keeping the partner's edits
    # R-TL-6: before the admin center takes the MCA, the link asks for the relationship alone
    opens_on = None if rules.direct_acceptance_open(_today()) else rules.DIRECT_ACCEPTANCE_FROM
    emails = {flag: texts.reseller_email(g.principal.partner.name, links[flag], delegated_admin=flag, with_agreement=not opens_on)
              for flag in (False, True)}
    return render_template(
        "portal/request_relationship.html", dap=dap, text=emails[dap], emails=emails, links=links,
        dap_clause=texts.DAP_CLAUSE, dap_anchor=texts.DAP_ANCHOR, dap_sentence=texts.DAP_SENTENCE,
        mailto=texts.mailto(emails[dap]), nav="customers",
        opens_on=opens_on,
    )


# --- One customer: Account, Update, Subscriptions ----------------------------------------------


@bp.get("/customers/<customer_id>")
def customer_home(customer_id):
    """The customer, as selecting its company name opens it: its Subscriptions page."""
    return redirect(url_for("portal.subscriptions", customer_id=customer_id))


@bp.get("/customers/<customer_id>/account")
def customer_account(customer_id):
    return _render_account(customer_id)


def _render_account(customer_id: str, *, update: forms.Parsed | None = None, open_update: bool = False,
                    alert: str = "", status: int = 200):
    """The Account page. Its Microsoft Customer Agreement section holds the Update form: hidden until Update
    reveals it, or open (``open_update``, or ``update``: what was typed and the errors of a refused save).
    Until something is typed it shows the primary contact (R-OPT1-NEW-5)."""
    state = agreements.get_agreement_status(services(), g.actor, customer_id)  # R-OPT1-GET-1, R-OPT2-STATUS
    if open_update and not state.may_update:
        return _update_refused(state)
    c = state.customer
    cloud = [a for a in state.attestations if a.type is AgreementType.MICROSOFT_CLOUD_AGREEMENT]
    contact = {"first_name": c.first_name, "last_name": c.last_name, "email": c.email, "phone": c.phone_number or ""}
    return render_template(
        "portal/customer_account.html",
        status=state,
        customer=c,
        country_name=rules.country_name(c.country),
        confirmation=state.latest_mca_confirmation,
        cloud_confirmation=cloud[-1] if cloud else None,
        reseller_note=MSG_RESELLER_ATTESTS if state.partner_kind is PartnerKind.INDIRECT_RESELLER else "",  # R-RES-1
        role_note=MSG_CANNOT_ATTEST,
        update_open=open_update or update is not None,
        values=update.values if update else contact,
        errors=update.errors if update else {},
        alert=alert,
        today=_today().isoformat(),
        tab="account",
        nav="customers",
    ), status


@bp.get("/customers/<customer_id>/agreement")
def agreement_update(customer_id):
    """The Account page with its Update form open (where Update leads without JavaScript)."""
    return _render_account(customer_id, open_update=True)


def _update_refused(state: agreements.AgreementStatus):
    """R-RES-1 and roles: only an Admin agent or a Sales agent of a partner that isn't an indirect reseller
    updates the confirmation; the others get this page, whether they open the form or post it."""
    note = MSG_RESELLER_ATTESTS if state.partner_kind is PartnerKind.INDIRECT_RESELLER else MSG_CANNOT_ATTEST
    return render_template("portal/error.html", title="You don't have access to this page", message=note), 403


@bp.post("/customers/<customer_id>/agreement")
def agreement_update_post(customer_id):
    if request.form.get("action") == "cancel":
        return redirect(url_for("portal.customer_account", customer_id=customer_id))
    state = agreements.get_agreement_status(services(), g.actor, customer_id)  # 404 for another's customer first
    if not state.may_update:  # before the form is read: what it holds doesn't matter
        return _update_refused(state)
    parsed = forms.parse_agreement_update(request.form)
    if not parsed.ok:
        if "date_agreed" not in parsed.errors:
            _check_date_agreed(parsed.values, parsed.errors, UPDATE_FIELDS)
        return _render_account(customer_id, update=parsed, status=400)
    try:  # R-OPT1-EX-4, R-OPT1-EX-5
        agreements.confirm_customer_acceptance(
            services(), g.actor, customer_id,
            template_id=rules.MCA.template_id,
            agreement_type=AgreementType.MICROSOFT_CUSTOMER_AGREEMENT,
            date_agreed=forms.utc_midnight(forms.parse_date(parsed.values["date_agreed"])),
            contact=forms.update_contact(parsed.values),
        )
    except NotFound:
        raise
    except PartnerCenterError as error:  # future date at its field; 600061 and access as the form's alert
        name, message = forms.field_error(error, UPDATE_FIELDS)
        refused = forms.Parsed(values=parsed.values, errors={name: message} if name else {})
        return _render_account(customer_id, update=refused, alert="" if name else message, status=error.status)
    flash("The confirmation of the customer's acceptance of the Microsoft Customer Agreement was saved.")
    return redirect(url_for("portal.customer_account", customer_id=customer_id))


def _subscription_labels(subscriptions) -> dict[str, str]:
    """What each row's quantity field and Save button are named by: the offer's name; when the customer has
    several subscriptions of one offer, ``<offer> (<nickname>)`` where the nickname tells it apart from the
    others (ignoring case and runs of spaces) and is not a number, else ``<offer> (<n>)``, its place among them."""
    def spoken(text: str) -> str:  # what a listener can tell apart
        return " ".join(text.split()).casefold()

    by_offer: dict[str, list] = {}
    for subscription in subscriptions:
        by_offer.setdefault(subscription.offer_name, []).append(subscription)
    labels = {}
    for offer, alike in by_offer.items():
        if len(alike) == 1:
            labels[alike[0].id] = offer
            continue
        placed = {s.id: f"{offer} ({place})" for place, s in enumerate(alike, start=1)}
        named = {s.id: f"{offer} ({' '.join(s.friendly_name.split())})" for s in alike
                 if spoken(s.friendly_name) != spoken(offer) and not s.friendly_name.strip().isdigit()}  # "2" reads as a place
        heard = [spoken(named.get(s.id, placed[s.id])) for s in alike]
        for s in alike:
            label = named.get(s.id, placed[s.id])
            labels[s.id] = label if heard.count(spoken(label)) == 1 else placed[s.id]
    return labels


def _render_subscriptions(customer_id: str, *, status: int = 200, alert: str = "", add: forms.Parsed | None = None,
                          row: tuple[str, str, str] | None = None, prompt: forms.Parsed | None = None):
    """The Subscriptions tab. ``prompt``: the order that needs the agreement (``add``'s offer and quantity) waits
    while the partner confirms the customer's acceptance in its place: what was typed and the errors, or None."""
    customer = customers.get_customer(services(), g.actor, customer_id).customer
    subscriptions = purchases.list_subscriptions(services(), g.actor, customer_id)
    return render_template(
        "portal/subscriptions.html",
        customer=customer,
        labels=_subscription_labels(subscriptions),
        # usage-based (the Azure plan): no seats to change, so no quantity field
        usage_based={s.id for s in subscriptions if (offer := find_offer(s.offer_id)) and not offer.seat_based},
        subscriptions=subscriptions,
        offers_options=[(offer.id, offer.name) for offer in OFFERS.values()],
        may_buy=rules.may_buy(_kind()),  # an indirect reseller's provider buys for it
        provider_buys=texts.PROVIDER_BUYS,
        add=add or forms.Parsed(values={"quantity": "1"}),
        row=row,  # (subscription id, typed quantity, message) of a refused change
        prompt=prompt,
        offer_name=(find_offer(add.values.get("offer", "")).name if prompt and add else ""),
        today=_today().isoformat(),
        alert=alert,
        tab="subscriptions",
        nav="customers",
    ), status


@bp.get("/customers/<customer_id>/subscriptions")
def subscriptions(customer_id):
    return _render_subscriptions(customer_id)[0]


@bp.post("/customers/<customer_id>/subscriptions")
def subscription_add(customer_id):
    rules.ensure_may_buy(_kind())  # an indirect reseller's page has no form: refused whatever was posted (403)
    parsed = forms.parse_new_subscription(request.form, OFFERS)
    if not parsed.ok:
        return _render_subscriptions(customer_id, add=parsed, status=400)
    try:  # R-NEW-BUY, R-TL-4, R-TL-5: 13605 until the agreement is in place
        purchases.create_order(
            services(), g.actor, customer_id,
            [LineItem(parsed.values["offer"], int(parsed.values["quantity"]))],
        )
    except NotFound:
        raise
    except AgreementRequired as error:
        # "If you try to create a new order for an existing customer who you have not confirmed before, you'll
        # receive a prompt to complete the confirmation": where this user may confirm it (R-RES-1, roles, R-TL-1)
        prompt = _order_prompt(customer_id) if _may_confirm_here() else None
        return _render_subscriptions(customer_id, add=parsed, prompt=prompt, alert=_purchase_refusal(customer_id, error),
                                     status=error.status)
    except PartnerCenterError as error:
        name, message = forms.field_error(error, ORDER_FIELDS)
        if name:
            parsed.errors[name] = message
        return _render_subscriptions(customer_id, add=parsed, alert="" if name else message, status=error.status)
    flash("Subscription added.")
    return redirect(url_for("portal.subscriptions", customer_id=customer_id))


def _purchase_refusal(customer_id: str, error: PartnerCenterError) -> str:
    """What a refused purchase or seat change says: the error's words, except a refusal for want of the agreement
    (13605) where the customer can't accept in the admin center (R-OPT2-CANT): the remedy, the partner attests."""
    if isinstance(error, AgreementRequired) and agreements.get_agreement_status(services(), g.actor, customer_id).must_attest:
        return texts.MUST_ATTEST_TO_BUY
    return error.description


def _may_confirm_here() -> bool:
    """This user may confirm an acceptance in the portal today: an Admin agent or a Sales agent of a partner that
    isn't an indirect reseller (R-RES-1), once the portal's confirmation is open on the tenant's date (R-TL-1)."""
    if not _may_attest():
        return False
    try:
        rules.ensure_attestation_available(rules.Channel.PORTAL, _today())  # R-TL-1
    except AccessDenied:
        return False
    return True


def _order_prompt(customer_id: str) -> forms.Parsed:
    """The prompt's form as it opens: the primary contact, as the Update form shows it (R-OPT1-NEW-5)."""
    c = customers.get_customer(services(), g.actor, customer_id).customer
    return forms.Parsed(values={"first_name": c.first_name, "last_name": c.last_name, "email": c.email,
                                "phone": c.phone_number or ""})


@bp.get("/customers/<customer_id>/subscriptions/confirmation")
def subscription_confirmation_page(customer_id):
    """Where the prompt's form leaves the address: reloaded, the Subscriptions tab (the order isn't kept)."""
    return redirect(url_for("portal.subscriptions", customer_id=customer_id))


@bp.post("/customers/<customer_id>/subscriptions/confirmation")
def subscription_confirmation(customer_id):
    """The order prompt's Save and continue (confirm, then order) or Cancel (skip confirmation: no order)."""
    rules.ensure_may_buy(_kind())
    order = forms.parse_new_subscription(request.form, OFFERS)
    if request.form.get("action") == "cancel":
        flash("Confirmation skipped. The subscription wasn't added.")
        return redirect(url_for("portal.subscriptions", customer_id=customer_id))
    if not order.ok:  # the prompt's hidden fields, changed: the order starts again
        return _render_subscriptions(customer_id, add=order, status=400)
    if not _may_attest():  # the date's rule (R-TL-1) is the service's, with its own message
        raise AccessDenied(MSG_CANNOT_ATTEST)
    parsed = forms.parse_agreement_update(request.form)
    if not parsed.ok:
        return _render_subscriptions(customer_id, add=order, prompt=parsed, status=400)
    try:  # R-OPT1-EX-4, then R-NEW-BUY
        placed = purchases.confirm_and_order(
            services(), g.actor, customer_id, [LineItem(order.values["offer"], int(order.values["quantity"]))],
            contact=forms.update_contact(parsed.values),
            date_agreed=forms.utc_midnight(forms.parse_date(parsed.values["date_agreed"])),
        )
    except NotFound:
        raise
    except AgreementRequired as error:  # the order needs more than the MCA (nothing was saved): no prompt again
        return _render_subscriptions(customer_id, add=order, alert=error.description, status=error.status)
    except PartnerCenterError as error:
        name, message = forms.field_error(error, ORDER_FIELDS)
        if name:  # the order's own lines (checked before anything is saved): back to the order, at its field
            order.errors[name] = message
            return _render_subscriptions(customer_id, add=order, status=error.status)
        # a future date at its field; the rest (600061, access) as the alert
        name, message = forms.field_error(error, UPDATE_FIELDS)
        refused = forms.Parsed(values=parsed.values, errors={name: message} if name else {})
        return _render_subscriptions(customer_id, add=order, prompt=refused, alert="" if name else message,
                                     status=error.status)
    if placed is None:  # sent again (a resubmitted form): the first one confirmed and ordered
        flash("The customer's acceptance of the Microsoft Customer Agreement is confirmed already, so nothing was saved "
              "or added this time. Check the subscriptions before you add one again.")
        return redirect(url_for("portal.subscriptions", customer_id=customer_id))
    flash("Subscription added.")
    return redirect(url_for("portal.subscriptions", customer_id=customer_id))


@bp.get("/customers/<customer_id>/subscriptions/<subscription_id>")
def subscription_page(customer_id, subscription_id):
    """Where a refused seat change leaves the address (its form's action): reloaded, the Subscriptions tab."""
    return redirect(url_for("portal.subscriptions", customer_id=customer_id))


@bp.post("/customers/<customer_id>/subscriptions/<subscription_id>")
def subscription_quantity(customer_id, subscription_id):
    rules.ensure_may_buy(_kind())
    parsed = forms.Parsed()
    quantity = forms.read_quantity(request.form, "quantity", parsed)
    typed = parsed.values.get("quantity", "")
    if quantity is None:
        return _render_subscriptions(customer_id, row=(subscription_id, typed, parsed.errors["quantity"]), status=400)
    try:  # R-TL-4, R-TL-5: a seat change passes the same gate as a purchase (13605)
        purchases.update_subscription(services(), g.actor, customer_id, subscription_id, quantity=quantity)
    except NotFound:
        raise
    except PartnerCenterError as error:
        # next to the row it refused, whatever the reason (13605 too): with several rows of one offer, the page's
        # own alert didn't say which
        return _render_subscriptions(customer_id, row=(subscription_id, typed, _purchase_refusal(customer_id, error)),
                                     status=error.status)
    flash("Quantity updated.")
    return redirect(url_for("portal.subscriptions", customer_id=customer_id))
