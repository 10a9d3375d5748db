"""`flask --app app demo load [--fresh]`: load the demo data set (what ``make run`` serves).

Steps, each printed as it goes:
1. import ``data/demo/workers.jsonl`` and ``data/demo/jobs.jsonl`` through the import action
   (``models.actions.imports.import_ledger`` as ``SYSTEM``: the same validation and upsert as any ledger;
   running it again changes nothing);
2. demo accounts, placement and follow-up history (``app.demo``);
3. the search indexes (``matching.index.rebuild_all``);
4. the demo employer's pipeline (``app.demo.seed_applications``, which ranks candidates, so after the index);
5. 点对点 batches, subsidy states and signed 务工证明 (``app.demo.seed_programme``).

A step that fails is reported and the command exits 1 after trying the rest. Idempotent: every step upserts or does
nothing when its data is already there, so ``make run`` can run any number of times.

Safety: demo data is never mixed into a real registry (demo 编号 such as W00001 could even overwrite real
rows). A marker file (``demo_loaded.json`` in the data folder) records that a store is a demo store; when
there is no marker and the store already holds workers or postings, the command stops unless ``--force``
is given. ``--fresh`` deletes the
database and the index files first (stop the web server before using it); keys and the embedding cache
are kept.

Regenerate the demo files with ``scripts/make_demo_data.py``.
"""
from __future__ import annotations

import json
import time
from pathlib import Path

import click
from flask.cli import AppGroup

from app.demo import DEMO_PASSWORD
from models.store.config import REFERENCE_DIR, data_dir, db_path

cli = AppGroup("demo", help="演示数据：装入 data/demo/ 中的求职者、岗位、演示账号和就业记录。")

DEMO_DIR = REFERENCE_DIR / "demo"
#: Written into the data folder once demo data is loaded: this store is a demo store, and later runs
#: (which also meet rows that the seeding steps made) need not check for real data again.
MARKER = "demo_loaded.json"
DEMO_FILES = (("workers", "workers.jsonl", "求职者"), ("jobs", "jobs.jsonl", "岗位"))

#: (what it does, step): after the ledgers, in this order.
def _steps(build_index: bool, progress: bool, today):
    from app import demo
    from matching.index import rebuild_all

    yield "演示账号", lambda db: demo.seed_accounts(db)
    yield "就业记录与回访历史", lambda db: demo.seed_placement_history(db, today)
    if build_index:
        yield "匹配索引", lambda db: rebuild_all(db, progress=progress)
    else:
        click.echo("[跳过] 匹配索引：按 --no-index 未重建（之后可运行 flask --app app index rebuild）")
    yield "演示投递与推荐", lambda db: demo.seed_applications(db)
    yield "点对点输送、补贴与务工证明", lambda db: demo.seed_programme(db, today)


def _stored_rows(db) -> dict[str, int]:
    """How many workers and jobs the store holds."""
    return {kind: db.execute(f"SELECT COUNT(*) FROM {kind}").fetchone()[0] for kind, _f, _l in DEMO_FILES}


def _remove_state() -> list[str]:
    """Delete the database (and its WAL files) and the index folder; return what was removed."""
    import shutil

    removed = []
    base = db_path()
    for path in (base, base.with_name(base.name + "-wal"), base.with_name(base.name + "-shm")):
        if path.exists():
            path.unlink()
            removed.append(path.name)
    marker = data_dir() / MARKER
    if marker.exists():
        marker.unlink()
        removed.append(MARKER)
    index_dir = data_dir() / "index"
    if index_dir.exists():
        shutil.rmtree(index_dir)
        removed.append("index/")
    return removed


def _describe(result) -> str:
    if result is None:
        return "完成"
    if isinstance(result, bool):
        return "完成" if result else "无需处理"
    if isinstance(result, int):
        return f"新建 {result} 条" if result else "已存在，未重复创建"
    if isinstance(result, dict) and all(isinstance(v, dict) and "count" in v for v in result.values()):
        return "；".join(f"{k} {v['count']} 条" for k, v in result.items())
    if isinstance(result, (list, tuple)):
        return f"{len(result)} 项"
    return str(result)


def _show_accounts(result) -> None:
    """Print demo accounts when the seeding function returns them (dicts or tuples)."""
    if not isinstance(result, (list, tuple)):
        return
    for item in result:
        if isinstance(item, dict):
            parts = [str(item[k]) for k in ("role", "username", "password") if item.get(k)]
        elif isinstance(item, (list, tuple)):
            parts = [str(v) for v in item]
        else:
            parts = [str(item)]
        click.echo("    " + "  ".join(parts))


@cli.command("load")
@click.option("--fresh", is_flag=True, help="先删除数据库和索引文件，从空库开始（请先停止网站服务）。")
@click.option("--force", is_flag=True, help="库中已有非演示数据时仍然装入（不建议）。")
@click.option("--index/--no-index", "build_index", default=True, show_default=True,
              help="装入后重建匹配索引（需加载向量模型）。")
@click.option("--progress/--no-progress", default=True, show_default=True, help="大文件显示进度条（stderr）。")
def load(fresh: bool, force: bool, build_index: bool, progress: bool) -> None:
    """装入演示数据：求职者、岗位、演示账号、就业记录，并重建匹配索引。可重复运行。"""
    from flask import g

    from app.database import get_db
    from models.access import SYSTEM
    from models.actions.imports import import_ledger
    from models.errors import ActionError
    from models.intake.ledger import field_label
    from models.store.clock import today as clock_today

    started = time.perf_counter()
    if fresh:
        old = g.pop("db", None)
        if old is not None:
            old.conn.close()
        removed = _remove_state()
        click.echo("已清空：" + ("、".join(removed) if removed else "（数据目录本来就是空的）"))
    db = get_db()
    click.echo(f"数据目录：{data_dir()}")

    marker = data_dir() / MARKER
    existing = {} if marker.exists() else _stored_rows(db)
    if any(existing.values()) and not force:
        click.echo(f"库中已有非演示数据（求职者 {existing['workers']} 人、岗位 {existing['jobs']} 个，且不是由 demo load "
                   "装入的）。为避免把演示数据混入真实台账，已停止。确需装入请加 --force；或用 --fresh 清空后重来；"
                   "或换一个空的 TONGBANG_DATA_DIR。", err=True)
        raise click.exceptions.Exit(1)

    failed = False
    for kind, filename, label in DEMO_FILES:
        path = DEMO_DIR / filename
        click.echo(f"[导入] {label}：{path.relative_to(REFERENCE_DIR.parent)} …")
        try:
            result = import_ledger(db, SYSTEM, kind, path, progress=progress)
        except ActionError as exc:
            click.echo(f"  导入失败：{exc}", err=True)
            raise click.exceptions.Exit(1) from None
        click.echo(f"  共 {result.total_rows} 行：新增 {result.added}，更新 {result.updated}，"
                   f"未变 {result.unchanged}，拒绝 {result.rejected}（导入批次 #{result.batch_id}）")
        for number, field, reason in result.rejections[:10]:
            click.echo(f"  第 {number} 行  {field_label(kind, field)}  {reason}", err=True)
        if result.rejected:
            failed = True

    if not marker.exists():
        marker.write_text(json.dumps({"loaded_at": time.strftime("%Y-%m-%dT%H:%M:%S")}) + "\n", encoding="utf-8")
    today = clock_today()
    for label, step in _steps(build_index, progress, today):
        click.echo(f"[进行] {label} …")
        step_started = time.perf_counter()
        try:
            result = step(db)
        except Exception as exc:  # noqa: BLE001 - report and go on with the other steps
            click.echo(f"  失败：{type(exc).__name__}: {exc}", err=True)
            failed = True
            continue
        click.echo(f"  {_describe(result)}（{time.perf_counter() - step_started:.1f} 秒）")
        if label == "演示账号":
            _show_accounts(result)
            click.echo(f"    （演示账号密码均为 {DEMO_PASSWORD}，见 README）")

    click.echo(f"演示数据装入{'完成' if not failed else '结束，但有步骤失败（见上）'}，"
               f"用时 {time.perf_counter() - started:.1f} 秒。")
    if failed:
        raise click.exceptions.Exit(1)


def demo_files() -> list[Path]:
    """The demo files ``demo load`` imports (for tests and docs)."""
    return [DEMO_DIR / filename for _kind, filename, _label in DEMO_FILES]
