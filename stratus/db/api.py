"""Engines and sessions for the API database and the cell databases.

``Database.reader()`` and ``Database.writer()`` are the only ways code
touches a database. On SQLite a writer starts with BEGIN IMMEDIATE, so two
writers queue for the lock instead of failing when a read snapshot would
have to be upgraded; on PostgreSQL and MariaDB transactions run at READ
COMMITTED and conflicts are caught by generation checks where it matters.
Both yield a ``DatabaseSession``: Core statements on a Connection, the ORM
only where needed (docs/decisions/0005).
"""
import contextlib
import functools
import logging
import sqlite3
import threading
import time
import uuid

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy import exc as sa_exc
from sqlalchemy import orm

from stratus import exception
from stratus import retry

LOG = logging.getLogger(__name__)

# Seconds to wait for a database server to accept a connection: a cell
# whose database is gone must not hold API requests for minutes (2.69).
CONNECT_TIMEOUT = 5


_SELECT_ONE = sa.text("SELECT 1")
_BEGIN = {mode: "BEGIN " + mode for mode in ("DEFERRED", "IMMEDIATE",
                                              "EXCLUSIVE")}


def _is_sqlite(url):
    return str(url).startswith("sqlite")


def create_engine(url, pool_size=10, max_overflow=20):
    url = str(url)
    if _is_sqlite(url):
        engine = sa.create_engine(
            url, connect_args={"check_same_thread": False, "timeout": 60},
            pool_size=pool_size, max_overflow=max_overflow,
            poolclass=sa.pool.QueuePool)

        @event.listens_for(engine, "connect")
        def _sqlite_connect(dbapi_conn, _record):
            dbapi_conn.isolation_level = None  # we issue BEGIN ourselves
            cursor = dbapi_conn.cursor()
            if ":memory:" not in url:
                cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=60000")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _sqlite_begin(conn):
            mode = conn.get_execution_options().get("sqlite_begin",
                                                    "DEFERRED")
            # Straight to the driver: every transaction begins here, and
            # a statement through SQLAlchemy costs more than the BEGIN.
            statement = _BEGIN[mode]
            try:
                conn.connection.driver_connection.execute(statement)
            except sqlite3.Error as exc:
                # as SQLAlchemy would have raised it (retries look at it)
                raise sa_exc.DBAPIError.instance(
                    statement, None, exc, sqlite3.Error) from exc
        return engine
    kwargs = dict(pool_size=pool_size, max_overflow=max_overflow,
                  pool_recycle=3600, isolation_level="READ COMMITTED")
    if url.startswith("mysql"):
        # PyMySQL's connect_timeout covers the TCP connect only: the read
        # timeout bounds the server's greeting too (a server that accepts
        # and never answers), and is lifted once connected.
        kwargs["connect_args"] = {"charset": "utf8mb4",
                                  "connect_timeout": CONNECT_TIMEOUT,
                                  "read_timeout": CONNECT_TIMEOUT}
    if url.startswith("postgresql"):
        # JIT compiling costs hundreds of milliseconds on the wide rows of
        # instance queries and never pays off for short OLTP queries.
        kwargs["connect_args"] = {"options": "-c jit=off",
                                  "connect_timeout": CONNECT_TIMEOUT}
    engine = sa.create_engine(url, **kwargs)
    if url.startswith("mysql"):
        event.listen(engine, "connect", _no_read_timeout)
    _ping_idle_connections(engine)
    return engine


def _no_read_timeout(dbapi_conn, _record):
    """A PyMySQL connection, once connected, waits for answers as long
    as they take (a long statement is not a lost server)."""
    dbapi_conn._read_timeout = None
    if dbapi_conn._sock is not None:
        dbapi_conn._sock.settimeout(None)
    dbapi_conn._current_timeout = None


# A pooled connection back in use within this many seconds of its last
# use is not pinged: the server answered it a moment ago.
PING_AFTER_IDLE = 1.0


def _ping_idle_connections(engine):
    """pool_pre_ping, for connections idle longer than PING_AFTER_IDLE.

    A ping is a round trip to the server on every checkout: in a burst
    of work, where a connection goes back to the pool and out again within
    milliseconds, it was a quarter of the statements a boot sends. A
    connection the server dropped since (a restart) is replaced
    (DisconnectionError: the pool connects again); one dropped within the
    last moment fails its first statement, which invalidates the pool's
    older connections, and its caller sees DatabaseUnreachable as for an
    outage in the middle of a transaction."""
    dialect = engine.dialect

    @event.listens_for(engine, "connect")
    def _connected(_dbapi_conn, record):
        record.info["stratus_used"] = time.monotonic()

    @event.listens_for(engine, "checkin")
    def _checked_in(_dbapi_conn, record):
        if record is not None:
            record.info["stratus_used"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _checkout(dbapi_conn, record, _proxy):
        used = record.info.get("stratus_used")
        if used is not None and time.monotonic() - used < PING_AFTER_IDLE:
            return
        try:
            alive = dialect.do_ping(dbapi_conn)
        except dialect.loaded_dbapi.Error as exc:
            if not dialect.is_disconnect(exc, dbapi_conn, None):
                raise
            alive = False
        if not alive:
            raise sa_exc.DisconnectionError()


_SQLITE_WRITE_LOCKS = {}
_SQLITE_WRITE_LOCKS_GUARD = threading.Lock()


def _sqlite_write_lock(url):
    """SQLite takes one writer at a time. The writers of this process queue
    on a lock, which hands the database over at once, where SQLite's busy
    handler would sleep (up to 100 ms) between tries."""
    with _SQLITE_WRITE_LOCKS_GUARD:
        return _SQLITE_WRITE_LOCKS.setdefault(url, threading.RLock())


def _needs_orm(statement):
    """Whether a statement needs the ORM: a select of mapped objects.
    Statements that merely name mapped classes' columns run as Core."""
    if statement._propagate_attrs.get("compile_state_plugin") != "orm":
        return False
    if not isinstance(statement, sa.Select):
        return False
    return any(isinstance(column, sa.sql.FromClause)
               and "parententity" in column._annotations
               for column in statement._raw_columns)


class DatabaseSession:
    """What ``reader()`` and ``writer()`` yield: one transaction.

    Core statements (tables and their columns) run straight on a
    Connection, which costs a fraction of an ORM Session per statement and
    per transaction. ORM work (``add``, ``flush``, ``get``, statements on
    mapped classes) goes to a Session opened on first use that joins the
    same transaction, so both see and commit the same data.
    """

    def __init__(self, connection):
        self.connection = connection
        self._orm_session = None

    def _orm(self):
        if self._orm_session is None:
            self._orm_session = orm.Session(
                bind=self.connection, expire_on_commit=False,
                autoflush=False)
        return self._orm_session

    def _runner(self, statement):
        return self._orm() if _needs_orm(statement) else self.connection

    def execute(self, statement, params=None, **kwargs):
        return self._runner(statement).execute(statement, params, **kwargs)

    def scalar(self, statement, params=None, **kwargs):
        return self._runner(statement).scalar(statement, params, **kwargs)

    def scalars(self, statement, params=None, **kwargs):
        return self._runner(statement).scalars(statement, params, **kwargs)

    def get_bind(self):
        return self.connection

    def __getattr__(self, name):
        # add, add_all, flush, get, delete, expunge...: the ORM's.
        return getattr(self._orm(), name)

    def flush_orm(self):
        if self._orm_session is not None:
            self._orm_session.flush()

    def close(self):
        if self._orm_session is not None:
            self._orm_session.close()
            self._orm_session = None


_shared = threading.local()


@contextlib.contextmanager
def shared_readers():
    """Within this block, every ``reader()`` on this thread reuses one
    connection and transaction per database, opened at its first use.

    For requests that only read (an API GET): opening a transaction costs
    more than most of their statements, and a GET of one server reads
    two databases in five places.
    """
    if getattr(_shared, "sessions", None) is not None:
        yield
        return
    _shared.sessions = sessions = {}
    try:
        yield
    finally:
        _shared.sessions = None
        for session in sessions.values():
            session.close()
            session.connection.close()


class Database:
    """One database: an engine and reader/writer sessions."""

    def __init__(self, url, pool_size=10, max_overflow=20):
        self.url = str(url)
        self.engine = create_engine(self.url, pool_size, max_overflow)
        self.is_sqlite = _is_sqlite(self.url)
        self._write_lock = (_sqlite_write_lock(self.url) if self.is_sqlite
                            else contextlib.nullcontext())

    @contextlib.contextmanager
    def reader(self):
        with self._lost_is_unreachable():
            shared = getattr(_shared, "sessions", None)
            if shared is not None:
                session = shared.get(self)
                if session is None:
                    session = shared[self] = DatabaseSession(self._connect())
                try:
                    yield session
                except sa_exc.DBAPIError:
                    # PostgreSQL refuses every later statement of a failed
                    # transaction: the next reader starts a new one.
                    session.connection.rollback()
                    raise
                return
            connection = self._connect()
            session = DatabaseSession(connection)
            try:
                with connection.begin():
                    yield session
            finally:
                # Closing ends the transaction without expiring what was
                # read: rows stay usable afterwards.
                session.close()
                connection.close()

    @contextlib.contextmanager
    def _lost_is_unreachable(self):
        """A connection lost in the middle of a transaction (the server
        stopped or restarted: SQLAlchemy saw a disconnect and invalidated
        it) is DatabaseUnreachable, as a refused connection is: the API
        answers 503 and the callers that wait out an outage wait. The
        outcome of a commit cut off this way is unknown; the writes that
        are sent again after it are repeat-safe (conductor RPC 1.8)."""
        try:
            yield
        except sa_exc.DBAPIError as exc:
            if not exc.connection_invalidated:
                raise
            LOG.warning("Database %s: connection lost: %s",
                        _masked(self.url), exc.orig or exc)
            raise exception.DatabaseUnreachable() from exc

    @contextlib.contextmanager
    def _refused_is_error(self, refused):
        """With refused, a statement the database refuses for another
        reason than a lost connection (a value its column cannot hold, a
        broken constraint) is exception.WriteRefused."""
        try:
            yield
        except sa_exc.DBAPIError as exc:
            if not refused:
                raise
            raise exception.WriteRefused(reason=exc.orig or exc) from exc

    @contextlib.contextmanager
    def writer(self, refused_is_error=False):
        """A session in a write transaction, committed at the end;
        refused_is_error: see _refused_is_error."""
        with self._write_lock, self._refused_is_error(refused_is_error), \
                self._lost_is_unreachable():
            connection = self._connect()
            if self.is_sqlite:
                connection.execution_options(sqlite_begin="IMMEDIATE")
            session = DatabaseSession(connection)
            try:
                transaction = connection.begin()
                try:
                    yield session
                    session.flush_orm()
                    transaction.commit()
                except BaseException:
                    # A failed ORM flush has rolled it back already.
                    if transaction.is_active:
                        transaction.rollback()
                    raise
            finally:
                session.close()
                connection.close()

    def _connect(self):
        """A connection; DatabaseUnreachable when the database server
        refuses or does not answer (or, on SQLite, the file cannot be
        opened): at once, or inside ``stratus.retry.patient`` once it has
        refused for that long."""
        patience = retry.connect_patience()
        if not patience:
            return self._connect_once()
        return retry.retry_while(exception.DatabaseUnreachable,
                                 self._connect_once, patience,
                                 "Connecting to %s" % _masked(self.url))

    def _connect_once(self):
        try:
            return self.engine.connect()
        except (sa_exc.OperationalError, sa_exc.InterfaceError) as exc:
            if "locked" in str(exc.orig or exc).lower():
                raise
            LOG.warning("Database %s cannot be reached: %s",
                        _masked(self.url), exc.orig or exc)
            raise exception.DatabaseRefused() from exc

    def ping(self):
        """SELECT 1 on a connection of its own, at once (the health
        check): the dialect's name; raises what the driver raises."""
        with self.engine.connect() as connection:
            connection.execute(_SELECT_ONE)
        return self.engine.dialect.name

    def dispose(self):
        self.engine.dispose()


def _masked(url):
    try:
        return sa.engine.make_url(url).render_as_string(hide_password=True)
    except sa_exc.ArgumentError:
        return "(unparsable URL)"


def retry_on_deadlock(func, attempts=10):
    """Run a DB transaction again when the database reports a deadlock."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        for attempt in range(attempts):
            try:
                return func(*args, **kwargs)
            except sa_exc.OperationalError as exc:
                text = str(exc.orig).lower() if exc.orig else str(exc)
                if attempt + 1 == attempts or not (
                        "deadlock" in text or "database is locked" in text
                        or "could not serialize" in text):
                    raise
                time.sleep(0.01 * (attempt + 1))
    return wrapper


class Databases:
    """The API database and, by cell uuid, the cell databases it maps."""

    has_api = True

    def __init__(self, api_url, pool_size=10, max_overflow=20,
                 api_pool=None):
        """api_pool: (pool_size, max_overflow) of the API database when
        it differs from the cells'."""
        self._pool = (pool_size, max_overflow)
        self.api = Database(api_url, *(api_pool or self._pool))
        self._cells = {}
        self._lock = threading.Lock()

    def cell(self, cell_uuid):
        db = self._cells.get(cell_uuid)
        if db is not None:
            return db
        from stratus.db import api_models
        with self.api.reader() as session:
            url = session.scalar(
                sa.select(api_models.CellMapping.database_connection).where(
                    api_models.CellMapping.uuid == cell_uuid))
        if url is None:
            raise exception.CellMappingNotFound(uuid=cell_uuid)
        return self.cell_by_url(cell_uuid, url)

    def cell_by_url(self, cell_uuid, url):
        with self._lock:
            db = self._cells.get(cell_uuid)
            if db is None:
                db = Database(url, *self._pool)
                self._cells[cell_uuid] = db
        return db

    def dispose(self):
        self.api.dispose()
        for db in self._cells.values():
            db.dispose()

    @classmethod
    def from_conf(cls, conf):
        api, cells = conf.api_database, conf.database
        return cls(api.connection, cells.max_pool_size, cells.max_overflow,
                   api_pool=(_first_set(api.max_pool_size,
                                        cells.max_pool_size),
                             _first_set(api.max_overflow,
                                        cells.max_overflow)))

    @classmethod
    def for_service(cls, conf):
        """What a conductor opens: the API database and the cells it maps
        when ``[api_database] connection`` is set, else (a cell
        conductor) only its cell's ``[database] connection``."""
        if conf.api_database.connection:
            return cls.from_conf(conf)
        if not conf.database.connection:
            raise exception.DatabaseNotAvailable()
        return CellDatabases(conf.database.connection,
                             conf.database.max_pool_size,
                             conf.database.max_overflow)


def _first_set(*values):
    return next(value for value in values if value is not None)


class CellDatabases:
    """One cell's database and no API database: what a cell conductor
    opens (docs/decisions/0013). ``.api`` raises DatabaseNotAvailable;
    ``.cell(uuid)`` is the one cell database whatever the uuid, for this
    process does not know the API level's name of its cell: objects that
    come from the API level carry it, the records it makes itself carry
    ``cell_uuid`` (a name derived from its database URL, that only this
    conductor and its computes ever see)."""

    has_api = False
    # The Placement REST client the cell conductor gives it
    # (stratus.conductor.placement_report.attach).
    placement = None

    def __init__(self, url, pool_size=10, max_overflow=20, cell_uuid=None):
        self.db = Database(url, pool_size, max_overflow)
        self.cell_uuid = cell_uuid or local_cell_uuid(url)

    @property
    def api(self):
        raise exception.DatabaseNotAvailable()

    def cell(self, cell_uuid):
        return self.db

    def cell_by_url(self, cell_uuid, url):
        return self.db

    def dispose(self):
        self.db.dispose()


def local_cell_uuid(url):
    """The name a cell conductor gives its own cell: stable for its
    database URL (every conductor of the cell agrees on it)."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "stratus-cell:" + _masked(url)))
