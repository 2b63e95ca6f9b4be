"""MS-RequestId idempotency: a retried request with the same id and body gets the first answer.

Rows live in the ``idempotency`` table (every process on the database sees them), keyed by
workspace and request id, with a fingerprint of the request. A row is claimed before the
operation runs (status 0), so two concurrent twins can't both create; the answer is kept once
the first one finishes. Answers that a retry should not replay (429, 408, 5xx, injected
faults) release the claim instead.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from sandbox.services.context import ServiceContext
from sandbox.store import orm

IN_FLIGHT = 0
STALE_AFTER = timedelta(seconds=60)
T = orm.idempotency


@dataclass(frozen=True)
class Replay:
    status: int
    body: str


class InFlight(Exception):
    """The first request with this id is still running."""


class Mismatch(Exception):
    """The id was already used for a different request."""


def fingerprint(method: str, path: str, query: bytes, caller: str, body: bytes) -> str:
    digest = hashlib.sha256()
    for part in (method.encode(), path.lower().encode(), query, caller.encode(), body):
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.hexdigest()


def claim(ctx: ServiceContext, workspace_id: str, request_id: str, print_: str) -> Replay | None:
    """Claim the id for this request; a Replay if it already has an answer (raises InFlight / Mismatch)."""
    now = ctx.real_now()
    with ctx.session_factory() as session:
        try:
            session.execute(insert(T).values(workspace_id=workspace_id, request_id=request_id, fingerprint=print_,
                                             status=IN_FLIGHT, body="", created_at=now))
            session.commit()
            return None
        except IntegrityError:
            session.rollback()
        row = session.execute(select(T.c.fingerprint, T.c.status, T.c.body, T.c.created_at).where(
            T.c.workspace_id == workspace_id, T.c.request_id == request_id)).first()
        if row is None:  # released in between: try once more
            return claim(ctx, workspace_id, request_id, print_)
        if row.fingerprint != print_:
            raise Mismatch()
        if row.status != IN_FLIGHT:
            return Replay(row.status, row.body)
        if now - row.created_at < STALE_AFTER:
            raise InFlight()
        # a claim left behind by a crashed process: take it over
        session.execute(update(T).where(T.c.workspace_id == workspace_id, T.c.request_id == request_id)
                        .values(created_at=now))
        session.commit()
        return None


def keep(ctx: ServiceContext, workspace_id: str, request_id: str, status: int, body: str) -> None:
    with ctx.session_factory() as session:
        session.execute(update(T).where(T.c.workspace_id == workspace_id, T.c.request_id == request_id)
                        .values(status=status, body=body))
        session.commit()


def release(ctx: ServiceContext, workspace_id: str, request_id: str) -> None:
    with ctx.session_factory() as session:
        session.execute(delete(T).where(T.c.workspace_id == workspace_id, T.c.request_id == request_id,
                                        T.c.status == IN_FLIGHT))
        session.commit()


def replayable(status: int) -> bool:
    """Success and business failures are the first answer; throttling, timeouts and server errors are not."""
    return 200 <= status < 300 or (400 <= status < 500 and status not in (408, 429))
