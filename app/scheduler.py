"""Scheduled jobs (APScheduler), safe with several app processes, each also runnable by hand.

Jobs (``JOBS``; ``flask --app app jobs list`` / ``jobs run NAME``):
- ``followup_reminders`` daily 07:30: each staff member's 今日回访 count into the notifier outbox;
- ``verify_index`` nightly 02:30: ``matching.index.verify_all`` (rebuilds what is stale);
- ``recompute_stability`` nightly 03:00: risk of leaving and employer retention snapshots;
- ``annual_report`` 1 December 06:00: the province-wide annual workbook into ``TONGBANG_DATA_DIR/reports/``.

Jobs act through the domain actions: as :data:`models.access.SYSTEM` where they write or list for the whole
programme (the snapshot, the saved workbook), and as each staff member for that staff member's reminder.

Run once per period, whatever happens: every run is a row in ``job_runs`` keyed by (job, period) — the
date for daily jobs, the year for the annual report. A process claims a run with one atomic
``INSERT … ON CONFLICT DO UPDATE … WHERE`` statement; only the process whose statement changed the row does
the work, so two schedulers (two gunicorn workers, two servers on one database) never both run it.
A run that fails is recorded with its error and logged, and claimed again after ``RETRY_DELAY`` (up to
``MAX_ATTEMPTS``); a run whose process died is claimed again once its lease (``LEASE``) expires.
A ``tick`` every few minutes catches up runs missed while no process was up, retries failed runs and
failed message deliveries; a
``scheduler_locks`` row (lease-based leader lock) keeps two ticks from overlapping.

Time is injectable: every function takes ``clock`` (a callable returning an aware datetime), default
``models.store.clock.now`` (which freezegun can freeze).
"""
from __future__ import annotations

import json
import logging
import os
import socket
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlite_utils

from matching.index import verify_all
from models.access import SYSTEM
from models.actions import exchange as exchange_actions
from models.actions import placements as placement_actions
from models.actions import reports as report_actions
from models.notifier import Message, deliver_pending, notify, retry_failed
from models.people.messages import post as post_message
from models.store import clock as clock_module
from models.store.db import connect, utcnow

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]

LEASE = timedelta(hours=1)          # a 'running' run older than this is presumed dead and re-claimed
RETRY_DELAY = timedelta(minutes=10)  # wait this long before retrying a failed run
MAX_ATTEMPTS = 5                     # then it stays 'failed' (visible in `jobs list`) until run by hand
TICK_MINUTES = 5


@dataclass(frozen=True)
class JobSpec:
    """One scheduled job: what it does, when, and how its period (run-once key) is named."""

    name: str
    description: str
    func: Callable[[sqlite_utils.Database, datetime], dict]
    hour: int
    minute: int
    month: int | None = None     # annual jobs: month and day
    day: int | None = None
    quarterly: bool = False      # quarterly jobs: the first day of January, April, July and October

    def period(self, now: datetime) -> str:
        if self.quarterly:
            return f"{now.year}Q{(now.month - 1) // 3 + 1}"
        return str(now.year) if self.month else now.date().isoformat()

    def is_due(self, now: datetime) -> bool:
        """Has this period's scheduled time passed (so a missing run should be caught up)?"""
        if self.quarterly:
            at = now.replace(month=(now.month - 1) // 3 * 3 + 1, day=1, hour=self.hour, minute=self.minute,
                             second=0, microsecond=0)
        elif self.month:
            at = now.replace(month=self.month, day=self.day, hour=self.hour, minute=self.minute,
                             second=0, microsecond=0)
        else:
            at = now.replace(hour=self.hour, minute=self.minute, second=0, microsecond=0)
        return now >= at

    def cron(self) -> dict:
        fields = {"hour": self.hour, "minute": self.minute}
        if self.quarterly:
            fields.update(month="1,4,7,10", day=1)
        elif self.month:
            fields.update(month=self.month, day=self.day)
        return fields


# --- the jobs ---------------------------------------------------------------------------------------------
def job_followup_reminders(db: sqlite_utils.Database, now: datetime) -> dict:
    """Send each active staff member (and admins) their 今日回访 count through the notifier: each one's queue
    is the queue action as that staff member (their scope)."""
    today = now.date()
    users = db.execute("SELECT id, role, scope_counties, scope_cities FROM users"
                       " WHERE role IN ('staff', 'admin') AND active = 1").fetchall()
    recipients = [({"id": u[0], "role": u[1], "scope_counties": u[2], "scope_cities": u[3]})
                  for u in users] or [{"id": None, "role": "admin"}]
    sent = due_total = told = 0
    for user in recipients:
        items = [i for i in placement_actions.queue(db, user, today=today, with_risk=False)
                 if i.bucket in ("overdue", "today")]
        if not items:
            continue
        overdue = sum(1 for i in items if i.bucket == "overdue")
        due_total += len(items)
        names = "、".join(f"{i.placement['worker_name']}（{i.state.next_months}个月）" for i in items[:10])
        more = f" 等 {len(items)} 人" if len(items) > 10 else ""
        for item in items:  # the worker hears that a call is coming (once per milestone, whoever calls)
            p = item.placement
            if post_message(db, p["worker_id"], "followup",
                            f"工作人员这几天会给您打电话，了解您在“{p['employer_name']}”干得怎么样（入职"
                            f"{item.state.next_months}个月回访），请留意来电。有困难也可以直接说。",
                            "/me/messages", dedupe_key=f"followup:{p['id']}:{item.state.next_months}"):
                told += 1
        if notify(db, Message(subject=f"今日回访 {len(items)} 人（其中逾期 {overdue} 人）",
                              body=names + more, user_id=user["id"], link="/staff/followups/",
                              dedupe_key=f"followups:{user['id']}:{today.isoformat()}")):
            sent += 1
    return {"messages": sent, "due": due_total, "workers_told": told}


def job_verify_index(db: sqlite_utils.Database, now: datetime) -> dict:
    """Check the FAISS indexes against the store and rebuild stale ones (``matching.index.verify_all``)."""
    return json.loads(json.dumps(verify_all(db), default=str, ensure_ascii=False))  # JSON-safe for job_runs


def job_recompute_stability(db: sqlite_utils.Database, now: datetime) -> dict:
    """Recompute risk of leaving and employer retention snapshots."""
    return placement_actions.recompute_stability(db, SYSTEM, today=now.date())


def job_annual_report(db: sqlite_utils.Database, now: datetime) -> dict:
    """Write this year's province-wide annual report workbook into TONGBANG_DATA_DIR/reports/."""
    path = report_actions.save_annual(db, SYSTEM, now.year, today=now.date())
    return {"path": str(path)}


def job_partner_exchange(db: sqlite_utils.Database, now: datetime) -> dict:
    """Write each partner county's workers, placed and not yet placed, into TONGBANG_DATA_DIR/exchange/."""
    return exchange_actions.export_quarter(db, SYSTEM, today=now.date())


JOBS: dict[str, JobSpec] = {spec.name: spec for spec in (
    JobSpec("followup_reminders", "每日回访提醒（今日回访与逾期，写入消息箱）", job_followup_reminders, 7, 30),
    JobSpec("verify_index", "夜间校验匹配索引（过期则重建）", job_verify_index, 2, 30),
    JobSpec("recompute_stability", "夜间重算离职风险与单位留存率", job_recompute_stability, 3, 0),
    JobSpec("annual_report", "年度报表（每年 12 月 1 日生成）", job_annual_report, 6, 0, month=12, day=1),
    JobSpec("partner_exchange", "协作地区交换数据（每季度首日按区县导出已就业和未就业人员）", job_partner_exchange, 5, 0,
            quarterly=True),
)}


# --- running once per period --------------------------------------------------------------------------------
@dataclass
class RunResult:
    job: str
    period: str
    status: str            # done | failed | skipped
    detail: str = ""
    result: dict | None = None


def default_owner() -> str:
    """A name for this process/thread, stored on claimed runs and locks."""
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}:{uuid.uuid4().hex[:6]}"


def _iso(dt: datetime) -> str:
    return dt.isoformat(timespec="seconds")


def claim(db: sqlite_utils.Database, job: str, period: str, owner: str, now: datetime,
          force: bool = False) -> bool:
    """Atomically claim the (job, period) run for ``owner``; True when this caller must do the work.

    Claimable: no row yet; a failed run due for retry (fewer than MAX_ATTEMPTS, RETRY_DELAY passed);
    a running run whose lease expired; with ``force`` any finished run (done or failed).
    """
    cur = db.execute(
        """
        INSERT INTO job_runs (job, period, status, attempts, owner, started_at, created_at, updated_at)
        VALUES (:job, :period, 'running', 1, :owner, :now, :utc, :utc)
        ON CONFLICT (job, period) DO UPDATE SET
            status = 'running', attempts = job_runs.attempts + 1, owner = excluded.owner,
            started_at = excluded.started_at, finished_at = NULL, updated_at = excluded.updated_at
        WHERE (job_runs.status = 'failed' AND (:force = 1 OR (job_runs.attempts < :max_attempts
                                                          AND job_runs.finished_at <= :retry_before)))
           OR (job_runs.status = 'running' AND job_runs.started_at <= :lease_before)
           OR (:force = 1 AND job_runs.status = 'done')
        """,
        {"job": job, "period": period, "owner": owner, "now": _iso(now), "utc": utcnow(),
         "force": int(force), "max_attempts": MAX_ATTEMPTS, "retry_before": _iso(now - RETRY_DELAY),
         "lease_before": _iso(now - LEASE)},
    )
    return cur.rowcount == 1


def _finish(db: sqlite_utils.Database, job: str, period: str, owner: str, status: str, now: datetime,
            result: dict | None = None, error: str | None = None) -> None:
    db.execute(
        "UPDATE job_runs SET status = ?, result = ?, error = ?, finished_at = ?, updated_at = ?"
        " WHERE job = ? AND period = ? AND owner = ?",
        (status, json.dumps(result, ensure_ascii=False, default=str) if result is not None else None, error,
         _iso(now), utcnow(), job, period, owner),
    )


def run_job(db: sqlite_utils.Database, name: str, *, clock: Clock | None = None, owner: str | None = None,
            force: bool = False) -> RunResult:
    """Run job ``name`` for the current period unless it already ran (or is running elsewhere).

    Never raises for a failing job: the error is logged and stored on the run, which is retried later.
    Raises ``KeyError`` for an unknown job name.
    """
    spec = JOBS[name]
    clock = clock or clock_module.now
    now = clock()
    period = spec.period(now)
    owner = owner or default_owner()
    if not claim(db, name, period, owner, now, force=force):
        row = db.execute("SELECT status, attempts FROM job_runs WHERE job = ? AND period = ?",
                         (name, period)).fetchone()
        return RunResult(name, period, "skipped", f"本周期已{_STATUS_ZH.get(row[0], row[0])}（第 {row[1]} 次）")
    try:
        result = spec.func(db, now)
    except Exception as exc:
        log.exception("scheduled job %s (%s) failed", name, period)
        _finish(db, name, period, owner, "failed", clock(), error=f"{type(exc).__name__}: {exc}")
        return RunResult(name, period, "failed", f"{type(exc).__name__}: {exc}")
    _finish(db, name, period, owner, "done", clock(), result=result)
    log.info("scheduled job %s (%s) done: %s", name, period, result)
    return RunResult(name, period, "done", "", result)


_STATUS_ZH = {"done": "完成", "running": "在运行", "failed": "失败"}


def acquire_lock(db: sqlite_utils.Database, name: str, owner: str, now: datetime,
                 ttl: timedelta = timedelta(minutes=TICK_MINUTES * 2)) -> bool:
    """Take (or renew) the named lease lock; True when ``owner`` holds it until ``now + ttl``."""
    cur = db.execute(
        "INSERT INTO scheduler_locks (name, owner, expires_at, acquired_at) VALUES (?, ?, ?, ?)"
        " ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, expires_at = excluded.expires_at,"
        " acquired_at = excluded.acquired_at"
        " WHERE scheduler_locks.owner = excluded.owner OR scheduler_locks.expires_at <= excluded.acquired_at",
        (name, owner, _iso(now + ttl), _iso(now)),
    )
    return cur.rowcount == 1


def release_lock(db: sqlite_utils.Database, name: str, owner: str) -> None:
    db.execute("DELETE FROM scheduler_locks WHERE name = ? AND owner = ?", (name, owner))


def tick(db: sqlite_utils.Database, *, clock: Clock | None = None, owner: str | None = None) -> list[RunResult]:
    """Catch up and retry: run every job whose period's time has passed and is not done yet.

    Holds the ``tick`` lease lock so two processes do not tick at once (runs are once-only regardless).
    """
    clock = clock or clock_module.now
    owner = owner or default_owner()
    if not acquire_lock(db, "tick", owner, clock()):
        return []
    try:
        results = []
        for spec in JOBS.values():
            if spec.is_due(clock()):
                results.append(run_job(db, spec.name, clock=clock, owner=owner))
        retry_failed(db)  # messages whose SMS/WeChat delivery failed are tried again, never dropped
        deliver_pending(db)  # messages to workers queued by the actions go out through SMS/WeChat
        return [r for r in results if r.status != "skipped"]
    finally:
        release_lock(db, "tick", owner)


def last_runs(db: sqlite_utils.Database, limit: int = 30) -> list[dict]:
    """Recent runs, newest first (for `jobs list` and the staff page)."""
    cur = db.execute("SELECT job, period, status, attempts, owner, result, error, started_at, finished_at"
                     " FROM job_runs ORDER BY COALESCE(started_at, created_at) DESC, id DESC LIMIT ?", (limit,))
    cols = [c[0] for c in cur.description]
    return [dict(zip(cols, r)) for r in cur.fetchall()]


def local_time(text: str | None) -> str:
    """A stored timestamp (ISO text, any offset) as people read it, in the platform's time zone:
    '2026年12月2日 06:00'; '' when there is none."""
    if not text:
        return ""
    moment = datetime.fromisoformat(str(text))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=clock_module.tz())
    moment = moment.astimezone(clock_module.tz())
    return f"{moment.year}年{moment.month}月{moment.day}日 {moment:%H:%M}"


def _period_text(spec: JobSpec | None, period: str) -> str:
    if spec is not None and spec.month:
        return f"{period}年"
    try:
        day = datetime.fromisoformat(period)
    except ValueError:
        return period
    return f"{day.year}年{day.month}月{day.day}日"


def _result_text(job: str, period: str, result: dict) -> str:
    """What a finished run did, in one Chinese sentence (never a file path or an internal name)."""
    if job == "followup_reminders":
        return f"发出提醒 {result.get('messages', 0)} 条，今日回访及逾期共 {result.get('due', 0)} 人"
    if job == "recompute_stability":
        text = (f"评估在岗 {result.get('risks', 0)} 人的离职风险（高风险 {result.get('high', 0)} 人），"
                f"更新 {result.get('employers', 0)} 家单位的留存率")
        fixed = result.get("status_fixed", 0)
        return text + (f"，按回访记录将 {fixed} 条就业记录改为离职" if fixed else "")
    if job == "verify_index":
        names = {"jobs": "岗位索引", "workers": "求职者索引"}
        parts = []
        for kind, report in result.items():
            report = report if isinstance(report, dict) else {}
            state = "已重建" if report.get("repaired") else "正常"
            parts.append(f"{names.get(kind, '匹配索引')}{state}（{report.get('count', 0)} 条）")
        return "；".join(parts) or "索引已校验"
    if job == "annual_report":
        return f"已生成 {period} 年全省年度报表（管理员可在“补贴与报表”页下载）"
    return "已完成"


def run_history(db: sqlite_utils.Database, limit: int = 30) -> list[dict]:
    """:func:`describe_runs` of the latest ``limit`` runs."""
    return describe_runs(last_runs(db, limit))


def describe_runs(runs: list[dict]) -> list[dict]:
    """Runs for people: the job's Chinese description, the period, the status, what it did or that it
    failed (the error itself stays in the server log and the ``jobs list`` command), and the times in the
    platform's time zone."""
    out = []
    for run in runs:
        spec = JOBS.get(run["job"])
        status = {"done": "完成", "failed": "失败", "running": "运行中"}.get(run["status"], run["status"])
        if run["status"] == "done":
            try:
                result = json.loads(run["result"]) if run["result"] else {}
            except ValueError:
                result = {}
            detail = _result_text(run["job"], run["period"], result if isinstance(result, dict) else {})
        elif run["status"] == "failed":
            detail = (f"运行出错，已尝试 {run['attempts']} 次"
                      + ("，系统将自动重试" if run["attempts"] < MAX_ATTEMPTS else "，请联系管理员处理"))
        else:
            detail = "正在运行"
        out.append({"name": spec.description if spec else "其他任务", "period": _period_text(spec, run["period"]),
                    "status": status, "detail": detail, "attempts": run["attempts"],
                    "started": local_time(run["started_at"]), "finished": local_time(run["finished_at"])})
    return out


# --- APScheduler wiring -----------------------------------------------------------------------------------
def _run_in_own_connection(name: str | None) -> None:
    db = connect()
    try:
        if name is None:
            tick(db)
        else:
            run_job(db, name)
    except Exception:  # the scheduler thread must survive; the run row records job failures
        log.exception("scheduler wrapper failed for %s", name or "tick")
    finally:
        db.conn.close()


def start_scheduler(app=None):
    """Start a BackgroundScheduler with every job (cron) plus the catch-up/retry tick; return it."""
    from apscheduler.schedulers.background import BackgroundScheduler

    scheduler = BackgroundScheduler(timezone=clock_module.tz(), daemon=True,
                                    job_defaults={"coalesce": True, "max_instances": 1,
                                                  "misfire_grace_time": 3600})
    for spec in JOBS.values():
        scheduler.add_job(_run_in_own_connection, "cron", args=[spec.name], id=spec.name,
                          replace_existing=True, **spec.cron())
    scheduler.add_job(_run_in_own_connection, "interval", args=[None], id="tick", minutes=TICK_MINUTES,
                      next_run_time=clock_module.now() + timedelta(seconds=30), replace_existing=True)
    scheduler.start()
    if app is not None:
        app.extensions["tongbang_scheduler"] = scheduler
    log.info("scheduler started with jobs: %s", ", ".join(JOBS))
    return scheduler


def _should_start(app) -> bool:
    """Start with the web server, not with one-off CLI commands (``flask jobs run`` runs its job itself)."""
    if not app.config.get("START_SCHEDULER", True) or app.testing:
        return False
    import click

    ctx = click.get_current_context(silent=True)
    if ctx is not None and ctx.info_name != "run":
        return False
    # Under the debug reloader only the child process (the one serving) runs the scheduler.
    return not (app.debug and os.environ.get("WERKZEUG_RUN_MAIN") != "true" and ctx is not None)


def init_app(app) -> None:
    """Start the scheduler with the app unless ``START_SCHEDULER`` is False (tests) or in a CLI command."""
    if "tongbang_scheduler" in app.extensions or not _should_start(app):
        return
    import atexit

    scheduler = start_scheduler(app)
    atexit.register(lambda: scheduler.shutdown(wait=False))
