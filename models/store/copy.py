"""Moving up: copy a SQLite store into PostgreSQL and prove the copy is whole.

``copy_to(source, target_url)`` migrates the target to the same schema version, then for every table:
- empty in the target: copies every row (PostgreSQL ``COPY``, ids and revisions kept as they are), in one
  transaction for the whole store, with triggers off (``session_replication_role = replica``: the revision
  numbers are the source's, and tables load in any order), then moves each identity past the largest id;
- already holding exactly the source's rows (same count and checksum): leaves it (so running the command
  again changes nothing);
- holding anything else: refuses the whole copy before writing, naming the table.
Afterwards it verifies every table: row count and checksum (SHA-256 over the sorted digests of each row's
values in a canonical text form) must match the source's.

The encrypted ID numbers and their keyed hashes are copied as stored: the PostgreSQL nodes must use the same
keys (``keys.json`` of the SQLite instance, or ``TONGBANG_FERNET_KEY``/``TONGBANG_HASH_KEY``).
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from models.store import pg
from models.store.db import MIGRATIONS, migrate, schema_version

#: Bookkeeping tables that are not copied: the target has its own version row.
SKIP = {"schema_version"}


class CopyError(Exception):
    """The copy cannot go ahead (message in Chinese, naming the table)."""


@dataclass
class TableReport:
    table: str
    rows: int
    checksum: str
    action: str            # copied | already there | empty
    verified: bool = False


@dataclass
class CopyReport:
    tables: list[TableReport] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(t.verified for t in self.tables)


def _canonical(value: object) -> bytes:
    if value is None:
        return b"\\N"
    if isinstance(value, bool):
        return b"1" if value else b"0"
    if isinstance(value, float):
        return repr(value).encode()
    if isinstance(value, bytes | memoryview):
        return bytes(value).hex().encode()
    return str(value).encode()


def table_checksum(db, table: str, columns: list[str]) -> tuple[int, str]:
    """(row count, checksum) of ``table``'s ``columns``, independent of row order and of the engine."""
    digests = []
    cur = db.execute(f"SELECT {', '.join(columns)} FROM {table}")
    for row in cur:
        digests.append(hashlib.sha256(b"\x1f".join(_canonical(v) for v in row)).digest())
    digests.sort()
    total = hashlib.sha256()
    for d in digests:
        total.update(d)
    return len(digests), total.hexdigest()


def _sqlite_tables(db) -> dict[str, list[str]]:
    names = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'"
                                      " AND name NOT LIKE 'sqlite_%' ORDER BY name")]
    return {t: [c[1] for c in db.execute(f"PRAGMA table_info({t})")] for t in names if t not in SKIP}


def _pg_columns(target, table: str) -> list[str]:
    return [r[0] for r in target.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema()"
        " AND table_name = ? ORDER BY ordinal_position", (table,))]


def copy_to(source, target_url: str, *, progress=None) -> CopyReport:
    """Copy the SQLite store ``source`` (a migrated ``sqlite_utils.Database``) into the PostgreSQL database at
    ``target_url``; returns the per-table report. Raises ``CopyError`` when the target holds other data."""
    if not target_url.startswith(("postgresql://", "postgres://")):
        raise CopyError(f"目标必须是 postgresql://… 地址，而不是 {target_url!r}。")
    say = progress or (lambda _msg: None)
    target = pg.connect(target_url)
    try:
        migrate(target)
        if schema_version(source) != len(MIGRATIONS) or schema_version(target) != len(MIGRATIONS):
            raise CopyError("源库与目标库的结构版本不一致，请先用同一版本的 Tongbang 打开两者。")
        plan: list[tuple[str, list[str], int, str, str]] = []
        for table, source_cols in _sqlite_tables(source).items():
            target_cols = _pg_columns(target, table)
            if not target_cols:
                raise CopyError(f"目标库没有表 {table}：两边的迁移不一致。")
            missing = [c for c in source_cols if c not in target_cols]
            if missing:
                raise CopyError(f"目标库的表 {table} 缺少列 {', '.join(missing)}。")
            count, checksum = table_checksum(source, table, source_cols)
            there = target.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
            if there == 0:
                action = "copied" if count else "empty"
            elif table_checksum(target, table, source_cols) == (count, checksum):
                action = "already there"
            else:
                raise CopyError(f"目标库的表 {table} 已有 {there} 行且与源库不同：只能复制到空库（或同一份数据的副本）。"
                                "没有写入任何数据。")
            plan.append((table, source_cols, count, checksum, action))
        _load(source, target, [(t, cols) for t, cols, n, _c, action in plan if action == "copied"], say)
        report = CopyReport()
        for table, cols, count, checksum, action in plan:
            verified = table_checksum(target, table, cols) == (count, checksum)
            report.tables.append(TableReport(table, count, checksum, action, verified))
        return report
    finally:
        target.close()


def _load(source, target, tables: list[tuple[str, list[str]]], say) -> None:
    if not tables:
        return
    raw = target.conn.raw
    with raw.transaction():
        raw.execute("SET LOCAL session_replication_role = replica")
        for table, cols in tables:
            say(f"复制 {table} …")
            with raw.cursor().copy(f"COPY {table} ({', '.join(cols)}) FROM STDIN") as copy:
                for row in source.execute(f"SELECT {', '.join(cols)} FROM {table}"):
                    copy.write_row(row)
        for table, column, seq in raw.execute(
                "SELECT table_name, column_name, pg_get_serial_sequence(quote_ident(table_schema) || '.'"
                " || quote_ident(table_name), column_name) FROM information_schema.columns"
                " WHERE table_schema = current_schema() AND is_identity = 'YES'").fetchall():
            raw.execute(f"SELECT setval(%s, COALESCE((SELECT MAX({column}) FROM {table}), 0) + 1, false)", (seq,))
