"""Cluster benchmark: one node on SQLite against two nodes on PostgreSQL + Redis, and the 50,000-row import on both.

1. Web load (``bench_web``'s requests: the worker's 推荐岗位 page and ``GET /api/v1/workers/<id>/matches``, each
   request for a random one of 40 signed-in demo workers), 20 connections in all:
   - one node: gunicorn with 4 workers on the SQLite store;
   - two nodes: gunicorn with 2 workers each (the same 4 processes on this 2-core machine) on one PostgreSQL
     database, Redis for the rate limits, each node its own data folder and index; the load generator sends
     10 connections to each node (a load balancer's even split).
   Both use the static encoder so the store is what differs.
2. The 50,000-row ledger import (``bench_import.py``) on SQLite and on PostgreSQL.

Prints requests/s and latency percentiles per endpoint and set-up, and the import timings. Keep the machine
otherwise idle; on 2 cores two nodes cannot be faster than one (they share the cores); what this measures is what
PostgreSQL and the network hop cost per request, which is what a real multi-machine deployment pays per node.

Usage: ``.venv/bin/python scripts/bench_cluster.py [--seconds 15]`` (in ``make bench``).
"""
from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import uuid
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(ROOT))

import bench_web

PG_SERVER = "postgresql://postgres@127.0.0.1:5432"
REDIS = "redis://127.0.0.1:6379/0"


def _serve(data: Path, port: int, workers: int, env: dict) -> subprocess.Popen:
    proc = subprocess.Popen([str(bench_web.BIN / "gunicorn"), "--workers", str(workers), "--threads", "1",
                             "--bind", f"127.0.0.1:{port}", "app:create_app()"], cwd=ROOT,
                            env=dict(env, TONGBANG_DATA_DIR=str(data)), stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)
    for _ in range(600):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
            return proc
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("server did not start")


def _load(bases: list[str], requests_of, seconds: int, connections: int) -> dict:
    """``connections`` spread evenly over ``bases``, all at once; the figures of all requests together."""
    results: list[dict] = []
    lock = threading.Lock()

    def one(base: str) -> None:
        result = bench_web.run_python(base, requests_of(base), seconds, connections // len(bases), keep=True)
        with lock:
            results.append(result)

    threads = [threading.Thread(target=one, args=(b,)) for b in bases]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    latencies = sorted(x for r in results for x in r["latencies"])
    n = len(latencies)
    return {"rps": sum(r["rps"] for r in results), "p50": latencies[n // 2], "p90": latencies[int(n * 0.9)],
            "p99": latencies[int(n * 0.99)], "non2xx": sum(r["non2xx"] for r in results)}


def _web(label: str, env: dict, datas: list[Path], workers: int, seconds: int) -> list[tuple[str, dict]]:
    os.environ.clear()
    os.environ.update(env)
    externals, token = bench_web.prepare(datas[0])
    for other in datas[1:]:   # the nodes share the keys of ID numbers and sessions
        other.mkdir(parents=True, exist_ok=True)
        for name in ("keys.json", "secret_key"):
            shutil.copy2(datas[0] / name, other / name)
    ports = [bench_web.free_port() for _ in datas]
    servers = [_serve(d, p, workers, env) for d, p in zip(datas, ports)]
    try:
        bases = [f"http://127.0.0.1:{p}" for p in ports]
        cookies = {b: [bench_web.login(b, f"bench{n}") for n in range(len(externals))] for b in bases}
        pages = {b: [("/me/matches", {"Cookie": c}) for c in cookies[b]] for b in bases}
        api = [(f"/api/v1/workers/{e}/matches?k=10", {"Authorization": f"Bearer {token}"}) for e in externals]
        for b in bases:
            for path, headers in (pages[b] + api) * 2:   # warm every worker process
                urllib.request.urlopen(urllib.request.Request(b + path, headers=headers), timeout=120).read()
        out = []
        for endpoint, reqs in (("worker page", lambda b: pages[b]), ("API matches", lambda _b: api)):
            result = _load(bases, reqs, seconds, 20)
            out.append((f"{label}: {endpoint}", result))
            print(f"{label + ': ' + endpoint:<44}{result['rps']:>8.1f}{result['p50']:>9.1f}{result['p90']:>9.1f}"
                  f"{result['p99']:>9.1f}{result['non2xx']:>9}", flush=True)
        return out
    finally:
        for s in servers:
            s.terminate()
            s.wait(timeout=30)


def _import(env: dict) -> str:
    proc = subprocess.run([sys.executable, str(ROOT / "scripts" / "bench_import.py")], cwd=ROOT, env=env,
                          capture_output=True, text=True, check=False)
    lines = [ln for ln in proc.stdout.splitlines() if "import" in ln or "target" in ln or "verified" in ln]
    return "\n".join(lines) + (f"\n[exit {proc.returncode}] {proc.stderr[-800:]}" if proc.returncode else "")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--skip-import", action="store_true")
    args = parser.parse_args()
    base_env = {k: v for k, v in os.environ.items()
                if k not in ("TONGBANG_DATABASE_URL", "TONGBANG_REDIS_URL", "TONGBANG_DATA_DIR")}
    base_env.update(TONGBANG_SCHEDULER="0", TONGBANG_RATELIMIT="0", TONGBANG_ENCODER="static",
                    HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1")
    name = f"bench_cluster_{uuid.uuid4().hex[:8]}"
    try:
        with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True, connect_timeout=5) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.Error as exc:
        print(f"SKIPPED: PostgreSQL not reachable at {PG_SERVER}: {exc}")
        return 0
    pg_url = f"{PG_SERVER}/{name}"
    work = Path(tempfile.mkdtemp(prefix="tongbang-bench-cluster-"))

    def _terminated(_signum, _frame):
        raise KeyboardInterrupt   # a SIGTERM (a timeout) still drops the bench databases below

    signal.signal(signal.SIGTERM, _terminated)
    try:
        print(f"web load, 20 connections, {args.seconds} s per endpoint, static encoder, demo data")
        print(f"{'set-up: endpoint':<44}{'req/s':>8}{'p50 ms':>9}{'p90 ms':>9}{'p99 ms':>9}{'non-200':>9}")
        _web("1 node SQLite (4 workers)", base_env, [work / "lite"], 4, args.seconds)
        _web("2 nodes PG+Redis (2+2 workers)", dict(base_env, TONGBANG_DATABASE_URL=pg_url, TONGBANG_REDIS_URL=REDIS),
             [work / "node-a", work / "node-b"], 2, args.seconds)
        if not args.skip_import:
            with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
                conn.execute(f'CREATE DATABASE "{name}_import"')
            print("\n50,000-row worker ledger import (bench_import.py), SQLite:")
            print(_import(base_env))
            print("same on PostgreSQL:")
            print(_import(dict(base_env, TONGBANG_DATABASE_URL=f"{PG_SERVER}/{name}_import")))
        return 0
    finally:
        shutil.rmtree(work, ignore_errors=True)
        from models.store import pg

        pg.forget_connections()
        with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
            for db in (name, f"{name}_import"):
                conn.execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')


if __name__ == "__main__":
    sys.exit(main())
