"""Sandbox-only traffic tools, per tenant: fault and latency rules, and a journal of API exchanges.

Fault rules live in the database (``sandbox.store.faults``): every process on it applies the same rules, a
rule added or deleted through one process is added or deleted for all, and a rule's ``count`` holds across
them (each firing is a conditional update: ``count: 2`` fires twice in all, whichever processes and threads
serve the requests). Whether a rule with a probability fires is drawn by the process that serves the request.

The journal lives in the serving process's memory (``JOURNAL_STORE=memory``, the default on a SQLite file),
or in the database (``database``: the default on PostgreSQL, and what ``serve --workers 2`` and more choose), so
that a sandbox served by several processes keeps one journal per tenant. It is bounded (``JOURNAL_SIZE`` entries
per tenant) and never holds a secret: Authorization headers, passwords, client secrets and tokens are redacted
before an entry is stored. Deleting or resetting a tenant drops its rules and journal (in the same transaction).

Control routes (on the control blueprint):
- ``GET|POST|DELETE /_sandbox/tenants/{id}/faults``, ``DELETE /_sandbox/tenants/{id}/faults/{ruleId}``
- ``GET|DELETE /_sandbox/tenants/{id}/journal``
"""

from __future__ import annotations

import atexit
import functools
import itertools
import json
import logging
import multiprocessing.util
import random
import threading
import time
import uuid
import weakref
from collections import deque
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qsl

from flask import Flask, Response, current_app, g, jsonify, request
from marshmallow import RAISE, Schema, fields, validate
from sqlalchemy import Engine, event
from sqlalchemy.exc import IntegrityError
from werkzeug.wsgi import get_content_length

from sandbox.domain.clock import as_utc
from sandbox.domain.errors import InvalidRequestInput, NotFound
from sandbox.services import tenants
from sandbox.store import faults as fault_store
from sandbox.store import journal as journal_store
from sandbox.web.paths import query_parameters

from . import StrictFloat, bp, load, services

REDACTED = "[redacted]"
SECRET_NAMES = frozenset(
    {"password", "client_secret", "clientsecret", "access_token", "accesstoken", "refresh_token", "id_token",
     "client_assertion", "assertion", "secret", "newpassword", "currentpassword", "csrf_token", "current_password",
     "new_password", "confirm_password"}
)
# In a form (the token endpoint's), ``code`` is an authorization code (or v1's device code), ``code_verifier`` its
# PKCE secret and ``device_code`` a device code; in a JSON body ``code`` is an error's number. Forms are always
# parsed and redacted; query strings (form-encoded too) are, when their quick check finds a stem of these names.
FORM_SECRET_NAMES = SECRET_NAMES | {"code", "code_verifier", "device_code"}
SECRET_HEADERS = frozenset({"authorization", "cookie", "set-cookie", "x-sandbox-key", "proxy-authorization",
                            "x-csrftoken", "x-csrf-token"})
MAX_BODY_CHARS = 16 * 1024

log = logging.getLogger(__name__)

# Set by the API's (or the token endpoint's) hooks: which operations a fault rule may name.
OPERATIONS: set[str] = set()
TOKEN_OPERATION = "token"  # the token endpoint: only a rule that names it, never "*" (that is the REST API's)
# A rule's phase ("when"): answer the fault instead of running the operation, or run it and lose its answer
BEFORE, AFTER = "before", "after"


class FaultRule(fault_store.StoredFaultRule):
    """A tenant's fault or latency rule, as the control API shows it."""

    __slots__ = ()

    @property
    def remaining(self) -> int | None:
        return None if self.count is None else max(self.count - self.fired, 0)

    def as_json(self) -> dict:
        return {
            "id": self.id, "operation": self.operation, "status": self.status, "probability": self.probability,
            "delayMs": self.delay_ms, "count": self.count, "retryAfter": self.retry_after, "fired": self.fired,
            "remaining": self.remaining, "when": self.phase,
        }


@dataclass
class _TenantTraffic:
    journal: deque
    sequence: itertools.count = field(default_factory=lambda: itertools.count(1))


_TICK = timedelta(microseconds=1)


class _MemoryJournal:
    """Each tenant's last ``size`` exchanges in this process's memory (a sandbox served by one process)."""

    def __init__(self, size: int):
        self.size = size
        self._lock = threading.Lock()
        self._tenants: dict[str, _TenantTraffic] = {}

    def _tenant(self, workspace_id: str) -> _TenantTraffic:
        found = self._tenants.get(workspace_id)
        if found is None:
            found = self._tenants[workspace_id] = _TenantTraffic(journal=deque(maxlen=self.size))
        return found

    def record(self, workspace_id: str, entry: _Exchange) -> None:
        with self._lock:
            tenant = self._tenant(workspace_id)
            entry.sequence = next(tenant.sequence)
            tenant.journal.append(entry)

    def entries(self, workspace_id: str, limit: int | None) -> list[dict]:
        with self._lock:
            entries = list(self._tenant(workspace_id).journal)
        return [entry.as_json() for entry in (entries[-limit:] if limit else entries)]

    def clear(self, workspace_id: str) -> None:
        with self._lock:
            self._tenant(workspace_id).journal.clear()

    def forget(self, workspace_id: str) -> None:
        with self._lock:
            self._tenants.pop(workspace_id, None)

    def forget_all(self) -> None:
        with self._lock:
            self._tenants.clear()


class _DatabaseJournal:
    """Each tenant's last ``size`` exchanges in the database (``sandbox.store.journal``), for a sandbox served by
    several processes: every process reads every process's. An exchange waits in this process for at most
    ``FLUSH_AFTER_S`` and is then written with the others waiting (a thread of its own writes them, off the
    requests' path); a read here writes this process's first, so it misses at most the other processes' last
    ``FLUSH_AFTER_S``."""

    FLUSH_AFTER_S = 0.2

    def __init__(self, size: int, engine: Engine):
        self.size = size
        self.engine = engine
        self._lock = threading.Lock()
        self._flushing = threading.Lock()  # one batch at a time, in order
        self._pending: list[tuple[str, datetime, _Exchange]] = []
        self._timer: threading.Timer | None = None
        event.listen(engine, "engine_disposed", self._stop)
        # a server stopped (Ctrl-C, SIGTERM) writes what waits: at the interpreter's exit, and at a worker
        # process's (granian's workers are multiprocessing processes, which end without atexit when forked)
        atexit.register(_flush_at_exit, weakref.ref(self))
        multiprocessing.util.Finalize(None, _flush_at_exit, args=(weakref.ref(self),), exitpriority=10)

    def _stop(self, _engine) -> None:
        """The app's database is closed (its tests are over, the server stops): nothing more is written."""
        with self._lock:
            if self._timer is not None:
                self._timer.cancel()
            self._timer, self._pending = None, []

    def record(self, workspace_id: str, entry: _Exchange) -> None:
        with self._lock:
            self._pending.append((workspace_id, datetime.now(UTC), entry))
            if self._timer is None:
                self._timer = threading.Timer(self.FLUSH_AFTER_S, self._flush_later)
                self._timer.daemon = True
                self._timer.start()

    def _flush_later(self) -> None:
        with self._lock:
            self._timer = None
        try:
            self.flush()
        except Exception:  # noqa: BLE001 - a database gone: the entries are lost, not the thread
            log.warning("journal entries could not be written", exc_info=True)

    def flush(self) -> None:
        with self._flushing:
            with self._lock:
                batch, self._pending = self._pending, []
            if batch:
                journal_store.append(self.engine, [(ws, at, json.dumps(entry.as_json())) for ws, at, entry in batch],
                                     keep=self.size)

    def entries(self, workspace_id: str, limit: int | None) -> list[dict]:
        self.flush()
        return [{**json.loads(entry), "sequence": sequence}
                for sequence, entry in journal_store.read(self.engine, workspace_id, limit or self.size)]

    def clear(self, workspace_id: str) -> None:
        self.flush()
        journal_store.clear(self.engine, workspace_id)

    def forget(self, workspace_id: str) -> None:
        """The tenant's rows went with its reset or delete (``Repository.delete_workspace_contents``): drop the
        entries still waiting here."""
        with self._lock:
            self._pending = [waiting for waiting in self._pending if waiting[0] != workspace_id]

    def forget_all(self) -> None:
        with self._lock:
            self._pending = []


def _flush_at_exit(journal: weakref.ref) -> None:
    alive = journal()
    if alive is None:
        return
    try:
        alive.flush()
    except Exception:  # noqa: BLE001 - the database is gone too: nothing to write to
        log.warning("journal entries could not be written at exit", exc_info=True)


class Traffic:
    """A sandbox's fault rules (kept in its database: shared by every process on it) and its journals (in this
    process's memory, or with ``shared_journal`` in the database: see ``_DatabaseJournal``); thread-safe."""

    def __init__(self, journal_size: int, engine: Engine, rng: random.Random | None = None, *, shared_journal: bool = False):
        self.journal_size = max(int(journal_size), 1)
        self.engine = engine
        self._lock = threading.Lock()
        self._journals = (_DatabaseJournal(self.journal_size, engine) if shared_journal
                          else _MemoryJournal(self.journal_size))
        self._rng = rng or random.Random()
        self._last_added = datetime.min.replace(tzinfo=UTC)

    # --- fault rules (in the database) -----------------------------------------------------

    def add_rule(self, workspace_id: str, rule: FaultRule) -> FaultRule:
        """Keep a rule, after the tenant's others (IntegrityError for a tenant that is gone)."""
        with self._lock:  # added in order, even within one microsecond
            added = self._last_added = max(datetime.now(UTC), self._last_added + _TICK)
        fault_store.add_rule(self.engine, workspace_id, rule, added)
        return rule

    def rules(self, workspace_id: str) -> list[FaultRule]:
        return [FaultRule._make(stored) for stored in fault_store.rules(self.engine, workspace_id)]

    def delete_rule(self, workspace_id: str, rule_id: str) -> bool:
        return fault_store.delete_rule(self.engine, workspace_id, rule_id)

    def clear_rules(self, workspace_id: str) -> None:
        fault_store.clear_rules(self.engine, workspace_id)

    def live_rules(self, workspace_id: str, operation: str) -> tuple[fault_store.StoredFaultRule, ...]:
        """The tenant's rules for ``operation`` that are not spent yet, as last committed (most tenants have
        none: a look-up in this thread's memory on a SQLite file)."""
        stored = fault_store.rules(self.engine, workspace_id)
        if not stored:
            return ()
        names = (operation,) if operation == TOKEN_OPERATION else ("*", operation)
        # (``fired`` as read: it only grows, so a spent rule is spent)
        return tuple(rule for rule in stored if rule.operation in names and (rule.count is None or rule.fired < rule.count))

    def pick_fault(self, rules: tuple[fault_store.StoredFaultRule, ...], phase: str = BEFORE) -> FaultRule | None:
        """The first of ``rules`` (``live_rules``) of ``phase`` that fires this time (probability, then its
        count: whichever process fires it), counted as fired."""
        for rule in rules:
            if rule.phase != phase or (rule.probability < 1 and self._rng.random() >= rule.probability):
                continue
            if fault_store.fire(self.engine, rule.id):
                return FaultRule._make(rule._replace(fired=rule.fired + 1))
        return None

    # --- journal --------------------------------------------------------------------------

    def record(self, workspace_id: str, entry: _Exchange) -> None:
        self._journals.record(workspace_id, entry)

    def journal(self, workspace_id: str, limit: int | None = None) -> list[dict]:
        return self._journals.entries(workspace_id, limit)

    def clear_journal(self, workspace_id: str) -> None:
        self._journals.clear(workspace_id)

    def forget(self, workspace_id: str) -> None:
        """Drop a tenant's journal (deleted or reset): a tenant seeded again starts clean. Its rules (and a
        journal kept in the database) went with its delete or reset (``Repository.delete_workspace_contents``)."""
        self._journals.forget(workspace_id)

    def forget_all(self) -> None:
        self._journals.forget_all()


def traffic(app: Flask | None = None) -> Traffic:
    app = app or current_app
    return app.extensions["traffic"]


def install(app: Flask) -> None:
    """Once per app: the store (rules in the app's database), and the after-request hook that journals an
    exchange once a surface has told it (``g.journal``) which tenant the request belongs to."""
    if "traffic" in app.extensions:
        return
    store = app.extensions["traffic"] = Traffic(app.config["JOURNAL_SIZE"], app.extensions["engine"],
                                                shared_journal=journal_in_database(app.config))
    app.after_request(functools.partial(_journal_exchange, store=store))


def journal_in_database(config) -> bool:
    """``JOURNAL_STORE``: "memory" (one process's), "database" (every process's), or "auto": the database
    when it is PostgreSQL (a shared deployment), else memory (``serve --workers 2`` and more sets "database")."""
    chosen = (config.get("JOURNAL_STORE") or "auto").lower()
    if chosen not in ("auto", "memory", "database"):
        raise ValueError(f"JOURNAL_STORE must be auto, memory or database, not {chosen!r}")
    if chosen == "auto":
        return not config["DATABASE_URL"].startswith("sqlite")
    return chosen == "database"


def fire_fault(rules: tuple[fault_store.StoredFaultRule, ...], store: Traffic, phase: str = BEFORE) -> FaultRule | None:
    """A request's fault, if one of its tenant's live ``rules`` for its operation (``Traffic.live_rules``) of
    that phase fires: noted in its journal entry, its delay served; the rule is answered when it has a status
    to answer with (each surface words the error in its own shape)."""
    rule = store.pick_fault(rules, phase) if rules else None
    if rule is None:
        return None
    if "journal" in g:
        g.journal["fault"] = rule.id  # the last to fire (a "before" latency rule may precede an "after" one)
        g.journal.setdefault("faults", []).append(rule.id)
    if rule.delay_ms:
        time.sleep(rule.delay_ms / 1000)
    return rule if rule.status is not None else None


# --- redaction and journaling ---------------------------------------------------------------


def redact(value):
    """A copy of a JSON value with every secret-named property replaced by ``[redacted]``."""
    if isinstance(value, dict):
        return {k: (REDACTED if isinstance(k, str) and k.lower() in SECRET_NAMES and v is not None else redact(v))
                for k, v in value.items()}
    if isinstance(value, list):
        return [redact(v) for v in value]
    return value


def redact_form(form: dict) -> dict:
    """A form's fields with every secret-named one replaced by ``[redacted]``."""
    return {k: (REDACTED if k.lower() in FORM_SECRET_NAMES and v is not None else v) for k, v in form.items()}


def _body(raw: bytes, mimetype: str):
    """The body as the journal keeps it: parsed and redacted; never raw text that could hold a secret."""
    if not raw:
        return None
    if len(raw) > MAX_BODY_CHARS:
        return f"[body not kept: {len(raw)} bytes]"
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return f"[body not kept: {len(raw)} bytes, not UTF-8]"
    if mimetype == "application/x-www-form-urlencoded":
        return redact_form(dict(parse_qsl(text, keep_blank_values=True)))
    try:
        return redact(json.loads(text))
    except (ValueError, RecursionError):
        return f"[body not kept: {len(raw)} bytes, not JSON]"


# Every secret's name holds one of these: a text without them names no secret (four scans, not twelve).
_SECRET_STEMS = (b"password", b"secret", b"token", b"assertion")
_FORM_SECRET_STEMS = (*_SECRET_STEMS, b"code")


@dataclass(frozen=True)
class _Unread:
    """A JSON body kept as it came, to be parsed when the journal is read: only when it can't hold a
    secret (plain ASCII without escapes, and no secret's property name anywhere in it, in any case), so
    that redaction would change nothing. Most API bodies are like that, and parsing every one on the
    request path cost more than the rest of the journal."""

    raw: bytes
    mimetype: str

    def value(self):
        return _body(self.raw, self.mimetype)


def _names_a_secret(lowered: bytes, stems: tuple[bytes, ...] = _SECRET_STEMS) -> bool:
    """Whether a lower-cased text could name a secret (it may also name something harmless: then it is
    redacted at once, which changes nothing); ``stems``: a form's (a query's) stems, or a JSON body's."""
    return any(stem in lowered for stem in stems)


_last_kept: tuple = (None, None)  # (raw body, as kept): an answer sent again as the same bytes object


def _kept_response_body(raw: bytes):
    """A JSON answer's body as kept; a cached answer (the same bytes object as the last one) is checked once."""
    global _last_kept
    last_raw, last_kept = _last_kept
    if raw is last_raw:
        return last_kept
    kept = _kept_body(raw, "application/json")
    _last_kept = (raw, kept)
    return kept


def _kept_body(raw: bytes, mimetype: str):
    if (raw and len(raw) <= MAX_BODY_CHARS and mimetype != "application/x-www-form-urlencoded" and raw.isascii()
            and b"\\" not in raw and not _names_a_secret(raw.lower())):
        return _Unread(raw, mimetype)
    return _body(raw, mimetype)


@dataclass(slots=True)
class _Exchange:
    """One request and its answer as the journal keeps them: the raw pieces, with every secret (header,
    query parameter, body property) already redacted, turned into the journal's JSON only when read. Building that JSON
    (header names, redaction of every header, dates) on the request path cost about a quarter of a GET."""

    time: datetime | None
    operation: str | None
    method: str
    path: str
    query: dict | str  # redacted, or a query string that names no secret (parsed when read)
    request_headers: tuple  # WSGI environ key, value, key, value, ...: secrets redacted
    request_body: object
    status: int
    response_headers: tuple  # name, value, name, value, ...: secrets redacted
    response_body: object
    started: float  # time.perf_counter() at the request's start and at its end
    finished: float
    fault: str | None
    faults: tuple  # every rule that fired on this request, in order (``fault`` is the last)
    replayed: bool
    lost_status: int | None = None  # the operation's own answer, when an "after" fault replaced it
    sequence: int = 0  # set by the journal

    def as_json(self) -> dict:
        response_headers = dict(_pairs(self.response_headers))
        return {
            "time": as_utc(self.time).isoformat() if isinstance(self.time, datetime) else None,
            "operation": self.operation,
            "method": self.method,
            "path": self.path,
            "query": _query(self.query) if isinstance(self.query, str) else self.query,
            "requestHeaders": {_header_name(key): value[:1000] for key, value in _pairs(self.request_headers)},
            "requestBody": _shown(self.request_body),
            "status": self.status,
            "responseHeaders": {name: value[:1000] for name, value in response_headers.items()},
            "responseBody": _shown(self.response_body),
            "durationMs": round((self.finished - self.started) * 1000, 3),
            "requestId": response_headers.get("MS-RequestId"),
            "correlationId": response_headers.get("MS-CorrelationId"),
            "fault": self.fault,
            "faults": list(self.faults),
            "lostStatus": self.lost_status,
            "replayed": self.replayed,
            "sequence": self.sequence,
        }


def _pairs(flat: tuple):
    """``(a, 1, b, 2)`` -> ``(a, 1), (b, 2)``: headers are kept flat, one object per entry instead of one per header."""
    items = iter(flat)
    return zip(items, items, strict=True)


def _query(query_string: str) -> dict:
    """A query string as the journal shows it, redacted as a form is (a query is form-encoded: ``code`` there is
    an authorization or device code): each parameter's first value, cut at 500 characters."""
    values: dict = {}
    for key, value in query_parameters(query_string):
        values.setdefault(key, value[:500])
    return redact_form(values)


def _kept_query(query_string: str) -> dict | str:
    """The query as kept: the raw string when it can't name a secret (shown when the journal is read, as
    the bodies are), else parsed and redacted now."""
    if not query_string:
        return {}
    if _plain(query_string):
        return query_string
    return _query(query_string)


@functools.lru_cache(maxsize=256)
def _plain(query_string: str) -> bool:
    """Nothing encoded could spell a secret's name. Decided once per string: an integration sends the same
    queries again and again."""
    return (query_string.isascii() and "%" not in query_string
            and not _names_a_secret(query_string.lower().encode(), _FORM_SECRET_STEMS))


def _shown(body):
    return body.value() if isinstance(body, _Unread) else body


def _header_name(environ_key: str) -> str:
    """``HTTP_MS_REQUESTID`` -> ``Ms-Requestid``, as Werkzeug names a request's headers."""
    if environ_key.startswith("HTTP_"):
        environ_key = environ_key[5:]
    return environ_key.replace("_", "-").title()


_SECRET_ENVIRON_KEYS = frozenset("HTTP_" + name.upper().replace("-", "_") for name in SECRET_HEADERS)


def _redacted(name: str, value: str) -> str:
    scheme = value.split(" ", 1)[0] if name.lower().endswith("authorization") and " " in value else ""
    return f"{scheme} {REDACTED}".strip()


def _request_headers(environ: dict) -> tuple:
    """The request's headers in the order Werkzeug lists them, as one flat tuple (see ``_pairs``), each
    secret's value redacted. A server's environ holds its whole process environment too: one pass over it."""
    flat: list = []
    for key, value in environ.items():
        if key.startswith("HTTP_"):
            flat += (key, _redacted(key, value) if key in _SECRET_ENVIRON_KEYS else value)
    for key in ("CONTENT_TYPE", "CONTENT_LENGTH"):
        if value := environ.get(key):
            flat += (key, value)
    return tuple(flat)


def _response_headers(headers) -> tuple:
    """The answer's headers, flat as the request's, each secret's value redacted."""
    flat: list = []
    for name, value in headers:  # a Headers iterates its own list of pairs
        flat += (name, _redacted(name, value) if name.lower() in SECRET_HEADERS else value)
    return tuple(flat)


def media_type(content_type: str) -> str:
    """``application/json; charset=utf-8`` -> ``application/json``: what ``.mimetype`` gives, without
    Werkzeug parsing the parameters."""
    return content_type.partition(";")[0].strip().lower() if content_type else ""


_NO_LENGTH = (None, "", "0")  # CONTENT_LENGTH values of a request without a body


def has_body(environ: dict) -> bool:
    """Whether the request comes with a body: a Content-Length above 0, or a chunked one."""
    return environ.get("CONTENT_LENGTH") not in _NO_LENGTH or bool(environ.get("HTTP_TRANSFER_ENCODING"))


def _journal_exchange(response: Response, store: Traffic) -> Response:
    info = g.pop("journal", None)
    if not info or not info.get("workspace_id"):
        return response
    req = request._get_current_object()  # one proxy lookup, not twenty
    environ = req.environ
    mimetype = media_type(environ.get("CONTENT_TYPE", ""))
    if not has_body(environ):
        kept_request = None  # no body (most GETs): nothing to read
    elif (length := get_content_length(environ)) is not None and length > MAX_BODY_CHARS:  # None when chunked
        kept_request = f"[body not kept: {length} bytes]"
    elif mimetype == "application/x-www-form-urlencoded" and req.method == "POST":
        kept_request = redact_form(req.form.to_dict())  # the form parser has read the stream already
    else:
        try:
            raw = req.get_data(cache=True)
        except Exception:  # noqa: BLE001 - a chunked body over MAX_CONTENT_LENGTH, a client gone
            raw = None
        kept_request = "[body not kept: not readable]" if raw is None else _kept_body(raw, mimetype)
    response_body = None
    if (not response.direct_passthrough and not response.is_streamed
            and media_type(response.headers.get("Content-Type", "")).endswith("json")):
        response_body = _kept_response_body(response.get_data())
    now, finished = info.get("now"), time.perf_counter()
    entry = _Exchange(
        time=now if isinstance(now, datetime) else None,
        operation=info.get("operation"),
        method=req.method,
        path=req.path,
        query=_kept_query(environ.get("QUERY_STRING", "")),
        request_headers=_request_headers(environ),
        request_body=kept_request,
        status=response.status_code,
        response_headers=_response_headers(response.headers),
        response_body=response_body,
        started=info.get("started") or finished,
        finished=finished,
        fault=info.get("fault"),
        faults=tuple(info.get("faults", ())),
        replayed=bool(info.get("replayed")),
        lost_status=info.get("lost_status"),
    )
    store.record(info["workspace_id"], entry)
    return response


# --- control routes -------------------------------------------------------------------------


class FaultRuleSchema(Schema):
    class Meta:
        unknown = RAISE

    operation = fields.String(load_default="*", validate=validate.Length(min=1, max=100))
    status = fields.Integer(strict=True, load_default=None, allow_none=True, validate=validate.Range(400, 599))
    probability = StrictFloat(load_default=1.0, validate=validate.Range(0.0, 1.0), allow_nan=False)
    delay_ms = fields.Integer(strict=True, data_key="delayMs", load_default=0, validate=validate.Range(0, 60_000))
    count = fields.Integer(strict=True, load_default=None, allow_none=True, validate=validate.Range(1, 1_000_000))
    retry_after = fields.Integer(strict=True, data_key="retryAfter", load_default=None, allow_none=True,
                                 validate=validate.Range(0, 3600))
    phase = fields.String(data_key="when", load_default=BEFORE, allow_none=True,  # null: the default, as elsewhere
                          validate=validate.OneOf((BEFORE, AFTER)))


def _tenant_or_404(tenant_id: str) -> None:
    tenants.get_clock(services(), tenant_id)  # NotFound for an unknown tenant


@bp.get("/tenants/<tenant_id>/faults")
def list_faults(tenant_id):
    _tenant_or_404(tenant_id)
    return jsonify(items=[r.as_json() for r in traffic().rules(tenant_id)])


@bp.post("/tenants/<tenant_id>/faults")
def add_fault(tenant_id):
    _tenant_or_404(tenant_id)
    body = load(FaultRuleSchema(), required=True)
    if body["operation"] not in ("*", TOKEN_OPERATION) and body["operation"] not in OPERATIONS:
        known = ", ".join(sorted(OPERATIONS | {TOKEN_OPERATION}))
        raise InvalidRequestInput(f"operation must be '*' or one of: {known}.", data=[f"operation: unknown '{body['operation']}'"])
    if body["status"] is None and not body["delay_ms"]:
        raise InvalidRequestInput("A rule needs a status (an error to answer), a delayMs (latency), or both.")
    phase = body["phase"] or BEFORE
    if phase == AFTER and body["operation"] == TOKEN_OPERATION:
        raise InvalidRequestInput("A token rule answers before the grant: when must be 'before' for operation 'token'.",
                                  data=["when: 'after' is for /v1 operations"])
    retry_after = body["retry_after"]
    if retry_after is None and body["status"] in (429, 503):
        retry_after = 1
    rule = FaultRule(
        id=str(uuid.uuid4()), operation=body["operation"], status=body["status"], probability=body["probability"],
        delay_ms=body["delay_ms"], count=body["count"], retry_after=retry_after, phase=phase,
    )
    try:
        traffic().add_rule(tenant_id, rule)
    except IntegrityError:  # the tenant was deleted meanwhile
        _tenant_or_404(tenant_id)
        raise
    return jsonify(rule.as_json()), 201


@bp.delete("/tenants/<tenant_id>/faults")
def clear_faults(tenant_id):
    _tenant_or_404(tenant_id)
    traffic().clear_rules(tenant_id)
    return "", 204


@bp.delete("/tenants/<tenant_id>/faults/<rule_id>")
def delete_fault(tenant_id, rule_id):
    _tenant_or_404(tenant_id)
    if not traffic().delete_rule(tenant_id, rule_id):
        raise NotFound(f"Fault rule {rule_id} was not found.")
    return "", 204


@bp.get("/tenants/<tenant_id>/journal")
def get_journal(tenant_id):
    _tenant_or_404(tenant_id)
    raw = request.args.get("limit")
    limit = None
    if raw is not None:
        # isdigit() alone takes '²' (int() fails) and a 5,000-digit number (int() refuses it)
        if not (raw.isascii() and raw.isdigit() and len(raw) <= 6) or not 1 <= int(raw) <= 100_000:
            raise InvalidRequestInput("limit must be a whole number from 1 to 100000.",
                                      data=["limit: not a whole number from 1 to 100000"])
        limit = int(raw)
    entries = traffic().journal(tenant_id, limit)
    return jsonify(totalCount=len(entries), capacity=traffic().journal_size, items=entries)


@bp.delete("/tenants/<tenant_id>/journal")
def clear_journal(tenant_id):
    _tenant_or_404(tenant_id)
    traffic().clear_journal(tenant_id)
    return "", 204
