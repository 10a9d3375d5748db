"""`flask --app app jobs list|run NAME|tick`: the scheduled jobs, run by hand.

A hand run is the same once-per-period run the scheduler makes (a second `jobs run` the same day says it
already ran); ``--force`` runs it again. ``--date`` pretends it is another day (e.g. the annual report for
an earlier year: ``jobs run annual_report --date 2025-12-01 --force``).
"""
from __future__ import annotations

import json
from datetime import datetime, time

import click
from flask.cli import AppGroup

cli = AppGroup("jobs", help="定时任务：列出、手动运行")


@cli.command("list")
def list_jobs() -> None:
    """List the scheduled jobs and their recent runs."""
    from app.database import get_db
    from app.scheduler import JOBS, last_runs

    for spec in JOBS.values():
        when = (f"每年 {spec.month} 月 {spec.day} 日 " if spec.month else "每天 ") + f"{spec.hour:02d}:{spec.minute:02d}"
        click.echo(f"{spec.name:22s} {when:18s} {spec.description}")
    runs = last_runs(get_db(), 15)
    if runs:
        click.echo("\n最近运行：")
        for r in runs:
            extra = r["error"] or r["result"] or ""
            click.echo(f"  {r['job']:22s} {r['period']:12s} {r['status']:8s} 第{r['attempts']}次 {extra[:80]}")


@cli.command("run")
@click.argument("name")
@click.option("--force", is_flag=True, help="即使本周期已运行也再运行一次")
@click.option("--date", "on_date", default=None, help="按指定日期运行（YYYY-MM-DD）")
def run(name: str, force: bool, on_date: str | None) -> None:
    """Run one job now (once per period unless --force)."""
    from app.database import get_db
    from app.scheduler import JOBS, run_job
    from models.store.clock import now as clock_now
    from models.store.clock import tz

    if name not in JOBS:
        raise click.BadParameter(f"没有这个任务：{name}（可用：{', '.join(JOBS)}）", param_hint="NAME")
    clock = None
    if on_date:
        try:
            fixed = datetime.combine(datetime.strptime(on_date, "%Y-%m-%d").date(), time(8, 0), tzinfo=tz())
        except ValueError:
            raise click.BadParameter("日期格式应为 YYYY-MM-DD", param_hint="--date") from None
        offset = fixed - clock_now()

        def clock() -> datetime:
            return clock_now() + offset
    result = run_job(get_db(), name, clock=clock, force=force)
    label = {"done": "完成", "failed": "失败", "skipped": "跳过"}[result.status]
    click.echo(f"{name} [{result.period}] {label} {result.detail}".rstrip())
    if result.result:
        click.echo(json.dumps(result.result, ensure_ascii=False, default=str))
    if result.status == "failed":
        raise SystemExit(1)


@cli.command("tick")
def tick_cmd() -> None:
    """Catch up every job that is due and not yet done (what the scheduler does every few minutes)."""
    from app.database import get_db
    from app.scheduler import tick

    for r in tick(get_db()):
        click.echo(f"{r.job} [{r.period}] {r.status} {r.detail}")
