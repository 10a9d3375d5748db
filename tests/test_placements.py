"""Placements: month arithmetic, milestones, state from follow-ups, leaving and re-matching."""
from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from types import SimpleNamespace

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from placement_factory import make_job, make_worker

from app.demo import seed_placement_history
from matching.rematch import rematch
from models.access import EVERYTHING, Scope
from models.placement.follow_ups import due_queue, record_follow_up
from models.placement.placements import (
    PlacementError,
    add_months,
    create_placement,
    follow_ups_for,
    get_placement,
    milestone_dates,
    placement_state,
)


@pytest.mark.parametrize("start, months, expected", [
    (date(2024, 1, 31), 1, date(2024, 2, 29)),    # leap year month end
    (date(2023, 1, 31), 1, date(2023, 2, 28)),    # common year
    (date(2024, 2, 29), 12, date(2025, 2, 28)),   # leap day, a year on
    (date(2024, 2, 29), 48, date(2028, 2, 29)),   # next leap day
    (date(2024, 3, 31), 3, date(2024, 6, 30)),    # 30-day month
    (date(2024, 11, 30), 3, date(2025, 2, 28)),   # over the year end
    (date(2024, 5, 15), 6, date(2024, 11, 15)),   # ordinary day
    (date(2024, 8, 31), 6, date(2025, 2, 28)),
    (date(2024, 12, 31), 12, date(2025, 12, 31)),
    (date(2024, 3, 31), -1, date(2024, 2, 29)),   # backwards (demo seeding)
])
def test_add_months_clamps_to_month_end(start, months, expected):
    assert add_months(start, months) == expected


def test_milestones_of_a_month_end_start():
    assert milestone_dates(date(2024, 1, 31)) == {
        1: date(2024, 2, 29), 3: date(2024, 4, 30), 6: date(2024, 7, 31), 12: date(2025, 1, 31)}


def _placement(start="2024-01-31", **extra):
    return {"id": 1, "start_date": start, "status": "在岗", "end_date": None, **extra}


def _fu(on, employed=True, **extra):
    return {"date": on, "still_employed": int(employed), "satisfaction": None, "might_leave": 0, **extra}


def test_state_exactly_three_months_is_stable():
    p = _placement("2024-01-31")
    # the 3-month date is 2024-04-30; a confirmation one day early does not count
    early = placement_state(p, [_fu("2024-04-29")], date(2024, 5, 1))
    assert early.stable_months == [] and early.confirmed_months == 1
    assert early.next_months == 3 and early.overdue_days == 1
    exact = placement_state(p, [_fu("2024-04-30")], date(2024, 5, 1))
    assert exact.stable_months == [3] and exact.next_months == 6 and exact.next_due == date(2024, 7, 31)


def test_state_later_confirmation_covers_earlier_milestones():
    state = placement_state(_placement("2024-01-15"), [_fu("2024-07-20")], date(2024, 7, 20))
    assert [m.status for m in state.milestones] == ["confirmed", "confirmed", "confirmed", "upcoming"]
    assert state.stable_months == [3, 6] and state.is_stable(6) and not state.is_stable(12)


def test_state_left_by_follow_up_is_final():
    fus = [_fu("2024-02-20"), _fu("2024-03-10", employed=False, leave_reason="工资低")]
    state = placement_state(_placement("2024-01-15"), fus, date(2024, 9, 1))
    assert state.status == "离职" and state.left_on == date(2024, 3, 10)
    assert state.leave_reason == "工资低"
    assert [m.status for m in state.milestones] == ["confirmed", "left", "left", "left"]
    assert state.next_due is None and state.overdue_days == 0 and state.days_employed == 55


def test_state_due_today_and_overdue():
    p = _placement("2024-03-15")
    assert placement_state(p, [], date(2024, 4, 15)).milestones[0].status == "due"
    late = placement_state(p, [], date(2024, 4, 25))
    assert late.milestones[0].status == "overdue" and late.overdue_days == 10


def test_state_placement_row_ended_without_follow_up():
    p = _placement("2024-01-10", status="离职", end_date="2024-05-01")
    state = placement_state(p, [_fu("2024-04-10")], date(2024, 9, 1))
    assert state.status == "离职" and state.stable_months == [3]


def test_create_placement_from_job_and_outside(db):
    worker = make_worker(db)
    job = make_job(db)
    pid = create_placement(db, worker, job_id=job, start_date="2024-03-01")
    p = get_placement(db, pid)
    assert (p["employer_name"], p["city"], p["title"], p["status"]) == ("青岛海工机械有限公司", "青岛", "焊工", "在岗")
    assert db.execute("SELECT seeking FROM workers WHERE id = ?", (worker,)).fetchone()[0] == 0
    # idempotent for the same worker, job and start (录用 clicked twice)
    assert create_placement(db, worker, job_id=job, start_date="2024-03-01") == pid
    other = create_placement(db, worker, employer_name="烟台某食品厂", city="烟台市", title="包装工",
                             start_date=date(2024, 6, 1))
    assert get_placement(db, other)["city"] == "烟台" and get_placement(db, other)["job_id"] is None
    with pytest.raises(PlacementError):
        create_placement(db, worker, employer_name="", title="x", start_date="2024-01-01")
    with pytest.raises(PlacementError):
        create_placement(db, worker, employer_name="a", title="b", start_date="2024-13-45")


def test_follow_up_validation(db):
    worker = make_worker(db)
    pid = create_placement(db, worker, employer_name="A厂", title="普工", start_date="2024-03-01")
    with pytest.raises(PlacementError, match="回访方式"):
        record_follow_up(db, pid, date="2024-04-01", channel="短信", still_employed=True, today=date(2024, 5, 1))
    with pytest.raises(PlacementError, match="晚于今天"):
        record_follow_up(db, pid, date="2024-06-01", channel="电话", still_employed=True, today=date(2024, 5, 1))
    with pytest.raises(PlacementError, match="早于入职"):
        record_follow_up(db, pid, date="2024-02-01", channel="电话", still_employed=True, today=date(2024, 5, 1))
    with pytest.raises(PlacementError, match="满意度"):
        record_follow_up(db, pid, date="2024-04-01", channel="电话", still_employed=True, satisfaction=9,
                         today=date(2024, 5, 1))
    assert follow_ups_for(db, pid) == []


def test_leaving_requeues_worker_and_is_audited(db):
    worker = make_worker(db)
    job = make_job(db)
    pid = create_placement(db, worker, job_id=job, start_date="2024-03-01")
    record_follow_up(db, pid, date="2024-04-02", channel="电话", still_employed=True, today=date(2024, 5, 1))
    assert db.execute("SELECT seeking FROM workers WHERE id = ?", (worker,)).fetchone()[0] == 0
    record_follow_up(db, pid, date="2024-04-20", channel="微信", still_employed=False, leave_reason="家里有事",
                     today=date(2024, 5, 1))
    row = db.execute("SELECT status, end_date, leave_reason FROM placements WHERE id = ?", (pid,)).fetchone()
    assert row == ("离职", "2024-04-20", "家里有事")
    assert db.execute("SELECT seeking FROM workers WHERE id = ?", (worker,)).fetchone()[0] == 1
    actions = [r[0] for r in db.execute("SELECT action FROM audit_log ORDER BY id")]
    assert actions.count("worker.requeue") == 1 and "placement.end" in actions
    with pytest.raises(PlacementError, match="已离职"):
        record_follow_up(db, pid, date="2024-04-25", channel="电话", still_employed=True, today=date(2024, 5, 1))


def test_rematch_excludes_left_job_and_passes_stability(db, monkeypatch):
    worker = make_worker(db)
    left = make_job(db, "焊工")
    other = make_job(db, "电焊工", employer="烟台造船厂", city="烟台")
    pid = create_placement(db, worker, job_id=left, start_date="2024-03-01")
    record_follow_up(db, pid, date="2024-04-20", channel="电话", still_employed=False, leave_reason="太累",
                     today=date(2024, 5, 1))
    calls = {}

    def fake_jobs_for_worker(db_, worker_id, k=10, *, filters=None, exclude_job_ids=(), stability=None):
        calls.update(worker_id=worker_id, exclude=list(exclude_job_ids), stability=stability)
        return [SimpleNamespace(job_id=j, score=0.8, reasons=["技能相符"]) for j in (left, other)
                if j not in exclude_job_ids]

    import matching.rematch

    monkeypatch.setattr(matching.rematch, "jobs_for_worker", fake_jobs_for_worker)
    result = rematch(db, worker)
    assert calls["worker_id"] == worker and calls["exclude"] == [left]
    assert isinstance(calls["stability"], dict)
    assert [m.job_id for m in result.matches] == [other]
    assert "焊工" in result.note


@pytest.mark.model
def test_rematch_with_real_engine_avoids_left_job(db):
    worker = make_worker(db, skills='["电焊"]', desired_jobs="焊工")
    left = make_job(db, "焊工")
    pid = create_placement(db, worker, job_id=left, start_date="2024-03-01")
    record_follow_up(db, pid, date="2024-04-20", channel="电话", still_employed=False, today=date(2024, 5, 1))
    other = make_job(db, "电焊工", employer="烟台造船厂", city="烟台")
    result = rematch(db, worker, k=5)
    ids = [m.job_id for m in result.matches]
    assert left not in ids and other in ids
    assert all(m.reasons for m in result.matches)   # each new match says why it fits


def test_due_queue_is_scoped_and_ordered(db):
    gansu = make_worker(db, "甲", county="东乡族自治县")
    chongqing = make_worker(db, "乙", province="重庆市", county="酉阳土家族苗族自治县")
    third = make_worker(db, "丙", county="东乡族自治县")
    late = create_placement(db, gansu, employer_name="A厂", city="青岛", title="普工", start_date="2024-01-10")
    due_today = create_placement(db, chongqing, employer_name="B厂", city="烟台", title="普工",
                                 start_date="2024-01-20")
    fresh = create_placement(db, third, employer_name="C厂", city="潍坊", title="普工", start_date="2024-02-15")
    today = date(2024, 2, 20)
    items = due_queue(db, today, EVERYTHING)
    assert [i.placement["id"] for i in items] == [late, due_today]
    assert [i.bucket for i in items] == ["overdue", "today"] and items[0].state.overdue_days == 10
    assert fresh not in [i.placement["id"] for i in items]
    scoped = due_queue(db, today, Scope(counties=frozenset({"东乡族自治县"})))
    assert [i.placement["id"] for i in scoped] == [late]
    by_city = due_queue(db, today, Scope(cities=frozenset({"烟台"})))
    assert [i.placement["id"] for i in by_city] == [due_today]
    # recording the 1-month follow-up moves the placement out of today's queue
    record_follow_up(db, late, date=today, channel="电话", still_employed=True, today=today)
    assert [i.placement["id"] for i in due_queue(db, today, EVERYTHING)] == [due_today]


def test_seed_placement_history_makes_every_kind(db):
    for i in range(30):
        make_worker(db, f"工人{i}")
    for i in range(6):
        make_job(db, f"岗位{i}", employer=f"单位{i % 3}")
    today = date(2026, 11, 28)
    made = seed_placement_history(db, today)
    assert made == 30
    assert seed_placement_history(db, today) == 0  # second run does nothing
    from models.placement.placements import with_states

    states = [s for _, s in with_states(db, today, "1 = 1")]
    assert any(s.status == "离职" for s in states)
    assert any(s.is_stable(3) for s in states)
    assert any(s.overdue_days > 0 for s in states)
    assert db.execute("SELECT COUNT(*) FROM follow_ups WHERE might_leave = 1").fetchone()[0] > 0
    assert db.execute("SELECT COUNT(*) FROM workers WHERE seeking = 1").fetchone()[0] > 0
