"""What every /v1 exchange shares: request and correlation ids, the bearer token, App+User-only
operations, fault rules, MS-RequestId idempotency and the journal."""

from __future__ import annotations

import base64
import os
import random
import re
import time
from dataclasses import dataclass

from flask import Flask, Response, current_app, g, request

from sandbox.domain.errors import (
    AccessDenied,
    Conflict,
    InvalidRequestInput,
    PartnerCenterError,
    TooManyRequests,
    Unauthorized,
)
from sandbox.domain.rules import Channel
from sandbox.services import identity
from sandbox.services.context import Actor
from sandbox.web import idempotency
from sandbox.web.control import traffic
from sandbox.web.errors import error_response, http_error
from sandbox.web.identity import tokens
from sandbox.web.paths import is_api_path

from . import operations

_HEADER_VALUE = re.compile(r"^[\x21-\x7e]{1,100}$")
DOTNET_SDK_CLIENT = "partner center .net sdk"
MUTATING = ("POST", "PATCH", "PUT", "DELETE")
JSON_UTF8 = "application/json; charset=utf-8"


_ids = random.Random()  # request ids, correlation ids and MS-CV are labels, not secrets: no system call each
os.register_at_fork(after_in_child=_ids.seed)  # forked server workers must not repeat each other's ids


_VERSION_4 = (0xFFFFFFFF_FFFF_0FFF_3FFF_FFFFFFFFFFFF, 0x00000000_0000_4000_8000_000000000000)


def new_id() -> str:
    """A random (version 4) GUID for an MS-RequestId or MS-CorrelationId the caller did not send (the
    version and variant bits set as ``uuid.UUID(version=4)`` sets them, at a fraction of its cost)."""
    mask, bits = _VERSION_4
    h = f"{_ids.getrandbits(128) & mask | bits:032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def is_api_request() -> bool:
    return is_api_path(request.path)


_ENVIRON_KEYS = {name: "HTTP_" + name.upper().replace("-", "_") for name in ("MS-RequestId", "MS-CorrelationId")}


def _tracking_id(environ: dict, name: str) -> str | None:
    """The caller's MS-RequestId / MS-CorrelationId (None when absent); refused when unusable."""
    given = environ.get(_ENVIRON_KEYS[name])
    if given is None or given == "":
        return None
    if not _HEADER_VALUE.match(given):
        raise InvalidRequestInput(f"The {name} header must be 1 to 100 visible ASCII characters (a GUID).",
                                  data=[f"{name}: not a usable identifier"])
    return given


def before_api_request():
    """App-level, for every /v1 path (routed or not): ids first, so that even errors echo them. An id
    the caller did not send (or sent unusable) is made once, here or when the answer leaves."""
    req = request._get_current_object()  # proxies looked up once
    if not is_api_path(req.path):
        return None
    state, environ = g._get_current_object().__dict__, req.environ
    # when a header below is refused, the 400 still gets new ids
    state.update(started=time.perf_counter(), request_id=None, correlation_id=None, request_id_given=False)
    refused = None
    try:
        given = _tracking_id(environ, "MS-RequestId")
    except InvalidRequestInput as exc:  # the correlation id is still read: the 400 echoes it
        given, refused = None, exc
    state.update(request_id=given or new_id(), request_id_given=given is not None)
    state["correlation_id"] = _tracking_id(environ, "MS-CorrelationId") or new_id()
    if refused is not None:
        raise refused
    return None


def after_api_request(response: Response) -> Response:
    state = g._get_current_object()
    # before_api_request marks every /v1 request it sees; the path is asked only when a hook before it answered
    if "request_id" not in state and not is_api_request():
        return response
    headers = response.headers  # none of the three is set yet: added, not looked up
    headers.add("MS-RequestId", state.get("request_id") or new_id())
    headers.add("MS-CorrelationId", state.get("correlation_id") or new_id())
    headers.add("MS-CV", base64.b64encode(_ids.randbytes(12)).decode() + ".0")
    content_type = headers.get("Content-Type", "")
    if content_type != JSON_UTF8 and traffic.media_type(content_type) == "application/json":
        headers["Content-Type"] = JSON_UTF8
    return response


# --- the caller --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Caller:
    principal: identity.Principal
    actor: Actor
    now: object


def authenticate(environ: dict, app: Flask) -> Caller:
    """The bearer token's principal; 401 (with WWW-Authenticate) when missing, malformed, foreign or expired."""
    header = environ.get("HTTP_AUTHORIZATION", "")
    if not header.strip():
        raise Unauthorized()
    scheme, _, token = header.strip().partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        raise Unauthorized("The Authorization header must be 'Bearer <access token>'.")
    try:
        claims = tokens.read(token, secret_key=app.config["SECRET_KEY"])
    except tokens.TokenRejected as exc:
        raise Unauthorized(str(exc)) from exc
    services = app.extensions["services"]
    principal = identity.principal_for(services, user_id=claims.user_id, client_id=claims.client_id,
                                       partner_id=claims.tenant_id)
    now = services.now_in(principal.workspace)
    if tokens.expired(claims, now):
        raise Unauthorized("The access token has expired (on the tenant's clock). Get a new one.")
    client = environ.get("HTTP_MS_PARTNERCENTER_CLIENT", "").strip().lower()
    channel = Channel.DOTNET_SDK if client == DOTNET_SDK_CLIENT else Channel.API  # R-TL-3
    return Caller(principal, principal.actor(channel), now)


def caller() -> Caller:
    return g.caller


def require_app_user(what: str = "This operation") -> None:
    """The docs' "App+User authentication only": an App-only token gets 403 / 2032."""
    if g.caller.actor.app_only:
        raise AccessDenied(f"{what} supports App+User authentication only; the token is App-only.")


# --- the blueprint's hooks ---------------------------------------------------------------------


def before_operation():
    state, req, app = g._get_current_object(), request._get_current_object(), current_app._get_current_object()
    op = operations.for_endpoint(req.endpoint)
    state.caller = caller_ = authenticate(req.environ, app)
    if req.method == "OPTIONS":  # Flask answers what the path allows: no operation runs, no fault fires, no entry
        return None
    ws = caller_.principal.workspace.id
    state.journal = {"workspace_id": ws, "operation": op.id if op else req.endpoint, "now": caller_.now,
                     "started": state.get("started", time.perf_counter())}
    if op is not None and op.app_user_only and caller_.actor.app_only:
        require_app_user()  # refuses
    store = app.extensions["traffic"]
    rules = store.live_rules(ws, op.id if op else "")
    fault = _fault(rules, store)
    if fault is not None:
        return fault
    answered = None
    if req.method in MUTATING:
        if state.get("request_id_given"):
            answered = _claim(ws)  # a replay, or None; a twin in flight or an id used for another call raises
        else:
            req.get_data(cache=True)  # a body over the limit is refused here (413), as a claim's reading refuses it
    if any(rule.phase == traffic.AFTER for rule in rules):
        # from here on the operation runs (or its kept answer is replayed): an "after" rule may lose its answer
        state.answer_may_be_lost = rules
    return answered


def _fault(rules: tuple, store: traffic.Traffic, phase: str = traffic.BEFORE) -> Response | None:
    rule = traffic.fire_fault(rules, store, phase)
    if rule is None:
        return None
    headers = {"Retry-After": str(rule.retry_after)} if rule.retry_after is not None else {}
    return error_response(_fault_error(rule.status), headers=headers)


def _fault_error(status: int) -> PartnerCenterError:
    if status == 429:
        return TooManyRequests()
    error = http_error(status, _FAULT_TEXT.get(status, "The sandbox answered this request with an error, as a fault rule asked."))
    if status not in (400, 404, 405, 413, 415, 500):
        error.code = status
    return error


_FAULT_TEXT = {
    408: "Request timeout",
    500: "Unexpected service error",
    502: "Bad gateway",
    503: "Service unavailable. Retry after the time given in Retry-After.",
    504: "Gateway timeout",
}


def _claim(workspace_id: str) -> Response | None:
    services = current_app.extensions["services"]
    actor = g.caller.actor
    print_ = idempotency.fingerprint(
        request.method, request.path, request.query_string, f"{actor.user_id}|{actor.app_id}", request.get_data(cache=True)
    )
    key = idempotency.request_key(g.request_id)
    try:
        replay = idempotency.claim(services, workspace_id, key, print_)
    except idempotency.Mismatch as exc:
        raise InvalidRequestInput(
            f"The MS-RequestId {g.request_id} was already used for a different request. Use a new MS-RequestId for "
            "each new call; reuse it only to retry the same call.", data=["MS-RequestId: already used"],
        ) from exc
    except idempotency.InFlight as exc:
        raise Conflict(f"A request with MS-RequestId {g.request_id} is still being processed. Retry it shortly.") from exc
    if replay is None:
        g.idempotency_claim = (workspace_id, key)
        return None
    g.journal["replayed"] = True
    return Response(replay.body, status=replay.status, mimetype="application/json")


def after_operation(response: Response) -> Response:
    claim_ = g.pop("idempotency_claim", None)
    if claim_ is not None:
        services = current_app.extensions["services"]
        if idempotency.replayable(response.status_code) and not response.direct_passthrough:
            idempotency.keep(services, *claim_, response.status_code, response.get_data(as_text=True))
        else:
            idempotency.release(services, *claim_)
    return _lose_answer(response)


def _lose_answer(response: Response) -> Response:
    """An "after" fault rule: the operation has run and its answer is kept for a retry with the same
    MS-RequestId; the client gets the fault (or the answer late, for a delay) instead."""
    rules = g.pop("answer_may_be_lost", None)  # the request's live rules, as read before the operation
    if rules is None:
        return response
    fault = _fault(rules, current_app.extensions["traffic"], traffic.AFTER)
    if fault is None:
        return response
    if "journal" in g:
        g.journal["lost_status"] = response.status_code
    response.close()  # the lost answer's close callbacks, which the server would have called
    return fault


def release_pending_claim(_exc=None) -> None:
    claim_ = g.pop("idempotency_claim", None)
    if claim_ is not None:
        idempotency.release(current_app.extensions["services"], *claim_)


def install(app: Flask) -> None:
    """The app-level hooks (the /v1 blueprint registers before_operation / after_operation itself)."""
    traffic.install(app)
    app.before_request(before_api_request)
    app.after_request(after_api_request)
    app.teardown_request(release_pending_claim)
