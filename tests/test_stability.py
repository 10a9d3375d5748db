"""Risk of leaving, employer retention, transport-subsidy eligibility (edge dates) and its export."""
from __future__ import annotations

import io
import sys
from datetime import date
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from placement_factory import make_job, make_worker

from models.access import EVERYTHING
from models.placement.follow_ups import record_follow_up
from models.placement.placements import create_placement, end_placement, with_states
from models.placement.stability import (
    employer_retention,
    export_subsidy_xlsx,
    recompute,
    retention_by_employer,
    risks,
    subsidy_eligible,
    subsidy_list,
)
from models.programme.subsidies import transport


def _fu(db, pid, on, employed=True, **kw):
    return record_follow_up(db, pid, date=on, channel="电话", still_employed=employed, today=date(2030, 1, 1), **kw)


@pytest.mark.parametrize("start, confirmed, eligible", [
    ("2024-01-31", "2024-04-30", True),    # exactly 3 months (month end clamp)
    ("2024-01-31", "2024-04-29", False),   # one day short
    ("2023-11-30", "2024-02-29", True),    # leap day is the 3-month date
    ("2023-11-30", "2024-02-28", False),
    ("2024-03-15", "2024-06-15", True),
    ("2024-03-15", "2024-06-14", False),
    ("2024-12-31", "2025-03-31", True),    # across the year end
])
def test_subsidy_needs_three_confirmed_months(db, start, confirmed, eligible):
    worker = make_worker(db)
    pid = create_placement(db, worker, employer_name="A厂", title="普工", start_date=start)
    _fu(db, pid, confirmed)
    (placement, state), = with_states(db, date(2025, 6, 1), "1 = 1")
    assert subsidy_eligible(placement, state)[0] is eligible


def test_subsidy_status_and_province_rules(db):
    today = date(2024, 9, 1)
    rows = []
    for name, status, province in [("甲", "脱贫享受政策人口", "甘肃省"), ("乙", "防止返贫监测对象", "甘肃省"),
                                   ("丙", "一般农村劳动力", "甘肃省"), ("丁", "脱贫享受政策人口", "重庆市")]:
        w = make_worker(db, name, status=status, province=province)
        pid = create_placement(db, w, employer_name="A厂", title="普工", start_date="2024-02-01")
        _fu(db, pid, "2024-05-02")
        rows.append(pid)
    left = make_worker(db, "戊")
    pid = create_placement(db, left, employer_name="A厂", title="普工", start_date="2024-02-01")
    _fu(db, pid, "2024-04-01")
    _fu(db, pid, "2024-04-20", employed=False)   # left before 3 months: never eligible
    names = [r["name"] for r in subsidy_list(db, today, EVERYTHING)]
    assert names == ["甲", "乙"]
    assert transport().min_months == 3 and "甘肃省" in transport().provinces


def test_subsidy_still_eligible_after_leaving_later(db):
    w = make_worker(db)
    pid = create_placement(db, w, employer_name="A厂", title="普工", start_date="2024-02-01")
    _fu(db, pid, "2024-05-01")
    end_placement(db, pid, end_date="2024-06-01", reason="回乡")
    assert [r["name"] for r in subsidy_list(db, date(2024, 9, 1), EVERYTHING)] == ["张三"]


def test_subsidy_export_opens_with_masked_ids(db):
    from openpyxl import load_workbook
    from placement_factory import make_id

    number = make_id()
    w = make_worker(db, id_number=number)
    pid = create_placement(db, w, employer_name="A厂", title="普工", start_date="2024-02-01")
    _fu(db, pid, "2024-05-01")
    rows = subsidy_list(db, date(2024, 9, 1), EVERYTHING)
    wb = load_workbook(export_subsidy_xlsx(rows, today=date(2024, 9, 1)))
    ws = wb.active
    values = [c for row in ws.iter_rows(values_only=True) for c in row if c]
    assert "张三" in values and "622926********123X" in values
    assert number not in values and "甘人社通〔2024〕155号" in ws["A1"].value


def test_risk_signals_and_reasons(db):
    today = date(2024, 6, 1)
    bad_job = make_job(db, "普工", employer="留不住人厂")
    # the employer kept none of its last three people to 3 months
    for i in range(3):
        w = make_worker(db, f"前{i}")
        pid = create_placement(db, w, job_id=bad_job, start_date="2023-10-01")
        _fu(db, pid, "2023-11-15", employed=False)
    risky = make_worker(db, "风险")
    earlier = create_placement(db, risky, employer_name="X厂", title="普工", start_date="2023-06-01")
    end_placement(db, earlier, end_date="2023-07-01")
    pid = create_placement(db, risky, job_id=bad_job, start_date="2024-02-01")
    record_follow_up(db, pid, date="2024-03-02", channel="电话", still_employed=True, satisfaction=2,
                     might_leave=True, today=today)
    calm = make_worker(db, "稳定")
    calm_pid = create_placement(db, calm, employer_name="好厂", title="普工", start_date="2024-02-01")
    record_follow_up(db, calm_pid, date="2024-05-02", channel="电话", still_employed=True, satisfaction=5,
                     today=today)
    result = {p["id"]: r for p, _, r in risks(db, today, EVERYTHING)}
    top = result[pid]
    assert top.level == "高" and top.score == 100  # capped
    text = " ".join(top.reasons)
    for needle in ("可能离职", "满意度低", "逾期", "不到 3 个月", "留存率"):
        assert needle in text
    assert result[calm_pid].score == 0 and result[calm_pid].level == "低"
    assert next(p["id"] for p, _, _ in risks(db, today, EVERYTHING)) == pid


def test_retention_counts_only_known_outcomes(db):
    today = date(2024, 12, 1)
    job = make_job(db, "普工", employer="甲单位")
    emp = db.execute("SELECT employer_id FROM jobs WHERE id = ?", (job,)).fetchone()[0]
    outcomes = [("2024-01-10", "2024-04-15", True), ("2024-01-10", "2024-02-01", False),
                ("2024-01-10", None, None), ("2024-10-01", None, None)]
    for i, (start, on, employed) in enumerate(outcomes):
        pid = create_placement(db, make_worker(db, f"w{i}"), job_id=job, start_date=start)
        if on:
            _fu(db, pid, on, employed=employed)
    r = retention_by_employer(db, today, EVERYTHING)[emp]
    assert (r.known_3, r.stable_3) == (2, 1) and r.rate_3 == 0.5
    assert (r.known_6, r.stable_6) == (1, 0)   # the early leaver is known at 6 months too
    assert employer_retention(db, today, live=True) == {emp: 0.5}
    summary = recompute(db, today)
    assert summary["employers"] == 1
    assert employer_retention(db) == {emp: 0.5}   # from the nightly snapshot
    assert db.execute("SELECT COUNT(*) FROM placement_risk").fetchone()[0] == 3  # those still in work


def _equal_jobs_with_retention(db):
    """Two identical postings; employer A lost everyone before 3 months, employer B kept everyone."""
    worker = make_worker(db, desired_jobs="包装普工", skills='["包装"]')
    a = make_job(db, "包装普工", employer="甲包装厂", city="青岛", description="包装普工")
    b = make_job(db, "包装普工", employer="乙包装厂", city="青岛", description="包装普工")
    for job, employed in ((a, False), (b, True)):
        for i in range(3):
            pid = create_placement(db, make_worker(db, f"前{job}{i}"), job_id=job, start_date="2024-01-10")
            _fu(db, pid, "2024-04-15" if employed else "2024-02-01", employed=employed)
    return worker, a, b


def test_retention_signal_reorders_otherwise_equal_jobs_in_ranker(db):
    """The ranker, fed employer_retention(db), prefers the employer that keeps its people."""
    pytest.importorskip("models.intake.certificates")   # the ranker needs REFERENCE's modules
    pytest.importorskip("models.intake.occupations")
    ranker = pytest.importorskip("matching.ranker")
    service = pytest.importorskip("matching.service")
    worker_id, a, b = _equal_jobs_with_retention(db)
    worker = service.load_workers(db, [worker_id])[worker_id]
    jobs = service.load_jobs(db, [a, b])
    candidates = [(jobs[a], 0.8), (jobs[b], 0.8)]
    baseline = [s.record["id"] for s in ranker.rank_jobs(worker, candidates, today=date(2024, 6, 1))]
    assert baseline == [a, b]                     # a tie, broken by id
    retention = employer_retention(db, date(2024, 6, 1), live=True)
    assert sorted(retention.values()) == [0.0, 1.0]
    ranked = ranker.rank_jobs(worker, candidates, today=date(2024, 6, 1), stability=retention)
    assert [s.record["id"] for s in ranked] == [b, a]


@pytest.mark.model
def test_stability_signal_reorders_jobs_for_worker(db):
    """The same through matching.service.jobs_for_worker (needs the index and the real encoder)."""
    pytest.importorskip("matching.index")
    service = pytest.importorskip("matching.service")
    worker, a, b = _equal_jobs_with_retention(db)
    retention = employer_retention(db, date(2024, 6, 1), live=True)
    order = [m.job_id for m in service.jobs_for_worker(db, worker, 5, stability=retention) if m.job_id in (a, b)]
    assert order == [b, a]
    flipped = {e: 1.0 - v for e, v in retention.items()}
    order = [m.job_id for m in service.jobs_for_worker(db, worker, 5, stability=flipped) if m.job_id in (a, b)]
    assert order == [a, b]


def test_subsidy_export_to_file(db, tmp_path):
    path = tmp_path / "s.xlsx"
    export_subsidy_xlsx([], path)
    from openpyxl import load_workbook

    assert load_workbook(path).active["A2"].value == "姓名"
    assert isinstance(export_subsidy_xlsx([]), io.BytesIO)
