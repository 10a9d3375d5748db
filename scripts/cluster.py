"""`make cluster`: two Tongbang app nodes on this machine's PostgreSQL and Redis, with the demo data.

    python scripts/cluster.py [--database tongbang_cluster] [--ports 5001,5002] [--workers 2] [--fresh]
                              [--encoder static|m3e-small]

- the store: database ``--database`` on ``postgresql://postgres@127.0.0.1:5432`` (created when missing;
  ``--fresh`` drops it first), migrated and loaded with the demo data once (``flask demo load``);
- shared state: ``TONGBANG_REDIS_URL=redis://127.0.0.1:6379/0`` (login rate limits of every node together);
- each node: gunicorn on its own port with its own data folder ``instance-cluster/node-<port>/`` (its own FAISS
  index, rebuilt from the store at start and kept in step by revision numbers) and the same keys (the Fernet
  and hash keys of ID numbers and the session secret, made once in ``instance-cluster/shared/``), so a
  session or an encrypted ID made on one node is read on the other;
- the scheduler runs in every process; each job takes its run row in the database, so it runs once.
Prints where the nodes are, then waits; Ctrl+C stops both. ``start_node`` is what the two-process test uses.
"""
from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import psycopg

REPO = Path(__file__).resolve().parents[1]
PG_SERVER = "postgresql://postgres@127.0.0.1:5432"
REDIS = "redis://127.0.0.1:6379/0"
BIN = Path(sys.executable).parent


def shared_keys(folder: Path) -> dict[str, str]:
    """The keys every node must share, made once in ``folder`` (mode 0600) and returned as environment."""
    from cryptography.fernet import Fernet

    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "cluster_keys.json"
    if not path.exists():
        keys = {"TONGBANG_FERNET_KEY": Fernet.generate_key().decode(), "TONGBANG_HASH_KEY": os.urandom(32).hex(),
                "TONGBANG_SECRET_KEY": os.urandom(32).hex()}
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            json.dump(keys, fh)
    return json.loads(path.read_text())


def node_env(database_url: str, data_dir: Path, keys: dict[str, str], **extra: str) -> dict[str, str]:
    env = dict(os.environ, TONGBANG_DATABASE_URL=database_url, TONGBANG_REDIS_URL=REDIS,
               TONGBANG_DATA_DIR=str(data_dir), HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", **keys)
    env.update(extra)
    return env


def start_node(port: int, env: dict[str, str], *, workers: int = 2, log: Path | None = None) -> subprocess.Popen:
    """Start one gunicorn node on 127.0.0.1:``port`` with ``env``; returns the process (its own group)."""
    out = open(log, "ab") if log else subprocess.DEVNULL  # noqa: SIM115 - the child keeps it open
    return subprocess.Popen(
        [str(BIN / "gunicorn"), "--workers", str(workers), "--threads", "1", "--bind", f"127.0.0.1:{port}",
         "--timeout", "120", "app:create_app()"],
        cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)


def wait_ready(port: int, timeout: float = 180.0) -> None:
    """Until ``/healthz`` answers on ``port`` (raises ``TimeoutError`` after ``timeout`` seconds)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise TimeoutError(f"node on port {port} did not answer within {timeout:.0f} s")


def stop(process: subprocess.Popen) -> None:
    """Stop a node started by ``start_node`` (its whole process group: the gunicorn master and workers)."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def ensure_database(name: str, fresh: bool) -> str:
    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if exists and fresh:
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            exists = None
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')
    return f"{PG_SERVER}/{name}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default="tongbang_cluster")
    parser.add_argument("--ports", default="5001,5002")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes per node")
    parser.add_argument("--fresh", action="store_true", help="drop the cluster database and start empty")
    parser.add_argument("--encoder", default=os.environ.get("TONGBANG_ENCODER") or "static",
                        help="TONGBANG_ENCODER of the nodes (default static: each node encodes the whole store into"
                             " its own index at start, ~1 s with the static model, minutes with m3e-small)")
    args = parser.parse_args()
    try:
        with psycopg.connect(f"{PG_SERVER}/postgres", connect_timeout=5):
            pass
        import redis

        redis.Redis.from_url(REDIS, socket_connect_timeout=5).ping()
    except Exception as exc:  # noqa: BLE001 - say what is missing and stop
        print(f"集群需要本机的 PostgreSQL（{PG_SERVER}）和 Redis（{REDIS}）：{exc}", file=sys.stderr)
        return 1
    url = ensure_database(args.database, args.fresh)
    home = REPO / "instance-cluster"
    keys = shared_keys(home / "shared")
    ports = [int(p) for p in args.ports.split(",")]
    first = home / f"node-{ports[0]}"
    print(f"store: {url}\nredis: {REDIS}\nloading the demo data (once; the index builds with the demo) ...", flush=True)
    subprocess.run([str(BIN / "flask"), "--app", "app", "demo", "load", "--no-progress"], cwd=REPO, check=True,
                   env=node_env(url, first, keys, TONGBANG_ENCODER=args.encoder))
    def _terminated(_signum, _frame):
        raise KeyboardInterrupt   # SIGTERM stops the nodes as Ctrl+C does (they run in sessions of their own)

    signal.signal(signal.SIGTERM, _terminated)
    nodes = [start_node(port, node_env(url, home / f"node-{port}", keys, TONGBANG_ENCODER=args.encoder),
                        workers=args.workers,
                        log=home / f"node-{port}.log") for port in ports]
    try:
        for port in ports:
            wait_ready(port)
        print("同帮集群已启动（Ctrl+C 停止）：")
        for port in ports:
            print(f"  node http://127.0.0.1:{port}   data folder {home / f'node-{port}'}   log {home / f'node-{port}.log'}")
        print("  演示账号见 README（密码 tongbang2026）；任一节点登录、保存的数据，另一节点立即可见。", flush=True)
        while all(n.poll() is None for n in nodes):
            time.sleep(1)
        print("a node stopped; see its log", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 0
    finally:
        for node in nodes:
            stop(node)


if __name__ == "__main__":
    sys.exit(main())
