"""The hybrid ranker: hard-filter the candidates, score what remains, sort, explain.

Pure functions over records (dicts) and similarities; no database, no model. ``matching.service``
gathers candidates and their embedding similarities and calls ``rank_jobs`` / ``rank_workers``.

Semantic rescaling: m3e-small's cosine similarities are compressed (unrelated trades still ~0.67,
near-synonyms ~0.93), so the raw value is never compared with a fixed threshold. Within one query's
candidate pool (everything retrieved, before filtering) each similarity becomes a z-score, clipped to
±``Z_CLIP`` and mapped to 0..1: "how much closer than the typical candidate". The pool is the
reference so that filtering (say, a city search) does not change how close a job looks.
"""
from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from datetime import date

from matching import weights as W
from matching.features import Signals, experience_phrase, prepare_worker, soft_signals
from matching.reasons import reasons_for, warnings_for
from models.hiring.eligibility import HardCheck, check_hard
from models.store.clock import today as clock_today


@dataclass
class Scored:
    """One ranked, feasible pair: the other side's record, its score (0..1) and why."""

    record: dict
    score: float
    signals: Signals
    reasons: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    other: bool = False            # below the relevance floor: shown apart, as 其他在招岗位


def semantic_scaler(pool: list[float]):
    """A function mapping a raw similarity to 0..1 by its z-score within ``pool``."""
    if len(pool) < 2:
        return lambda _sim: W.NEUTRAL
    mean = statistics.fmean(pool)
    spread = statistics.pstdev(pool)
    if spread < 1e-6:
        return lambda _sim: W.NEUTRAL

    def scale(sim: float) -> float:
        z = max(-W.Z_CLIP, min(W.Z_CLIP, (sim - mean) / spread))
        return (z + W.Z_CLIP) / (2 * W.Z_CLIP)

    return scale


def combine(signals: Signals, worker: dict | None = None) -> float:
    """Weighted mean of the soft signals minus the penalties (unverifiable requirements; no 夫妻房 for a
    couple), in 0..1. A vague seeker's pay and housing weigh more (``VAGUE_NEEDS_FACTOR``)."""
    values = signals.as_dict()
    weights = W.soft_weights(with_stability="stability" in values)
    if worker is not None and worker.get("_vague"):
        weights["needs"] *= W.VAGUE_NEEDS_FACTOR
        weights["salary"] *= W.VAGUE_NEEDS_FACTOR
    total = sum(weights.values())
    score = sum(weights[name] * values[name] for name in weights) / total
    unverified = sum(1 for w in signals.warnings if "待核实" in w)
    score -= W.PENALTY_UNVERIFIED * unverified
    if worker is not None and worker.get("_couple") and "夫妻房" not in signals.needs_met:
        score -= W.PENALTY_NO_COUPLE_ROOM
    return max(0.0, min(1.0, score))


def below_floor(signals: Signals, worker: dict | None = None) -> bool:
    """No evidence that the job is the worker's kind of work (see ``weights.SEMANTIC_FLOOR``). For a
    worker whose wish or experience names occupations, closeness of text alone must be higher."""
    if signals.occupation > 0 or signals.skills_matched:
        return False
    coded = bool(worker and (worker.get("_desired_occ") or worker.get("_experience_occ")))
    return signals.semantic < (W.SEMANTIC_FLOOR_CODED if coded else W.SEMANTIC_FLOOR)


def score_pair(worker: dict, job: dict, sim: float, scale, *, today: date | None = None,
               stability: dict | None = None, hard: HardCheck | None = None) -> Scored | None:
    """Score one pair, or ``None`` when a hard requirement is not met."""
    hard = hard or check_hard(worker, job, today)
    if not hard.ok:
        return None
    signals = soft_signals(worker, job, hard, stability)
    signals.semantic_raw = float(sim)
    signals.semantic = scale(float(sim))
    return Scored(job, combine(signals, worker), signals)


def explain(worker: dict, job: dict, scored: Scored) -> Scored:
    """Fill in the reasons (for the worker) and warnings (for staff) of a scored pair."""
    scored.signals.experience_phrase = experience_phrase(worker, job)
    scored.reasons = reasons_for(job, scored.signals)
    scored.warnings = warnings_for(scored.signals)
    return scored


def _sorted(items: list[Scored], key_id: str) -> list[Scored]:
    return sorted(items, key=lambda s: (s.other, -round(s.score, 9), -s.signals.semantic_raw,
                                        s.record.get(key_id, 0)))


def rank_jobs(worker: dict, candidates: list[tuple[dict, float]], *, today: date | None = None,
              stability: dict | None = None, scale=None, explain_top: int | None = None) -> list[Scored]:
    """Rank candidate jobs ``[(job, similarity)]`` for a worker: feasible ones only, best first.

    The main list comes first; jobs below the relevance floor (``below_floor``) follow it, each marked
    ``other`` (the 其他在招岗位 list). Reasons are written for the first ``explain_top`` results (all when
    ``None``).
    """
    scale = scale or semantic_scaler([sim for _job, sim in candidates])
    worker = prepare_worker(worker)
    today = today or clock_today()          # once per list, not per pair (a time-zone look-up each)
    out = []
    for job, sim in candidates:
        scored = score_pair(worker, job, sim, scale, today=today, stability=stability)
        if scored is not None:
            scored.other = below_floor(scored.signals, worker)
            out.append(scored)
    ranked = _sorted(out, "id")
    for scored in ranked[:explain_top]:
        explain(worker, scored.record, scored)
    return ranked


def rank_workers(job: dict, candidates: list[tuple[dict, float]], *, today: date | None = None,
                 scale=None, explain_top: int | None = None) -> list[Scored]:
    """Rank candidate workers ``[(worker, similarity)]`` for a job: only those who meet its requirements."""
    scale = scale or semantic_scaler([sim for _worker, sim in candidates])
    today = today or clock_today()
    out = []
    for worker, sim in candidates:
        scored = score_pair(prepare_worker(worker), job, sim, scale, today=today)
        if scored is not None:
            scored.record = worker
            out.append(scored)
    ranked = _sorted(out, "id")
    for scored in ranked[:explain_top]:
        explain(worker=scored.record, job=job, scored=scored)
    return ranked
