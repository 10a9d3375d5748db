"""PostgreSQL behind the same calls as the SQLite store.

Every model, action and matching read talks to the store through the small DB-API subset that
``sqlite3`` offers: ``db.execute(sql, params)`` (and ``db.conn.execute`` / ``executemany``) with ``?``
placeholders, cursors with ``fetchone``/``fetchall``/``description``/``rowcount``/``lastrowid``,
``conn.in_transaction``, ``BEGIN IMMEDIATE`` … ``COMMIT``, ``SAVEPOINT``. ``PgDatabase`` and
``PgConnection`` offer exactly that subset over psycopg 3, with one translation step
(``to_postgres``) for each statement:

- ``?`` → ``%s`` and ``:name`` → ``%(name)s`` (outside string literals); a literal ``%`` is doubled.
- ``INSERT OR IGNORE INTO`` → ``INSERT INTO … ON CONFLICT DO NOTHING``.
- ``BEGIN IMMEDIATE`` (SQLite: this transaction is the only writer until it ends) → ``BEGIN`` plus a
  transaction-scoped advisory lock, so write transactions are serialised across processes and nodes
  exactly as SQLite serialises them; read-then-write checks inside ``models.store.db.transaction`` stay
  correct on several app nodes.
- schema statements (``CREATE TABLE``, ``ALTER TABLE``): ``id INTEGER PRIMARY KEY`` → an identity
  column, ``INTEGER`` → ``BIGINT``, ``REAL`` → ``DOUBLE PRECISION``, ``BLOB`` → ``BYTEA``.
- an ``INSERT`` into a table with an ``id`` column gets ``RETURNING id``, which fills ``lastrowid``.

What has no portable form is refused with a message instead of being guessed (``PRAGMA``,
``INSERT OR REPLACE``): README "Writing SQL that runs on both" says what to write instead.

Values: ``bool`` is stored as 0/1 and ``date``/``datetime`` as ISO text (what ``sqlite3`` does);
``numeric`` results come back as SQLite gives them (``SUM`` of a ``BIGINT`` an int, ``AVG`` a float), never ``Decimal``.
Statements are bound client-side (``psycopg.ClientCursor``), so an untyped ``? IS NULL`` works as on SQLite.

Connections are kept per process (``close()`` hands an idle connection back to a small pool), since a
request opens one and closes it at teardown.
"""
from __future__ import annotations

import re
import threading
import uuid
from datetime import date, datetime
from urllib.parse import parse_qs, urlparse

import psycopg
from psycopg.adapt import Dumper, Loader
from psycopg.pq import TransactionStatus
from psycopg.types.numeric import Int8Dumper

from models.store.sqlscript import split_statements

#: Advisory-lock keys (one 64-bit space per database; chosen once, never reused for anything else).
WRITE_LOCK = 0x746F6E67_00000001      # BEGIN IMMEDIATE: one writing transaction at a time
MIGRATE_LOCK = 0x746F6E67_00000002    # schema migrations
POOL_SIZE = 8

IntegrityError = psycopg.IntegrityError
OperationalError = psycopg.OperationalError


class UnsupportedSQL(ValueError):
    """A statement with no PostgreSQL translation; the message says what to write instead."""


# --- value adaptation -------------------------------------------------------------------------------------

class _BoolAsInt(Int8Dumper):
    """Booleans as 0/1 (the schema's flag columns are INTEGER on both engines, as sqlite3 stores them)."""

    def dump(self, obj: bool) -> bytes:
        return b"1" if obj else b"0"

    def quote(self, obj: bool) -> bytes:
        return b"1" if obj else b"0"


class _IsoText(Dumper):
    """``date``/``datetime`` as ISO-8601 text: sqlite3's default adapters, so a row reads back the same."""

    oid = 0  # unknown: PostgreSQL types the literal from its column

    def dump(self, obj: date | datetime) -> bytes:
        return (obj.isoformat(" ") if isinstance(obj, datetime) else obj.isoformat()).encode()


class _NumericAsNumber(Loader):
    """``numeric`` results as SQLite gives them: an int when integral (``SUM`` of integers), else a float."""

    def load(self, data) -> int | float:
        text = bytes(data)
        return float(text) if b"." in text or b"e" in text.lower() or b"N" in text else int(text)


def _configure(conn: psycopg.Connection) -> None:
    conn.adapters.register_dumper(bool, _BoolAsInt)
    conn.adapters.register_dumper(date, _IsoText)
    conn.adapters.register_dumper(datetime, _IsoText)
    conn.adapters.register_loader("numeric", _NumericAsNumber)


# --- translation --------------------------------------------------------------------------------------------

_TOKEN = re.compile(r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|--[^\n]*|\$\$.*?\$\$|\?|%|(?<!:):([A-Za-z_]\w*)", re.DOTALL)
_DDL = re.compile(r"^\s*(CREATE\s+TABLE|ALTER\s+TABLE)\b", re.IGNORECASE)
_INSERT = re.compile(r"^\s*INSERT\s+(?:OR\s+(IGNORE|REPLACE)\s+)?INTO\s+([A-Za-z_]\w*)", re.IGNORECASE)
_BEGIN = re.compile(r"^\s*BEGIN(\s+(IMMEDIATE|EXCLUSIVE|DEFERRED))?(\s+TRANSACTION)?\s*;?\s*$", re.IGNORECASE)
_PRAGMA = re.compile(r"^\s*PRAGMA\b", re.IGNORECASE)


def _placeholders(sql: str, named: bool) -> str:
    def swap(m: re.Match) -> str:
        token = m.group(0)
        if token == "?":
            return "%s"
        if token == "%":
            return "%%"
        if m.group(1) is not None:
            return f"%({m.group(1)})s" if named else token
        return token.replace("%", "%%")  # a literal, quoted name, comment or $$ body
    return _TOKEN.sub(swap, sql)


def _ddl(sql: str) -> str:
    sql = re.sub(r"\b(\w+)\s+INTEGER\s+PRIMARY\s+KEY(\s+AUTOINCREMENT)?",
                 lambda m: (f"{m.group(1)} BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY"
                            if m.group(1).lower() == "id" else f"{m.group(1)} BIGINT PRIMARY KEY"), sql, flags=re.IGNORECASE)
    sql = re.sub(r"\bINTEGER\b", "BIGINT", sql, flags=re.IGNORECASE)
    sql = re.sub(r"\bREAL\b", "DOUBLE PRECISION", sql, flags=re.IGNORECASE)
    sql = re.sub(r"\bBLOB\b", "BYTEA", sql, flags=re.IGNORECASE)
    return re.sub(r"\)\s*WITHOUT\s+ROWID", ")", sql, flags=re.IGNORECASE)


def to_postgres(sql: str, *, named: bool = False) -> str:
    """Translate one statement written for SQLite (``?`` placeholders) into psycopg's dialect.

    Raises ``UnsupportedSQL`` for what has no safe translation.
    """
    if _PRAGMA.match(sql):
        raise UnsupportedSQL(f"PRAGMA 只在 SQLite 上有：{sql.strip()[:60]}（用 models.store.db 的函数代替）")
    if _DDL.match(sql):
        sql = _ddl(sql)
    m = _INSERT.match(sql)
    if m and m.group(1):
        if m.group(1).upper() == "REPLACE":
            raise UnsupportedSQL("INSERT OR REPLACE 没有可移植的写法：请写 INSERT … ON CONFLICT (键列) DO UPDATE SET …")
        sql = re.sub(r"^\s*INSERT\s+OR\s+IGNORE\s+INTO", "INSERT INTO", sql, count=1, flags=re.IGNORECASE)
        sql = _append_clause(sql, "ON CONFLICT DO NOTHING")
    return _placeholders(sql, named)


def _append_clause(sql: str, clause: str) -> str:
    """Add ``clause`` at the end of an INSERT, before a RETURNING if there is one."""
    body = sql.rstrip().rstrip(";")
    at = re.search(r"\bRETURNING\b", body, re.IGNORECASE)
    if at:
        return f"{body[:at.start()]}{clause} {body[at.start():]}"
    return f"{body} {clause}"


# --- cursor, connection, database ---------------------------------------------------------------------------

class PgCursor:
    """The result of one statement, with sqlite3's cursor attributes."""

    def __init__(self, cursor: psycopg.Cursor, lastrowid: int | None = None) -> None:
        self._cursor = cursor
        self.lastrowid = lastrowid
        self.rowcount = cursor.rowcount
        self._rows = cursor.description is not None

    @property
    def description(self):
        return self._cursor.description

    def fetchone(self):
        return self._cursor.fetchone() if self._rows else None

    def fetchall(self) -> list:
        return self._cursor.fetchall() if self._rows else []

    def fetchmany(self, size: int = 1) -> list:
        return self._cursor.fetchmany(size) if self._rows else []

    def __iter__(self):
        return iter(self._cursor) if self._rows else iter(())

    def close(self) -> None:
        self._cursor.close()


class PgConnection:
    """A psycopg connection in autocommit mode that runs SQLite-dialect statements (see the module)."""

    engine = "postgresql"

    def __init__(self, raw: psycopg.Connection, pool: _Pool | None = None) -> None:
        self.raw = raw
        self._pool = pool
        self._id_tables: set[str] | None = None

    @property
    def in_transaction(self) -> bool:
        return self.raw.info.transaction_status != TransactionStatus.IDLE

    def _tables_with_id(self) -> set[str]:
        if self._id_tables is None:
            with self.raw.cursor() as cur:
                cur.execute("SELECT table_name FROM information_schema.columns"
                            " WHERE column_name = 'id' AND table_schema = current_schema()")
                self._id_tables = {r[0] for r in cur.fetchall()}
        return self._id_tables

    def execute(self, sql: str, params: tuple | list | dict = ()) -> PgCursor:
        begin = _BEGIN.match(sql)
        if begin:
            self.raw.execute("BEGIN")
            if (begin.group(2) or "").upper() in ("IMMEDIATE", "EXCLUSIVE"):
                self.raw.execute("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK,))
            return PgCursor(self.raw.cursor())
        named = isinstance(params, dict)
        text = to_postgres(sql, named=named)
        returning = False
        insert = _INSERT.match(sql)
        if insert and not re.search(r"\bRETURNING\b", text, re.IGNORECASE) and insert.group(2) in self._tables_with_id():
            text = _append_clause(text, "RETURNING id")
            returning = True
        cur = self.raw.cursor()
        cur.execute(text, params if named else tuple(params))
        lastrowid = None
        if returning:
            row = cur.fetchone() if cur.rowcount else None
            lastrowid = row[0] if row else None
            result = PgCursor(cur, lastrowid)
            result._rows = False
            return result
        if _DDL.match(sql) or re.match(r"^\s*(DROP|CREATE)\b", sql, re.IGNORECASE):
            self._id_tables = None
        return PgCursor(cur, lastrowid)

    def executemany(self, sql: str, rows) -> PgCursor:
        rows = list(rows)
        cur = self.raw.cursor()
        if rows:
            named = isinstance(rows[0], dict)
            cur.executemany(to_postgres(sql, named=named), rows if named else [tuple(r) for r in rows])
        return PgCursor(cur)

    def executescript(self, script: str) -> None:

        for statement in split_statements(script):
            self.execute(statement)

    def commit(self) -> None:
        if self.in_transaction:
            self.raw.execute("COMMIT")

    def rollback(self) -> None:
        if self.in_transaction:
            self.raw.execute("ROLLBACK")

    def close(self) -> None:
        """Hand the connection back to this process's pool (closed when broken, busy or the pool is full)."""
        if self.raw.closed:
            return
        if self.in_transaction:
            self.raw.execute("ROLLBACK")
        if self._pool is None or not self._pool.put(self.raw):
            self.raw.close()
        self.raw = _Closed()  # type: ignore[assignment]


class _Closed:
    closed = True

    def __getattr__(self, name):
        raise psycopg.InterfaceError("the connection is closed")


class PgDatabase:
    """The store on PostgreSQL: what the code uses of ``sqlite_utils.Database`` (``execute``, ``conn``)."""

    engine = "postgresql"

    def __init__(self, url: str, conn: PgConnection) -> None:
        self.url = url
        self.conn = conn
        self._store_id: str | None = None

    @property
    def store_id(self) -> str:
        """Host, port, database and schema, plus the store's own id (``schema_version.store_uid``, made when
        the schema was created): caches keyed on it never mix a store with an earlier one at the same place."""
        if self._store_id is None:
            uid = None
            if self.execute("SELECT to_regclass('schema_version')").fetchone()[0] is not None:
                row = self.execute("SELECT store_uid FROM schema_version").fetchone()
                uid = row[0] if row else None
            self._store_id = f"{store_id(self.url)}/{uid or 'new'}"
        return self._store_id

    def execute(self, sql: str, params: tuple | list | dict = ()) -> PgCursor:
        return self.conn.execute(sql, params)

    def executemany(self, sql: str, rows) -> PgCursor:
        return self.conn.executemany(sql, rows)

    def executescript(self, script: str) -> None:
        self.conn.executescript(script)

    @property
    def in_transaction(self) -> bool:
        return self.conn.in_transaction

    def table_names(self) -> list[str]:
        cur = self.execute("SELECT table_name FROM information_schema.tables"
                           " WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY 1")
        return [r[0] for r in cur.fetchall()]

    def close(self) -> None:
        self.conn.close()


def store_id(url: str) -> str:
    """The place of one PostgreSQL store: host, port, database and schema (search_path), no password."""
    parts = urlparse(url)
    options = " ".join(parse_qs(parts.query).get("options", []))
    schema = re.search(r"search_path=([\w,]+)", options)
    return (f"postgresql://{parts.hostname or 'localhost'}:{parts.port or 5432}{parts.path or '/'}"
            f"#{schema.group(1) if schema else 'public'}")


class _Pool:
    """Idle connections of one URL in this process (a request opens and closes one each time)."""

    def __init__(self) -> None:
        self._idle: list[psycopg.Connection] = []
        self._lock = threading.Lock()

    def get(self, url: str) -> psycopg.Connection:
        while True:
            with self._lock:
                raw = self._idle.pop() if self._idle else None
            if raw is None:
                raw = psycopg.connect(url, autocommit=True, cursor_factory=psycopg.ClientCursor)
                _configure(raw)
                return raw
            if not raw.closed and raw.info.transaction_status == TransactionStatus.IDLE:
                return raw
            raw.close()

    def put(self, raw: psycopg.Connection) -> bool:
        if raw.closed or raw.info.transaction_status != TransactionStatus.IDLE:
            return False
        with self._lock:
            if len(self._idle) >= POOL_SIZE:
                return False
            self._idle.append(raw)
        return True

    def clear(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, []
        for raw in idle:
            raw.close()


_pools: dict[str, _Pool] = {}
_pools_lock = threading.Lock()


def connect(url: str) -> PgDatabase:
    """A connection to the PostgreSQL store at ``url`` (``postgresql://user@host:port/db[?options=…]``)."""
    with _pools_lock:
        pool = _pools.setdefault(url, _Pool())
    return PgDatabase(url, PgConnection(pool.get(url), pool))


def forget_connections() -> None:
    """Close every pooled connection of this process (after a fork, or when a test drops its schema)."""
    with _pools_lock:
        pools = list(_pools.values())
    for pool in pools:
        pool.clear()


def with_schema(url: str, schema: str) -> str:
    """``url`` with its ``search_path`` set to ``schema`` (every table of the store lives there)."""
    sep = "&" if "?" in url else "?"
    return f"{url}{sep}options=-csearch_path%3D{schema}"


def create_schema(url: str, schema: str) -> str:
    """Create an empty schema in the database at ``url``; returns the URL of a store living in it."""
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    return with_schema(url, schema)


def drop_schema(url: str, schema: str) -> None:
    """Drop ``schema`` and everything in it (after closing this process's idle connections to it)."""
    forget_connections()
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def wipe(url: str) -> None:
    """Empty every table of the store at ``url`` (schema kept, identities restarted, a new ``store_uid``):
    what a test needs before it starts, in a fraction of the time a new schema takes to migrate."""
    forget_connections()
    with psycopg.connect(url, autocommit=True) as conn, conn.transaction():
        conn.execute("SET LOCAL session_replication_role = replica")  # no triggers, no FK order
        tables = [r[0] for r in conn.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()"
            " AND table_type = 'BASE TABLE' AND table_name <> 'schema_version'")]
        for table in tables:
            conn.execute(f'DELETE FROM "{table}"')
        for (seq,) in conn.execute("SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                                   " WHERE c.relkind = 'S' AND n.nspname = current_schema()").fetchall():
            conn.execute(f'ALTER SEQUENCE "{seq}" RESTART')
        conn.execute("UPDATE schema_version SET store_uid = %s", (uuid.uuid4().hex,))


def schema_of(url: str) -> str:
    """The schema a store URL's search_path names (``public`` when none)."""
    return store_id(url).rsplit("#", 1)[1]


def copy_rows(source_url: str, target_url: str) -> None:
    """Make the store at ``target_url`` hold exactly the rows of the one at ``source_url`` (two schemas of one
    database, same migrations): tests use it to put a prepared world back before each case."""
    src, dst = schema_of(source_url), schema_of(target_url)
    forget_connections()
    with psycopg.connect(target_url, autocommit=True) as conn, conn.transaction():
        conn.execute("SET LOCAL session_replication_role = replica")
        tables = [r[0] for r in conn.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = %s"
            " AND table_type = 'BASE TABLE' AND table_name <> 'schema_version'", (dst,))]
        for table in tables:
            conn.execute(f'DELETE FROM "{dst}"."{table}"')
            conn.execute(f'INSERT INTO "{dst}"."{table}" SELECT * FROM "{src}"."{table}"')
        for table, column, seq in conn.execute(
                "SELECT table_name, column_name, pg_get_serial_sequence(quote_ident(table_schema) || '.'"
                " || quote_ident(table_name), column_name) FROM information_schema.columns"
                " WHERE table_schema = %s AND is_identity = 'YES'", (dst,)).fetchall():
            conn.execute(f'SELECT setval(%s, COALESCE((SELECT MAX("{column}") FROM "{dst}"."{table}"), 0) + 1,'
                         " false)", (seq,))
        conn.execute(f'UPDATE "{dst}".schema_version SET store_uid = %s', (uuid.uuid4().hex,))
