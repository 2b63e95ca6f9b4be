"""What the use cases need from outside: the database, the real time, new ids and secrets."""

from __future__ import annotations

import secrets
import string
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Connection, Engine
from sqlalchemy.orm import Session, sessionmaker
from werkzeug.security import check_password_hash, generate_password_hash

from sandbox.domain.errors import NotFound
from sandbox.domain.model import Role, Workspace
from sandbox.domain.rules import Channel
from sandbox.store.repository import Repository

# Generated secrets are long and random, so a light key stretch is enough; it keeps tenant creation fast.
PASSWORD_METHOD = "pbkdf2:sha256:1000"


def hash_secret(secret: str) -> str:
    return generate_password_hash(secret, method=PASSWORD_METHOD)


def check_secret(hashed: str, secret: str) -> bool:
    return bool(hashed) and check_password_hash(hashed, secret)


def new_password(rng=secrets) -> str:
    """A temporary password in Partner Center's style: letters, digits and a few symbols."""
    alphabet = string.ascii_letters + string.digits
    body = "".join(rng.choice(alphabet) for _ in range(10))
    return body[:4] + rng.choice("!#$%&*+=?@") + body[4:] + rng.choice(string.digits)


@dataclass(frozen=True)
class Actor:
    """Who calls a use case: a partner user (App+User or portal), or an application alone (App-only)."""

    workspace_id: str
    partner_id: str
    user_id: str | None = None
    role: Role | None = None
    app_id: str | None = None
    channel: str = Channel.API

    @property
    def app_only(self) -> bool:
        return self.user_id is None


class UnitOfWork:
    """One transaction: commit on success, roll back on any exception."""

    def __init__(self, session: Session):
        self.session = session
        self.repo = Repository(session)

    def commit(self) -> None:
        self.session.commit()


_last_ordered = [0, 0]  # (Unix milliseconds, counter) of the last ordered id made in this process
_ordered_lock = threading.Lock()


def ordered_id() -> str:
    """A GUID that sorts after every one this process made before (RFC 9562's version 7 layout: 48 bits of Unix
    milliseconds, a 12-bit counter within the millisecond, random bits). Records listed in the order they were
    made (confirmations, orders, subscriptions, relationships, invitations) are sorted by their tenant-clock time
    and then by id: at one instant of a frozen clock, the id keeps the order they were made in."""
    with _ordered_lock:
        ms, counter = time.time_ns() // 1_000_000, 0
        if ms <= _last_ordered[0]:
            ms, counter = _last_ordered[0], _last_ordered[1] + 1
            if counter > 0xFFF:
                ms, counter = ms + 1, 0
        _last_ordered[:] = [ms, counter]
    return str(uuid.UUID(int=(ms << 80) | (0x7 << 76) | (counter << 64) | (0b10 << 62) | secrets.randbits(62)))


@dataclass
class ServiceContext:
    """The service layer's dependencies, built once by ``create_app`` (or by a test)."""

    session_factory: sessionmaker
    real_now: Callable[[], datetime]
    signing_key: str  # the app's SECRET_KEY: signs what clients hand back (continuation tokens)
    new_id: Callable[[], str] = field(default=lambda: str(uuid.uuid4()))
    new_ordered_id: Callable[[], str] = field(default=ordered_id)  # for records listed in the order they were made

    @contextmanager
    def unit_of_work(self) -> Iterator[UnitOfWork]:
        session = self.session_factory()
        try:
            yield UnitOfWork(session)
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    @property
    def engine(self) -> Engine:
        return self.session_factory.kw["bind"]

    def connect(self) -> Connection:
        """A plain connection for short statements on a hot path (no ORM session, no identity map)."""
        return self.engine.connect()

    def now_in(self, workspace: Workspace) -> datetime:
        """The workspace's current instant on its own clock."""
        return workspace.clock.now(self.real_now())


def require_workspace(uow: UnitOfWork, workspace_id: str) -> Workspace:
    workspace = uow.repo.workspace(workspace_id)
    if workspace is None:
        raise NotFound(f"Tenant {workspace_id} was not found.")
    return workspace
