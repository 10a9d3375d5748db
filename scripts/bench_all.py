"""Run every benchmark script (``scripts/bench_*.py``) in turn and print their reports.

Usage: ``make bench`` (or ``.venv/bin/python scripts/bench_all.py [NAME ...]`` to run a subset,
e.g. ``import matching_quality``). Each script runs in its own process so one's memory figures
do not include another's. Reports are also written to ``bench-results/<name>.txt``.
"""
from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ORDER = ["import", "occupations", "matching_quality", "matching_speed", "web", "cluster"]


def main(argv: list[str]) -> int:
    scripts = {p.stem.removeprefix("bench_"): p for p in (ROOT / "scripts").glob("bench_*.py")
               if p.stem != "bench_all"}
    wanted = argv or sorted(scripts, key=lambda n: (ORDER.index(n) if n in ORDER else len(ORDER), n))
    out_dir = ROOT / "bench-results"
    out_dir.mkdir(exist_ok=True)
    failed = []
    for name in wanted:
        if name not in scripts:
            print(f"未知的基准测试：{name}（可选：{', '.join(sorted(scripts))}）")
            failed.append(name)
            continue
        print(f"\n===== bench_{name} =====", flush=True)
        started = time.perf_counter()
        proc = subprocess.run([sys.executable, str(scripts[name])], cwd=ROOT,
                              capture_output=True, text=True, check=False)
        report = proc.stdout + (f"\n[stderr]\n{proc.stderr[-4000:]}" if proc.returncode else "")
        print(report, flush=True)
        print(f"(bench_{name}: {time.perf_counter() - started:.1f} s, exit {proc.returncode})")
        (out_dir / f"{name}.txt").write_text(report, encoding="utf-8")
        if proc.returncode:
            failed.append(name)
    if failed:
        print("失败：" + ", ".join(failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
