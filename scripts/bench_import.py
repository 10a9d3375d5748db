"""Benchmark: import a 50,000-row worker ledger (no embedding) into a fresh temp data folder.

Run from the repository root:  .venv/bin/python scripts/bench_import.py [--rows 50000] [--format csv]
Generates valid rows (real county-level divisions of Chongqing and Gansu, resident IDs with the right
area code and GB 11643 check digit, Chinese headers), imports them through the import action
(``models.actions.imports.import_ledger`` as ``SYSTEM``), then imports the same file again (everything must
be unchanged), then once more as staff covering one county (酉阳: the per-row scope check rejects every other
county's row). Prints rows/s, seconds, peak memory (``resource.getrusage``) and checks the counts. Target
(issue 2): 50,000 rows in under 60 s.
"""
from __future__ import annotations

import argparse
import os
import random
import resource
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

# Real county-level divisions (code, province, name), checked against the national division list.
COUNTIES = [
    ("500229", "重庆市", "城口县"), ("500235", "重庆市", "云阳县"), ("500236", "重庆市", "奉节县"),
    ("500237", "重庆市", "巫山县"), ("500238", "重庆市", "巫溪县"), ("500240", "重庆市", "石柱土家族自治县"),
    ("500241", "重庆市", "秀山土家族苗族自治县"), ("500242", "重庆市", "酉阳土家族苗族自治县"),
    ("500243", "重庆市", "彭水苗族土家族自治县"), ("620525", "甘肃省", "张家川回族自治县"),
    ("620821", "甘肃省", "泾川县"), ("621126", "甘肃省", "岷县"), ("622921", "甘肃省", "临夏县"),
    ("622926", "甘肃省", "东乡族自治县"), ("622927", "甘肃省", "积石山保安族东乡族撒拉族自治县"),
]
HEADERS = ["编号", "姓名", "身份证号", "手机号", "户籍省份", "户籍区县", "帮扶身份", "学历", "技能", "证书",
           "工作经历", "求职意向", "意向城市", "期望月薪", "需求"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀英华平刚桂兰"
STATUSES = ["脱贫享受政策人口", "防止返贫监测对象", "低保对象", "特困人员", "一般农村劳动力"]
EDUCATION = ["小学及以下", "初中", "高中", "中专/技校", "大专"]
SKILLS = ["电焊", "叉车", "砌墙", "开车", "做饭", "缝纫", "装配", "搬运", "保洁", "水电安装"]
CERTS = ["", "焊工证", "叉车证", "健康证", "C1驾驶证", "低压电工证"]
CITIES = ["青岛", "烟台", "济南", "潍坊", "威海", "临沂"]
NEEDS = ["包吃住", "夫妻房", "长白班", ""]
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def resident_id(area: str, born: date, seq: int) -> str:
    """A valid 18-character resident ID (GB 11643 check digit)."""
    first17 = f"{area}{born:%Y%m%d}{seq:03d}"
    return first17 + "10X98765432"[sum(int(d) * w for d, w in zip(first17, WEIGHTS)) % 11]


def generate_rows(n: int, seed: int = 7) -> list[list[str]]:
    rng = random.Random(seed)
    rows = []
    for i in range(1, n + 1):
        code, province, county = rng.choice(COUNTIES)
        born = date(1966, 1, 1) + timedelta(days=rng.randrange(0, 365 * 38))
        number = resident_id(code, born, rng.randrange(1, 1000))
        rows.append([
            f"W{i:06d}", rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN), number,
            f"1{rng.choice('3589')}{rng.randrange(10**9):09d}", province, county, rng.choice(STATUSES),
            rng.choice(EDUCATION), "、".join(rng.sample(SKILLS, 2)), rng.choice(CERTS),
            f"在外面打过{rng.randrange(1, 15)}年工，干过{rng.choice(SKILLS)}", rng.choice(SKILLS) + "相关工作",
            "、".join(rng.sample(CITIES, rng.randrange(0, 3))), str(rng.randrange(30, 90) * 100), rng.choice(NEEDS),
        ])
    return _unique_ids(rows)


def _unique_ids(rows: list[list[str]]) -> list[list[str]]:
    seen: set[str] = set()
    for row in rows:
        number = row[2]
        while number in seen:  # a birthday + sequence collision: move the sequence on
            first17 = number[:14] + f"{(int(number[14:17]) + 1) % 1000 or 1:03d}"
            number = resident_id(first17[:6], date(int(first17[6:10]), int(first17[10:12]), int(first17[12:14])),
                                 int(first17[14:17]))
        seen.add(number)
        row[2] = number
    return rows


def write_file(path: Path, rows: list[list[str]]) -> None:
    if path.suffix == ".csv":
        import csv

        with path.open("w", encoding="gb18030", newline="") as fh:  # what Chinese Excel writes
            writer = csv.writer(fh)
            writer.writerow(HEADERS)
            writer.writerows(rows)
    elif path.suffix == ".jsonl":
        import json

        with path.open("w", encoding="utf-8") as fh:
            for row in rows:
                fh.write(json.dumps(dict(zip(HEADERS, row)), ensure_ascii=False) + "\n")
    else:
        from openpyxl import Workbook

        wb = Workbook(write_only=True)
        ws = wb.create_sheet()
        ws.append(HEADERS)
        for row in rows:
            ws.append(row)
        wb.save(path)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--format", choices=("csv", "xlsx", "jsonl"), default="csv")
    parser.add_argument("--progress", action="store_true", help="show the import's progress bar")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="tongbang-bench-import-"))
    os.environ["TONGBANG_DATA_DIR"] = str(workdir / "instance")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")

    from models.access import SYSTEM
    from models.actions.imports import import_ledger
    from models.people import pii
    from models.store.db import connect

    t0 = time.perf_counter()
    rows = generate_rows(args.rows)
    path = workdir / f"workers.{args.format}"
    write_file(path, rows)
    t_gen = time.perf_counter() - t0

    t0 = time.perf_counter()
    for row in rows[:5000]:
        pii.encrypt_id(row[2])
    fernet_us = (time.perf_counter() - t0) / 5000 * 1e6

    db = connect()
    t0 = time.perf_counter()
    first = import_ledger(db, SYSTEM, "workers", path, progress=args.progress)
    t_first = time.perf_counter() - t0
    t0 = time.perf_counter()
    second = import_ledger(db, SYSTEM, "workers", path, progress=args.progress)
    t_second = time.perf_counter() - t0
    county_staff = {"id": None, "role": "staff", "scope_counties": ["酉阳土家族苗族自治县"], "scope_cities": []}
    own = sum(1 for row in rows if row[5] == "酉阳土家族苗族自治县")
    t0 = time.perf_counter()
    scoped = import_ledger(db, county_staff, "workers", path, progress=args.progress)
    t_scoped = time.perf_counter() - t0
    stored = db.execute("SELECT COUNT(*) FROM workers").fetchone()[0]
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    n = args.rows
    print(f"Ledger import benchmark ({n:,} worker rows, {args.format}, {path.stat().st_size / 1e6:.1f} MB)")
    print(f"  generate file:        {t_gen:6.1f} s")
    print(f"  first import:         {t_first:6.1f} s  ({n / t_first:,.0f} rows/s)  "
          f"added {first.added:,}, rejected {first.rejected:,}")
    print(f"  re-import (unchanged):{t_second:6.1f} s  ({n / t_second:,.0f} rows/s)  "
          f"unchanged {second.unchanged:,}, added {second.added}, updated {second.updated}")
    print(f"  one county's staff:   {t_scoped:6.1f} s  ({n / t_scoped:,.0f} rows/s)  "
          f"unchanged {scoped.unchanged:,} (its own county), rejected {scoped.rejected:,} (out of scope)")
    print(f"  Fernet encrypt_id:    {fernet_us:6.1f} µs per ID ({fernet_us * n / 1e6:.1f} s of the first import)")
    print(f"  peak memory (RSS):    {peak_mb:6.0f} MB")
    ok = (first.added == n and first.rejected == 0 and stored == n and second.unchanged == n
          and second.added == second.updated == 0 and scoped.unchanged == own and scoped.rejected == n - own)
    target = t_first < 60
    print(f"  counts verified:      {'yes' if ok else 'NO'}")
    print(f"  target < 60 s:        {'met' if target else 'MISSED'}")
    if first.rejections:
        print("  first rejections:", first.rejections[:5])
    db.conn.close()
    return 0 if ok and target else 1


if __name__ == "__main__":
    sys.exit(main())
