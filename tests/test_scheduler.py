"""Scheduled jobs: once per period across concurrent processes, failures retried, time travel, CLI."""
from __future__ import annotations

import sys
import threading
import time
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from freezegun import freeze_time

sys.path.insert(0, str(Path(__file__).parent))

from placement_factory import make_user, make_worker

from app import scheduler as sched
from models.store.clock import tz
from models.store.db import connect


def at(*args) -> datetime:
    return datetime(*args, tzinfo=tz())


def fixed(dt: datetime):
    return lambda: dt


@pytest.fixture
def counting_job(monkeypatch):
    calls = []

    def work(db, now):
        calls.append(now)
        time.sleep(0.3)  # long enough for the other thread to try while this one runs
        db.execute("INSERT INTO audit_log (action, created_at, updated_at) VALUES ('test.work', 'x', 'x')")
        return {"n": len(calls)}

    monkeypatch.setitem(sched.JOBS, "counting", sched.JobSpec("counting", "test", work, 1, 0))
    return calls


def test_two_schedulers_at_once_do_the_work_once(db, data_dir, counting_job):
    now = at(2026, 3, 2, 8, 0)
    results = []
    barrier = threading.Barrier(2)

    def worker(owner):
        conn = connect()       # each "process" has its own connection
        try:
            barrier.wait()
            results.append(sched.run_job(conn, "counting", clock=fixed(now), owner=owner))
        finally:
            conn.conn.close()

    threads = [threading.Thread(target=worker, args=(f"proc{i}",)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(r.status for r in results) == ["done", "skipped"]
    assert len(counting_job) == 1
    assert db.execute("SELECT COUNT(*) FROM audit_log WHERE action = 'test.work'").fetchone()[0] == 1
    run = db.execute("SELECT status, attempts, period FROM job_runs WHERE job = 'counting'").fetchone()
    assert run == ("done", 1, "2026-03-02")
    # the same day again: skipped; the next day: runs
    assert sched.run_job(db, "counting", clock=fixed(now + timedelta(hours=5))).status == "skipped"
    assert sched.run_job(db, "counting", clock=fixed(now + timedelta(days=1))).status == "done"
    assert len(counting_job) == 2


def test_failed_job_is_logged_and_retried(db, monkeypatch, caplog):
    attempts = []

    def flaky(db_, now):
        attempts.append(now)
        if len(attempts) == 1:
            raise RuntimeError("磁盘满了")
        return {"ok": True}

    monkeypatch.setitem(sched.JOBS, "flaky", sched.JobSpec("flaky", "test", flaky, 1, 0))
    now = at(2026, 3, 2, 8, 0)
    first = sched.run_job(db, "flaky", clock=fixed(now))
    assert first.status == "failed" and "磁盘满了" in first.detail
    assert "flaky" in caplog.text
    row = db.execute("SELECT status, error FROM job_runs WHERE job = 'flaky'").fetchone()
    assert row[0] == "failed" and "磁盘满了" in row[1]
    # not hammered: too soon to retry
    assert sched.run_job(db, "flaky", clock=fixed(now + timedelta(minutes=1))).status == "skipped"
    # the tick after the retry delay picks it up
    later = now + sched.RETRY_DELAY + timedelta(minutes=1)
    results = sched.tick(db, clock=fixed(later))
    assert [(r.job, r.status) for r in results if r.job == "flaky"] == [("flaky", "done")]
    assert db.execute("SELECT status, attempts, error FROM job_runs WHERE job = 'flaky'").fetchone() == ("done", 2, None)


def test_failures_stop_after_max_attempts(db, monkeypatch):
    monkeypatch.setitem(sched.JOBS, "broken", sched.JobSpec("broken", "test", lambda d, n: 1 / 0, 1, 0))
    now = at(2026, 3, 2, 8, 0)
    for i in range(sched.MAX_ATTEMPTS + 2):
        sched.run_job(db, "broken", clock=fixed(now + i * (sched.RETRY_DELAY + timedelta(seconds=1))))
    assert db.execute("SELECT status, attempts FROM job_runs WHERE job = 'broken'").fetchone() == \
        ("failed", sched.MAX_ATTEMPTS)
    # still visible and runnable by hand
    assert sched.run_job(db, "broken", clock=fixed(now + timedelta(hours=3)), force=True).status == "failed"


def test_dead_runner_lease_expires(db, counting_job):
    now = at(2026, 3, 2, 8, 0)
    assert sched.claim(db, "counting", "2026-03-02", "dead-process", now)
    assert sched.run_job(db, "counting", clock=fixed(now + timedelta(minutes=5))).status == "skipped"
    assert sched.run_job(db, "counting", clock=fixed(now + sched.LEASE + timedelta(minutes=1))).status == "done"


def test_tick_lock_is_exclusive(db):
    now = at(2026, 3, 2, 8, 0)
    assert sched.acquire_lock(db, "tick", "a", now)
    assert not sched.acquire_lock(db, "tick", "b", now + timedelta(minutes=1))
    assert sched.tick(db, clock=fixed(now), owner="b") == []
    assert sched.acquire_lock(db, "tick", "b", now + timedelta(hours=1))   # lease expired


def test_annual_report_on_first_of_december(db, data_dir):
    with freeze_time("2026-11-30 23:00:00"):   # 2026-12-01 07:00 in Shanghai
        results = {r.job: r for r in sched.tick(db)}
    assert results["annual_report"].status == "done"
    assert (data_dir / "reports" / "tongbang_annual_2026.xlsx").exists()
    with freeze_time("2026-11-29 23:00:00"):   # 30 November: not due
        sched.tick(db)
    assert db.execute("SELECT COUNT(*) FROM job_runs WHERE job = 'annual_report'").fetchone()[0] == 1
    with freeze_time("2026-12-05 03:00:00"):   # later in December: already done this year
        assert "annual_report" not in {r.job for r in sched.tick(db)}


def test_reminders_go_to_outbox_once_per_day(db):
    from models.placement.placements import create_placement

    staff = make_user(db, "staff_gs", "staff", counties=["东乡族自治县"])
    other = make_user(db, "staff_cq", "staff", counties=["酉阳土家族苗族自治县"])
    w = make_worker(db, "马小明", county="东乡族自治县")
    create_placement(db, w, employer_name="A厂", city="青岛", title="普工", start_date="2026-01-20")
    now = at(2026, 3, 2, 7, 45)
    assert sched.run_job(db, "followup_reminders", clock=fixed(now)).result == {"messages": 1, "due": 1,
                                                                                "workers_told": 1}
    again = sched.run_job(db, "followup_reminders", clock=fixed(now), force=True).result
    assert again["messages"] == 0 and again["workers_told"] == 0   # the worker hears it once per milestone
    told = db.execute("SELECT kind, text FROM messages WHERE worker_id = ?", (w,)).fetchall()
    assert len(told) == 1 and told[0][0] == "followup" and "A厂" in told[0][1] and "1个月" in told[0][1]
    rows = db.execute("SELECT user_id, subject, body FROM outbox WHERE channel = 'outbox'").fetchall()
    assert len(rows) == 1 and rows[0][0] == staff and "逾期 1" in rows[0][1] and "马小明" in rows[0][2]
    assert other not in [r[0] for r in rows]


def test_verify_index_and_recompute(db):
    now = at(2026, 3, 2, 3, 0)
    result = sched.run_job(db, "verify_index", clock=fixed(now))
    assert result.status == "done"
    recompute = sched.run_job(db, "recompute_stability", clock=fixed(now))
    assert recompute.status == "done" and "risks" in recompute.result


def test_cli_jobs_list_and_run(runner, app):
    result = runner.invoke(args=["jobs", "run", "recompute_stability", "--date", "2026-03-02"])
    assert result.exit_code == 0, result.output
    assert "完成" in result.output
    again = runner.invoke(args=["jobs", "run", "recompute_stability", "--date", "2026-03-02"])
    assert "跳过" in again.output
    listing = runner.invoke(args=["jobs", "list"])
    assert "annual_report" in listing.output and "recompute_stability" in listing.output
    assert "2026-03-02" in listing.output
    bad = runner.invoke(args=["jobs", "run", "nope"])
    assert bad.exit_code != 0


def test_scheduler_not_started_in_tests_but_startable(app):
    assert "tongbang_scheduler" not in app.extensions
    s = sched.start_scheduler()
    try:
        ids = {j.id for j in s.get_jobs()}
        assert ids == set(sched.JOBS) | {"tick"}
        nxt = s.get_job("annual_report").next_run_time
        assert (nxt.month, nxt.day, nxt.hour) == (12, 1, 6)
    finally:
        s.shutdown(wait=False)


def test_period_names():
    spec = sched.JOBS["annual_report"]
    assert spec.period(at(2026, 12, 1, 6, 0)) == "2026"
    assert sched.JOBS["followup_reminders"].period(at(2026, 3, 2, 7, 30)) == "2026-03-02"
    assert not spec.is_due(at(2026, 11, 30, 23, 59)) and spec.is_due(at(2026, 12, 1, 6, 0))
    assert date(2026, 3, 2) == at(2026, 3, 2, 0, 0).date()


def test_notifier_sender_failure_is_recorded_and_retried(db, monkeypatch):
    from models import notifier

    class FlakySms:
        channel = "sms"

        def __init__(self):
            self.sent, self.fail = [], True

        def send(self, message, recipient):
            if self.fail:
                raise ConnectionError("网关超时")
            self.sent.append((message.subject, recipient and recipient["username"]))

    sms = FlakySms()
    monkeypatch.setitem(notifier._SENDERS, "sms", sms)
    monkeypatch.setenv("TONGBANG_NOTIFY_CHANNELS", "sms")
    staff = make_user(db, "staff_sms", "staff")
    msg = notifier.Message("今日回访 3 人", "甲、乙、丙", user_id=staff, dedupe_key="k1")
    outbox_id = notifier.notify(db, msg)
    assert notifier.notify(db, msg) is None                      # same dedupe key: not queued twice
    row = db.execute("SELECT status, attempts, error FROM outbox WHERE id = ?", (outbox_id,)).fetchone()
    assert row[0] == "failed" and row[1] == 1 and "网关超时" in row[2]
    sms.fail = False
    sched.tick(db, clock=fixed(at(2026, 3, 2, 1, 0)))            # before any job is due: only retries
    assert db.execute("SELECT status, attempts FROM outbox WHERE id = ?", (outbox_id,)).fetchone() == ("sent", 2)
    assert sms.sent == [("今日回访 3 人", "staff_sms")]
    assert [m["subject"] for m in notifier.inbox(db, staff)] == ["今日回访 3 人"]
