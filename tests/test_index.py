"""FAISS indexes in step with the store (real model, real FAISS, real SQLite).

A posting saved through any connection is searchable at the next search, a closed one is gone at once,
an edited one is re-embedded; index files that are missing, stale or corrupt are rebuilt, never trusted.
"""
from __future__ import annotations

import json
import logging
import threading

import numpy as np
import pytest

from matching.cache import encode_cached
from matching.index import (
    build_backend,
    forget_indexes,
    get_job_index,
    get_worker_index,
    rebuild_all,
    verify_all,
    worker_vector,
)
from models.hiring.jobs import save_job, set_job_status
from models.people.workers import set_worker_seeking, upsert_worker
from models.store.db import connect

pytestmark = pytest.mark.model


def job(external_id: str, title: str, **extra) -> dict:
    return {"external_id": external_id, "employer_name": extra.pop("employer", "青岛造船厂"), "title": title,
            "city": "青岛", "description": extra.pop("description", ""), **extra}


def query(text: str) -> np.ndarray:
    return encode_cached([text])[0]


def ids(hits) -> list[int]:
    return [i for i, _sim in hits]


@pytest.fixture
def market(db, encoder):
    """A small market: a welder, an accountant, a cleaner; one worker."""
    made = {
        "weld": save_job(db, job("J-WELD", "电焊工", description="船体焊接，二保焊")),
        "acct": save_job(db, job("J-ACCT", "会计", employer="济南会计师事务所", description="记账报税")),
        "clean": save_job(db, job("J-CLEAN", "保洁员", employer="物业公司", description="楼道清扫")),
    }
    return made


def restart() -> None:
    """What a new process sees: no index in memory (files stay on disk)."""
    forget_indexes()


# --- kept in step with the store ----------------------------------------------------------------------

def test_search_returns_database_ids_best_first(db, market):
    hits = get_job_index(db).search(query("焊工"), 3)
    assert ids(hits)[0] == market["weld"]
    assert set(ids(hits)) == set(market.values())
    assert [s for _i, s in hits] == sorted((s for _i, s in hits), reverse=True)
    assert len(get_job_index(db)) == 3


def test_new_job_from_another_connection_is_searchable_at_once(db, market, data_dir):
    index = get_job_index(db)
    assert ids(index.search(query("叉车司机"), 1)) != []          # loaded before the write
    other = connect()                                           # e.g. `flask import jobs` in another process
    try:
        forklift = save_job(other, job("J-FORK", "叉车司机", employer="日照港物流", description="仓库叉车装卸"))
    finally:
        other.conn.close()
    assert ids(index.search(query("叉车司机"), 1)) == [forklift]
    assert len(index) == 4


def test_closed_and_filled_jobs_disappear_at_once(db, market):
    index = get_job_index(db)
    assert market["weld"] in ids(index.search(query("焊工"), 3))
    set_job_status(db, market["weld"], "closed")
    assert market["weld"] not in ids(index.search(query("焊工"), 10))
    assert index.vector_for(market["weld"]) is None
    set_job_status(db, market["acct"], "filled")
    assert set(ids(index.search(query("焊工"), 10))) == {market["clean"]}
    set_job_status(db, market["weld"], "open")                 # reopened: back again
    assert ids(index.search(query("焊工"), 1)) == [market["weld"]]


def test_edited_job_is_re_embedded(db, market, encoder):
    index = get_job_index(db)
    before = index.vector_for(market["acct"])
    sim_before = dict(index.search(query("叉车司机"), 3))[market["acct"]]
    save_job(db, job("J-ACCT", "叉车司机", employer="济南会计师事务所", description="仓库叉车装卸"),
             job_id=market["acct"])
    after = index.vector_for(market["acct"])
    assert not np.allclose(before, after)
    from matching.text import job_text

    expected = encoder.encode([job_text({"title": "叉车司机", "description": "仓库叉车装卸"})])[0]
    assert np.allclose(after, expected, atol=1e-5)
    best = index.search(query("叉车司机"), 1)
    assert ids(best) == [market["acct"]] and best[0][1] > sim_before + 0.1


def test_edit_that_does_not_change_the_text_costs_no_encoding(db, market, monkeypatch):
    index = get_job_index(db)
    index.search(query("焊工"), 1)
    import matching.index as module

    calls = []
    original = module.VectorIndex._embed
    monkeypatch.setattr(module.VectorIndex, "_embed", lambda self, rows, progress=None: (
        calls.append(len(rows)), original(self, rows, progress))[1])
    save_job(db, job("J-WELD", "电焊工", description="船体焊接，二保焊", salary_min=9000), job_id=market["weld"])
    index.search(query("焊工"), 1)
    assert calls == []                      # salary is not part of the text: nothing re-embedded


def _welder_codes() -> list[str]:
    from matching.features import job_occupations

    return [o.code for o in job_occupations({"title": "电焊工"})[:1]]


def test_occupation_map_follows_new_edited_and_closed_postings(db, market, data_dir):
    index = get_job_index(db)
    welder = _welder_codes()
    assert welder and index.occupation_hits(welder, ["青岛"], 10) == [market["weld"]]
    other = connect()
    try:
        fresh = save_job(other, job("J-WELD2", "急招电焊工（长期）", employer="烟台船厂", city="烟台"))
    finally:
        other.conn.close()
    # new posting: in the channel at once, after the one in the desired city
    assert index.occupation_hits(welder, ["青岛"], 10) == [market["weld"], fresh]
    assert index.occupation_hits(welder, ["烟台"], 10) == [fresh, market["weld"]]
    assert index.occupation_hits(welder, [], 1) == [fresh]                  # newest first, capped
    save_job(db, job("J-WELD2", "会计", employer="烟台船厂", city="烟台"), job_id=fresh)   # edited: moves
    assert index.occupation_hits(welder, [], 10) == [market["weld"]]
    set_job_status(db, market["weld"], "closed")                            # closed: gone at once
    assert index.occupation_hits(welder, [], 10) == []
    set_job_status(db, market["weld"], "open")
    restart()                                                               # verified load rebuilds the map
    assert get_job_index(db).occupation_hits(welder, [], 10) == [market["weld"]]


def test_titles_are_classified_once_and_remembered_across_restarts(db, market, data_dir, monkeypatch):
    from matching import features
    from matching.cache import get_cache

    features._titles.clear()                              # as in a new process
    get_job_index(db).search(query("焊工"), 1)
    version = features.classifier_version()
    key = features._title_key("电焊工")
    assert get_cache().lookup_labels(version, [key])[key][0][0] == _welder_codes()[0]
    restart()
    features._titles.clear()
    features._classify.cache_clear()
    calls = []
    original = features._classify.__wrapped__
    monkeypatch.setattr(features, "_classify", lambda text: (calls.append(text), original(text))[1])
    assert get_job_index(db).occupation_hits(_welder_codes(), [], 10) == [market["weld"]]
    assert [c for c in calls if c != "电焊工"] == []      # the three titles came from the label cache


def test_match_list_sees_edits_and_closures_at_once(db, market):
    from matching.service import jobs_for_worker

    upsert_worker(db, {"external_id": "W-WELD", "name": "王师傅", "desired_jobs": "电焊工",
                       "experience": "船厂电焊十年", "desired_cities": ["青岛"]})
    worker_id = db.execute("SELECT id FROM workers WHERE external_id = 'W-WELD'").fetchone()[0]
    first = jobs_for_worker(db, worker_id, 3)
    assert first[0].job_id == market["weld"] and first[0].salary_min is None
    # salary is not in the embedded text: only the record changes (a new rev), and the list shows it
    save_job(db, job("J-WELD", "电焊工", description="船体焊接，二保焊", salary_min=9000, salary_max=12000),
             job_id=market["weld"])
    again = jobs_for_worker(db, worker_id, 3)
    assert again[0].job_id == market["weld"] and again[0].salary_min == 9000
    set_job_status(db, market["weld"], "closed")
    assert market["weld"] not in [m.job_id for m in jobs_for_worker(db, worker_id, 3)]


def test_worker_index_holds_seeking_workers_only(db, encoder):
    wid = 0
    for ext, desired in (("W1", "电焊工"), ("W2", "会计")):
        upsert_worker(db, {"external_id": ext, "name": "测试", "desired_jobs": desired})
    rows = dict(db.execute("SELECT external_id, id FROM workers").fetchall())
    wid = rows["W1"]
    index = get_worker_index(db)
    assert ids(index.search(query("焊工"), 1)) == [wid]
    set_worker_seeking(db, wid, False)
    assert wid not in ids(index.search(query("焊工"), 5))
    # the worker's own vector is still there for matching, through the cache
    assert np.allclose(worker_vector(db, wid), query("求职意向：电焊工"), atol=1e-6)
    assert worker_vector(db, 999) is None


def test_concurrent_searches_while_another_connection_writes(db, market, data_dir):
    index = get_job_index(db)
    vector = query("焊工")
    errors: list[BaseException] = []

    def reader():
        try:
            for _ in range(30):
                assert index.search(vector, 5)
        except BaseException as exc:           # noqa: BLE001 - collected and asserted below
            errors.append(exc)

    def writer():
        try:
            conn = connect()
            for n in range(10):
                save_job(conn, job(f"J-T{n}", "焊工", description=f"钢结构焊接 {n} 号线"))
            conn.conn.close()
        except BaseException as exc:           # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=reader) for _ in range(3)] + [threading.Thread(target=writer)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert len(index) == 13


# --- persistence: never trusted, never fatal ----------------------------------------------------------

def test_saved_index_is_reused_after_a_restart(db, market, data_dir):
    get_job_index(db).search(query("焊工"), 1)
    assert (data_dir / "index" / "jobs.faiss").exists()
    stamp = json.loads((data_dir / "index" / "jobs.stamp.json").read_text())
    from matching.encoder import get_encoder

    assert stamp["count"] == 3 and stamp["model_id"] == get_encoder().model_id and stamp["dim"] == get_encoder().dim
    restart()
    index = get_job_index(db)
    assert ids(index.search(query("焊工"), 1)) == [market["weld"]]
    assert index.index.last_check["status"] == "ok"


def test_rows_changed_while_down_are_synced_not_rebuilt(db, market, data_dir):
    get_job_index(db).search(query("焊工"), 1)
    restart()
    forklift = save_job(db, job("J-FORK", "叉车司机", description="仓库叉车"))
    set_job_status(db, market["weld"], "closed")
    index = get_job_index(db)
    assert ids(index.search(query("叉车司机"), 1)) == [forklift]
    assert market["weld"] not in ids(index.search(query("焊工"), 10))
    assert index.index.last_check["status"] == "ok"


@pytest.mark.parametrize("damage, status", [
    ("truncate", "corrupt"), ("flip", "corrupt"), ("delete_index", "missing"), ("delete_both", "missing"),
    ("garbage_stamp", "corrupt"),
])
def test_damaged_index_files_are_rebuilt(db, market, data_dir, caplog, damage, status):
    get_job_index(db).search(query("焊工"), 1)
    restart()
    path, stamp = data_dir / "index" / "jobs.faiss", data_dir / "index" / "jobs.stamp.json"
    if damage == "truncate":
        with open(path, "r+b") as fh:
            fh.truncate(path.stat().st_size // 2)
    elif damage == "flip":
        blob = bytearray(path.read_bytes())
        blob[-10] ^= 0xFF
        path.write_bytes(bytes(blob))
    elif damage == "delete_index":
        path.unlink()
    elif damage == "delete_both":
        path.unlink()
        stamp.unlink()
    else:
        stamp.write_text("{not json")
    with caplog.at_level(logging.WARNING, logger="matching.index"):
        index = get_job_index(db)
        assert ids(index.search(query("焊工"), 1)) == [market["weld"]]
    assert index.index.last_check["status"] == status
    assert any("rebuilding" in r.getMessage() for r in caplog.records)
    assert len(index) == 3
    restart()
    assert verify_all(db)["jobs"]["status"] == "ok"            # the rebuilt file was saved


def test_store_changed_behind_the_file_is_stale(db, market, data_dir):
    get_job_index(db).search(query("焊工"), 1)
    restart()
    # a row deleted outright does not bump any rev: only the start-up check can notice
    db.execute("DELETE FROM jobs WHERE id = ?", (market["acct"],))
    index = get_job_index(db)
    assert market["acct"] not in ids(index.search(query("会计"), 10))
    assert index.index.last_check["status"] == "stale"


def test_index_of_another_model_is_stale(db, market, data_dir):
    get_job_index(db).search(query("焊工"), 1)
    restart()
    path = data_dir / "index" / "jobs.stamp.json"
    stamp = json.loads(path.read_text())
    path.write_text(json.dumps(dict(stamp, model_id="some-other-model")))
    index = get_job_index(db)
    index.search(query("焊工"), 1)
    assert index.index.last_check["status"] == "stale"
    assert "some-other-model" in index.index.last_check["reason"]


def test_verify_reports_and_repairs(db, market, data_dir):
    first = verify_all(db)                         # a fresh instance: nothing on disk yet
    assert first["jobs"]["status"] == "missing" and first["jobs"]["repaired"]
    report = verify_all(db)
    assert set(report) == {"jobs", "workers"}
    assert report["jobs"]["status"] == "ok" and report["jobs"]["count"] == report["jobs"]["store_count"] == 3
    assert report["jobs"]["stamp"]["count"] == 3 and report["workers"]["count"] == 0
    path = data_dir / "index" / "jobs.faiss"
    with open(path, "r+b") as fh:
        fh.truncate(100)
    report = verify_all(db)                       # in-memory index is right; the file is rewritten from it
    assert report["jobs"]["status"] == "corrupt" and report["jobs"]["repaired"]
    assert verify_all(db)["jobs"]["status"] == "ok"
    # the in-memory index itself out of step with the store (a row deleted outright): rebuilt
    db.execute("DELETE FROM jobs WHERE id = ?", (market["clean"],))
    report = verify_all(db)
    assert report["jobs"]["status"] == "stale" and report["jobs"]["count"] == 2


def test_cli_verify_and_rebuild(runner, app):
    from app.database import get_db

    with app.app_context():
        save_job(get_db(), job("J-1", "电焊工"))
    result = runner.invoke(args=["index", "rebuild", "--no-progress"])
    assert result.exit_code == 0, result.output
    assert "在招岗位索引已重建：1 条" in result.output
    result = runner.invoke(args=["index", "verify", "--no-progress"])
    assert result.exit_code == 0, result.output
    assert "在招岗位索引：正常" in result.output and "索引 1 条 / 数据库 1 条" in result.output
    from models.store.config import data_dir

    (data_dir() / "index" / "workers.stamp.json").unlink()
    forget_indexes()
    result = runner.invoke(args=["index", "verify", "--no-progress"])
    assert result.exit_code == 2, result.output                # repaired: non-zero so monitoring notices
    assert "求职者索引：缺失" in result.output and "已修复" in result.output
    assert runner.invoke(args=["index", "verify", "--no-progress"]).exit_code == 0


def test_rebuild_all_counts(db, market):
    result = rebuild_all(db, progress=False)
    assert result["jobs"]["count"] == 3 and result["jobs"]["backend"] == "flat"


# --- the approximate path -----------------------------------------------------------------------------

def embedding_like(n: int, dim: int = 512, seed: int = 0) -> np.ndarray:
    """Random unit vectors whose variance decays over directions (1/i), as sentence embeddings' does.

    (Uniform random 512-d vectors have no neighbourhood structure at all: no ANN index reaches high
    recall on them cheaply, and no text model produces them. scripts/bench_matching_speed.py measures
    recall on vectors with the covariance of real m3e job vectors.)
    """
    rng = np.random.default_rng(seed)
    scale = np.sqrt(1.0 / np.arange(1, dim + 1)).astype(np.float32)
    basis = np.linalg.qr(np.random.default_rng(42).standard_normal((dim, dim)))[0].astype(np.float32)
    vectors = (rng.standard_normal((n, dim)).astype(np.float32) * scale) @ basis
    return (vectors / np.linalg.norm(vectors, axis=1, keepdims=True)).astype(np.float32)


def recall_at_10(exact, approx, queries: np.ndarray) -> float:
    _s, truth = exact.search(queries, 10)
    _s, found = approx.search(queries, 10)
    return float(np.mean([len(set(t) & set(f)) / 10 for t, f in zip(truth, found)]))


def test_hnsw_recall_against_flat_on_random_vectors():
    vectors = embedding_like(4000)
    queries = embedding_like(200, seed=1)
    db_ids = np.arange(1, 4001, dtype=np.int64) * 7          # database ids, not positions
    flat = build_backend(db_ids, vectors, 512, backend="flat")
    hnsw = build_backend(db_ids, vectors, 512, backend="hnsw")
    assert recall_at_10(flat, hnsw, queries) >= 0.98
    # removing a tenth: tomb-stones are never returned and recall holds
    gone = db_ids[::10]
    flat.remove(gone)
    hnsw.remove(gone)
    _s, found = hnsw.search(queries, 10)
    assert not set(found.ravel()) & set(gone.tolist())
    assert recall_at_10(flat, hnsw, queries) >= 0.98
    assert len(hnsw) == len(flat) == 3600


def test_hnsw_index_in_step_with_the_store(db, encoder, data_dir, monkeypatch):
    monkeypatch.setenv("TONGBANG_HNSW_THRESHOLD", "4")
    titles = ["电焊工", "会计", "保洁员", "叉车司机", "厨师", "水电工"]
    made = [save_job(db, job(f"J{n}", t)) for n, t in enumerate(titles)]
    index = get_job_index(db)
    assert index.backend == "hnsw"
    assert ids(index.search(query("焊工"), 1)) == [made[0]]
    set_job_status(db, made[0], "closed")
    assert made[0] not in ids(index.search(query("焊工"), 6)) and len(index) == 5
    save_job(db, job("J1", "焊工", description="钢结构焊接"), job_id=made[1])     # edited: replaced
    assert ids(index.search(query("焊工"), 1)) == [made[1]]
    assert len(ids(index.search(query("焊工"), 10))) == 5
    index.index.save()
    restart()
    again = get_job_index(db)
    assert again.backend == "hnsw" and again.index.last_check["status"] == "ok"
    assert ids(again.search(query("焊工"), 1)) == [made[1]]
