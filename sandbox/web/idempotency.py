"""MS-RequestId idempotency: a retried request with the same id and body gets the first answer. The portal's
Add customer wizard claims a reviewed draft's Submit the same way (``portal-new-customer:<revision>``).

Rows live in the ``idempotency`` table (every process on the database sees them), keyed by
workspace and request id, with a fingerprint of the request (its JSON body by value, not by bytes). A row is claimed before the
operation runs (status 0), so two concurrent twins can't both create; the answer is kept once
the first one finishes. Answers that a retry should not replay (429, 408, 5xx, injected
faults) release the claim instead.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import and_, bindparam, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from sandbox.services.context import ServiceContext
from sandbox.store import orm
from sandbox.store.db import PreparedWrite, run_writes

IN_FLIGHT = 0
STALE_AFTER = timedelta(seconds=60)
T = orm.idempotency
_ROW = and_(T.c.workspace_id == bindparam("ws"), T.c.request_id == bindparam("rid"))
# Prepared once: every POST and PATCH with an MS-RequestId runs two of them.
_CLAIM = PreparedWrite(insert(T).values(workspace_id=bindparam("ws"), request_id=bindparam("rid"),
                                        fingerprint=bindparam("print_"), status=IN_FLIGHT, body="", created_at=bindparam("now")))
_READ = select(T.c.fingerprint, T.c.status, T.c.body, T.c.created_at).where(_ROW)
_TAKE_OVER = update(T).where(_ROW).values(created_at=bindparam("now"))
_KEEP = PreparedWrite(update(T).where(_ROW).values(status=bindparam("answer_status"), body=bindparam("answer_body")))
_RELEASE = PreparedWrite(delete(T).where(_ROW, T.c.status == IN_FLIGHT))


@dataclass(frozen=True)
class Replay:
    status: int
    body: str


class InFlight(Exception):
    """The first request with this id is still running."""


class Mismatch(Exception):
    """The id was already used for a different request."""


def request_key(request_id: str) -> str:
    """The id a retry is matched by: a GUID in any of its spellings (case, braces) is one id, as the header is
    typed GUID and the API reads GUIDs in any case; anything else as given."""
    try:
        return str(uuid.UUID(request_id))
    except ValueError:
        return request_id


def fingerprint(method: str, path: str, query: bytes, caller: str, body: bytes) -> str:
    digest = hashlib.sha256()
    # the path as it routes: any case, and with or without the trailing slash the routes ignore
    for part in (method.encode(), path.rstrip("/").lower().encode(), query, caller.encode(), canonical_body(body)):
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.hexdigest()


def canonical_body(body: bytes) -> bytes:
    """A JSON body as its value: a retry that serialises it anew is the same request.

    Spacing, property order, a byte-order mark and the case of property names (the API reads them
    case-insensitively) don't count; values, nulls included, do. A body that is not JSON, or an
    object whose property names differ only by case, is compared byte for byte.
    """
    try:
        value = _fold(json.loads(body.decode("utf-8-sig")))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return body
    return json.dumps(value, sort_keys=True, separators=(",", ":")).encode("ascii")


def _fold(value):
    if isinstance(value, dict):
        folded = {key.lower(): _fold(item) for key, item in value.items()}
        if len(folded) != len(value):
            raise ValueError("property names that differ only by case")
        return folded
    if isinstance(value, list):
        return [_fold(item) for item in value]
    return value


def claim(ctx: ServiceContext, workspace_id: str, request_id: str, print_: str) -> Replay | None:
    """Claim the id for this request; a Replay if it already has an answer (raises InFlight / Mismatch).

    Prepared writes, no ORM session: every POST and PATCH with an MS-RequestId passes here twice.
    """
    now = ctx.real_now()
    try:
        run_writes(ctx.engine, (_CLAIM, {"ws": workspace_id, "rid": request_id, "print_": print_, "now": now}))
        return None
    except IntegrityError:
        pass
    with ctx.connect() as connection, connection.begin():
        row = connection.execute(_READ, {"ws": workspace_id, "rid": request_id}).first()
        if row is not None:
            return _answer_for(connection, row, workspace_id, request_id, print_, now)
    return claim(ctx, workspace_id, request_id, print_)  # released in between: try once more


def _answer_for(connection, row, workspace_id: str, request_id: str, print_: str, now) -> Replay | None:
    if row.fingerprint != print_:
        raise Mismatch()
    if row.status != IN_FLIGHT:
        return Replay(row.status, row.body)
    if now - row.created_at < STALE_AFTER:
        raise InFlight()
    # a claim left behind by a crashed process: take it over
    connection.execute(_TAKE_OVER, {"ws": workspace_id, "rid": request_id, "now": now})
    return None


def keep(ctx: ServiceContext, workspace_id: str, request_id: str, status: int, body: str) -> None:
    run_writes(ctx.engine, (_KEEP, {"ws": workspace_id, "rid": request_id, "answer_status": status, "answer_body": body}))


def release(ctx: ServiceContext, workspace_id: str, request_id: str) -> None:
    run_writes(ctx.engine, (_RELEASE, {"ws": workspace_id, "rid": request_id}))


def replayable(status: int) -> bool:
    """Success and business failures are the first answer; throttling, timeouts and server errors are not."""
    return 200 <= status < 300 or (400 <= status < 500 and status not in (408, 429))
