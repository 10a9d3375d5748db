"""Matching as the rest of Tongbang calls it: best jobs for a worker, best candidates for a job.

``jobs_for_worker(db, worker_id, k)`` and ``candidates_for_job(db, job_id, k)`` return ``Match`` objects
(best first, score 0..1, plain-Chinese reasons, staff warnings). Steps:

1. candidates - the FAISS job index's nearest ``SEMANTIC_CANDIDATES`` postings to the worker's text,
   plus the lexical channel (jieba + BM25, ``LEXICAL_CANDIDATES``) and the occupation-code channel
   (open postings whose title classifies into one of the worker's desired occupations, from the job
   index's in-memory map ``matching.occmap``, kept in step with the store at every sync);
   candidates from other channels take their vectors from the index (no encoding, no cache look-up);
   with seeker filters, also every open posting the filters admit (from SQL), so a filtered search
   is never empty just because the nearest 300 were elsewhere;
2. hard filter (``models.hiring.eligibility.check_hard``) - never violated;
3. seeker filters as constraints (city, salary_floor, benefits, keywords);
4. hybrid score and reasons (``matching.ranker``), sort, top ``k``.

Records are read straight from the store's tables: the candidates' revs first (one query per batch), then
only the rows not already decoded at that rev (``load_jobs``' in-process record cache; every write bumps
a row's rev, so nothing stale is ever served). The worker's prepared features (occupations of 求职意向
and 工作经历, words) are remembered per record content (``prepared_worker``). The index and encoder belong
to ``matching.index`` / ``matching.encoder``.

Latency (``scripts/bench_matching_speed.py``, 2 cores, already-encoded worker, top 10): a ranked list is
kept per (worker rev, jobs rev, query), so a repeat request is a dictionary look-up (~0.05 ms); the figure
that matters is the cold one, after any posting is saved. Quiet machine, m3e-small: 10k p50 7 / p99 9 ms,
100k p50 16 / p99 26 ms. Static encoder on a shared machine (load ~9): 100k p50 25 / p99 43 ms of CPU. At
100k the time is ranking the ~500 candidates (~60%), the flat index search (~15%) and loading them (~8%).
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import date

import numpy as np

from matching import weights as W
from matching.cache import encode_cached
from matching.encoder import get_encoder
from matching.features import desired_occupations, need_met, prepare_worker
from matching.ranker import Scored, rank_jobs, rank_workers, semantic_scaler
from matching.text import job_text, worker_text
from models.store.db import loads_list, store_id

_JOB_LISTS = ("required_certificates", "skills", "benefits")
_WORKER_LISTS = ("skills", "certificates", "desired_cities", "needs")
_WORKER_COLUMNS = ("id, external_id, name, birth_year, education, skills, certificates, experience, "
                   "desired_jobs, desired_cities, expected_salary, needs, seeking, hukou_county")


@dataclass
class Match:
    """One recommended job (for a worker) or candidate (for a job)."""

    external_id: str
    score: float
    reasons: list[str]
    warnings: list[str] = field(default_factory=list)
    job_id: int | None = None
    worker_id: int | None = None
    title: str = ""            # job title (jobs) / desired jobs (candidates)
    employer_name: str = ""
    city: str = ""
    salary_min: int | None = None
    salary_max: int | None = None
    signals: dict = field(default_factory=dict)
    other: bool = False        # below the relevance floor: listed apart as 其他在招岗位 (jobs only)


@dataclass
class SearchFilters:
    """A seeker's search: constraints on the candidate set; the fit ordering is kept."""

    city: str | None = None
    salary_floor: int | None = None
    benefits: list[str] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)

    @classmethod
    def of(cls, value) -> SearchFilters | None:
        """Accept a ``SearchFilters``, a dict with those keys, or ``None``."""
        if value is None or isinstance(value, SearchFilters):
            return value
        keywords = value.get("keywords") or []
        if isinstance(keywords, str):
            keywords = keywords.split()
        benefits = value.get("benefits") or []
        if isinstance(benefits, str):
            benefits = [b for b in benefits.replace("，", ",").replace("、", ",").split(",") if b.strip()]
        floor = value.get("salary_floor")
        return cls(city=value.get("city") or None, salary_floor=int(floor) if floor else None,
                   benefits=[b.strip() for b in benefits], keywords=[k.strip() for k in keywords if k.strip()])

    def empty(self) -> bool:
        return not (self.city or self.salary_floor or self.benefits or self.keywords)

    def admits(self, job: dict) -> bool:
        """Whether a posting satisfies every constraint of the search."""
        if self.city and (job.get("city") or "") != self.city:
            return False
        if self.salary_floor:
            top = job.get("salary_max") or job.get("salary_min")
            if not top or top < self.salary_floor:
                return False
        if any(not need_met(b, job) for b in self.benefits):
            return False
        if self.keywords:
            text = " ".join([job.get("title") or "", job.get("description") or "", job.get("employer_name") or "",
                             " ".join(job.get("skills") or []), " ".join(job.get("benefits") or []),
                             job.get("city") or "", job.get("district") or ""])
            hits = sum(1 for kw in self.keywords if kw in text)
            if hits < W.KEYWORD_MIN_SHARE * len(self.keywords):
                return False
        return True


# --- records ------------------------------------------------------------------------------------------

def _job_rows(db, where: str, params: tuple | list = ()) -> list[dict]:
    cursor = db.execute(
        "SELECT j.*, e.name AS employer_name FROM jobs j JOIN employers e ON e.id = j.employer_id "
        f"WHERE {where}", tuple(params))
    names = [d[0] for d in cursor.description]
    out = []
    for row in cursor.fetchall():
        record = dict(zip(names, row))
        for key in _JOB_LISTS:
            record[key] = loads_list(record.get(key))
        out.append(record)
    return out


# Decoded job records, keyed by (store, id) and valid for one ``rev``: every insert or update of a job
# bumps its rev (triggers in models.store.db), so a record read here is never stale (only ``employer_name`` can lag
# an employer rename until the job itself changes: display only) - ``load_jobs`` reads the
# candidates' revs (an index look-up per id) and fetches and decodes only rows it has not seen at that
# rev. Bounded LRU: ~1.5 KB per record, so 30,000 records ~ 45 MB, the candidate sets of a busy office.
JOB_RECORDS = 30_000
_records_lock = threading.Lock()
_records: OrderedDict[tuple[str, int], tuple[int, dict]] = OrderedDict()


def _store_key(db) -> str:
    return store_id(db)


def load_jobs(db, ids) -> dict[int, dict]:
    """Jobs by database id (lists decoded, with ``employer_name``); each record is the caller's own copy."""
    ids = list(dict.fromkeys(int(i) for i in ids))
    if not ids:
        return {}
    store = _store_key(db)
    out: dict[int, dict] = {}
    for start in range(0, len(ids), 900):
        chunk = ids[start:start + 900]
        revs = db.execute(f"SELECT id, rev FROM jobs WHERE id IN ({','.join('?' * len(chunk))})", chunk).fetchall()
        missing = []
        with _records_lock:
            for job_id, rev in revs:
                found = _records.get((store, job_id))
                if found is not None and found[0] == rev:
                    _records.move_to_end((store, job_id))
                    out[job_id] = dict(found[1])
                else:
                    missing.append(job_id)
        if missing:
            fetched = _job_rows(db, f"j.id IN ({','.join('?' * len(missing))})", missing)
            with _records_lock:
                for record in fetched:
                    _records[(store, record["id"])] = (record.get("rev"), record)
                    _records.move_to_end((store, record["id"]))
                    out[record["id"]] = dict(record)
                while len(_records) > JOB_RECORDS:
                    _records.popitem(last=False)
    return out


def forget_records() -> None:
    """Empty the in-process job-record cache (as a restart would)."""
    with _records_lock:
        _records.clear()


def load_workers(db, ids) -> dict[int, dict]:
    """Workers by database id: only the fields matching reads (never the ID number or phone)."""
    ids = [int(i) for i in ids]
    out: dict[int, dict] = {}
    for start in range(0, len(ids), 900):
        chunk = ids[start:start + 900]
        cursor = db.execute(f"SELECT {_WORKER_COLUMNS} FROM workers WHERE id IN ({','.join('?' * len(chunk))})",
                            chunk)
        names = [d[0] for d in cursor.description]
        for row in cursor.fetchall():
            record = dict(zip(names, row))
            for key in _WORKER_LISTS:
                record[key] = loads_list(record.get(key))
            out[record["id"]] = record
    return out


_prepared_lock = threading.Lock()
_prepared: dict[str, dict] = {}
PREPARED_WORKERS = 5_000


def prepared_worker(worker: dict) -> dict:
    """``features.prepare_worker(worker)``, remembered per exact record content (an edit is a new key)."""
    key = repr(sorted((k, v) for k, v in worker.items() if not k.startswith("_")))
    with _prepared_lock:
        found = _prepared.get(key)
    if found is not None:
        return found
    found = prepare_worker(worker)
    with _prepared_lock:
        if len(_prepared) >= PREPARED_WORKERS:
            _prepared.clear()
        _prepared[key] = found
    return found


# --- vectors and channels -----------------------------------------------------------------------------

_vec_lock = threading.Lock()
_vec_cache: dict[tuple[str, str], np.ndarray] = {}


def encode(text: str) -> np.ndarray:
    """The normalised embedding of one text (remembered in-process; ``matching.cache`` keeps a transformer's
    vectors on disk)."""
    encoder = get_encoder()
    key = (encoder.model_id, text)
    with _vec_lock:
        found = _vec_cache.get(key)
    if found is not None:
        return found
    vec = np.asarray(encode_cached(encoder, [text])[0], dtype=np.float32)
    with _vec_lock:
        if len(_vec_cache) > 20_000:
            _vec_cache.clear()
        _vec_cache[key] = vec
    return vec


def _lexical_hits(db, text: str, n: int) -> list[tuple[int, float]]:
    from matching.lexical import job_bm25

    def corpus():
        jobs = _job_rows(db, "j.status = 'open'")
        return [j["id"] for j in jobs], [job_text(j) for j in jobs]

    return job_bm25(db, corpus).search(text, n)


def warm_up(db, notify=None) -> dict[str, float]:
    """Load, in this process, everything the first search would otherwise load inside a request: the encoder
    (the model: about 9 s for m3e-small on an idle machine), jieba's dictionary and the lexical index of open
    postings, and both vector indexes (loaded from disk or synced). A server calls it when a worker process
    starts (``gunicorn.conf.py``), before the process accepts a request. ``notify()`` is called between the
    steps (gunicorn's heartbeat, so a slow load is not taken for a hung worker). Returns seconds per step."""
    import time

    from matching.index import KINDS, get_index

    steps: dict[str, float] = {}

    def step(name: str, work) -> None:
        started = time.perf_counter()
        work()
        steps[name] = round(time.perf_counter() - started, 3)
        if notify is not None:
            notify()

    step("encoder", lambda: encode("电焊工 青岛 包吃住"))
    step("lexical", lambda: _lexical_hits(db, "电焊工", 1))
    for kind in KINDS:
        step(f"index:{kind}", lambda kind=kind: get_index(db, kind).sync(progress=False))
    return steps


def _occupation_hits(db, worker: dict, n: int) -> list[int]:
    """Open postings in the worker's desired occupations, those in a desired city first, newest first.

    Read from the job index's in-memory occupation map (``matching.occmap``), which the index keeps in
    step with the store at every sync: no table scan, no title classified at query time.
    """
    from matching.index import get_job_index

    codes = [o.code for o in desired_occupations(worker)]
    if not codes or n <= 0:
        return []
    return get_job_index(db).occupation_hits(codes, worker.get("desired_cities") or [], n)


def _filtered_job_ids(db, filters: SearchFilters, limit: int = 2000) -> list[int]:
    where, params = ["status = 'open'"], []
    if filters.city:
        where.append("city = ?")
        params.append(filters.city)
    if filters.salary_floor:
        where.append("COALESCE(salary_max, salary_min) >= ?")
        params.append(filters.salary_floor)
    rows = db.execute(f"SELECT id FROM jobs WHERE {' AND '.join(where)} ORDER BY id DESC LIMIT ?",
                      (*params, limit)).fetchall()
    return [r[0] for r in rows]


def job_candidates(db, worker: dict, filters: SearchFilters | None = None, *,
                   semantic_n: int = W.SEMANTIC_CANDIDATES, lexical: bool = True,
                   occupation: bool = True) -> tuple[list[tuple[dict, float]], list[float]]:
    """Candidate open jobs for a worker with their similarity, and the similarity pool for rescaling."""
    from matching.index import get_job_index

    text = worker_text(worker)
    vec = encode(text)
    hits = get_job_index(db).search(vec, semantic_n)
    sims: dict[int, float] = {int(i): float(s) for i, s in hits}
    pool = list(sims.values())
    extra: list[int] = []
    if lexical and W.LEXICAL_CANDIDATES > 0:
        extra += [i for i, _ in _lexical_hits(db, text, W.LEXICAL_CANDIDATES)]
    if occupation:
        extra += _occupation_hits(db, worker, W.OCCUPATION_CANDIDATES)
    if filters is not None and not filters.empty():
        extra += _filtered_job_ids(db, filters)
    extra = [i for i in dict.fromkeys(extra) if i not in sims]
    jobs = load_jobs(db, list(sims) + extra)
    if extra:
        indexed = get_job_index(db).vectors_for([i for i in extra if i in jobs], synced=True)
        for job_id, job_vec in indexed.items():          # the index already holds their vectors
            sims[job_id] = float(job_vec @ vec)
        _fill_similarities(vec, [jobs[i] for i in extra if i in jobs and i not in indexed], sims, pool)
        if not pool:
            pool.extend(sims.values())
    return [(jobs[i], sims[i]) for i in sims if i in jobs and jobs[i].get("status") == "open"], pool


def _fill_similarities(vec: np.ndarray, records: list[dict], sims: dict[int, float], pool: list[float],
                       text_of=job_text) -> None:
    """Exact similarities for candidates that came from another channel (vectors via the cache)."""
    if not records:
        return
    texts = [text_of(r) for r in records]
    vectors = np.asarray(encode_cached(get_encoder(), texts), dtype=np.float32)
    for record, value in zip(records, vectors @ vec):
        sims[record["id"]] = float(value)
    if not pool:
        pool.extend(sims.values())


def _job_match(scored: Scored, worker_id: int) -> Match:
    job = scored.record
    return Match(external_id=job["external_id"], score=round(scored.score, 4), reasons=scored.reasons,
                 warnings=scored.warnings, job_id=job["id"], worker_id=worker_id, title=job.get("title") or "",
                 employer_name=job.get("employer_name") or "", city=job.get("city") or "",
                 salary_min=job.get("salary_min"), salary_max=job.get("salary_max"),
                 signals=scored.signals.as_dict(), other=scored.other)


def jobs_for_worker(db, worker_id: int, k: int = 10, *, filters=None, exclude_job_ids=(),
                    stability: dict | None = None, today: date | None = None) -> list[Match]:
    """The ``k`` best open jobs the worker can take, best first, each with reasons.

    The main list comes first; jobs below the relevance floor follow it with ``other`` set (shown apart, as
    其他在招岗位), so a worker with few jobs of their kind sees those few, then the rest labelled as such.

    ``filters`` (seeker search: city, salary_floor, benefits, keywords) constrain the list without
    changing its order; ``exclude_job_ids`` are never returned (jobs the worker left);
    ``stability`` maps employer_id -> retention share (0..1) and nudges towards employers who keep people.
    """
    filters = SearchFilters.of(filters)
    key = _result_key(db, worker_id, k, filters, exclude_job_ids, stability, today)
    if key is not None:
        with _results_lock:
            hit = _results.get(key)
            if hit is not None:
                _results.move_to_end(key)
                return list(hit)
    found = _rank_jobs_for_worker(db, worker_id, k, filters, exclude_job_ids, stability, today)
    if key is not None:
        with _results_lock:
            _results[key] = tuple(found)
            while len(_results) > RESULT_CACHE_SIZE:
                _results.popitem(last=False)
    return found


#: Ranked lists kept per (store, worker and its revision, open-jobs revision, query): a worker reloading
#: 推荐岗位 costs a dictionary look-up until they or any posting change (every write bumps ``rev``, so an
#: entry can never be stale). Employer renames do not bump a posting's ``rev``, as for the record cache.
RESULT_CACHE_SIZE = 4096
_results: OrderedDict = OrderedDict()
_results_lock = threading.Lock()


def forget_results() -> None:
    """Empty the ranked-list cache, as saving any posting does for every worker (benchmarks time the cold
    ranking this way)."""
    with _results_lock:
        _results.clear()


def _result_key(db, worker_id, k, filters, exclude_job_ids, stability, today):
    from matching.index import _db_file
    from models.store.clock import today as clock_today

    row = db.execute("SELECT rev FROM workers WHERE id = ?", (int(worker_id),)).fetchone()
    if row is None:
        return None
    jobs_rev = db.execute("SELECT MAX(rev) FROM jobs").fetchone()  # the app closes postings, never deletes
    return (_db_file(db), int(worker_id), row[0], tuple(jobs_rev), int(k), repr(filters),
            tuple(sorted(int(i) for i in exclude_job_ids)),
            tuple(sorted(stability.items())) if stability else None, today or clock_today())


def _rank_jobs_for_worker(db, worker_id, k, filters, exclude_job_ids, stability, today) -> list[Match]:
    worker = load_workers(db, [worker_id]).get(int(worker_id))
    if worker is None:
        return []
    worker = prepared_worker(worker)
    candidates, pool = job_candidates(db, worker, filters)
    excluded = {int(i) for i in exclude_job_ids}
    candidates = [(j, s) for j, s in candidates if j["id"] not in excluded
                  and (filters is None or filters.admits(j))]
    ranked = rank_jobs(worker, candidates, today=today, stability=stability, scale=semantic_scaler(pool),
                       explain_top=k)
    return [_job_match(s, worker["id"]) for s in ranked[:k]]


def candidates_for_job(db, job_id: int, k: int = 10, *, today: date | None = None,
                       semantic_n: int = W.SEMANTIC_CANDIDATES) -> list[Match]:
    """The ``k`` best job-seeking workers who meet every hard requirement of the job, best first."""
    from matching.index import get_worker_index

    job = load_jobs(db, [job_id]).get(int(job_id))
    if job is None or job.get("status") != "open":
        return []
    vec = encode(job_text(job))
    hits = get_worker_index(db).search(vec, semantic_n)
    sims = {int(i): float(s) for i, s in hits}
    pool = list(sims.values())
    workers = load_workers(db, list(sims))
    candidates = [(workers[i], sims[i]) for i in sims if i in workers and workers[i].get("seeking", 1)]
    ranked = rank_workers(job, candidates, today=today, scale=semantic_scaler(pool), explain_top=k)
    out = []
    for scored in ranked[:k]:
        worker = scored.record
        out.append(Match(external_id=worker["external_id"], score=round(scored.score, 4), reasons=scored.reasons,
                         warnings=scored.warnings, job_id=job["id"], worker_id=worker["id"],
                         title=worker.get("desired_jobs") or "", city=job.get("city") or "",
                         signals=scored.signals.as_dict()))
    return out
