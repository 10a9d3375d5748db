"""Two real app nodes (gunicorn processes, ``scripts/cluster.py``'s ``start_node``) on one PostgreSQL store and
Redis, each with its own index: a posting saved through node A is in node B's matches within 1 s."""
from __future__ import annotations

import json
import socket
import time
import urllib.request
import uuid

import pytest

from models.store import pg
from models.store.db import migrate
from tests.api.conftest import build_world
from tests.pg_target import pg_run_only, require_pg

pytestmark = pg_run_only


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _call(port: int, token: str, method: str, path: str, body: dict | None = None) -> tuple[int, dict]:
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", method=method,
                                     data=json.dumps(body).encode() if body is not None else None,
                                     headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"{}")


@pytest.fixture
def cluster_store(data_dir, monkeypatch):
    import redis

    base = require_pg()
    try:
        redis.Redis.from_url("redis://127.0.0.1:6379/0", socket_connect_timeout=3).ping()
    except redis.RedisError as exc:
        pytest.skip(f"Redis not reachable at 127.0.0.1:6379: {exc}")
    schema = f"cluster_{uuid.uuid4().hex[:10]}"
    url = pg.create_schema(base, schema)
    yield url
    pg.drop_schema(base, schema)


def test_a_posting_saved_on_node_a_is_matched_on_node_b_within_a_second(cluster_store, data_dir, monkeypatch):
    from scripts.cluster import node_env, shared_keys, start_node, stop, wait_ready

    keys = shared_keys(data_dir / "shared")
    for name, value in keys.items():
        monkeypatch.setenv(name, value)      # the world's ID numbers are encrypted with the nodes' keys
    db = pg.connect(cluster_store)
    migrate(db)
    world = build_world(db)
    db.close()
    token = world.tokens["staff"]
    ports = [_free_port(), _free_port()]
    prefix = f"test-{uuid.uuid4().hex}"   # both nodes share it, as a deployment's nodes do
    nodes = [start_node(port, node_env(cluster_store, data_dir / f"node-{port}", keys, TONGBANG_ENCODER="static",
                                       TONGBANG_SCHEDULER="0", TONGBANG_RATELIMIT_PREFIX=prefix), workers=1, log=data_dir / f"node-{port}.log")
             for port in ports]
    try:
        for port in ports:
            wait_ready(port)
        a, b = ports
        status, before = _call(b, token, "GET", "/api/v1/workers/W-A/matches")   # node B builds its index now
        assert status == 200, before
        assert "J-NEW" not in [m["external_id"] for m in before["data"]]
        posting = {"external_id": "J-NEW", "employer_name": "青岛鑫达焊接有限公司", "title": "电焊工（二保焊）",
                   "city": "青岛", "salary_min": 7000, "salary_max": 9500, "headcount": 3,
                   "required_certificates": ["焊工证"], "benefits": ["包吃住"]}
        status, created = _call(a, token, "POST", "/api/v1/jobs", posting)
        assert status == 201, created
        saved = time.monotonic()
        seen = None
        while time.monotonic() - saved < 5:
            status, body = _call(b, token, "GET", "/api/v1/workers/W-A/matches")
            if "J-NEW" in [m["external_id"] for m in body.get("data", [])]:
                seen = time.monotonic() - saved
                break
            time.sleep(0.05)
        assert seen is not None and seen < 1.0, f"node B saw the posting after {seen} s"
        # and the store is one: node B reads the posting node A wrote
        assert _call(b, token, "GET", "/api/v1/jobs/J-NEW")[1]["data"]["title"] == "电焊工（二保焊）"

        # Redis: failed sign-ins of one address count on both nodes together (30 a minute, app/api/auth.py)
        codes = [_call(port, "tb_" + "x" * 43, "GET", "/api/v1/me")[0] for port in [a, b] * 15]
        assert codes == [401] * 30
        assert _call(a, "tb_" + "y" * 43, "GET", "/api/v1/me")[0] == 429
        assert _call(b, "tb_" + "y" * 43, "GET", "/api/v1/me")[0] == 429
    finally:
        for node in nodes:
            stop(node)
