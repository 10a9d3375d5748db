"""`flask --app app match workers|jobs [EXTERNAL_ID ...] --k 10 [--json]` (contract: ../shared/SCHEMA.md).

``match workers`` prints the best open jobs for each worker (every worker when no id is given);
``match jobs`` the best candidates for each open posting (every open posting when no id is given).
With ``--json``: one JSON object keyed by external_id, each value a list best first of
``{"external_id", "score", "reasons"}`` (UTF-8, not ASCII-escaped). Without it, a readable table.
Unknown ids are reported on stderr before the output (listing every one); the others are still
printed, and the exit status is 1.
"""
from __future__ import annotations

import json
import sys

import click
from flask.cli import AppGroup

from app.database import get_db

cli = AppGroup("match", help="为求职者推荐岗位、为岗位推荐候选人（SCHEMA.md 约定的命令）。")


def _resolve(db, table: str, external_ids: tuple[str, ...], where_all: str) -> tuple[list[tuple[str, int]], list[str]]:
    if not external_ids:
        rows = db.execute(f"SELECT external_id, id FROM {table} WHERE {where_all} ORDER BY id").fetchall()
        return [(r[0], r[1]) for r in rows], []
    found, missing = [], []
    for ext in dict.fromkeys(external_ids):
        row = db.execute(f"SELECT id FROM {table} WHERE external_id = ?", (ext,)).fetchone()
        if row is None:
            missing.append(ext)
        else:
            found.append((ext, row[0]))
    return found, missing


def _emit(results: dict[str, list], as_json: bool, label: str) -> None:
    if as_json:
        payload = {ext: [{"external_id": m.external_id, "score": round(float(m.score), 4),
                          "reasons": list(m.reasons)} for m in matches]
                   for ext, matches in results.items()}
        click.echo(json.dumps(payload, ensure_ascii=False, indent=2))
        return
    for ext, matches in results.items():
        click.echo(f"== {ext}：{label}{len(matches)} 条")
        if not matches:
            click.echo("   （没有符合全部硬性条件的结果）")
        for rank, m in enumerate(matches, 1):
            where = " ".join(x for x in (getattr(m, "title", ""), getattr(m, "city", "")) if x)
            click.echo(f"{rank:>3}. {m.external_id:<12} {m.score:.3f}  {where}")
            click.echo(f"      理由：{'；'.join(m.reasons)}")
            if getattr(m, "warnings", None):
                click.echo(f"      注意：{'；'.join(m.warnings)}")
        click.echo("")


def _report_missing(missing: list[str], what: str) -> None:
    if missing:
        click.echo(f"错误：找不到{what}编号：{'、'.join(missing)}", err=True)


@cli.command("workers")
@click.argument("external_ids", nargs=-1)
@click.option("--k", "k", default=10, show_default=True, type=click.IntRange(1, 200), help="每人推荐几个岗位")
@click.option("--json", "as_json", is_flag=True, help="输出 JSON（按编号分组）")
def match_workers(external_ids: tuple[str, ...], k: int, as_json: bool) -> None:
    """为求职者推荐岗位（不写编号则为全部求职者）。"""
    from matching.service import jobs_for_worker

    db = get_db()
    found, missing = _resolve(db, "workers", external_ids, "1 = 1")
    _report_missing(missing, "求职者")
    results = {ext: jobs_for_worker(db, worker_id, k) for ext, worker_id in found}
    _emit(results, as_json, "推荐岗位 ")
    if missing:
        sys.exit(1)


@cli.command("jobs")
@click.argument("external_ids", nargs=-1)
@click.option("--k", "k", default=10, show_default=True, type=click.IntRange(1, 200), help="每个岗位推荐几人")
@click.option("--json", "as_json", is_flag=True, help="输出 JSON（按编号分组）")
def match_jobs(external_ids: tuple[str, ...], k: int, as_json: bool) -> None:
    """为岗位推荐候选人（不写编号则为全部在招岗位）。"""
    from matching.service import candidates_for_job

    db = get_db()
    found, missing = _resolve(db, "jobs", external_ids, "status = 'open'")
    _report_missing(missing, "岗位")
    results = {ext: candidates_for_job(db, job_id, k) for ext, job_id in found}
    _emit(results, as_json, "推荐候选人 ")
    if missing:
        sys.exit(1)
