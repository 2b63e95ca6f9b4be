"""Engines, sessions and schema set-up for SQLite (file or memory) and PostgreSQL."""

from __future__ import annotations

import atexit
import contextlib
import functools
import multiprocessing.util
import os
import threading
import weakref
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, exc, inspect, make_url
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import StaticPool

from .orm import metadata, start_mappers

MIGRATIONS = Path(__file__).with_name("migrations")


def default_database_url() -> str:
    """The embedded default: a SQLite file in the user's data directory."""
    from sandbox.config import data_directory

    folder = data_directory()
    folder.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{folder / 'sandbox.db'}"


class SerialStaticPool(StaticPool):
    """One shared connection (a memory database), handed to one thread at a time.

    The lock is taken before the pool hands its single connection record out and released when the
    record comes back; a lock taken in the checkout event came too late (a second thread got the same
    record first, and its check-in was then dropped as a "double checkin", so the lock was never released).
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._serial = threading.RLock()

    def _do_get(self):
        self._serial.acquire()
        try:
            return super()._do_get()
        except BaseException:
            self._serial.release()
            raise

    def _do_return_conn(self, record) -> None:
        self._serial.release()


_WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")
_WRITE_GATES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_GATE_CONNECTIONS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # the prepared writes' connection
_CHECKPOINTERS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def install_write_gate(engine: Engine) -> threading.RLock:
    """Writers of one process queue on a lock instead of in SQLite's busy handler.

    SQLite takes its write lock at a transaction's first write; a second connection that wants it waits in
    the busy handler, which polls with sleeps of 1, 2, 5, 10, ... ms, so concurrent writes (a POST claims its
    MS-RequestId, confirms, keeps its answer: three short write transactions) spent most of their time
    asleep. The gate is taken just before a connection's first write and given back when the connection
    returns to the pool (its transaction committed or rolled back by then). Other processes on the same
    file still meet in the busy handler. Prepared writes (``run_writes``) take it too, and the gate tells
    the engine's ``Checkpointer`` of every write.
    """
    gate = _WRITE_GATES[engine] = threading.RLock()
    checkpoints = _CHECKPOINTERS[engine] = Checkpointer(engine)

    @event.listens_for(engine, "before_cursor_execute")
    def _take(connection, _cursor, statement, _parameters, _context, _executemany):  # pragma: no branch
        info = connection.connection.info
        if not info.get("write_gate") and statement.lstrip()[:7].upper().startswith(_WRITES):
            gate.acquire()
            info["write_gate"] = True

    @event.listens_for(engine, "checkin")
    def _give_back(_dbapi_connection, record):  # pragma: no branch
        if record.info.pop("write_gate", False):
            gate.release()
            checkpoints.committed()

    @event.listens_for(engine, "engine_disposed")
    def _close_own_connections(_engine):  # pragma: no branch
        checkpoints.close()
        with gate:
            connection = _GATE_CONNECTIONS.pop(engine, None)
            if connection is not None:
                connection.close()

    return gate


class Checkpointer:
    """Copies a SQLite file's write-ahead log back into the database from a thread of its own.

    SQLite does it in the connection whose commit takes the log past ``wal_autocheckpoint`` pages: on a
    request's thread, under the write gate (every other writer waits), with two fsyncs. Here a PASSIVE
    checkpoint runs ``INTERVAL`` seconds after a commit, outside the gate (writers go on appending
    meanwhile) and without the GIL (the driver gives it up while SQLite works). The connections' own
    threshold stays as a safety net, raised to ``SAFETY_NET_PAGES``.

    The thread starts with the first commit it hears of (in the process that hears it: a forked worker
    starts its own), ends after ``IDLE_EXIT`` seconds without one, and at once when the engine is disposed
    or collected. A commit that lands just as the thread ends waits for the next commit's thread (or the
    safety net).
    """

    INTERVAL = 0.1
    IDLE_EXIT = 10.0
    SAFETY_NET_PAGES = 4000

    def __init__(self, engine: Engine):
        self._connect = own_connections(engine)
        self._errors = engine.dialect.loaded_dbapi.Error
        self.thread_name = self.thread_name_for(engine)
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._owner = 0  # the process whose thread it is
        self._stop = threading.Event()
        self._pending = False
        self._wrote_in = 0  # the process that committed through it, if any
        weakref.finalize(engine, self.close, False)  # holds no reference to the engine itself
        # a server stopped (Ctrl-C, SIGTERM) leaves the file whole: at the interpreter's exit and at a worker
        # process's (granian's are multiprocessing processes), after the journal's last writes (higher priority)
        atexit.register(_truncate_at_exit, weakref.ref(self))
        multiprocessing.util.Finalize(None, _truncate_at_exit, args=(weakref.ref(self),), exitpriority=5)

    @staticmethod
    def thread_name_for(engine: Engine) -> str:
        """Its thread's name: whose it is, among several engines'."""
        return f"sqlite-checkpoints {engine.url.database}"

    def committed(self) -> None:
        self._pending, self._wrote_in = True, os.getpid()
        if self._thread is None or self._owner != os.getpid():
            self._start()

    def _start(self) -> None:
        with self._lock:
            if self._thread is not None and self._owner == os.getpid():
                return
            self._stop, self._owner = threading.Event(), os.getpid()
            self._thread = threading.Thread(target=self._run, args=(self._stop,), name=self.thread_name, daemon=True)
            self._thread.start()

    def _run(self, stop: threading.Event) -> None:
        connection = self._connect()
        try:
            connection.execute("PRAGMA synchronous=NORMAL")
            idle = 0.0
            while not stop.wait(self.INTERVAL):
                if self._pending:
                    self._pending, idle = False, 0.0
                    # busy (another process checkpoints) is not an error; an error is tried again next round
                    with contextlib.suppress(self._errors):
                        connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
                    continue
                idle += self.INTERVAL
                if idle >= self.IDLE_EXIT:
                    with self._lock:
                        if self._thread is threading.current_thread():
                            self._thread = None
                    return
        finally:
            connection.close()

    def close(self, wait: bool = True) -> None:
        with self._lock:
            thread, self._thread = self._thread, None
            self._stop.set()
        if wait and thread is not None and thread is not threading.current_thread():
            thread.join(timeout=10)

    def truncate(self) -> None:
        """A process that wrote, at its exit: the log copied back whole and emptied, so that the database file
        alone holds every write (a copy of the ``.db`` is a backup; it left a log of several MB behind). Gives
        up after a second if another process's readers hold the log: it is copied back later, as ever."""
        if self._wrote_in != os.getpid():
            return
        self.close(wait=True)
        with contextlib.suppress(self._errors):
            connection = self._connect()
            try:
                connection.execute("PRAGMA busy_timeout=1000")
                connection.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
            finally:
                connection.close()


def _truncate_at_exit(reference) -> None:
    checkpointer = reference()
    if checkpointer is not None:
        checkpointer.truncate()


class ThreadReader:
    """One thread's own read-only connection to a SQLite file, outside the pool, and what it remembers.

    ``data_version`` changes whenever any connection, of this process or another, commits to the file; a
    memory keyed by it is therefore exact. Made lazily, one per thread, closed with the engine.
    """

    MEMORY_SIZE = 1024

    def __init__(self, connection, watch: WalIndexWatch | None = None):
        self.connection = connection
        self.memory: dict = {}  # the callers' records (``repository.principal_records``)
        self.memories: dict[str, dict] = {}  # other readers' memories, by name (``faults.rules``'s)
        self.watch = watch

    def data_version(self):
        if self.watch is not None:
            return self.watch.header()
        return self.connection.execute("PRAGMA data_version").fetchone()[0]

    def remember(self, key, value, memory: dict | None = None) -> None:
        """Keep ``value`` in ``memory`` (``self.memory``, or one of ``memories``), emptied when it is full."""
        memory = self.memory if memory is None else memory
        if len(memory) >= self.MEMORY_SIZE:
            memory.clear()
        memory[key] = value

    def memory_named(self, name: str) -> dict:
        memory = self.memories.get(name)
        if memory is None:
            memory = self.memories[name] = {}
        return memory


class WalIndexWatch:
    """Whether anything was committed to a SQLite file in WAL mode, read from its shared-memory index
    (``<file>-shm``) without a lock or a system call.

    Every commit, by any connection of any process, rewrites the index's header (its change counter and
    frame count, sqlite.org/walformat.html); ``PRAGMA data_version`` answers from the same header, but
    starts a read transaction to do so, and on a multi-threaded server that round trip (file locks, and
    the GIL given up and waited for) cost a quarter of a cached GET. A header read while being rewritten
    differs from the remembered one too, which only costs a fresh read. The index stays mapped as long as
    the thread readers keep their connections open, which is as long as the engine lives.
    """

    HEADER = slice(0, 48)

    def __init__(self, path: Path):
        import mmap

        with open(f"{path}-shm", "rb") as file:
            self._map = mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ)

    def header(self) -> bytes:
        return self._map[self.HEADER]

    def close(self) -> None:
        self._map.close()


class _ThreadReaders:
    def __init__(self, engine: Engine):
        self._connect = own_connections(engine)
        self._local = threading.local()
        self._made: list = []
        self._lock = threading.Lock()
        self._watch: WalIndexWatch | None = None
        self._watch_failed = False

    def get(self) -> ThreadReader:
        reader = getattr(self._local, "reader", None)
        if reader is None:
            connection = self._connect()
            connection.execute("PRAGMA busy_timeout=10000")
            connection.execute("PRAGMA query_only=1")  # it reads, whatever asks it to write
            connection.execute("PRAGMA data_version").fetchone()  # a read: the file's -shm index exists now
            with self._lock:
                self._made.append(connection)
                if self._watch is None and not self._watch_failed:
                    self._watch = self._open_watch(connection)
            reader = self._local.reader = ThreadReader(connection, self._watch)
        return reader

    def _open_watch(self, connection) -> WalIndexWatch | None:
        mode = connection.execute("PRAGMA journal_mode").fetchone()[0]
        path = connection.execute("PRAGMA database_list").fetchone()[2]
        try:
            if mode.lower() != "wal" or not path:
                raise OSError(f"journal mode {mode}")
            return WalIndexWatch(Path(path))
        except (OSError, ValueError):  # no -shm to map: every reader asks PRAGMA data_version instead
            self._watch_failed = True
            return None

    def close(self) -> None:
        with self._lock:
            made, self._made = self._made, []
            watch, self._watch = self._watch, None
        self._local = threading.local()
        if watch is not None:
            watch.close()
        for connection in made:
            connection.close()


_THREAD_READERS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def thread_reader(engine: Engine) -> ThreadReader | None:
    """This thread's reader of the engine's SQLite file; None for other databases (memory, PostgreSQL)."""
    readers = _THREAD_READERS.get(engine)
    return readers.get() if readers is not None else None


def install_thread_readers(engine: Engine) -> None:
    readers = _THREAD_READERS[engine] = _ThreadReaders(engine)
    event.listen(engine, "engine_disposed", lambda _engine: readers.close())


class _Prepared:
    """A statement compiled once per dialect (per dialect class and parameter style)."""

    def __init__(self, statement):
        self.statement = statement
        self._compiled: dict = {}

    def _compiled_for(self, dialect):
        key = (type(dialect), dialect.paramstyle)
        compiled = self._compiled.get(key)
        if compiled is None:
            compiled = self._compiled[key] = self._compile(dialect)
        return compiled

    def _compile(self, dialect):
        return self.statement.compile(dialect=dialect)


class PreparedRead(_Prepared):
    """A read-only SELECT compiled once per dialect and run straight on a DBAPI connection (the thread's
    reader, or one from the pool), its row typed by SQLAlchemy's own result processors: what
    ``Connection.execute`` does, without its per-call bookkeeping, which cost more than the query itself
    on the API's hottest path (authenticating every request).

    A row is typed once per distinct raw row (the most recent ``TYPED_ROWS``): the same caller and the same
    customer come back on every call, and typing a row (SQLite's dates are parsed with a regular
    expression) cost more than reading it."""

    TYPED_ROWS = 512

    def __init__(self, statement):
        super().__init__(statement)
        self._typers: dict = {}  # per compiled statement (so per dialect): a raw row -> the typed row, remembered

    def first(self, engine: Engine, params: dict, connection=None) -> tuple | None:
        rows, typer = self._run(engine, params, connection, one=True)
        return _typed(typer, rows[0]) if rows else None

    def all(self, engine: Engine, params: dict, connection=None) -> list[tuple]:
        """Every row, typed as ``first`` types its one."""
        rows, typer = self._run(engine, params, connection, one=False)
        return [_typed(typer, row) for row in rows]

    def _run(self, engine: Engine, params: dict, connection, *, one: bool) -> tuple[list, object]:
        """The raw rows (the first only, if ``one``) and their typer (None when there are none)."""
        dialect = engine.dialect
        compiled = self._compiled_for(dialect)
        bound = compiled.construct_params(params)
        args = tuple(bound[name] for name in compiled.positiontup) if compiled.positiontup is not None else bound
        pooled = engine.raw_connection() if connection is None else None
        try:
            cursor = (connection or pooled).cursor()
            try:
                cursor.execute(compiled.string, args)
                if one:
                    row = cursor.fetchone()
                    rows = [] if row is None else [row]
                else:
                    rows = cursor.fetchall()
                typer = (self._typers.get(compiled) or self._typer_for(compiled, dialect, cursor.description)) if rows else None
            finally:
                cursor.close()
        finally:
            if pooled is not None:
                pooled.close()  # back to the pool (rolled back: nothing was written)
        return rows, typer

    def _typer_for(self, compiled, dialect, description):
        """The row's typing by the columns' result processors, given the driver's type codes (some drivers
        need them)."""
        processors = tuple(
            column.type.dialect_impl(dialect).result_processor(dialect, described[1])
            for column, described in zip(self.statement.selected_columns, description, strict=True)
        )

        @functools.lru_cache(maxsize=self.TYPED_ROWS)
        def typed(row: tuple) -> tuple:
            return tuple(value if process is None else process(value) for process, value in zip(processors, row, strict=True))

        self._typers[compiled] = typed
        return typed


def _typed(typer, row: tuple) -> tuple:
    try:
        return typer(row)
    except TypeError:  # a value that can't be hashed (a driver's JSON, say): typed each time
        return typer.__wrapped__(row)


class PreparedWrite(_Prepared):
    """A write statement compiled once per dialect, its parameters typed by SQLAlchemy's own bind
    processors, for ``run_writes``: what ``Connection.execute`` does for a statement whose every column is
    given, without its per-call bookkeeping, which took about 60 % of a short write transaction (a POST
    with an MS-RequestId runs three)."""

    def _compile(self, dialect):
        compiled = super()._compile(dialect)
        if compiled.insert_prefetch or compiled.update_prefetch or compiled.post_compile_params:
            raise TypeError("a prepared write gives every value itself: no defaults, no expanding parameters")
        return compiled

    def arguments(self, dialect, params: dict) -> tuple[str, tuple | dict]:
        compiled = self._compiled_for(dialect)
        bound = compiled.construct_params(params)
        processors = compiled._bind_processors
        if compiled.positiontup is not None:
            args = tuple(processors[name](bound[name]) if name in processors else bound[name] for name in compiled.positiontup)
            return compiled.string, args
        return compiled.string, {name: processors[name](value) if name in processors else value for name, value in bound.items()}


def run_writes(engine: Engine, *steps: tuple[PreparedWrite, dict]) -> list[int]:
    """Run the prepared writes in one transaction; their row counts.

    A driver's error comes out as SQLAlchemy's (``IntegrityError`` for a unique key, as from
    ``Connection.execute``), with nothing written. On a SQLite file they run under the process's write
    gate, on the gate's own connection: writers take turns anyway, so one connection serves them all,
    without a trip through the pool. Elsewhere they run on a pooled connection."""
    gate = _WRITE_GATES.get(engine)
    if gate is not None:
        with gate:
            counts = _run(engine, _gate_connection(engine), steps, autocommit=True)
        _CHECKPOINTERS[engine].committed()
        return counts
    pooled = engine.raw_connection()
    try:
        return _run(engine, pooled, steps)
    finally:
        pooled.close()  # back to the pool


def _gate_connection(engine: Engine):
    """The prepared writes' own connection, opened outside the pool (closed when the engine is disposed).

    Not from the pool: it is first asked for under the gate, and a pool whose every connection is held by
    a thread waiting for the gate (a burst of more requests than the pool has connections) never gave one
    back; the gate's holder waited 30 s for it and failed, and the waiting requests with it."""
    connection = _GATE_CONNECTIONS.get(engine)
    if connection is None:
        connection = own_connections(engine)()
        _set_pragmas(connection)
        # autocommit: a single statement is its own transaction (one step of SQLite's, while an implicit
        # BEGIN and a COMMIT around it are two more, each giving up the GIL and queueing to get it back
        # while the gate is held); _run opens a transaction itself for several statements
        connection.isolation_level = None
        _GATE_CONNECTIONS[engine] = connection
    return connection


def own_connections(engine: Engine):
    """A function opening a DB-API connection to the engine's SQLite file outside its pool (the pool's
    ``connect`` event does not run for it), usable from any thread."""
    cargs, cparams = engine.dialect.create_connect_args(engine.url)
    return lambda: engine.dialect.loaded_dbapi.connect(*cargs, **{**cparams, "check_same_thread": False})


def _set_pragmas(dbapi_connection, memory: bool = False) -> None:
    """What every read-write connection to a SQLite database is set to (a file's also to its write-ahead log)."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    if not memory:
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA wal_autocheckpoint={Checkpointer.SAFETY_NET_PAGES}")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def _run(engine: Engine, connection, steps, autocommit: bool = False) -> list[int]:
    cursor = connection.cursor()
    counts, sql, args = [], None, None
    try:
        if autocommit and len(steps) > 1:
            cursor.execute("BEGIN IMMEDIATE")
        for statement, params in steps:
            sql, args = statement.arguments(engine.dialect, params)
            cursor.execute(sql, args)
            counts.append(cursor.rowcount)
        connection.commit()  # nothing to do after a single statement in autocommit
    except engine.dialect.loaded_dbapi.Error as error:
        connection.rollback()
        raise exc.DBAPIError.instance(sql, args, error, engine.dialect.loaded_dbapi.Error) from error
    except BaseException:
        connection.rollback()
        raise
    finally:
        cursor.close()
    return counts


def is_memory_url(url: str | None) -> bool:
    """A SQLite database in memory, however the URL spells it (``sqlite://``, ``sqlite+pysqlite:///:memory:``,
    ``file:...?mode=memory``): one process's, gone with it."""
    if not url or not url.startswith("sqlite"):
        return False
    try:
        database = make_url(url).database
    except exc.ArgumentError:
        return False
    return database in (None, "", ":memory:") or "mode=memory" in url


def make_engine(url: str) -> Engine:
    """An engine with the settings each backend needs for a multi-threaded server."""
    if url.startswith("sqlite"):
        memory = is_memory_url(url)
        kwargs: dict = {"connect_args": {"check_same_thread": False}}
        if memory:
            kwargs["poolclass"] = SerialStaticPool
        engine = create_engine(url, **kwargs)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record):  # pragma: no branch - trivial
            _set_pragmas(dbapi_connection, memory)

        if not memory:  # a memory database has one connection, handed out one thread at a time already
            install_write_gate(engine)
            install_thread_readers(engine)
        return engine
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    engine = create_engine(url, pool_size=10, max_overflow=20, pool_pre_ping=True)
    if engine.dialect.name == "postgresql":
        event.listen(engine, "before_cursor_execute", _reads_without_nul, retval=True)
    return engine


def _reads_without_nul(_conn, _cursor, statement: str, parameters, _context, executemany: bool):
    """PostgreSQL refuses NUL in text, even in a query's parameters: a lookup of a key someone typed with one
    (a path's %00, a sign-in's user name, a link's partner id) raised, a 500, where SQLite finds nothing. In a
    read, each NUL becomes U+FFFD, so that the key is still one no record holds (nothing stored has a NUL:
    writes refuse control characters before they get here). A write keeps its parameters: one with a NUL is a
    missed check, and fails loudly."""
    if executemany or statement.lstrip()[:6].upper() != "SELECT":
        return statement, parameters
    if isinstance(parameters, dict):
        if any(isinstance(value, str) and "\x00" in value for value in parameters.values()):
            parameters = {key: _without_nul(value) for key, value in parameters.items()}
    elif isinstance(parameters, (list, tuple)) and any(isinstance(value, str) and "\x00" in value for value in parameters):
        parameters = type(parameters)(_without_nul(value) for value in parameters)
    return statement, parameters


def _without_nul(value):
    return value.replace("\x00", "\ufffd") if isinstance(value, str) else value


def alembic_config(engine: Engine):
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def prepare_schema(engine: Engine, *, migrate: bool = True) -> None:
    """Bring the schema up to date: Alembic migrations, or a plain create_all for throw-away memory databases."""
    start_mappers()
    if not migrate:
        metadata.create_all(engine)
        return
    if _is_current(engine):
        return
    from alembic import command

    command.upgrade(alembic_config(engine), "head")


def _is_current(engine: Engine) -> bool:
    """Skip Alembic's import on a database already at head (a faster start)."""
    from sqlalchemy import text

    if "alembic_version" not in inspect(engine).get_table_names():
        return False
    with engine.connect() as connection:
        current = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    return current == head_revision()


def head_revision() -> str:
    """The newest migration's id, read from the versions folder without importing Alembic."""
    revisions, parents = set(), set()
    for path in (MIGRATIONS / "versions").glob("*.py"):
        scope: dict = {}
        for line in path.read_text().splitlines():
            if line.startswith(("revision", "down_revision")) and "=" in line:
                exec(line, scope)  # noqa: S102 - our own migration files, two assignments
        revisions.add(scope.get("revision"))
        parents.add(scope.get("down_revision"))
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 else ""


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False)


def shared_secret(engine: Engine, name: str, make) -> str:
    """A setting kept in the database, created once: every process on the database reads the same value."""
    from sqlalchemy import insert, select
    from sqlalchemy.exc import IntegrityError

    from .orm import settings

    with engine.begin() as connection:
        value = connection.execute(select(settings.c.value).where(settings.c.key == name)).scalar()
    if value is not None:
        return value
    try:
        with engine.begin() as connection:
            connection.execute(insert(settings).values(key=name, value=make()))
    except IntegrityError:
        pass  # another process made it first
    with engine.begin() as connection:
        return connection.execute(select(settings.c.value).where(settings.c.key == name)).scalar()
