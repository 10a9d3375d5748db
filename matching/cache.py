"""The embedding cache: a text is never encoded twice, across restarts too.

Vectors are keyed by ``(model id, sha256 of the exact text)`` and kept in two layers:

1. a small in-process LRU (``MEMORY_ENTRIES`` vectors) for the hot path (a worker's own text, searched
   again and again);
2. a SQLite file ``embeddings.db`` in ``TONGBANG_DATA_DIR`` (one row per vector, float32 blob), which
   survives restarts and is shared by every process of the instance (web, CLI import, scheduler).

``encode_cached(texts)`` (or ``encode_cached(encoder, texts)``) looks every text up, encodes only the
misses - each distinct text once, in batches, with a progress bar for big jobs - stores them, and
returns the ``(n, dim)`` float32 array in input order. The model id is part of the key, so swapping the
model (``TONGBANG_ENCODER``) never returns a vector of another model.

Misses are encoded under one lock per cache file, after a second look-up, so two threads asking for the
same new text encode it once. (Two *processes* racing on the same new text may both encode it; the
second write is ignored.)

Only encoders that say ``cache_vectors`` (a transformer such as m3e-small, ~50-120 texts/s here) go through
the two layers. The static model encodes a text in ~50 µs, faster than SQLite stores it (~65 µs) and not
much slower than a look-up (~9 µs): caching its vectors would only make every new text slower and the
file bigger, so ``encode`` hands its texts straight to the encoder.
"""
from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from matching.encoder import Encoder, get_encoder
from models.store.config import data_dir

CACHE_FILE = "embeddings.db"
MEMORY_ENTRIES = 10_000      # ~20 MB of 512-d float32: the hot set of a busy office, not the whole market
LOOKUP_CHUNK = 500           # keys per SELECT ... IN (...)
ENCODE_CHUNK = 1024          # texts per model call between writes (a crash keeps what was done)


def text_key(text: str) -> str:
    """sha256 hex digest of the exact text (UTF-8); the text part of the cache key."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class _Memory:
    """A thread-safe LRU of (model_id, sha) -> vector, shared by every cache file in the process."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._data: OrderedDict[tuple[str, str], np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple[str, str]) -> np.ndarray | None:
        with self._lock:
            found = self._data.get(key)
            if found is not None:
                self._data.move_to_end(key)
            return found

    def put(self, key: tuple[str, str], vector: np.ndarray) -> None:
        if self.size <= 0:
            return
        with self._lock:
            self._data[key] = vector
            self._data.move_to_end(key)
            while len(self._data) > self.size:
                self._data.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._data.clear()


_memory = _Memory(MEMORY_ENTRIES)


class EmbeddingCache:
    """The persistent cache file (SQLite, WAL) plus the shared in-process LRU."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._conn = sqlite3.connect(str(self.path), check_same_thread=False, timeout=30,
                                     isolation_level=None)
        self._conn.execute("PRAGMA journal_mode = WAL")
        self._conn.execute("PRAGMA synchronous = NORMAL")
        self._conn.execute("PRAGMA busy_timeout = 30000")
        self._conn.execute(
            "CREATE TABLE IF NOT EXISTS embeddings ("
            " model_id TEXT NOT NULL, text_sha TEXT NOT NULL, dim INTEGER NOT NULL, vector BLOB NOT NULL,"
            " PRIMARY KEY (model_id, text_sha)) WITHOUT ROWID"
        )
        # Occupation labels of posting titles (``matching.features.classify_titles``): key = the title's
        # cleaned parts, value = JSON [[code, name, score], ...]; ``version`` names the classifier and its data.
        self._conn.execute(
            "CREATE TABLE IF NOT EXISTS occupation_labels ("
            " version TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL,"
            " PRIMARY KEY (version, key)) WITHOUT ROWID"
        )
        self._db_lock = threading.Lock()       # the sqlite3 connection is shared by threads
        self._encode_lock = threading.Lock()   # misses are encoded one batch at a time

    # --- look-ups -----------------------------------------------------------------------------------

    def lookup(self, model_id: str, dim: int, keys: Sequence[str]) -> dict[str, np.ndarray]:
        """Vectors already known for these keys (memory first, then the file)."""
        found: dict[str, np.ndarray] = {}
        missing: list[str] = []
        for key in dict.fromkeys(keys):
            vector = _memory.get((model_id, key))
            if vector is not None:
                found[key] = vector
            else:
                missing.append(key)
        expected = dim * 4
        for start in range(0, len(missing), LOOKUP_CHUNK):
            chunk = missing[start:start + LOOKUP_CHUNK]
            with self._db_lock:
                rows = self._conn.execute(
                    f"SELECT text_sha, vector FROM embeddings WHERE model_id = ? AND dim = ?"
                    f" AND text_sha IN ({','.join('?' * len(chunk))})", (model_id, dim, *chunk)
                ).fetchall()
            for key, blob in rows:
                if len(blob) != expected:     # a damaged row is a miss, re-encoded and overwritten
                    continue
                vector = np.frombuffer(blob, dtype=np.float32)
                found[key] = vector
                _memory.put((model_id, key), vector)
        return found

    def store(self, model_id: str, items: Sequence[tuple[str, np.ndarray]]) -> None:
        """Write vectors (keyed by text sha) to the file and the memory layer."""
        rows = []
        for key, vector in items:
            vector = np.ascontiguousarray(vector, dtype=np.float32)
            rows.append((model_id, key, int(vector.shape[0]), vector.tobytes()))
            _memory.put((model_id, key), vector)
        with self._db_lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                self._conn.executemany(
                    "INSERT OR REPLACE INTO embeddings (model_id, text_sha, dim, vector) VALUES (?, ?, ?, ?)",
                    rows)
                self._conn.execute("COMMIT")
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise

    # --- occupation labels of titles ----------------------------------------------------------------

    def lookup_labels(self, version: str, keys: Sequence[str]) -> dict[str, list]:
        """Stored labels (decoded JSON lists) for these keys under this classifier version."""
        found: dict[str, list] = {}
        keys = list(dict.fromkeys(keys))
        for start in range(0, len(keys), LOOKUP_CHUNK):
            chunk = keys[start:start + LOOKUP_CHUNK]
            with self._db_lock:
                rows = self._conn.execute(
                    f"SELECT key, value FROM occupation_labels WHERE version = ?"
                    f" AND key IN ({','.join('?' * len(chunk))})", (version, *chunk)).fetchall()
            for key, value in rows:
                try:
                    found[key] = json.loads(value)
                except ValueError:         # a damaged row is a miss, classified again and overwritten
                    continue
        return found

    def store_labels(self, version: str, labels: dict[str, list]) -> None:
        """Write labels (JSON-serialisable lists) under this classifier version."""
        rows = [(version, key, json.dumps(value, ensure_ascii=False)) for key, value in labels.items()]
        with self._db_lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                self._conn.executemany(
                    "INSERT OR REPLACE INTO occupation_labels (version, key, value) VALUES (?, ?, ?)", rows)
                self._conn.execute("COMMIT")
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise

    def count(self, model_id: str | None = None) -> int:
        """How many vectors the file holds (for one model, or all)."""
        with self._db_lock:
            if model_id is None:
                return self._conn.execute("SELECT COUNT(*) FROM embeddings").fetchone()[0]
            return self._conn.execute("SELECT COUNT(*) FROM embeddings WHERE model_id = ?",
                                      (model_id,)).fetchone()[0]

    # --- the main entry -----------------------------------------------------------------------------

    def encode(self, encoder: Encoder, texts: Sequence[str], *, progress: bool | None = None) -> np.ndarray:
        """Vectors for ``texts`` in order; only texts never seen before (for this model) are encoded (every text,
        for an encoder that does not ``cache_vectors``)."""
        texts = list(texts)
        dim = int(encoder.dim)
        if not texts:
            return np.zeros((0, dim), dtype=np.float32)
        if not encoder.cache_vectors:
            return encoder.encode(texts, progress=progress)
        keys = [text_key(t) for t in texts]
        found = self.lookup(encoder.model_id, dim, keys)
        if len(found) < len(set(keys)):
            with self._encode_lock:
                # Another thread may have encoded some of them while we waited.
                found.update(self.lookup(encoder.model_id, dim, [k for k in keys if k not in found]))
                todo = {k: t for k, t in zip(keys, texts) if k not in found}
                if todo:
                    found.update(self._encode_misses(encoder, todo, progress))
        out = np.empty((len(texts), dim), dtype=np.float32)
        for row, key in enumerate(keys):
            out[row] = found[key]
        return out

    def _encode_misses(self, encoder: Encoder, todo: dict[str, str], progress: bool | None) -> dict:
        items = list(todo.items())
        show = progress if progress is not None else len(items) > ENCODE_CHUNK // 4
        bar = None
        if show:
            from tqdm import tqdm

            bar = tqdm(total=len(items), desc="编码文本", unit="条")
        done: dict[str, np.ndarray] = {}
        try:
            for start in range(0, len(items), ENCODE_CHUNK):
                chunk = items[start:start + ENCODE_CHUNK]
                vectors = encoder.encode([text for _key, text in chunk], progress=False)
                pairs = [(key, vectors[i].copy()) for i, (key, _text) in enumerate(chunk)]
                self.store(encoder.model_id, pairs)
                done.update(pairs)
                if bar is not None:
                    bar.update(len(chunk))
        finally:
            if bar is not None:
                bar.close()
        return done

    def close(self) -> None:
        with self._db_lock:
            self._conn.close()


_caches: dict[str, EmbeddingCache] = {}
_caches_lock = threading.Lock()


def get_cache(path: str | Path | None = None) -> EmbeddingCache:
    """The cache for ``path`` (default ``TONGBANG_DATA_DIR/embeddings.db``), one object per file per process."""
    path = Path(path) if path else data_dir() / CACHE_FILE
    key = str(path.resolve())
    with _caches_lock:
        cache = _caches.get(key)
        if cache is None:
            cache = _caches[key] = EmbeddingCache(path)
        return cache


def forget_caches(*, memory: bool = True) -> None:
    """Close every open cache file and (by default) empty the in-process layer, as a restart would."""
    with _caches_lock:
        for cache in _caches.values():
            cache.close()
        _caches.clear()
    if memory:
        _memory.clear()


def encode_cached(*args, progress: bool | None = None, cache: EmbeddingCache | None = None) -> np.ndarray:
    """Cache-aware encoding: ``encode_cached(texts)`` or ``encode_cached(encoder, texts)``.

    Returns float32 ``(len(texts), dim)``, L2-normalised rows, in input order. The default encoder is
    ``get_encoder()`` and the default cache the data folder's ``embeddings.db``.
    """
    if len(args) == 1:
        encoder, texts = get_encoder(), args[0]
    elif len(args) == 2:
        encoder, texts = args
    else:
        raise TypeError("encode_cached(texts) or encode_cached(encoder, texts)")
    if isinstance(texts, str):
        raise TypeError("encode_cached expects a list of texts, not one string")
    return (cache or get_cache()).encode(encoder, texts, progress=progress)
