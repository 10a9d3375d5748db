"""`flask --app app demo load [--fresh]`: load the demo data set (what ``make run`` serves).

Steps, each printed as it goes:
1. import ``data/demo/workers.jsonl`` and ``data/demo/jobs.jsonl`` through ``models.ledger.import_file``
   (the same validation and upsert as any ledger: running it again changes nothing);
2. demo accounts: ``models.users.seed_demo_accounts(db)``;
3. placement and follow-up history: ``models.placements.seed_demo_history(db, today)``;
4. the search indexes: ``matching.index.rebuild_all(db)``.

Steps 2–4 belong to other modules; one that is not installed yet is skipped with a note. A step that
fails is reported and the command exits 1 after trying the rest. Idempotent: every step upserts or does
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

import importlib
import importlib.util
import inspect
import json
import time
from collections.abc import Callable
from pathlib import Path

import click
from flask.cli import AppGroup

from models.config import REFERENCE_DIR, data_dir, db_path

cli = AppGroup("demo", help="演示数据：装入 data/demo/ 中的求职者、岗位、演示账号和就业记录。")

DEMO_DIR = REFERENCE_DIR / "demo"
#: Written into the data folder once demo data is loaded: this store is a demo store, and later runs
#: (which also meet rows that the seeding steps made) need not check for real data again.
MARKER = "demo_loaded.json"
DEMO_FILES = (("workers", "workers.jsonl", "求职者"), ("jobs", "jobs.jsonl", "岗位"))

#: (module, function, what it does): optional steps owned by other modules.
OPTIONAL_STEPS = (
    ("models.users", "seed_demo_accounts", "演示账号"),
    ("models.placements", "seed_demo_history", "就业记录与回访历史"),
    ("matching.index", "rebuild_all", "匹配索引"),
    ("app.commands.demo_cmd", "seed_demo_applications", "演示投递与推荐"),
)


def _optional(module: str, name: str) -> Callable | None:
    """``module.name`` when the module exists, else None. Import errors inside it propagate."""
    try:
        if importlib.util.find_spec(module) is None:
            return None
    except ModuleNotFoundError:  # a parent package is missing
        return None
    return getattr(importlib.import_module(module), name, None)


def _call(func: Callable, db, **extra):
    """Call ``func(db, ...)`` passing only the keyword arguments it accepts."""
    params = inspect.signature(func).parameters
    accepts_all = any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values())
    kwargs = {k: v for k, v in extra.items() if accepts_all or k in params}
    return func(db, **kwargs)


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
    from models.clock import today as clock_today
    from models.ledger import LedgerError, field_label, import_file

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
            result = import_file(db, kind, path, progress=progress)
        except LedgerError as exc:
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
    for module, name, label in OPTIONAL_STEPS:
        if module == "matching.index" and not build_index:
            click.echo(f"[跳过] {label}：按 --no-index 未重建（之后可运行 flask --app app index rebuild）")
            continue
        try:
            func = _optional(module, name)
        except Exception as exc:  # noqa: BLE001 - report and go on with the other steps
            click.echo(f"[失败] {label}：无法加载 {module}（{type(exc).__name__}: {exc}）", err=True)
            failed = True
            continue
        if func is None:
            click.echo(f"[跳过] {label}：{module}.{name} 尚未提供")
            continue
        click.echo(f"[进行] {label} …")
        step_started = time.perf_counter()
        try:
            result = _call(func, db, today=today, progress=progress)
        except Exception as exc:  # noqa: BLE001
            click.echo(f"  失败：{type(exc).__name__}: {exc}", err=True)
            failed = True
            continue
        click.echo(f"  {_describe(result)}（{time.perf_counter() - step_started:.1f} 秒）")
        if name == "seed_demo_accounts":
            _show_accounts(result)
            from models.users import DEMO_PASSWORD

            click.echo(f"    （演示账号密码均为 {DEMO_PASSWORD}，见 README）")

    click.echo(f"演示数据装入{'完成' if not failed else '结束，但有步骤失败（见上）'}，"
               f"用时 {time.perf_counter() - started:.1f} 秒。")
    if failed:
        raise click.exceptions.Exit(1)


def seed_demo_applications(db) -> int:
    """A few applications to the demo employer's postings, so its pipeline has people in every stage:
    the best-ranked candidates of its first open postings apply (one recommended by staff), one is in
    面试. Needs the index. Does nothing once that employer has applications."""
    from matching.service import candidates_for_job
    from models import applications
    from models.users import get_user_by_username

    employer = get_user_by_username(db, "employer")
    staff = get_user_by_username(db, "staff")
    if employer is None or employer.get("employer_id") is None:
        return 0
    if db.execute("SELECT COUNT(*) FROM applications a JOIN jobs j ON j.id = a.job_id WHERE j.employer_id = ?",
                  (employer["employer_id"],)).fetchone()[0]:
        return 0
    demo_worker = get_user_by_username(db, "worker")
    skip = {demo_worker["worker_id"]} if demo_worker else set()
    job_ids = [r[0] for r in db.execute("SELECT id FROM jobs WHERE employer_id = ? AND status = 'open' ORDER BY id"
                                        " LIMIT 3", (employer["employer_id"],))]
    made = 0
    for n, job_id in enumerate(job_ids):
        picks = [m.worker_id for m in candidates_for_job(db, job_id, k=5) if m.worker_id not in skip][:3]
        for i, worker_id in enumerate(picks):
            if i == 2 and staff is not None:
                applications.recommend(db, worker_id, job_id, staff["id"], note="符合岗位要求，推荐面试")
            else:
                app_id = applications.apply(db, worker_id, job_id)
                if n == 0 and i == 0:
                    applications.set_status(db, app_id, "面试", "约了周三上午面试", employer["id"])
            made += 1
    return made


def demo_files() -> list[Path]:
    """The demo files ``demo load`` imports (for tests and docs)."""
    return [DEMO_DIR / filename for _kind, filename, _label in DEMO_FILES]
