"""`flask --app app import workers|jobs FILE` (contract: ../shared/SCHEMA.md).

Imports a .jsonl, .csv or .xlsx ledger through the import action (``models.actions.imports.import_ledger``,
as ``models.access.SYSTEM``: the server's own command line covers every county and city) and prints, in Chinese,
the batch id and the counts of added (新增), updated (更新), unchanged (未变) and rejected (拒绝) rows,
then every rejected row (行号, 字段, 原因). The exit status is 0 even when rows were rejected (they are
reported and kept in the batch); it is 1, with a one-line message and no traceback, when the file is
missing, of an unknown type, unreadable, or lacks a required column.

Then (unless ``--no-index``) the imported kind's search index is brought up to date and saved
(``matching.index``: new texts encoded in batches, posting titles classified, the index file rewritten), so
the work a big ledger needs is done here, with a progress bar, and not by the first match request after it:
the rows are matchable when the command returns.
"""
from __future__ import annotations

import time
from pathlib import Path

import click
from flask.cli import AppGroup

from app.database import get_db
from models.access import SYSTEM
from models.actions.imports import import_ledger
from models.errors import ActionError
from models.intake.ledger import field_label

cli = AppGroup("import", help="导入求职者或岗位台账（.jsonl / .csv / .xlsx）。")

_KIND_LABEL = {"workers": "求职者", "jobs": "岗位"}


def _run(kind: str, file: Path, progress: bool, index: bool) -> None:
    try:
        result = import_ledger(get_db(), SYSTEM, kind, file, progress=progress)
    except ActionError as exc:
        click.echo(f"导入失败：{exc}", err=True)
        raise click.exceptions.Exit(1) from None
    click.echo(f"导入批次 #{result.batch_id}：{_KIND_LABEL[kind]}台账 {result.filename}，共 {result.total_rows} 行")
    click.echo(f"新增 added: {result.added}")
    click.echo(f"更新 updated: {result.updated}")
    click.echo(f"未变 unchanged: {result.unchanged}")
    click.echo(f"拒绝 rejected: {result.rejected}")
    if result.ignored_columns:
        click.echo("已忽略无法识别的列：" + "、".join(result.ignored_columns))
    if result.rejections:
        click.echo("被拒绝的行（行号 / 字段 / 原因）：")
        for number, field, reason in result.rejections:
            click.echo(f"  第 {number} 行  {field_label(kind, field)}  {reason}")
        click.echo(f"以上拒绝记录已保存在导入批次 #{result.batch_id} 中；改正后重新导入即可，已导入的行不会重复。")
    if index:
        _sync_index(kind, progress)


def _sync_index(kind: str, progress: bool) -> None:
    from matching.index import get_index

    started = time.perf_counter()
    handle = get_index(get_db(), kind)
    changed = handle.sync(progress=progress)
    handle.index.save()
    click.echo(f"{_KIND_LABEL[kind]}索引已同步：{changed} 条变更，现有 {len(handle)} 条可匹配，"
               f"用时 {time.perf_counter() - started:.1f} 秒")


_progress = click.option("--progress/--no-progress", default=True, show_default=True,
                         help="大文件显示进度条（输出到 stderr）。")
_index = click.option("--index/--no-index", default=True, show_default=True,
                      help="导入后立即同步匹配索引（编码新文本），导入完成即可匹配。")


@cli.command("workers")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@_progress
@_index
def import_workers(file: Path, progress: bool, index: bool) -> None:
    """导入求职者台账 FILE。"""
    _run("workers", file, progress, index)


@cli.command("jobs")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@_progress
@_index
def import_jobs(file: Path, progress: bool, index: bool) -> None:
    """导入岗位台账 FILE。"""
    _run("jobs", file, progress, index)
