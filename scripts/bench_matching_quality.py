"""Matching quality on the labelled dev set (data/eval/): Tongbang vs a BM25 baseline vs embedding-only.

Run from the repository root:  .venv/bin/python scripts/bench_matching_quality.py [--variants] [--channels]

1. Loads data/eval/workers.jsonl and jobs.jsonl into a fresh temporary instance through the real import
   (``models.actions.imports.import_ledger`` as ``SYSTEM``), then asks the real service (``matching.service.jobs_for_worker``,
   FAISS index, real encoder) for each worker's top 10, as of ``devset.EVAL_YEAR``.
2. Baselines over the same postings and the same text fields (``matching.text``), with no filters:
   BM25 (jieba + bm25s) and embedding-only (cosine of the encoder's vectors).
3. Prints NDCG@10 (gain 2^grade - 1), recall@10 of grade-2 postings, MRR (first grade-2 posting, or
   first grade-1 for a worker who has no grade-2), and hard-requirement violations in the top 10
   counted against the labeller's own reading of each record (``devset.can_take``), side by side.

``--variants`` also measures the text-representation alternatives of ``matching.text.VARIANTS``
(embedding-only and full ranking, in memory); ``--channels`` measures candidate-channel recall when the
semantic channel is cut to a few candidates (as in a market of 100k postings).
"""
from __future__ import annotations

import argparse
import json
import math
import os
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

EVAL_DIR = ROOT / "data" / "eval"
K = 10


def load_devset() -> tuple[list[dict], list[dict], dict[str, dict]]:
    """Workers, jobs (as JSONL records) and labels by worker external_id."""
    def read(name: str) -> list[dict]:
        with open(EVAL_DIR / name, encoding="utf-8") as fh:
            return [json.loads(line) for line in fh if line.strip()]

    labels = {item["worker"]: item for item in read("labels.jsonl")}
    return read("workers.jsonl"), read("jobs.jsonl"), labels


def eval_today() -> date:
    sys.path.insert(0, str(EVAL_DIR))
    import devset

    return date(devset.EVAL_YEAR, 7, 1)


# --- metrics ----------------------------------------------------------------------------------------------

def ndcg(ranked: list[str], grades: dict[str, int], k: int = K) -> float:
    dcg = sum((2 ** grades.get(j, 0) - 1) / math.log2(i + 2) for i, j in enumerate(ranked[:k]))
    ideal = sorted(grades.values(), reverse=True)[:k]
    idcg = sum((2 ** g - 1) / math.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / idcg if idcg else 1.0


def recall_good(ranked: list[str], grades: dict[str, int], k: int = K) -> float | None:
    good = {j for j, g in grades.items() if g == 2}
    if not good:
        return None
    return len(good & set(ranked[:k])) / min(len(good), k)


def reciprocal_rank(ranked: list[str], grades: dict[str, int]) -> float | None:
    if not grades:
        return None
    target = 2 if 2 in grades.values() else 1
    for i, j in enumerate(ranked):
        if grades.get(j, 0) >= target:
            return 1.0 / (i + 1)
    return 0.0


def summarise(results: dict[str, list[str]], labels: dict[str, dict]) -> dict[str, float]:
    """Mean NDCG@10, recall@10 (grade 2), MRR and the total of violations over the dev set's workers."""
    nd, rc, rr, violations = [], [], [], 0
    for ext, ranked in results.items():
        item = labels[ext]
        grades = item["grades"]
        feasible = set(item["feasible"])
        if grades:
            nd.append(ndcg(ranked, grades))
        r = recall_good(ranked, grades)
        if r is not None:
            rc.append(r)
        m = reciprocal_rank(ranked, grades)
        if m is not None:
            rr.append(m)
        violations += sum(1 for j in ranked[:K] if j not in feasible)
    return {"ndcg@10": _mean(nd), "recall@10": _mean(rc), "mrr": _mean(rr), "violations": violations}


def _mean(values: list[float]) -> float:
    return sum(values) / len(values) if values else float("nan")


# --- systems ----------------------------------------------------------------------------------------------

def get_encoder():
    from matching.encoder import get_encoder as _get

    return _get()


def embed(texts: list[str]):
    import numpy as np

    return np.asarray(get_encoder().encode(texts), dtype="float32")


def bm25_baseline(workers, jobs, text_variant=None) -> dict[str, list[str]]:
    from matching.lexical import Bm25Index
    from matching.text import job_text, worker_text

    wt, jt = text_variant or (worker_text, job_text)
    index = Bm25Index(list(range(len(jobs))), [jt(j) for j in jobs])
    out = {}
    for w in workers:
        hits = index.search(wt(w), K)
        out[w["external_id"]] = [jobs[i]["external_id"] for i, _ in hits]
    return out


def similarity_matrix(workers, jobs, text_variant=None):
    from matching.text import job_text, worker_text

    wt, jt = text_variant or (worker_text, job_text)
    return embed([wt(w) for w in workers]) @ embed([jt(j) for j in jobs]).T


def embedding_baseline(workers, jobs, sims) -> dict[str, list[str]]:
    out = {}
    for wi, w in enumerate(workers):
        order = sims[wi].argsort()[::-1][:K]
        out[w["external_id"]] = [jobs[i]["external_id"] for i in order]
    return out


def as_records(workers, jobs):
    """JSONL records shaped like the store's rows (ids, employer ids), for in-memory ranking."""
    employers: dict[str, int] = {}
    job_rows = []
    for i, j in enumerate(jobs):
        row = {k: j.get(k) for k in ("external_id", "title", "description", "city", "district", "salary_min",
                                     "salary_max", "age_min", "age_max", "education_min", "status")}
        for key in ("required_certificates", "skills", "benefits"):
            row[key] = list(j.get(key) or [])
        row["id"] = i + 1
        row["employer_id"] = employers.setdefault(j["employer_name"], len(employers) + 1)
        row["employer_name"] = j["employer_name"]
        job_rows.append(row)
    worker_rows = []
    for i, w in enumerate(workers):
        row = dict(w)
        row["id"] = i + 1
        for key in ("skills", "certificates", "desired_cities", "needs"):
            row[key] = list(w.get(key) or [])
        worker_rows.append(row)
    return worker_rows, job_rows


def ranked_in_memory(workers, jobs, sims, today) -> dict[str, list[str]]:
    """Tongbang's ranker over every posting (what the service does when the index returns them all)."""
    from matching.ranker import rank_jobs

    worker_rows, job_rows = as_records(workers, jobs)
    out = {}
    for wi, w in enumerate(worker_rows):
        candidates = [(job_rows[ji], float(sims[wi, ji])) for ji in range(len(job_rows))]
        ranked = rank_jobs(w, candidates, today=today, explain_top=K)
        out[w["external_id"]] = [s.record["external_id"] for s in ranked[:K]]
    return out


def load_instance(folder: str | None = None):
    """A fresh instance in ``folder`` (a new temp folder by default) with the dev set imported."""
    os.environ["TONGBANG_DATA_DIR"] = folder or tempfile.mkdtemp(prefix="tongbang-eval-")
    from models.access import SYSTEM
    from models.actions.imports import import_ledger
    from models.store.db import connect

    db = connect()
    info = {}
    for kind in ("workers", "jobs"):
        result = import_ledger(db, SYSTEM, kind, EVAL_DIR / f"{kind}.jsonl")
        info[kind] = (result.added, result.rejected, list(result.rejections)[:5])
    return db, info


def service_results(db, workers, today) -> dict[str, list[str]]:
    """Each dev-set worker's top 10 through ``matching.service.jobs_for_worker``."""
    from matching.service import jobs_for_worker

    ids = dict(db.execute("SELECT external_id, id FROM workers").fetchall())
    return {w["external_id"]: [m.external_id for m in jobs_for_worker(db, ids[w["external_id"]], K, today=today)]
            for w in workers if w["external_id"] in ids}


def tongbang_service(workers, jobs, today) -> tuple[dict[str, list[str]], dict]:
    """The real pipeline: import the ledgers into a temp instance, index, match through the service."""
    db, info = load_instance()
    started = time.perf_counter()
    out = service_results(db, workers, today)
    info["seconds"] = time.perf_counter() - started
    return out, info


def print_table(rows: list[tuple[str, dict]]) -> None:
    print(f"{'system':<50}{'NDCG@10':>9}{'R@10(g2)':>10}{'MRR':>8}{'violations':>12}")
    for name, m in rows:
        print(f"{name:<50}{m['ndcg@10']:>9.3f}{m['recall@10']:>10.3f}{m['mrr']:>8.3f}{m['violations']:>12d}")


def channel_recall(workers, jobs, labels, sims, n: int) -> None:
    """Recall of grade-2 postings in the candidate set when the semantic channel returns only ``n``."""
    from matching.features import desired_occupations, job_occupations
    from matching.lexical import Bm25Index
    from matching.text import job_text, worker_text

    index = Bm25Index(list(range(len(jobs))), [job_text(j) for j in jobs])
    by_code: dict[str, set[int]] = {}
    for i, j in enumerate(jobs):
        for occ in job_occupations(j)[:1]:
            by_code.setdefault(occ.code, set()).add(i)
    totals = {"semantic": [], "+lexical": [], "+occupation": [], "all three": []}
    for wi, w in enumerate(workers):
        good = {j for j, g in labels[w["external_id"]]["grades"].items() if g == 2}
        if not good:
            continue
        sem = set(sims[wi].argsort()[::-1][:n].tolist())
        lex = {i for i, _ in index.search(worker_text(w), n)}
        occ = set()
        for o in desired_occupations(w):
            occ |= by_code.get(o.code, set())
        for name, chosen in (("semantic", sem), ("+lexical", sem | lex), ("+occupation", sem | occ),
                             ("all three", sem | lex | occ)):
            found = {jobs[i]["external_id"] for i in chosen}
            totals[name].append(len(good & found) / len(good))
    print(f"  candidate recall of grade-2 postings, semantic channel cut to {n}:")
    for name, values in totals.items():
        print(f"    {name:<14}{sum(values) / len(values):.3f}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--variants", action="store_true", help="measure text-representation alternatives")
    parser.add_argument("--channels", action="store_true", help="measure candidate-channel recall")
    parser.add_argument("--memory-only", action="store_true", help="skip the import/index/service run")
    args = parser.parse_args()
    workers, jobs, labels = load_devset()
    today = eval_today()
    print(f"Matching quality on the dev set: {len(workers)} workers, {len(jobs)} postings, "
          f"{sum(len(v['grades']) for v in labels.values())} graded pairs (ages as of {today})\n")
    sims = similarity_matrix(workers, jobs)
    rows = []
    if not args.memory_only:
        service, info = tongbang_service(workers, jobs, today)
        rows.append(("Tongbang (import + index + service)", summarise(service, labels)))
        print(f"import: workers added/rejected {info['workers'][:2]}, jobs {info['jobs'][:2]}; "
              f"{len(workers)} match lists in {info['seconds']:.1f} s")
        for kind in ("workers", "jobs"):
            if info[kind][1]:
                print(f"  rejections ({kind}): {info[kind][2]}")
    rows.append(("Tongbang ranker (in memory, all postings)", summarise(ranked_in_memory(workers, jobs, sims,
                                                                                         today), labels)))
    rows.append(("BM25 baseline (jieba + bm25s, no filters)", summarise(bm25_baseline(workers, jobs), labels)))
    rows.append(("Embedding only (m3e cosine, no filters)", summarise(embedding_baseline(workers, jobs, sims),
                                                                      labels)))
    print_table(rows)
    if args.variants:
        from matching.text import VARIANTS

        print("\nText representation alternatives (matching.text.VARIANTS):")
        variant_rows = []
        for name, pair in VARIANTS.items():
            vs = similarity_matrix(workers, jobs, pair)
            variant_rows.append((f"{name}: embedding only", summarise(embedding_baseline(workers, jobs, vs), labels)))
            variant_rows.append((f"{name}: ranker", summarise(ranked_in_memory(workers, jobs, vs, today), labels)))
        print_table(variant_rows)
    if args.channels:
        print("\nCandidate channels:")
        for n in (5, 10, 20):
            channel_recall(workers, jobs, labels, sims, n)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
