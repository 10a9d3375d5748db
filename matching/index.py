"""FAISS indexes of open jobs and of job-seeking workers, kept in step with the store.

``get_job_index(db)`` / ``get_worker_index(db)`` return a handle bound to that connection:

- ``.search(vec, k) -> [(db_id, similarity), ...]`` best first (inner product of normalised vectors);
- ``.vector_for(db_id) -> np.ndarray | None``; ``len(handle)``; ``db_id in handle``.

Ids in the index are the database ids (``jobs.id`` / ``workers.id``). Jobs are indexed while
``status = 'open'``, workers while ``seeking = 1``. The embedded texts are ``matching.text.job_text`` and
``worker_text``; vectors come through ``matching.cache`` (a text is never encoded twice).

Keeping in step (every search)
------------------------------
The schema's triggers bump ``rev`` on every insert and update of ``jobs`` and ``workers``. Before each
search the handle asks the store for ``MAX(rev)`` (one indexed look-up, ~20 µs); when it is above the
index's last synced revision, the rows with a higher ``rev`` are read: rows that left the live set
(closed/filled jobs, workers no longer seeking) are removed, new or edited rows are re-embedded (via the
cache; an edit that does not change the text costs nothing) and added or replaced. So a posting saved by
any process - a web form, the API, ``flask import`` in another shell - is matchable at the next search,
and a closed one is gone from it. (A bulk import of N never-seen texts makes the next search encode them;
``flask --app app import`` therefore syncs and saves the index itself before it returns, with a progress bar,
and ``flask --app app index sync`` does the same after any other bulk change.)

Persistence and start-up verification
-------------------------------------
Each index is saved in ``TONGBANG_DATA_DIR/index/`` as ``<kind>.faiss`` (FAISS index, id map and the
sha256 of each row's embedded text) plus ``<kind>.stamp.json`` (format, model id, dim, backend, count,
synced max rev, checksum of the sorted ``(id, text digest)`` list, sha256 and size of the index file).
At first use in a process the files are checked, never trusted:

- ``missing``: no stamp or no index file;
- ``corrupt``: size or sha256 differ from the stamp, the file does not parse, or its content disagrees
  with the stamp (count, checksum);
- ``stale``: another model or dim, or the store disagrees with the file for rows the file claims to
  cover (``rev <= max_rev``): a row deleted, a text changed without a new rev (e.g. new text rules),
  another database;

and in each case the index is rebuilt from the store with a logged warning - never fatal. Rows changed
after the file was saved are simply synced. The file is rewritten after a rebuild, after
``SAVE_AFTER_CHANGES`` synced changes, and when the process exits.

Exact or approximate
--------------------
``IndexIDMap2(IndexFlatIP)`` (exact) below ``HNSW_THRESHOLD`` (120,000) live rows; above it an
``IndexHNSWFlat`` (inner product, M=32, efConstruction 200, efSearch max(512, k)) whose labels map to
database ids through an id table, with removed or replaced entries tomb-stoned (filtered out by an
``IDSelector`` at search) and compacted when they pass 20 %. (HNSW cannot remove vectors, so
``IndexIDMap2`` over it could not replace an edited row.) An index switches kind when it grows past
1.25x the threshold or shrinks below half of it. The numbers behind the threshold and ``HNSW_EF_SEARCH``
come from ``scripts/bench_matching_speed.py``: see the comment on the constants below.

The jobs index also keeps ``occupations`` (``matching.occmap.OccupationMap``): occupation code -> open
postings, fed the same rows as the vectors (rebuild, verified load, every sync), so the matching
service's occupation channel never scans the table. Titles are classified through
``matching.features.classify_titles`` (each distinct cleaned title once; labels persist in the cache file).

Thread safety: one lock per index; Flask serves requests from threads. FAISS calls hold it too.
"""
from __future__ import annotations

import atexit
import fcntl
import hashlib
import json
import logging
import os
import struct
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import faiss
import numpy as np

from matching.occmap import OccupationMap
from models.store.config import data_dir
from models.store.db import loads_list, store_id
from models.store.pg import store_id as pg_store_id

log = logging.getLogger(__name__)

FORMAT = 1
MAGIC = b"TBIDX001"
INDEX_DIR = "index"

# Exact search is used up to this many live rows; HNSW above. Measured on this 2-core machine by
# scripts/bench_matching_speed.py (512-d, single query, one FAISS thread):
# - IndexFlatIP top-10: p99 0.44 ms at 10k, 8.2 ms at 100k, i.e. ~0.08 µs per posting - linear, exact, and
#   cheap to keep in step (remove/add in place). 30 ms would only be reached at ~365k postings.
# - HNSW (M=32, efConstruction=200) at 100k, on vectors with the covariance of real m3e job vectors:
#   recall@10 0.967 / 0.991 / 0.998 at efSearch 256 / 512 / 1024, p99 1.4 / 2.8 / 4.9 ms; but a 47 s build
#   (2 threads), approximate answers and tomb-stones on every edit. (IVF1024 reached only 0.83 at nprobe 128.)
# So flat is kept while its p99 stays within a third of the 30 ms budget (~10 ms: 0.08 µs x 120k), leaving
# the rest for ranking; above that HNSW with efSearch 512 (recall@10 0.991 at 100k). Override the threshold
# with TONGBANG_HNSW_THRESHOLD.
HNSW_THRESHOLD = 120_000
HNSW_M = 32
HNSW_EF_CONSTRUCTION = 200
HNSW_EF_SEARCH = 512          # the search list is max(this, k)
SEARCH_THREADS = 1            # one query at a time: a second OpenMP thread made flat search slower (9.8 vs 7.6 ms)
COMPACT_DEAD_SHARE = 0.2      # rebuild an HNSW index once a fifth of its entries are tomb-stones
SAVE_AFTER_CHANGES = 200      # synced changes before the file is rewritten (it is also written at exit)

_JOB_LISTS = ("required_certificates", "skills", "benefits")
_WORKER_LISTS = ("skills", "certificates", "desired_cities", "needs")
# Never PII: the text functions see no name, ID number or phone.
_WORKER_COLUMNS = ("id, rev, seeking, external_id, education, skills, certificates, experience, desired_jobs, "
                   "desired_cities, expected_salary, needs, training_wanted, birth_year")


def hnsw_threshold() -> int:
    """Live rows above which the approximate (HNSW) index is used."""
    return int(os.environ.get("TONGBANG_HNSW_THRESHOLD") or HNSW_THRESHOLD)


# --- what each index holds ----------------------------------------------------------------------------

@dataclass(frozen=True)
class _Kind:
    name: str
    table: str
    live_sql: str                 # SQL condition of an indexed row (table alias t)
    select: str                   # SELECT ... FROM ... with alias t; WHERE appended
    lists: tuple[str, ...]
    text_name: str                # function name in matching.text

    def is_live(self, row: dict) -> bool:
        if self.name == "jobs":
            return row.get("status") == "open"
        return bool(row.get("seeking"))

    def text(self, row: dict) -> str:
        from matching import text as text_module

        return getattr(text_module, self.text_name)(row)


KINDS = {
    "jobs": _Kind("jobs", "jobs", "t.status = 'open'",
                  "SELECT t.*, e.name AS employer_name FROM jobs t LEFT JOIN employers e ON e.id = t.employer_id",
                  _JOB_LISTS, "job_text"),
    "workers": _Kind("workers", "workers", "t.seeking = 1",
                     "SELECT " + ", ".join(f"t.{c.strip()}" for c in _WORKER_COLUMNS.split(",")) + " FROM workers t",
                     _WORKER_LISTS, "worker_text"),
}


def _rows(db, kind: _Kind, where: str, params: tuple = ()) -> list[dict]:
    cursor = db.execute(f"{kind.select} WHERE {where}", params)
    names = [d[0] for d in cursor.description]
    out = []
    for values in cursor.fetchall():
        row = dict(zip(names, values))
        for key in kind.lists:
            if key in row:
                try:
                    row[key] = loads_list(row[key])
                except (TypeError, ValueError):
                    row[key] = []
        out.append(row)
    return out


def _max_rev(db, kind: _Kind) -> int:
    return int(db.execute(f"SELECT COALESCE(MAX(rev), 0) FROM {kind.table}").fetchone()[0])


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _checksum(entries: dict[int, str]) -> str:
    digest = hashlib.sha256()
    for key in sorted(entries):
        digest.update(f"{key}:{entries[key]}\n".encode())
    return digest.hexdigest()


def _db_file(db) -> str:
    key = store_id(db)
    return "" if key.startswith("memory:") else key


def _as_matrix(vectors: np.ndarray, dim: int) -> np.ndarray:
    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    if vectors.ndim == 1:
        vectors = vectors.reshape(1, -1)
    if vectors.shape[1] != dim:
        raise ValueError(f"vector dim {vectors.shape[1]} != index dim {dim}")
    return vectors


# --- backends -----------------------------------------------------------------------------------------

class FlatBackend:
    """Exact inner-product search: ``IndexIDMap2(IndexFlatIP)``, ids are database ids."""

    name = "flat"

    def __init__(self, dim: int, index: Any = None) -> None:
        self.dim = dim
        self.index = index if index is not None else faiss.IndexIDMap2(faiss.IndexFlatIP(dim))

    def __len__(self) -> int:
        return int(self.index.ntotal)

    def ids(self) -> np.ndarray:
        return faiss.vector_to_array(self.index.id_map).astype(np.int64)

    def remove(self, ids: Iterable[int]) -> None:
        ids = np.fromiter((int(i) for i in ids), dtype=np.int64)
        if len(ids):
            self.index.remove_ids(faiss.IDSelectorBatch(len(ids), faiss.swig_ptr(ids)))

    def upsert(self, ids: np.ndarray, vectors: np.ndarray, present: Iterable[int] = ()) -> None:
        self.remove(present)
        if len(ids):
            self.index.add_with_ids(_as_matrix(vectors, self.dim), np.ascontiguousarray(ids, dtype=np.int64))

    def search(self, query: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        return self.index.search(query, k)

    def reconstruct(self, db_id: int) -> np.ndarray:
        return self.index.reconstruct(int(db_id))

    def all_vectors(self) -> tuple[np.ndarray, np.ndarray]:
        ids = self.ids()
        flat = faiss.downcast_index(self.index.index)
        vectors = faiss.rev_swig_ptr(flat.get_xb(), len(ids) * self.dim).reshape(len(ids), self.dim).copy()
        return ids, vectors

    def to_parts(self) -> dict[str, bytes]:
        return {"faiss": faiss.serialize_index(self.index).tobytes()}

    @classmethod
    def from_parts(cls, dim: int, parts: dict[str, bytes]) -> FlatBackend:
        index = faiss.deserialize_index(np.frombuffer(parts["faiss"], dtype=np.uint8).copy())
        if not isinstance(index, faiss.IndexIDMap2) or index.d != dim:
            raise ValueError("not an IndexIDMap2 of the expected dim")
        return cls(dim, index)


class HnswBackend:
    """Approximate search: ``IndexHNSWFlat`` (inner product); label -> database id through ``labels``.

    HNSW cannot delete, so a removed or replaced row's old label becomes a tomb-stone (label -1) that an
    ``IDSelector`` hides at search time; ``needs_compaction`` tells the owner to rebuild.
    """

    name = "hnsw"

    def __init__(self, dim: int, index: Any = None, labels: np.ndarray | None = None) -> None:
        self.dim = dim
        if index is None:
            index = faiss.IndexHNSWFlat(dim, HNSW_M, faiss.METRIC_INNER_PRODUCT)
            index.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
        self.index = index
        self.labels = labels if labels is not None else np.empty(0, dtype=np.int64)
        self.position = {int(db_id): label for label, db_id in enumerate(self.labels) if db_id >= 0}
        self.dead = int((self.labels < 0).sum())
        self._selector: tuple[Any, Any] | None = None

    def __len__(self) -> int:
        return len(self.position)

    def ids(self) -> np.ndarray:
        return np.fromiter(self.position.keys(), dtype=np.int64, count=len(self.position))

    def remove(self, ids: Iterable[int]) -> None:
        for db_id in ids:
            label = self.position.pop(int(db_id), None)
            if label is not None:
                self.labels[label] = -1
                self.dead += 1
                self._selector = None

    def upsert(self, ids: np.ndarray, vectors: np.ndarray, present: Iterable[int] = ()) -> None:
        self.remove(present)
        if not len(ids):
            return
        start = int(self.index.ntotal)
        self.index.add(_as_matrix(vectors, self.dim))
        self.labels = np.concatenate([self.labels, np.asarray(ids, dtype=np.int64)])
        for offset, db_id in enumerate(ids):
            self.position[int(db_id)] = start + offset

    @property
    def needs_compaction(self) -> bool:
        return self.dead > COMPACT_DEAD_SHARE * max(1, int(self.index.ntotal))

    def search(self, query: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        params = faiss.SearchParametersHNSW()
        params.efSearch = max(HNSW_EF_SEARCH, k)
        if self.dead:
            if self._selector is None:
                dead = np.flatnonzero(self.labels < 0).astype(np.int64)
                inner = faiss.IDSelectorBatch(len(dead), faiss.swig_ptr(dead))
                self._selector = (inner, faiss.IDSelectorNot(inner))   # keep both alive
            params.sel = self._selector[1]
        sims, labels = self.index.search(query, k, params=params)
        ids = np.where(labels >= 0, self.labels[np.maximum(labels, 0)], -1)
        return sims, ids

    def reconstruct(self, db_id: int) -> np.ndarray:
        return self.index.reconstruct(int(self.position[int(db_id)]))

    def all_vectors(self) -> tuple[np.ndarray, np.ndarray]:
        total = int(self.index.ntotal)
        storage = faiss.downcast_index(self.index.storage)
        vectors = faiss.rev_swig_ptr(storage.get_xb(), total * self.dim).reshape(total, self.dim)
        keep = np.flatnonzero(self.labels >= 0)
        return self.labels[keep].copy(), vectors[keep].copy()

    def to_parts(self) -> dict[str, bytes]:
        return {"faiss": faiss.serialize_index(self.index).tobytes(), "labels": self.labels.tobytes()}

    @classmethod
    def from_parts(cls, dim: int, parts: dict[str, bytes]) -> HnswBackend:
        index = faiss.deserialize_index(np.frombuffer(parts["faiss"], dtype=np.uint8).copy())
        if not isinstance(index, faiss.IndexHNSWFlat) or index.d != dim:
            raise ValueError("not an IndexHNSWFlat of the expected dim")
        labels = np.frombuffer(parts["labels"], dtype=np.int64).copy()
        if len(labels) != index.ntotal:
            raise ValueError("label table does not match the index")
        return cls(dim, index, labels)


BACKENDS = {"flat": FlatBackend, "hnsw": HnswBackend}


def build_backend(ids: np.ndarray, vectors: np.ndarray, dim: int, *, backend: str | None = None):
    """A new backend holding ``vectors`` under ``ids``: flat below the HNSW threshold, HNSW above."""
    name = backend or ("hnsw" if len(ids) >= hnsw_threshold() else "flat")
    made = BACKENDS[name](dim)
    faiss.omp_set_num_threads(os.cpu_count() or 1)          # an HNSW build uses every core
    try:
        made.upsert(np.asarray(ids, dtype=np.int64), vectors)
    finally:
        faiss.omp_set_num_threads(SEARCH_THREADS)
    return made


# --- files --------------------------------------------------------------------------------------------

def _write_container(path: Path, header: dict, parts: dict[str, bytes]) -> tuple[str, int]:
    """Write MAGIC + header length + JSON header + parts; return (sha256, size) of the file."""
    header = dict(header, parts={name: len(blob) for name, blob in parts.items()})
    head = json.dumps(header, ensure_ascii=False).encode()
    digest = hashlib.sha256()
    size = 0
    tmp = path.with_name(path.name + f".tmp{os.getpid()}")
    with open(tmp, "wb") as fh:
        for chunk in (MAGIC, struct.pack("<Q", len(head)), head, *parts.values()):
            fh.write(chunk)
            digest.update(chunk)
            size += len(chunk)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    return digest.hexdigest(), size


def _read_container(blob: bytes) -> tuple[dict, dict[str, bytes]]:
    if blob[:8] != MAGIC:
        raise ValueError("bad magic")
    (length,) = struct.unpack("<Q", blob[8:16])
    header = json.loads(blob[16:16 + length].decode())
    offset = 16 + length
    parts = {}
    for name, size in header["parts"].items():
        parts[name] = blob[offset:offset + size]
        if len(parts[name]) != size:
            raise ValueError("truncated")
        offset += size
    if offset != len(blob):
        raise ValueError("trailing bytes")
    return header, parts


class _FileLock:
    """An advisory lock on ``<dir>/<kind>.lock`` so processes never interleave a save and a load."""

    def __init__(self, path: Path, exclusive: bool) -> None:
        self.path, self.exclusive = path, exclusive

    def __enter__(self):
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.fh = open(self.path, "a+")
        fcntl.flock(self.fh, fcntl.LOCK_EX if self.exclusive else fcntl.LOCK_SH)
        return self

    def __exit__(self, *exc) -> None:
        fcntl.flock(self.fh, fcntl.LOCK_UN)
        self.fh.close()


# --- the index ----------------------------------------------------------------------------------------

class VectorIndex:
    """One kind's index (jobs or workers) for one store, in this process. Use through ``get_*_index``."""

    def __init__(self, kind: str, db_file: str, folder: Path | None) -> None:
        self.kind = KINDS[kind]
        self.db_file = db_file
        self.folder = folder              # None: not persisted (in-memory database)
        self.lock = threading.RLock()
        self.backend: FlatBackend | HnswBackend | None = None
        self.entries: dict[int, str] = {}  # db id -> sha256 of the embedded text
        self.model_id: str | None = None
        self.dim: int | None = None
        self.max_rev = 0
        self.dirty = 0
        self.last_check: dict = {}
        self.last_sync_seconds = 0.0
        # jobs only: occupation code -> open postings, fed the same rows as the vectors (matching.occmap)
        self.occupations = OccupationMap() if kind == "jobs" else None

    # paths
    @property
    def index_path(self) -> Path:
        return self.folder / f"{self.kind.name}.faiss"

    @property
    def stamp_path(self) -> Path:
        return self.folder / f"{self.kind.name}.stamp.json"

    @property
    def lock_path(self) -> Path:
        return self.folder / f"{self.kind.name}.lock"

    def __len__(self) -> int:
        return len(self.entries)

    # --- store side ---------------------------------------------------------------------------------

    def _store_state(self, db) -> tuple[int, list[dict]]:
        """The store's max rev (read first) and every live row."""
        max_rev = _max_rev(db, self.kind)
        return max_rev, _rows(db, self.kind, self.kind.live_sql)

    def _embed(self, rows: list[dict], progress: bool | None = None,
               texts: list[str] | None = None) -> tuple[np.ndarray, np.ndarray, list[str]]:
        from matching.cache import encode_cached
        from matching.encoder import get_encoder

        if texts is None:
            texts = [self.kind.text(r) for r in rows]
        vectors = encode_cached(get_encoder(), texts, progress=progress)
        ids = np.fromiter((int(r["id"]) for r in rows), dtype=np.int64, count=len(rows))
        return ids, vectors, [_digest(t) for t in texts]

    # --- whole rebuild ------------------------------------------------------------------------------

    def rebuild(self, db, *, progress: bool | None = None, save: bool = True) -> None:
        """Build the index afresh from the store (texts through the cache), then save it."""
        from matching.encoder import get_encoder

        with self.lock:
            started = time.perf_counter()
            encoder = get_encoder()
            max_rev, rows = self._store_state(db)
            ids, vectors, digests = self._embed(rows, progress)
            self.backend = build_backend(ids, vectors, encoder.dim)
            self.entries = {int(i): d for i, d in zip(ids, digests)}
            if self.occupations is not None:
                self.occupations.reset(rows)
            self.model_id, self.dim = encoder.model_id, int(encoder.dim)
            self.max_rev = max([max_rev, *(int(r["rev"] or 0) for r in rows)])
            self.dirty = 1
            log.info("index %s rebuilt: %d rows, %s, %.1f s", self.kind.name, len(self.entries),
                     self.backend.name, time.perf_counter() - started)
            if save:
                self.save()

    # --- incremental sync ---------------------------------------------------------------------------

    def ensure(self, db) -> None:
        """Load (verified) on first use, follow a model change, and sync rows changed since the last look."""
        from matching.encoder import get_encoder

        with self.lock:
            if self.backend is None:
                self._first_load(db)
            elif get_encoder().model_id != self.model_id:
                log.warning("index %s: encoder changed (%s -> %s), rebuilding", self.kind.name,
                            self.model_id, get_encoder().model_id)
                self.rebuild(db)
            self.sync(db)

    def sync(self, db, *, progress: bool | None = None) -> int:
        """Apply every row whose ``rev`` is above the synced one; return how many rows were read."""
        with self.lock:
            if self.backend is None:
                self._first_load(db)
            current = _max_rev(db, self.kind)
            if current == self.max_rev:
                return 0
            if current < self.max_rev:      # the store went back in time (restored or replaced)
                log.warning("index %s: store rev %d is below the index's %d; rebuilding",
                            self.kind.name, current, self.max_rev)
                self.rebuild(db, progress=progress)
                return len(self.entries)
            started = time.perf_counter()
            rows = _rows(db, self.kind, "t.rev > ?", (self.max_rev,))
            self._apply(rows, progress)
            self.max_rev = max([current, *(int(r["rev"] or 0) for r in rows)])
            self.last_sync_seconds = time.perf_counter() - started
            self._after_change(db, len(rows))
            return len(rows)

    def _apply(self, rows: list[dict], progress: bool | None = None) -> None:
        if self.occupations is not None:
            self.occupations.apply(rows, self.kind.is_live)
        live = [r for r in rows if self.kind.is_live(r)]
        gone = [int(r["id"]) for r in rows if not self.kind.is_live(r) and int(r["id"]) in self.entries]
        if gone:
            self.backend.remove(gone)
            for db_id in gone:
                self.entries.pop(db_id, None)
        if live:
            texts = {int(r["id"]): self.kind.text(r) for r in live}
            changed = [r for r in live if self.entries.get(int(r["id"])) != _digest(texts[int(r["id"])])]
            if changed:
                ids, vectors, digests = self._embed(changed, progress, [texts[int(r["id"])] for r in changed])
                present = [int(i) for i in ids if int(i) in self.entries]
                self.backend.upsert(ids, vectors, present)
                self.entries.update({int(i): d for i, d in zip(ids, digests)})
                self.dirty += len(changed)
        self.dirty += len(gone)

    def _after_change(self, db, changed: int) -> None:
        backend = self.backend
        threshold = hnsw_threshold()
        switch = None
        if backend.name == "flat" and len(backend) > threshold * 1.25:
            switch = "hnsw"
        elif backend.name == "hnsw" and (len(backend) < threshold * 0.5 or backend.needs_compaction):
            switch = "hnsw" if len(backend) >= threshold * 0.5 else "flat"
        if switch:
            ids, vectors = backend.all_vectors()
            log.info("index %s: re-building as %s (%d rows)", self.kind.name, switch, len(ids))
            self.backend = build_backend(ids, vectors, self.dim, backend=switch)
            self.dirty += 1
        if self.dirty >= SAVE_AFTER_CHANGES or switch:
            self.save()

    # --- search -------------------------------------------------------------------------------------

    def search(self, vector: np.ndarray, k: int = 10) -> list[tuple[int, float]]:
        """The ``k`` nearest live rows to ``vector``: ``[(db_id, similarity), ...]`` best first."""
        with self.lock:
            if self.backend is None or not len(self.entries) or k <= 0:
                return []
            query = _as_matrix(vector, self.dim)
            faiss.omp_set_num_threads(SEARCH_THREADS)    # per calling thread in OpenMP: set it every time
            sims, ids = self.backend.search(query, min(int(k), len(self.entries)))
        return [(int(i), float(s)) for i, s in zip(ids[0], sims[0]) if i >= 0]

    def vector_for(self, db_id: int) -> np.ndarray | None:
        """The indexed vector of a row, or ``None`` when the row is not in the index."""
        with self.lock:
            if self.backend is None or int(db_id) not in self.entries:
                return None
            return np.asarray(self.backend.reconstruct(int(db_id)), dtype=np.float32)

    def vectors_for(self, db_ids: Iterable[int]) -> dict[int, np.ndarray]:
        """The indexed vectors of these rows (rows not in the index are left out)."""
        with self.lock:
            if self.backend is None:
                return {}
            return {int(i): np.asarray(self.backend.reconstruct(int(i)), dtype=np.float32)
                    for i in db_ids if int(i) in self.entries}

    # --- persistence --------------------------------------------------------------------------------

    def save(self) -> None:
        """Write the index file and its stamp (atomically, under the file lock). No-op when not persisted."""
        with self.lock:
            if self.folder is None or self.backend is None:
                return
            self.folder.mkdir(parents=True, exist_ok=True)
            ids = np.fromiter(self.entries.keys(), dtype=np.int64, count=len(self.entries))
            digests = "".join(self.entries[int(i)] for i in ids).encode()
            parts = dict(self.backend.to_parts(), entry_ids=ids.tobytes(), entry_digests=digests)
            header = {"format": FORMAT, "kind": self.kind.name, "backend": self.backend.name,
                      "dim": self.dim, "model_id": self.model_id}
            with _FileLock(self.lock_path, exclusive=True):
                file_sha, size = _write_container(self.index_path, header, parts)
                stamp = {
                    "format": FORMAT, "kind": self.kind.name, "model_id": self.model_id, "dim": self.dim,
                    "backend": self.backend.name, "count": len(self.entries), "max_rev": self.max_rev,
                    "checksum": _checksum(self.entries), "file_sha256": file_sha, "file_size": size,
                    "db_file": self.db_file, "saved_at": time.strftime("%Y-%m-%dT%H:%M:%S"),
                }
                tmp = self.stamp_path.with_name(self.stamp_path.name + f".tmp{os.getpid()}")
                tmp.write_text(json.dumps(stamp, ensure_ascii=False, indent=1), encoding="utf-8")
                os.replace(tmp, self.stamp_path)
            self.dirty = 0

    def read_stamp(self) -> dict | None:
        """The stamp on disk, or ``None`` when missing or unreadable."""
        if self.folder is None:
            return None
        try:
            return json.loads(self.stamp_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None

    def inspect_files(self, db) -> tuple[str, str, dict | None]:
        """Check the files against the stamp and the store: ``(status, reason, state)``.

        ``status`` is ``ok``, ``missing``, ``corrupt`` or ``stale``; ``state`` (only when ``ok``) holds the
        loaded backend, entries and max rev, ready to adopt.
        """
        from matching.encoder import get_encoder

        if self.folder is None:
            return "missing", "未持久化（内存数据库）", None
        encoder = get_encoder()
        with _FileLock(self.lock_path, exclusive=False):
            if not self.stamp_path.exists() and not self.index_path.exists():
                return "missing", "索引文件不存在", None
            stamp = self.read_stamp()
            if stamp is None:
                return "corrupt" if self.stamp_path.exists() else "missing", "索引标记文件缺失或无法读取", None
            try:
                blob = self.index_path.read_bytes()
            except OSError:
                return "missing", "索引文件不存在", None
        if stamp.get("format") != FORMAT or stamp.get("kind") != self.kind.name:
            return "stale", "索引文件格式不同", None
        if stamp.get("model_id") != encoder.model_id or stamp.get("dim") != encoder.dim:
            return "stale", f"索引所用模型 {stamp.get('model_id')} 与当前模型 {encoder.model_id} 不同", None
        if len(blob) != stamp.get("file_size") or hashlib.sha256(blob).hexdigest() != stamp.get("file_sha256"):
            return "corrupt", "索引文件大小或校验和与标记不符（文件损坏或被截断）", None
        try:
            header, parts = _read_container(blob)
            del blob
            backend = BACKENDS[header["backend"]].from_parts(encoder.dim, parts)
            ids = np.frombuffer(parts["entry_ids"], dtype=np.int64)
            raw = parts["entry_digests"].decode()
            if len(raw) != 64 * len(ids):
                raise ValueError("digest table size")
            entries = {int(i): raw[64 * n:64 * (n + 1)] for n, i in enumerate(ids)}
            if len(backend) != len(entries) or set(backend.ids().tolist()) != set(entries):
                raise ValueError("index ids differ from the entry table")
        except Exception as exc:       # noqa: BLE001 - any parse failure means "corrupt", never fatal
            return "corrupt", f"索引文件无法读取：{exc}", None
        if len(entries) != stamp.get("count") or _checksum(entries) != stamp.get("checksum"):
            return "corrupt", "索引内容与标记不符", None
        # Against the store: rows the file claims to cover (rev <= max_rev) must agree exactly.
        saved_rev = int(stamp.get("max_rev") or 0)
        store_rev = _max_rev(db, self.kind)
        if store_rev < saved_rev:
            return "stale", f"数据库版本 {store_rev} 低于索引记录的 {saved_rev}（数据库被替换或恢复）", None
        newer = {int(r[0]) for r in db.execute(f"SELECT id FROM {self.kind.table} WHERE rev > ?", (saved_rev,))}
        expected = {}
        covered_rows = _rows(db, self.kind, f"{self.kind.live_sql} AND t.rev <= ?", (saved_rev,))
        for row in covered_rows:
            expected[int(row["id"])] = _digest(self.kind.text(row))
        covered = {i: d for i, d in entries.items() if i not in newer}
        if covered != expected:
            missing = len(set(expected) - set(covered))
            extra = len(set(covered) - set(expected))
            differ = sum(1 for i in set(expected) & set(covered) if expected[i] != covered[i])
            return "stale", f"索引与数据库不一致：缺 {missing} 条，多 {extra} 条，文本不同 {differ} 条", None
        return "ok", "", {"backend": backend, "entries": entries, "max_rev": saved_rev,
                          "model_id": encoder.model_id, "dim": int(encoder.dim), "rows": covered_rows}

    def _adopt(self, state: dict) -> None:
        self.backend, self.entries = state["backend"], state["entries"]
        self.max_rev, self.model_id, self.dim = state["max_rev"], state["model_id"], state["dim"]
        if self.occupations is not None:
            self.occupations.reset(state["rows"])
        self.dirty = 0

    def _first_load(self, db) -> None:
        started = time.perf_counter()
        status, reason, state = self.inspect_files(db)
        if state is not None:
            self._adopt(state)
        else:
            if self.folder is not None:
                log.warning("index %s: %s (%s); rebuilding from the store", self.kind.name, status, reason)
            self.rebuild(db, save=self.folder is not None)
        self.last_check = {"status": status, "reason": reason, "seconds": round(time.perf_counter() - started, 3)}

    def matches_store(self, db) -> tuple[bool, str]:
        """Whether the in-memory index holds exactly the store's live rows with their current texts."""
        with self.lock:
            expected = {int(r["id"]): _digest(self.kind.text(r)) for r in _rows(db, self.kind, self.kind.live_sql)}
            if expected == self.entries:
                return True, ""
            missing = len(set(expected) - set(self.entries))
            extra = len(set(self.entries) - set(expected))
            differ = sum(1 for i in set(expected) & set(self.entries) if expected[i] != self.entries[i])
            return False, f"内存中的索引与数据库不一致：缺 {missing} 条，多 {extra} 条，文本不同 {differ} 条"

    def verify(self, db, *, progress: bool | None = None) -> dict:
        """Check files and memory against the store, repair what is wrong, and report (see ``verify_all``)."""
        with self.lock:
            started = time.perf_counter()
            if self.backend is None:
                self._first_load(db)
                status, reason = self.last_check["status"], self.last_check["reason"]
                if self.folder is None:
                    status, reason = "ok", ""
                self.sync(db, progress=progress)
            else:
                status, reason, _state = self.inspect_files(db)
                if self.folder is None:
                    status, reason = "ok", ""
                self.sync(db, progress=progress)
                ok, why = self.matches_store(db)
                if not ok:
                    status, reason = "stale", why
                    log.warning("index %s: %s; rebuilding", self.kind.name, why)
                    self.rebuild(db, progress=progress)
                elif status != "ok":
                    log.warning("index %s: %s (%s); rewriting the file", self.kind.name, status, reason)
            if status != "ok" or self.dirty:
                self.save()
            stamp = self.read_stamp() or {}
            return {
                "kind": self.kind.name, "status": status, "reason": reason, "repaired": status != "ok",
                "count": len(self.entries), "store_count": self._live_count(db), "backend": self.backend.name,
                "model_id": self.model_id, "dim": self.dim, "max_rev": self.max_rev,
                "stamp": {k: stamp.get(k) for k in ("count", "max_rev", "checksum", "saved_at", "backend")},
                "seconds": round(time.perf_counter() - started, 3),
            }

    def _live_count(self, db) -> int:
        return int(db.execute(f"SELECT COUNT(*) FROM {self.kind.table} t WHERE {self.kind.live_sql}").fetchone()[0])


# --- handles and registry -----------------------------------------------------------------------------

class IndexHandle:
    """A kind's index bound to one store connection: every call first syncs with the store."""

    def __init__(self, index: VectorIndex, db) -> None:
        self._index, self._db = index, db

    @property
    def index(self) -> VectorIndex:
        return self._index

    @property
    def backend(self) -> str:
        """``flat`` or ``hnsw`` (synced first)."""
        with self._index.lock:
            self._index.ensure(self._db)
            return self._index.backend.name

    def sync(self, *, progress: bool | None = None) -> int:
        """Bring the index up to date with the store now; return how many changed rows were read."""
        with self._index.lock:
            return self._index.sync(self._db, progress=progress)

    def search(self, vector: np.ndarray, k: int = 10) -> list[tuple[int, float]]:
        """``[(db_id, similarity), ...]``, best first, of live rows only (synced first)."""
        with self._index.lock:
            self._index.ensure(self._db)
            return self._index.search(vector, k)

    def vector_for(self, db_id: int) -> np.ndarray | None:
        """The row's indexed vector, ``None`` when it is not indexed (closed job, non-seeking worker)."""
        with self._index.lock:
            self._index.ensure(self._db)
            return self._index.vector_for(db_id)

    def vectors_for(self, db_ids: Iterable[int], *, synced: bool = False) -> dict[int, np.ndarray]:
        """``{db_id: vector}`` of the rows that are indexed (``synced``: the caller just synced)."""
        with self._index.lock:
            if not synced:
                self._index.ensure(self._db)
            return self._index.vectors_for(db_ids)

    def occupation_hits(self, codes: list[str], cities: Iterable[str], n: int) -> list[int]:
        """Open postings whose title is in one of ``codes`` (jobs index only), desired cities first,
        newest first, at most ``n`` (synced first: new postings are in, closed ones out)."""
        with self._index.lock:
            self._index.ensure(self._db)
            occupations = self._index.occupations
            return occupations.hits(codes, cities, n) if occupations is not None else []

    def __len__(self) -> int:
        with self._index.lock:
            self._index.ensure(self._db)
            return len(self._index)

    def __contains__(self, db_id: object) -> bool:
        with self._index.lock:
            self._index.ensure(self._db)
            try:
                return int(db_id) in self._index.entries
            except (TypeError, ValueError):
                return False


_registry: dict[tuple[str, str, str], VectorIndex] = {}
_registry_lock = threading.Lock()


def _index_for(db, kind: str) -> VectorIndex:
    db_file = _db_file(db)
    if db_file:
        from models.store.config import database_url, db_path

        folder = data_dir() / INDEX_DIR
        if db_file.startswith("postgresql://"):   # this node's index files of a PostgreSQL store
            resolved = db_file
            home = database_url()
            own = home.startswith(("postgresql://", "postgres://")) and db_file.startswith(pg_store_id(home) + "/")
        else:
            resolved = str(Path(db_file).resolve())
            own = Path(db_path()).resolve() == Path(resolved)
        if not own:   # a store other than the configured one: own file names
            folder = folder / hashlib.sha1(resolved.encode()).hexdigest()[:10]
        key = (kind, resolved, str(folder))
    else:
        folder = None
        key = (kind, f"memory:{id(db.conn if hasattr(db, 'conn') else db)}", "")
    with _registry_lock:
        index = _registry.get(key)
        if index is None:
            index = _registry[key] = VectorIndex(kind, key[1], folder)
        return index


def get_job_index(db) -> IndexHandle:
    """The open-jobs index of this store, synced before every call."""
    return IndexHandle(_index_for(db, "jobs"), db)


def get_worker_index(db) -> IndexHandle:
    """The job-seeking-workers index of this store, synced before every call."""
    return IndexHandle(_index_for(db, "workers"), db)


def sync_all(db, *, progress: bool | None = None) -> dict[str, int]:
    """Sync both indexes now (e.g. after a big import, to encode its texts up front)."""
    return {kind: get_index(db, kind).sync(progress=progress) for kind in KINDS}


def get_index(db, kind: str) -> IndexHandle:
    """``get_job_index`` / ``get_worker_index`` by name (``jobs`` or ``workers``)."""
    return IndexHandle(_index_for(db, kind), db)


def rebuild_all(db, *, progress: bool | None = None) -> dict[str, dict]:
    """Rebuild both indexes from the store and save them; ``{kind: {count, backend, seconds}}``."""
    out = {}
    for kind in KINDS:
        index = _index_for(db, kind)
        started = time.perf_counter()
        index.rebuild(db, progress=progress)
        out[kind] = {"count": len(index), "backend": index.backend.name,
                     "seconds": round(time.perf_counter() - started, 3)}
    return out


def verify_all(db, *, progress: bool | None = None) -> dict[str, dict]:
    """Verify both indexes against the store, repairing what is missing, stale or corrupt.

    Returns ``{"jobs": report, "workers": report}``; each report has ``status`` (``ok`` / ``missing`` /
    ``stale`` / ``corrupt``: what was found), ``reason`` (Chinese), ``repaired``, ``count`` (index) and
    ``store_count`` (live rows in the store), ``backend``, ``model_id``, ``max_rev``, ``stamp``, ``seconds``.
    """
    return {kind: _index_for(db, kind).verify(db, progress=progress) for kind in KINDS}


def entity_vector(db, kind: str, db_id: int) -> np.ndarray | None:
    """The vector of one job or worker as matching uses it, whether or not it is indexed.

    Indexed rows give their index vector; others (a worker no longer seeking, a closed job) are embedded
    through the cache. ``None`` when the row does not exist.
    """
    from matching.cache import encode_cached

    spec = KINDS[kind]
    rows = _rows(db, spec, "t.id = ?", (int(db_id),))
    if not rows:
        return None
    return encode_cached([spec.text(rows[0])])[0]


def worker_vector(db, worker_id: int) -> np.ndarray | None:
    """The worker's own vector (their ``worker_text`` embedded, via the cache)."""
    return entity_vector(db, "workers", worker_id)


def job_vector(db, job_id: int) -> np.ndarray | None:
    """The job's own vector (its ``job_text`` embedded, via the cache)."""
    return entity_vector(db, "jobs", job_id)


def forget_indexes() -> None:
    """Drop every in-process index (as a restart would); saves dirty ones first."""
    with _registry_lock:
        indexes = list(_registry.values())
        _registry.clear()
    for index in indexes:
        _save_quietly(index)


def _save_quietly(index: VectorIndex) -> None:
    try:
        if index.dirty and index.folder is not None and index.folder.parent.exists():
            index.save()
    except Exception:
        log.exception("could not save index %s", index.kind.name)


@atexit.register
def _save_at_exit() -> None:
    with _registry_lock:
        indexes = list(_registry.values())
    for index in indexes:
        _save_quietly(index)

