"""Benchmark the placement side on a synthetic store: 今日回访 queue, risk list, dashboard data, annual report.

Run from the repository root: ``.venv/bin/python scripts/bench_placements.py [--placements 5000]``.
Uses a temporary TONGBANG_DATA_DIR; prints a readable report.
"""
from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--placements", type=int, default=5000)
    args = parser.parse_args()
    os.environ["TONGBANG_DATA_DIR"] = tempfile.mkdtemp(prefix="tb_bench_pl_")

    from models.access import EVERYTHING, Scope
    from models.placement.follow_ups import due_queue
    from models.placement.placements import add_months
    from models.placement.reports import annual_report_bytes, dashboard_data
    from models.placement.stability import recompute, risks
    from models.store.db import connect, utcnow

    db = connect()
    rng = random.Random(1)
    today = date(2026, 11, 28)
    now = utcnow()
    counties = ["东乡族自治县", "临夏县", "酉阳土家族苗族自治县", "彭水苗族土家族自治县", "积石山县"]
    cities = ["青岛", "烟台", "潍坊", "济南", "临沂", "威海"]
    n = args.placements
    db.conn.execute("BEGIN")
    for i in range(50):
        db.conn.execute("INSERT INTO employers (name, created_at, updated_at) VALUES (?, ?, ?)", (f"单位{i}", now, now))
    for i in range(n):
        db.conn.execute(
            "INSERT INTO workers (external_id, name, hukou_province, hukou_county, assistance_status, seeking,"
            " created_at, updated_at) VALUES (?, ?, '甘肃省', ?, '脱贫享受政策人口', 0, ?, ?)",
            (f"W{i}", f"工人{i}", rng.choice(counties), now, now))
    follow_ups = 0
    for i in range(n):
        start = today - timedelta(days=rng.randint(0, 500))
        emp = rng.randint(1, 50)
        pid = db.conn.execute(
            "INSERT INTO placements (worker_id, employer_id, employer_name, city, title, start_date, status,"
            " created_at, updated_at) VALUES (?, ?, ?, ?, '普工', ?, '在岗', ?, ?)",
            (i + 1, emp, f"单位{emp - 1}", rng.choice(cities), start.isoformat(), now, now)).lastrowid
        for months in (1, 3, 6, 12):
            due = add_months(start, months)
            if due > today or rng.random() < 0.15:
                break
            employed = rng.random() > 0.1
            db.conn.execute(
                "INSERT INTO follow_ups (placement_id, date, channel, still_employed, satisfaction, created_at,"
                " updated_at) VALUES (?, ?, '电话', ?, ?, ?, ?)",
                (pid, min(today, due + timedelta(days=rng.randint(0, 6))).isoformat(), int(employed),
                 rng.randint(1, 5), now, now))
            follow_ups += 1
            if not employed:
                db.conn.execute("UPDATE placements SET status = '离职', end_date = ? WHERE id = ?",
                                (due.isoformat(), pid))
                break
    db.conn.execute("COMMIT")
    print(f"placements bench: {n} placements, {follow_ups} follow-ups")

    def timed(label: str, fn, repeat: int = 3) -> None:
        best = float("inf")
        result = None
        for _ in range(repeat):
            t0 = time.perf_counter()
            result = fn()
            best = min(best, time.perf_counter() - t0)
        size = len(result) if hasattr(result, "__len__") else ""
        print(f"  {label:38s} {best * 1000:8.1f} ms  {size}")

    timed("nightly recompute", lambda: recompute(db, today), repeat=1)
    timed("今日回访 queue (all staff scope)", lambda: due_queue(db, today, EVERYTHING))
    timed("今日回访 queue (one county)", lambda: due_queue(db, today, Scope(counties=frozenset({"临夏县"}))))
    timed("risk list", lambda: risks(db, today, EVERYTHING))
    timed("dashboard data", lambda: dashboard_data(db, today, EVERYTHING))
    timed("annual report workbook", lambda: annual_report_bytes(db, 2026, today, EVERYTHING).getvalue(), repeat=1)
    one_county = Scope(counties=frozenset({"临夏县"}))
    timed("annual report workbook (one county)",
          lambda: annual_report_bytes(db, 2026, today, one_county).getvalue(), repeat=1)


if __name__ == "__main__":
    main()
