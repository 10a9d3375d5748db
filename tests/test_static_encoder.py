"""The shipped static encoder (data/encoder/tongbang-static-zh), loaded for real: its tokenizer, its vectors,
how it is chosen, and that its model id keys the index (switching encoders rebuilds; nothing is cached)."""
from __future__ import annotations

import json
import shutil

import numpy as np
import pytest

from matching.cache import encode_cached, get_cache
from matching.encoder import (
    STATIC_CONFIG,
    STATIC_MODEL_DIR,
    Encoder,
    StaticEncoder,
    StaticTokenizer,
    get_encoder,
    load_encoder,
    static_tokens,
)
from matching.index import forget_indexes, get_job_index
from models.hiring.jobs import save_job


@pytest.fixture(scope="module")
def static() -> StaticEncoder:
    return StaticEncoder(STATIC_MODEL_DIR)


def test_tokens_are_characters_pairs_and_latin_runs():
    assert static_tokens("会烧电焊") == ["会", "烧", "电", "焊", "会烧", "烧电", "电焊"]
    # NFKC and lower case: full-width letters and digits are the same token as half-width ones.
    assert static_tokens("Ｃ１驾照，N1叉车") == ["c1", "驾", "照", "驾照", "n1", "叉", "车", "叉车"]
    assert static_tokens("岗位：焊工\n证书：") == ["岗", "位", "岗位", "焊", "工", "焊工", "证", "书", "证书"]
    assert static_tokens("") == [] and static_tokens("，。!") == []


def test_batch_tokenizer_counts_exactly_the_defined_tokens(static):
    """The vectorised tokenizer (used by encode and by training) agrees with ``static_tokens`` text by text."""
    texts = ["岗位：电焊工\n技能要求：二保焊、氩弧焊\n岗位描述：船体分段焊接，计件", "求职意向：开叉车\n证书：N1证、C1驾照",
             "", "ＡＢＣ１２３ 焊工", "𠀀焊接", "abc\n电工", "焊\ue000工", "Σ大写ΣΣ", "x"]
    counts = static.tokenizer.counts(texts).toarray()
    assert counts.shape == (len(texts), len(static.tokenizer.rows))
    for row, text in enumerate(texts):
        expected = np.zeros(counts.shape[1], dtype=np.float32)
        for token in static_tokens(text):
            if token in static.tokenizer.rows:
                expected[static.tokenizer.rows[token]] += 1
        assert np.array_equal(counts[row], expected), text


def test_unknown_tokens_count_nothing():
    tokenizer = StaticTokenizer(["焊", "工", "焊工", "c1"])
    counts = tokenizer.counts(["电焊工 C1 B2", "会计"]).toarray()
    assert counts.tolist() == [[1, 1, 1, 1], [0, 0, 0, 0]]


def test_shipped_model_loads_with_its_dimension_and_unit_rows(static):
    config = json.loads((STATIC_MODEL_DIR / STATIC_CONFIG).read_text(encoding="utf-8"))
    vectors = static.encode(["电焊工", "叉车司机，有叉车证", "保洁", "……！？ 𠀀𠀁"])
    assert static.dim == config["dim"] and vectors.shape == (4, static.dim) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors[:3], axis=1), 1.0, atol=1e-5)
    assert np.allclose(vectors[3], 0.0)                 # no known token: the zero vector, similarity 0
    assert static.encode([]).shape == (0, static.dim)
    assert isinstance(static, Encoder) and static.cache_vectors is False
    assert static.model_id.startswith("static:tongbang-static-zh:")


def test_encoding_is_deterministic_and_independent_of_batching(static):
    texts = [f"岗位：{t}\n岗位描述：{d}" for t, d in [("电焊工", "二保焊"), ("会计", "记账"), ("保洁员", "楼道")]] * 3
    one = static.encode(texts)
    static.batch_size, before = 2, static.batch_size
    try:
        assert np.array_equal(static.encode(texts), one)
    finally:
        static.batch_size = before
    assert np.array_equal(StaticEncoder(STATIC_MODEL_DIR).encode(texts), one)    # a fresh load: same bytes


def test_related_trades_are_nearer_than_unrelated(static):
    welder, weld, accountant = static.encode(["电焊工", "焊工", "会计"])
    assert float(welder @ weld) > float(welder @ accountant) + 0.3
    forklift, warehouse, cook = static.encode(["叉车司机", "仓库物流叉车工", "厨师"])
    assert float(forklift @ warehouse) > float(forklift @ cook)
    colloquial, trade, cleaner = static.encode(["会烧电焊，二保焊", "岗位：焊工\n技能要求：二氧化碳气体保护焊", "保洁员"])
    assert float(colloquial @ trade) > float(colloquial @ cleaner)


def test_chosen_by_name_or_folder(monkeypatch, tmp_path, static):
    monkeypatch.setenv("TONGBANG_ENCODER", "static")
    assert get_encoder().model_id == static.model_id
    copy = tmp_path / "tongbang-static-zh"
    shutil.copytree(STATIC_MODEL_DIR, copy)
    assert isinstance(load_encoder(str(copy)), StaticEncoder)
    assert load_encoder(str(copy)).model_id == static.model_id       # same name and bytes: same id


def test_a_retrained_model_gets_another_id(tmp_path, static):
    copy = tmp_path / "tongbang-static-zh"
    shutil.copytree(STATIC_MODEL_DIR, copy)
    weights = np.load(copy / "embeddings.npy")
    weights[0, 0] += 1
    np.save(copy / "embeddings.npy", weights)
    assert StaticEncoder(copy).model_id != static.model_id


def test_broken_model_folders_are_clear_errors(tmp_path):
    with pytest.raises(RuntimeError, match="缺少 static_encoder.json"):
        StaticEncoder(tmp_path)
    copy = tmp_path / "model"
    shutil.copytree(STATIC_MODEL_DIR, copy)
    (copy / "vocab.txt").write_text("焊\n工\n", encoding="utf-8")
    with pytest.raises(RuntimeError, match="静态模型文件不一致"):
        StaticEncoder(copy)
    config = json.loads((copy / STATIC_CONFIG).read_text(encoding="utf-8"))
    (copy / STATIC_CONFIG).write_text(json.dumps(dict(config, format="other/9")), encoding="utf-8")
    with pytest.raises(RuntimeError, match="格式"):
        StaticEncoder(copy)


def test_static_vectors_bypass_the_embedding_cache(data_dir, static):
    vectors = encode_cached(static, ["电焊工", "会计"])
    assert np.array_equal(vectors, static.encode(["电焊工", "会计"]))
    assert get_cache().count(static.model_id) == 0


def test_switching_encoder_rebuilds_the_index_under_the_new_model_id(db, data_dir, monkeypatch, tmp_path, static):
    """The index stamp names the model: another model (here a retrained copy) makes the index rebuild."""
    monkeypatch.setenv("TONGBANG_ENCODER", "static")
    weld = save_job(db, {"external_id": "J1", "employer_name": "青岛造船厂", "title": "电焊工", "city": "青岛"})
    save_job(db, {"external_id": "J2", "employer_name": "济南会计师事务所", "title": "会计", "city": "济南"})
    index = get_job_index(db)
    assert [i for i, _s in index.search(static.encode(["焊工"])[0], 1)] == [weld]
    stamp = json.loads((data_dir / "index" / "jobs.stamp.json").read_text(encoding="utf-8"))
    assert stamp["model_id"] == static.model_id and stamp["dim"] == static.dim

    copy = tmp_path / "retrained"
    shutil.copytree(STATIC_MODEL_DIR, copy)
    weights = np.load(copy / "embeddings.npy")
    np.save(copy / "embeddings.npy", weights[:, ::-1].copy())      # same size, other vectors
    monkeypatch.setenv("TONGBANG_ENCODER", str(copy))
    other = get_encoder()
    assert other.model_id != static.model_id
    assert [i for i, _s in index.search(other.encode(["焊工"])[0], 1)] == [weld]
    assert index.index.model_id == other.model_id
    forget_indexes()                                    # saved at rebuild; a restart keeps the new stamp
    stamp = json.loads((data_dir / "index" / "jobs.stamp.json").read_text(encoding="utf-8"))
    assert stamp["model_id"] == other.model_id


def test_import_cli_leaves_the_postings_matchable(runner, data_dir, monkeypatch, tmp_path, static):
    """``flask import jobs`` syncs and saves the index before it returns (``--no-index`` leaves it to the next
    search): a process started afterwards loads every imported posting from the file, nothing to encode."""
    monkeypatch.setenv("TONGBANG_ENCODER", "static")
    ledger = tmp_path / "jobs.jsonl"
    rows = [{"external_id": f"J{n}", "employer_name": "青岛造船厂", "title": title, "city": "青岛"}
            for n, title in enumerate(["电焊工", "叉车司机", "会计", "保洁员"])]
    ledger.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    skipped = runner.invoke(args=["import", "jobs", str(ledger), "--no-index"])
    assert skipped.exit_code == 0 and "索引已同步" not in skipped.output
    assert not (data_dir / "index" / "jobs.faiss").exists()
    result = runner.invoke(args=["import", "jobs", str(ledger)])
    assert result.exit_code == 0, result.output
    assert "岗位索引已同步" in result.output and "现有 4 条可匹配" in result.output
    stamp = json.loads((data_dir / "index" / "jobs.stamp.json").read_text(encoding="utf-8"))
    assert stamp["count"] == 4 and stamp["model_id"] == static.model_id
    forget_indexes()
    from models.store.db import connect

    db = connect()
    try:
        index = get_job_index(db)
        assert len(index) == 4 and index.index.last_check["status"] == "ok"
    finally:
        db.conn.close()
