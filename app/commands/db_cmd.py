"""`flask --app app db copy-to URL`: move a SQLite instance up to PostgreSQL (``models.store.copy``).

Copies the SQLite store of ``TONGBANG_DATA_DIR`` (or ``--from FILE``) into the PostgreSQL database at URL
(empty, or holding an earlier copy of the same data: the command is idempotent), then verifies every table
by row count and checksum. Exit status 0 when every table verified, 1 otherwise.
"""
from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

cli = AppGroup("db", help="数据库：把 SQLite 实例复制到 PostgreSQL 等。")

_ACTION = {"copied": "已复制", "already there": "已存在（相同）", "empty": "空表"}


@cli.command("copy-to")
@click.argument("url")
@click.option("--from", "source_file", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="SQLite 文件（默认：数据目录里的 tongbang.db）。")
def copy_to_command(url: str, source_file: Path | None) -> None:
    """把 SQLite 库复制到 URL 指向的 PostgreSQL 库，并逐表核对行数与校验和。"""
    from models.store.config import db_path
    from models.store.copy import CopyError, copy_to
    from models.store.db import connect

    path = source_file or db_path()
    if not path.exists():
        raise click.ClickException(f"找不到 SQLite 文件 {path}。")
    source = connect(path)
    try:
        report = copy_to(source, url, progress=lambda msg: click.echo(msg, err=True))
    except CopyError as exc:
        raise click.ClickException(str(exc)) from None
    finally:
        source.conn.close()
    for t in report.tables:
        mark = "✓" if t.verified else "✗ 不一致"
        click.echo(f"{t.table:<22} {t.rows:>8} 行  {_ACTION[t.action]:<10} sha256 {t.checksum[:16]}  {mark}")
    if not report.ok:
        raise click.ClickException("核对失败：上面标 ✗ 的表与源库不一致。")
    click.echo(f"完成：{len(report.tables)} 张表，{sum(t.rows for t in report.tables)} 行，行数与校验和全部一致。"
               "各节点请使用与本实例相同的密钥（keys.json 或 TONGBANG_FERNET_KEY/TONGBANG_HASH_KEY）。")
