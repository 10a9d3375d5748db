"""The encoder (real m3e-small) and the embedding cache (a text is never encoded twice, across restarts)."""
from __future__ import annotations

import numpy as np
import pytest

from matching.cache import encode_cached, forget_caches, get_cache, text_key
from matching.encoder import Encoder, SentenceTransformerEncoder, get_encoder, m3e_small_path

pytestmark = pytest.mark.model


@pytest.fixture
def encoder(monkeypatch):
    """m3e-small, whatever the default encoder is: this file is about m3e-small and the embedding cache
    (the static encoder has its own tests and bypasses the cache)."""
    monkeypatch.setenv("TONGBANG_ENCODER", "m3e-small")
    return get_encoder()


class CountingEncoder:
    """Wraps the real encoder and records every text the model is asked to encode."""

    cache_vectors = True          # these tests are about the cache

    def __init__(self, inner: Encoder, model_id: str | None = None) -> None:
        self.inner = inner
        self.model_id = model_id or inner.model_id
        self.dim = inner.dim
        self.seen: list[str] = []

    def encode(self, texts, *, progress=None):
        self.seen.extend(texts)
        return self.inner.encode(texts, progress=progress)


# --- encoder ------------------------------------------------------------------------------------------

def test_encoder_shape_dtype_and_unit_norm(encoder):
    vectors = encoder.encode(["电焊工", "叉车司机，有叉车证", "", "保洁"])
    assert encoder.model_id == "m3e-small" and encoder.dim == 512
    assert vectors.shape == (4, 512) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert encoder.encode([]).shape == (0, 512)
    assert isinstance(encoder, Encoder)


def test_meaning_welder_closer_to_welder_than_to_accountant(encoder):
    welder, weld, accountant = encoder.encode(["电焊工", "焊工", "会计"])
    assert float(welder @ weld) > float(welder @ accountant) + 0.1
    # the scale is compressed (MODELS.md): unrelated trades are still ~0.6-0.7, never filter on a threshold
    assert float(welder @ accountant) > 0.3


def test_get_encoder_is_one_object_per_process(encoder, monkeypatch):
    assert get_encoder() is encoder
    with monkeypatch.context() as patch:
        patch.setenv("TONGBANG_ENCODER", "static")
        static = get_encoder()
        assert static is not encoder and get_encoder() is static
    assert get_encoder() is encoder                 # switching back: the same object, not a second load


def test_encoder_is_chosen_by_configuration(monkeypatch, encoder):
    """TONGBANG_ENCODER names a folder: another model id (so cache keys never mix), same interface."""
    folder = m3e_small_path()
    monkeypatch.setenv("TONGBANG_ENCODER", str(folder))
    import matching.encoder as module

    other = module.SentenceTransformerEncoder(str(folder))
    assert other.model_id.startswith("st:m3e-small:") and other.model_id != encoder.model_id
    assert np.allclose(other.encode(["焊工"]), encoder.encode(["焊工"]), atol=1e-5)


def test_missing_model_folder_is_a_clear_error(tmp_path):
    with pytest.raises(RuntimeError, match="模型目录不存在"):
        SentenceTransformerEncoder(str(tmp_path / "nope"))


# --- cache --------------------------------------------------------------------------------------------

@pytest.fixture(autouse=True)
def _fresh_memory_layer():
    """The in-process layer is shared by every cache file; start each test as a fresh process would."""
    forget_caches()
    yield
    forget_caches()


def test_cache_encodes_each_text_once(data_dir, encoder):
    counting = CountingEncoder(encoder)
    first = encode_cached(counting, ["电焊工", "会计", "电焊工"])
    assert counting.seen == ["电焊工", "会计"]                      # duplicates in one call: encoded once
    again = encode_cached(counting, ["会计", "电焊工"])
    assert counting.seen == ["电焊工", "会计"]                      # second time: no model call at all
    assert np.array_equal(again[1], first[0]) and np.array_equal(again[0], first[1])
    assert np.allclose(first[0], encoder.encode(["电焊工"])[0], atol=1e-6)
    encode_cached(counting, ["电焊工 "])                            # the exact text is the key
    assert counting.seen[-1] == "电焊工 "


def test_cache_survives_a_restart(data_dir, encoder):
    counting = CountingEncoder(encoder)
    before = encode_cached(counting, ["叉车司机", "仓库管理员"])
    forget_caches()                       # closes the file and empties the in-process layer
    assert (data_dir / "embeddings.db").exists()
    restarted = CountingEncoder(encoder)
    after = encode_cached(restarted, ["仓库管理员", "叉车司机"])
    assert restarted.seen == []
    assert np.array_equal(after[::-1], before)
    assert get_cache().count(encoder.model_id) == 2


def test_cache_keys_include_the_model_id(data_dir, encoder):
    first = CountingEncoder(encoder)
    encode_cached(first, ["水电工"])
    other_model = CountingEncoder(encoder, model_id="another-model")
    encode_cached(other_model, ["水电工"])
    assert other_model.seen == ["水电工"]


def test_cache_single_argument_form_uses_the_default_encoder(data_dir, encoder):
    vectors = encode_cached(["面点师"])
    assert vectors.shape == (1, encoder.dim)
    assert get_cache().lookup(encoder.model_id, encoder.dim, [text_key("面点师")])


def test_damaged_cache_row_is_re_encoded(data_dir, encoder):
    counting = CountingEncoder(encoder)
    good = encode_cached(counting, ["木工"])[0]
    cache = get_cache()
    cache._conn.execute("UPDATE embeddings SET vector = x'00'")
    forget_caches()
    healed = encode_cached(counting, ["木工"])[0]
    assert counting.seen == ["木工", "木工"] and np.allclose(healed, good, atol=1e-6)


def test_many_misses_are_encoded_in_batches_and_stored(data_dir, encoder, monkeypatch):
    import matching.cache as cache_module

    monkeypatch.setattr(cache_module, "ENCODE_CHUNK", 4)
    counting = CountingEncoder(encoder)
    texts = [f"普工{i}号岗位" for i in range(10)]
    vectors = encode_cached(counting, texts, progress=False)
    assert len(counting.seen) == 10 and vectors.shape == (10, encoder.dim)
    forget_caches()
    assert get_cache().count(encoder.model_id) == 10
