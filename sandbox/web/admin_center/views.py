"""The admin center's pages, all behind ``/AdminPortal/Home``: the query says which one.

- ``ref=/BillingAccounts/agreement``: accept the MCA (R-OPT2-NEW-6..9, R-OPT2-EX-1..4);
- ``invType=ResellerRelationship&partnerId=...&DAP=...`` (or ``IndirectResellerRelationship`` with
  ``indirectCSPId``): accept a partner and the MCA (R-OPT2-REL-5..8);
- ``ref=/partners`` and ``ref=/partners/<partner id>``: the consolidated partner list and one partner's
  details (R-OPT2-REL-8, R-OPT2-EX-5);
- anything else: the admin center's home.

Accepting posts to the same URL and, on success, redirects back to it (post/redirect/get).
"""

from __future__ import annotations

from flask import abort, current_app, g, redirect, render_template, request, session
from flask_wtf.csrf import CSRFError

from sandbox.domain import rules
from sandbox.domain.errors import AccessDenied, DirectAcceptanceNotPossible, NotFound, PartnerCenterError
from sandbox.services import admin_center, agreements

from . import bp
from .auth import current_path, login_required, services

STATUS_KEY = "admin_center_status"  # the one-time notice after a successful accept (PRG), for its page only


def _notify(text: str) -> None:
    """A notice for the page this post redirects to (itself), shown once there and nowhere else."""
    session[STATUS_KEY] = {"page": current_path().lower(), "text": text}


def _notice() -> str | None:
    """This page's notice, if the post that led here left one (another page's stays for that page)."""
    kept = session.get(STATUS_KEY)
    if not isinstance(kept, dict) or kept.get("page") != current_path().lower():
        return None
    session.pop(STATUS_KEY)
    return kept.get("text")
AGREEMENT_REF = "/billingaccounts/agreement"
PARTNERS_REF = "/partners"
INVITATION_TYPES = ("resellerrelationship", "indirectresellerrelationship")

CHECK_AGREEMENT = "Select the checkbox to accept the agreement."
INVALID_INVITATION = "This invitation is not valid. Ask your partner for a new link."
PARTNER_NOT_FOUND = "We couldn't find this partner in your partner relationships."


@bp.context_processor
def _page_globals() -> dict:
    return {"here": current_path(), "home_url": "/AdminPortal/Home"}


@bp.route("/AdminPortal/Home", methods=["GET", "POST"])
@login_required
def home():
    query = {key.lower(): value for key, value in request.args.items()}
    ref = query.get("ref", "").strip()
    if query.get("invtype", "").lower() in INVITATION_TYPES:
        return invitation(query)
    if ref.lower().rstrip("/") == AGREEMENT_REF:
        return agreement()
    if request.method != "GET":
        abort(405)
    if ref.lower().rstrip("/") == PARTNERS_REF:
        return partner_list()
    if ref.lower().startswith(PARTNERS_REF + "/"):
        return partner_details(ref[len(PARTNERS_REF) + 1 :].strip("/"))
    offer = admin_center.get_agreement_offer(services(), g.customer.id)
    return render_template("admin_center/home.html", status=_notice(), accepted=offer.accepted)


@bp.get("/AdminPortal/agreement-document")
@login_required
def agreement_document():
    """The **Microsoft Customer Agreement** link: a fresh link to the country's document (R-TPL-2)."""
    link = agreements.get_agreement_document_for_customer(services(), g.customer.id)
    return redirect(f"{current_app.config['PUBLIC_URL'].rstrip('/')}/documents/agreements/{link.token}/preview")


# --- Accept agreement ---------------------------------------------------------------------------


def agreement():
    if request.method == "GET":
        return _agreement_page()
    if not request.form.get("accept"):  # R-OPT2-NEW-9, R-OPT2-EX-4: the box must be ticked
        return _agreement_page(errors={"accept": CHECK_AGREEMENT}, status=400)
    try:
        admin_center.accept_agreement_directly(services(), g.customer.id)
    except DirectAcceptanceNotPossible:  # R-OPT2-CANT scenario 1: the partner must attest
        return _agreement_page(refused="ask_partner", status=403)
    except AccessDenied:  # R-TL-6: not before 2020-02-03 on the tenant's clock
        return _agreement_page(refused="not_open", status=403)
    _notify("You accepted the Microsoft Customer Agreement.")
    return redirect(current_path())


def _agreement_page(*, errors: dict | None = None, refused: str | None = None, status: int = 200):
    offer = admin_center.get_agreement_offer(services(), g.customer.id)
    if refused is None and offer.accepted is None:
        refused = "ask_partner" if offer.must_ask_partner else None  # R-OPT2-CANT
        refused = "not_open" if not offer.open else refused  # R-TL-6
    return render_template(
        "admin_center/agreement.html",
        offer=offer,
        refused=refused,
        errors=errors or {},
        status=_notice(),
    ), status


# --- Accept agreement & authorize partner ----------------------------------------------------------


def invitation(query: dict):
    # tenant ids as GUIDs are read, in any case (they are kept in lower case)
    indirect_csp_id = query.get("indirectcspid", "").strip().lower() or None
    if query["invtype"].lower() == "indirectresellerrelationship" and not indirect_csp_id:
        return _invalid_invitation()
    if query["invtype"].lower() == "resellerrelationship":
        indirect_csp_id = None
    asked = {
        "partner_id": query.get("partnerid", "").strip().lower(),
        "delegated_admin": query.get("dap", "").strip().lower() == "true",
        "indirect_csp_id": indirect_csp_id,
        "mspp_id": query.get("msppid", "").strip() or None,
    }
    try:
        offer = admin_center.get_invitation_offer(services(), g.customer.id, **asked)
    except NotFound:  # a partner of another tenant, or no partner at all
        return _invalid_invitation()
    if request.method == "GET":
        return _invitation_page(offer)
    return _accept_invitation(offer, asked)


def _accept_invitation(offer: admin_center.InvitationOffer, asked: dict):
    refused = _invitation_refusal(offer)
    if refused:
        return _invitation_page(offer, refused=refused, status=403)
    errors = {}
    if not request.form.get("authorize"):  # R-OPT2-REL-7: the relationship box
        errors["authorize"] = f"Select the checkbox to authorize {_inviter(offer).name}."
    if _asks_agreement(offer) and not request.form.get("accept"):  # R-OPT2-REL-7: the MCA box
        errors["accept"] = CHECK_AGREEMENT
    if errors:
        return _invitation_page(offer, errors=errors, status=400)
    try:
        admin_center.accept_invitation(services(), g.customer.id, **asked)
    except DirectAcceptanceNotPossible:  # R-OPT2-CANT scenario 2
        return _invitation_page(offer, refused="ask_partner", status=403)
    except AccessDenied:  # R-TL-6
        return _invitation_page(offer, refused="not_open", status=403)
    _notify(f"You authorized {_inviter(offer).name}.")
    return redirect(current_path())


def _inviter(offer: admin_center.InvitationOffer):
    """Who asks: the indirect reseller when the link names one, else the partner itself."""
    return offer.indirect_reseller or offer.partner


def _asks_agreement(offer: admin_center.InvitationOffer) -> bool:
    """The invitation asks for the MCA too: from 2020-02-03 (R-TL-6), where it isn't in place. Before, the link
    asks for the relationship alone (reseller links are older than the MCA); the partner confirms the MCA."""
    return offer.open and not offer.mca_in_place


def _invitation_refusal(offer: admin_center.InvitationOffer) -> str | None:
    """Why the invitation can't be accepted: the customer's case (R-OPT2-CANT), where the MCA is asked."""
    if _asks_agreement(offer) and offer.must_ask_partner:  # R-OPT2-CANT scenario 2
        return "ask_partner"
    return None


def _already_authorized(offer: admin_center.InvitationOffer) -> bool:
    """The inviter's relationship (with the admin roles asked for) and the MCA are in place: nothing left to
    accept. The inviter is the partner, or the indirect reseller behind it when the link names one."""
    inviter, provider_id = (offer.partner, None) if offer.indirect_reseller is None else (offer.indirect_reseller, offer.partner.id)
    row = next((r for r in offer.partners
                if r.partner.id == inviter.id and (r.indirect_provider.id if r.indirect_provider else None) == provider_id), None)
    return not _asks_agreement(offer) and row is not None and (not offer.delegated_admin or bool(row.admin_roles))


def _invitation_page(offer, *, errors: dict | None = None, refused: str | None = None, status: int = 200):
    notice = _notice()
    return render_template(
        "admin_center/invitation.html",
        offer=offer,
        inviter=_inviter(offer),
        country_name=rules.country_name(offer.customer.country),
        refused=None if notice else refused or _invitation_refusal(offer),
        asks_agreement=_asks_agreement(offer),
        done=bool(notice) or _already_authorized(offer),
        errors=errors or {},
        status=notice,
    ), status


def _invalid_invitation():
    return render_template("admin_center/message.html", title="Accept agreement & authorize partner",
                           message=INVALID_INVITATION), 404


# --- Partner relationships -----------------------------------------------------------------------


def partner_list():
    partners = admin_center.list_customer_partners(services(), g.customer.id)
    return render_template("admin_center/partners.html", partners=partners)


def partner_details(partner_id: str):
    try:
        details = admin_center.get_partner_details(services(), g.customer.id, partner_id.lower())
    except NotFound:  # isolation: only the customer's own partners
        return render_template("admin_center/message.html", title="Partner relationships",
                               message=PARTNER_NOT_FOUND), 404
    return render_template("admin_center/partner.html", details=details)


@bp.errorhandler(CSRFError)
def _csrf_refused(error: CSRFError):
    """A form without a valid CSRF token: nothing is done, and the page says how to go on."""
    return render_template("admin_center/message.html", title="Something went wrong",
                           message="This form has expired. Go back, reload the page and try again."), 400


@bp.errorhandler(PartnerCenterError)
def _page_error(error: PartnerCenterError):
    """Pages answer in HTML, never in the API's JSON error body."""
    return render_template("admin_center/message.html", title="Something went wrong",
                           message=error.description), error.status
